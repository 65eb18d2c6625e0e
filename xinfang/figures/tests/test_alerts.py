"""Early warnings fire on crafted spikes and stay silent on a flat baseline."""

import datetime as dt

from xinfang.figures.alerts import alerts
from xinfang.testing.factories import at, register

from .fixtures import people, repeat

DAY = dt.date(2026, 11, 20)  # the window is 11-14 … 11-20; the baseline 8 weeks before


def weekly(c, weeks: int, per_week: int = 1, **kw):
    """``per_week`` petitions in each of the ``weeks`` windows before the alert window."""
    for w in range(1, weeks + 1):
        day = DAY - dt.timedelta(days=7 * w + 2)
        for _ in range(per_week):
            register(c, received_at=at(day.isoformat()), channel="letter", **kw)


def in_window(c, n: int, **kw):
    for i in range(n):
        register(c, received_at=at((DAY - dt.timedelta(days=i % 7)).isoformat()), channel="letter", **kw)


def test_flat_baseline_is_silent(county):
    weekly(county, 8, per_week=2)
    in_window(county, 2)
    assert alerts(county.users["officer"], DAY) == []


def test_spike_fires_with_its_baseline_explained(county):
    weekly(county, 8, per_week=1)
    in_window(county, 6)
    found = [a for a in alerts(county.users["officer"], DAY) if a["kind"] == "spike"]
    # the category, the town and the category in the town all rose from 1 a week to 6
    assert {(a["category"], a["region"]) for a in found} == {
        ("010000", None), (None, "139999100000"), ("010000", "139999100000")}
    one = next(a for a in found if a["category"] and not a["region"])
    assert one["count"] == 6 and one["baseline"] == 1.0
    assert "此前8个7日周期平均每期1.0件（基线）" in one["explanation"]
    assert "6.0倍" in one["explanation"] and "超出基线5.0个标准差" in one["explanation"]


def test_high_but_flat_baseline_never_fires(county):
    weekly(county, 8, per_week=6)
    in_window(county, 6)
    assert [a for a in alerts(county.users["officer"], DAY) if a["kind"] == "spike"] == []


def test_below_minimum_count_is_silent(county):
    in_window(county, 4)  # baseline 0, but fewer than 5
    assert alerts(county.users["officer"], DAY) == []


def test_collective_cluster_and_repeat(county):
    for i, day in enumerate(["2026-11-15", "2026-11-19"]):
        register(county, received_at=at(day), channel="visit", headcount=8, petitioners=people(1, 50 + i))
    m = register(county, received_at=at("2026-10-25"), channel="letter", region=county.other_town_region.code).matter
    repeat(county, m, at("2026-11-02"), "phone")
    repeat(county, m, at("2026-11-18"), "visit")
    found = alerts(county.users["officer"], DAY)
    kinds = {a["kind"]: a for a in found}
    assert kinds["collective"]["count"] == 2 and kinds["collective"]["region"] == "139999100000"
    assert "集体访2批16人次" in kinds["collective"]["explanation"]
    assert kinds["repeat"]["count"] == 3 and kinds["repeat"]["matter"] == m.number
    # the unit that sees none of these matters gets no warnings about them
    assert alerts(county.users["handler2"], DAY) == []


def test_skip_level_rise(county):
    for i in range(5):
        register(county, received_at=at((DAY - dt.timedelta(days=i)).isoformat()), channel="letter", skip_level=True,
                 region=county.other_town_region.code if i % 2 else county.village.code,
                 category="010101")
    for i in range(5):
        register(county, received_at=at((DAY - dt.timedelta(days=40 + i * 10)).isoformat()), channel="letter")
    found = [a for a in alerts(county.users["officer"], DAY) if a["kind"] == "skip_level"]
    assert len(found) == 1 and found[0]["count"] == 5
    assert "上升100.0个百分点" in found[0]["explanation"]
