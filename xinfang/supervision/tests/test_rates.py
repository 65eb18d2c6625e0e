"""The rates against the hand-computed October of fixtures_rates.py (and docs/rates.md)."""

import datetime as dt

import pytest

from xinfang.matters.models import Deadline
from xinfang.supervision import rates
from xinfang.supervision.rates import Figure, Scope

from .fixtures_rates import build_october
from .helpers import on

pytestmark = pytest.mark.django_db
OCT = {"date_from": dt.date(2026, 10, 1), "date_to": dt.date(2026, 10, 31), "today": dt.date(2026, 11, 22)}


@pytest.fixture
def october(county):
    return build_october(county)


# The table: who asks, for which scope (on top of October 2026, computed on 11-22), and the four
# rates as (numerator, denominator), each worked out by hand from the fixture's docstring.
SEP = {"date_from": dt.date(2026, 9, 1), "date_to": dt.date(2026, 9, 30)}
NOV = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}
DEC = {"date_from": dt.date(2026, 12, 1), "date_to": dt.date(2026, 12, 31)}
RATE_TABLE = [
    # case,                        user,       scope,                                   及时受理, 按期办结, 参评,   满意
    ("T01 (the worked example)",   "officer",  {"unit": "T01"},                         (1, 3), (3, 5), (3, 4), (2, 3)),
    ("county",                     "officer",  {},                                      (3, 5), (3, 5), (3, 4), (2, 3)),
    ("T02: E and M on time",       "officer",  {"unit": "T02"},                         (2, 2), (0, 0), (0, 0), (0, 0)),
    ("a unit with no clocks",      "officer",  {"unit": "D01"},                         (0, 0), (0, 0), (0, 0), (0, 0)),
    ("town 城关镇 = the county",    "officer",  {"region": "139999100000"},              (3, 5), (3, 5), (3, 4), (2, 3)),
    ("town 河西乡: no matters",     "officer",  {"region": "139999101000"},              (0, 0), (0, 0), (0, 0), (0, 0)),
    ("bureau target, county",      "officer",  {"target": "bureau"},                    (3, 5), (3, 5), (1, 1), (1, 1)),
    ("bureau target, the bureau",  "officer",  {"unit": "XFJ", "target": "bureau"},     (0, 0), (0, 0), (1, 1), (1, 1)),
    ("bureau target, T01",         "officer",  {"unit": "T01", "target": "bureau"},     (1, 3), (3, 5), (0, 0), (0, 0)),
    # T01's handler sees the matters T01 is linked to: M's later T02 clock (on time) counts too.
    ("T01 staff, no unit filter",  "handler",  {},                                      (2, 4), (3, 5), (3, 4), (2, 3)),
    ("T02 staff",                  "handler2", {},                                      (2, 2), (0, 0), (0, 0), (0, 0)),
    ("September: F replied on time", "officer", SEP,                                    (0, 0), (1, 1), (0, 0), (0, 0)),
    ("November: D never accepted, L rated", "officer", NOV,                             (0, 1), (0, 0), (1, 1), (1, 1)),
    ("December: A's handle clock not due yet", "officer", DEC,                          (0, 0), (0, 0), (0, 0), (0, 0)),
]


def scope_of(params: dict) -> Scope:
    from xinfang.org.models import Region, Unit

    kw = {**OCT, **params}
    if "unit" in kw:
        kw["unit"] = Unit.objects.get(code=kw["unit"])
    if "region" in kw:
        kw["region"] = Region.objects.get(code=kw["region"])
    return Scope(**kw)


def test_the_four_rates_table(county, october):
    """One fixture build, every row of RATE_TABLE checked (a failure names its row)."""
    failures = []
    for case, username, params, *expected in RATE_TABLE:
        got = rates.rates(county.users[username], scope_of(params))
        got = [(got[m].numerator, got[m].denominator) for m in rates.MEASURES]
        if got != expected:
            failures.append(f"{case}: expected {expected}, got {got}")
    assert not failures, "\n".join(failures)


