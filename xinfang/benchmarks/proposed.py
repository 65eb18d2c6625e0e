"""Indexes proposed for the core models (docs/benchmarks.md), created only in a benchmark database
to measure their effect before anyone adds them to the models with a migration."""

from __future__ import annotations

from django.db import connection

PROPOSED = {
    # list filtered by state or by handling unit, newest first: no sort of every matching row
    "bench_matter_status_received": 'CREATE INDEX IF NOT EXISTS "bench_matter_status_received" '
                                    'ON "matters_matter" ("status", "received_at" DESC, "id" DESC)',
    "bench_matter_unit_received": 'CREATE INDEX IF NOT EXISTS "bench_matter_unit_received" '
                                  'ON "matters_matter" ("handling_unit_id", "received_at" DESC, "id" DESC)',
    # running clocks past due (deadline engine, overdue per unit): skip the met and cancelled ones
    "bench_deadline_running_kind_due": 'CREATE INDEX IF NOT EXISTS "bench_deadline_running_kind_due" '
                                       'ON "matters_deadline" ("kind", "due") '
                                       'WHERE "met_at" IS NULL AND "cancelled_at" IS NULL',
}


def create_proposed_indexes() -> list[str]:
    with connection.cursor() as cursor:
        for sql in PROPOSED.values():
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    return list(PROPOSED)
