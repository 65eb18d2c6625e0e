"""Measure the daily deadline engine on a large generated county (docs/supervision.md "Cost").

    XINFANG_VAR_DIR=/tmp/bench python -m xinfang.supervision.bench --matters 1000000
    DATABASE_URL=postgres://.../bench python -m xinfang.supervision.bench --matters 1000000

Needs an empty database (it migrates it). Rows are written with bulk inserts, not through the
services: this measures the engine, not registration. The shape: three years of matters, 95 %
closed long ago with every clock finished, 5 % open within the last four months with running
clocks (dispose, accept, handle, evaluation windows, review windows), like a real county where
most of the history is settled. Then it times:

1. the first run for yesterday (catch-up: every overdue clock of the open matters is marked,
   its 催办 issued, lapsed windows closed through the workflow),
2. the daily run for today (what cron does every day),
3. the same run again (idempotent: nothing to do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    import django

    django.setup()


def _adapter(field, vendor: str):
    """How one column's Python value goes to the driver (done once per column, not per value)."""
    from django.db import models

    if vendor == "sqlite" and isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else v.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if vendor == "sqlite" and isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    return lambda v: v


def _insert(model, rows: list[dict]) -> None:
    """Insert plain dict rows with one prepared statement (executemany), defaults filled per column."""
    from django.db import connection
    from django.utils import timezone

    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    defaults = {f.attname: now if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) else f.get_default()
                for f in fields}
    adapters = [_adapter(f, connection.vendor) for f in fields]
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    data = [tuple(a(r.get(n, defaults[n])) for a, n in zip(adapters, names, strict=True)) for r in rows]
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})", data)


