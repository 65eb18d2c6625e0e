"""Receptions through the API: publish a 接访日, book it without an account, confirm, record the
reception with a 批示 and a task, the task in the town's list, overdue → 催办 → 督办单, completion."""

import pytest
from django.test import Client

from xinfang.leaders.models import Booking, ReceptionRecord, Task
from xinfang.notifications.senders.logging import LoggingSender
from xinfang.supervision.choices import RecordKind, RecordState
from xinfang.supervision.models import SupervisionRecord

from .helpers import add_leader, do, get, new_matter, on, post, run_on

pytestmark = pytest.mark.django_db

DAY = {"kind": "reception_day", "leader": "cleader", "date": "2026-10-20", "start_time": "09:00",
       "end_time": "11:30", "place": "县信访局接待大厅", "topic": "城乡建设", "capacity": 2, "published": True}


def publish(api, **over):
    r = post(api("officer"), "/api/v1/receptions/", {**DAY, **over}, "2026-10-12")
    assert r.status_code == 201, r.json()
    return r.json()


def book(client, sid, phone="13812345678", day="2026-10-13", **extra):
    body = {"name": "王五", "phone": phone, "summary": "小区停车费问题", **extra}
    return post(client, f"/api/v1/public/receptions/{sid}/bookings/", body, day)


def test_publish_book_confirm_and_public_list(api, county, django_capture_on_commit_callbacks):
    s = publish(api)
    anon = api()
    with on("2026-10-13"):
        listed = anon.get("/api/v1/public/receptions/").json()["results"]
    assert [x["id"] for x in listed] == [s["id"]] and listed[0]["free_places"] == 2
    assert "phone" not in str(listed)
    LoggingSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = book(anon, s["id"])
    assert first.status_code == 201 and first.json()["status"] == "pending"
    code = first.json()["booking_code"]
    assert any(code in m.text for m in LoggingSender.outbox), "the booking code is sent by SMS"
    booked = Booking.objects.select_related("sms").get(booking_code=code)
    assert booked.sms.status == "sent" and booked.sms.key == f"booking:{booked.pk}:booked:{s['id']}"
    assert booked.sms.matter_id is None and booked.sms.template_key == "reception_booked" and code in booked.sms.text
    again = book(anon, s["id"], phone="138 1234 5678")
    assert again.status_code == 200 and again.json()["booking_code"] == code
    assert Booking.objects.count() == 1
    assert book(anon, s["id"], phone="13900001111").status_code == 201
    full = book(anon, s["id"], phone="13900002222")
    assert full.status_code == 409 and "已满" in full.json()["error"]["message"]
    booking = Booking.objects.get(booking_code=code)
    assert post(api("handler"), f"/api/v1/bookings/{booking.pk}/confirm/", {}).status_code == 403
    r = post(api("officer"), f"/api/v1/bookings/{booking.pk}/confirm/", {}, "2026-10-14")
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and "****" in r.json()["phone"]


