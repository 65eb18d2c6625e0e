"""Counting list totals: exact where it is cheap, an estimate ("约") where it is not (issue 14).

PostgreSQL counts an unfiltered ``COUNT(*)`` with a sequential scan (284 ms at a million matters,
docs/benchmarks.md); the planner's own row count of the table (``pg_class.reltuples``, kept
fresh by autovacuum/ANALYZE) is free. It is used for a query with no filter at all on a table
above ``settings.XINFANG_ESTIMATE_COUNT_ABOVE`` rows (default 100 000); every filtered list, and
every list on SQLite (which counts from a small covering index), is counted exactly — except a
common search on PostgreSQL, which ``matters.listing.SearchTotal`` counts from ``planned_rows`` or
from a sample of ids (``matters.listing.sampled_count``).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def estimate_above() -> int:
    """Tables of at least this many rows may be counted by an estimate (``XINFANG_ESTIMATE_COUNT_ABOVE``)."""
    return int(getattr(settings, "XINFANG_ESTIMATE_COUNT_ABOVE", 100_000))


def estimated_total(qs) -> int | None:
    """The table's estimated row count when ``qs`` is an unfiltered query of a large table on
    PostgreSQL, else None (count exactly)."""
    if not isinstance(qs, QuerySet):
        return None
    connection = connections[qs.db]
    query = qs.query
    if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator or query.is_sliced:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < estimate_above():
        return None
    return int(row[0])


def planned_rows(qs: QuerySet) -> int:
    """PostgreSQL's estimate of how many rows ``qs`` returns (the top of its plan; no rows are read)."""
    sql, params = qs.order_by().query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(Paginator):
    """A Django paginator whose ``count`` may be an estimate (``estimated`` then is True).

    ``count_source``: the same rows written for counting (a unit's list counted from its links,
    ``filter_matters(for_count=True)``); the page is read from ``object_list``, or, with
    ``page_source``, from what it returns given the total and the rows up to the page's end (a
    search page on PostgreSQL, ``matters.listing.page_source``)."""

    estimated = False

    def __init__(self, object_list, per_page, *args, count_source=None, page_source=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_source = count_source
        self.page_source = page_source

    def page(self, number):
        if self.page_source is not None:
            number = self.validate_number(number)
            self.object_list = self.page_source(self.count, number * self.per_page)
        return super().page(number)

    @cached_property
    def count(self) -> int:
        estimate = estimated_total(self.object_list)
        if estimate is not None:
            self.estimated = True
            return estimate
        if self.count_source is not None:
            total = self.count_source.count()
            self.estimated = bool(getattr(self.count_source, "estimated", False))
            return total
        return super().count
