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


def backlog_matters(user, day: dt.date, *, days: int | None = None) -> QuerySet[Matter]:
    days = current_settings().backlog_days if days is None else days
    end = moment(day + dt.timedelta(days=1))
    old = moment(day - dt.timedelta(days=days))  # received before this day: open more than ``days`` days on D
    qs = Matter.objects.filter(received_at__lt=end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    qs = qs.filter(Q(is_backlog=True) | Q(received_at__lt=old))
    return _restrict(qs, user, "pk")


def backlog_count(user, day: dt.date) -> int:
    return backlog_matters(user, day).count()
