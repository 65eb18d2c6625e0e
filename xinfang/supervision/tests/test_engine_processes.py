"""Two processes (two "machines") run the engine at once on SQLite (a file) and on PostgreSQL.

Each builds a database from the migrations (about a minute on a loaded machine), so a suite run tests
the database it runs on: the SQLite run the SQLite file, the PostgreSQL run PostgreSQL (CI runs both).
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
PG_ADMIN = os.environ.get("XINFANG_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except Exception:
        return False


def _run(env) -> dict:
    env = {**env, "XINFANG_AFTER_COMMIT": "inline"}  # no rendering thread in the parent
    out = subprocess.run([sys.executable, "-m", "xinfang.supervision.tests.concurrency_main"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _check(report):
    assert report["exitcodes"] == [0, 0]
    keys = report["keys"]
    assert keys and len(keys) == len(set(keys))  # no duplicate supervision record
    statuses = sorted(r["status"] for r in report["results"])
    assert statuses in (["finished", "locked"], ["finished", "finished"])
    if statuses == ["finished", "finished"]:  # the second started after the first released the lock
        assert min(r["changed"] for r in report["results"]) == 0


@pytest.mark.skipif(ON_POSTGRESQL, reason="the suite runs on PostgreSQL: the PostgreSQL case runs instead")
def test_two_processes_on_sqlite_file(tmp_path):
    env = {**os.environ, "XINFANG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "xinfang.settings"}
    env.pop("DATABASE_URL", None)
    _check(_run(env))


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the suite runs on SQLite: the SQLite case runs instead")
def test_two_processes_on_postgresql():
    if not _pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}")
    import psycopg

    name = f"xinfang_conc_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        _check(_run({**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "xinfang.settings"}))
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
