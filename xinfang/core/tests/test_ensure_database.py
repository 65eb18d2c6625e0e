"""manage.py ensure_database: `./run setup` creates the PostgreSQL database named in DATABASE_URL."""

from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

NAME = "xinfang_ensure_db_check"


def test_nothing_to_do_on_sqlite():
    with mock.patch.dict(settings.DATABASES["default"], ENGINE="django.db.backends.sqlite3"):
        call_command("ensure_database")  # no error, no connection


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_creates_a_missing_postgresql_database_once():
    params = connection.get_connection_params()
    admin = {k: v for k, v in params.items() if k in ("host", "port", "user", "password") and v}

    def exists():
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME]).fetchone() is not None

    def encoding():
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            row = conn.execute("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = %s", [NAME])
            return row.fetchone()[0]

    def drop():
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{NAME}"')

    drop()
    try:
        with mock.patch.dict(settings.DATABASES["default"], NAME=NAME):
            call_command("ensure_database")
            assert exists() and encoding() == "UTF8"
            call_command("ensure_database")  # idempotent
            assert exists()
    finally:
        drop()
