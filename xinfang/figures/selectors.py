"""Reads of the figures pages: the 形势研判 dashboard and the leaders' home card."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count

from xinfang.supervision import rates
from xinfang.workdays.models import current_rules

from .alerts import alerts
from .models import AssessmentScheme, Report
from .periods import Period, add_months
from .report_figures import trend_period
from .summary import headline
from .volume import Tree, petition_rows, volume

TOP = 10


def heat_and_tops(user, period: Period) -> dict:
    """One grouped query (category × region of the petitions) rolled up three ways: the heat map
    (category level 1 × town), the top issues (category level 2) and the top places (villages)."""
    rows = petition_rows(user, period).values("matter__category_id", "matter__region_id").annotate(n=Count("pk"))
    cats, regions = Tree.categories(), Tree.regions()
    heat: dict[tuple[str, str], int] = defaultdict(int)
    issues: dict[str, int] = defaultdict(int)
    places: dict[str, int] = defaultdict(int)
    for r in rows:
        c, g, n = r["matter__category_id"], r["matter__region_id"], r["n"]
        heat[(cats.key(cats.ancestor(c, 1)), regions.key(regions.ancestor(g, 1)))] += n
        issues[cats.key(cats.ancestor(c, 2))] += n
        places[regions.key(regions.ancestor(g, 2))] += n
    by_code_c = {node[0]: (pk, node) for pk, node in cats.nodes.items()}
    by_code_r = {node[0]: (pk, node) for pk, node in regions.nodes.items()}
    cat_keys = sorted({k[0] for k in heat}, key=lambda k: (-sum(v for (c, _), v in heat.items() if c == k), k))
    town_keys = sorted({k[1] for k in heat}, key=lambda k: (-sum(v for (_, t), v in heat.items() if t == k), k))

    def name(table, key):
        return table[key][1][1] if key in table else "（未填）"

    def parent_name(key):
        if key not in by_code_r:
            return ""
        parent = by_code_r[key][1][3]
        return regions.nodes[parent][1] if parent in regions.nodes and regions.nodes[parent][2] == 2 else ""

    return {
        "categories": [{"key": k, "label": name(by_code_c, k)} for k in cat_keys],
        "towns": [{"key": k, "label": name(by_code_r, k)} for k in town_keys],
        "cells": [[town_keys.index(t), cat_keys.index(c), n] for (c, t), n in heat.items()],
        "max": max(heat.values(), default=0),
        "issues": [{"key": k, "label": name(by_code_c, k), "petitions": n}
                   for k, n in sorted(issues.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]],
        "places": [{"key": k, "label": name(by_code_r, k), "town": parent_name(k), "petitions": n}
                   for k, n in sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]],
    }


def dashboard(user, period: Period) -> dict:
    trend = volume(user, trend_period(period), "month", with_total=False)
    months = []
    by_key = {r["key"]: r for r in trend["rows"]}
    start = trend_period(period).date_from
    for i in range(12):
        key = f"{add_months(start, i):%Y-%m}"
        r = by_key.get(key, {})
        months.append({"key": key, "petitions": r.get("petitions", 0), "matters": r.get("matters", 0),
                       "visits": r.get("visits", 0), "visit_persons": r.get("visit_persons", 0),
                       "collective": r.get("collective", 0)})
    heat = heat_and_tops(user, period)
    return {"headline": headline(user, period), "heat": heat, "trend": months, "alerts": alerts(user, period.date_to),
            "chart": {"trend": months, "heat": {k: heat[k] for k in ("categories", "towns", "cells", "max")}},
            "query": f"from={period.date_from}&to={period.date_to}"}


def home_card(user, today: dt.date) -> dict:
    """The leaders' home page (issue 13 §6): this year to date as the 形势研判 page shows it (against
    last year and the previous period, warnings, trend, heat map, top issues and places), the 三率
    of the year, this year's assessment schemes and the latest reports."""
    period = Period(today.replace(month=1, day=1), today)
    scope = rates.Scope(date_from=period.date_from, date_to=period.date_to, today=today)
    figures = rates.rates(user, scope)
    return {**dashboard(user, period), "period": period,
            "rates": [(key, rates.MEASURE_LABELS[key], figures[key]) for key in rates.MEASURES if key in figures],
            "min_sample": current_rules().ranking_min_sample,
            "schemes": list(AssessmentScheme.objects.filter(year=today.year).order_by("-published_at", "-id")[:3]),
            "reports": list(Report.objects.select_related("document").order_by("-updated_at", "-id")[:5])}
