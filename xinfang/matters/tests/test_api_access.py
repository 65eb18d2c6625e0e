"""Permission matrix for every endpoint, visibility per unit, masking and logged reveals."""

import pytest

from xinfang.core.models import AccessLog
from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db

STAFF = ["registrar", "officer", "bleader", "handler", "uleader", "handler2", "dhandler", "cleader", "auditor", "admin"]


@pytest.mark.parametrize("path", ["/api/v1/units/", "/api/v1/users/", "/api/v1/regions/", "/api/v1/categories/"])
@pytest.mark.parametrize("username", [*STAFF, "nobody", None])
def test_reference_data_reads(county, api, path, username):
    response = api(username).get(path)
    expected = 200 if username in STAFF else (403 if username == "nobody" else 401)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["count"] >= 1


@pytest.mark.parametrize("username", STAFF)
def test_reference_data_writes_are_for_admins_only(county, api, username):
    response = api(username).post("/api/v1/units/", {"code": "T99", "name": "新建镇", "kind": "town", "superior": "GOV"},
                                  format="json")
    assert response.status_code == (201 if username == "admin" else 403), response.content
    if username == "admin":
        assert response.json()["superior"] == "GOV"
        patch = api("admin").patch("/api/v1/units/T99/", {"name": "新建镇人民政府"}, format="json")
        assert patch.status_code == 200 and patch.json()["name"] == "新建镇人民政府"
        cycle = api("admin").patch("/api/v1/units/GOV/", {"superior": "T99"}, format="json")
        assert cycle.status_code == 400 and "superior" in cycle.json()["error"]["fields"]


def test_admin_creates_users_with_roles(county, api):
    response = api("admin").post("/api/v1/users/", {"username": "newbie", "password": "Xf-2026-strong!",
                                                    "full_name": "新人", "unit": "T01", "roles": ["unit_handler"]},
                                 format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"username": "newbie", "full_name": "新人", "unit": "T01", "roles": ["unit_handler"],
                               "is_active": True}
    bad = api("admin").post("/api/v1/users/", {"username": "x", "password": "1", "roles": ["king"]}, format="json")
    assert bad.status_code == 400


