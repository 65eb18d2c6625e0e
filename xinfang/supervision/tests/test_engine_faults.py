"""Idempotency, crash in the middle, concurrency and the escalation ladder."""

import datetime as dt
import threading

import pytest
from django.db import connection

from xinfang.matters.models import Deadline, Event, Matter
from xinfang.supervision import engine
from xinfang.supervision.choices import LADDER, RecordKind, RecordState
from xinfang.supervision.models import CallbackTask, EngineLock, EngineRun, SupervisionRecord
from xinfang.supervision.services.records import record_create

from .helpers import do, new_matter, on, replied, run_on


def snapshot() -> dict:
    tables = [Matter, Deadline, Event, SupervisionRecord, SupervisionRecord.matters.through, CallbackTask]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in tables}


def busy_county(c):
    """A little of everything for the engine to do on 2026-10-13."""
    new_matter(c, "2026-09-10")  # dispose overdue
    new_matter(c, "2026-09-25")  # dispose due 10-10: overdue too
    new_matter(c, "2026-10-01")  # dispose due 10-16: due soon on 10-13
    replied(c, "2026-07-25", "2026-07-28", "2026-08-01", "2026-09-10", "2026-09-11")  # window lapses
    m = replied(c, "2026-09-01", "2026-09-02", "2026-09-03", "2026-10-09")
    do(c, "registrar", m, "evaluate", "2026-10-10", target="unit", rating="dissatisfied", comment="问题没有解决")


@pytest.mark.django_db
def test_second_run_on_the_same_day_changes_nothing(county):
    busy_county(county)
    first = run_on("2026-10-13")
    assert first.changed >= 5
    before = snapshot()
    second = run_on("2026-10-13")
    assert second.status == "finished" and second.changed == 0, second.counts
    assert snapshot() == before


@pytest.mark.django_db
def test_crash_in_the_middle_then_rerun_completes_without_duplicates(county, monkeypatch):
    busy_county(county)
    real = engine.issue_record
    calls = {"n": 0}

    def flaky(**kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(**kw)

    monkeypatch.setattr(engine, "issue_record", flaky)
    with pytest.raises(RuntimeError):
        run_on("2026-10-13")
    failed = EngineRun.objects.get()
    assert failed.status == "failed" and "power cut" in failed.error and failed.step == "mark_overdue"
    assert EngineLock.objects.get().holder == ""  # released for the rerun
    partial = SupervisionRecord.objects.count()
    assert partial == 1  # the first unit of work committed, the second rolled back whole
    monkeypatch.setattr(engine, "issue_record", real)
    run_on("2026-10-13")
    keys = list(SupervisionRecord.objects.values_list("trigger_key", flat=True))
    assert len(keys) == len(set(keys)) == 3  # 2 urges + 1 reminder, each once
    assert Deadline.objects.filter(overdue_marked_on__isnull=False).count() == 2
    assert not Deadline.objects.filter(kind="dispose", met_at=None, warned_on=None, overdue_marked_on=None).exists()
    assert CallbackTask.objects.count() == 1


@pytest.mark.django_db
def test_a_held_lock_makes_the_second_machine_skip(county):
    busy_county(county)
    with on("2026-10-13", 6):
        assert engine.acquire("other-machine:1")
        result = engine.run(dt.date(2026, 10, 13))
    assert result.status == "locked" and not SupervisionRecord.objects.exists()
    assert not EngineRun.objects.exists()


@pytest.mark.django_db
def test_an_expired_lease_is_taken_over(county):
    with on("2026-10-12", 6):
        assert engine.acquire("dead-machine:1")
    result = run_on("2026-10-13")  # the lease (15 minutes) expired a day ago
    assert result.status == "finished"


@pytest.mark.django_db(transaction=True)
def test_two_threads_at_once_do_the_work_once(county):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite shares one cache between threads; the process test covers SQLite files")
    busy_county(county)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            results.append(run_on("2026-10-13"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    keys = list(SupervisionRecord.objects.values_list("trigger_key", flat=True))
    assert len(keys) == len(set(keys)) == 3
    # Either the second found the lock held, or it ran after the first and found nothing to do.
    statuses = sorted(r.status for r in results)
    assert statuses in (["finished", "locked"], ["finished", "finished"])
    if statuses == ["finished", "finished"]:
        assert min(r.changed for r in results) == 0


@pytest.mark.django_db
def test_escalation_ladder_up_to_talk(county):
    m = new_matter(county, "2026-09-01")
    do(county, "officer", m, "forward", "2026-09-02", unit="T01")
    with on("2026-09-03"):
        first = record_create(actor=county.users["officer"], data={
            "kind": "reminder", "method": "phone", "target_unit": "T01", "title": "请及时受理",
            "content": "请在期限内受理。", "matters": [m.number], "response_due": "2026-09-04"})
    chain = [first]
    day = dt.date(2026, 9, 5)
    for expected in LADDER[1:]:
        run_on(day.isoformat())
        current = SupervisionRecord.objects.get(escalated_from=chain[-1])
        assert current.kind == expected and current.state == RecordState.OPEN
        assert SupervisionRecord.objects.get(pk=chain[-1].pk).state == RecordState.ESCALATED
        chain.append(current)
        day = current.response_due + dt.timedelta(days=1)
    run_on(day.isoformat())  # 约谈 is the top: nothing above it
    assert not SupervisionRecord.objects.filter(escalated_from=chain[-1]).exists()
    assert [r.kind for r in chain] == list(LADDER)
    assert chain[-1].kind == RecordKind.TALK and list(chain[-1].matters.all()) == [m]


@pytest.mark.django_db
def test_answered_record_is_not_escalated(county):
    from xinfang.supervision.services.records import record_respond

    m = new_matter(county, "2026-09-01")
    do(county, "officer", m, "forward", "2026-09-02", unit="T01")
    with on("2026-09-03"):
        rec = record_create(actor=county.users["officer"], data={
            "kind": "order", "method": "letter", "target_unit": "T01", "title": "督办", "content": "请办理",
            "matters": [m.number], "response_due": "2026-09-04"})
        record_respond(actor=county.users["handler"], record_id=rec.pk, response="已安排专人办理。")
    run_on("2026-09-08")
    rec.refresh_from_db()
    assert rec.state == RecordState.RESPONDED and not SupervisionRecord.objects.filter(escalated_from=rec).exists()
