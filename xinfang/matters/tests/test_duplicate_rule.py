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


def test_the_person_side_is_bounded_to_their_newest_records(county, monkeypatch):
    """A phone shared by many registrations (a village committee's, a family's) is checked against
    its newest records only, so the check costs the same however many matters share it (issue 14):
    the newest are found, newest first; what lies beyond the bound is not."""
    from xinfang.matters import selectors

    monkeypatch.setattr(selectors, "PERSON_RECORDS_CHECKED", 3)
    shared = {"phone": "13900001111"}
    numbers = []
    for i in range(5):  # five people (five ID numbers), one phone; each title its own
        person = {"name": f"李{i}", "id_number": "", **shared, "address": f"西街{i}号"}
        numbers.append(register(county, petitioners=[person], title=f"独立标题{i}甲乙丙").matter.number)
    newcomer = {"name": "王五", "id_number": "", **shared, "address": "北街9号"}
    result = register_petition(actor=county.users["registrar"], data=petition_data(
        county, petitioners=[newcomer], title="毫不相干的标题"))
    same_person = [d["number"] for d in result.duplicates if d["reason"] == "同一信访人"]
    assert same_person == numbers[::-1][:3]
