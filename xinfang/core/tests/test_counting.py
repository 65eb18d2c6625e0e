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
