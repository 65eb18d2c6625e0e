"""Starting, meeting and cancelling clocks; caching the nearest due date on the matter.

Arithmetic is in ``xinfang.workdays.clocks`` (pure); the rows are read and written through
``xinfang.matters.rows`` (``rows().running``, ``supersede``, ``refresh_next_due`` …).
"""

from __future__ import annotations

import datetime as dt

from xinfang.workdays.calendar import WorkCalendar
from xinfang.workdays.clocks import compute_due
from xinfang.workdays.rules import CLOCK_RULES, ClockKind, RuleParams

from ..models import Deadline, Matter
from ..rows import rows


class ClockContext:
    """The rules and calendar in force for one write (loaded once per transaction)."""

    def __init__(self, params: RuleParams, calendar: WorkCalendar):
        self.params = params
        self.calendar = calendar


def start_clock(
    ctx: ClockContext,
    matter: Matter,
    kind: ClockKind,
    start: dt.date,
    *,
    unit=None,
    target: str = "",
    period: int | None = None,
    due: dt.date | None = None,
    event=None,
) -> Deadline:
    """Start one clock. ``period`` overrides the setting (redo); ``due`` fixes the day (report).

    A clock of the same kind still running (a redo after 复查, a re-opened window) is superseded.
    """
    rows().supersede(matter, kind, target)
    deadline = new_clock(ctx, matter, kind, start, unit=unit, target=target, period=period, due=due, event=event)
    rows().save(deadline)
    return deadline


def new_clock(
    ctx: ClockContext,
    matter: Matter,
    kind: ClockKind,
    start: dt.date,
    *,
    unit=None,
    target: str = "",
    period: int | None = None,
    due: dt.date | None = None,
    event=None,
) -> Deadline:
    """The (unsaved) Deadline row of a clock started on ``start``: pure arithmetic, no query.
    Registration uses it directly (a new matter has no clock to supersede)."""
    rule = CLOCK_RULES[kind]
    if due is not None:
        period_value = (due - start).days
        explanation = f"{rule.start_label} {start.isoformat()}，期限由交办机关指定为 {due.isoformat()}"
        provisional = False
    else:
        period_value = period if period is not None else ctx.params.period(kind)
        result = compute_due(
            start=start,
            period=period_value,
            unit=rule.unit,
            calendar=ctx.calendar,
            rules=ctx.params.counting,
            start_label=rule.start_label,
        )
        due, explanation, provisional = result.due, result.explanation, result.provisional
    return Deadline(
        matter=matter,
        kind=kind.value,
        target=target,
        unit=unit,
        start=start,
        period=max(period_value, 0),
        period_unit=rule.unit.value,
        due=due,
        explanation=explanation,
        provisional=provisional,
        rule_version=ctx.params.version,
        event=event,
    )


def lapse_clock(deadline: Deadline, day: dt.date, at: dt.datetime) -> None:
    """A request window ran out unused: it lapsed on ``day`` (recorded by the act at ``at``)."""
    deadline.lapsed_on = day
    deadline.cancelled_at = at
    rows().save(deadline, update_fields=["lapsed_on", "cancelled_at"])


def meet_clock(matter: Matter, kind: ClockKind, at: dt.datetime, target: str = "") -> Deadline | None:
    deadline = rows().running(matter, kind, target)
    if deadline is not None:
        deadline.met_at = at
        rows().save(deadline, update_fields=["met_at"])
    return deadline


def recompute(ctx: ClockContext, deadline: Deadline, *, extension_days: int | None = None,
              excluded_days: int | None = None) -> Deadline:
    """Recompute a running clock after an extension or an excluded interval (same start)."""
    rule = CLOCK_RULES[ClockKind(deadline.kind)]
    if extension_days is not None:
        deadline.extension_days = extension_days
    if excluded_days is not None:
        deadline.excluded_days = excluded_days
    result = compute_due(
        start=deadline.start,
        period=deadline.period,
        unit=rule.unit,
        calendar=ctx.calendar,
        rules=ctx.params.counting,
        start_label=rule.start_label,
        extension_days=deadline.extension_days,
        excluded_days=deadline.excluded_days,
    )
    deadline.due = result.due
    deadline.explanation = result.explanation
    deadline.provisional = result.provisional
    rows().save(deadline, update_fields=["extension_days", "excluded_days", "due", "explanation", "provisional"])
    return deadline
