"""List totals: exact, except PostgreSQL's estimate for an unfiltered list of a large table."""

from __future__ import annotations

import pytest
from django.db import connection

from xinfang.core.counting import EstimatingPaginator, estimated_total
from xinfang.matters.models import Matter
from xinfang.testing.factories import register


def test_filtered_and_small_lists_are_counted_exactly(county, settings):
    register(county)
    register(county)
    assert estimated_total(Matter.objects.filter(status="registered")) is None
    paginator = EstimatingPaginator(Matter.objects.order_by("-received_at"), 20)
    assert paginator.count == 2 and paginator.estimated is False  # small: exact everywhere


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (SQLite counts from an index)")
def test_postgres_estimates_an_unfiltered_list_above_the_threshold(county, settings, api):
    for _ in range(3):
        register(county)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matters_matter")
    settings.XINFANG_ESTIMATE_COUNT_ABOVE = 1
    paginator = EstimatingPaginator(Matter.objects.order_by("-received_at"), 20)
    assert paginator.estimated is False and paginator.count >= 0 and paginator.estimated is True
    body = api("officer").get("/api/v1/matters/").json()
    assert body["count_estimated"] is True
    body = api("officer").get("/api/v1/matters/?status=registered").json()
    assert body["count_estimated"] is False and body["count"] == 3


def _overdue_today(county, matter):
    """One clock of ``matter`` fell due long ago (and its next_due with it): overdue."""
    import datetime as dt

    from django.utils import timezone

    from xinfang.matters.models import Deadline

    past = timezone.localdate() - dt.timedelta(days=30)
    Deadline.objects.filter(matter=matter, met_at__isnull=True, cancelled_at__isnull=True).update(due=past)
    Matter.objects.filter(pk=matter.pk).update(next_due=past)


def test_not_overdue_is_counted_as_the_list_less_its_overdue_part(county, api):
    """``overdue=false`` is counted as (the list without it) − (its overdue part): two index counts
    instead of NOT EXISTS on every row (issue 14); the same number as the rows themselves."""
    from django.http import QueryDict

    from xinfang.matters.listing import Complement, count_source
    from xinfang.matters.selectors import filter_matters

    late = register(county).matter
    register(county)
    register(county, channel="letter")
    _overdue_today(county, late)
    officer = county.users["officer"]
    for params in ("overdue=false", "overdue=false&channel=visit", "overdue=false&overdue_for=XFJ",
                   "overdue=false&q=物业", "overdue=0&status=registered"):
        source = count_source(officer, QueryDict(params))
        assert isinstance(source, Complement), params
        assert source.count() == filter_matters(officer, QueryDict(params)).count(), params
    body = api("officer").get("/api/v1/matters/?overdue=false").json()
    assert body["count"] == 2 == len(body["results"]) and late.number not in {r["number"] for r in body["results"]}
    assert body["count_estimated"] is False
    assert api("officer").get("/api/v1/matters/?overdue=true").json()["count"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (SQLite counts from an index)")
def test_not_overdue_of_an_unfiltered_list_is_an_estimate_where_the_list_is(county, settings, api):
    late = register(county).matter
    register(county)
    _overdue_today(county, late)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matters_matter")
    settings.XINFANG_ESTIMATE_COUNT_ABOVE = 1
    body = api("officer").get("/api/v1/matters/?overdue=false").json()
    assert body["count_estimated"] is True and [r["number"] for r in body["results"]] != [late.number]
    body = api("officer").get("/api/v1/matters/?overdue=false&status=registered").json()
    assert body["count_estimated"] is False and body["count"] == 1


def test_api_says_whether_the_total_is_exact(county, api):
    register(county)
    body = api("officer").get("/api/v1/matters/").json()
    assert body["count"] == 1 and body["count_estimated"] is False


def test_a_unit_list_is_counted_from_its_links_with_the_same_result(county, api):
    """The count of a unit user's list uses `id IN (the unit's links)`; the page uses EXISTS: same rows."""
    from xinfang.matters.access import visible_matters
    from xinfang.testing.factories import act

    mine = register(county).matter
    act(county, "officer", mine, "forward", unit="T01")
    register(county)  # not linked to T01
    handler = county.users["handler"]
    assert set(visible_matters(handler, from_links=True)) == set(visible_matters(handler)) == {mine}
    body = api("handler").get("/api/v1/matters/").json()
    assert body["count"] == 1 and [row["number"] for row in body["results"]] == [mine.number]
    assert api("handler2").get("/api/v1/matters/").json()["count"] == 0
