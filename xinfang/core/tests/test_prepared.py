"""Prepared: a query compiled once per shape, run again with new values (issue 14)."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import weakref

import pytest
from django.db import connection, connections
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.core.prepared import Prepared
from xinfang.core.queries import AnyOf, Slot
from xinfang.matters.models import Matter
from xinfang.org.models import Unit
from xinfang.testing.factories import register

CODE = Unit._meta.get_field("code")
RECEIVED = Matter._meta.get_field("received_at")


@Prepared
def units_by_code(kind_filter: bool):
    qs = Unit.objects.select_related("superior", "region").filter(code=Slot("code", CODE))
    return qs.filter(kind=Slot("kind", Unit._meta.get_field("kind"))) if kind_filter else qs


@Prepared
def codes_among():
    return Unit.objects.filter(AnyOf(F("code"), Slot("codes"))).order_by("code").values_list("code", flat=True)


@Prepared
def matters_since(limit: int):
    return Matter.objects.filter(received_at__gte=Slot("since", RECEIVED)).order_by("-received_at", "-id") \
        .values_list("number", "status")[:limit]


def test_model_rows_with_their_related_rows_are_what_the_queryset_gives(county):
    [unit] = units_by_code(False, code="T01")
    plain = Unit.objects.select_related("superior", "region").get(code="T01")
    assert (unit.pk, unit.name, unit.kind, unit.active) == (plain.pk, plain.name, plain.kind, plain.active)
    assert unit.superior.code == "GOV" and unit.region.name == plain.region.name  # joined, not read again
    assert not unit._state.adding and unit._state.db == "default"
    with CaptureQueriesContext(connection) as ctx:
        assert unit.superior.superior.code == "CITYGOV"  # one level further is read lazily, as usual
    assert len(ctx.captured_queries) == 1
    assert units_by_code(False, code="nope") == []
    assert [u.code for u in units_by_code(True, code="T01", kind="town")] == ["T01"]
    assert units_by_code(True, code="T01", kind="department") == []


def test_each_shape_is_built_and_compiled_once_and_each_run_is_one_statement(county):
    built = []

    @Prepared
    def by_code(kind_filter: bool):
        built.append(kind_filter)
        return units_by_code.build(kind_filter)

    for code in ("T01", "T02", "D01"):
        with CaptureQueriesContext(connection) as ctx:
            assert [u.code for u in by_code(False, code=code)] == [code]
        assert len(ctx.captured_queries) == 1
    by_code(True, code="T01", kind="town")
    by_code(True, code="T02", kind="town")
    assert built == [False, True]


def _statements(fn) -> list[str]:
    """The statements as sent (with their placeholders), not as logged with the values in."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        fn()
    return sent


def test_a_list_is_one_parameter_whatever_its_length(county):
    def runs():
        assert codes_among(codes=["T02", "T01", "T01", None, "nope"]) == ["T01", "T02"]  # None and repeats as IN
        assert codes_among(codes=("D01",)) == ["D01"]
        assert codes_among(codes=[]) == []

    sent = _statements(runs)
    assert len(sent) == 3 and len(set(sent)) == 1  # the same statement each time
    with pytest.raises(TypeError, match="list"):
        codes_among(codes="T01")  # a string is not a list of codes
    with pytest.raises(TypeError, match="codes"):
        codes_among()


def test_values_are_prepared_by_their_field(county):
    first = register(county).matter
    second = register(county).matter
    Matter.objects.filter(pk=first.pk).update(received_at=timezone.now() - dt.timedelta(days=10))
    since = timezone.now() - dt.timedelta(days=5)
    expected = list(Matter.objects.filter(received_at__gte=since).order_by("-received_at", "-id")
                    .values_list("number", "status")[:5])
    assert matters_since(5, since=since) == expected == [(second.number, second.status)]
    assert [n for n, _ in matters_since(5, since=since - dt.timedelta(days=30))] == [second.number, first.number]
    assert len(matters_since(1, since=since - dt.timedelta(days=30))) == 1  # the limit is part of the shape


def test_a_query_that_matches_nothing_runs_no_statement(county):
    nothing = Prepared(lambda: Unit.objects.none())
    with CaptureQueriesContext(connection) as ctx:
        assert nothing() == []
        assert Prepared(lambda: Unit.objects.filter(AnyOf(F("code"), [])))() == []
    assert ctx.captured_queries == []


@pytest.mark.parametrize("build", [
    lambda: Unit.objects.annotate(n=Count("subordinates")),
    lambda: Unit.objects.values("code"),
    lambda: Unit.objects.prefetch_related("subordinates"),
    lambda: Unit.objects.extra(select={"x": "1"}),
])
def test_querysets_it_cannot_give_rows_of_are_refused(county, build):
    with pytest.raises(TypeError):
        Prepared(build)()


@pytest.mark.django_db(transaction=True)
def test_another_thread_compiles_on_its_own_connection_and_does_not_keep_it(county):
    found = {}

    def other():
        try:
            found["codes"] = [u.code for u in units_by_code(False, code="T01")]
            found["connection"] = weakref.ref(connections["default"])  # this thread's own
        finally:
            connection.close()

    units_by_code(False, code="T01")
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert found["codes"] == ["T01"]
    del thread
    gc.collect()
    assert found["connection"]() is None  # the kept statement does not keep the thread's connection
