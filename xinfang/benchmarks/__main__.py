"""Benchmarks at scale: ``python -m xinfang.benchmarks --matters 1000000`` (see docs/benchmarks.md).

Runs against a SEPARATE database: ``--database-url`` or ``DATABASE_URL``; by default a scratch
SQLite file ``var/bench/bench-<matters>.sqlite3``. The database name must contain "bench" (so a
production ``DATABASE_URL`` in the environment is never written to). A PostgreSQL database that
does not exist yet is created. The bulk data is benchmark data only (see bulk.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m xinfang.benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("count", nargs="?", type=int, help="same as --matters (for `./run bench 1000000`)")
    p.add_argument("--matters", type=int, default=100_000, help="number of matters to generate (default 100000)")
    p.add_argument("--database-url", default="", help="target database (default: DATABASE_URL, else a SQLite file)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per case (median reported; default 5)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--generate-only", action="store_true", help="generate the data, do not measure")
    p.add_argument("--with-proposed-indexes", action="store_true",
                   help="create the indexes proposed in docs/benchmarks.md in this benchmark database first")
    p.add_argument("--copy-from", default="", help="fill an empty PostgreSQL target from this generated SQLite file")
    p.add_argument("--output", default="", help="write results as JSON here (default var/bench/results-<db>-<n>.json)")
    args = p.parse_args(argv)
    if args.count:
        args.matters = args.count
    return args


def target_url(args) -> str:
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not url:
        path = ROOT / "var" / "bench" / f"bench-{args.matters}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    name = urlparse(url).path.rsplit("/", 1)[-1]
    if "bench" not in name:
        sys.exit(f"拒绝运行：基准测试数据库名称必须包含“bench”（当前为 {name!r}），以免写入生产数据库。")
    return url


def ensure_postgres_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "system": platform.platform(), "load": os.getloadavg()}


def main(argv=None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    url = target_url(args)
    ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    os.environ.setdefault("XINFANG_AXES_ENABLED", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from xinfang.matters.models import Matter

    from .setup import prepare

    say = lambda *a: print(*a, flush=True)  # noqa: E731
    say(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    existing = Matter.objects.count()
    generation = None
    if existing == 0 and args.copy_from:
        from xinfang.org.models import Unit

        from .copy import copy_from_sqlite

        if Unit.objects.exists():
            sys.exit("目标数据库不是空的（已有单位），不能复制。")
        say(f"从 {args.copy_from} 复制基准数据 …")
        generation = copy_from_sqlite(args.copy_from, progress=lambda n, s: say(f"  {n} 行（{s:.0f} 秒）"))
        say(f"  完成：{generation}")
        if Matter.objects.count() != args.matters:
            sys.exit(f"复制后有 {Matter.objects.count()} 件事项，与 --matters {args.matters} 不符。")
    elif existing == 0:
        say(f"生成基准数据：{args.matters} 件信访事项 …")
        generation = prepare(matters=args.matters, seed=args.seed,
                             progress=lambda n, s: say(f"  {n} 件（{s:.0f} 秒）" if n >= 0 else f"  重建索引（{s:.0f} 秒）"))
        say(f"  完成：{generation}")
    elif existing != args.matters:
        sys.exit(f"数据库中已有 {existing} 件事项，与 --matters {args.matters} 不符；请换一个数据库或删除它。")
    else:
        say(f"沿用已有的 {existing} 件基准数据。")
    if args.generate_only:
        return
    from .measure import run
    from .report import table

    if args.with_proposed_indexes:
        from .proposed import create_proposed_indexes

        say("创建建议的索引：" + "，".join(create_proposed_indexes()))

    started = time.perf_counter()
    results = run(runs=args.runs)
    say(table(results))
    out = Path(args.output or ROOT / "var" / "bench" / f"results-{connection.vendor}-{args.matters}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "matters": args.matters, "database": connection.vendor, "machine": machine(), "generation": generation,
        "measured_in_s": round(time.perf_counter() - started, 1),
        "results": [r.__dict__ for r in results],
    }, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    say(f"结果已写入 {out}")


if __name__ == "__main__":
    main()
