"""Deadline arithmetic: pure functions, no ORM (domain §4).

Rules (each a setting in ``RuleParams``, defaults as in domain §4):
1. "日" is a calendar day, "工作日" a working day.
2. The start day is not counted (民法典 §201).
3. A calendar-day period whose last day is not a working day ends on the next working day
   (民法典 §203).
4. Working days come from the official calendar with make-up days (see calendar.py).
5. An extension of k days makes the period n + k from the same start.
6. Excluded intervals (hearings) push the due date by the days excluded; rule 3 applies after.
7. Every result carries its explanation and whether it is provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from .calendar import WorkCalendar, weekday_zh


class PeriodUnit(StrEnum):
    DAYS = "days"
    WORKDAYS = "workdays"


UNIT_ZH = {PeriodUnit.DAYS: "日", PeriodUnit.WORKDAYS: "个工作日"}


@dataclass(frozen=True)
class CountingRules:
    """How days are counted; a province may differ, so each is a setting."""

    start_day_counted: bool = False
    roll_over_to_workday: bool = True


@dataclass(frozen=True)
class DueDate:
    due: dt.date
    explanation: str
    provisional: bool
    consulted_days: tuple[dt.date, ...] = field(default=(), repr=False, compare=False)


def _fmt(day: dt.date) -> str:
    return f"{day.isoformat()}（{weekday_zh(day)}）"


def compute_due(
    *,
    start: dt.date,
    period: int,
    unit: PeriodUnit | str = PeriodUnit.DAYS,
    calendar: WorkCalendar,
    rules: CountingRules = CountingRules(),
    start_label: str = "起算",
    extension_days: int = 0,
    excluded_days: int = 0,
) -> DueDate:
    """Compute the last day of a period and explain how.

    ``start`` is the day of the triggering act; it is not counted unless the rules say so.
    """
    unit = PeriodUnit(unit)
    if period < 0 or extension_days < 0 or excluded_days < 0:
        raise ValueError("periods must not be negative")
    total = period + extension_days
    parts = [f"{start_label} {start.isoformat()}", f"+ {period} {UNIT_ZH[unit]}"]
    if extension_days:
        parts.append(f"+ 延期 {extension_days} {UNIT_ZH[unit]}")
    if excluded_days:
        parts.append(f"+ 听证等扣除 {excluded_days} 日")
    base = start - dt.timedelta(days=1) if rules.start_day_counted else start
    consulted: list[dt.date] = []
    if unit is PeriodUnit.WORKDAYS:
        raw = calendar.add_workdays(base, total)
        consulted.extend(base + dt.timedelta(days=i) for i in range(1, (raw - base).days + 1))
        due = raw + dt.timedelta(days=excluded_days)
        if excluded_days:
            due = calendar.next_workday(due)
            consulted.extend(raw + dt.timedelta(days=i) for i in range(1, (due - raw).days + 1))
        text = " ".join(parts) + f" = {_fmt(due)}"
    else:
        raw = base + dt.timedelta(days=total + excluded_days)
        consulted.append(raw)
        due = raw
        text = " ".join(parts) + f" = {_fmt(raw)}"
        if rules.roll_over_to_workday and not calendar.is_workday(raw):
            due = calendar.next_workday(raw)
            consulted.extend(raw + dt.timedelta(days=i) for i in range(1, (due - raw).days + 1))
            text += f"，当日为{calendar.kind_of_day(raw)}，顺延至 {_fmt(due)}"
    if rules.start_day_counted:
        text += "（起算日计入）"
    unofficial = calendar.unofficial_years(consulted)
    if unofficial:
        years = "、".join(str(y) for y in sorted(unofficial))
        text += f"；{years} 年尚无官方节假日安排，按周一至周五推算，为暂定期限"
    return DueDate(due=due, explanation=text, provisional=bool(unofficial), consulted_days=tuple(consulted))


def days_remaining(due: dt.date, today: dt.date) -> int:
    """Calendar days left until the end of ``due`` (0 on the due day, negative when overdue)."""
    return (due - today).days


def excluded_interval_days(first: dt.date, last: dt.date) -> int:
    """Days of an excluded interval with both ends counted (domain §4 rule 6)."""
    if last < first:
        raise ValueError("interval ends before it starts")
    return (last - first).days + 1
