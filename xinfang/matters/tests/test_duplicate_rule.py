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


def test_an_id_number_is_never_crowded_out_by_a_shared_phone(county, monkeypatch):
    """The same ID number is the strongest sign: all of its matters are looked at, however many
    newer registrations share the phone (review of issue 14's bound)."""
    from xinfang.matters import selectors
    from xinfang.testing.factories import valid_id

    monkeypatch.setattr(selectors, "PERSON_RECORDS_CHECKED", 3)
    me = {"name": "赵六", "id_number": valid_id(4242), "phone": "13900002222", "address": "南街1号"}
    first = register(county, petitioners=[me], title="独立标题零甲乙").matter
    for i in range(5):
        other = {"name": f"钱{i}", "id_number": "", "phone": me["phone"], "address": f"南街{i + 2}号"}
        register(county, petitioners=[other], title=f"独立标题{i}甲乙")
    result = register_petition(actor=county.users["registrar"], data=petition_data(
        county, petitioners=[me], title="毫不相干的标题"))
    same_person = [d["number"] for d in result.duplicates if d["reason"] == "同一信访人"]
    assert first.number in same_person


def test_a_unit_looks_among_its_own_matters_first(county, monkeypatch):
    """A town's registrar: the bound applies among the matters linked to the town, so the county's
    newer registrations with the same phone do not crowd out the town's own (review of issue 14)."""
    from xinfang.matters import selectors

    monkeypatch.setattr(selectors, "PERSON_RECORDS_CHECKED", 3)
    phone = "13900003333"
    town = county.users["handler"]
    own = register(county, user=town, petitioners=[{"name": "孙七", "phone": phone, "address": "东街1号"}],
                   title="独立标题镇里甲乙").matter
    for i in range(5):  # registered at the bureau, not linked to the town
        register(county, petitioners=[{"name": f"周{i}", "phone": phone, "address": f"东街{i + 2}号"}],
                 title=f"独立标题县里{i}甲乙")
    found = selectors.find_duplicates(town, ids=[], phones=[phone], names_addresses=[], title="毫不相干",
                                      region=None, category=None, today=own.received_at.date())
    assert [d["number"] for d in found] == [own.number]


def test_a_large_group_of_known_people_is_found_again_on_the_first_attempt(county, monkeypatch):
    """Registration reads the records of all its ID numbers once (the duplicate check looks at a
    bounded number of them): every known person of a group larger than that bound is found among
    them, without a lost insert and a second attempt."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinfang.matters import selectors
    from xinfang.matters.models import Petitioner
    from xinfang.testing.factories import valid_id

    monkeypatch.setattr(selectors, "PERSON_RECORDS_CHECKED", 3)
    group = [{"name": f"村民{i}", "id_number": valid_id(7000 + i), "phone": "", "address": f"南街{i}号"}
             for i in range(6)]
    register(county, petitioners=group, headcount=6)
    moved = [{**p, "address": f"新址{i}号"} for i, p in enumerate(group)]
    with CaptureQueriesContext(connection) as ctx:
        result = register_petition(actor=county.users["registrar"], data=petition_data(
            county, petitioners=moved, headcount=6, title="另一件事"))
    assert Petitioner.objects.filter(id_number__in=[p["id_number"] for p in group]).count() == 6
    assert [link.petitioner.address for link in result.petition.person_links.order_by("position")] == [
        p["address"] for p in moved]
    assert not any("ROLLBACK" in q["sql"] for q in ctx.captured_queries)  # no attempt lost to a unique row
    assert sum('INSERT INTO "matters_petitioner"' in q["sql"] for q in ctx.captured_queries) == 0
