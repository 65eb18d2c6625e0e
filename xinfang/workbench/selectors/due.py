"""Due-date colouring: overdue, due soon (RuleSet.due_soon_workdays working days), or fine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from xinfang.workdays.calendar import WorkCalendar
from xinfang.workdays.models import current_rules, load_calendar


@dataclass(frozen=True)
class DueContext:
    """Today, the calendar and the last day that still counts as "due soon" (loaded once per page)."""

    today: dt.date
    calendar: WorkCalendar
    soon_workdays: int
    soon_until: dt.date

    def state(self, due: dt.date | None) -> str:
        """"overdue", "soon", "ok", or "" when there is no due date."""
        if due is None:
            return ""
        if due < self.today:
            return "overdue"
        if due <= self.soon_until:
            return "soon"
        return "ok"

    def remaining_days(self, due: dt.date | None) -> int | None:
        return None if due is None else (due - self.today).days

    def remaining_workdays(self, due: dt.date | None) -> int | None:
        return None if due is None else self.calendar.workdays_between(self.today, due)


def due_context(today: dt.date | None = None) -> DueContext:
    today = today or timezone.localdate()
    calendar = load_calendar()
    soon = current_rules().due_soon_workdays
    return DueContext(today=today, calendar=calendar, soon_workdays=soon, soon_until=calendar.add_workdays(today, soon))


def due_text(ctx: DueContext, due: dt.date | None) -> str:
    """"剩 3 日" / "今日到期" / "超期 2 日" for a due date."""
    days = ctx.remaining_days(due)
    if days is None:
        return ""
    if days < 0:
        return f"超期 {-days} 日"
    if days == 0:
        return "今日到期"
    return f"剩 {days} 日"
