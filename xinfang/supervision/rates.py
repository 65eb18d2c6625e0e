"""The rates (三率) and other measures of domain §8, computed only from Deadline and Event rows.

Definitions (docs/rates.md has the worked example):

* 及时受理率 (timely_acceptance): ``accept`` clocks that *fell due* in the period; numerator: met
  on or before the due day. 按期办结率 (on_time_completion): the same over ``handle`` clocks
  (met late and still-open-overdue count in the denominator only).
  A clock falls due in the period when its due day is in the period and it is decided: met, or its
  due day has passed (today > due). A clock cancelled on or before its due day (the unit's
  objection was approved, the matter was routed to another procedure) no longer binds anybody and
  is left out; one cancelled after its due day had already fallen due, not met, and counts.
* 参评率 (participation): per target (``unit`` or ``bureau``), evaluation windows decided in the
  period: evaluated (the clock met, counted on the day of the evaluation) / (evaluated + lapsed
  unused, counted on the window's last day). Windows cancelled without lapsing are left out.
* 满意率 (satisfaction): of the windows evaluated in the period, those whose latest rating by the
  period's end is 满意 or 基本满意.

Scope: everything starts from ``access.visible_matters(user)``; ``unit`` selects the clocks that
bind the unit (accept/handle: ``Deadline.unit``; evaluations: the handling unit for target
``unit``, the registering unit for target ``bureau``); ``region`` selects a town (its own code or
its villages).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from xinfang.matters.access import visible_matters
from xinfang.matters.models import Deadline, Event, Matter, Petition
from xinfang.org.models import Region, Unit
from xinfang.workdays.rules import ClockKind

MEASURES = ("timely_acceptance", "on_time_completion", "participation", "satisfaction")
MEASURE_LABELS = {
    "timely_acceptance": "及时受理率",
    "on_time_completion": "按期办结率",
    "participation": "参评率",
    "satisfaction": "满意率",
    "repeat": "重复信访率",
    "returns": "退回率",
}
CLOCK_OF = {"timely_acceptance": ClockKind.ACCEPT.value, "on_time_completion": ClockKind.HANDLE.value}
GOOD_RATINGS = frozenset({"satisfied", "basically_satisfied"})
STAGES = [
    (ClockKind.DISPOSE.value, "登记至转送交办"),
    (ClockKind.ACCEPT.value, "收到至受理"),
    (ClockKind.HANDLE.value, "受理至答复"),
    (ClockKind.REVIEW.value, "复查"),
    (ClockKind.RECHECK.value, "复核"),
]


@dataclass(frozen=True)
class Scope:
    date_from: dt.date
    date_to: dt.date
    unit: Unit | None = None
    region: Region | None = None
    target: str = "unit"
    today: dt.date | None = None

    @property
    def as_of(self) -> dt.date:
        return self.today or timezone.localdate()

    @property
    def end_moment(self) -> dt.datetime:
        return dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())

    @property
    def start_moment(self) -> dt.datetime:
        return dt.datetime.combine(self.date_from, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    def as_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "rate": self.rate}


def scoped_matters(user, scope: Scope) -> QuerySet[Matter]:
    qs = visible_matters(user)
    if scope.region is not None:
        qs = qs.filter(Q(region=scope.region) | Q(region__parent=scope.region) | Q(region__parent__parent=scope.region))
    return qs


# ---- clocks (accept, handle) -----------------------------------------------------------------


def clock_rows(user, scope: Scope, kind: str) -> QuerySet[Deadline]:
    """The clocks of ``kind`` that fell due in the period (the denominator), annotated with ``on_time``."""
    qs = (
        Deadline.objects.filter(kind=kind, due__gte=scope.date_from, due__lte=scope.date_to,
                                matter__in=scoped_matters(user, scope).values("pk"))
        .annotate(met_day=TruncDate("met_at"), cancelled_day=TruncDate("cancelled_at"))
        .filter(Q(met_at__isnull=False) | Q(due__lt=scope.as_of))
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_day__gt=F("due")))
    )
    if scope.unit is not None:
        qs = qs.filter(unit=scope.unit)
    return qs


ON_TIME = Q(met_at__isnull=False, met_day__lte=F("due"))


def clock_figure(user, scope: Scope, kind: str) -> Figure:
    agg = clock_rows(user, scope, kind).aggregate(d=Count("pk"), n=Count("pk", filter=ON_TIME))
    return Figure(agg["n"], agg["d"])


def clock_figures_by(user, scope: Scope, kind: str, key) -> dict:
    rows = clock_rows(user, scope, kind).annotate(k=key).values("k").annotate(d=Count("pk"), n=Count("pk", filter=ON_TIME))
    return {r["k"]: Figure(r["n"], r["d"]) for r in rows}


# ---- evaluations -----------------------------------------------------------------------------


def _evaluated_unit_field(target: str) -> str:
    return "matter__registering_unit" if target == "bureau" else "matter__handling_unit"


def evaluation_rows(user, scope: Scope) -> QuerySet[Deadline]:
    """Evaluation windows decided in the period: evaluated (met) in it, or lapsed with their last day in it."""
    evaluated = Q(met_at__isnull=False, met_day__gte=scope.date_from, met_day__lte=scope.date_to)
    lapsed = Q(met_at__isnull=True, lapsed_on__isnull=False, due__gte=scope.date_from, due__lte=scope.date_to)
    qs = (
        Deadline.objects.filter(kind=ClockKind.EVALUATE.value, target=scope.target,
                                matter__in=scoped_matters(user, scope).values("pk"))
        .annotate(met_day=TruncDate("met_at"))
        .filter(evaluated | lapsed)
    )
    if scope.unit is not None:
        qs = qs.filter(**{_evaluated_unit_field(scope.target): scope.unit})
    return qs


def latest_ratings(matter_ids, target: str, until: dt.datetime) -> dict[int, str]:
    """The latest rating of each matter for ``target`` made before ``until`` (from Event rows)."""
    ratings: dict[int, tuple] = {}
    events = (Event.objects.filter(matter_id__in=list(matter_ids), action="evaluate", params__target=target,
                                   occurred_at__lt=until).values_list("matter_id", "seq", "params"))
    for matter_id, seq, params in events:
        if matter_id not in ratings or seq > ratings[matter_id][0]:
            ratings[matter_id] = (seq, (params or {}).get("rating", ""))
    return {k: v[1] for k, v in ratings.items()}


def _evaluation_figures(rows: list[dict], scope: Scope, key) -> tuple[dict, dict]:
    """Group evaluation rows (dicts with matter_id, met_at, and the key) into participation and satisfaction."""
    ratings = latest_ratings({r["matter_id"] for r in rows if r["met_at"] is not None}, scope.target, scope.end_moment)
    part = defaultdict(lambda: [0, 0])
    sat = defaultdict(lambda: [0, 0])
    for r in rows:
        k = key(r)
        part[k][1] += 1
        if r["met_at"] is not None:
            part[k][0] += 1
            sat[k][1] += 1
            if ratings.get(r["matter_id"]) in GOOD_RATINGS:
                sat[k][0] += 1
    return ({k: Figure(*v) for k, v in part.items()}, {k: Figure(*v) for k, v in sat.items()})


def _evaluation_values(user, scope: Scope, *extra) -> list[dict]:
    return list(evaluation_rows(user, scope).values("pk", "matter_id", "met_at", "due", *extra))


# ---- the four rates --------------------------------------------------------------------------


def rates(user, scope: Scope) -> dict[str, Figure]:
    part, sat = _evaluation_figures(_evaluation_values(user, scope), scope, key=lambda r: None)
    return {
        "timely_acceptance": clock_figure(user, scope, ClockKind.ACCEPT.value),
        "on_time_completion": clock_figure(user, scope, ClockKind.HANDLE.value),
        "participation": part.get(None, Figure(0, 0)),
        "satisfaction": sat.get(None, Figure(0, 0)),
    }


def rates_by_unit(user, scope: Scope) -> dict[int, dict[str, Figure]]:
    """The four rates for every unit at once (for rankings): four grouped queries."""
    out: dict[int, dict[str, Figure]] = defaultdict(dict)
    for measure, kind in CLOCK_OF.items():
        for unit_id, fig in clock_figures_by(user, scope, kind, F("unit_id")).items():
            if unit_id is not None:
                out[unit_id][measure] = fig
    unit_field = _evaluated_unit_field(scope.target) + "_id"
    part, sat = _evaluation_figures(_evaluation_values(user, scope, unit_field), scope, key=lambda r: r[unit_field])
    for unit_id, fig in part.items():
        if unit_id is not None:
            out[unit_id]["participation"] = fig
    for unit_id, fig in sat.items():
        if unit_id is not None:
            out[unit_id]["satisfaction"] = fig
    return out


def rates_by_month(user, scope: Scope) -> dict[dt.date, dict[str, Figure]]:
    """The four rates per calendar month of the period (for the 12-month trend)."""
    out: dict[dt.date, dict[str, Figure]] = defaultdict(dict)
    for measure, kind in CLOCK_OF.items():
        for month, fig in clock_figures_by(user, scope, kind, TruncMonth("due")).items():
            out[month][measure] = fig

    def decided_month(r):
        day = timezone.localtime(r["met_at"]).date() if r["met_at"] is not None else r["due"]
        return day.replace(day=1)

    part, sat = _evaluation_figures(_evaluation_values(user, scope), scope, key=decided_month)
    for month, fig in part.items():
        out[month]["participation"] = fig
    for month, fig in sat.items():
        out[month]["satisfaction"] = fig
    return out


# ---- other measures --------------------------------------------------------------------------
# Each measure has one function that selects its rows; the figure and its drill-down both use it.


def petition_rows(user, scope: Scope) -> QuerySet[Petition]:
    """The petitions received in the period (重复信访率's denominator; the repeats are its numerator)."""
    qs = Petition.objects.filter(matter__in=scoped_matters(user, scope).values("pk"),
                                 received_at__gte=scope.start_moment, received_at__lt=scope.end_moment)
    if scope.unit is not None:
        qs = qs.filter(matter__handling_unit=scope.unit)
    return qs


def repeat_figure(user, scope: Scope) -> Figure:
    """重复信访率: repeat petitions (重复件) / all petitions received in the period."""
    agg = petition_rows(user, scope).aggregate(d=Count("pk"), n=Count("pk", filter=Q(is_repeat=True)))
    return Figure(agg["n"], agg["d"])


def return_rows(user, scope: Scope) -> tuple[QuerySet[Event], QuerySet[Event]]:
    """退回率's rows: (matters handed over: forward + assign events, objections: object events) in the period."""
    events = Event.objects.filter(matter__in=scoped_matters(user, scope).values("pk"),
                                  occurred_at__gte=scope.start_moment, occurred_at__lt=scope.end_moment)
    handed = events.filter(action__in=["forward", "assign"])
    objected = events.filter(action="object")
    if scope.unit is not None:
        handed = handed.filter(params__unit=scope.unit.code)
        objected = objected.filter(unit=scope.unit)
    return handed, objected


def returns_figure(user, scope: Scope) -> Figure:
    """退回率: objections (异议退回) / matters handed to units (转送 + 交办), events in the period."""
    handed, objected = return_rows(user, scope)
    return Figure(objected.count(), handed.count())


def stage_rows(user, scope: Scope, kinds=None) -> QuerySet[Deadline]:
    """The clocks of the stages met in the period (各环节平均用时)."""
    qs = Deadline.objects.filter(kind__in=kinds or [k for k, _ in STAGES], met_at__gte=scope.start_moment,
                                 met_at__lt=scope.end_moment, matter__in=scoped_matters(user, scope).values("pk"))
    if scope.unit is not None:
        qs = qs.filter(unit=scope.unit)
    return qs


def elapsed_days(start: dt.date, met_at: dt.datetime) -> int:
    return (timezone.localtime(met_at).date() - start).days


def stage_days(user, scope: Scope) -> list[dict]:
    """Average calendar days per stage, over the clocks met in the period (start day → act day)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, start, met_at in stage_rows(user, scope).values_list("kind", "start", "met_at"):
        sums[kind][0] += elapsed_days(start, met_at)
        sums[kind][1] += 1
    return [{"kind": k, "label": label, "count": sums[k][1],
             "average": round(sums[k][0] / sums[k][1], 1) if sums[k][1] else None} for k, label in STAGES]


def summary(user, scope: Scope) -> dict:
    figures = rates(user, scope)
    figures["repeat"] = repeat_figure(user, scope)
    figures["returns"] = returns_figure(user, scope)
    return {"figures": figures, "stages": stage_days(user, scope)}


# ---- rankings --------------------------------------------------------------------------------


def ranking(user, scope: Scope, measure: str, min_sample: int) -> dict:
    """Units ranked by one rate; each row shows its sample (the denominator); units below the
    minimum sample are listed apart, unranked."""
    by_unit = rates_by_unit(user, scope)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(by_unit))}
    ranked, small = [], []
    for unit_id, figures in by_unit.items():
        fig = figures.get(measure)
        if fig is None or fig.denominator == 0:
            continue
        row = {"unit": units[unit_id], "figure": fig, "figures": figures}
        (ranked if fig.denominator >= min_sample else small).append(row)
    ranked.sort(key=lambda r: (-(r["figure"].rate or 0), -r["figure"].denominator, r["unit"].code))
    for i, row in enumerate(ranked, 1):
        row["rank"] = i
    small.sort(key=lambda r: r["unit"].code)
    return {"ranked": ranked, "small": small, "min_sample": min_sample, "measure": measure}


# ---- drill-down ------------------------------------------------------------------------------

STAGE_LABELS = dict(STAGES)
ACT_LABELS = {"forward": "转送", "assign": "交办", "object": "异议退回"}
# Every figure on the rates page drills down: the four rates and the stages to clocks, 重复信访率
# to petitions and 退回率 to events (``acts``).
DRILL_MEASURES = (*MEASURES, "repeat", "returns", *(f"stage_{k}" for k, _ in STAGES))


def drill_label(measure: str) -> str:
    if measure.startswith("stage_"):
        return f"各环节平均用时 · {STAGE_LABELS[measure.removeprefix('stage_')]}"
    return MEASURE_LABELS[measure]


@dataclass
class Act:
    """One row of a drill-down that is not a clock: a petition received or an act (event)."""

    matter: Matter
    day: dt.date
    what: str
    unit_name: str = ""


def drill_acts(user, scope: Scope, measure: str, part: str) -> list[Act]:
    """重复信访率 → the petitions; 退回率 → the forward/assign events (denominator) or objections (numerator)."""
    if measure == "repeat":
        qs = petition_rows(user, scope)
        if part == "numerator":
            qs = qs.filter(is_repeat=True)
        return [Act(p.matter, timezone.localtime(p.received_at).date(),
                    f"{p.number} {p.get_channel_display()}{'（重复件）' if p.is_repeat else ''}",
                    p.matter.handling_unit.name if p.matter.handling_unit_id else "")
                for p in qs.select_related("matter", "matter__handling_unit").order_by("received_at", "pk")]
    handed, objected = return_rows(user, scope)
    qs = objected if part == "numerator" else handed
    names = dict(Unit.objects.values_list("code", "name"))
    rows = []
    for e in qs.select_related("matter", "unit").order_by("occurred_at", "pk"):
        unit = e.unit.name if e.action == "object" and e.unit_id else names.get((e.params or {}).get("unit", ""), "")
        rows.append(Act(e.matter, timezone.localtime(e.occurred_at).date(), ACT_LABELS.get(e.action, e.action), unit))
    return rows


def drill(user, scope: Scope, measure: str, part: str) -> list:
    """Exactly the rows counted in a figure's numerator or denominator: clocks (``Deadline`` with
    its matter) for the four rates and the stages, ``Act`` rows for 重复信访率 and 退回率."""
    if measure in ("repeat", "returns"):
        return drill_acts(user, scope, measure, part)
    if measure.startswith("stage_"):
        rows = list(stage_rows(user, scope, [measure.removeprefix("stage_")])
                    .select_related("matter", "unit", "matter__handling_unit").order_by("met_at", "pk"))
        for d in rows:
            d.elapsed = elapsed_days(d.start, d.met_at)
        return rows
    if measure in CLOCK_OF:
        qs = clock_rows(user, scope, CLOCK_OF[measure])
        if part == "numerator":
            qs = qs.filter(ON_TIME)
        return list(qs.select_related("matter", "unit", "matter__handling_unit").order_by("due", "pk"))
    rows = list(evaluation_rows(user, scope).select_related("matter", "matter__handling_unit").order_by("due", "pk"))
    if measure == "participation":
        return [r for r in rows if r.met_at is not None] if part == "numerator" else rows
    evaluated = [r for r in rows if r.met_at is not None]
    ratings = latest_ratings({r.matter_id for r in evaluated}, scope.target, scope.end_moment)
    for r in evaluated:
        r.rating = ratings.get(r.matter_id, "")
    if part == "numerator":
        return [r for r in evaluated if r.rating in GOOD_RATINGS]
    return evaluated
