"""信访工作简报 (内刊) of a period, on screen: the text, tables and charts the 简报 document would
carry, computed now from the figures (the same ``report_figures.snapshot``, ``texts.write_body`` and
``report_figures.blocks`` that the issued DOCX/PDF use, so screen and paper cannot disagree).

The screen is for reading and printing; "存为简报草稿" makes it a ``Report`` draft (kind
``briefing``) that the bureau edits and issues as the numbered 简 document (DOCX and PDF).
"""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from xinfang.documents.renderers.content import Chart, Table, block_key

from . import report_figures
from .models import Report, ReportKind, ReportState
from .periods import Period, add_months, month_end, parse_period
from .reports import county_name, default_title, period_text, require_read
from .texts import write_body


def default_period(today: dt.date) -> Period:
    """The last whole month (a 简报 is usually of the month just ended)."""
    start = add_months(today.replace(day=1), -1)
    return Period(start, month_end(start))


def parse_briefing_period(params: QueryDict | dict, today: dt.date) -> Period:
    if not (params.get("from") or params.get("to")):
        return default_period(today)
    return parse_period(params, today=today)


def briefing(user, period: Period, today: dt.date) -> dict:
    """Title, paragraphs (text, table or chart, in order), headline and the charts' data."""
    require_read(user)
    data = report_figures.snapshot(user, ReportKind.BRIEFING, period, today)
    blocks = report_figures.blocks(ReportKind.BRIEFING, data)
    items, charts = [], {}
    for line in write_body(ReportKind.BRIEFING, data, period_text(period), county_name()).splitlines():
        key = block_key(line)
        block = blocks.get(key) if key else None
        if isinstance(block, Table):
            items.append({"table": block})
        elif isinstance(block, Chart):
            chart_id = f"brief-chart-{len(charts) + 1}"
            charts[chart_id] = {"kind": block.kind, "labels": block.labels,
                                "series": [{"name": n, "data": list(v)} for n, v in block.series]}
            items.append({"chart": block, "chart_id": chart_id})
        elif line.strip():
            items.append({"text": line})
    return {"title": default_title(ReportKind.BRIEFING, period), "items": items, "charts": charts,
            "alerts": data.get("alerts") or [], "computed_on": data["computed_on"]}


def issued_briefings(limit: int = 24):
    return (Report.objects.filter(kind=ReportKind.BRIEFING, state=ReportState.ISSUED).select_related("document")
            .order_by("-period_to", "-id")[:limit])


def briefing_drafts(limit: int = 10):
    return Report.objects.filter(kind=ReportKind.BRIEFING, state=ReportState.DRAFT).order_by("-updated_at")[:limit]
