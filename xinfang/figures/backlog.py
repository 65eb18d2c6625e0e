"""积案 (long-unresolved matters): the one rule this app counts with, until the leaders' app
(issue 11) defines its own — replace ``backlog_matters`` then, nothing else counts 积案.

Rule used here: a matter is 积案 on day D when it was received on or before D, was not closed by
the end of D, and either is flagged ``is_backlog`` (标记为积案) or had then been open longer than
``FigureSettings.backlog_days`` (180 days by default).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from xinfang.matters.models import Matter

from .models import current_settings
from .periods import moment
from .volume import _restrict


def _parts(day: dt.date, days: int | None) -> tuple[Q, Q, Q]:
    days = current_settings().backlog_days if days is None else days
    end = moment(day + dt.timedelta(days=1))
    old = moment(day - dt.timedelta(days=days))  # received before this day: open more than ``days`` days on D
    rule = Q(received_at__lt=end) & (Q(is_backlog=True) | Q(received_at__lt=old))
    return rule, Q(closed_at__isnull=True), Q(closed_at__gte=end)


def backlog_matters(user, day: dt.date, *, days: int | None = None) -> QuerySet[Matter]:
    rule, still_open, closed_later = _parts(day, days)
    return _restrict(Matter.objects.filter(rule).filter(still_open | closed_later), user, "pk")


def backlog_count(user, day: dt.date) -> int:
    """The same rows as ``backlog_matters``, counted as two disjoint parts (open now; closed after
    the day) so that each is a range of the ``closed_at`` index instead of a scan of every matter."""
    rule, still_open, closed_later = _parts(day, None)
    base = _restrict(Matter.objects.filter(rule), user, "pk")
    return base.filter(still_open).count() + base.filter(closed_later).count()
