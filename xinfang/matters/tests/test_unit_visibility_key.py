"""The unit visibility key (issue 14) gives exactly the access function's set, in the same order.

``visible_to_unit(..., from_links=True)`` joins ``UnitMatter`` (kept by database triggers);
the definition is ``EXISTS`` over ``MatterUnit``. Every unit user's list (several filters and
sorts) is compared with the definition, after registrations by the bureau and by units,
forwards to both towns, a back-dated receipt time changed afterwards and a confidential
accusation against a town (§30).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from xinfang.matters.access import LinkedTo, visible_matters, visible_to_unit
from xinfang.matters.listing import UnitTotal, count_source
from xinfang.matters.models import Deadline, Matter, MatterUnit, UnitMatter
from xinfang.matters.selectors import filter_matters
from xinfang.testing.factories import act, register

PARAMS = ["", "status=open", "status=open&sort=due", "status=closed", "overdue=true", "overdue=true&sort=due", "status=registered", "sort=due", "sort=-number", "q=物业", "unit=T01", "overdue=false"]


@pytest.fixture
def linked(county):
    matters = [register(county).matter for _ in range(3)]
    act(county, "officer", matters[0], "forward", unit="T01")
    act(county, "officer", matters[1], "forward", unit="T02")
    act(county, "officer", matters[2], "forward", unit="T01")
    matters.append(register(county, user=county.users["handler"]).matter)  # a town registers directly
    matters.append(register(county, user=county.users["dhandler"]).matter)
    secret = register(county, purpose="accusation", confidential=True, accused_unit="T01").matter
    # linked to T01 (as if a co-handler; forwarding to it is refused), still hidden from it (§30)
    MatterUnit.objects.create(matter=secret, unit=county.town, role=MatterUnit.Role.CO, since=timezone.now())
    # a corrected receipt time reorders the lists: the key follows it
    Matter.objects.filter(pk=matters[3].pk).update(received_at=timezone.now() - dt.timedelta(days=40))
    # a clock of T01 fell due long ago: overdue for T01 (the key's next_due follows the matter's)
    past = timezone.localdate() - dt.timedelta(days=30)
    Deadline.objects.filter(matter=matters[0], unit=county.town, met_at__isnull=True, cancelled_at__isnull=True).update(due=past)
    Matter.objects.filter(pk=matters[0].pk).update(next_due=past)
    # a closed matter of T01 leaves the open list: the key's is_open follows the status
    closed = register(county, user=county.users["handler"]).matter
    act(county, "handler", closed, "decline", reason="other", note="不属于信访事项")
    return [*matters, closed, secret]


def _definition(user, params: str) -> list[int]:
    """The same list through the ``EXISTS`` definition (and the plain order)."""
    key_qs = filter_matters(user, QueryDict(params))
    plain = visible_to_unit(user.unit_id, Matter.objects.all()) if user.unit_id else Matter.objects.none()
    return list(plain.filter(pk__in=list(key_qs.values_list("pk", flat=True))).order_by(*_order(key_qs)).values_list(
        "pk", flat=True)) if params else list(plain.order_by("-received_at", "-id").values_list("pk", flat=True))


def _order(qs) -> list[str]:
    first = qs.query.order_by[0]
    if first.startswith("-unit_keys"):
        return ["-received_at", "-id"]
    return ["next_due", "-id"] if first.startswith("unit_keys") else list(qs.query.order_by)


def test_unit_lists_through_the_key_equal_the_definition(county, linked):
    overdue = list(filter_matters(county.users["handler"], QueryDict("overdue=true")).values_list("pk", flat=True))
    assert overdue == [linked[0].pk]  # the fixture's overdue matter, found through the key's next_due
    for params in PARAMS:
        for name in ("handler", "uleader", "handler2", "dhandler"):
            user = county.users[name]
            through_key = list(filter_matters(user, QueryDict(params)).values_list("pk", flat=True))
            assert through_key == _definition(user, params), (name, params)
            if params.startswith("q="):  # none missing: the county's hits that the definition lets the unit see
                county_hits = filter_matters(county.users["officer"], QueryDict(params)).values_list("pk", flat=True)
                expected = visible_to_unit(user.unit_id, Matter.objects.filter(pk__in=list(county_hits)))
                assert set(through_key) == set(expected.values_list("pk", flat=True)), (name, params)
            assert filter_matters(user, QueryDict(params), for_count=True).count() == len(through_key)
            assert count_source(user, QueryDict(params)).count() == len(through_key), (name, params)
    # the plain lists: the same set as visible_matters (the one access function), same order
    for name in ("handler", "handler2", "dhandler"):
        user = county.users[name]
        assert list(filter_matters(user, QueryDict("")).values_list("pk", flat=True)) == list(
            visible_matters(user).order_by("-received_at", "-id").values_list("pk", flat=True))


def test_an_unfiltered_unit_list_is_counted_from_the_key(county, linked):
    """The unit's whole list is counted from its key less the §30-hidden accusations linked to it;
    any filter counts the filtered rows (the hidden accusation is linked to T01 in the fixture)."""
    handler = county.users["handler"]
    source = count_source(handler, QueryDict("sort=due&page=2&per_page=50"))
    assert isinstance(source, UnitTotal) and source.count() == visible_matters(handler).count()
    assert UnitMatter.objects.filter(unit=county.town).count() == source.count() + 1  # the secret has a key row
    assert not isinstance(count_source(handler, QueryDict("status=open")), UnitTotal)
    assert not isinstance(count_source(county.users["officer"], QueryDict("")), UnitTotal)  # county-wide: no key
    # a repeated key filters when any of its values does (the list reads every value)
    repeated = QueryDict("status=closed&status=")
    assert count_source(handler, repeated).count() == filter_matters(handler, repeated).count()


def test_the_key_holds_one_row_per_linked_unit_and_follows_the_receipt_time(county, linked):
    pairs = set(MatterUnit.objects.values_list("unit_id", "matter_id"))
    assert set(UnitMatter.objects.values_list("unit_id", "matter_id")) == pairs
    assert UnitMatter.objects.count() == len(pairs)
    for key in UnitMatter.objects.select_related("matter"):
        assert key.received_at == key.matter.received_at
        assert key.is_open == (key.matter.status != "closed")
        assert key.next_due == key.matter.next_due
    closed = linked[-2]
    assert closed.__class__.objects.get(pk=closed.pk).status == "closed"
    assert not UnitMatter.objects.get(matter=closed, unit=county.town).is_open
    assert not filter_matters(county.users["handler"], QueryDict("status=open")).filter(pk=closed.pk).exists()
    assert filter_matters(county.users["handler"], QueryDict("status=closed")).filter(pk=closed.pk).exists()
    Matter.objects.filter(pk=closed.pk).update(status="accepted", close_reason="")  # reopened (a correction)
    assert UnitMatter.objects.get(matter=closed, unit=county.town).is_open
    assert filter_matters(county.users["handler"], QueryDict("status=open")).filter(pk=closed.pk).exists()
    secret = linked[-1]
    assert not visible_matters(county.users["handler"]).filter(pk=secret.pk).exists()
    assert not filter_matters(county.users["handler"], QueryDict("")).filter(pk=secret.pk).exists()


def test_removing_a_link_removes_the_key_only_when_no_link_is_left(county, linked):
    matter = linked[3]  # registered by T01: links "registered" and "lead"
    links = MatterUnit.objects.filter(matter=matter, unit=county.town)
    assert links.count() == 2
    links.filter(role=MatterUnit.Role.LEAD).delete()
    assert UnitMatter.objects.filter(matter=matter, unit=county.town).exists()
    links.delete()
    assert not UnitMatter.objects.filter(matter=matter, unit=county.town).exists()
    assert not filter_matters(county.users["handler"], QueryDict("")).filter(pk=matter.pk).exists()


def test_the_triggers_exist(db):
    """A migration that rebuilds matters_matter or matters_matterunit on SQLite (Django copies the
    table) drops its triggers: this test says so before the key goes stale."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'matters_unitmatter_%'")
            assert {r[0] for r in cursor.fetchall()} == {f"matters_unitmatter_{n}" for n in
                                                          ("link", "relink", "unlink", "received", "open", "due")}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'matters_unitmatter_%'")
            assert {r[0] for r in cursor.fetchall()} == {"matters_unitmatter_sync", "matters_unitmatter_received",
                                                         "matters_unitmatter_open", "matters_unitmatter_due"}


