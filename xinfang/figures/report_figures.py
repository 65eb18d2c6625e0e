"""The figures a report is written from, as a JSON-safe snapshot (stored with the draft), and
the tables and charts built from that snapshot when the report is rendered."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from xinfang.documents.renderers.content import Chart, Table
from xinfang.matters.models import Event
from xinfang.supervision import rates
from xinfang.supervision.choices import Adoption, RecommendationKind, RecordKind
from xinfang.supervision.models import Recommendation, SupervisionRecord

from .alerts import alerts
from .periods import Period
from .summary import headline
from .volume import _restrict, volume


def trend_period(period: Period) -> Period:
    """The 12 months ending with the period's last month (the chart of every report)."""
    from .periods import add_months

    return Period(add_months(period.date_to.replace(day=1), -11), period.date_to)

COLUMNS = ["petitions", "matters", "batches", "persons"]


def _rows(data: dict, limit: int | None = None) -> list[dict]:
    rows = [{k: r[k] for k in ("key", "label", *COLUMNS, "visits", "visit_persons", "collective", "repeats")}
            for r in data["rows"]]
    return rows[:limit] if limit else rows


def _headline(user, period: Period) -> dict:
    h = headline(user, period)
    return {"rows": [{k: r[k] for k in ("key", "label", "value", "previous", "last_year", "vs_previous", "vs_last_year")}
                     for r in h["rows"]],
            "shares": h["shares"], "shares_last_year": h["shares_last_year"], "backlog": h["backlog"],
            "previous": [str(h["previous"].date_from), str(h["previous"].date_to)],
            "last_year": [str(h["last_year"].date_from), str(h["last_year"].date_to)]}


def _rates(user, period: Period, today: dt.date) -> dict:
    scope = rates.Scope(date_from=period.date_from, date_to=period.date_to, today=today)
    return {k: v.as_dict() for k, v in rates.rates(user, scope).items()}


