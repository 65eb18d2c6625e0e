"""Old and new spellings of the two slow list cases, interleaved on one benchmark database (issue 14).

    python -m xinfang.benchmarks.paths --matters 20000 [--database-url …] [--runs 7]

* a town handler's list (page of 20 + count): ``EXISTS`` over the unit links for every matter
  (before) against the unit's visibility key (``UnitMatter``, index ``(unit, received_at)``);
* the Chinese search ``q``: ``search_text LIKE '%word%'`` (before) against SQLite's FTS5 bigram
  index (PostgreSQL keeps its trigram index for both: the two spellings are the same there).

Each round runs every case once in turn (so both spellings see the same load); the median and
minimum of the rounds are reported with the ratio, the rows (which must agree) and the plans.
Results: ``var/bench/paths-<db>-<n>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--matters", type=int, default=20000)
    p.add_argument("--database-url", default="")
    p.add_argument("--runs", type=int, default=7)
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = _args(sys.argv[1:] if argv is None else argv)
    from . import __main__ as bench

    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / f'bench-{args.matters}.sqlite3'}"
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("拒绝运行：基准测试数据库名称必须包含“bench”。")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    os.environ.setdefault("XINFANG_AXES_ENABLED", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Exists, OuterRef, Q

    from xinfang.matters.choices import OPEN_STATES, HandlingClass
    from xinfang.matters.models import Matter, MatterUnit
    from xinfang.matters.services.search import matter_text_filter, text_filter
    from xinfang.org.models import Unit

    call_command("migrate", verbosity=0)
    if Matter.objects.count() != args.matters:
        sys.exit(f"数据库中有 {Matter.objects.count()} 件事项（应为 {args.matters}）：先运行 python -m xinfang.benchmarks --matters {args.matters}")
    unit = Unit.objects.get(code="T01")

    def old_unit(qs):
        return qs.filter(Exists(MatterUnit.objects.filter(matter=OuterRef("pk"), unit_id=unit.pk))).exclude(
            Q(handling_class=HandlingClass.ACCUSATION, accused_unit_id=unit.pk)).order_by("-received_at", "-id")

    def new_unit(qs):
        return qs.filter(unit_keys__unit_id=unit.pk).exclude(
            Q(handling_class=HandlingClass.ACCUSATION, accused_unit_id=unit.pk)).order_by(
            "-unit_keys__received_at", "-unit_keys__matter_id")

    base = Matter.objects.all()
    cases = {
        "town handler T01: list": (lambda: old_unit(base), lambda: new_unit(base)),
        "town handler T01: status=open": (lambda: old_unit(base.filter(status__in=OPEN_STATES)),
                                          lambda: new_unit(base.filter(status__in=OPEN_STATES))),
        "q=拖欠工资": (lambda: base.filter(text_filter("拖欠工资")).order_by("-received_at", "-id"),
                    lambda: base.filter(matter_text_filter("拖欠工资")).order_by("-received_at", "-id")),
        "q=物业 停车费": (lambda: base.filter(text_filter("物业 停车费")).order_by("-received_at", "-id"),
                      lambda: base.filter(matter_text_filter("物业 停车费")).order_by("-received_at", "-id")),
        "town handler T01, q=拖欠工资": (lambda: old_unit(base.filter(text_filter("拖欠工资"))),
                                    lambda: new_unit(base.filter(matter_text_filter("拖欠工资")))),
    }

    def one(make):
        qs = make()
        t = time.perf_counter()
        page = list(qs.values_list("pk", flat=True)[:20])
        count = qs.count()
        return (time.perf_counter() - t) * 1000, page, count

    def plan(make) -> list[str]:
        qs = make()
        out = []
        for q in (qs.values_list("pk", flat=True)[:20].query, qs.order_by().values("pk").query):
            sql, params = q.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
                out.append(" | ".join(str(r[-1]) for r in cursor.fetchall()))
        return out

    timings = {name: {"before": [], "after": []} for name in cases}
    rows = {}
    for name, (old, new) in cases.items():  # warm-up, and the rows must agree
        _, page_old, count_old = one(old)
        _, page_new, count_new = one(new)
        assert (page_old, count_old) == (page_new, count_new), name
        rows[name] = count_new
    load = os.getloadavg()
    for _ in range(args.runs):
        for name, (old, new) in cases.items():
            timings[name]["before"].append(one(old)[0])
            timings[name]["after"].append(one(new)[0])
    result = {"vendor": connection.vendor, "matters": args.matters, "load_before": load, "load_after": os.getloadavg(),
              "machine": bench.machine(), "cases": {}}
    print(f"{connection.vendor} {args.matters} matters, load {load[0]:.1f} → {os.getloadavg()[0]:.1f}")
    print("| case | rows | before median ms (min) | after median ms (min) | before ÷ after |")
    print("|---|---:|---:|---:|---:|")
    for name, (old, new) in cases.items():
        b, a = timings[name]["before"], timings[name]["after"]
        mb, ma = statistics.median(b), statistics.median(a)
        result["cases"][name] = {"rows": rows[name], "before_ms": b, "after_ms": a, "plan_before": plan(old),
                                 "plan_after": plan(new)}
        print(f"| {name} | {rows[name]} | {mb:.1f} ({min(b):.1f}) | {ma:.1f} ({min(a):.1f}) | {mb / ma:.1f}× |")
    out = ROOT / "var" / "bench" / f"paths-{connection.vendor}-{args.matters}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"→ {out}")


if __name__ == "__main__":
    main()