def test_token_auth(county, api):
    response = api().post("/api/v1/auth/token/", {"username": "officer", "password": "pass-1234-word"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/matters/").status_code == 200
    wrong = api().post("/api/v1/auth/token/", {"username": "officer", "password": "nope"}, format="json")
    assert wrong.status_code == 400 and "error" in wrong.json()


def test_schema_and_docs_are_served_locally(county, api):
    schema = api().get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/matters/{number}/forward/" in schema.content
    docs = api().get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "//unpkg" not in html


@pytest.mark.parametrize(
    ("username", "sees_registered", "sees_forwarded_to_t01"),
    [
        ("registrar", True, True), ("officer", True, True), ("bleader", True, True), ("cleader", True, True),
        ("auditor", True, True), ("admin", True, True),
        ("handler", False, True), ("uleader", False, True), ("handler2", False, False), ("dhandler", False, False),
    ],
)
def test_visibility_matrix(county, api, username, sees_registered, sees_forwarded_to_t01):
    registered = register(county).matter
    forwarded = register(county).matter
    act(county, "officer", forwarded, "forward", unit="T01")
    client = api(username)
    numbers = {row["number"] for row in client.get("/api/v1/matters/").json()["results"]}
    assert (registered.number in numbers) is sees_registered
    assert (forwarded.number in numbers) is sees_forwarded_to_t01
    assert client.get(f"/api/v1/matters/{forwarded.number}/").status_code == (200 if sees_forwarded_to_t01 else 404)


def test_a_unit_keeps_seeing_a_matter_it_handled_after_return(county, api):
    matter = register(county).matter
    act(county, "officer", matter, "forward", unit="T01")
    act(county, "handler", matter, "object", reason="非本单位职责")
    act(county, "officer", matter, "approve_return")
    act(county, "officer", matter, "forward", unit="T02")
    assert api("handler").get(f"/api/v1/matters/{matter.number}/").status_code == 200
    assert api("handler").get(f"/api/v1/matters/{matter.number}/").json()["allowed_actions"] == []
    assert "accept" in api("handler2").get(f"/api/v1/matters/{matter.number}/").json()["allowed_actions"]


def test_ids_and_phones_are_masked_and_reveal_is_logged(county, api):
    matter = register(county).matter
    officer = api("officer")
    body = officer.get(f"/api/v1/matters/{matter.number}/").json()
    person = body["petitioners"][0]
    assert "*" in person["id_number"] and person["phone"] == "138****5678"
    revealed = officer.get(f"/api/v1/matters/{matter.number}/?reveal=true").json()["petitioners"][0]
    assert "*" not in revealed["id_number"] and revealed["phone"] == "13812345678"
    log = AccessLog.objects.filter(kind="reveal", object_ref=matter.number)
    assert log.count() == 1 and log.get().user == county.users["officer"]
    assert AccessLog.objects.filter(kind="view", object_ref=matter.number).count() == 2
    # the auditor may read but never reveal
    audited = api("auditor").get(f"/api/v1/matters/{matter.number}/?reveal=true").json()["petitioners"][0]
    assert "*" in audited["id_number"]


def test_the_accused_unit_never_sees_the_reporter(county, api):
    matter = register(county, purpose="accusation", confidential=True, accused_unit="T01").matter
    # not even visible to the accused unit, and the bureau sees the reporter
    assert api("handler").get(f"/api/v1/matters/{matter.number}/").status_code == 404
    assert api("officer").get(f"/api/v1/matters/{matter.number}/").json()["petitioners"][0]["name"] == "张三"


def test_list_query_count_is_bounded(county, api, django_assert_max_num_queries):
    for _ in range(3):
        register(county)
    client = api("officer")
    with django_assert_max_num_queries(8) as small:
        assert client.get("/api/v1/matters/?page_size=3").status_code == 200
    for _ in range(12):
        m = register(county).matter
        act(county, "officer", m, "forward", unit="T01")
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        body = client.get("/api/v1/matters/?page_size=15").json()
    assert len(body["results"]) == 15
    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(len(small.captured_queries) + 1):  # + the unit visibility subquery
        assert api("handler").get("/api/v1/matters/?page_size=15").status_code == 200


def test_detail_query_count_is_bounded(county, api, django_assert_max_num_queries):
    matter = register(county).matter
    for username, action, params in [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {})]:
        act(county, username, matter, action, **params)
    with django_assert_max_num_queries(20) as before:
        api("officer").get(f"/api/v1/matters/{matter.number}/")
    act(county, "handler", matter, "request_extension", days=10, reason="复杂")
    act(county, "uleader", matter, "approve_extension")
    with django_assert_max_num_queries(len(before.captured_queries)):
        api("officer").get(f"/api/v1/matters/{matter.number}/")


def test_pages_by_number_and_the_last_page(county, api):
    """``page`` counts from 1; ``last`` is the last page (DRF's convention); past the end is a 404 and
    anything else a 400 naming ``page``, in the one error shape."""
    numbers = [register(county).matter.number for _ in range(5)]
    client = api("officer")
    last = client.get("/api/v1/matters/?page_size=2&page=last")
    assert last.status_code == 200, last.content
    assert [m["number"] for m in last.json()["results"]] == [numbers[0]]  # newest first: the oldest is last
    assert last.json()["next"] is None and "page=2" in last.json()["previous"]
    assert client.get("/api/v1/matters/?page_size=2&page=3").json()["results"] == last.json()["results"]
    assert client.get("/api/v1/matters/?page_size=2&page=4").status_code == 404
    for bad in ("0", "-1", "x", "1.5"):
        response = client.get(f"/api/v1/matters/?page={bad}")
        assert response.status_code == 400 and "page" in response.json()["error"]["fields"], bad
    empty = api("handler2").get("/api/v1/matters/?page=last")  # a unit that sees nothing: one empty page
    assert empty.status_code == 200 and empty.json()["results"] == []
