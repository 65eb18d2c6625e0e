"""Volume figures (信访总量): petitions, matters, 批次 and 人次, by any dimension, with drill-down.

Definitions (docs/figures.md has the worked example):

* **petitions** (信访件): petitions *received* in the period (``Petition.received_at``), a repeat
  petition on an older matter included; **matters** (信访事项): matters first received in the period.
* **batches** (批次) and **persons** (人次): for visits, one batch per visit petition and its
  headcount in persons; for every other channel both count petitions (api-v1.md).
* **collective** (集体访): visit petitions with a headcount of at least the rule set's
  ``collective_threshold`` (5 by default), with their persons; **repeats** (重复件): petitions
  registered as repeats; **online** (网上信访): petitions by ``online``, ``mobile`` or
  ``leader_mailbox``; **skip_level** (越级): matters received in the period marked 越级.
* Dimensions: ``channel`` (the petition's), ``purpose``, ``category``, ``region``, ``unit``
  (handling unit) of the matter, ``month`` (of receipt). ``category`` rolls up to level 1 unless
  ``level`` is given (2, 3); ``region`` to the towns (level 1) or villages (level 2).

Every figure starts from ``visible_matters(user)``; a figure and its drill-down list come from
the same selecting functions (``petition_rows``/``matter_rows``), so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from xinfang.core.errors import InvalidInput
from xinfang.matters.access import visible_matters
from xinfang.matters.choices import Channel, Purpose
from xinfang.matters.models import Matter, Petition
from xinfang.org.models import Category, Region, Unit
from xinfang.workdays.models import current_rules

from .periods import Period, add_months, moment

DIMENSIONS = {"channel": "信访形式", "purpose": "信访目的", "category": "内容分类", "region": "问题属地",
              "unit": "责任单位", "month": "月份"}
ONLINE_CHANNELS = (Channel.ONLINE.value, Channel.MOBILE.value, Channel.LEADER_MAILBOX.value)
VISIT = Channel.VISIT.value
PETITION_MEASURES = {"petitions": "信访件", "batches": "批次", "persons": "人次", "visits": "来访批次",
                     "visit_persons": "来访人次", "collective": "集体访批次", "collective_persons": "集体访人次",
                     "repeats": "重复件", "online": "网上信访件"}
MATTER_MEASURES = {"matters": "信访事项", "skip_level": "越级事项"}
MEASURE_LABELS = {**PETITION_MEASURES, **MATTER_MEASURES}
UNASSIGNED = "-"


def _restrict(qs: QuerySet, user, field: str) -> QuerySet:
    """Only rows of matters the user may see (no subquery for county-wide users)."""
    visible = visible_matters(user)
    if not visible.query.has_filters():
        return qs
    return qs.filter(**{f"{field}__in": visible.values("pk")})


def _petition_aggregates(threshold: int) -> dict:
    visit = Q(channel=VISIT)
    collective = Q(channel=VISIT, headcount__gte=threshold)
    return {
        "petitions": Count("pk"),
        "persons": Sum(Case(When(visit, then="headcount"), default=Value(1), output_field=IntegerField())),
        "visits": Count("pk", filter=visit),
        "visit_persons": Sum("headcount", filter=visit),
        "collective": Count("pk", filter=collective),
        "collective_persons": Sum("headcount", filter=collective),
        "repeats": Count("pk", filter=Q(is_repeat=True)),
        "online": Count("pk", filter=Q(channel__in=ONLINE_CHANNELS)),
    }


MATTER_AGGREGATES = {"matters": Count("pk"), "skip_level": Count("pk", filter=Q(is_skip_level=True))}
PETITION_KEYS = {"channel": "channel", "purpose": "matter__purpose", "category": "matter__category_id",
                 "region": "matter__region_id", "unit": "matter__handling_unit_id"}
MATTER_KEYS = {"channel": "channel", "purpose": "purpose", "category": "category_id", "region": "region_id",
               "unit": "handling_unit_id"}


# ---- rows (the one selection behind every figure and its drill-down) -------------------------


def petition_rows(user, period: Period) -> QuerySet[Petition]:
    qs = Petition.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
    return _restrict(qs, user, "matter")


def matter_rows(user, period: Period) -> QuerySet[Matter]:
    qs = Matter.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
    return _restrict(qs, user, "pk")


def measure_filter(measure: str) -> Q:
    threshold = current_rules().collective_threshold
    return {
        "petitions": Q(), "batches": Q(), "persons": Q(), "visits": Q(channel=VISIT), "visit_persons": Q(channel=VISIT),
        "collective": Q(channel=VISIT, headcount__gte=threshold),
        "collective_persons": Q(channel=VISIT, headcount__gte=threshold),
        "repeats": Q(is_repeat=True), "online": Q(channel__in=ONLINE_CHANNELS),
        "matters": Q(), "skip_level": Q(is_skip_level=True),
    }[measure]


# ---- hierarchy roll-up -----------------------------------------------------------------------


@dataclass
class Tree:
    """Category or region rows by id, to roll a row up to the level asked for (in memory: a few
    hundred rows, so the database groups by the indexed foreign key only)."""

    nodes: dict[int, tuple[str, str, int, int | None]]  # id → (code, name, level, parent_id)
    offset: int = 0  # region levels are counted from the towns: level 1 = Region.level 2

    @classmethod
    def categories(cls) -> Tree:
        return cls({pk: (code, name, level, parent) for pk, code, name, level, parent in
                    Category.objects.values_list("pk", "code", "name", "level", "parent_id")})

    @classmethod
    def regions(cls) -> Tree:
        return cls({pk: (code, name, level, parent) for pk, code, name, level, parent in
                    Region.objects.values_list("pk", "code", "name", "level", "parent_id")}, offset=1)

    def ancestor(self, pk: int | None, level: int) -> int | None:
        """The node at ``level`` above ``pk`` (itself when it is at or above that level)."""
        while pk is not None and pk in self.nodes and self.nodes[pk][2] > level + self.offset:
            pk = self.nodes[pk][3]
        return pk

    def key(self, pk: int | None) -> str:
        return self.nodes[pk][0] if pk in self.nodes else UNASSIGNED

    def label(self, pk: int | None) -> str:
        return self.nodes[pk][1] if pk in self.nodes else "（未填）"

    def descendants(self, code: str) -> list[int]:
        ids = {pk for pk, node in self.nodes.items() if node[0] == code}
        if not ids:
            return []
        grew = True
        while grew:
            more = {pk for pk, node in self.nodes.items() if node[3] in ids} - ids
            grew = bool(more)
            ids |= more
        return sorted(ids)


def parse_level(raw, by: str) -> int:
    if raw in (None, ""):
        return 1
    try:
        level = int(str(raw))
    except ValueError:
        level = 0
    top = 3 if by == "category" else 2
    if not 1 <= level <= top:
        raise InvalidInput(f"层级 level 应为 1 至 {top}。", fields={"level": f"可选 1–{top}"})
    return level


def check_dimension(by: str) -> str:
    if by not in DIMENSIONS:
        raise InvalidInput(f"分组维度 by 无效：{by[:20]}。", fields={"by": f"可选：{'、'.join(DIMENSIONS)}"})
    return by


# ---- figures ---------------------------------------------------------------------------------

ZERO = {k: 0 for k in (*PETITION_MEASURES, *MATTER_MEASURES)}


def _finish(row: dict) -> dict:
    for k in ZERO:  # a group may have matters but no petitions in the period (or the reverse)
        row[k] = row.get(k) or 0
    row["batches"] = row["petitions"]
    return row


def totals(user, period: Period) -> dict:
    """Every measure over the whole period (two aggregate queries)."""
    row = petition_rows(user, period).aggregate(**_petition_aggregates(current_rules().collective_threshold))
    row.update(matter_rows(user, period).aggregate(**MATTER_AGGREGATES))
    return _finish(row)


def _month_key(value) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%Y-%m}"


def volume(user, period: Period, by: str, level: int = 1, *, with_total: bool = True) -> dict:
    """``{rows: [{key, label, petitions, matters, batches, persons, …}], total}``, rows by key."""
    check_dimension(by)
    threshold = current_rules().collective_threshold
    petitions = petition_rows(user, period)
    matters = matter_rows(user, period)
    if by == "month":
        p_rows, m_rows = _by_month(petitions, matters, period, threshold)
    else:
        p_rows = petitions.values(k=F(PETITION_KEYS[by])).annotate(**_petition_aggregates(threshold))
        m_rows = matters.values(k=F(MATTER_KEYS[by])).annotate(**MATTER_AGGREGATES)
    key_of, label_of = _keys(by, level)
    merged: dict[str, dict] = defaultdict(dict)
    for source in (p_rows, m_rows):
        for r in source:
            k = key_of(r.pop("k"))
            row = merged[k]
            for name, value in r.items():
                row[name] = row.get(name, 0) + (value or 0)
    rows = [_finish({"key": k, "label": label_of(k), **v}) for k, v in merged.items()]
    rows.sort(key=lambda r: r["key"] if by in ("month", "channel", "purpose") else (-r["petitions"], -r["matters"], r["key"]))
    if by in ("channel", "purpose"):
        order = [c.value for c in (Channel if by == "channel" else Purpose)]
        rows.sort(key=lambda r: order.index(r["key"]) if r["key"] in order else 99)
    # every row is counted under exactly one key (unassigned ones under "-"): the total is their sum
    total = _finish({k: sum(r[k] for r in rows) for k in ZERO}) if with_total else None
    return {"by": by, "level": level if by in ("category", "region") else None, "period": period,
            "rows": rows, "total": total}


def months_of(period: Period) -> list[Period]:
    """The calendar months of a period, cut to it (first and last may be partial)."""
    out, first = [], period.date_from.replace(day=1)
    while first <= period.date_to:
        nxt = add_months(first, 1)
        out.append(Period(max(first, period.date_from), min(nxt - dt.timedelta(days=1), period.date_to)))
        first = nxt
    return out


def _by_month(petitions, matters, period: Period, threshold: int) -> tuple[list, list]:
    """One aggregate per month and table, each a range of the ``received_at`` index: grouping by a
    truncated local date would convert every row's time zone (on SQLite in Python, row by row)."""
    p_rows, m_rows = [], []
    for month in months_of(period):
        rng = Q(received_at__gte=month.start, received_at__lt=month.end)
        p_rows.append({"k": month.date_from, **petitions.filter(rng).aggregate(**_petition_aggregates(threshold))})
        m_rows.append({"k": month.date_from, **matters.filter(rng).aggregate(**MATTER_AGGREGATES)})
    return p_rows, m_rows


