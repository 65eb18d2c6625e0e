"""Reads of the proposals, risks, fund, library, publicity and training ledgers.

Each ``filter_*`` takes the request's GET (or the API's query) and is shared by the page, the
API list and the Excel export, so that the three always agree. Bad values → InvalidInput.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from xinfang.matters.access import visible_matters, visible_numbers
from xinfang.matters.services.search import query_terms
from xinfang.org.models import Unit, User
from xinfang.org.permissions import COUNTY_WIDE_ROLES

from .. import validation as v
from ..access import visible_proposals, visible_risks
from ..choices import (
    REPORTING_UNIT_KINDS,
    GrantStatus,
    LibraryKind,
    ProposalKind,
    ProposalState,
    RiskLevel,
    RiskState,
)
from ..models import FundGrant, LibraryItem, PublicityActivity, RiskReport, Training

# the 答复函's stored files and text are never loaded by lists
REPLY_HEAVY = tuple(f"reply_document__{f}" for f in ("pdf_data", "docx_data", "context", "rendered_text"))


def _flag(params, name: str) -> bool | None:
    value = str(params.get(name) or "").strip().lower()
    if not value:
        return None
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    v.fail(name, f"{name} 应为 true 或 false。")
    return None


def _unit_filter(qs, params, field: str = "unit"):
    code = str(params.get("unit") or "").strip()
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            v.fail("unit", f"单位代码“{code}”不存在。")
        qs = qs.filter(**{field: unit})
    return qs


def _text(qs, params):
    """Chinese full-text: the query segmented by jieba, every word must occur (like the matter search)."""
    for term in query_terms(str(params.get("q") or "")):
        qs = qs.filter(search_text__contains=term)
    return qs


# ---- proposals -------------------------------------------------------------------------------


def filter_proposals(user, params, *, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    qs = visible_proposals(user)
    if params.get("kind"):
        qs = qs.filter(kind=v.choice(params, "kind", "类别", ProposalKind))
    if params.get("state"):
        qs = qs.filter(state=v.choice(params, "state", "状态", ProposalState))
    qs = _unit_filter(qs, params)
    overdue = _flag(params, "overdue")
    if overdue is True:
        qs = qs.filter(state=ProposalState.OPEN, due__lt=today)
    elif overdue is False:
        qs = qs.exclude(state=ProposalState.OPEN, due__lt=today)
    q = str(params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(proposer__icontains=q))
    return (qs.select_related("unit", "reply_document").defer(*REPLY_HEAVY).prefetch_related("co_units")
            .order_by("due", "-id"))


def proposal_figures(user, year: int) -> dict:
    qs = visible_proposals(user).filter(received_on__year=year)
    row = qs.aggregate(total=Count("pk"), replied=Count("pk", filter=~Q(state=ProposalState.OPEN)),
                       on_time=Count("pk", filter=~Q(state=ProposalState.OPEN) & Q(replied_at__date__lte=F("due"))),
                       satisfied=Count("pk", filter=Q(rating="satisfied")),
                       basically=Count("pk", filter=Q(rating="basically_satisfied")),
                       dissatisfied=Count("pk", filter=Q(rating="dissatisfied")),
                       overdue=Count("pk", filter=Q(state=ProposalState.OPEN, due__lt=timezone.localdate())))
    return row


# ---- risks -----------------------------------------------------------------------------------


def filter_risks(user, params) -> QuerySet:
    qs = visible_risks(user)
    if params.get("level"):
        qs = qs.filter(level=v.choice(params, "level", "风险等级", RiskLevel))
    if params.get("state"):
        qs = qs.filter(state=v.choice(params, "state", "状态", RiskState))
    qs = _unit_filter(qs, params)
    qs = v.within(qs, "found_on", *v.date_range(params))
    q = str(params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(summary__icontains=q) | Q(responsible__icontains=q))
    return qs.select_related("unit").order_by("-found_on", "-id")


def reporting_units():
    return Unit.objects.filter(kind__in=REPORTING_UNIT_KINDS, active=True).order_by("kind", "code")


def report_status(user, month: dt.date) -> list[dict]:
    """Every town and department (a unit's staff: their own) with whether it reported for ``month``."""
    units = reporting_units()
    if not user.has_role(*COUNTY_WIDE_ROLES):
        units = units.filter(pk=user.unit_id)
    reports = {r.unit_id: r for r in RiskReport.objects.filter(month=month, unit__in=units)}
    return [{"unit": u, "report": reports.get(u.pk)} for u in units]


def risk_matters(user, risk):
    """The matters linked to a risk that ``user`` may see (through ``visible_matters``); others stay unnamed."""
    qs = visible_matters(user).filter(risk_links__risk=risk).select_related("handling_unit")
    return list(qs.order_by("risk_links__linked_at", "risk_links__id"))


def risk_history(user, risk) -> list[dict]:
    """The risk's changes, newest first; a linked matter's number only when ``user`` may see that matter."""
    rows = list(risk.changes.select_related("by"))
    shown = visible_numbers(user, {r.matter_number for r in rows if r.matter_number})
    labels = {"found_on": "发现日期", "summary": "隐患概况", "people_count": "涉及人数", "level": "风险等级",
              "responsible": "包案责任人", "measures": "化解措施"}
    levels = dict(RiskLevel.choices)
    out = []
    for r in rows:
        changes = [{"field": f, "label": labels.get(f, f),
                    "old": levels.get(old, old) if f == "level" else old,
                    "new": levels.get(new, new) if f == "level" else new} for f, (old, new) in (r.changes or {}).items()]
        out.append({"row": r, "changes": changes,
                    "matter": r.matter_number if r.matter_number in shown else ("（无权查看的事项）" if r.matter_number else "")})
    return out


def risk_reports_filed_by_unit(months: list[dt.date], units=None) -> dict[int, int]:
    """The one definition of "risk reports filed" (assessment, issue 13): per unit, how many monthly
    reports (nil reports included) it filed for ``months`` (first days), in one grouped query."""
    qs = RiskReport.objects.filter(month__in=months)
    if units is not None:
        qs = qs.filter(unit__in=units)
    return dict(qs.values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))


