"""The duplicate rule is the registration service's, for every caller: candidates are found and
recorded; a caller that shows them first says which it has shown, and nothing is saved while one
is unseen (409 ``duplicates``). The API's default (its contract) registers at once."""

import pytest

from xinfang.matters.models import Matter
from xinfang.matters.services.registration import DuplicatesToConfirm, register_petition
from xinfang.testing.factories import petition_data, register

pytestmark = pytest.mark.django_db


def test_the_service_refuses_while_a_candidate_is_unseen(county):
    first = register(county).matter
    with pytest.raises(DuplicatesToConfirm) as caught:
        register_petition(actor=county.users["registrar"], data=petition_data(county), duplicates_seen=[])
    assert [c["number"] for c in caught.value.candidates] == [first.number]
    assert Matter.objects.count() == 1
    result = register_petition(actor=county.users["registrar"], data=petition_data(county),
                               duplicates_seen=[first.number])
    assert result.duplicates[0]["number"] == first.number
    assert result.matter.events.get(action="register").params["duplicates"] == [first.number]


def test_the_api_registers_at_once_by_default_and_confirms_when_asked(county, api):
    first = register(county).matter
    client = api("registrar")
    body = {**petition_data(county), "duplicates_seen": []}
    refused = client.post("/api/v1/matters/", body, format="json")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "duplicates" and error["fields"]["duplicates"] == [first.number]
    created = client.post("/api/v1/matters/", petition_data(county), format="json")
    assert created.status_code == 201 and [d["number"] for d in created.json()["duplicates"]] == [first.number]
