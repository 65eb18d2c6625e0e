"""Registration throughput through the production server (issue 14):
``./run bench register [--seconds 20] [--workers 2] [--passes 2]``.

Starts the app under gunicorn (``--workers`` sync workers) on a separate PostgreSQL database
(name must contain "bench"), registers petitions through ``POST /api/v1/matters/`` with token
authentication at concurrency 1 and 4 for a fixed time each, and reports requests/s, p50/p95,
the statements of one registration, the share of sampled database backends waiting on a lock,
and how long the document renderer needed to catch up afterwards. Interleaved with it in the same
run (``--passes`` rounds of xinfang, its peer, the raw floor): django-helpdesk's ticket creation
through its API under the same gunicorn settings (``helpdesk_peer.py``, its own venv and database
under ``var/``; ``--no-helpdesk`` to skip), and the same rows written by raw psycopg, one
transaction per registration (``raw_rows.py``; ``--no-raw`` to skip). Before its first pass each
target's new database gets ``--fill`` seconds of unmeasured load. Loopback only; every load loop
stops after its fixed time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xinfang_bench_reg"


def parse_args(argv):
    p = argparse.ArgumentParser(prog="./run bench register", description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--seconds", type=float, default=20.0, help="measured time per concurrency level")
    p.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds before each level")
    p.add_argument("--fill", type=float, default=30.0,
                   help="unmeasured seconds of load at concurrency 4 (after the --warmup seconds) before a target's "
                        "first pass (a new database); 0 for none")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    p.add_argument("--concurrency", default="1,4", help="comma-separated client concurrency levels")
    p.add_argument("--port", type=int, default=int(os.environ.get("XINFANG_BENCH_PORT", "8105")))
    p.add_argument("--rendering", default="celery", choices=["celery", "thread", "pending"],
                   help="who runs the after-commit work during the run (celery: a worker at idle CPU priority; "
                        "pending: nobody, render_documents afterwards)")
    p.add_argument("--redis-url", default=os.environ.get("XINFANG_BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"))
    p.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)  # on by default now; kept for old commands
    p.add_argument("--no-raw", dest="with_raw", action="store_false",
                   help="skip the raw psycopg floor (the same rows, one transaction per registration)")
    p.add_argument("--no-helpdesk", dest="with_helpdesk", action="store_false",
                   help="skip the django-helpdesk peer (installed into var/bench/helpdesk-venv on first use)")
    p.add_argument("--helpdesk-version", default="2.6.1")
    p.add_argument("--helpdesk-database-url", default="postgres://postgres@127.0.0.1:5432/helpdesk_bench")
    p.add_argument("--no-catch-up", dest="catch_up", action="store_false",
                   help="leave the documents the run left pending (render them later: manage.py render_documents)")
    p.add_argument("--passes", type=int, default=2, help="interleaved rounds of every target (default 2)")
    p.add_argument("--baseline-root", default="",
                   help="an older checkout (git archive <commit> | tar -x -C DIR) measured the same way, interleaved")
    p.add_argument("--baseline-database-url", default=DEFAULT_URL + "_base")
    p.add_argument("--prepare-json", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--output", default=str(ROOT / "var" / "bench" / "results-registration.json"))
    return p.parse_args(argv)


# ---- setup (in this process, through Django) ---------------------------------------------------


def prepare(url: str) -> dict:
    from . import __main__ as bench_main

    name = urlparse(url).path.rsplit("/", 1)[-1]
    if "bench" not in name:
        sys.exit(f"拒绝运行：基准测试数据库名称必须包含“bench”（当前为 {name!r}）。")
    bench_main.ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    os.environ.setdefault("XINFANG_AXES_ENABLED", "0")
    import django

    django.setup()
    from django.core.management import call_command

    from xinfang.org.data.loader import load_reference
    from xinfang.org.models import Category, Region, Unit, User

    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        load_reference()
    bureau = Unit.objects.get(code="XFJ")
    user, _ = User.objects.get_or_create(username="bench_registrar", defaults={"unit": bureau, "roles": ["registrar"]})
    from django.apps import apps

    if apps.is_installed("xinfang.tokens"):
        from xinfang.tokens.services import issue_token

        key = issue_token(user, label="benchmark")[1]
    else:  # an older checkout (--baseline-root): DRF's plain tokens
        from rest_framework.authtoken.models import Token

        key = Token.objects.get_or_create(user=user)[0].key
    leaves = list(Category.objects.filter(level=3, active=True).values_list("code", flat=True))
    villages = list(Region.objects.filter(level=3).values_list("code", flat=True))
    return {"token": key, "categories": leaves, "regions": villages}


def valid_id(seed: int) -> str:
    from stdnum.cn import ric

    base = f"110105{1970 + seed % 40:04d}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


def petition(ref: dict, n: int) -> dict:
    rnd = random.Random(n)
    return {
        "channel": rnd.choice(["visit", "letter", "phone", "online"]), "purpose": "request",
        "category": rnd.choice(ref["categories"]), "region": rnd.choice(ref["regions"]),
        "title": f"小区物业违规收费问题第{n}号", "content": "反映某小区物业公司违规收取停车费，要求退还多收的费用。" * 3,
        "petitioners": [{"name": "张三", "id_number": valid_id(n * 7919 + os.getpid()), "phone": "13812345678",
                         "address": f"东关村{n}号"}],
    }


def statements_per_registration(ref: dict) -> dict:
    """Statements of one registration request, counted in-process (rendering happens after)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ref['token']}")
    if Path(__file__).with_name("..").resolve().joinpath("documents", "rendering.py").exists():
        deferred = override_settings(XINFANG_AFTER_COMMIT="pending")  # left for render_documents
    else:  # an older checkout renders inside the act: counted with it
        deferred = contextlib.nullcontext()
    with deferred:
        client.post("/api/v1/matters/", petition(ref, 10**9), format="json")  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            r = client.post("/api/v1/matters/", petition(ref, 10**9 + 1), format="json")
    assert r.status_code == 201, r.content
    sql = [q["sql"] for q in ctx.captured_queries]
    return {"statements": len(sql), "writes": sum(s.split()[0] in ("INSERT", "UPDATE", "DELETE") for s in sql),
            "transactions": sum(s.startswith(("BEGIN", "COMMIT")) for s in sql) // 2 or None}


# ---- server ---------------------------------------------------------------------------------


def prepare_in(root: Path, url: str) -> dict:
    """prepare() and the statement count run by the code under ``root`` (its own schema)."""
    env = {**os.environ, "PYTHONPATH": str(root), "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "xinfang.settings"}
    out = subprocess.run([sys.executable, "-m", "xinfang.benchmarks.registration", "--prepare-json", "--database-url", url],
                         cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(args, url: str, root: Path | None = ROOT) -> list[subprocess.Popen]:
    """gunicorn for xinfang under ``root`` (with a Celery worker at idle CPU priority for the after-commit work), or for the helpdesk peer
    when ``root`` is None; returns once the port answers."""
    if root is None:
        from . import helpdesk_peer

        procs = [subprocess.Popen(helpdesk_peer.server_command(args.workers, args.port), cwd=helpdesk_peer.PROJECT,
                                  env=helpdesk_peer.env(url), start_new_session=True)]
        return _wait_for_port(args, procs)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(root), "XINFANG_AXES_ENABLED": "0", "XINFANG_DEBUG": "0",
           "XINFANG_AFTER_COMMIT": args.rendering, "CELERY_BROKER_URL": args.redis_url,
           "XINFANG_NOTIFY_SEND_IMMEDIATELY": os.environ.get("XINFANG_NOTIFY_SEND_IMMEDIATELY", "1")}
    procs = [subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "xinfang.wsgi:application", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "--keep-alive", "30", "--preload"],
        cwd=root, env=env, start_new_session=True)]
    if args.rendering == "celery" and root == ROOT:
        procs.append(subprocess.Popen(
            ["chrt", "--idle", "0", sys.executable, "-m", "celery", "-A", "xinfang", "worker", "--concurrency", "1",
             "--loglevel", "WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=root, env=env, start_new_session=True))
    return _wait_for_port(args, procs)


def _wait_for_port(args, procs: list[subprocess.Popen]) -> list[subprocess.Popen]:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
            return procs
        except OSError:
            time.sleep(0.3)
    stop(procs)
    sys.exit("服务器未能启动。")


def stop(procs) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


# ---- load -----------------------------------------------------------------------------------


class LockSampler(threading.Thread):
    """Samples pg_stat_activity every 20 ms: active backends of the bench database, and those
    waiting on a lock (heavyweight lock: a row or a transaction id); and the CPU time each of
    those backends has used (first and last reading: a connection replaced during the window,
    CONN_MAX_AGE, is counted while it was there)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.db = urlparse(url).path.lstrip("/")
        self.active = self.waiting = self.samples = 0
        self.first_ticks: dict[int, int] = {}
        self.last_ticks: dict[int, int] = {}
        self.stop_flag = threading.Event()

    def run(self):
        q = ("SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE wait_event_type = 'Lock'), "
             "coalesce(array_agg(pid), '{}') FROM pg_stat_activity "
             "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        while not self.stop_flag.is_set():
            active, waiting, pids = self.conn.execute(q, [self.db]).fetchone()
            self.active += active
            self.waiting += waiting
            self.samples += 1
            ticks = _cpu_ticks(pids, command="postgres")  # none if PostgreSQL is not on this machine
            for pid, t in ticks.items():
                self.first_ticks.setdefault(pid, t)
            self.last_ticks.update(ticks)
            time.sleep(0.02)

    def db_ticks(self) -> int:
        """CPU ticks the bench database's backends have used since sampling began."""
        last = dict(self.last_ticks)
        return sum(t - self.first_ticks[pid] for pid, t in last.items())


def _cpu_ticks(pids, command: str = "") -> dict[int, int]:
    """CPU time (user + system, in clock ticks) each of these processes has used (those still there,
    and running ``command`` where one is given)."""
    ticks = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if command and stat.split("(", 1)[1].rsplit(")", 1)[0] != command:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


class CpuMeter:
    """CPU time per registration over the measured window: of the app server (every process of its
    session: gunicorn's workers) and of the PostgreSQL backends serving the bench database (read by
    the ``LockSampler``): where a registration's time goes, and what a change saves there. Linux's
    /proc; requests that failed are counted in the CPU, not in the registrations (the runs have none)."""

    def __init__(self, server_pgid: int | None, sampler: LockSampler):
        self.app = [int(d) for d in os.listdir("/proc") if d.isdigit() and server_pgid and _pgid(int(d)) == server_pgid]
        self.sampler = sampler
        self.start = _cpu_ticks(self.app)

    def per_registration(self, registrations: int) -> dict:
        if not registrations or not self.app:
            return {}
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        end = _cpu_ticks(self.app)
        app = sum(end[pid] - self.start[pid] for pid in self.start.keys() & end.keys())
        used = {"app_cpu_ms": round(app * tick_ms / registrations, 2)}
        if self.sampler.last_ticks:
            used["db_cpu_ms"] = round(self.sampler.db_ticks() * tick_ms / registrations, 2)
        return used


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def xinfang_client(ref: dict) -> dict:
    return {"path": "/api/v1/matters/", "token": ref["token"], "body": lambda n: petition(ref, n)}


def helpdesk_client(ref: dict) -> dict:
    from .helpdesk_peer import ticket

    return {"path": "/api/tickets/", "token": ref["token"], "body": lambda n: ticket(ref, n)}


def run_load(args, ref: dict, concurrency: int, seconds: float, seq_start: int, url: str = "",
             client: dict | None = None, server_pgid: int | None = None) -> dict:
    client = client or xinfang_client(ref)
    body_counter = iter(range(seq_start, seq_start + 10**7))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    measuring = threading.Event()
    stop_at = [float("inf")]

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        headers = {"Authorization": f"Token {client['token']}", "Content-Type": "application/json"}
        while time.perf_counter() < stop_at[0]:
            with lock:
                n = next(body_counter)
            data = json.dumps(client["body"](n), ensure_ascii=False).encode("utf-8")
            started = time.perf_counter()
            try:
                conn.request("POST", client["path"], body=data, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
                status = repr(exc)
            elapsed = time.perf_counter() - started
            if measuring.is_set() and time.perf_counter() < stop_at[0]:
                with lock:
                    (latencies.append(elapsed) if status == 201 else errors.append(str(status)))
        conn.close()

    sampler = LockSampler(url or args.database_url)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    time.sleep(args.warmup)
    if url:  # statistics of the rows the warm-up wrote too: a first pass on an empty database was
        analyze(url)  # otherwise planned for empty tables (half the rate of later passes, session 11)
    stop_at[0] = time.perf_counter() + seconds
    cpu = CpuMeter(server_pgid, sampler)
    measuring.set()
    t0 = time.perf_counter()
    sampler.start()
    while any(t.is_alive() for t in threads) and time.perf_counter() < stop_at[0]:
        time.sleep(0.05)
    cpu_used = cpu.per_registration(len(latencies))  # at the window's end, before the last requests drain
    for t in threads:
        t.join()
    sampler.stop_flag.set()
    sampler.join()
    sampler.conn.close()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    pct = (lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)) if latencies else (lambda q: None)
    return {
        "concurrency": concurrency, "seconds": round(elapsed, 1), "registrations": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
        "mean_ms": round(statistics.mean(latencies) * 1000, 1) if latencies else None,
        "errors": len(errors), "error_samples": errors[:3],
        "lock_wait_share": round(sampler.waiting / sampler.active, 4) if sampler.active else 0.0,
        "backend_samples": sampler.samples, "active_backend_samples": sampler.active, **cpu_used,
    }


def drain_rendering(url: str) -> dict:
    """Documents left pending by the run (the idle-priority worker renders only in idle time and is
    stopped with the server): render them with ``manage.py render_documents`` and time it."""
    import psycopg

    pending = "SELECT count(*) FROM documents_issueddocument WHERE rendered_at IS NULL"
    with psycopg.connect(url, autocommit=True) as conn:
        before = conn.execute(pending).fetchone()[0]
    started = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "xinfang.settings"}
    subprocess.run([sys.executable, "manage.py", "render_documents", "-v0"], cwd=ROOT, env=env, check=False)
    elapsed = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        after = conn.execute(pending).fetchone()[0]
        unsealed = conn.execute("SELECT count(*) FROM matters_event WHERE chain_seq IS NULL").fetchone()[0]
    # What the worker left unsealed (the raw floor's own events carry no valid voucher: never sealed).
    seal = "import django; django.setup(); from xinfang.core import audit_chain; print(audit_chain.seal_vouched('event'))"
    sealed = subprocess.run([sys.executable, "-c", seal], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return {"pending_after_run": before, "pending_now": after, "drain_seconds": round(elapsed, 1),
            "documents_per_second": round((before - after) / elapsed, 1) if elapsed else None,
            "events_unsealed_after_run": unsealed,
            "events_sealed_by_catch_up": int(sealed.stdout.strip().splitlines()[-1]) if sealed.returncode == 0 else None}


def analyze(url: str) -> None:
    """What autovacuum does on a county server as the tables grow: fresh planner statistics. The
    machine this was measured on runs PostgreSQL with autovacuum off (a CI setting); without this the
    growing benchmark database kept the statistics of its first rows and xinfang's duplicate check
    slowed from 2 to 30 ms a registration within a run (session 8)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def settle(url: str) -> None:
    """Before each pass of a target: fresh statistics, and nothing left for PostgreSQL to write out
    (a ``CHECKPOINT``): a database created just before its first pass (the migrations, the
    reference data) is otherwise still being written to disk while that pass is measured."""
    import psycopg

    analyze(url)
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:  # not a superuser (nor pg_checkpoint): skip
            pass


def measure_target(args, label: str, root: Path | None, url: str, ref: dict, levels: list[int], say,
                   run_pass: int = 1) -> list[dict]:
    settle(url)  # every target's database, before each of its passes
    procs = start_server(args, url, root)
    client = helpdesk_client(ref) if root is None else xinfang_client(ref)
    runs = []
    try:
        # Every worker's first requests import views and load the segmentation dictionary.
        if run_pass == 1 and args.fill:
            # A new database: measured from its first rows, xinfang's first c=4 level ran at 3/4 of every
            # later pass, even with fresh statistics and a CHECKPOINT (session 11; not pinned down, most
            # likely the indexes still taking shape). Filled unmeasured, every target alike.
            filled = run_load(args, ref, 4, args.fill, seq_start=_seq_base(8), url=url, client=client)
            say(f"[{label}] 填充：{filled['registrations']} 件")
        warm = run_load(args, ref, 2 * args.workers, 1, seq_start=_seq_base(9), url=url, client=client)
        say(f"[{label}] 预热：{warm['registrations']} 件")
        for c in levels:
            load_before = os.getloadavg()
            r = run_load(args, ref, c, args.seconds, seq_start=_seq_base(c), url=url, client=client,
                         server_pgid=procs[0].pid)
            r.update(target=label, run_pass=run_pass, load_before=[round(x, 2) for x in load_before],
                     load_after=[round(x, 2) for x in os.getloadavg()])
            say(json.dumps(r, ensure_ascii=False))
            runs.append(r)
    finally:
        stop(procs)
    return runs


def _seq_base(k: int) -> int:
    return k * 10**8 + int(time.time() * 1000) % 10**7 * 10


def _median(values) -> float | None:
    """The median of the levels that completed a registration (None when none did: errors only)."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def summarize(runs: list[dict], raw: list[dict]) -> dict:
    """Per target and concurrency over the passes: mean rate, median p50/p95 and lock-wait share;
    then the ratios issue 14 sets targets for (xinfang ÷ helpdesk, xinfang ÷ raw, c=max ÷ c=1)."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for r in runs + raw:
        groups.setdefault((r["target"], r["concurrency"]), []).append(r)
    summary: dict = {"levels": {}}
    for (target, c), rs in sorted(groups.items()):
        summary["levels"].setdefault(target, {})[str(c)] = {
            "per_second": round(statistics.mean(r["per_second"] for r in rs), 1),
            "p50_ms": _median(r["p50_ms"] for r in rs),
            "p95_ms": _median(r["p95_ms"] for r in rs),
            "lock_wait_share": round(statistics.mean(r.get("lock_wait_share", 0.0) for r in rs), 4),
            **{k: _median(r.get(k) for r in rs) for k in ("app_cpu_ms", "db_cpu_ms")},
            "errors": sum(r["errors"] for r in rs), "passes": len(rs),
            "load_before": [r["load_before"][0] for r in rs],
        }
    levels = summary["levels"]
    ratios = {}
    for other, key in (("helpdesk", "xinfang_vs_helpdesk"), ("raw psycopg", "xinfang_share_of_raw")):
        for c, mine in levels.get("current", {}).items():
            theirs = levels.get(other, {}).get(c)
            if theirs and theirs["per_second"]:
                ratios[f"{key}_c{c}"] = round(mine["per_second"] / theirs["per_second"], 3)
    for target, by_c in levels.items():
        cs = sorted(int(c) for c in by_c)
        if len(cs) > 1 and by_c[str(cs[0])]["per_second"]:
            ratios[f"{target}_c{cs[-1]}_over_c{cs[0]}"] = round(
                by_c[str(cs[-1])]["per_second"] / by_c[str(cs[0])]["per_second"], 2)
    summary["ratios"] = ratios
    return summary


def main(argv=None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.prepare_json:
        ref = prepare(args.database_url)
        ref["statements"] = statements_per_registration(ref)
        print(json.dumps(ref, ensure_ascii=False))
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    say = lambda *a: print(*a, flush=True)  # noqa: E731
    from . import __main__ as bench_main

    levels = [int(x) for x in args.concurrency.split(",")]
    targets: list[tuple[str, Path | None, str]] = [("current", ROOT, args.database_url)]
    if args.baseline_root:
        targets.append(("baseline", Path(args.baseline_root).resolve(), args.baseline_database_url))
    refs = {}
    for label, root, url in targets:
        bench_main.ensure_postgres_database(url)
        refs[label] = prepare_in(root, url)
        say(f"[{label}] 每次登记的 SQL 语句：{refs[label]['statements']}")
    if args.with_helpdesk:
        from . import helpdesk_peer

        refs["helpdesk"] = helpdesk_peer.prepare(args.helpdesk_database_url, args.helpdesk_version, say)
        say(f"[helpdesk {refs['helpdesk']['version']}] 每张工单的 SQL 语句：{refs['helpdesk']['statements']}")
        targets.append(("helpdesk", None, args.helpdesk_database_url))
    results = {"machine": bench_main.machine(), "workers": args.workers, "rendering": args.rendering,
               "seconds_per_level": args.seconds, "passes": args.passes,
               "statements": {k: v["statements"] for k, v in refs.items()},
               "helpdesk_version": refs.get("helpdesk", {}).get("version"), "runs": [], "raw": []}
    # Interleaved: every target in turn, --passes times (the load of the shared machine drifts);
    # the raw floor at the end of each pass (its template is the last registration xinfang made).
    for n in range(1, args.passes + 1):
        for label, root, url in targets:
            results["runs"] += measure_target(args, label, root, url, refs[label], levels, say, run_pass=n)
        if args.with_raw:
            from .raw_rows import measure_raw

            for c in levels:
                sampler = LockSampler(args.database_url)
                sampler.start()
                raw = measure_raw(args.database_url, concurrency=c, seconds=args.seconds)
                sampler.stop_flag.set()
                sampler.join()
                sampler.conn.close()
                raw["lock_wait_share"] = round(sampler.waiting / sampler.active, 4) if sampler.active else 0.0
                raw["run_pass"] = n
                say(f"raw psycopg: {json.dumps(raw, ensure_ascii=False)}")
                results["raw"].append(raw)
    if args.catch_up:
        results["rendering_catch_up"] = drain_rendering(args.database_url)
        say(f"文书生成追赶：{results['rendering_catch_up']}")
    results["summary"] = summarize(results["runs"], results["raw"])
    say(json.dumps(results["summary"], ensure_ascii=False, indent=1))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    say(f"结果已写入 {args.output}")


if __name__ == "__main__":
    main()