def _keys(by: str, level: int):
    """(raw group value → row key, row key → label) for a dimension."""
    if by in ("category", "region"):
        tree = Tree.categories() if by == "category" else Tree.regions()
        codes = {node[0]: pk for pk, node in tree.nodes.items()}
        return (lambda v: tree.key(tree.ancestor(v, level))), (lambda k: tree.label(codes.get(k)))
    if by == "unit":
        units = {pk: (code, name) for pk, code, name in Unit.objects.values_list("pk", "code", "name")}
        names = dict(units.values())
        return (lambda v: units[v][0] if v in units else UNASSIGNED), (lambda k: names.get(k, "（尚未交转）"))
    if by == "month":
        return _month_key, (lambda k: f"{int(k[:4])}年{int(k[5:])}月")
    choices = dict((Channel if by == "channel" else Purpose).choices)
    return (lambda v: v or UNASSIGNED), (lambda k: str(choices.get(k, k)))


# ---- drill-down ------------------------------------------------------------------------------


def key_filter(by: str, key: str, *, prefix: str = "") -> Q:
    """Rows of one key of a dimension (``prefix`` = "matter__" for petitions)."""
    check_dimension(by)
    own = "" if by == "channel" else prefix  # the channel of a petition is its own
    if by == "channel":
        return Q(**{"channel": key})
    if by == "purpose":
        return Q(**{f"{own}purpose": key})
    if by in ("category", "region"):
        tree = Tree.categories() if by == "category" else Tree.regions()
        if key == UNASSIGNED:
            return Q(pk__in=[])
        ids = tree.descendants(key)
        if not ids:
            raise InvalidInput(f"代码“{key[:20]}”不存在。", fields={"key": "代码不存在"})
        return Q(**{f"{own}{by}_id__in": ids})
    if by == "unit":
        if key == UNASSIGNED:
            return Q(**{f"{own}handling_unit__isnull": True})
        return Q(**{f"{own}handling_unit__code": key})
    try:
        first = dt.date(int(key[:4]), int(key[5:7]), 1)
    except ValueError:
        raise InvalidInput("月份应写作 YYYY-MM。", fields={"key": "月份格式 YYYY-MM"}) from None
    return Q(received_at__gte=moment(first), received_at__lt=moment(add_months(first, 1)))


def drill(user, period: Period, measure: str, filters=()) -> QuerySet:
    """The petitions (or matters) counted in one figure: ``measure`` over the period, optionally
    in one cell of a table: ``filters`` is a list of (dimension, key), e.g. [("category", "010000"),
    ("region", "139999100000")] for a cell of the heat map."""
    if measure not in MEASURE_LABELS:
        raise InvalidInput("指标 measure 无效。", fields={"measure": f"可选：{'、'.join(MEASURE_LABELS)}"})
    if measure in MATTER_MEASURES:
        qs = matter_rows(user, period).filter(measure_filter(measure))
        for by, key in filters:
            qs = qs.filter(key_filter(by, key))
        return qs.select_related("category", "region", "handling_unit").order_by("received_at", "pk")
    qs = petition_rows(user, period).filter(measure_filter(measure))
    for by, key in filters:
        qs = qs.filter(key_filter(by, key, prefix="matter__"))
    return qs.select_related("matter", "matter__category", "matter__region", "matter__handling_unit").order_by("received_at", "pk")


# ---- shares, comparisons, backlog ------------------------------------------------------------


def share(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def change(now: int, before: int) -> float | None:
    return round((now - before) / before, 4) if before else None
