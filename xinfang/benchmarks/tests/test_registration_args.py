"""The registration benchmark's command line and result summary (no server, no helpdesk install)."""

from xinfang.benchmarks.helpdesk_peer import ticket
from xinfang.benchmarks.registration import CpuMeter, parse_args, summarize


def test_defaults_run_every_target_interleaved():
    args = parse_args([])
    assert (args.with_helpdesk, args.with_raw, args.passes, args.workers) == (True, True, 2, 2)
    assert args.concurrency == "1,4" and args.helpdesk_version == "2.6.1"
    assert args.fill == 30.0  # unmeasured load on each target's new database before its first pass
    assert "bench" in args.helpdesk_database_url and "bench" in args.database_url
    off = parse_args(["--no-helpdesk", "--no-raw", "--passes", "1"])
    assert (off.with_helpdesk, off.with_raw, off.passes) == (False, False, 1)


def _run(target, c, rate, p50, p95, run_pass=1, cpu=(None, None)):
    return {"target": target, "concurrency": c, "per_second": rate, "p50_ms": p50, "p95_ms": p95, "errors": 0,
            "lock_wait_share": 0.0, "load_before": [1.0, 1.0, 1.0], "run_pass": run_pass,
            "app_cpu_ms": cpu[0], "db_cpu_ms": cpu[1]}


def test_summary_averages_passes_and_gives_the_issue_ratios():
    runs = [_run("current", 1, 10, 90, 120), _run("current", 4, 16, 200, 260, cpu=(9.0, 3.0)),
            _run("current", 1, 14, 70, 100, 2), _run("current", 4, 24, 150, 200, 2, cpu=(11.0, 2.0)),
            _run("helpdesk", 1, 8, 110, 150), _run("helpdesk", 4, 10, 350, 450)]
    raw = [_run("raw psycopg", 4, 80, 40, 100)]
    s = summarize(runs, raw)
    assert s["levels"]["current"]["4"] == {"per_second": 20.0, "p50_ms": 175.0, "p95_ms": 230.0,
                                           "lock_wait_share": 0.0, "errors": 0, "passes": 2,
                                           "load_before": [1.0, 1.0], "app_cpu_ms": 10.0, "db_cpu_ms": 2.5}
    assert s["ratios"]["xinfang_vs_helpdesk_c4"] == 2.0
    assert s["ratios"]["xinfang_vs_helpdesk_c1"] == 1.5
    assert s["ratios"]["xinfang_share_of_raw_c4"] == 0.25
    assert s["ratios"]["current_c4_over_c1"] == round(20 / 12, 2)


def test_cpu_per_registration_is_the_server_group_s_and_the_backends_over_the_window():
    import os
    import time

    from xinfang.benchmarks.registration import LockSampler, _cpu_ticks

    sampler = LockSampler.__new__(LockSampler)  # its readings, without a database
    sampler.first_ticks, sampler.last_ticks = {}, {}
    meter = CpuMeter(os.getpgid(0), sampler)  # this test's own process group stands for gunicorn's
    assert os.getpid() in meter.app
    started = time.process_time()
    while time.process_time() - started < 0.2:  # 200 ms of CPU
        sum(range(1000))
    used = meter.per_registration(10)
    assert used["app_cpu_ms"] >= 10 and "db_cpu_ms" not in used  # (with the group's other processes: xdist)
    # Backends: from each one's first reading to its last, one replaced in between included.
    sampler.first_ticks, sampler.last_ticks = {11: 100, 12: 40, 13: 5}, {11: 160, 12: 70, 13: 5}
    assert meter.per_registration(10)["db_cpu_ms"] == round(90 * 1000 / os.sysconf("SC_CLK_TCK") / 10, 2)
    assert meter.per_registration(0) == {} and CpuMeter(None, sampler).per_registration(5) == {}
    assert os.getpid() in _cpu_ticks([os.getpid()]) and _cpu_ticks([os.getpid()], command="postgres") == {}


def test_helpdesk_ticket_is_the_same_size_as_the_petition():
    body = ticket({"queue": 3}, 7)
    assert body["queue"] == 3 and "第7号" in body["title"] and len(body["description"]) > 60


def test_a_level_with_errors_only_has_no_latency():
    runs = [_run("current", 4, 20, 150, 200), {**_run("raw psycopg", 4, 0.0, None, None), "errors": 9}]
    s = summarize(runs[:1], runs[1:])
    assert s["levels"]["raw psycopg"]["4"]["p50_ms"] is None and s["levels"]["raw psycopg"]["4"]["errors"] == 9


def test_the_raw_floor_writes_a_registration_again(county):
    """The floor copies the newest registration's rows (``SELECT *``): PostgreSQL's generated column
    (matters' search_bigrams) and the units its triggers keep (unit_ids) are left to PostgreSQL."""
    import random

    import pytest
    from django.db import connection

    from xinfang.benchmarks import raw_rows
    from xinfang.matters.models import Matter
    from xinfang.testing.factories import register

    if connection.vendor != "postgresql":
        pytest.skip("the raw floor writes with psycopg to PostgreSQL")
    register(county)
    connection.ensure_connection()
    before = Matter.objects.count()
    raw_rows.register_once(connection.connection, raw_rows.template(connection.connection), 4242, random.Random(1))
    assert Matter.objects.count() == before + 1