def generate(total: int, *, seed: int = 5, chunk: int = 10000, open_share: float = 0.05, log=print) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from xinfang.matters.models import Deadline, Event, Matter
    from xinfang.matters.services import numbering
    from xinfang.org.models import User
    from xinfang.testing.factories import make_county

    User.set_password = lambda self, raw: setattr(self, "password", "!")  # no 11 slow hashes for a benchmark
    c = make_county()
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    units = [c.town.pk, c.other_town.pk, c.department.pk]
    bureau = c.bureau.pk

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

    def clock(mid, kind, start, period, unit, met=None, target="", cancelled=None, lapsed=None):
        return {"matter_id": mid, "kind": kind, "target": target, "unit_id": unit, "start": start, "period": period,
                "due": start + dt.timedelta(days=period), "met_at": met, "cancelled_at": cancelled, "lapsed_on": lapsed,
                "explanation": f"起算 {start} + {period} 日", "rule_version": 1, "period_unit": "days"}

    mid = Matter.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    eid = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    did = Deadline.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    seqs: dict[int, int] = {}
    counts = {"matters": 0, "open": 0, "deadlines": 0, "events": 0}
    started = time.monotonic()
    n_open = int(total * open_share)
    every = max(1, round(1 / open_share))
    for base in range(0, total, chunk):
        matters, deadlines, events = [], [], []
        for i in range(base, min(base + chunk, total)):
            mid += 1
            is_open = i % every == 0 and counts["open"] < n_open
            received = today - dt.timedelta(days=rng.randint(1, 120) if is_open else rng.randint(150, 1095))
            year = received.year
            seqs[year] = seqs.get(year, 0) + 1
            unit = units[i % 3]
            m = {"id": mid, "number": f"XF{year}-{seqs[year]:07d}", "year": year, "seq": seqs[year],
                 "registering_unit_id": bureau, "received_at": at(received), "channel": "letter", "purpose": "request",
                 "handling_class": "claim", "category_id": c.category.pk, "region_id": c.village.pk,
                 "title": f"批量生成事项{i}", "content": "用于性能测试的生成数据。", "handling_unit_id": unit}
            evs = [("register", received)]
            f = received + dt.timedelta(days=rng.randint(1, 14))
            a = f + dt.timedelta(days=rng.randint(1, 17))
            p = a + dt.timedelta(days=rng.randint(20, 75))
            if not is_open:
                closed = p + dt.timedelta(days=31)
                rated = rng.random() < 0.6
                deadlines += [clock(mid, "dispose", received, 15, bureau, met=at(f)),
                              clock(mid, "accept", f, 15, unit, met=at(a)),
                              clock(mid, "handle", a, 60, unit, met=at(p)),
                              clock(mid, "review_request", p, 30, None, cancelled=at(closed), lapsed=closed),
                              clock(mid, "evaluate", p, 30, None, target="unit", met=at(p + dt.timedelta(days=5)) if rated else None,
                                    cancelled=None if rated else at(closed), lapsed=None if rated else closed)]
                m.update(status="closed", close_reason="no_review", closed_at=at(closed))
                evs += [("forward", f), ("accept", a), ("reply", p), ("close", closed)]
            else:
                counts["open"] += 1
                if f >= today:
                    m.update(status="registered", handling_unit_id=None)
                    deadlines.append(clock(mid, "dispose", received, 15, bureau))
                else:
                    deadlines.append(clock(mid, "dispose", received, 15, bureau, met=at(f)))
                    evs.append(("forward", f))
                    if a >= today:
                        m["status"] = "forwarded"
                        deadlines.append(clock(mid, "accept", f, 15, unit))
                    else:
                        evs.append(("accept", a))
                        deadlines.append(clock(mid, "accept", f, 15, unit, met=at(a)))
                        if p >= today or rng.random() < 0.5:
                            m["status"] = "accepted"
                            deadlines.append(clock(mid, "handle", a, 60, unit))
                        else:
                            m.update(status="replied", delivered=True, review_body_id=c.government.pk)
                            evs += [("reply", p), ("deliver", p)]
                            deadlines += [clock(mid, "handle", a, 60, unit, met=at(p)),
                                          clock(mid, "evaluate", p, 30, None, target="unit"),
                                          clock(mid, "review_request", p, 30, None)]
            for seq, (action, day) in enumerate(evs, 1):
                eid += 1
                events.append({"id": eid, "matter_id": mid, "seq": seq, "action": action, "occurred_at": at(day),
                               "recorded_at": at(day), "via": "staff", "params": {}})
            m.update(event_count=len(evs), last_event_at=at(evs[-1][1]))
            matters.append(m)
        for d in deadlines:
            did += 1
            d["id"] = did
        with transaction.atomic():
            _insert(Matter, matters)
            _insert(Deadline, deadlines)
            _insert(Event, events)
        counts["matters"] += len(matters)
        counts["deadlines"] += len(deadlines)
        counts["events"] += len(events)
        if (base // chunk) % 10 == 0:
            log(f"  {counts['matters']:>9,} matters … {time.monotonic() - started:.0f}s")
    for year, value in seqs.items():
        numbering.set_value("matter", year, value)
    _reset_sequences([Matter, Deadline, Event])
    _as_the_services_keep()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _reset_sequences(models) -> None:
    """PostgreSQL: explicit ids leave the sequences behind; move them past the inserted rows."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value)
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return "'" + str(value).replace("'", "''") + "'"


def _insert_select(model, exprs: dict[str, str], where: str = "1") -> str:
    """INSERT INTO <model> SELECT … FROM bench_gen: given expressions, every other column its default."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    cols, values = [], []
    for f in model._meta.concrete_fields:
        if f.attname in exprs:
            sql = exprs[f.attname]
        elif f.primary_key:
            continue
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            sql = _literal(now)
        else:
            sql = _literal(f.get_default())
        cols.append(connection.ops.quote_name(f.column))
        values.append(sql)
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(values)} FROM bench_gen WHERE {where}"


def _as_the_services_keep() -> None:
    """What the services keep on every matter and in the audit chain, for rows written in bulk: the
    matter's next_due (the overdue filter reads it first) and the events' places in the chain (in id
    order, like the demo generator's)."""
    from django.db import connection

    from xinfang.core import audit_chain
    from xinfang.matters.rows import AUTHORITY_KINDS

    kinds = ", ".join(f"'{k}'" for k in AUTHORITY_KINDS)
    with connection.cursor() as cur:
        cur.execute(f"""UPDATE matters_matter SET next_due = (SELECT MIN(d.due) FROM matters_deadline d
                        WHERE d.matter_id = matters_matter.id AND d.kind IN ({kinds})
                          AND d.met_at IS NULL AND d.cancelled_at IS NULL)
                        WHERE status <> 'closed'""")
    audit_chain.seal_pending("event")


