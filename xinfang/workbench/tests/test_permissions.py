"""Permission matrix for every workbench page: anonymous, no role, allowed, denied, other unit."""

import pytest

from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db

ALL_STAFF = ["registrar", "officer", "bleader", "handler", "uleader", "handler2", "dhandler", "cleader", "auditor", "admin"]
REGISTER = {"registrar", "officer", "bleader", "handler", "uleader", "handler2", "dhandler"}
ADMIN = {"admin"}

# (url, roles allowed with 200; everyone else with a role gets 403)
PAGES = [
    ("/", set(ALL_STAFF)),
    ("/matters/", set(ALL_STAFF)),
    ("/exports/", set(ALL_STAFF)),
    ("/register/visit/", REGISTER),
    ("/register/upstream/", REGISTER),
    ("/register/check-id/?p-0-id_number=1", set(ALL_STAFF)),
    ("/register/lookup-phone/?p-0-phone=1", set(ALL_STAFF)),
    ("/register/person-row/?index=1", set(ALL_STAFF)),
    ("/batch/forward/", {"officer", "bleader"}),
    ("/batch/accept/", {"handler", "uleader", "handler2", "dhandler"}),
    ("/manage/", ADMIN),
    ("/manage/units/", ADMIN),
    ("/manage/units/new/", ADMIN),
    ("/manage/units/T01/", ADMIN),
    ("/manage/users/", ADMIN),
    ("/manage/users/new/", ADMIN),
    ("/manage/categories/", ADMIN),
    ("/manage/categories/new/", ADMIN),
    ("/manage/calendar/", ADMIN),
    ("/manage/rules/", ADMIN),
    ("/manage/changes/", ADMIN),
]


def test_page_matrix(web):
    """One client per user for all pages (fast): 302 anonymous, 403 no role or wrong role, 200 allowed."""
    clients = {username: web(username) for username in [*ALL_STAFF, "nobody"]}
    anonymous = web()
    failures = []
    for url, allowed in PAGES:
        r = anonymous.get(url)
        if r.status_code != 302 or not r["Location"].startswith("/login/"):
            failures.append((url, "anonymous", r.status_code))
        for username, client in clients.items():
            expected = 200 if username in allowed else 403
            code = client.get(url).status_code
            if code != expected:
                failures.append((url, username, code))
    assert failures == []


@pytest.fixture
def t01_matter(county):
    m = register(county).matter
    return act(county, "officer", m, "forward", unit="T01")


MATTER_PAGES = ["/matters/{n}/", "/matters/{n}/print/"]


@pytest.mark.parametrize("pattern", MATTER_PAGES)
def test_matter_pages_matrix(web, t01_matter, pattern):
    url = pattern.format(n=t01_matter.number)
    assert web().get(url).status_code == 302
    assert web("nobody").get(url).status_code == 403
    for username in ["registrar", "officer", "bleader", "cleader", "auditor", "admin", "handler", "uleader"]:
        assert web(username).get(url).status_code == 200, username
    for username in ["handler2", "dhandler"]:  # other units: not found, existence not revealed
        assert web(username).get(url).status_code == 404, username


def test_post_endpoints_matrix(county, web, t01_matter):
    n = t01_matter.number
    v = t01_matter.version
    # accept: the handling unit only; the bureau sees the matter but may not act; others 404.
    assert web().post(f"/matters/{n}/act/accept/", {"accept-expected_version": v}).status_code == 302
    assert web("officer").post(f"/matters/{n}/act/accept/", {"accept-expected_version": v}).status_code == 403
    assert web("handler2").post(f"/matters/{n}/act/accept/", {"accept-expected_version": v}).status_code == 404
    assert web("handler").post(f"/matters/{n}/act/accept/", {"accept-expected_version": v}).status_code == 302
    # reveal: reveal roles of the handling unit and the bureau; auditors and other units not.
    assert web("uleader").post(f"/matters/{n}/reveal/").status_code == 200
    assert web("auditor").post(f"/matters/{n}/reveal/").status_code == 302  # refused with a message
    assert web("handler2").post(f"/matters/{n}/reveal/").status_code == 404
    # duplicates panel: registering roles only.
    assert web("registrar").post("/register/duplicates/", {}).status_code == 200
    assert web("auditor").post("/register/duplicates/", {}).status_code == 403
    # exports: any staff role may export what it can see.
    assert web("auditor").post("/exports/", {"query": ""}).status_code == 302
    assert web("nobody").post("/exports/", {"query": ""}).status_code == 403
    # admin writes.
    assert web("officer").post("/manage/units/new/", {"code": "X"}).status_code == 403
    assert web("officer").post("/manage/calendar/2027-01-01/delete/").status_code == 403


def test_registering_unit_sees_its_own_matter_only(county, web):
    m = register(county, user=county.users["handler"]).matter  # T01 received a petition directly
    assert web("handler").get(f"/matters/{m.number}/").status_code == 200
    assert web("handler2").get(f"/matters/{m.number}/").status_code == 404
    assert web("officer").get(f"/matters/{m.number}/").status_code == 200
