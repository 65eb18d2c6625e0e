"""The deadline engine on crafted timelines (domain §4 calendar, 2026 National Day)."""

import datetime as dt

import pytest

from xinfang.matters.models import Deadline, Matter
from xinfang.supervision import engine
from xinfang.supervision.choices import RecordKind, RecordState, Trigger
from xinfang.supervision.models import CallbackTask, EngineRun, SupervisionRecord

from .helpers import do, moment, new_matter, on, replied, run_on

pytestmark = pytest.mark.django_db


def records(matter, kind=None):
    qs = SupervisionRecord.objects.filter(matters=matter)
    return list(qs.filter(kind=kind) if kind else qs)


def test_due_soon_counts_working_days_across_the_holiday(county):
    # Received Thu 2026-09-10: dispose due 09-28 (09-25..27 holidays). 3 working days before due
    # are 09-22, 09-23, 09-24 (09-25..27 off): the warning goes out on Tue 09-22, not on 09-21.
    m = new_matter(county, "2026-09-10")
    dispose = Deadline.objects.get(matter=m, kind="dispose")
    assert dispose.due == dt.date(2026, 9, 28)
    run_on("2026-09-21")
    dispose.refresh_from_db()
    assert dispose.warned_on is None and not records(m)
    result = run_on("2026-09-22")
    dispose.refresh_from_db()
    assert dispose.warned_on == dt.date(2026, 9, 22)
    assert result.counts["due_soon_marked"] == 1
    (reminder,) = records(m)
    assert reminder.kind == RecordKind.REMINDER and reminder.trigger == Trigger.DUE_SOON
    assert reminder.target_unit == county.bureau and reminder.response_due == dt.date(2026, 9, 28)
    # Still within the window on the due day itself: nothing new, not overdue.
    run_on("2026-09-28")
    assert len(records(m)) == 1 and Deadline.objects.get(pk=dispose.pk).overdue_marked_on is None


def test_overdue_escalates_the_reminder_into_a_urge(county):
    m = new_matter(county, "2026-09-10")
    run_on("2026-09-22")
    result = run_on("2026-09-29")
    d = Deadline.objects.get(matter=m, kind="dispose")
    assert d.overdue_marked_on == dt.date(2026, 9, 29) and result.counts["overdue_marked"] == 1
    reminder = SupervisionRecord.objects.get(deadline=d, kind=RecordKind.REMINDER)
    urge = SupervisionRecord.objects.get(deadline=d, kind=RecordKind.URGE)
    assert reminder.state == RecordState.ESCALATED and urge.escalated_from == reminder
    # 5 working days after 09-29: 09-30, 10-08, 10-09, 10-10 (Sat, working), 10-12.
    assert urge.response_due == dt.date(2026, 10, 12)
    assert list(urge.matters.all()) == [m]


def test_skipped_days_catch_up(county):
    """The engine did not run from 09-20 to 10-08: one run on 10-09 leaves the same state as daily runs
    would, except that the warnings of clocks already overdue are not sent after the fact."""
    m1 = new_matter(county, "2026-09-10")  # dispose due 09-28 → overdue
    m2 = new_matter(county, "2026-09-25")  # dispose due 10-10 (Sat, working day) → due soon on 10-09
    result = run_on("2026-10-09")
    d1 = Deadline.objects.get(matter=m1, kind="dispose")
    d2 = Deadline.objects.get(matter=m2, kind="dispose")
    assert d1.overdue_marked_on == dt.date(2026, 10, 9) and d1.warned_on is None
    assert [r.kind for r in records(m1)] == [RecordKind.URGE]
    assert d2.due == dt.date(2026, 10, 10) and d2.warned_on == dt.date(2026, 10, 9)
    assert [r.kind for r in records(m2)] == [RecordKind.REMINDER]
    assert result.counts["overdue_marked"] == 1 and result.counts["due_soon_marked"] == 1


def test_met_clock_closes_its_reminder(county):
    m = new_matter(county, "2026-09-10")
    run_on("2026-09-22")
    do(county, "officer", m, "forward", "2026-09-24", unit="T01")
    run_on("2026-09-25")
    (reminder,) = records(m, RecordKind.REMINDER)
    assert reminder.state == RecordState.CLOSED and "时限已履行" in reminder.close_note
    assert not records(m, RecordKind.URGE)


