"""Two people acting on one matter at once: exactly one succeeds, the other gets 409."""

import threading

import pytest
from django.db import close_old_connections, connection

from xinfang.core.errors import StateConflict
from xinfang.matters.models import Event, Matter, Petition, Petitioner, PetitionPerson
from xinfang.matters.services import numbering
from xinfang.matters.services.actions import perform_action
from xinfang.testing.factories import petition_data, register, valid_id

pytestmark = pytest.mark.django_db(transaction=True)


def run_concurrently(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, fn):
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", fn())
        except Exception as exc:  # collected and asserted by the test
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_concurrent_forwards_one_wins(county):
    matter = register(county).matter
    officer, leader = county.users["officer"], county.users["bleader"]
    results = run_concurrently(
        lambda: perform_action(actor=officer, number=matter.number, action="forward", params={"unit": "T01"}),
        lambda: perform_action(actor=leader, number=matter.number, action="forward", params={"unit": "T02"}),
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["error", "ok"], results
    error = next(r[1] for r in results if r[0] == "error")
    assert isinstance(error, StateConflict) and error.http_status == 409
    matter.refresh_from_db()
    events = list(Event.objects.filter(matter=matter).order_by("seq").values_list("seq", "action"))
    assert events == [(1, "register"), (2, "forward")]
    assert matter.version == 2 and matter.status == "forwarded"


def test_concurrent_registrations_get_distinct_gap_free_numbers(county):
    registrar, officer = county.users["registrar"], county.users["officer"]
    from xinfang.matters.services.registration import register_petition

    calls = [
        (lambda user=user: register_petition(actor=user, data=petition_data(county)))
        for user in [registrar, officer, registrar, officer]
    ]
    results = run_concurrently(*calls)
    assert all(r[0] == "ok" for r in results), results
    seqs = sorted(Matter.objects.values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4]
    assert numbering.last_value("matter", Matter.objects.get(seq=1).year) == 4
    assert Petition.objects.count() == 4


def test_the_same_new_petitioner_registered_at_once_is_one_record(county):
    """Two registrars register the same new person at once (a group's representative): the ID
    number is unique, so one insert loses; its registration is written once more and finds the
    record the other committed (PostgreSQL; SQLite's writers queue)."""
    from xinfang.matters.services.registration import add_petition, register_petition

    registrar, officer = county.users["registrar"], county.users["officer"]
    earlier = register_petition(actor=registrar, data=petition_data(county)).matter  # the sequences exist: no lock
    person = {"name": "李四", "id_number": valid_id(987654), "phone": "13900000000", "address": "西关村2号"}
    results = run_concurrently(
        *[(lambda user=user: register_petition(actor=user, data=petition_data(county, petitioners=[person])))
          for user in [registrar, officer, registrar]],
        lambda: add_petition(actor=officer, matter=earlier, data={"channel": "visit", "petitioners": [person]}),
    )
    assert all(r[0] == "ok" for r in results), results
    record = Petitioner.objects.get(id_number=person["id_number"])
    assert PetitionPerson.objects.filter(petitioner=record).count() == 4
    assert Matter.objects.count() == 4


def test_same_idempotency_key_at_once_creates_one_petition(county):
    from xinfang.matters.services.registration import register_petition

    registrar = county.users["registrar"]
    data = petition_data(county)
    results = run_concurrently(
        lambda: register_petition(actor=registrar, data=data, idempotency_key="same"),
        lambda: register_petition(actor=registrar, data=data, idempotency_key="same"),
    )
    assert all(r[0] == "ok" for r in results), results
    assert Petition.objects.count() == 1
    assert len({r[1].matter.number for r in results}) == 1


@pytest.mark.django_db(transaction=True)
def test_set_value_moves_the_next_number_on_either_database(county):
    """Bulk loaders write numbered rows themselves and then say where numbering goes on; on
    PostgreSQL the matter and petition numbers come from a sequence (no lock, issue 14)."""
    year = register(county).matter.year
    numbering.set_value("matter", year, 41)
    assert numbering.last_value("matter", year) == 41
    assert register(county).matter.seq == 42
    assert numbering.last_value("matter", year) == 42


@pytest.mark.django_db(transaction=True)
def test_a_lost_sequence_restarts_after_the_numbers_in_use(county):
    """PostgreSQL: if the sequence disappears (a partial restore) while the counter row stays
    behind, numbering resumes after the highest number already written, not at the row's value."""
    if connection.vendor != "postgresql":
        pytest.skip("the sequences are PostgreSQL's")
    first = register(county).matter
    register(county)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SEQUENCE "matters_counter_matter_{first.year}"')
        cursor.execute(f'DROP SEQUENCE "matters_counter_petition_{first.year}"')
    assert register(county).matter.seq == 3


@pytest.mark.django_db(transaction=True)
def test_one_lost_sequence_of_the_two_a_registration_takes_together(county):
    """PostgreSQL: the matter's and the petition's numbers come from one statement; when only one
    of the sequences is missing, that one is made again and the other goes on (no number twice)."""
    if connection.vendor != "postgresql":
        pytest.skip("the sequences are PostgreSQL's")
    first = register(county)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SEQUENCE "matters_counter_petition_{first.matter.year}"')
    second = register(county)
    assert second.matter.seq == first.matter.seq + 1
    numbers = sorted(Petition.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 2 and second.petition.number == numbers[-1] != first.petition.number
