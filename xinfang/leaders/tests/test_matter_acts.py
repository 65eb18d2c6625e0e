"""The leaders' acts on a matter: 提级调度 and flag edits through the workflow (API and table), the
reception and 包案 events declared with typed params; the vocabularies the matters app repeats
stay equal to the leaders' own."""

import pytest

from xinfang.leaders.choices import CaseOutcome, SessionKind
from xinfang.matters.params import EventParams
from xinfang.matters.workflow import CASE_OUTCOMES, OTHER_EVENTS, RECEPTION_KINDS, WORKFLOW

from .helpers import do, get, new_matter, post

pytestmark = pytest.mark.django_db


def test_raise_level_and_flags_through_the_api(api, county):
    m = new_matter(county, "2026-09-01")
    do(county, "officer", m, "forward", "2026-09-02", unit="T01")
    url = f"/api/v1/matters/{m.number}/"
    bad = post(api("officer"), url + "raise_level/", {"leader": "handler", "reason": "x"}, "2026-09-03")
    assert bad.status_code == 400 and "leader" in bad.json()["error"]["fields"]
    assert post(api("handler"), url + "raise_level/", {"leader": "cleader", "reason": "x"}, "2026-09-03").status_code == 403
    assert post(api("handler2"), url + "raise_level/", {"leader": "cleader", "reason": "x"}, "2026-09-03").status_code == 404
    ok = post(api("officer"), url + "raise_level/", {"leader": "cleader", "reason": "重大疑难，提请县领导调度"}, "2026-09-03")
    assert ok.status_code == 200, ok.json()
    event = m.events.get(action="raise_level")
    assert event.params["leader_name"] == "cleader" and event.params["reason"] == "重大疑难，提请县领导调度"
    flag = post(api("officer"), url + "set_flags/", {"flag": "backlog", "value": True, "reason": "办理超过半年"}, "2026-09-04")
    assert flag.status_code == 200
    m.refresh_from_db()
    assert m.is_backlog and m.events.get(action="set_flags").params["was"] is False
    again = post(api("officer"), url + "set_flags/", {"flag": "backlog", "value": True, "reason": "x"}, "2026-09-04")
    assert again.status_code == 400 and "value" in again.json()["error"]["fields"]
    nul = post(api("officer"), url + "set_flags/", {"flag": "major", "value": True, "reason": "x\x00"}, "2026-09-04")
    assert nul.status_code == 400
    no_reason = post(api("officer"), url + "set_flags/", {"flag": "major", "value": True}, "2026-09-04")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    detail = get(api("officer"), url, "2026-09-05").json()
    assert [e["action"] for e in detail["events"]][-2:] == ["raise_level", "set_flags"]


def test_declared_events_and_vocabularies():
    assert set(RECEPTION_KINDS) == set(SessionKind.choices)
    assert set(CASE_OUTCOMES) == set(CaseOutcome.choices)
    for action in ("receive", "take_ownership", "end_ownership"):
        assert action in OTHER_EVENTS
    assert WORKFLOW["raise_level"].label == "提级调度"
    p = EventParams("end_ownership", {"outcome": "stopped"})
    assert p.text("outcome") == "息访"


def test_raise_level_form_offers_a_picker_of_eligible_leaders(county):
    """The matter page's 提级调度 form is a select of the accounts that may lead (lead_reception), not a typed
    name; anything else posted is refused server-side (the form's choice check, then the act's own)."""
    import re

    from django.test import Client

    from xinfang.workbench.tests.conftest import BACKEND

    m = new_matter(county, "2026-09-01")
    c = Client()
    c.force_login(county.users["officer"], backend=BACKEND)
    page = c.get(f"/matters/{m.number}/").content.decode()
    select = re.search(r'<select name="raise_level-leader"[^>]*>(.*?)</select>', page, re.S)
    assert select, "提级调度 offers a select"
    offered = set(re.findall(r'<option value="([^"]+)"', select.group(1)))
    assert {"cleader", "bleader"} <= offered and not offered & {"handler", "officer", "registrar", "auditor"}
    assert "孙" in select.group(1) or "（" in select.group(1)  # names with their unit, not bare usernames
    version = re.search(r'name="raise_level-expected_version" value="(\d+)"', page).group(1)
    bad = c.post(f"/matters/{m.number}/act/raise_level/", {"raise_level-leader": "handler", "raise_level-reason": "x",
                                                            "raise_level-expected_version": version})
    assert bad.status_code == 400 and not m.events.filter(action="raise_level").exists()
    ok = c.post(f"/matters/{m.number}/act/raise_level/", {"raise_level-leader": "cleader", "raise_level-reason": "重大",
                                                           "raise_level-expected_version": version})
    assert ok.status_code == 302 and m.events.get(action="raise_level").params["leader"] == "cleader"
