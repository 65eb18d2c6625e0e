"""Prepare a benchmark database: reference data, a few staff users, the bulk data."""

from __future__ import annotations

from django.db import connection

from xinfang.benchmarks.kinds import HANDLING_KINDS
from xinfang.org.data.loader import load_reference
from xinfang.org.models import Unit, User

from .bulk import BenchmarkData


def make_users() -> None:
    bureau = Unit.objects.get(code="XFJ")
    users = [User(username="bench_registrar", unit=bureau, roles=["registrar"]),
             User(username="bench_officer", unit=bureau, roles=["case_officer"])]
    for unit in Unit.objects.filter(kind__in=HANDLING_KINDS):
        users.append(User(username=f"bench_h_{unit.code}", unit=unit, roles=["unit_handler"]))
    for u in users:
        u.set_unusable_password()
    User.objects.bulk_create(users)


def prepare(*, matters: int, seed: int = 1, progress=None) -> dict:
    load_reference()
    make_users()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # bulk load only: this connection, not the measurements
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("PRAGMA temp_store=MEMORY")
    stats = BenchmarkData(matters=matters, seed=seed, progress=progress).generate()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
    return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in stats.items()}
