"""Volume figures against the hand-counted October (fixtures.py)."""

import datetime as dt

import pytest

from xinfang.core.errors import InvalidInput
from xinfang.figures import volume
from xinfang.figures.backlog import backlog_count, backlog_matters
from xinfang.figures.periods import Period, check_period, parse_period
from xinfang.figures.summary import headline
from xinfang.matters.models import Matter

from .fixtures import OCTOBER

OCT = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
MEASURES = ("petitions", "matters", "batches", "persons")


def pick(rows, *fields):
    return {r["key"]: tuple(r[f] for f in fields) for r in rows}


def test_totals_match_the_hand_count(county, october):
    totals = volume.totals(county.users["officer"], OCT)
    assert {k: totals[k] for k in OCTOBER} == OCTOBER


def test_by_channel_purpose_month(county, october):
    user = county.users["officer"]
    assert pick(volume.volume(user, OCT, "channel")["rows"], *MEASURES) == {
        "letter": (1, 1, 1, 1), "visit": (3, 2, 3, 14), "online": (1, 1, 1, 1), "phone": (1, 0, 1, 1)}
    assert pick(volume.volume(user, OCT, "purpose")["rows"], *MEASURES) == {"request": (6, 4, 6, 17)}
    sep_oct = Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    assert pick(volume.volume(user, sep_oct, "month")["rows"], *MEASURES) == {
        "2026-09": (1, 1, 1, 6), "2026-10": (6, 4, 6, 17)}


def test_category_and_region_roll_up(county, october):
    user = county.users["officer"]
    assert pick(volume.volume(user, OCT, "category")["rows"], *MEASURES) == {
        "010000": (2, 1, 2, 8), "020000": (4, 3, 4, 9)}
    assert pick(volume.volume(user, OCT, "category", level=3)["rows"], "petitions") == {"010101": (2,), "020101": (4,)}
    assert pick(volume.volume(user, OCT, "region")["rows"], *MEASURES) == {
        "139999100000": (3, 2, 3, 13), "139999101000": (3, 2, 3, 4)}
    villages = volume.volume(user, OCT, "region", level=2)["rows"]
    assert pick(villages, "petitions") == {"139999100001": (3,), "139999101000": (3,)}
    assert {r["key"]: r["label"] for r in villages}["139999100001"] == "东关村"


def test_unit_dimension_and_unassigned(county, october):
    rows = volume.volume(county.users["officer"], OCT, "unit")["rows"]
    assert pick(rows, "petitions", "matters") == {"-": (6, 4)}  # nothing forwarded yet


@pytest.mark.parametrize("measure, by, key, expected", [
    ("petitions", "", "", 6), ("matters", "", "", 4), ("collective", "", "", 2), ("repeats", "", "", 2),
    ("skip_level", "", "", 1), ("online", "", "", 1), ("visits", "channel", "visit", 3),
    ("petitions", "category", "020000", 4), ("matters", "region", "139999100000", 2),
    ("petitions", "month", "2026-10", 6), ("petitions", "unit", "-", 6),
])
def test_drill_lists_exactly_the_counted_rows(county, october, measure, by, key, expected):
    rows = volume.drill(county.users["officer"], OCT, measure, [(by, key)] if by else [])
    assert rows.count() == expected


def test_persons_of_drill_add_up(county, october):
    rows = volume.drill(county.users["officer"], OCT, "collective")
    assert sorted(p.headcount for p in rows) == [5, 7]


def test_unit_user_sees_only_linked_matters(county, october):
    # the town's handler is linked to no October matter yet: all zero
    totals = volume.totals(county.users["handler"], OCT)
    assert totals["petitions"] == 0 and totals["matters"] == 0
    assert volume.totals(county.users["nobody"], OCT)["petitions"] == 0


def test_headline_comparisons_and_backlog(county, october):
    h = headline(county.users["officer"], OCT)
    rows = {r["key"]: r for r in h["rows"]}
    assert rows["petitions"]["value"] == 6
    assert rows["petitions"]["previous"] == 1  # September: A
    assert rows["petitions"]["vs_previous"] == 5.0
    assert rows["petitions"]["last_year"] == 0 and rows["petitions"]["vs_last_year"] is None
    assert h["shares"]["repeat_share"] == round(2 / 6, 4)
    assert h["shares"]["skip_level_share"] == 0.25
    assert h["shares"]["collective_size"] == 6.0
    assert h["previous"] == Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def test_backlog_rule(county, october):
    from xinfang.testing.factories import at, register

    old = register(county, received_at=at("2026-04-20")).matter  # 194 days open on 10-31, 163 on 09-30
    flagged = october["B"]
    Matter.objects.filter(pk=flagged.pk).update(is_backlog=True)
    user = county.users["officer"]
    assert set(backlog_matters(user, dt.date(2026, 10, 31))) == {old, flagged}
    assert backlog_count(user, dt.date(2026, 9, 30)) == 0
    h = headline(user, OCT)
    assert h["backlog"] == {"count": 2, "at_start": 0, "change": 2}


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-10-31", "to": "2026-10-01"}, "from"),
    ({"from": "2016-01-01", "to": "2026-10-01"}, "from"),
    ({"from": "2026-11-01", "to": "2026-11-30"}, "to"),
    ({"from": "2026-02-30"}, "from"),
    ({"from": "2026-01-01\x00"}, "from"),
])
def test_bad_periods(frozen, params, field):
    with pytest.raises(InvalidInput) as exc:
        parse_period(params, today=frozen)
    assert field in exc.value.fields


def test_ten_years_is_allowed(frozen):
    assert check_period(dt.date(2016, 11, 23), dt.date(2026, 11, 22), frozen).days == 3652


def test_previous_and_last_year_periods():
    assert Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)).previous() == Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert Period(dt.date(2024, 2, 29), dt.date(2024, 3, 5)).last_year() == Period(dt.date(2023, 2, 28), dt.date(2023, 3, 5))
    assert Period(dt.date(2026, 10, 5), dt.date(2026, 10, 14)).previous() == Period(dt.date(2026, 9, 25), dt.date(2026, 10, 4))


def test_a_group_with_matters_but_no_petitions_in_the_period_has_zeros():
    """(Found with the engine benchmark's county, whose matters have no petitions: a KeyError.)"""
    from xinfang.figures.volume import _finish

    row = _finish({"key": "T01", "matters": 3})
    assert row["petitions"] == row["batches"] == 0 and row["matters"] == 3