def test_lapsed_review_window_closes_matter_and_evaluations_lapse(county):
    # accepted 08-01 (handle due 09-30), replied 09-10, delivered 09-11 → review_request due 10-11 (Sun)
    # → rolls over to Mon 10-12. The evaluation windows: bureau from 08-01 (+30 = 08-31),
    # unit from 09-10 (+30 = 10-10, Saturday but a working day).
    m = replied(county, "2026-07-25", "2026-07-28", "2026-08-01", "2026-09-10", "2026-09-11")
    window = Deadline.objects.get(matter=m, kind="review_request")
    assert window.due == dt.date(2026, 10, 12)
    run_on("2026-10-12")
    assert Matter.objects.get(pk=m.pk).status == "replied"
    result = run_on("2026-10-13")
    m.refresh_from_db()
    assert m.status == "closed" and m.close_reason == "no_review"
    close = m.events.get(action="close")
    assert close.via == "system" and close.actor is None
    assert close.occurred_at == moment("2026-10-13", 6)  # the run's "now": before the end of 10-13
    window.refresh_from_db()
    assert window.lapsed_on == dt.date(2026, 10, 13) and window.cancelled_at is not None
    evaluations = Deadline.objects.filter(matter=m, kind="evaluate")
    # Both evaluation windows (bureau due 08-31, unit due 10-10) lapsed at the first run after them.
    assert {(e.target, e.due, e.lapsed_on) for e in evaluations} == {
        ("bureau", dt.date(2026, 8, 31), dt.date(2026, 10, 12)), ("unit", dt.date(2026, 10, 10), dt.date(2026, 10, 12))}
    assert all(e.cancelled_at is not None and e.met_at is None for e in evaluations)
    assert result.counts["matters_closed"] == 1


def test_late_close_never_in_the_future_and_after_due(county):
    m = replied(county, "2026-07-25", "2026-07-28", "2026-08-01", "2026-09-10", "2026-09-11")
    run_on("2026-10-20")  # skipped a week: occurred_at is the end of the day after due (10-13 23:59:59)
    close = Matter.objects.get(pk=m.pk).events.get(action="close")
    local = close.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (local.date(), local.hour) == (dt.date(2026, 10, 13), 23)


def test_dissatisfied_rating_opens_callback_in_same_transaction(county):
    m = replied(county, "2026-09-01", "2026-09-02", "2026-09-03", "2026-09-20")
    do(county, "registrar", m, "evaluate", "2026-09-21", target="unit", rating="dissatisfied", comment="问题没有解决")
    task = CallbackTask.objects.get(matter=m)
    assert task.source == "dissatisfied" and task.handled_by_unit == county.town
    assert task.due == dt.date(2026, 10, 6)
    run_on("2026-09-22")
    assert CallbackTask.objects.filter(matter=m).count() == 1


def test_bounced_three_times_gets_a_supervision_order(county):
    m = new_matter(county, "2026-09-01")
    units = ["T01", "T02", "D01"]
    users = {"T01": "handler", "T02": "handler2", "D01": "dhandler"}
    day = 2
    for code in units:
        do(county, "officer", m, "forward", f"2026-09-{day:02d}", unit=code)
        do(county, users[code], m, "object", f"2026-09-{day:02d}", reason="不属于本单位职责")
        do(county, "officer", m, "approve_return", f"2026-09-{day:02d}")
        day += 1
    m.refresh_from_db()
    assert m.return_count == 3
    run_on("2026-09-05")
    (order,) = records(m, RecordKind.ORDER)
    assert order.trigger == Trigger.BOUNCED and order.target_unit == county.bureau
    run_on("2026-09-06")
    assert len(records(m, RecordKind.ORDER)) == 1


def test_engine_run_records_progress_and_refuses_the_future(county):
    result = run_on("2026-09-22")
    row = EngineRun.objects.get(pk=result.run_id)
    assert row.status == "finished" and row.finished_at and row.day == dt.date(2026, 9, 22)
    with on("2026-09-22"), pytest.raises(ValueError):
        engine.run(dt.date(2026, 9, 23))


def test_the_objection_window_is_a_right_not_a_duty(county):
    # Forwarded Tue 09-29: object window 5 working days → 10-12; accept due 10-14.
    m = new_matter(county, "2026-09-25")
    do(county, "officer", m, "forward", "2026-09-29", unit="T01")
    run_on("2026-10-13")
    obj = Deadline.objects.get(matter=m, kind="object")
    assert obj.due == dt.date(2026, 10, 12) and obj.overdue_marked_on is None and obj.warned_on is None
    # ...while the accept clock (due 10-14) got its warning.
    assert [r.deadline.kind for r in records(m)] == ["accept"]


