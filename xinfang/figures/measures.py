"""The measures an assessment indicator may name: a registry ``code → Measure``.

A measure computes one value per unit for a year (``Period``) at once (a few grouped queries,
never one per unit). Other apps add theirs with ``register(...)`` from their ``AppConfig.ready``:
the leaders' app "tasks done on time" (``tasks_on_time``, ``leaders/measures.py``) and the
ledgers' "risk reports filed" (``risk_reports``, ``ledgers/measures.py``) are registered there; an
indicator naming a code that is not registered is refused (400).

Each value is ``Value(value, numerator, denominator)``: rates carry their fraction (``value`` is
the rate, or None without a sample), counts carry the count in ``value``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Q

from xinfang.supervision import rates
from xinfang.supervision.models import SupervisionRecord
from xinfang.workdays.rules import ClockKind

from .periods import Period


@dataclass(frozen=True)
class Value:
    value: float | None
    numerator: int = 0
    denominator: int = 0

    def as_dict(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    kind: str  # "rate" (a fraction, higher is better unless scored inversely) or "count"
    compute: Callable[..., dict[int, Value]]  # (user, period, today) → {unit_id: Value}
    drill: str = ""  # the rates page measure that lists its rows, if any
    link: Callable[..., str] | None = None  # (unit, period) → the page listing a unit's rows (other apps)

    def drill_url(self, unit, period: Period) -> str:
        """The page that lists the rows behind one unit's value (each page reads through its app's
        access function), or "" when the measure has none."""
        if self.link is not None:
            return self.link(unit, period)
        if self.drill:
            return "/supervision/rates/drill/?" + urlencode({
                "measure": self.drill, "part": "denominator", "unit": unit.code,
                "from": period.date_from.isoformat(), "to": period.date_to.isoformat()})
        return ""


REGISTRY: dict[str, Measure] = {}


def register(code: str, label: str, kind: str, compute, drill: str = "", link=None) -> None:
    if kind not in ("rate", "count"):
        raise ValueError(kind)
    REGISTRY[code] = Measure(code, label, kind, compute, drill, link)


def get(code: str) -> Measure | None:
    return REGISTRY.get(code)


def _scope(period: Period, today) -> rates.Scope:
    return rates.Scope(date_from=period.date_from, date_to=period.date_to, today=today)


def _rate(measure: str):
    def compute(user, period: Period, today) -> dict[int, Value]:
        return {unit_id: Value(f[measure].rate, f[measure].numerator, f[measure].denominator)
                for unit_id, f in rates.rates_by_unit(user, _scope(period, today)).items() if measure in f}
    return compute


def overdue_count(user, period: Period, today) -> dict[int, Value]:
    """超期件次: accept and handle clocks of the unit that fell due in the year and were not met on
    time (the rows of 及时受理率 and 按期办结率 counted in the denominator only)."""
    out: dict[int, Value] = {}
    for kind in (ClockKind.ACCEPT.value, ClockKind.HANDLE.value):
        rows = (rates.clock_rows(user, _scope(period, today), kind).values("unit_id")
                .annotate(n=Count("pk", filter=~rates.ON_TIME)))
        for r in rows:
            if r["unit_id"] is not None:
                before = out.get(r["unit_id"], Value(0))
                out[r["unit_id"]] = Value((before.value or 0) + r["n"], int(before.value or 0) + r["n"])
    return out


def supervision_count(user, period: Period, today) -> dict[int, Value]:
    """督查督办件次: supervision records addressed to the unit and issued in the year (every kind).
    Assessments are read by county-wide roles only, so no per-user restriction applies here."""
    rows = (SupervisionRecord.objects.filter(issued_at__gte=period.start, issued_at__lt=period.end)
            .values("target_unit_id").annotate(n=Count("pk")))
    return {r["target_unit_id"]: Value(r["n"], r["n"]) for r in rows}


def repeat_rate(user, period: Period, today) -> dict[int, Value]:
    """重复信访率 by handling unit: repeat petitions / petitions received in the year on its matters."""
    rows = (rates.petition_rows(user, _scope(period, today)).values(u=F("matter__handling_unit_id"))
            .annotate(d=Count("pk"), n=Count("pk", filter=Q(is_repeat=True))))
    out = {}
    for r in rows:
        if r["u"] is not None:
            out[r["u"]] = Value(round(r["n"] / r["d"], 4) if r["d"] else None, r["n"], r["d"])
    return out


register("timely_acceptance", "及时受理率", "rate", _rate("timely_acceptance"), drill="timely_acceptance")
register("on_time_completion", "按期办结率", "rate", _rate("on_time_completion"), drill="on_time_completion")
register("participation", "参评率", "rate", _rate("participation"), drill="participation")
register("satisfaction", "满意率", "rate", _rate("satisfaction"), drill="satisfaction")
register("overdue_count", "超期件次", "count", overdue_count, drill="on_time_completion")
register("supervision_count", "被督查督办件次", "count", supervision_count)
register("repeat_rate", "重复信访率", "rate", repeat_rate, drill="repeat")