def unit_year_reports(user, unit_code: str, year: int) -> tuple[Unit, list[dict]]:
    """One town's or department's twelve months of ``year`` with its report of each (the drill-down
    of the assessment measure ``risk_reports``); a unit's staff may read only their own unit."""
    units = reporting_units()
    if not user.has_role(*COUNTY_WIDE_ROLES):
        units = units.filter(pk=user.unit_id)
    unit = units.filter(code=str(unit_code or "").strip()).first()
    if unit is None:
        v.fail("unit", "单位不存在或无权查看。")
    months = report_months(dt.date(year, 1, 1), dt.date(year, 12, 31))
    reports = {r.month: r for r in RiskReport.objects.filter(unit=unit, month__in=months)}
    return unit, [{"month": m, "report": reports.get(m)} for m in months]


def report_months(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The months (their first days) from ``date_from``'s month to ``date_to``'s month."""
    out, month = [], date_from.replace(day=1)
    while month <= date_to:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def months_due(date_from: dt.date, date_to: dt.date, today: dt.date, reports_from: dt.date | None) -> list[dt.date]:
    """The months of the period whose report was due: ended by ``date_to`` and before ``today``,
    and not before the month reporting started (``LedgerPolicy.risk_reports_from``; none: not started)."""
    if reports_from is None:
        return []
    last = min(date_to, today - dt.timedelta(days=1))
    return [m for m in report_months(date_from, last) if m >= reports_from.replace(day=1)
            and (m + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) <= last]


def risk_reports_filed(unit, year: int) -> int:
    """How many monthly reports the unit filed for the months of ``year``."""
    months = report_months(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return risk_reports_filed_by_unit(months, [unit]).get(unit.pk, 0)


def high_risks_open(user, limit: int = 5):
    qs = visible_risks(user).filter(level=RiskLevel.HIGH, state=RiskState.OPEN).select_related("unit")
    return qs.count(), list(qs.order_by("-found_on", "-id")[:limit])


# ---- fund ------------------------------------------------------------------------------------


def filter_grants(params) -> QuerySet:
    qs = FundGrant.objects.all()
    if params.get("year"):
        qs = qs.filter(fund_year__year=v.year(params))
    if params.get("status"):
        qs = qs.filter(status=v.choice(params, "status", "状态", GrantStatus))
    q = str(params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(matter__number__icontains=q) | Q(reason__icontains=q))
    return qs.select_related("fund_year", "matter", "requested_by", "decided_by").order_by("-requested_at", "-id")


def fund_years() -> list[dict]:
    from ..models import FundYear
    from ..services.fund import balance_of

    return [balance_of(y).as_dict() | {"count": c} for y, c in
            FundYear.objects.annotate(c=Count("grants")).order_by("-year").values_list("year", "c")]


# ---- library ---------------------------------------------------------------------------------


def filter_library(params, *, published_only: bool = False) -> QuerySet:
    qs = LibraryItem.objects.all()
    if published_only:
        qs = qs.filter(published=True)
    if params.get("kind"):
        qs = qs.filter(kind=v.choice(params, "kind", "类别", LibraryKind))
    effective = _flag(params, "effective")
    if effective is not None:
        qs = qs.filter(effective=effective)
    category = str(params.get("category") or "").strip()
    if category:
        qs = qs.filter(categories__code=category)
    qs = _text(qs, params)
    return qs.order_by("kind", "-issued_on", "-id").defer("text", "search_text")


def relevant_rules(matter, limit: int = 8) -> list[LibraryItem]:
    """The reading pane beside the matter page: effective items filed under the matter's category
    or one of its parents (laws and regulations first), then general items with no category."""
    codes = []
    node = matter.category if matter.category_id else None
    while node is not None:
        codes.append(node.code)
        node = node.parent
    base = LibraryItem.objects.filter(effective=True).exclude(kind=LibraryKind.DRAFT).defer("text", "search_text")
    order = ["kind", "-issued_on", "-id"]
    items = list(base.filter(categories__code__in=codes).distinct().order_by(*order)[:limit]) if codes else []
    if len(items) < limit:
        items += list(base.filter(categories__isnull=True, kind__in=[LibraryKind.LAW, LibraryKind.REGULATION])
                      .order_by(*order)[: limit - len(items)])
    return items


# ---- publicity and training ------------------------------------------------------------------


def filter_publicity(params) -> QuerySet:
    qs = PublicityActivity.objects.select_related("unit")
    if params.get("year"):
        qs = qs.filter(date__year=v.year(params))
    return qs.order_by("-date", "-id")


def publicity_duty(year: int) -> dict:
    """The "每年1次以上" duty: this year's count of publicity activities and whether it is met."""
    qs = PublicityActivity.objects.filter(date__year=year)
    row = qs.aggregate(n=Count("pk"), audience=Sum("audience_count"))
    return {"year": year, "count": row["n"] or 0, "audience": row["audience"] or 0, "required": 1,
            "met": (row["n"] or 0) >= 1}


def filter_trainings(params) -> QuerySet:
    qs = Training.objects.annotate(attendee_count=Count("attendees"))
    if params.get("year"):
        qs = qs.filter(date__year=v.year(params))
    return qs.order_by("-date", "-id")


def hours_by_person(year: int, *, user=None) -> list[dict]:
    """Each person's training hours in ``year`` (only their own for someone outside the bureau)."""
    qs = User.objects.filter(trainings__date__year=year)
    if user is not None:
        qs = qs.filter(pk=user.pk)
    rows = (qs.values("pk", "username", "full_name", "unit__name")
            .annotate(sessions=Count("trainings"), hours=Sum("trainings__hours")).order_by("-hours", "username"))
    return [dict(r, hours=r["hours"] or Decimal("0")) for r in rows]
