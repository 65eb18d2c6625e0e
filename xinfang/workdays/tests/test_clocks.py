"""The clocks of domain §4: table tests (worked examples, holidays, make-up days) and properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.workdays.calendar import LIBRARY_YEARS, WorkCalendar
from xinfang.workdays.clocks import CountingRules, PeriodUnit, compute_due, excluded_interval_days

CAL = WorkCalendar()
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "period", "unit", "due"),
    [
        # domain §4 worked examples
        ("2026-09-10", 15, "days", "2026-09-28"),  # 09-25 is a holiday (中秋) → next working day
        ("2026-09-29", 5, "workdays", "2026-10-12"),  # 09-30, 10-08, 10-09, 10-10 (Sat, make-up), 10-12
        ("2026-08-01", 60, "days", "2026-09-30"),
        # calendar days ending on weekends roll to Monday
        ("2026-11-06", 15, "days", "2026-11-23"),  # 11-21 Sat → 11-23 Mon
        ("2026-11-07", 15, "days", "2026-11-23"),  # 11-22 Sun → 11-23 Mon
        # ending inside the National Day holiday → first working day after it
        ("2026-09-16", 15, "days", "2026-10-08"),  # 10-01 holiday → 10-08
        ("2026-09-22", 15, "days", "2026-10-08"),  # 10-07 holiday → 10-08
        # a make-up working day (Sun 2026-09-20) is a working day: no roll-over
        ("2026-09-05", 15, "days", "2026-09-20"),  # Sunday 09-20 is a make-up working day: no roll-over
        ("2026-09-10", 10, "days", "2026-09-20"),
        # working days across the National Day holiday and make-up Saturday 10-10
        ("2026-09-25", 5, "workdays", "2026-10-09"),  # 09-28, 09-29, 09-30, 10-08, 10-09 (09-26/27 holiday)
        ("2026-10-01", 3, "workdays", "2026-10-10"),  # 10-08, 10-09, 10-10 (Sat make-up)
        # Spring Festival 2026: 02-15 .. 02-23 holidays; 02-14 (Sat) and 02-28 (Sat) make-up days
        ("2026-02-01", 15, "days", "2026-02-24"),  # 02-16 in holiday → 02-24
        ("2026-02-10", 5, "workdays", "2026-02-24"),  # 02-11, 02-12, 02-13, 02-14 (Sat, make-up), 02-24
        # year boundary
        ("2025-12-20", 15, "days", "2026-01-04"),
        ("2025-12-15", 60, "days", "2026-02-13"),
    ],
)
def test_due_dates(start, period, unit, due):
    result = compute_due(start=D(start), period=period, unit=unit, calendar=CAL)
    expected = D(due)
    assert result.due == expected, result.explanation
    assert result.provisional is False


def test_official_2026_calendar_facts():
    # domain §4 rule 4: make-up working days and holidays of 2026
    assert CAL.is_workday(D("2026-09-20")) and CAL.is_workday(D("2026-10-10"))
    assert not any(CAL.is_workday(D(f"2026-09-{d}")) for d in (25, 26, 27))
    assert not any(CAL.is_workday(D(f"2026-10-0{d}")) for d in range(1, 8))
    assert CAL.kind_of_day(D("2026-10-10")) == "调休工作日"
    assert CAL.kind_of_day(D("2026-10-01")) == "法定节假日"
    assert CAL.kind_of_day(D("2026-11-21")) == "周末"


def test_explanation_names_start_period_and_weekday():
    result = compute_due(start=D("2026-09-28"), period=60, calendar=CAL, start_label="受理")
    assert result.explanation == "受理 2026-09-28 + 60 日 = 2026-11-27（星期五）"


def test_roll_over_is_explained():
    result = compute_due(start=D("2026-09-10"), period=15, calendar=CAL, start_label="收到")
    assert "2026-09-25（星期五），当日为法定节假日，顺延至 2026-09-28（星期一）" in result.explanation


def test_extension_counts_from_the_same_start():
    base = compute_due(start=D("2026-08-01"), period=60, calendar=CAL)
    extended = compute_due(start=D("2026-08-01"), period=60, extension_days=30, calendar=CAL)
    assert base.due == D("2026-09-30")
    assert extended.due == D("2026-10-30")  # 60 + 30 = 90 days from 08-01
    assert "延期 30 日" in extended.explanation


def test_hearing_days_are_excluded_then_rolled_over():
    # 复核 30 days from 2026-09-01 = 10-01 (holiday) → without hearing 10-08.
    plain = compute_due(start=D("2026-09-01"), period=30, calendar=CAL)
    assert plain.due == D("2026-10-08")
    # a hearing from 09-10 to 09-12 excludes 3 days: 10-04 (holiday) → 10-08
    days = excluded_interval_days(D("2026-09-10"), D("2026-09-12"))
    assert days == 3
    with_hearing = compute_due(start=D("2026-09-01"), period=30, excluded_days=days, calendar=CAL)
    assert with_hearing.due == D("2026-10-08")
    longer = compute_due(start=D("2026-09-01"), period=30, excluded_days=10, calendar=CAL)
    assert longer.due == D("2026-10-12")  # 10-11 Sunday → 10-12


def test_start_day_counted_setting():
    rules = CountingRules(start_day_counted=True)
    result = compute_due(start=D("2026-08-01"), period=60, calendar=CAL, rules=rules)
    assert result.due == D("2026-09-29")
    assert "起算日计入" in result.explanation


def test_no_roll_over_setting():
    rules = CountingRules(roll_over_to_workday=False)
    result = compute_due(start=D("2026-09-10"), period=15, calendar=CAL, rules=rules)
    assert result.due == D("2026-09-25")


def test_years_without_official_data_are_provisional_until_confirmed():
    assert 2027 not in LIBRARY_YEARS
    result = compute_due(start=D("2026-12-20"), period=30, calendar=CAL)
    assert result.provisional and "2027 年尚无官方节假日安排" in result.explanation
    confirmed = WorkCalendar(overrides={D("2027-01-19"): False}, confirmed_years=frozenset({2027}))
    result = compute_due(start=D("2026-12-20"), period=30, calendar=confirmed)
    assert result.due == D("2027-01-20")  # 01-19 is a Tuesday, declared a holiday by the override
    assert result.provisional is False


def test_overrides_win_over_the_library():
    cal = WorkCalendar(overrides={D("2026-11-23"): False})
    result = compute_due(start=D("2026-11-06"), period=15, calendar=cal)
    assert result.due == D("2026-11-24")


def test_workdays_between():
    assert CAL.workdays_between(D("2026-09-29"), D("2026-10-12")) == 5
    assert CAL.workdays_between(D("2026-10-12"), D("2026-09-29")) == -5
    assert CAL.workdays_between(D("2026-10-01"), D("2026-10-01")) == 0


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        compute_due(start=D("2026-01-01"), period=-1, calendar=CAL)


dates = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2026, 11, 30))


@settings(max_examples=300, deadline=None)
@given(start=dates, period=st.integers(min_value=1, max_value=120))
def test_calendar_day_due_is_the_first_working_day_on_or_after_start_plus_period(start, period):
    result = compute_due(start=start, period=period, unit=PeriodUnit.DAYS, calendar=CAL)
    raw = start + dt.timedelta(days=period)
    assert result.due >= raw
    assert CAL.is_workday(result.due)
    day = raw
    while day < result.due:  # every day skipped was a non-working day
        assert not CAL.is_workday(day)
        day += dt.timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(start=dates, period=st.integers(min_value=1, max_value=30))
def test_working_day_due_has_exactly_period_working_days_after_start(start, period):
    result = compute_due(start=start, period=period, unit=PeriodUnit.WORKDAYS, calendar=CAL)
    assert CAL.is_workday(result.due)
    assert CAL.workdays_between(start, result.due) == period


@settings(max_examples=200, deadline=None)
@given(start=dates, period=st.integers(min_value=1, max_value=90), extra=st.integers(min_value=0, max_value=30))
def test_due_is_monotonic_in_period_and_extension(start, period, extra):
    a = compute_due(start=start, period=period, calendar=CAL)
    b = compute_due(start=start, period=period, extension_days=extra, calendar=CAL)
    assert b.due >= a.due


@settings(max_examples=200, deadline=None)
@given(start=dates, period=st.integers(min_value=1, max_value=60), excluded=st.integers(min_value=0, max_value=40))
def test_excluded_days_push_the_due_date_by_at_least_that_many_days(start, period, excluded):
    a = compute_due(start=start, period=period, calendar=CAL)
    b = compute_due(start=start, period=period, excluded_days=excluded, calendar=CAL)
    assert b.due >= start + dt.timedelta(days=period + excluded)
    assert b.due >= a.due
