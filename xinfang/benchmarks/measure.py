"""Timings of the hot read paths on a large database, with query counts and query plans."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from xinfang.matters.access import visible_matters
from xinfang.matters.choices import OPEN_STATES
from xinfang.matters.models import Deadline, Matter
from xinfang.org.models import User
from xinfang.workdays.rules import AUTHORITY_CLOCKS


@dataclass
class Result:
    name: str
    what: str
    median_ms: float
    min_ms: float
    queries: int
    rows: int | str = ""
    plan: str = ""
    page_paths: list[str] = field(default_factory=list)
    count_paths: list[str] = field(default_factory=list)
    index_used: bool | None = None
    notes: list[str] = field(default_factory=list)


def _time(fn, runs: int) -> tuple[list[float], object]:
    fn()  # warm-up (caches, connection)
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, out


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def access_paths(plan: str) -> list[str]:
    """How the plan reads matters_matter: index search, ordered index scan or full scan."""
    paths = []
    for line in plan.splitlines():
        text = line.strip().lstrip("-|` >").strip()
        parts = text.split(maxsplit=3)
        if len(parts) == 4 and all(p.isdigit() for p in parts[:3]):  # Django's SQLite format: id parent 0 detail
            text = parts[3]
        if connection.vendor == "sqlite":
            if "matters_matter" not in text or not text.startswith(("SEARCH", "SCAN")):
                continue
            if "VIRTUAL TABLE" in text:  # the FTS5 bigram index (matters_matter_fts), not a scan of matters
                paths.append("FTS5 index " + text.split("VIRTUAL TABLE", 1)[-1].strip())
                continue
            if text.startswith("SEARCH"):
                paths.append("index search " + text.split("USING", 1)[-1].strip())
            elif "USING" in text:
                paths.append("ordered scan of " + text.split("USING", 1)[-1].strip().replace("COVERING INDEX ", "").replace("INDEX ", ""))
            else:
                paths.append("FULL SCAN")
        else:
            if "on matters_matter" not in text and "Bitmap Index Scan on matters_" not in text:
                continue
            head = text.split("  (", 1)[0]
            paths.append("FULL SCAN (Seq Scan)" if head.startswith(("Seq Scan", "Parallel Seq Scan")) else head)
    return paths


def explain_sql(sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{r[0]} {r[1]} {r[2]} {r[3]}" for r in rows)
    return "\n".join(r[0] for r in rows)


def explain_request(fn) -> tuple[str, list[str], list[str], bool]:
    """EXPLAIN the page and count queries a request actually ran; does the count avoid a full scan?"""
    with CaptureQueriesContext(connection) as captured:
        fn()
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    count_sql = next((q for q in selects if q.lstrip().upper().startswith("SELECT COUNT(")), "")
    page_sql = next((q for q in selects if "matters_matter" in q and " LIMIT " in q.upper()
                     and " ORDER BY " in q.upper() and not q.lstrip().upper().startswith("SELECT COUNT(")), "")
    page = explain_sql(page_sql) if page_sql else ""
    count = explain_sql(count_sql) if count_sql else ""
    page_paths, count_paths = access_paths(page), access_paths(count)
    full = any(p.startswith(("FULL SCAN", "ordered scan")) for p in count_paths)
    return page + "\n--- count ---\n" + count, page_paths, count_paths, not full


def explain(qs) -> tuple[str, list[str], list[str], bool]:
    """Plan of an ORM query on matters (no pagination)."""
    plan = explain_sql(str_sql(qs))
    paths = access_paths(plan)
    return plan, [], paths, not any(p.startswith(("FULL SCAN", "ordered scan")) for p in paths)


def str_sql(qs) -> str:
    with CaptureQueriesContext(connection) as captured:
        list(qs)
    return captured.captured_queries[-1]["sql"]


def pick_numbers() -> dict[str, str]:
    """A long-lived closed matter (many events) and a recent open one, for the detail endpoint."""
    long_one = Matter.objects.filter(close_reason="rechecked").order_by("-id").values_list("number", flat=True).first()
    open_one = Matter.objects.filter(status="accepted").order_by("-id").values_list("number", flat=True).first()
    return {"closed": long_one or Matter.objects.values_list("number", flat=True).first(),
            "open": open_one or Matter.objects.values_list("number", flat=True).last()}


def list_cases(today) -> list[tuple[str, str, str]]:
    month_ago = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    return [
        ("list", "officer", ""),
        ("list status=accepted", "officer", "status=accepted"),
        ("list status=open", "officer", "status=open"),
        ("list unit=T03", "officer", "unit=T03"),
        ("list overdue=true", "officer", "overdue=true"),
        ("list category=050000 (first level)", "officer", "category=050000"),
        ("list category=050101 (leaf)", "officer", "category=050101"),
        ("list region=town", "officer", "region=139999100000"),
        ("list received last month", "officer", f"received_after={month_ago}&received_before={month_end}"),
        ("list status=open&unit=T01&overdue=true", "officer", "status=open&unit=T01&overdue=true"),
        ("list q=拖欠工资", "officer", "q=拖欠工资"),
        ("list q=物业 停车费 (two words)", "officer", "q=物业 停车费"),
        ("list q=+status=open", "officer", "q=拖欠工资&status=open"),
        ("list q=工资 (a two-character word)", "officer", "q=工资"),
        ("list q=拆迁补偿 (two two-character words)", "officer", "q=拆迁补偿"),
        ("list q=张 (one character)", "officer", "q=张"),
        ("list q=工资&page=50", "officer", "q=工资&page=50"),
        ("list as town handler (T01)", "handler", ""),
        ("list as town handler, status=open", "handler", "status=open"),
        ("list as town handler, sort=due", "handler", "sort=due"),
        ("list as town handler, overdue=true", "handler", "overdue=true"),
        ("list as town handler, q=拖欠工资", "handler", "q=拖欠工资"),
        ("list as town handler, q=工资", "handler", "q=工资"),
        ("list overdue=false", "officer", "overdue=false"),
        ("list as town handler, overdue=false", "handler", "overdue=false"),
        ("list page_size=200", "officer", "page_size=200"),
    ]


def run(*, runs: int = 5) -> list[Result]:
    today = timezone.localdate()
    officer = User.objects.get(username="bench_officer")
    handler = User.objects.get(username="bench_h_T01")
    clients = {}
    for name, user in (("officer", officer), ("handler", handler)):
        client = APIClient()
        client.force_authenticate(user)
        clients[name] = client
    results: list[Result] = []

    for name, who, query in list_cases(today):
        client = clients[who]
        url = "/api/v1/matters/" + (f"?{query}" if query else "")

        def call(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            return response.json()

        times, body = _time(call, runs)
        plan, page_paths, count_paths, used = explain_request(call)
        results.append(Result(name, f"GET {url}", statistics.median(times), min(times), _queries(call),
                              rows=("约" if body.get("count_estimated") else "") + str(body.get("count", "")), plan=plan, page_paths=page_paths, count_paths=count_paths,
                              index_used=used))

    for label, number in pick_numbers().items():
        url = f"/api/v1/matters/{number}/"

        def detail(url=url):
            response = clients["officer"].get(url)
            assert response.status_code == 200, response.content[:300]
            return response.json()

        times, body = _time(detail, runs)
        results.append(Result(f"detail ({label}, {len(body['events'])} events)", f"GET {url}", statistics.median(times),
                              min(times), _queries(detail), rows=1))

    def overdue_by_unit():
        return list(
            visible_matters(officer).filter(status__in=list(OPEN_STATES), next_due__lt=today)
            .values("handling_unit__code").annotate(n=Count("id")).order_by("-n")
        )

    times, rows = _time(overdue_by_unit, runs)
    plan, page_paths, count_paths, used = explain(
        visible_matters(officer).filter(status__in=list(OPEN_STATES), next_due__lt=today)
        .values("handling_unit__code").annotate(n=Count("id")).order_by("-n"))
    results.append(Result("overdue count per unit (matters.next_due)", "ORM: open matters with next_due < today, "
                          "grouped by handling unit", statistics.median(times), min(times), _queries(overdue_by_unit),
                          rows=len(rows), plan=plan, count_paths=count_paths, index_used=used))

    def overdue_deadlines_by_unit():
        return list(
            Deadline.objects.filter(kind__in=[k.value for k in AUTHORITY_CLOCKS], met_at__isnull=True,
                                    cancelled_at__isnull=True, due__lt=today)
            .values("unit__code").annotate(n=Count("id")).order_by("-n")
        )

    times, rows = _time(overdue_deadlines_by_unit, runs)
    qs = Deadline.objects.filter(kind__in=[k.value for k in AUTHORITY_CLOCKS], met_at__isnull=True,
                                 cancelled_at__isnull=True, due__lt=today)
    plan = str(qs.explain())
    results.append(Result("overdue count per unit (running deadlines)", "ORM: running authority deadlines past due, "
                          "grouped by unit", statistics.median(times), min(times), _queries(overdue_deadlines_by_unit),
                          rows=len(rows), plan=plan, index_used=None))
    return results
