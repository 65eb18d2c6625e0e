"""The headline figures of a period with 上期 and 同期 comparisons (dashboard, home pages, reports)."""

from __future__ import annotations

import datetime as dt

from .backlog import backlog_count
from .periods import Period
from .volume import change, share, totals

HEADLINES = [
    # key, label, drill measure
    ("petitions", "信访件", "petitions"),
    ("matters", "信访事项", "matters"),
    ("visits", "来访批次", "visits"),
    ("visit_persons", "来访人次", "visit_persons"),
    ("collective", "集体访批次", "collective"),
    ("collective_persons", "集体访人次", "collective_persons"),
    ("repeats", "重复件", "repeats"),
    ("online", "网上信访件", "online"),
    ("skip_level", "越级事项", "skip_level"),
]


def _shares(t: dict) -> dict:
    return {
        "repeat_share": share(t["repeats"], t["petitions"]),
        "online_share": share(t["online"], t["petitions"]),
        "skip_level_share": share(t["skip_level"], t["matters"]),
        "collective_size": round(t["collective_persons"] / t["collective"], 1) if t["collective"] else None,
    }


def headline(user, period: Period) -> dict:
    """Totals, shares, 积案 at the end and its change over the period, and both comparisons."""
    now = totals(user, period)
    prev = totals(user, period.previous())
    last = totals(user, period.last_year())
    backlog_end = backlog_count(user, period.date_to)
    backlog_start = backlog_count(user, period.date_from - dt.timedelta(days=1))
    rows = []
    for key, label, measure in HEADLINES:
        rows.append({"key": key, "label": label, "measure": measure, "value": now[key],
                     "previous": prev[key], "last_year": last[key],
                     "vs_previous": change(now[key], prev[key]), "vs_last_year": change(now[key], last[key])})
    return {"period": period, "previous": period.previous(), "last_year": period.last_year(), "rows": rows,
            "totals": now, "shares": _shares(now), "shares_last_year": _shares(last),
            "backlog": {"count": backlog_end, "at_start": backlog_start, "change": backlog_end - backlog_start}}