def test_extension_keeps_the_reminder_from_climbing(county):
    # Accepted 08-01: handle due 09-30, warned on 09-24 (24 → 28, 29, 30: three working days).
    m = new_matter(county, "2026-07-25")
    do(county, "officer", m, "forward", "2026-07-28", unit="T01")
    do(county, "handler", m, "accept", "2026-08-01")
    run_on("2026-09-24")
    (reminder,) = records(m, RecordKind.REMINDER)
    assert reminder.deadline.kind == "handle" and reminder.response_due == dt.date(2026, 9, 30)
    do(county, "handler", m, "request_extension", "2026-09-24", days=30, reason="需会商")
    do(county, "uleader", m, "approve_extension", "2026-09-24")
    assert Deadline.objects.get(pk=reminder.deadline_id).due == dt.date(2026, 10, 30)
    run_on("2026-10-08")
    reminder.refresh_from_db()
    assert reminder.state == RecordState.OPEN and not records(m, RecordKind.URGE)
    run_on("2026-11-02")  # the extended due day (10-30) passed unmet: now it climbs
    reminder.refresh_from_db()
    assert reminder.state == RecordState.ESCALATED and len(records(m, RecordKind.URGE)) == 1


def test_overdue_recommendation_feedback_is_supervised(county):
    from xinfang.supervision.services.recommendations import recommendation_create, recommendation_feedback

    with on("2026-09-01"):
        rec = recommendation_create(actor=county.users["officer"], data={
            "kind": "improve_policy", "title": "完善物业收费政策", "content": "建议制定停车收费指导标准。",
            "recipient_unit": "T01"})
    assert rec.feedback_due == dt.date(2026, 10, 8)  # 30 days → 10-01 (National Day) → rolls to 10-08
    run_on("2026-10-08")
    assert not SupervisionRecord.objects.filter(recommendation=rec).exists()
    run_on("2026-10-09")
    (urge,) = SupervisionRecord.objects.filter(recommendation=rec)
    assert urge.kind == RecordKind.URGE and urge.target_unit == county.town and urge.trigger == Trigger.RECOMMENDATION
    with on("2026-10-10"):
        recommendation_feedback(actor=county.users["uleader"], rec_id=rec.pk,
                                data={"adoption": "adopted", "feedback": "已采纳，正在起草指导标准。"})
    run_on("2026-10-12")
    urge.refresh_from_db()
    assert urge.state == RecordState.CLOSED and "已反馈" in urge.close_note


def redone(county, decided="2026-10-12", days=10):
    """Replied 09-15, 复查 requested 09-20, the review body orders the case redone on ``decided``."""
    m = replied(county, "2026-09-01", "2026-09-02", "2026-09-03", "2026-09-15", "2026-09-16")
    do(county, "registrar", m, "request_review", "2026-09-20", reason="不服处理意见")
    do(county, "officer", m, "review_decide", decided, outcome="redo", opinion="原处理意见认定事实不清。", redo_days=days)
    return m


def test_a_redo_decision_not_executed_is_supervised_as_such(county):
    # Redo ordered 10-12 with 10 days: handle due 10-22 (Thu); warned 10-19, overdue on 10-23.
    m = redone(county)
    handle = Deadline.objects.get(matter=m, kind="handle", met_at=None, cancelled_at=None)
    assert handle.due == dt.date(2026, 10, 22) and handle.event.action == "review_decide"
    run_on("2026-10-19")
    (reminder,) = records(m, RecordKind.REMINDER)
    run_on("2026-10-23")
    (urge,) = records(m, RecordKind.URGE)
    assert urge.escalated_from == reminder and urge.trigger == Trigger.DECISION
    assert "2026-10-12 责令重新办理" in urge.content and "复查决定未执行" in urge.content
    assert urge.target_unit == county.town


def test_decision_trigger_without_a_reminder_and_plain_overdue_stays_overdue(county):
    m = redone(county)
    plain = new_matter(county, "2026-10-01")  # dispose due 10-16: an ordinary overdue clock
    run_on("2026-10-23")  # no run before: no 提醒, the 催办 is issued directly
    (urge,) = records(m, RecordKind.URGE)
    assert urge.trigger == Trigger.DECISION and urge.escalated_from is None
    (other,) = records(plain, RecordKind.URGE)
    assert other.trigger == Trigger.OVERDUE and "尚未办理" in other.content
    assert run_on("2026-10-23").changed == 0
