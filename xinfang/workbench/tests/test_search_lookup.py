"""Search by what callers give (issue 15 §3): phone, 查询码, petition number, ID number (logged, only
for roles that may see it), name; always through the access function."""

import pytest
from django.test import Client

from xinfang.core.models import AccessLog
from xinfang.matters.lookup import classify
from xinfang.testing.factories import act, register, valid_id

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"

PHONE = "13977770001"
ID = valid_id(3101)


def _person(name="孙小梅", id_number=ID, phone=PHONE):
    return [{"name": name, "id_number": id_number, "phone": phone, "address": "东关村8号"}]


@pytest.fixture
def people(county):
    """town: forwarded to T01 (孙小梅); other: forwarded to T02 (same person);
    secret: a confidential accusation against T01 by the same person, handled by D01;
    stranger: someone else, kept at the bureau."""
    town = register(county, title="院墙倒塌无人修", petitioners=_person()).matter
    act(county, "officer", town, "forward", unit="T01")
    other = register(county, title="河西乡灌溉渠堵塞", petitioners=_person()).matter
    act(county, "officer", other, "forward", unit="T02")
    secret = register(county, purpose="accusation", confidential=True, accused_unit="T01", accused_party="城关镇某干部",
                      title="举报城关镇干部截留补贴", petitioners=_person()).matter
    act(county, "officer", secret, "forward", unit="D01")
    stranger = register(county, title="路灯不亮", petitioners=_person("周大为", valid_id(3102), "13977770002")).matter
    return {"town": town, "other": other, "secret": secret, "stranger": stranger}


def _found(client, q, **extra):
    r = client.get("/matters/", {"q": q, **extra})
    assert r.status_code == 200, r.content.decode()[:500]
    return {m.number for m in r.context["result"].page.object_list}


def _client(county, username):
    c = Client()
    c.force_login(county.users[username], backend=BACKEND)
    return c


def test_classify_reads_the_shape_of_what_was_typed(settings):
    assert classify("xf2026-000012").kind == "matter_number"
    assert classify("XJ2026-000012").kind == "petition_number"
    assert classify("139 7777-0001").kind == "phone" and classify("139 7777-0001").value == PHONE
    assert classify("139 7777-0001").shown == "139****0001"
    assert classify("0571-87654321").kind == "phone"
    assert classify(ID.lower()).kind == "id_number" and classify(ID.lower()).value == ID
    assert classify(ID).shown.count("*") == 10
    assert classify("abcd-ef23 45").kind == "query_code" and classify("abcd-ef23 45").value == "ABCDEF2345"
    assert classify("eunuk ypmm-ymr").kind == "query_code"  # a code may hold no digit (~8% of them)
    assert classify("ACDE-FHJK-MNP").kind != "query_code"  # eleven characters: no code has that length
    assert classify("孙小梅").kind == "name"
    assert classify("物业 收费").kind == "text" and classify("道路积水问题反映").kind == "name"  # a name-shaped word
    assert classify("噪音扰民问题").kind == "name"  # still found by the full text as well (OR-ed)


def test_phone_finds_every_visible_matter_of_the_caller(county, people):
    officer = _client(county, "officer")
    want = {people[k].number for k in ("town", "other", "secret")}
    assert _found(officer, PHONE) == want
    assert _found(officer, "139-7777-0001") == want
    body = officer.get("/matters/", {"q": PHONE}).content.decode()
    assert "按信访人电话查找" in body and "139****0001" in body
    assert not AccessLog.objects.filter(object_type="id_search").exists()  # only ID numbers are logged as reveals


def test_name_finds_matters_and_plain_text_still_works(county, people):
    officer = _client(county, "officer")
    assert _found(officer, "周大为") == {people["stranger"].number}
    assert _found(officer, "孙小梅") == {people[k].number for k in ("town", "other", "secret")}
    assert _found(officer, "灌溉渠") == {people["other"].number}
    # a name-shaped word is looked for as a name and as text, and the heading says both
    body = officer.get("/matters/", {"q": "灌溉渠堵塞"}).content.decode()
    assert "按信访人姓名或标题、内容查找" in body and "按信访人姓名查找" not in body


def test_query_code_and_petition_number_open_the_matter(county, people):
    officer = _client(county, "officer")
    petition = people["stranger"].petitions.get()
    code = petition.query_code
    spaced = f"{code[:5].lower()} {code[5:]}"
    for q in (code, spaced, petition.number, petition.number.lower(), people["stranger"].number):
        r = officer.get("/matters/", {"q": q})
        assert r.status_code == 302 and r.url == f"/matters/{people['stranger'].number}/", q
    # with other filters the list shows it instead of jumping
    assert _found(officer, code, status="open") == {people["stranger"].number}


