"""AnyOf: an IN list whose statement is the same for any number of values (issue 14)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from xinfang.core.queries import AnyOf
from xinfang.matters.models import Matter
from xinfang.testing.factories import register


def _ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_it_finds_what_an_in_list_finds(county):
    matters = [register(county).matter for _ in range(4)]
    some = [matters[0].pk, matters[2].pk, 10**12]  # and one that is not there
    assert _ids(Matter.objects.filter(AnyOf(F("pk"), some))) == {matters[0].pk, matters[2].pk}
    assert _ids(Matter.objects.filter(AnyOf(F("pk"), some))) == _ids(Matter.objects.filter(pk__in=some))
    assert _ids(Matter.objects.exclude(AnyOf(F("pk"), some))) == {matters[1].pk, matters[3].pk}
    # Text values go through the field's own conversion, as in a plain filter.
    numbers = [matters[1].number]
    assert _ids(Matter.objects.filter(AnyOf(F("number"), numbers))) == {matters[1].pk}


def test_none_and_repeated_values_are_as_in_an_in_list(county):
    matter = register(county).matter
    assert _ids(Matter.objects.filter(AnyOf(F("pk"), [None, matter.pk, matter.pk]))) == {matter.pk}
    assert list(Matter.objects.filter(AnyOf(F("pk"), [None]))) == []
    assert AnyOf(F("pk"), iter([matter.pk, None])).rhs == [matter.pk]  # an iterator is read once
    with pytest.raises(TypeError):
        AnyOf(F("pk"), Matter.objects.values("pk"))


def test_no_values_match_nothing_and_run_no_query(county):
    register(county)
    with CaptureQueriesContext(connection) as ctx:
        assert list(Matter.objects.filter(AnyOf(F("pk"), []))) == []
    assert len(ctx.captured_queries) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: one array parameter")
def test_the_statement_is_the_same_for_any_number_of_values(county):
    matter = register(county).matter
    few, many = [matter.pk], [matter.pk, *range(10**9, 10**9 + 60)]
    assert _ids(Matter.objects.filter(AnyOf(F("pk"), few))) == _ids(Matter.objects.filter(AnyOf(F("pk"), many))) == {matter.pk}
    one, sixty_one = (Matter.objects.filter(AnyOf(F("pk"), values)).query.sql_with_params() for values in (few, many))
    assert one[0] == sixty_one[0] and '"id" = ANY(%s)' in one[0]
    assert one[1] == (few,) and sixty_one[1] == (many,)
