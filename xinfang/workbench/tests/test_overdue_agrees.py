"""One definition of 超期: every tile, list, dashboard and the API count the same matters (matters.overdue)."""

from __future__ import annotations

import pytest
import time_machine

from xinfang.matters import hooks
from xinfang.matters.selectors import filter_matters
from xinfang.supervision.selectors import clock_watch
from xinfang.testing.factories import act, at, register
from xinfang.workbench.selectors.due import due_context
from xinfang.workbench.selectors.home import overview, unit_inbox

TODAY = "2026-10-20"


@pytest.fixture
def world(county):
    """Three open matters on 2026-10-20:
    * late_accept: forwarded to 城关镇 on 09-01, never accepted — overdue for T01;
    * fresh: forwarded to 河西乡 on 10-12 — its 异议 right lapsed (a right, not a duty), 受理 not yet due;
    * under_review: 河西乡 answered; its 复查 (by the county government) was asked on 09-10 — overdue for GOV,
      not for 河西乡."""
    with hooks.suspended("xinfang.documents.services", "xinfang.documents.hooks"):
        with time_machine.travel(at("2026-09-01", 9), tick=False):
            late = register(county, received_at=at("2026-09-01", 8)).matter
            act(county, "officer", late, "forward", unit="T01")
        with time_machine.travel(at("2026-08-01", 9), tick=False):
            review = register(county, received_at=at("2026-08-01", 8)).matter
            act(county, "officer", review, "forward", unit="T02")
            act(county, "handler2", review, "accept")
        with time_machine.travel(at("2026-08-20", 9), tick=False):
            act(county, "handler2", review, "reply", outcome="explain", opinion="已答复", legal_basis="规定")
            act(county, "handler2", review, "deliver", method="in_person")
        with time_machine.travel(at("2026-09-10", 9), tick=False):
            act(county, "officer", review, "request_review", reason="不服")
        with time_machine.travel(at("2026-10-12", 9), tick=False):
            fresh = register(county, received_at=at("2026-10-12", 8)).matter
            act(county, "officer", fresh, "forward", unit="T02")
    return {"late": late, "fresh": fresh, "review": review}


def listed(user, **params) -> set[str]:
    return set(filter_matters(user, {"status": "open", **params}).values_list("number", flat=True))


@pytest.mark.parametrize("username", ["bleader", "officer", "cleader", "auditor"])
def test_county_wide_figures_agree(county, world, username, api):
    user = county.users[username]
    with time_machine.travel(at(TODAY, 10), tick=False):
        ctx = due_context()
        home = overview(user, ctx)
        tile = next(t for t in home["tiles"] if t["label"] == "已超期")
        overdue = listed(user, overdue="true")
        assert overdue == {world["late"].number, world["review"].number}
        assert tile["value"] == len(overdue)
        watch = clock_watch(user, ctx.today)
        assert watch["overdue"] == tile["value"]
        home_by_unit = {r["code"]: r["overdue"] for r in home["by_unit"] if r["overdue"]}
        watch_by_unit = {r["unit"].code: r["overdue"] for r in watch["by_unit"] if r["overdue"]}
        assert home_by_unit == watch_by_unit == {"T01": 1, "GOV": 1}
        for code, n in home_by_unit.items():
            assert len(listed(user, overdue_for=code)) == n
        api_count = api(username).get("/api/v1/matters/", {"status": "open", "overdue": "true"}).json()["count"]
        assert api_count == tile["value"]
        assert listed(user, overdue="false") == {world["fresh"].number}


@pytest.mark.parametrize("username, expected", [("handler", {"late"}), ("handler2", set())])
def test_a_unit_counts_only_its_own_clocks(county, world, username, expected):
    user = county.users[username]
    with time_machine.travel(at(TODAY, 10), tick=False):
        ctx = due_context()
        inbox = unit_inbox(user, ctx)
        overdue = listed(user, overdue="true")
        assert overdue == {world[k].number for k in expected}
        assert inbox["counts"]["overdue"] == len(overdue)
        watch = clock_watch(user, ctx.today)
        assert watch["overdue"] == len(overdue)
