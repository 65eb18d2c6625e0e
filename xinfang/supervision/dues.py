"""Pure helpers about supervised clocks and answer dates, shared by the engine (writes), the record
services (writes) and the selectors (reads) — so that reads never import write modules."""

from __future__ import annotations

import datetime as dt

from xinfang.workdays.models import load_calendar
from xinfang.workdays.rules import AUTHORITY_CLOCKS, ClockKind

from .models import current_policy

# Authority clocks the bureau supervises (the 异议 window is the unit's right, not a duty).
SUPERVISED = [k.value for k in AUTHORITY_CLOCKS if k is not ClockKind.OBJECT]


def due_soon_days(today: dt.date, workdays: int, calendar) -> tuple[dt.date, dt.date]:
    """Due days from today up to the day before the (workdays+1)-th working day after today."""
    last = calendar.add_workdays(today, workdays + 1) - dt.timedelta(days=1)
    return today, last


def response_due_from(day: dt.date, workdays: int | None = None, calendar=None) -> dt.date:
    """The unit's answer is due ``workdays`` working days after ``day`` (a setting, default 5)."""
    calendar = calendar or load_calendar()
    count = current_policy().response_workdays if workdays is None else workdays
    return calendar.add_workdays(day, count)
