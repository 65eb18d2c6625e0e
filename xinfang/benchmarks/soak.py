"""Soak: N concurrent staff sessions against the production server command, on PostgreSQL with the
demo county (issue 9). ``./run bench soak [--duration 600] [--sessions 50]``.

Bounded and loopback only: the server is started here (waitress, exactly as ``./run serve``) on
127.0.0.1, the run stops at ``--duration`` seconds or ``--max-requests`` requests, whichever comes
first, and the server is stopped. The database is a separate one whose name must contain "soak"
(default ``postgres://postgres@127.0.0.1:5432/xinfang_soak``); it is created, migrated and loaded
with the demo county when empty.

Each session signs in through the login form and then, with a think time between requests, does
a realistic mix for its role: the home page, matter lists (filters, pages), a matter page, a
search, and acts (registrars and case officers register petitions through the API; case officers
forward them to a unit). Static files are not fetched (a browser has them cached). Every answer
that is not 2xx/3xx, and every timeout or connection error, is an error. Reported: requests,
errors, p50/p95/p99 overall and per kind, and the machine's load average.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "xinfang-demo"  # the demo accounts' password (docs/demo.md)
WORDS = ["征地", "补偿", "工资", "拖欠", "物业", "噪音", "拆迁", "低保", "医保", "学校", "道路", "污水", "养老"]
STATUSES = ["registered", "forwarded", "assigned", "accepted", "replied", "closed"]
MIXES = {
    # kind: weight; "act" is a write (registrars and case officers only)
    "officer": {"home": 15, "list": 25, "matter": 25, "search": 15, "act": 20},
    "registrar": {"home": 25, "list": 20, "matter": 20, "search": 15, "act": 20},
    "reader": {"home": 30, "list": 30, "matter": 25, "search": 15},
}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="./run bench soak", description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=600, help="seconds of load (default 600)")
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--max-requests", type=int, default=200_000, help="stop after this many requests")
    p.add_argument("--think", type=float, default=1.0, help="mean think time between requests, seconds")
    p.add_argument("--port", type=int, default=int(os.environ.get("XINFANG_SOAK_PORT", "8113")))
    p.add_argument("--threads", type=int, default=8, help="waitress threads (./run serve uses 8)")
    p.add_argument("--database-url", default=os.environ.get("XINFANG_SOAK_DATABASE_URL",
                                                            "postgres://postgres@127.0.0.1:5432/xinfang_soak"))
    p.add_argument("--timeout", type=float, default=120, help="per-request timeout, seconds")
    p.add_argument("--ramp", type=float, default=120, help="sessions sign in spread over this many seconds")
    p.add_argument("--output", default="", help="JSON results (default var/bench/soak-<time>.json)")
    args = p.parse_args(argv)
    name = urllib.parse.urlparse(args.database_url).path.rsplit("/", 1)[-1]
    if "soak" not in name:
        sys.exit(f"拒绝运行：压测数据库名称必须包含“soak”（当前为 {name!r}），以免写入生产数据库。")
    return args


def manage(args, *command, capture=False):
    env = {**os.environ, "DATABASE_URL": args.database_url}
    return subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                          capture_output=capture, text=True)


def prepare(args) -> None:
    from .__main__ import ensure_postgres_database

    ensure_postgres_database(args.database_url)
    manage(args, "migrate", "--noinput", "-v0")
    if manage(args, "load_demo", "--status", capture=True).stdout.strip() != "loaded":
        print("生成示范县演示数据 …", flush=True)
        manage(args, "load_demo")


def plan(args) -> dict:
    """Accounts, matter numbers, codes: read once from the database (Django in this process)."""
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    import django

    django.setup()
    from xinfang.matters.access import visible_matters
    from xinfang.org.choices import Role, UnitKind
    from xinfang.org.models import Category, Region, Unit, User

    users = list(User.objects.filter(is_active=True).select_related("unit").order_by("username"))
    officers = [u for u in users if u.has_role(Role.CASE_OFFICER)]
    registrars = [u for u in users if u.has_role(Role.REGISTRAR)]
    readers = [u for u in users if u.has_role(Role.BUREAU_LEADER, Role.COUNTY_LEADER, Role.AUDITOR)]
    handlers = [u for u in users if u.has_role(Role.UNIT_HANDLER) and u.unit_id and not u.in_bureau]
    # 50 sessions: 40 % case officers, 20 % registrars, 10 % leaders/auditors, 30 % unit handlers.
    shares = [("officer", officers, 0.4), ("registrar", registrars, 0.2), ("reader", readers, 0.1)]
    sessions = []
    for role, pool, share in shares:
        sessions += [(role, pool[i % len(pool)]) for i in range(round(args.sessions * share))]
    rest = args.sessions - len(sessions)
    sessions += [("reader", handlers[(i * 7) % len(handlers)]) for i in range(rest)]
    numbers = {}
    for _, user in sessions:
        if user.username not in numbers:
            numbers[user.username] = list(visible_matters(user).order_by("-received_at")
                                          .values_list("number", flat=True)[:300])
    leaf_regions = list(Region.objects.filter(level=3).order_by("code").values_list("code", flat=True)[:50])
    leaf_categories = list(Category.objects.filter(level=3).order_by("code").values_list("code", flat=True)[:50])
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN, active=True).values_list("code", flat=True))
    return {
        "sessions": [(role, u.username) for role, u in sessions], "numbers": numbers,
        "regions": leaf_regions, "categories": leaf_categories, "towns": towns,
    }


def valid_id(rng: random.Random) -> str:
    base = f"110105{rng.randint(1950, 2000):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11]
    return base + check


class Session:
    def __init__(self, base: str, role: str, username: str, data: dict, timeout: float, rng: random.Random):
        self.base, self.role, self.username, self.data, self.timeout, self.rng = base, role, username, data, timeout, rng
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.numbers = list(data["numbers"].get(username, []))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                content = response.read()
                if "/login/" in response.geturl() and not path.startswith("/login/"):
                    return 401, b"signed out: redirected to the login page"  # counted as an error
                return response.status, content
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self) -> tuple[int, bytes]:
        self.request("GET", "/login/")
        form = urllib.parse.urlencode({"username": self.username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": self.csrf(), "next": "/"}).encode()
        status, body = self.request("POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                               "Referer": self.base + "/login/"})
        if status == 200 and "退出".encode() not in body:
            return 401, body  # the form came back: not signed in
        return status, body

    def api(self, method: str, path: str, payload: dict) -> tuple[int, bytes]:
        return self.request(method, path, json.dumps(payload, ensure_ascii=False).encode(), {
            "Content-Type": "application/json", "X-CSRFToken": self.csrf(), "Referer": self.base + "/"})

    # ---- the mix ------------------------------------------------------------------------------
    def home(self):
        return self.request("GET", "/")

    def list(self):
        params = self.rng.choice([{}, {"status": self.rng.choice(STATUSES)}, {"page": self.rng.randint(2, 5)},
                                  {"overdue": "true"}, {"status": "accepted", "page": 2}])
        status, body = self.request("GET", "/matters/" + ("?" + urllib.parse.urlencode(params) if params else ""))
        found = re.findall(rb"/matters/([A-Z]{2}[0-9A-Za-z-]+)/", body)
        if found:
            self.numbers = list(dict.fromkeys([n.decode() for n in found] + self.numbers))[:300]
        return status, body

    def matter(self):
        if not self.numbers:
            return self.list()
        return self.request("GET", f"/matters/{self.rng.choice(self.numbers[:100])}/")

    def search(self):
        return self.request("GET", "/matters/?" + urllib.parse.urlencode({"q": self.rng.choice(WORDS)}))

    def act(self):
        n = self.rng.randint(1, 10**9)
        payload = {
            "channel": self.rng.choice(["letter", "visit", "phone"]), "purpose": "request",
            "category": self.rng.choice(self.data["categories"]), "region": self.rng.choice(self.data["regions"]),
            "title": f"压测登记：{self.rng.choice(WORDS)}问题 {n}",
            "content": f"压测自动登记的信访件（{n}），反映{self.rng.choice(WORDS)}问题，请依法处理。",
            "petitioners": [{"name": "压测" + "甲乙丙丁"[n % 4], "id_number": valid_id(self.rng),
                             "phone": f"139{n % 10**8:08d}", "address": "示范县城关镇"}],
        }
        status, body = self.api("POST", "/api/v1/matters/", payload)
        if status != 201 or self.role != "officer":
            return status, body
        number = json.loads(body)["number"]
        self.numbers.insert(0, number)
        return self.api("POST", f"/api/v1/matters/{number}/forward/", {"unit": self.rng.choice(self.data["towns"])})


def run_load(args, data: dict) -> dict:
    base = f"http://127.0.0.1:{args.port}"
    results: list[tuple[str, int, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    count = [0]
    deadline = [0.0]  # set when every session has signed in: the measured period starts then

    def start_clock():
        deadline[0] = time.monotonic() + args.duration

    start_barrier = threading.Barrier(len(data["sessions"]), action=start_clock)

    def record(kind, status, seconds, detail=""):
        with lock:
            results.append((kind, status, seconds))
            if not (200 <= status < 400):
                errors.append(f"{kind} {status} {detail}"[:300])

    def worker(i, role, username):
        rng = random.Random(f"soak-{i}")
        s = Session(base, role, username, data, args.timeout, rng)
        time.sleep(i * args.ramp / max(len(data["sessions"]), 1))  # people sign in over a while, not at once
        t0 = time.perf_counter()
        try:
            status, _ = s.login()
        except Exception as exc:  # reported as an error
            status = 0
            record("login", 0, time.perf_counter() - t0, repr(exc))
        else:
            record("login", status, time.perf_counter() - t0, username)
        start_barrier.wait()
        mix = MIXES[role]
        kinds, weights = list(mix), list(mix.values())
        while time.monotonic() < deadline[0]:
            with lock:
                if count[0] >= args.max_requests:
                    return
                count[0] += 1
            kind = rng.choices(kinds, weights)[0]
            t0 = time.perf_counter()
            try:
                status, body = getattr(s, kind)()
                detail = body[:200].decode("utf-8", "replace") if not (200 <= status < 400) else ""
            except Exception as exc:  # timeouts, resets: errors
                status, detail = 0, repr(exc)
            record(kind, status, time.perf_counter() - t0, f"{username} {detail}")
            if status in (0, 401) and kind != "act":
                try:
                    s.login()  # a session that lost its sign-in signs in again (the error is counted)
                except Exception as exc:  # counted as an error too
                    record("login", 0, 0.0, repr(exc))
            time.sleep(rng.uniform(0, 2 * args.think))

    threads = [threading.Thread(target=worker, args=(i, role, username), daemon=True)
               for i, (role, username) in enumerate(data["sessions"])]
    load_before = os.getloadavg()
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.duration + args.timeout + 300)
    elapsed = time.monotonic() - started
    return {"results": results, "errors": errors, "elapsed": elapsed, "load_before": load_before,
            "load_after": os.getloadavg()}


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    return {"n": len(values), "p50_ms": round(q[49] * 1000), "p95_ms": round(q[94] * 1000),
            "p99_ms": round(q[98] * 1000), "max_ms": round(max(values) * 1000)}


def summarise(args, outcome: dict) -> dict:
    by_kind = defaultdict(list)
    for kind, _status, seconds in outcome["results"]:
        by_kind[kind].append(seconds)
    steady = [s for kind, _st, s in outcome["results"] if kind != "login"]
    from .__main__ import machine

    return {
        "sessions": args.sessions, "duration_s": round(outcome["elapsed"]), "think_s": args.think,
        "server": f"waitress --threads={args.threads}", "database": args.database_url.split("@")[-1],
        "requests": len(steady), "requests_per_s": round(len(steady) / max(outcome["elapsed"], 1), 1),
        "errors": len(outcome["errors"]), "error_samples": outcome["errors"][:20],
        "overall": percentiles(steady), "by_kind": {k: percentiles(v) for k, v in sorted(by_kind.items())},
        "load_before": outcome["load_before"], "load_after": outcome["load_after"], "machine": machine(),
    }


def report(summary: dict) -> str:
    lines = [
        f"会话 {summary['sessions']}，{summary['duration_s']} 秒，请求 {summary['requests']}（{summary['requests_per_s']}/秒），"
        f"错误 {summary['errors']}；负载 {summary['load_before']} → {summary['load_after']}",
        "| 类型 | 次数 | p50 ms | p95 ms | p99 ms | 最大 ms |", "|---|---:|---:|---:|---:|---:|",
    ]
    rows = [("全部（不含登录）", summary["overall"]), *summary["by_kind"].items()]
    for name, p in rows:
        if p:
            lines.append(f"| {name} | {p['n']} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} | {p['max_ms']} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    prepare(args)
    data = plan(args)
    log_path = ROOT / "var" / "bench" / "soak-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": args.database_url, "XINFANG_DEBUG": "0"}
    with open(log_path, "w") as log:
        server = subprocess.Popen(  # the production server command of ./run serve, loopback only
            [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{args.port}", f"--threads={args.threads}",
             "xinfang.wsgi:application"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{args.port}/login/", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                sys.exit(f"服务未能启动，见 {log_path}")
            print(f"{args.sessions} 个会话，{args.duration:.0f} 秒 …", flush=True)
            outcome = run_load(args, data)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    summary = summarise(args, outcome)
    print(report(summary), flush=True)
    for sample in summary["error_samples"]:
        print("  错误：", sample, flush=True)
    out = Path(args.output or ROOT / "var" / "bench" / f"soak-{time.strftime('%Y%m%dT%H%M%S')}.json")
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"结果已写入 {out}；服务日志 {log_path}", flush=True)
    if summary["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