def _handling(user, period: Period) -> dict:
    """转送、交办、异议退回 (events) and 督查督办 by kind, in the period."""
    events = _restrict(Event.objects.filter(occurred_at__gte=period.start, occurred_at__lt=period.end,
                                            action__in=["forward", "assign", "object"]), user, "matter")
    acts = dict(events.values_list("action").annotate(n=Count("pk")).values_list("action", "n"))
    records = dict(SupervisionRecord.objects.filter(issued_at__gte=period.start, issued_at__lt=period.end)
                   .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {"forward": acts.get("forward", 0), "assign": acts.get("assign", 0), "object": acts.get("object", 0),
            "supervision": [{"kind": k, "label": str(label), "count": records.get(k, 0)} for k, label in RecordKind.choices],
            "supervision_total": sum(records.values())}


def _recommendations(period: Period) -> dict:
    rows = (Recommendation.objects.filter(issued_at__gte=period.start, issued_at__lt=period.end)
            .values_list("kind", "adoption").annotate(n=Count("pk")).values_list("kind", "adoption", "n"))
    out = {k: {"label": str(label), "made": 0, "answered": 0, "adopted": 0, "partial": 0, "not_adopted": 0}
           for k, label in RecommendationKind.choices}
    for kind, adoption, n in rows:
        row = out.setdefault(kind, {"label": kind, "made": 0, "answered": 0, "adopted": 0, "partial": 0, "not_adopted": 0})
        row["made"] += n
        if adoption:
            row["answered"] += n
            key = {Adoption.ADOPTED: "adopted", Adoption.PARTIAL: "partial", Adoption.NOT_ADOPTED: "not_adopted"}.get(adoption)
            if key:
                row[key] += n
    return {"rows": [{"kind": k, **v} for k, v in out.items()]}


def _accused(user, period: Period) -> list[dict]:
    from .volume import matter_rows

    rows = (matter_rows(user, period).filter(accused_unit__isnull=False)
            .values("accused_unit__code", "accused_unit__name").annotate(n=Count("pk")).order_by("-n", "accused_unit__code")[:10])
    return [{"code": r["accused_unit__code"], "name": r["accused_unit__name"], "count": r["n"]} for r in rows]


def snapshot(user, kind: str, period: Period, today: dt.date) -> dict:
    """Everything a report of ``kind`` states, computed now."""
    data = {"period": [str(period.date_from), str(period.date_to)], "computed_on": str(today),
            "headline": _headline(user, period),
            "by_channel": _rows(volume(user, period, "channel")),
            "by_category": _rows(volume(user, period, "category")),
            "by_region": _rows(volume(user, period, "region")),
            "by_month": _rows(volume(user, period, "month", with_total=False)),
            "rates": _rates(user, period, today)}
    trend = trend_period(period)
    data["trend"] = data["by_month"] if trend == period else _rows(volume(user, trend, "month", with_total=False))
    if kind == "annual":
        data["by_purpose"] = _rows(volume(user, period, "purpose"))
        data["accused"] = _accused(user, period)
        data["by_unit"] = _rows(volume(user, period, "unit"), 10)
        data["handling"] = _handling(user, period)
        data["recommendations"] = _recommendations(period)
    else:
        data["alerts"] = [{k: (str(v) if isinstance(v, dt.date) else v) for k, v in a.items()}
                          for a in alerts(user, period.date_to)][:20]
    return data


# ---- tables and charts -----------------------------------------------------------------------

VOLUME_HEADER = ["", "信访件", "信访事项", "批次", "人次"]


def _volume_table(caption: str, first: str, rows: list[dict]) -> Table:
    body = [[r["label"], *(str(r[c]) for c in COLUMNS)] for r in rows]
    total = [sum(r[c] for r in rows) for c in COLUMNS]
    body.append(["合计", *(str(t) for t in total)])
    return Table(caption, [first, *VOLUME_HEADER[1:]], body)


def blocks(kind: str, data: dict) -> dict:
    """The ``[[key]]`` blocks of a report: tables and charts (their data; drawn when rendered)."""
    out: dict = {
        "表1": _volume_table("表1 信访总量（按信访形式）", "信访形式", data["by_channel"]),
        "表2": _volume_table("表2 信访事项涉及领域（按内容分类）", "内容分类", data["by_category"]),
        "表3": _volume_table("表3 问题属地（按乡镇）", "乡镇（街道）", data["by_region"]),
    }
    months = data.get("trend") or data["by_month"]
    if months:
        out["图1"] = Chart("图1 近12个月信访件数及来访人次", "line", [r["key"][2:] for r in months],
                          [("信访件", [r["petitions"] for r in months]), ("来访人次", [r["visit_persons"] for r in months])])
    cats = data["by_category"][:8]
    if cats:
        out["图2"] = Chart("图2 信访件较多的领域", "bar", [r["label"][:6] for r in cats],
                          [("信访件", [r["petitions"] for r in cats])])
    if kind == "annual":
        out["表4"] = _volume_table("表4 信访目的", "信访目的", data["by_purpose"])
        accused = data.get("accused") or []
        out["表5"] = Table("表5 被反映较多的机关、单位", ["单位", "信访事项"],
                          [[a["name"], str(a["count"])] for a in accused] or [["（无）", "0"]])
        rec = data["recommendations"]["rows"]
        out["表6"] = Table("表6 提出建议及采纳情况", ["建议类别", "提出", "已反馈", "采纳", "部分采纳", "未采纳"],
                          [[r["label"], str(r["made"]), str(r["answered"]), str(r["adopted"]), str(r["partial"]),
                            str(r["not_adopted"])] for r in rec])
    return out


def blocks_available(kind: str, data: dict) -> list[tuple[str, str]]:
    """(key, caption) of the tables and charts a draft may place, without rendering the charts."""
    out = [("表1", "信访总量（按信访形式）"), ("表2", "涉及领域（按内容分类）"), ("表3", "问题属地（按乡镇）")]
    if data.get("trend") or data.get("by_month"):
        out.append(("图1", "近12个月信访件数及来访人次（折线图）"))
    if data.get("by_category"):
        out.append(("图2", "信访件较多的领域（柱状图）"))
    if kind == "annual":
        out += [("表4", "信访目的"), ("表5", "被反映较多的机关、单位"), ("表6", "提出建议及采纳情况")]
    return out
