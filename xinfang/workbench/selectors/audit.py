"""The auditor's screen (审计): who viewed, revealed or exported which personal data, when and from where."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from xinfang.core.models import AccessLog


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""  # username
    matter: str = ""  # a matter number (also finds its documents and attachments)
    unit: str = ""  # the unit of the person who looked
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_log(f: AuditFilter) -> QuerySet[AccessLog]:
    qs = AccessLog.objects.select_related("user__unit").order_by("-at", "-id")
    if f.user:
        qs = qs.filter(user__username=f.user)
    if f.matter:
        qs = qs.filter(Q(object_ref__startswith=f.matter) | Q(detail__matter=f.matter))
    if f.unit:
        qs = qs.filter(user__unit__code=f.unit)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from:
        qs = qs.filter(at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(at__date__lte=f.date_to)
    return qs


def reveal_threshold() -> int:
    return getattr(settings, "XINFANG_AUDIT_REVEAL_ALERT", 20)


def unusual_volumes(today: dt.date | None = None, *, days: int = 30) -> list[dict]:
    """People who revealed full identities of at least the threshold's number of records in one day
    (个人信息保护法 §51: the handler watches for misuse), newest first."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    rows = (AccessLog.objects.filter(kind=AccessLog.Kind.REVEAL, at__date__gte=since, user__isnull=False)
            .annotate(day=TruncDate("at")).values("user__username", "user__full_name", "user__unit__name", "day")
            .annotate(n=Count("id")).filter(n__gte=reveal_threshold()).order_by("-day", "-n"))
    return [{"username": r["user__username"], "name": r["user__full_name"] or r["user__username"],
             "unit": r["user__unit__name"] or "", "day": r["day"], "count": r["n"]} for r in rows]


def retention_days() -> int:
    return getattr(settings, "XINFANG_ACCESS_LOG_RETENTION_DAYS", 180)