def test_bad_bookings(api, county):
    anon = api()
    hidden = publish(api, published=False)
    r = book(anon, hidden["id"])
    assert r.status_code == 409 and "未公布" in r.json()["error"]["message"]
    s = publish(api)
    late = book(anon, s["id"], day="2026-10-21")
    assert late.status_code == 409 and "已过" in late.json()["error"]["message"]
    assert book(anon, 99999).status_code == 404
    bad = book(anon, s["id"], phone="010-6512345")
    assert bad.status_code == 400 and "phone" in bad.json()["error"]["fields"]
    wrong_code = book(anon, s["id"], matter_number="XF2026000001", query_code="WRONG")
    assert wrong_code.status_code in (400, 404)
    nul = book(anon, s["id"], name="王\x00五")
    assert nul.status_code == 400 and "name" in nul.json()["error"]["fields"]
    wrong_type = post(anon, f"/api/v1/public/receptions/{s['id']}/bookings/", ["not", "an", "object"], "2026-10-13")
    assert wrong_type.status_code == 400
    malformed = anon.post(f"/api/v1/public/receptions/{s['id']}/bookings/", "{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "parse_error"


def test_booking_with_own_matter_and_reschedule(api, county):
    m = new_matter(county, "2026-10-01")
    code = m.petitions.get().query_code
    s = publish(api)
    other = publish(api, date="2026-10-27")
    r = book(api(), s["id"], matter_number=m.number, query_code=code)
    assert r.status_code == 201
    booking = Booking.objects.get(booking_code=r.json()["booking_code"])
    assert booking.matter == m
    moved = post(api("officer"), f"/api/v1/bookings/{booking.pk}/reschedule/", {"session": other["id"], "note": "领导公务"},
                 "2026-10-14")
    assert moved.status_code == 200 and moved.json()["session"] == other["id"]
    assert moved.json()["rescheduled_from"] == s["id"] and moved.json()["status"] == "confirmed"


def test_record_task_overdue_urge_order_and_completion(api, county):
    s = publish(api)
    m = new_matter(county, "2026-10-01")
    do(county, "officer", m, "forward", "2026-10-02", unit="T01")
    r = book(api(), s["id"])
    booking = Booking.objects.get(booking_code=r.json()["booking_code"])
    too_early = post(api("officer"), f"/api/v1/receptions/{s['id']}/records/", {"summary": "x"}, "2026-10-19")
    assert too_early.status_code == 409
    body = {"booking": booking.pk, "matter": m.number, "summary": "反映小区停车收费问题",
            "instructions": "请城关镇十日内核查并答复",
            "tasks": [{"unit": "T01", "due": "2026-10-30", "text": "核查小区停车收费并答复信访人"}]}
    bad = post(api("officer"), f"/api/v1/receptions/{s['id']}/records/",
               {**body, "tasks": [{"unit": "T01", "due": "2026-10-19", "text": "x"}]}, "2026-10-20", 15)
    assert bad.status_code == 400 and "tasks[0].due" in bad.json()["error"]["fields"]
    assert post(api("handler"), f"/api/v1/receptions/{s['id']}/records/", body, "2026-10-20", 15).status_code == 403
    rec = post(api("cleader"), f"/api/v1/receptions/{s['id']}/records/", body, "2026-10-20", 15)
    assert rec.status_code == 201, rec.json()
    task_id = rec.json()["tasks"][0]["id"]
    assert post(api("officer"), f"/api/v1/receptions/{s['id']}/records/", body, "2026-10-20", 16).status_code == 409
    record = ReceptionRecord.objects.get()
    assert record.booking == booking and Booking.objects.get(pk=booking.pk).status == "received"
    # the reception is on the matter's timeline
    event = m.events.order_by("-seq").first()
    assert event.action == "receive" and event == record.event and event.params["instructions"] == "请城关镇十日内核查并答复"
    assert event.actor == county.users["cleader"] and event.params["tasks"] == 1
    # the town sees the task; another town does not
    mine = get(api("handler"), "/api/v1/tasks/", "2026-10-21").json()
    assert [t["id"] for t in mine["results"]] == [task_id] and mine["results"][0]["matter"] == m.number
    assert get(api("handler2"), "/api/v1/tasks/", "2026-10-21").json()["count"] == 0
    assert get(api("handler2"), f"/api/v1/tasks/{task_id}/").status_code == 404
    assert post(api("handler2"), f"/api/v1/tasks/{task_id}/report/", {"text": "x"}).status_code == 404
    # due soon → 提醒; overdue → the 提醒 climbs to 催办 naming the task
    run_on("2026-10-28")
    reminder = SupervisionRecord.objects.get(trigger_key=f"task:{task_id}:reminder")
    assert reminder.kind == RecordKind.REMINDER and reminder.target_unit == county.town
    result = run_on("2026-10-31")
    assert result.counts["leader_tasks_overdue"] == 1
    urge = SupervisionRecord.objects.get(trigger_key=f"task:{task_id}:urge")
    assert urge.kind == RecordKind.URGE and "核查小区停车收费" in urge.content and urge.target_unit == county.town
    assert run_on("2026-10-31").counts.get("leader_tasks_overdue", 0) == 0  # idempotent
    # unanswered → 督办单 with its paper, the task named in the requirement
    run_on("2026-11-10")
    order = SupervisionRecord.objects.get(escalated_from=urge)
    assert order.kind == RecordKind.ORDER and order.doc_number
    from xinfang.documents.models import IssuedDocument

    paper = IssuedDocument.objects.get(source_id=str(order.pk))
    assert "核查小区停车收费" in paper.rendered_text
    detail = get(api("handler"), f"/api/v1/tasks/{task_id}/", "2026-11-10").json()
    assert [x["kind"] for x in detail["supervision"]] == ["reminder", "urge", "order"]
    # report, complete; the open record is closed; a second completion → 409
    assert post(api("handler"), f"/api/v1/tasks/{task_id}/report/", {"text": "已核查并退还"}, "2026-11-11").status_code == 201
    assert post(api("handler"), f"/api/v1/tasks/{task_id}/complete/", {}, "2026-11-11").status_code == 403
    done = post(api("officer"), f"/api/v1/tasks/{task_id}/complete/", {}, "2026-11-12")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert SupervisionRecord.objects.get(pk=order.pk).state == RecordState.CLOSED
    assert post(api("officer"), f"/api/v1/tasks/{task_id}/complete/", {}, "2026-11-12").status_code == 409
    assert post(api("handler"), f"/api/v1/tasks/{task_id}/report/", {"text": "x"}).status_code == 409
    assert Task.objects.get(pk=task_id).completed_by == county.users["officer"]


def test_monthly_reception_check(api, county):
    from xinfang.leaders.models import LeadersPolicy

    secretary = add_leader(county)
    LeadersPolicy.objects.create(version=1, party_secretary=secretary, county_head=county.users["cleader"])
    post(api("officer"), "/api/v1/receptions/", {**DAY, "date": "2026-09-10", "published": False}, "2026-09-01")
    post(api("officer"), "/api/v1/receptions/", {**DAY, "leader": "secretary", "date": "2026-09-15", "published": False}, "2026-09-01")
    post(api("officer"), "/api/v1/receptions/", {**DAY, "date": "2026-10-08", "published": False}, "2026-09-01")
    post(api("officer"), "/api/v1/receptions/", {**DAY, "leader": "secretary", "date": "2026-10-28", "published": False}, "2026-09-01")
    data = get(api("cleader"), "/api/v1/receptions/check/", "2026-10-20", year=2026).json()
    months = {m["month"]: m for m in data["months"]}
    assert months[9]["complete"] is True
    assert months[10]["complete"] is False
    assert {x["role"]: x["held"] for x in months[10]["leaders"]} == {"县委书记": False, "县长": True}
    # the secretary's 接访日 later this month is scheduled, not held
    assert {x["role"]: x["scheduled"] for x in months[10]["leaders"]} == {"县委书记": "2026-10-28", "县长": None}
    assert 11 not in months
    web = Client()
    web.force_login(county.users["cleader"])
    with on("2026-10-20"):
        page = web.get("/leaders/bureau/").content.decode()
    assert "已安排 10月28日" in page and "未接访" in page  # January–August: none held
    assert get(api("handler"), "/api/v1/receptions/check/").status_code == 403


def test_booking_sms_goes_through_the_outbox_and_is_retried(api, county, settings, django_capture_on_commit_callbacks):
    """A failing gateway never undoes the booking: the SMS stays queued in the outbox and the runner sends it."""
    from xinfang.notifications.models import Notification
    from xinfang.notifications.services import send_pending_notifications

    s = publish(api)
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.tests.conftest.FailingSender"
    with django_capture_on_commit_callbacks(execute=True):
        r = book(api(), s["id"])
    assert r.status_code == 201
    booking = Booking.objects.select_related("sms").get(booking_code=r.json()["booking_code"])
    assert booking.sms.status == "queued" and booking.sms.attempts == 1 and booking.sms.last_error
    with django_capture_on_commit_callbacks(execute=True):  # the same phone again: one booking, one SMS
        book(api(), s["id"], phone="138 1234 5678")
    assert Notification.objects.filter(key__startswith=f"booking:{booking.pk}:").count() == 1
    settings.XINFANG_SMS_BACKEND = "logging"
    LoggingSender.outbox.clear()
    Notification.objects.filter(pk=booking.sms_id).update(next_attempt_at=None)
    assert send_pending_notifications()["sent"] == 1
    booking.sms.refresh_from_db()
    assert booking.sms.status == "sent" and booking.booking_code in LoggingSender.outbox[0].text
    with django_capture_on_commit_callbacks(execute=True):
        post(api("officer"), f"/api/v1/bookings/{booking.pk}/confirm/", {}, "2026-10-14")
    booking.refresh_from_db()
    assert booking.sms.template_key == "reception_confirmed" and booking.sms.status == "sent"
    settings.XINFANG_SMS_BACKEND = "none"  # SMS switched off: the booking still works, no row
    with django_capture_on_commit_callbacks(execute=True):
        assert book(api(), s["id"], phone="13900001111").status_code == 201
    assert Booking.objects.get(phone__endswith="1111").sms_id is None