def test_a_town_finds_only_its_own_matters(county, people):
    handler = _client(county, "handler")  # T01: town matter; the accusation against T01 never
    assert _found(handler, PHONE) == {people["town"].number}
    assert _found(handler, "孙小梅") == {people["town"].number}
    code = people["other"].petitions.get().query_code
    r = handler.get("/matters/", {"q": code})
    assert r.status_code == 200 and not r.context["result"].page.object_list  # no jump, nothing listed
    code = people["secret"].petitions.get().query_code
    assert handler.get("/matters/", {"q": code}).status_code == 200
    handler2 = _client(county, "handler2")
    assert _found(handler2, PHONE) == {people["other"].number}
    dhandler = _client(county, "dhandler")  # handles the accusation: finds it
    assert _found(dhandler, PHONE) == {people["secret"].number}


def test_id_number_search_is_logged_like_a_reveal(county, people):
    officer = _client(county, "officer")
    assert _found(officer, ID) == {people[k].number for k in ("town", "other", "secret")}
    log = AccessLog.objects.get(object_type="id_search")
    assert log.kind == AccessLog.Kind.REVEAL and log.user == county.users["officer"]
    assert log.detail["id_number"] == classify(ID).shown and ID not in str(log.detail)
    assert log.detail["count"] == 3 and set(log.detail["matters"]) == {people[k].number for k in ("town", "other", "secret")}
    assert log.ip_address == "127.0.0.1" and log.object_ref == ""
    body = officer.get("/matters/", {"q": ID}).content.decode()
    assert "已记入个人信息访问日志" in body
    # one match: the matter is the row's object (the auditor's filter by matter number finds it)
    _found(officer, valid_id(3102))
    log = AccessLog.objects.filter(object_type="id_search").order_by("-id").first()
    assert log.object_ref == people["stranger"].number and log.detail["matter"] == people["stranger"].number
    auditor = _client(county, "auditor")
    body = auditor.get("/audit/", {"matter": people["stranger"].number}).content.decode()
    assert "id_search" in body


def test_unit_staff_find_by_id_only_what_their_unit_handles(county, people):
    handler = _client(county, "handler")
    assert _found(handler, ID) == {people["town"].number}
    assert AccessLog.objects.filter(object_type="id_search", user=county.users["handler"]).count() == 1


@pytest.mark.parametrize("username", ["cleader", "auditor", "admin"])
def test_roles_that_may_not_see_id_numbers_may_not_search_by_them(county, people, username):
    c = _client(county, username)
    r = c.get("/matters/", {"q": ID})
    assert r.status_code == 403
    assert "不能按证件号码查找" in r.content.decode()
    assert _found(c, PHONE)  # a phone they may search (shown masked)
    r = c.get("/api/v1/matters/", {"q": ID})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert not AccessLog.objects.filter(object_type="id_search").exists()


def test_api_search_parameter(county, people):
    api = _client(county, "officer")
    r = api.get("/api/v1/matters/", {"q": PHONE})
    assert r.status_code == 200
    assert {row["number"] for row in r.json()["results"]} == {people[k].number for k in ("town", "other", "secret")}
    r = api.get("/api/v1/matters/", {"q": people["stranger"].petitions.get().query_code})
    assert [row["number"] for row in r.json()["results"]] == [people["stranger"].number]
    r = api.get("/api/v1/matters/", {"q": ID})
    assert r.status_code == 200 and r.json()["count"] == 3
    log = AccessLog.objects.get(object_type="id_search")
    assert log.detail["via"] == "api"
    town = _client(county, "handler2")
    r = town.get("/api/v1/matters/", {"q": PHONE})
    assert {row["number"] for row in r.json()["results"]} == {people["other"].number}


def test_export_of_an_id_search_never_writes_the_number_into_the_log(county, people):
    from urllib.parse import urlencode

    officer = _client(county, "officer")
    r = officer.post("/exports/", {"query": urlencode({"q": ID})})
    assert r.status_code == 302
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT, object_type="matter_list")
    assert log.detail["rows"] == 3 and ID not in str(log.detail)
    r = _client(county, "cleader").post("/exports/", {"query": urlencode({"q": ID})})
    assert r.status_code == 403


@pytest.mark.parametrize("q", [PHONE, "孙小梅", ID])
def test_search_query_count_is_pinned(county, people, q, django_assert_max_num_queries):
    officer = _client(county, "officer")
    officer.get("/matters/", {"q": q})  # warm caches
    # the list's 16 (17 on PostgreSQL: the ids' span for a county search's sample, listing.sampled_count),
    # plus the access-log row of an ID-number search (the hash chain's head and the row)
    pinned = 17 if q != ID else 20
    with django_assert_max_num_queries(pinned):
        officer.get("/matters/", {"q": q})
    for i in range(5):
        register(county, title=f"又一件{i}", petitioners=_person())
    with django_assert_max_num_queries(pinned):  # more rows, same number of queries
        officer.get("/matters/", {"q": q})
