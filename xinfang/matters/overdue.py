"""One definition of 超期 (overdue), used by every tile, list, dashboard and the API's ``overdue`` filter.

A matter is **overdue for unit X** when one of its running clocks that binds an authority — 转送交办
(the bureau), 受理, 办理答复, 办结报告 (the handling unit), 复查, 复核 (the review bodies) — belongs to X and
fell due before today. The petitioner's windows (申请复查/复核, 评价) and the unit's right to object (异议
退回, a right that lapses, not a duty) never make a matter overdue. **Overdue for the county**: for any unit.
A unit's staff see what is overdue for their own unit: a matter under another body's 复查 is that body's,
not the town's (docs/supervision.md "What counts as overdue").
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from xinfang.workdays.rules import AUTHORITY_CLOCKS, ClockKind

from .models import Deadline

OVERDUE_KINDS: tuple[str, ...] = tuple(sorted(k.value for k in AUTHORITY_CLOCKS if k is not ClockKind.OBJECT))


def running_clocks() -> QuerySet[Deadline]:
    return Deadline.objects.filter(kind__in=OVERDUE_KINDS, met_at__isnull=True, cancelled_at__isnull=True)


def overdue_clocks(today: dt.date, unit_id: int | None = None) -> QuerySet[Deadline]:
    qs = running_clocks().filter(due__lt=today)
    return qs if unit_id is None else qs.filter(unit_id=unit_id)


def overdue_flag(today: dt.date, unit_id: int | None = None) -> Exists:
    """The same rule as an annotation: ``.annotate(is_overdue=overdue_flag(today, unit))``."""
    return Exists(overdue_clocks(today, unit_id).filter(matter=OuterRef("pk")))


def overdue_q(today: dt.date, unit_id: int | None = None) -> Q:
    """A filter on matters: overdue for ``unit_id`` (None: for any unit).

    ``next_due`` (the nearest running authority clock, kept on the matter by every writer) is
    before today for every overdue matter, so it is added as a condition the database can read
    from its index first: at 1M matters the county's overdue list tests ~1 % of the matters instead
    of all of them (issue 14). The clocks themselves stay the definition; that ``next_due`` is the
    nearest running authority clock after every act is a property test
    (matters/tests/test_workflow_properties.py), and the bulk loaders are checked too."""
    return Q(next_due__lt=today) & Q(overdue_flag(today, unit_id))


def not_overdue_q(today: dt.date, unit_id: int | None = None) -> Q:
    """The complement (``overdue=false``), as the plain definition: ``NOT EXISTS`` an overdue clock
    (an anti-join on PostgreSQL; ``NOT`` the conjunction above would be tested row by row)."""
    return ~Q(overdue_flag(today, unit_id))


def overdue_unit_of(user) -> int | None:
    """Whose clocks count when ``user`` asks for overdue matters: their unit's, or every unit's for county-wide readers."""
    return None if user.is_county_wide else user.unit_id

