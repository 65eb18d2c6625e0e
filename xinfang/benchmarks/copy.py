"""Copy a generated SQLite benchmark database into an empty PostgreSQL one (same rows, same ids).

Much faster than generating again (no Python per matter, only per row), and it makes the two
databases hold exactly the same data, so their timings compare like with like.
"""

from __future__ import annotations

import sqlite3
import time

from django.core.management.color import no_style
from django.db import connection

from xinfang.matters.models import (
    Counter,
    Deadline,
    Event,
    Matter,
    MatterUnit,
    Petition,
    Petitioner,
    PetitionPerson,
)
from xinfang.org.models import Category, Region, Unit, User

from .bulk import indexes_dropped

# Parents before children (foreign keys are checked per statement on PostgreSQL).
MODELS = [Region, Unit, Category, User, Petitioner, Matter, Petition, PetitionPerson, Event, Deadline, MatterUnit,
          Counter]


def copy_from_sqlite(path: str, progress=None) -> dict:
    assert connection.vendor == "postgresql", "copy target must be PostgreSQL"
    source = sqlite3.connect(path)
    started = time.perf_counter()
    counts = {}
    tables = [m._meta.db_table for m in MODELS]
    with indexes_dropped(tables[4:], progress):
        for model in MODELS:
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields]
            cols = ", ".join(f'"{c}"' for c in columns)
            booleans = [i for i, f in enumerate(model._meta.concrete_fields) if f.get_internal_type() == "BooleanField"]
            rows = source.execute(f'SELECT {cols} FROM "{table}" ORDER BY id')
            n = 0
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        if booleans:
                            row = list(row)
                            for i in booleans:
                                row[i] = None if row[i] is None else bool(row[i])
                        copy.write_row(row)
                        n += 1
            counts[table] = n
            if progress:
                progress(n, time.perf_counter() - started)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), MODELS):
            cursor.execute(statement)
    # What autovacuum does to a loaded table before long (PostgreSQL 13+ vacuums after inserts
    # too): statistics, and the visibility map that lets counts read only the index. ANALYZE alone
    # left every page "not all-visible", and counts by category or region read the whole table.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # Django's autocommit: VACUUM cannot run in a transaction
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
