"""Tamper-evident audit (issue 9): the event log and the access log are hash chains; editing,
deleting or slipping in a row is found, the auditor is told, concurrent writers never fork the
chain, and each chained row costs one small query."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.core import audit_chain
from xinfang.core.models import AccessLog, AuditCheck, ChainHead, log_access
from xinfang.matters.models import Event
from xinfang.testing.factories import act, register

BACKEND = "django.contrib.auth.backends.ModelBackend"


def busy_county(county, n=3):
    for _ in range(n):
        m = register(county).matter
        act(county, "officer", m, "forward", unit="T01")
        act(county, "handler", m, "accept")
    for i in range(4):
        log_access(user=county.users["officer"], kind="reveal", object_type="matter", object_ref=f"XF{i}",
                   detail={"fields": ["id_number"], "n": i}, ip="::ffff:10.0.0.1")
    audit_chain.seal_vouched("event")  # the after-commit seal (these tests' transactions never commit)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def report(chain):
    return audit_chain.verify(chain)


@pytest.mark.django_db
def test_live_rows_are_chained_and_verify(county):
    busy_county(county)
    for chain, model in (("event", Event), ("access", AccessLog)):
        r = report(chain)
        assert r.ok, r
        assert r.checked == model.objects.count() > 0
        rows = list(model.objects.order_by("chain_seq").values_list("chain_seq", "chain_prev", "chain_hash"))
        assert [seq for seq, _, _ in rows] == list(range(1, len(rows) + 1))
        assert rows[0][1] == audit_chain.GENESIS
        assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))
        head = ChainHead.objects.get(name=chain)
        assert (head.length, head.last_hash) == (len(rows), rows[-1][2])


@pytest.mark.django_db
def test_an_edited_event_is_found(county):
    busy_county(county)
    victim = Event.objects.filter(action="forward").order_by("chain_seq").first()
    sql('UPDATE matters_event SET note = %s WHERE id = %s', ["改过了", victim.pk])
    r = report("event")
    assert not r.ok and r.broken_id == victim.pk and r.broken_seq == victim.chain_seq
    assert "改动" in r.reason and r.checked == victim.chain_seq - 1


@pytest.mark.django_db
def test_an_edited_access_log_detail_or_address_is_found(county):
    busy_county(county)
    row = AccessLog.objects.order_by("chain_seq")[1]
    sql('UPDATE core_accesslog SET ip_address = %s WHERE id = %s', ["10.9.9.9", row.pk])
    assert report("access").broken_id == row.pk


@pytest.mark.django_db
def test_a_deleted_row_in_the_middle_and_at_the_end_are_found(county):
    busy_county(county)
    rows = list(AccessLog.objects.order_by("chain_seq"))
    sql('DELETE FROM core_accesslog WHERE id = %s', [rows[1].pk])
    r = report("access")
    assert not r.ok and r.broken_id == rows[2].pk and "序号" in r.reason
    sql('DELETE FROM core_accesslog WHERE chain_seq > 2')  # the middle gap gone, and the tail with it
    r = report("access")
    assert not r.ok and r.checked == 1 and "末尾" in r.reason


@pytest.mark.django_db
def test_a_row_slipped_in_outside_the_system_is_found(county):
    busy_county(county)
    AccessLog.objects.bulk_create([AccessLog(kind="view", object_ref="XF-FAKE")])  # no save(): no place
    fake = AccessLog.objects.get(object_ref="XF-FAKE")
    r = report("access")
    assert not r.ok and r.broken_id == fake.pk and "不在链上" in r.reason


@pytest.mark.django_db
def test_events_wait_vouched_until_sealed_and_a_forged_one_is_never_sealed(county, django_capture_on_commit_callbacks):
    """An act's event is sealed right after its commit, not in its transaction (issue 14): the
    transaction never touches the head. Until then it carries a voucher (HMAC under the secret
    key); a row slipped into the table without one, or with a made-up one, is reported and stays
    outside the chain."""
    busy_county(county, n=1)
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as ctx:
        matter = register(county).matter
    assert not any("core_chainhead" in q["sql"] for q in ctx.captured_queries)
    event = matter.events.get()
    assert event.chain_seq is None and len(event.chain_hash) == 64
    r = report("event")
    assert r.ok and r.waiting == 1
    for callback in callbacks:  # what runs once the act commits (inline in tests)
        callback()
    event.refresh_from_db()
    assert event.chain_seq == Event.objects.count() and report("event").ok and report("event").waiting == 0

    forged = Event.objects.filter(pk=event.pk).values()[0] | {"id": None, "seq": 9, "chain_seq": None,
                                                               "chain_prev": "", "chain_hash": "0" * 64}
    sql("INSERT INTO matters_event (matter_id, seq, action, actor_id, unit_id, via, occurred_at, recorded_at, "
        "from_status, to_status, params, note, chain_prev, chain_hash) "
        "SELECT matter_id, 9, action, actor_id, unit_id, via, occurred_at, recorded_at, from_status, to_status, "
        "params, note, '', %s FROM matters_event WHERE id = %s", [forged["chain_hash"], event.pk])
    fake = Event.objects.get(matter=matter, seq=9)
    assert audit_chain.seal_vouched("event") == 0  # never sealed
    from xinfang.core.tasks import seal_audit_chain_task

    assert seal_audit_chain_task() == 0  # nor by the Celery beat catch-up
    r = report("event")
    assert not r.ok and r.broken_id == fake.pk and "不在链上" in r.reason


@pytest.mark.django_db
def test_rows_are_append_only(county):
    busy_county(county, n=1)
    row = AccessLog.objects.first()
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()
    with pytest.raises(RuntimeError):
        Event.objects.first().delete()


@pytest.mark.django_db
def test_backfill_gives_the_same_chain_as_live_writes(county):
    """What the migration does for existing rows (seal_pending in id order) reproduces the chain."""
    busy_county(county)
    before = {c: ChainHead.objects.get(name=c).last_hash for c in audit_chain.CHAINS}
    for table in ("matters_event", "core_accesslog"):
        sql(f'UPDATE {table} SET chain_seq = NULL, chain_prev = %s, chain_hash = %s', ["", ""])
    ChainHead.objects.all().delete()
    assert audit_chain.seal_pending("event") == Event.objects.count()
    assert audit_chain.seal_pending("access") == AccessLog.objects.count()
    assert {c: ChainHead.objects.get(name=c).last_hash for c in audit_chain.CHAINS} == before
    assert report("event").ok and report("access").ok
    # and new rows continue the chain
    log_access(user=None, kind="public_track", object_ref="XF1")
    assert report("access").ok


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_the_chain_whole(county):
    busy_county(county, n=1)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        log_access(user=None, kind="view", object_ref="gone")
        1 / 0  # noqa: B018
    log_access(user=None, kind="view", object_ref="kept")
    assert report("access").ok and not AccessLog.objects.filter(object_ref="gone").exists()


@pytest.mark.django_db
def test_one_small_query_per_row(county, django_assert_num_queries):
    busy_county(county, n=1)
    with transaction.atomic():
        log_access(user=None, kind="view", object_ref="warm")  # this process now knows the head
        with django_assert_num_queries(2):  # UPDATE of the head (compare-and-set) + the INSERT itself
            log_access(user=None, kind="view", object_ref="x")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(county):
    """Four threads (own connections) write access-log rows and act on matters at once."""
    matters = [register(county).matter for _ in range(4)]
    barrier = threading.Barrier(4)
    errors = []

    def worker(i):
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            for j in range(10):
                log_access(user=county.users["officer"], kind="view", object_ref=f"T{i}-{j}")
            act(county, "officer", matters[i], "forward", unit="T01")
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    access, events = report("access"), report("event")
    assert access.ok and access.checked == 40
    assert events.ok and events.checked == Event.objects.count() == 8


@pytest.mark.django_db
def test_command_reports_records_and_the_auditor_is_told(county, capsys):
    busy_county(county, n=1)
    call_command("verify_audit_chain")
    assert "event: 完整" in capsys.readouterr().out
    assert AuditCheck.objects.filter(ok=True).count() == 2

    auditor = Client()
    auditor.force_login(county.users["auditor"], backend=BACKEND)
    html = auditor.get("/").content.decode()
    assert 'data-testid="audit-status"' in html and 'data-testid="audit-alert"' not in html

    victim = Event.objects.order_by("chain_seq").last()
    sql('UPDATE matters_event SET occurred_at = %s WHERE id = %s', ["2020-01-01 00:00:00", victim.pk])
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert f"记录 id={victim.pk}" in out and "改动" in out
    check = AuditCheck.objects.filter(chain="event").order_by("-id").first()
    assert not check.ok and check.broken_id == victim.pk

    for username, sees in (("auditor", True), ("admin", True), ("officer", False), ("handler", False)):
        c = Client()
        c.force_login(county.users[username], backend=BACKEND)
        html = c.get("/").content.decode()
        assert ('data-testid="audit-alert"' in html) is sees, username
        if sees:
            assert f"记录 ID {victim.pk}" in html and "办理记录" in html


@pytest.mark.django_db
def test_celery_task_runs_the_same_check(county):
    from xinfang.core.tasks import verify_audit_chain_task

    busy_county(county, n=1)
    result = verify_audit_chain_task()
    assert result["event"]["ok"] and result["access"]["rows"] == 4


@pytest.mark.django_db
def test_a_waiting_row_survives_a_secret_key_rotation(county, settings):
    """Rows vouched under the old key (listed in SECRET_KEY_FALLBACKS) are still sealed."""
    matter = register(county).matter
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 40, [old]
    assert report("event").ok and report("event").waiting == 1
    assert audit_chain.seal_vouched("event") == 1 and matter.events.get().chain_seq is not None
