"""The rates page for people: a meaningful default period, no verdict from a handful of clocks, paged drill-downs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from xinfang.testing.factories import act, at, register
from xinfang.workdays.models import current_rules


def officer(county):
    c = Client()
    c.force_login(county.users["officer"])
    return c


def test_default_period_is_this_year_so_far(county):
    with time_machine.travel(at("2026-12-04", 10), tick=False):
        r = officer(county).get("/supervision/rates/")
    assert r.context["scope"].date_from == dt.date(2026, 1, 1) and r.context["scope"].date_to == dt.date(2026, 12, 4)


def test_the_api_keeps_its_documented_month_default(county, api):
    with time_machine.travel(at("2026-12-04", 10), tick=False):
        body = api("officer").get("/api/v1/stats/rates/").json()
    assert set(body) >= {"timely_acceptance", "on_time_completion"}


@pytest.fixture
def one_late_clock(county):
    """One acceptance clock that ran out: a 0.0 % from a single sample."""
    with time_machine.travel(at("2026-09-01", 9), tick=False):
        m = register(county, received_at=at("2026-09-01", 8)).matter
        act(county, "officer", m, "forward", unit="T01")
    with time_machine.travel(at("2026-10-20", 9), tick=False):
        act(county, "handler", m, "accept")
    return m


def test_one_sample_shows_too_few_not_a_red_zero(county, one_late_clock):
    assert current_rules().ranking_min_sample > 1
    with time_machine.travel(at("2026-12-04", 10), tick=False):
        html = officer(county).get("/supervision/rates/").content.decode()
        dash = officer(county).get("/supervision/").content.decode()
    assert "样本不足" in html
    assert "<strong>0.0%</strong>" not in html
    assert "样本不足" in dash and "tile--red" not in dash.split('data-testid="rate-year-ta"')[0].rsplit("<div class=\"tile", 1)[-1]


def test_drill_down_is_paged(county, one_late_clock, monkeypatch):
    from xinfang.supervision.views import stats

    monkeypatch.setattr(stats, "DRILL_PER_PAGE", 1)  # test-only: one row a page
    with time_machine.travel(at("2026-10-21", 10), tick=False):
        m2 = register(county, received_at=at("2026-09-02", 8)).matter
        act(county, "officer", m2, "forward", unit="T01", occurred_at=at("2026-09-02", 9))
        act(county, "handler", m2, "accept", occurred_at=at("2026-10-21", 9))
    c = officer(county)
    with time_machine.travel(at("2026-12-04", 10), tick=False):
        first = c.get("/supervision/rates/drill/?measure=timely_acceptance&part=denominator")
        second = c.get("/supervision/rates/drill/?measure=timely_acceptance&part=denominator&page=2")
    assert first.context["total"] == 2 and len(first.context["items"]) == 1
    assert 'data-testid="drill-pager"' in first.content.decode()
    numbers = {first.context["items"][0].matter.number, second.context["items"][0].matter.number}
    assert numbers == {one_late_clock.number, m2.number}
