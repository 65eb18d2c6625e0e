"""Portal reads: pickers, the reception schedule, open reminders for the supervision pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from xinfang.org.choices import UnitKind
from xinfang.org.models import Category, Region, Unit

from .models import PetitionerReminder, ReceptionDay


@dataclass(frozen=True)
class Option:
    code: str
    name: str
    parent: str = ""


def region_options() -> tuple[list[Option], list[Option], Region | None]:
    """(towns, villages, county): the two-level 问题属地 picker."""
    rows = list(Region.objects.filter(level__in=(1, 2, 3)).order_by("code").values("code", "name", "level", "parent__code"))
    county = Region.objects.filter(level=1).order_by("code").first()
    towns = [Option(r["code"], r["name"]) for r in rows if r["level"] == 2]
    villages = [Option(r["code"], r["name"], r["parent__code"] or "") for r in rows if r["level"] == 3]
    return towns, villages, county


def category_options() -> tuple[list[Option], list[Option]]:
    """(first level, second level): the two-level 内容分类 picker, from the loaded data."""
    rows = list(Category.objects.filter(active=True, level__in=(1, 2)).order_by("code").values("code", "name", "level", "parent__code"))
    tops = [Option(r["code"], r["name"]) for r in rows if r["level"] == 1]
    seconds = [Option(r["code"], r["name"], r["parent__code"] or "") for r in rows if r["level"] == 2]
    return tops, seconds


def bureau() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.BUREAU, active=True).order_by("id").first()


def upcoming_reception_days(today: dt.date | None = None, *, limit: int = 50) -> QuerySet[ReceptionDay]:
    today = today or timezone.localdate()
    return ReceptionDay.objects.filter(published=True, date__gte=today).order_by("date", "start_time", "id")[:limit]


def recent_reception_days(today: dt.date | None = None, *, days: int = 60) -> QuerySet[ReceptionDay]:
    today = today or timezone.localdate()
    return ReceptionDay.objects.filter(
        published=True, date__lt=today, date__gte=today - dt.timedelta(days=days)
    ).order_by("-date", "-start_time")


def all_reception_days() -> QuerySet[ReceptionDay]:
    return ReceptionDay.objects.order_by("-date", "-start_time", "-id")


def open_reminders() -> QuerySet[PetitionerReminder]:
    """催办 requests not yet followed up, oldest first (for the bureau's supervision list).

    Callers on staff pages must still restrict matters with ``visible_matters(user)``.
    """
    return (
        PetitionerReminder.objects.filter(handled=False)
        .select_related("matter", "matter__handling_unit", "overdue_unit", "petition")
        .order_by("created_at", "id")
    )
