"""Production serving (docs/deployment.md): connection settings, and the production command serves."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _settings_for(database_url: str, **env) -> dict:
    code = ("import django, json; from django.conf import settings; django.setup(); "
            "d = settings.DATABASES['default']; "
            "print(json.dumps({k: d.get(k) for k in ('ENGINE', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'OPTIONS')}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "xinfang.settings", "DATABASE_URL": database_url, **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgres_keeps_connections_open_and_checks_them():
    d = _settings_for("postgres://x@127.0.0.1:5432/xinfang")
    assert d["ENGINE"] == "django.db.backends.postgresql"
    assert d["CONN_MAX_AGE"] == 60 and d["CONN_HEALTH_CHECKS"] is True
    assert _settings_for("postgres://x@127.0.0.1:5432/xinfang", XINFANG_DB_CONN_MAX_AGE="300")["CONN_MAX_AGE"] == 300


@pytest.mark.django_db
def test_postgres_binds_parameters_on_the_server_so_statements_are_prepared():
    """Server-side binding lets psycopg prepare what a connection runs repeatedly (issue 14);
    XINFANG_DB_SERVER_SIDE_BINDING=0 turns it off (a pgbouncer that cannot keep prepared statements)."""
    assert _settings_for("postgres://x@127.0.0.1:5432/xinfang")["OPTIONS"]["server_side_binding"] is True
    off = _settings_for("postgres://x@127.0.0.1:5432/xinfang", XINFANG_DB_SERVER_SIDE_BINDING="0")
    assert off["OPTIONS"]["server_side_binding"] is False
    if connection.vendor == "postgresql":  # this run's own connection: prepared after repeated use
        for _ in range(6):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM django_migrations WHERE app = %s", ["matters"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] >= 1


def test_sqlite_opens_a_connection_per_request():
    assert _settings_for("sqlite:////tmp/xinfang-settings-test.sqlite3")["CONN_MAX_AGE"] == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_production_command_serves(county):
    """`./run production` = gunicorn with xinfang/gunicorn_conf.py: it starts and answers."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "XINFANG_BIND": f"127.0.0.1:{port}", "XINFANG_WORKERS": "1",
           "DJANGO_SETTINGS_MODULE": "xinfang.settings"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen([gunicorn, "-c", "xinfang/gunicorn_conf.py", "xinfang.wsgi:application"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.time() + 90
        status = None
        while time.time() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/public/", timeout=30) as r:
                    status = r.status
                    body = r.read().decode("utf-8")
            except (ConnectionError, OSError):
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode()[-2000:])
                time.sleep(0.5)
        assert status == 200 and "信访" in body
        with pytest.raises(urllib.error.HTTPError) as refused:  # the API answers too (no token: 401)
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/matters/", timeout=30)
        assert refused.value.code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=30)