def check_the_clocks_are_as_the_docs_say(county, october):
    due = {k: Deadline.objects.get(matter=m, kind="handle").due for k, m in october.items() if k in "GHIJL"}
    assert due == {"G": dt.date(2026, 10, 9), "H": dt.date(2026, 10, 12), "I": dt.date(2026, 10, 14),
                   "J": dt.date(2026, 10, 19), "L": dt.date(2026, 10, 14)}
    assert Deadline.objects.get(matter=october["F"], kind="evaluate", target="unit").due == dt.date(2026, 10, 8)


def test_rates_match_the_hand_computation(county, october):
    check_the_clocks_are_as_the_docs_say(county, october)
    check_county_and_other_unit_and_bureau_target(county, october)
    check_other_measures(county, october)
    check_unit_staff_see_only_their_matters(county, october)
    check_clocks_not_yet_due_are_not_counted(county, october)

    got = rates.rates(county.users["officer"], Scope(unit=county.town, **OCT))
    assert got == {"timely_acceptance": Figure(1, 3), "on_time_completion": Figure(3, 5),
                   "participation": Figure(3, 4), "satisfaction": Figure(2, 3)}
    assert got["timely_acceptance"].rate == 0.3333 and got["on_time_completion"].rate == 0.6


def check_county_and_other_unit_and_bureau_target(county, october):
    officer = county.users["officer"]
    county_wide = rates.rates(officer, Scope(**OCT))
    assert county_wide["timely_acceptance"] == Figure(3, 5)
    # Every fixture matter is located in 城关镇's village: the town scope equals the county here,
    # and the other town has none.
    assert rates.rates(officer, Scope(region=county.town_region, **OCT)) == county_wide
    assert rates.rates(officer, Scope(region=county.other_town_region, **OCT))["timely_acceptance"] == Figure(0, 0)
    assert rates.rates(officer, Scope(unit=county.other_town, **OCT))["timely_acceptance"] == Figure(2, 2)
    bureau = rates.rates(officer, Scope(unit=county.bureau, target="bureau", **OCT))
    assert bureau["participation"] == Figure(1, 1) and bureau["satisfaction"] == Figure(1, 1)


def check_other_measures(county, october):
    officer = county.users["officer"]
    assert rates.repeat_figure(officer, Scope(**OCT)) == Figure(1, 3)
    assert rates.returns_figure(officer, Scope(unit=county.town, **OCT)) == Figure(1, 2)
    stages = {s["kind"]: s for s in rates.stage_days(officer, Scope(unit=county.town, **OCT))}
    # handle clocks met in October at T01: G 59 days, H 61, I 66, L 69 → 63.8
    assert stages["handle"]["count"] == 4 and stages["handle"]["average"] == 63.8


def check_unit_staff_see_only_their_matters(county, october):
    got = rates.rates(county.users["handler2"], Scope(**OCT))
    assert got["timely_acceptance"] == Figure(2, 2) and got["on_time_completion"] == Figure(0, 0)
    assert got["on_time_completion"].rate is None


def check_clocks_not_yet_due_are_not_counted(county, october):
    # A's handle clock is due 12-08, after "today" (11-22): not fallen due, not counted.
    dec = Scope(date_from=dt.date(2026, 12, 1), date_to=dt.date(2026, 12, 31), today=dt.date(2026, 11, 22))
    assert rates.rates(county.users["officer"], dec)["on_time_completion"] == Figure(0, 0)


def test_drill_down_ranking_and_trend(county, october):
    check_ranking_leaves_out_small_samples(county, october)
    check_trend_by_month(county, october)

    officer = county.users["officer"]
    scope = Scope(unit=county.town, **OCT)

    def numbers(measure, part):
        return sorted(d.matter.number for d in rates.drill(officer, scope, measure, part))

    n = {k: m.number for k, m in october.items()}
    assert numbers("timely_acceptance", "denominator") == sorted([n["A"], n["B"], n["C"]])
    assert numbers("timely_acceptance", "numerator") == [n["A"]]
    assert numbers("on_time_completion", "denominator") == sorted(n[k] for k in "GHIJL")
    assert numbers("on_time_completion", "numerator") == sorted(n[k] for k in "GHL")
    assert numbers("participation", "denominator") == sorted(n[k] for k in "FGHI")
    assert numbers("satisfaction", "numerator") == sorted(n[k] for k in "GI")
    check_every_other_figure_drills_down(county, october)


