"""工作提醒: who is told what, idempotency, the badge and list, reading, the daily digest, §30 redaction."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from xinfang.matters import hooks
from xinfang.notices.models import NoticePreference, StaffNotice
from xinfang.notices.services import notify, notify_due_soon, send_digests
from xinfang.notifications.senders.logging import LoggingSender
from xinfang.supervision.services.records import record_create
from xinfang.testing.factories import act, at, register


@pytest.fixture(autouse=True)
def _no_documents():
    with hooks.suspended("xinfang.documents.services", "xinfang.documents.hooks"):
        yield


def who(kind=None) -> set[str]:
    qs = StaffNotice.objects.all() if kind is None else StaffNotice.objects.filter(kind=kind)
    return set(qs.values_list("recipient__username", flat=True))


def login(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


def test_forwarding_tells_the_units_people_only(county):
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    assert who("routed") == {"handler", "uleader"}
    notice = StaffNotice.objects.get(recipient=county.users["handler"])
    assert m.number in notice.title and notice.url == f"/matters/{m.number}/" and notice.read_at is None


def test_extension_goes_to_the_unit_leader_and_objection_to_the_bureau(county):
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    act(county, "handler", m, "object", reason="不属于本镇职责")
    assert who("return") == {"officer", "bleader"}
    m2 = register(county).matter
    act(county, "officer", m2, "forward", unit="T01")
    act(county, "handler", m2, "accept")
    act(county, "handler", m2, "request_extension", days=20, reason="需现场核查")
    assert who("extension") == {"uleader"}


def test_supervision_records_reach_the_addressed_unit(county):
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    record_create(actor=county.users["officer"], data={"kind": "urge", "method": "online", "target_unit": "T01",
                                                       "title": "请加快办理", "content": "督办要求", "matters": m.number})
    assert who("supervision") == {"handler", "uleader"}


def test_clocks_due_soon_notify_once(county):
    with time_machine.travel(at("2026-09-01", 9), tick=False):
        m = register(county, received_at=at("2026-09-01", 8)).matter
        act(county, "officer", m, "forward", unit="T01")
    today = dt.date(2026, 9, 14)  # the 受理 clock falls due on 09-16
    assert notify_due_soon(today, today, dt.date(2026, 9, 18)) == 2
    notify_due_soon(today, today, dt.date(2026, 9, 18))  # the engine ran again: nothing new
    assert StaffNotice.objects.filter(kind="due_soon").count() == 2 and who("due_soon") == {"handler", "uleader"}


def test_engine_step_runs(county):
    from xinfang.supervision.engine import STEPS, run

    assert "notify_staff" in [name for name, _ in STEPS]
    assert run().status == "finished"


def test_badge_list_open_and_read_all(county):
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    c = login(county, "handler")
    home = c.get("/").content.decode()
    assert 'data-testid="notice-badge"' in home and "1 条未读" in home
    page = c.get("/notices/")
    assert page.status_code == 200 and m.number in page.content.decode()
    notice = StaffNotice.objects.get(recipient=county.users["handler"])
    r = c.post(f"/notices/{notice.pk}/open/")
    assert r.status_code == 302 and r["Location"] == f"/matters/{m.number}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    other = StaffNotice.objects.get(recipient=county.users["uleader"])
    assert c.post(f"/notices/{other.pk}/open/").status_code == 404  # another person's notice
    u = login(county, "uleader")
    u.post("/notices/read-all/")
    assert not StaffNotice.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize("username, status", [(None, 302), ("nobody", 403), ("handler", 200), ("auditor", 200)])
def test_list_permissions(county, username, status):
    c = login(county, username) if username else Client()
    assert c.get("/notices/").status_code == status


def test_a_notice_on_a_matter_no_longer_visible_names_nothing(county):
    m = register(county).matter
    notify([county.users["handler2"]], kind="routed", title=f"转送到本单位：{m.number} {m.title}", key="x",
           url=f"/matters/{m.number}/")
    StaffNotice.objects.filter(key="x").update(matter_number=m.number)
    html = login(county, "handler2").get("/notices/").content.decode()
    assert m.number not in html and "不在您的办理范围" in html
    assert notify([county.users["handler2"]], kind="routed", title="t", key="y", matter=m) == 0  # never created


def test_daily_digest_once_a_day(county):
    LoggingSender.clear()
    user = county.users["handler"]
    user.phone = "13800001111"
    user.save(update_fields=["phone"])
    login(county, "handler").post("/notices/digest/", {"digest": "sms"})
    assert NoticePreference.objects.get(user=user).digest == "sms"
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    now = timezone.now()
    assert send_digests(now)["sent"] == 1
    assert send_digests(now + dt.timedelta(hours=1))["sent"] == 0  # once a day
    (sent,) = [r for r in LoggingSender.outbox if r.template_key == "staff_digest"]
    assert sent.recipient == "13800001111" and "未读工作提醒" in sent.text
    r = login(county, "handler").post("/notices/digest/", {"digest": "pigeon"})
    assert r.status_code == 302 and NoticePreference.objects.get(user=user).digest == "sms"


def test_recipients_decided_by_the_access_rule_in_bounded_queries(county, django_assert_max_num_queries):
    """``notify`` asks the access rule once for all recipients (at most two queries), not once per
    recipient, and keeps exactly the users ``visible_matters`` lets see the matter (§30 included)."""
    from xinfang.matters.access import users_who_see, visible_matters
    from xinfang.matters.models import MatterUnit
    from xinfang.org.models import User

    plain = register(county).matter
    act(county, "officer", plain, "forward", unit="T01")
    accusation = register(county, purpose="accusation", confidential=True, accused_unit="T01").matter
    act(county, "officer", accusation, "forward", unit="T02")
    MatterUnit.objects.create(matter=accusation, unit=county.town, role=MatterUnit.Role.CO, since=accusation.received_at)
    users = list(county.users.values())  # T01 is linked to the accusation against it, and still never sees it
    for matters in ([plain], [accusation], [plain, accusation]):
        expected = [u for u in users if visible_matters(u).filter(pk__in=[m.pk for m in matters]).count() == len(matters)]
        assert users_who_see(users, matters) == expected
    seeing = {u.username for u in users_who_see(users, [accusation])}
    assert "handler2" in seeing and not seeing & {"handler", "uleader", "dhandler", "nobody"}
    many = users + [User.objects.create(username=f"h{i}", unit=county.other_town if i % 2 else county.town,
                                        roles=["unit_handler"]) for i in range(40)]
    for recipients in (users[:3], many):
        with django_assert_max_num_queries(4):  # the access rule (2), the keys already sent, the insert
            notify(recipients, kind="routed", title="测试", key=f"bounded:{len(recipients)}", matter=plain)
    sent = set(StaffNotice.objects.filter(key=f"bounded:{len(many)}").values_list("recipient__username", flat=True))
    assert sent == {u.username for u in many if visible_matters(u).filter(pk=plain.pk).exists()}
    assert {f"h{i}" for i in range(0, 40, 2)} <= sent and not sent & {f"h{i}" for i in range(1, 40, 2)}