def generate_sqlite(total: int, *, log=print) -> dict:
    """The same county shape as ``generate`` but produced inside SQLite (recursive CTE, INSERT … SELECT):
    minutes instead of hours for a million matters on a small machine."""
    from django.db import connection, transaction
    from django.utils import timezone

    from xinfang.matters.models import Deadline, Event, Matter
    from xinfang.org.models import User
    from xinfang.testing.factories import make_county

    User.set_password = lambda self, raw: setattr(self, "password", "!")
    c = make_county()
    today = timezone.localdate().isoformat()
    started = time.monotonic()
    t, o, d = c.town.pk, c.other_town.pk, c.department.pk
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_gen")
        # i: 1..N; every 20th matter is open (received within 120 days), the rest closed (150–1095 days ago).
        cur.execute(f"""
            CREATE TEMP TABLE bench_gen AS
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(total)}),
                 h(i, h) AS (SELECT i, (i * 2654435761) % 4294967291 FROM n)
            SELECT i, (i % 20 = 0) AS is_open,
                   CASE i % 3 WHEN 0 THEN {t} WHEN 1 THEN {o} ELSE {d} END AS unit,
                   date('{today}', '-' || CASE WHEN i % 20 = 0 THEN 1 + (h / 13) % 120
                                               ELSE 150 + (h / 17) % 946 END || ' days') AS r,
                   1 + (h / 7) % 14 AS df, 1 + (h / 101) % 17 AS da, 20 + (h / 1009) % 56 AS dp
            FROM h""")
        cur.execute("ALTER TABLE bench_gen ADD COLUMN f TEXT")
        cur.execute("ALTER TABLE bench_gen ADD COLUMN a TEXT")
        cur.execute("ALTER TABLE bench_gen ADD COLUMN p TEXT")
        cur.execute("ALTER TABLE bench_gen ADD COLUMN st TEXT")
        cur.execute("UPDATE bench_gen SET f = date(r, '+' || df || ' days')")
        cur.execute("UPDATE bench_gen SET a = date(f, '+' || da || ' days')")
        cur.execute("UPDATE bench_gen SET p = date(a, '+' || dp || ' days')")
        cur.execute(f"""UPDATE bench_gen SET st = CASE
            WHEN NOT is_open THEN 'closed'
            WHEN f >= '{today}' THEN 'registered'
            WHEN a >= '{today}' THEN 'forwarded'
            WHEN p >= '{today}' OR i % 40 = 0 THEN 'accepted'
            ELSE 'replied' END""")
        log(f"  plan ready … {time.monotonic() - started:.0f}s")

        def ts(col, plus="0"):
            return f"datetime({col}, '+{plus} days', '+2 hours')"  # 10:00 Asia/Shanghai = 02:00 UTC

        closed_at = ts("p", "31")
        cur.execute(_insert_select(Matter, {
            "id": "i", "number": "'XF' || substr(r, 1, 4) || '-' || printf('%07d', i)", "year": "CAST(substr(r, 1, 4) AS INTEGER)",
            "seq": "i", "status": "st", "close_reason": "CASE st WHEN 'closed' THEN 'no_review' ELSE '' END",
            "closed_at": f"CASE st WHEN 'closed' THEN {closed_at} END", "registering_unit_id": str(c.bureau.pk),
            "handling_unit_id": "CASE st WHEN 'registered' THEN NULL ELSE unit END",
            "review_body_id": f"CASE st WHEN 'replied' THEN {c.government.pk} END", "received_at": ts("r"),
            "channel": "'letter'", "purpose": "'request'", "handling_class": "'claim'", "category_id": str(c.category.pk),
            "region_id": str(c.village.pk), "title": "'批量生成事项' || i", "content": "'用于性能测试的生成数据。'",
            "delivered": "st = 'replied'",
            "event_count": "CASE st WHEN 'closed' THEN 5 WHEN 'registered' THEN 1 WHEN 'forwarded' THEN 2 WHEN 'accepted' THEN 3 ELSE 5 END",
            "last_event_at": f"CASE st WHEN 'closed' THEN {closed_at} WHEN 'registered' THEN {ts('r')} WHEN 'forwarded' THEN {ts('f')} "
                             f"WHEN 'accepted' THEN {ts('a')} ELSE {ts('p')} END",
        }))
        log(f"  matters … {time.monotonic() - started:.0f}s")

        def clock(kind, start, period, unit, where, met="NULL", cancelled="NULL", lapsed="NULL", target="''"):
            cur.execute(_insert_select(Deadline, {
                "matter_id": "i", "kind": f"'{kind}'", "target": target, "unit_id": unit, "start": start,
                "period": str(period), "due": f"date({start}, '+{period} days')", "met_at": met,
                "cancelled_at": cancelled, "lapsed_on": lapsed, "explanation": f"'起算 ' || {start} || ' + {period} 日'",
                "rule_version": "1", "period_unit": "'days'"}, where))

        bureau = str(c.bureau.pk)
        clock("dispose", "r", 15, bureau, "st != 'registered'", met=ts("f"))
        clock("dispose", "r", 15, bureau, "st = 'registered'")
        clock("accept", "f", 15, "unit", "st IN ('closed', 'accepted', 'replied')", met=ts("a"))
        clock("accept", "f", 15, "unit", "st = 'forwarded'")
        clock("handle", "a", 60, "unit", "st IN ('closed', 'replied')", met=ts("p"))
        clock("handle", "a", 60, "unit", "st = 'accepted'")
        clock("review_request", "p", 30, "NULL", "st = 'closed'", cancelled=closed_at, lapsed="date(p, '+31 days')")
        clock("review_request", "p", 30, "NULL", "st = 'replied'")
        clock("evaluate", "p", 30, "NULL", "st = 'closed' AND i % 5 < 3", met=ts("p", "5"), target="'unit'")
        clock("evaluate", "p", 30, "NULL", "st = 'closed' AND i % 5 >= 3", cancelled=closed_at, lapsed="date(p, '+31 days')",
              target="'unit'")
        clock("evaluate", "p", 30, "NULL", "st = 'replied'", target="'unit'")
        log(f"  deadlines … {time.monotonic() - started:.0f}s")

        def event(seq, action, day, where):
            cur.execute(_insert_select(Event, {
                "matter_id": "i", "seq": str(seq), "action": f"'{action}'", "occurred_at": day, "recorded_at": day,
                "via": "'staff'", "params": "'{}'"}, where))

        event(1, "register", ts("r"), "1")
        event(2, "forward", ts("f"), "st != 'registered'")
        event(3, "accept", ts("a"), "st IN ('closed', 'accepted', 'replied')")
        event(4, "reply", ts("p"), "st IN ('closed', 'replied')")
        event(5, "close", closed_at, "st = 'closed'")
        event(5, "deliver", ts("p"), "st = 'replied'")
        cur.execute("DROP TABLE bench_gen")
    log(f"  events … {time.monotonic() - started:.0f}s")
    _as_the_services_keep()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"matters": Matter.objects.count(), "open": Matter.objects.exclude(status="closed").count(),
            "deadlines": Deadline.objects.count(), "events": Event.objects.count(),
            "seconds": round(time.monotonic() - started, 1)}


def timed_run(day: dt.date) -> dict:
    from xinfang.supervision.engine import run

    started = time.monotonic()
    result = run(day, via="bench")
    return {"day": day.isoformat(), "status": result.status, "seconds": round(time.monotonic() - started, 2),
            "counts": result.counts}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Generate a large county and time the deadline engine.")
    parser.add_argument("--matters", type=int, default=100000)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the data already in the database")
    args = parser.parse_args(argv)
    _setup()
    import logging

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from xinfang.matters.models import Matter

    logging.getLogger("xinfang.notifications").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    report = {"database": connection.vendor}
    if not args.skip_generate:
        if Matter.objects.exists():
            print("数据库中已有信访事项；请使用空数据库（或 --skip-generate）。", file=sys.stderr)
            return 2
        print(f"generating {args.matters:,} matters ({connection.vendor})")
        if connection.vendor == "sqlite":
            report["generate"] = generate_sqlite(args.matters)
        else:
            report["generate"] = generate(args.matters)
    today = timezone.localdate()
    for label, day in (("first_run_catch_up", today - dt.timedelta(days=1)), ("daily_run", today), ("repeat_run", today)):
        report[label] = timed_run(day)
        print(label, json.dumps(report[label], ensure_ascii=False))
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