def check_every_other_figure_drills_down(county, october):
    """重复信访率, 退回率 and the stages drill down to exactly the rows their figures count."""
    officer = county.users["officer"]
    n = {k: m.number for k, m in october.items()}
    county_wide, t01 = Scope(**OCT), Scope(unit=county.town, **OCT)

    def numbers(scope, measure, part="denominator"):
        return sorted(r.matter.number for r in rates.drill(officer, scope, measure, part))

    assert numbers(county_wide, "repeat", "numerator") == [n["A"]]
    assert numbers(county_wide, "repeat") == sorted([n["A"], n["D"], n["M"]])
    assert numbers(t01, "returns", "numerator") == [n["M"]]
    assert numbers(t01, "returns") == sorted([n["D"], n["M"]])
    assert [a.what for a in rates.drill(officer, t01, "returns", "numerator")] == ["异议退回"]
    handle = rates.drill(officer, t01, "stage_handle", "denominator")
    assert sorted((d.matter.number, d.elapsed) for d in handle) == sorted(
        [(n["G"], 59), (n["H"], 61), (n["I"], 66), (n["L"], 69)])
    # The drill-down and the figure never disagree.
    for scope in (county_wide, t01):
        repeat, returns = rates.repeat_figure(officer, scope), rates.returns_figure(officer, scope)
        assert len(rates.drill(officer, scope, "repeat", "numerator")) == repeat.numerator
        assert len(rates.drill(officer, scope, "repeat", "denominator")) == repeat.denominator
        assert len(rates.drill(officer, scope, "returns", "numerator")) == returns.numerator
        assert len(rates.drill(officer, scope, "returns", "denominator")) == returns.denominator
        for stage in rates.stage_days(officer, scope):
            assert len(rates.drill(officer, scope, f"stage_{stage['kind']}", "denominator")) == stage["count"]


def check_ranking_leaves_out_small_samples(county, october):
    data = rates.ranking(county.users["officer"], Scope(**OCT), "timely_acceptance", min_sample=3)
    assert [(r["rank"], r["unit"].code, r["figure"]) for r in data["ranked"]] == [(1, "T01", Figure(1, 3))]
    assert [(r["unit"].code, r["figure"].denominator) for r in data["small"]] == [("T02", 2)]


def check_trend_by_month(county, october):
    scope = Scope(date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 10, 31), today=dt.date(2026, 11, 22))
    months = rates.rates_by_month(county.users["officer"], scope)
    assert months[dt.date(2026, 10, 1)]["on_time_completion"] == Figure(3, 5)
    assert months[dt.date(2026, 10, 1)]["participation"] == Figure(3, 4)


def test_api_rates_exact_shape(county, october, api):
    with on("2026-11-22"):
        body = api("officer").get("/api/v1/stats/rates/?unit=T01&from=2026-10-01&to=2026-10-31").json()
    assert body == {
        "timely_acceptance": {"numerator": 1, "denominator": 3, "rate": 0.3333},
        "on_time_completion": {"numerator": 3, "denominator": 5, "rate": 0.6},
        "participation": {"numerator": 3, "denominator": 4, "rate": 0.75},
        "satisfaction": {"numerator": 2, "denominator": 3, "rate": 0.6667},
    }
    with on("2026-11-22"):
        bureau = api("officer").get("/api/v1/stats/rates/?from=2026-10-01&to=2026-10-31&target=bureau").json()
    assert bureau["participation"] == {"numerator": 1, "denominator": 1, "rate": 1.0}
