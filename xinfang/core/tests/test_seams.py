"""The explicit seams the demo generator uses instead of patching (docs/architecture.md): the
services' clock, pinned reference data, the hooks' runner and the row access."""

import datetime as dt

import pytest
from django.utils import timezone

from xinfang.core import clock, refcache
from xinfang.matters import hooks, rows
from xinfang.matters.models import Matter, Petitioner
from xinfang.testing.factories import register

AT = timezone.make_aware(dt.datetime(2025, 3, 4, 9, 30))


def test_the_clock_is_real_outside_a_simulated_block():
    before = timezone.now()
    with clock.simulated(lambda: AT):
        assert clock.now() == AT and clock.today() == dt.date(2025, 3, 4)
        with clock.simulated(lambda: None):  # None: the real clock
            assert clock.now() >= before
        assert clock.now() == AT
    assert clock.now() >= before


@pytest.mark.django_db
def test_stamps_follow_the_clock_and_an_insert_keeps_a_given_stamp():
    with clock.simulated(lambda: AT):
        person = Petitioner.objects.create(name="张三")
    assert person.created_at == AT
    given = AT - dt.timedelta(days=400)
    kept = Petitioner.objects.bulk_create([Petitioner(name="李四", created_at=given)])[0]
    assert Petitioner.objects.get(pk=kept.pk).created_at == given
    assert Petitioner._meta.get_field("created_at").deconstruct()[1] == "django.db.models.DateTimeField"


@pytest.mark.django_db
def test_an_update_stamps_updated_at_from_the_clock(county):
    matter = register(county).matter
    with clock.simulated(lambda: AT):
        matter.save(update_fields=["title", "updated_at"])
    assert Matter.objects.get(pk=matter.pk).updated_at == AT


def test_pinned_reference_data_is_loaded_once_per_block():
    loads = []

    def loader():
        loads.append(1)
        return len(loads)

    with refcache.pinned():
        assert refcache.get("test.pinned", loader) == 1
        assert refcache.get("test.pinned", loader) == 1
    with refcache.pinned():
        assert refcache.get("test.pinned", loader) == 2  # a new block reads afresh
    assert len(loads) == 2


def test_a_runner_replaces_what_run_does_for_its_block_only():
    seen = []
    with hooks.running_with(lambda event, matter: seen.append((event, matter))):
        hooks.run("event", "matter")
    assert seen == [("event", "matter")]
    assert hooks._runner.get() is None


def test_row_access_is_the_database_unless_a_block_installs_another():
    class Counting(rows.Rows):
        def __init__(self):
            self.calls = 0

        def has_clock(self, matter, kind):
            self.calls += 1
            return True

    assert rows.rows() is rows.DATABASE
    store = Counting()
    with rows.using(store):
        assert rows.rows() is store and rows.rows().has_clock(None, None) is True
    assert rows.rows() is rows.DATABASE and store.calls == 1
