"""Reads of the supervision app: dashboard, record lists, the bulletin (通报) data, reminders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from xinfang.matters.access import visible_matters
from xinfang.matters.choices import OPEN_STATES
from xinfang.matters.models import Deadline, Event, Matter
from xinfang.matters.overdue import running_clocks
from xinfang.org.models import Unit
from xinfang.portal.selectors import open_reminders
from xinfang.workdays.models import current_rules, load_calendar
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

from . import rates
from .access import sees_county, visible_callbacks, visible_recommendations, visible_records
from .choices import CallbackState, RecordKind, RecordState
from .dues import due_soon_days
from .models import CallbackTask, EngineRun, SupervisionRecord
from .rates import Scope

CLOCK_LABELS = {k.value: r.label for k, r in CLOCK_RULES.items()}
RECORD_LIST_SIZE = 50


def _running_clocks(user) -> QuerySet[Deadline]:
    return running_clocks().filter(matter__in=visible_matters(user).values("pk"))


def clock_watch(user, today: dt.date) -> dict:
    """Overdue and due-soon, in total and by unit (a unit user: their own unit). Overdue counts matters, with
    the one definition of matters.overdue, so every page agrees with the lists the figures link to."""
    first, last = due_soon_days(today, current_rules().due_soon_workdays, load_calendar())
    qs = _running_clocks(user).filter(matter__status__in=OPEN_STATES)
    if not sees_county(user):
        qs = qs.filter(unit_id=user.unit_id)
    rows = (qs.filter(due__lte=last).values("unit_id")
            .annotate(overdue=Count("matter", distinct=True, filter=Q(due__lt=today)),
                      soon=Count("pk", filter=Q(due__gte=first))))
    units = Unit.objects.in_bulk([r["unit_id"] for r in rows if r["unit_id"]])
    by_unit = sorted(({"unit": units.get(r["unit_id"]), "overdue": r["overdue"], "soon": r["soon"]} for r in rows),
                     key=lambda r: (-r["overdue"], -r["soon"], r["unit"].code if r["unit"] else ""))
    soon_list = list(qs.filter(due__gte=first, due__lte=last).select_related("matter", "unit").order_by("due", "pk")[:15])
    for d in soon_list:
        d.kind_label = CLOCK_LABELS[d.kind]
    overdue_total = qs.filter(due__lt=today).values("matter").distinct().count()
    return {"soon_until": last, "by_unit": by_unit, "overdue": overdue_total,
            "soon": sum(r["soon"] for r in by_unit), "soon_list": soon_list}


def record_queryset(user, params=None) -> QuerySet[SupervisionRecord]:
    """The record list (one filter for the page and its counts): state, kind, unit, q."""
    params = params or {}
    qs = visible_records(user).select_related("target_unit", "issued_by", "responded_by")
    state = (params.get("state") or "").strip()
    if state == "live":  # awaiting an answer or the bureau's 销号; a 通报 awaits neither
        qs = qs.filter(state__in=[RecordState.OPEN, RecordState.RESPONDED]).exclude(kind=RecordKind.BULLETIN)
    elif state in RecordState.values:
        qs = qs.filter(state=state)
    kind = (params.get("kind") or "").strip()
    if kind in RecordKind.values:
        qs = qs.filter(kind=kind)
    unit = (params.get("unit") or "").strip()
    if unit:
        qs = qs.filter(target_unit__code=unit)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(matters__number=q)).distinct()
    # Only the matters the reader may see (a record may name matters of several units).
    matters = visible_matters(user).only("pk", "number", "title", "status")
    return qs.prefetch_related(Prefetch("matters", queryset=matters))


def record_matters(user, record) -> QuerySet[Matter]:
    """The matters a 督办 record or a 建议书 names, as far as the reader may see them."""
    return visible_matters(user, record.matters.select_related("handling_unit")).order_by("number")


def dashboard(user, today: dt.date) -> dict:
    month = Scope(date_from=today.replace(day=1), date_to=today, today=today)
    year = Scope(date_from=today.replace(month=1, day=1), date_to=today, today=today)
    unit_scope = {} if sees_county(user) else {"unit": user.unit}
    month = Scope(**{**month.__dict__, **unit_scope})
    year = Scope(**{**year.__dict__, **unit_scope})
    start = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    trend = rates.rates_by_month(user, Scope(date_from=start, date_to=today, today=today, **unit_scope))
    months, cur = [], start
    while cur <= today:
        months.append(cur)
        cur = (cur + dt.timedelta(days=32)).replace(day=1)
    series = {m: [(trend.get(mo, {}).get(m) or rates.Figure(0, 0)).rate for mo in months] for m in rates.MEASURES}
    live = record_queryset(user, {"state": "live"})
    callbacks = visible_callbacks(user).filter(state=CallbackState.TODO).select_related("matter", "assigned_to", "handled_by_unit")
    return {
        "today": today,
        "watch": clock_watch(user, today),
        "records": list(live.order_by("response_due", "pk")[:12]),
        "records_open": live.count(),
        "callbacks": list(callbacks.order_by("due", "pk")[:10]),
        "callbacks_todo": callbacks.count(),
        "month": rates.rates(user, month),
        "year": rates.rates(user, year),
        "trend": {"months": [m.strftime("%Y-%m") for m in months],
                  "series": [{"key": k, "name": rates.MEASURE_LABELS[k],
                              "data": [None if v is None else round(v * 100, 1) for v in series[k]]} for k in rates.MEASURES]},
        "recommendations_due": visible_recommendations(user).filter(state="sent").order_by("feedback_due")[:5],
        "last_run": EngineRun.objects.order_by("-started_at").first(),
        "min_sample": current_rules().ranking_min_sample,
    }


def bulletin_data(user, date_from: dt.date, date_to: dt.date, *, today: dt.date | None = None) -> dict:
    """通报: by unit, the clocks that fell due in the period and were not met on time (超期), the
    dissatisfied ratings and the problems found by callbacks. The documents app renders this dict."""
    today = today or timezone.localdate()
    scope = Scope(date_from=date_from, date_to=date_to, today=today)
    units: dict[int, dict] = defaultdict(lambda: {"overdue": [], "dissatisfied": [], "problems": []})
    for kind in (ClockKind.ACCEPT.value, ClockKind.HANDLE.value, ClockKind.REPORT.value, ClockKind.REVIEW.value):
        late = rates.clock_rows(user, scope, kind).exclude(rates.ON_TIME).select_related("matter", "unit")
        for d in late:
            if d.unit_id:
                units[d.unit_id]["overdue"].append({
                    "matter": d.matter, "kind": CLOCK_LABELS[d.kind], "due": d.due,
                    "met": timezone.localtime(d.met_at).date() if d.met_at else None})
    visible = visible_matters(user).values("pk")
    ratings = (Event.objects.filter(matter__in=visible, action="evaluate", params__rating="dissatisfied",
                                    occurred_at__gte=scope.start_moment, occurred_at__lt=scope.end_moment)
               .select_related("matter"))
    codes = {u.code: u.pk for u in Unit.objects.all()}
    for e in ratings:
        unit_id = codes.get((e.params or {}).get("evaluated_unit", ""))
        if unit_id:
            units[unit_id]["dissatisfied"].append({"matter": e.matter, "day": timezone.localtime(e.occurred_at).date(),
                                                   "target": e.params.get("target", "")})
    problems = (CallbackTask.objects.filter(matter__in=visible, problem_found=True, done_at__gte=scope.start_moment,
                                            done_at__lt=scope.end_moment).select_related("matter"))
    for t in problems:
        if t.handled_by_unit_id:
            units[t.handled_by_unit_id]["problems"].append({"matter": t.matter, "day": timezone.localtime(t.done_at).date(),
                                                            "notes": t.notes})
    names = Unit.objects.in_bulk(list(units))
    rows = [{"unit": names[k], **v, "total": len(v["overdue"]) + len(v["dissatisfied"]) + len(v["problems"])}
            for k, v in units.items()]
    rows.sort(key=lambda r: (-r["total"], r["unit"].code))
    return {"period_from": date_from, "period_to": date_to, "units": rows,
            "totals": {k: sum(len(r[k]) for r in rows) for k in ("overdue", "dissatisfied", "problems")}}


def petitioner_reminders(user) -> list:
    """Petitioners' open 催办 requests from the portal, on matters this user may see."""
    items = list(open_reminders())
    visible = set(visible_matters(user).filter(pk__in=[i.matter_id for i in items]).values_list("pk", flat=True))
    return [i for i in items if i.matter_id in visible]


def callback_queryset(user, params=None) -> QuerySet[CallbackTask]:
    params = params or {}
    qs = visible_callbacks(user).select_related("matter", "assigned_to", "handled_by_unit", "follow_up")
    state = params.get("state") or "todo"
    if state in CallbackState.values:
        qs = qs.filter(state=state)
    if params.get("mine"):
        qs = qs.filter(assigned_to=user)
    return qs.order_by("due", "pk")


def overdue_records_count(user) -> int:
    return visible_records(user).filter(state=RecordState.OPEN, response_due__lt=timezone.localdate()).count()

