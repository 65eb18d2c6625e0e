"""Reads of the suggestions ledger: the list (page = API = export), the figures by period and theme."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from xinfang.matters.access import visible_matters
from xinfang.matters.choices import Purpose
from xinfang.matters.models import Matter
from xinfang.org.models import Category

from .. import validation as v
from ..choices import Adoption, Reward
from ..models import SuggestionAdoption
from ..services.suggestions import ANSWERED_Q


def period(params, *, default_days: int | None = None) -> tuple[dt.date | None, dt.date | None]:
    start, end = v.date_range(params)
    if start and end and end < start:
        v.fail("to", "结束日期不能早于开始日期。")
    return start, end


def _received(qs, start, end):
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs


def code_prefix(code: str) -> str:
    """A category code's own prefix: 010000 → 01, 010100 → 0101 (two digits per level)."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def suggestion_matters(user, params) -> QuerySet[Matter]:
    """Suggestions the user may see, filtered: from/to (received), theme (category code prefix),
    adoption (a value, or ``pending`` = answered without a decision), reward, published, q;
    ``sort=theme`` orders by content category (主题), the default by received date."""
    start, end = period(params)
    qs = _received(visible_matters(user).filter(purpose=Purpose.SUGGESTION), start, end)
    theme = str(params.get("theme") or "").strip()
    if theme:
        if not theme.isdigit() or len(theme) > 6:
            v.fail("theme", f"主题（内容分类）“{theme}”无效。")
        qs = qs.filter(category__code__startswith=code_prefix(theme))
    adoption = str(params.get("adoption") or "").strip()
    has_row = Exists(SuggestionAdoption.objects.filter(matter=OuterRef("pk")))
    if adoption == "pending":
        qs = qs.filter(ANSWERED_Q).exclude(has_row)
    elif adoption:
        v.choice(params, "adoption", "采纳情况", Adoption)
        qs = qs.filter(adoption__adoption=adoption)
    reward = str(params.get("reward") or "").strip()
    if reward:
        v.choice(params, "reward", "奖励", Reward)
        qs = qs.filter(adoption__reward=reward) if reward != Reward.NONE else qs.exclude(
            adoption__reward__in=[Reward.RECOMMENDED, Reward.GRANTED, Reward.REFUSED])
    if str(params.get("published") or "") in ("1", "true"):
        qs = qs.filter(adoption__published=True)
    q = str(params.get("q") or "").strip()
    if q:
        from xinfang.matters.services.search import text_filter

        cond = text_filter(q)
        if cond is not None:
            qs = qs.filter(cond)
    sort = str(params.get("sort") or "").strip()
    order = {"": ("-received_at", "-id"), "received": ("-received_at", "-id"), "theme": ("category__code", "-received_at", "-id")}
    if sort not in order:
        v.fail("sort", "排序方式无效，可选：theme（按主题）、received（按收到日期）。")
    return qs.select_related("category__parent__parent", "handling_unit", "adoption").order_by(*order[sort])


def suggestion_figures(user, params) -> dict:
    """received, answered, adopted, partly_adopted, not_adopted, rewarded: suggestions received in
    the period (the cohort), counted by where they stand now."""
    start, end = period(params)
    qs = _received(visible_matters(user).filter(purpose=Purpose.SUGGESTION), start, end)
    row = qs.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=ANSWERED_Q),
        adopted=Count("pk", filter=Q(adoption__adoption=Adoption.ADOPTED)),
        partly_adopted=Count("pk", filter=Q(adoption__adoption=Adoption.PARTLY_ADOPTED)),
        not_adopted=Count("pk", filter=Q(adoption__adoption=Adoption.NOT_ADOPTED)),
        rewarded=Count("pk", filter=Q(adoption__reward=Reward.GRANTED)),
    )
    return {k: row[k] or 0 for k in ("received", "answered", "adopted", "partly_adopted", "not_adopted", "rewarded")}


def figures_by_theme(user, params) -> list[dict]:
    """The same figures per first-level content category (主题)."""
    start, end = period(params)
    qs = _received(visible_matters(user).filter(purpose=Purpose.SUGGESTION), start, end)
    rows = (qs.values("category__parent__parent__code", "category__parent__code", "category__code")
            .annotate(received=Count("pk"), answered=Count("pk", filter=ANSWERED_Q),
                      adopted=Count("pk", filter=Q(adoption__adoption=Adoption.ADOPTED)),
                      partly_adopted=Count("pk", filter=Q(adoption__adoption=Adoption.PARTLY_ADOPTED)),
                      not_adopted=Count("pk", filter=Q(adoption__adoption=Adoption.NOT_ADOPTED)),
                      rewarded=Count("pk", filter=Q(adoption__reward=Reward.GRANTED))).order_by())
    totals: dict[str, dict] = {}
    for r in rows:
        top = r["category__parent__parent__code"] or r["category__parent__code"] or r["category__code"] or ""
        slot = totals.setdefault(top, {"code": top, "received": 0, "answered": 0, "adopted": 0,
                                       "partly_adopted": 0, "not_adopted": 0, "rewarded": 0})
        for key in ("received", "answered", "adopted", "partly_adopted", "not_adopted", "rewarded"):
            slot[key] += r[key]
    names = dict(Category.objects.filter(code__in=list(totals)).values_list("code", "name"))
    out = [dict(t, label=names.get(code, "未分类")) for code, t in totals.items()]
    return sorted(out, key=lambda t: (-t["received"], t["code"]))


def published_suggestions():
    """For the portal: adopted suggestions published with consent; the proposer's name only when
    they agreed to be named."""
    return (SuggestionAdoption.objects.filter(published=True, consent=True)
            .exclude(adoption=Adoption.NOT_ADOPTED).select_related("matter").order_by("-published_at", "-id"))
