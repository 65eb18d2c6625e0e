"""Queries built and compiled once, run again with new values (issue 14).

Building a queryset and compiling it to SQL costs Django more CPU than the database spends running
a small indexed query: 0.3–0.5 ms each, and a registration read five of them (the token, the
duplicate check's person records and matters) every time (docs/benchmarks.md, session 13).
``Prepared`` keeps the compiled statement of a query whose shape does not change and runs it again
with new values, which go where the query named a ``Slot``::

    @Prepared
    def token_by_digest():
        return ApiToken.objects.select_related("user").filter(digest=Slot("digest", digest_field))[:1]

    token_by_digest(digest=d)  # a list of ApiToken, as list(queryset) would give

A builder may take positional *shape* arguments (hashable: a user's scope, a limit): one statement
is kept per shape and database connection. Everything the builder reads other than those must be
constant; each value that changes is a ``Slot``, prepared by its field at each run exactly as the
ORM prepares a literal. The rows become what the queryset would give: model instances (with
``select_related``), ``values_list`` tuples or flat values. Querysets that need more than that are
refused when compiled (annotations, ``extra``, ``prefetch_related``, combined queries).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

from .queries import Fill


@dataclass(frozen=True)
class _Statement:
    """What is kept of a compiled query. Nothing in it refers to the connection it was compiled on
    (a thread's connection ends with its thread; a kept statement must not keep it open)."""

    sql: str | None  # None: the query matches nothing (``none()``, an empty literal list)
    params: tuple
    query: Any  # asked for a compiler at each run, for the columns' converters
    columns: tuple  # the selected expressions, converted as the ORM converts them
    make: Callable  # rows (converted) → the results


def _compile(queryset: QuerySet, connection) -> _Statement:
    query = queryset.query
    if (queryset._prefetch_related_lookups or queryset._known_related_objects or query.annotation_select
            or query.extra_select or query.combinator):
        raise TypeError("A prepared query gives plain rows: no annotations, extra, prefetch or combined queries.")
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Statement(None, (), query, (), list)
    iterable = queryset._iterable_class
    if iterable is ModelIterable:
        make = _models(compiler, queryset.db)
    elif iterable is FlatValuesListIterable:
        def make(rows):
            return [row[0] for row in rows]
    elif iterable is ValuesListIterable:
        def make(rows):
            return [tuple(row) for row in rows]
    else:
        raise TypeError("A prepared query gives model instances or values_list() rows.")
    return _Statement(sql, tuple(params), query, tuple(s[0] for s in compiler.select[:compiler.col_count]), make)


def _models(compiler, db: str) -> Callable:
    """What ``ModelIterable`` does with the rows of a compiled query (no annotations)."""
    klass_info, select = compiler.klass_info, compiler.select
    model_cls = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, db)

    def make(rows):
        objs = []
        for row in rows:
            obj = model_cls.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            objs.append(obj)
        return objs

    return make


class Prepared:
    """A query compiled once per shape and database connection (see the module docstring)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.__doc__ = build.__doc__
        self._aliases: dict[tuple, str] = {}  # shape → the database its queryset reads
        # per connection object (one a thread), held weakly: a thread's connection goes with it
        self._statements: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __call__(self, *shape, **values) -> list:
        return self.run(shape, values)

    def statement(self, shape: tuple) -> tuple[_Statement, Any]:
        """The compiled statement of this shape on this thread's connection (compiled on first use)."""
        queryset = None
        if shape not in self._aliases:
            queryset = self.build(*shape)
            self._aliases[shape] = queryset.db
        connection = connections[self._aliases[shape]]
        per_connection = self._statements.setdefault(connection, {})
        if shape not in per_connection:
            per_connection[shape] = _compile(queryset if queryset is not None else self.build(*shape), connection)
        return per_connection[shape], connection

    def run(self, shape: tuple, values: dict) -> list:
        statement, connection = self.statement(shape)
        if statement.sql is None:
            return []
        params = [p.value(values, connection) if isinstance(p, Fill) else p for p in statement.params]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        width = len(statement.columns)
        rows = [row[:width] for row in rows] if rows and len(rows[0]) > width else rows
        compiler = statement.query.get_compiler(connection=connection)  # (no SQL: only its converters)
        converters = compiler.get_converters(statement.columns)
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return statement.make(rows)