def test_a_unit_page_is_read_from_the_key_index(county, linked):
    if connection.vendor != "sqlite":
        pytest.skip("plan shape checked on SQLite")
    qs = filter_matters(county.users["handler"], QueryDict(""))[:20]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(r[-1]) for r in cursor.fetchall())
    assert "unitmatter_newest" in plan and "TEMP B-TREE" not in plan, plan


def _units_on_rows() -> dict[int, set[int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, unit_ids FROM matters_matter")
        return {pk: set(ids) for pk, ids in cursor.fetchall()}


def _linked_units() -> dict[int, set[int]]:
    linked: dict[int, set[int]] = {}
    for unit_id, matter_id in UnitMatter.objects.values_list("unit_id", "matter_id"):
        linked.setdefault(matter_id, set()).add(unit_id)
    return linked


def test_every_linked_unit_is_on_the_matter_row(county, linked):
    """PostgreSQL: ``unit_ids`` (0019), the search's index aid, never lacks a linked unit — after
    registrations by the bureau and by units, forwards, a link added by hand, a link moved to another
    unit and links removed; a unit no longer linked leaves it."""
    if connection.vendor != "postgresql":
        pytest.skip("the column exists on PostgreSQL only")

    def check():
        on_rows, keys = _units_on_rows(), _linked_units()
        for matter_id, units in keys.items():
            assert units <= on_rows[matter_id], matter_id
        return on_rows

    check()
    matter = linked[3]  # registered by T01
    MatterUnit.objects.filter(matter=matter, unit=county.town, role=MatterUnit.Role.LEAD).update(unit=county.other_town)
    assert {county.town.pk, county.other_town.pk} <= check()[matter.pk]
    MatterUnit.objects.filter(matter=matter, unit=county.town).delete()
    assert county.town.pk not in check()[matter.pk]
    # the search reads through it: the town no longer finds the matter, T02's handler does
    assert not filter_matters(county.users["handler"], QueryDict(f"q={matter.number}")).filter(pk=matter.pk).exists()
    assert filter_matters(county.users["handler2"], QueryDict(f"q={matter.number}")).filter(pk=matter.pk).exists()


def test_a_unit_search_is_counted_through_the_units_index(county, linked):
    """PostgreSQL: a unit's search is counted with the units' GIN index beside the text's (a
    ``BitmapAnd`` at scale; issue 14, docs/benchmarks.md); a county-wide search has no such condition."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's index of the matter's units")
    handler, officer = county.users["handler"], county.users["officer"]
    counted = filter_matters(handler, QueryDict("q=物业"), for_count=True)
    assert '"unit_ids" @> ARRAY' in str(counted.query)
    assert '"unit_ids"' not in str(filter_matters(officer, QueryDict("q=物业"), for_count=True).query)
    # the condition is one the GIN index serves (which plan uses it depends on the data: at scale a BitmapAnd)
    alone = Matter.objects.filter(LinkedTo(county.town.pk)).values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")  # only bitmap paths
        sql, params = alone.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        assert "matters_matter_unit_ids" in " ".join(r[0] for r in cursor.fetchall())
    assert set(alone.values_list("pk", flat=True)) >= set(
        UnitMatter.objects.filter(unit=county.town).values_list("matter_id", flat=True))
