"""Notices are written with each act (an outbox) and sent after commit, with the 查询码 and the next right and deadline."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from xinfang.matters.models import Petition
from xinfang.matters.services.numbering import format_query_code
from xinfang.matters.services.registration import register_petition
from xinfang.notifications.models import Notification
from xinfang.notifications.senders.logging import LoggingSender
from xinfang.notifications.services import create_for_event
from xinfang.testing.factories import act, at, petition_data, register

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))
PHONE = "13812345678"


def texts():
    return [r.text for r in LoggingSender.messages_to(PHONE)]


@time_machine.travel(dt.datetime(2026, 12, 15, 9, tzinfo=CST), tick=False)
def test_each_act_tells_the_petitioner_with_code_and_next_right(county, committed):
    with committed():
        result = register(county, received_at=at("2026-09-10"))
    matter, code = result.matter, format_query_code(result.petition.query_code)
    assert len(texts()) == 1
    first = texts()[0]
    assert matter.number in first and code in first
    assert "2026-09-28" in first  # the bureau's 15-day disposal limit (holiday roll-over)

    with committed():
        act(county, "officer", matter, "forward", unit="T01", occurred_at=at("2026-09-29"))
    assert len(texts()) == 1  # forwarding is the bureau's internal act: no message
    with committed():
        act(county, "handler", matter, "accept", occurred_at=at("2026-10-09"))
    accepted = texts()[-1]
    assert "城关镇人民政府受理" in accepted and "2026-12-08" in accepted and code in accepted
    assert "评价" in accepted  # the evaluation window of the bureau opened

    with committed():
        act(county, "handler", matter, "request_extension", days=10, reason="需现场核查", occurred_at=at("2026-11-01"))
    assert len(texts()) == 2  # a request alone is not told; the approval is
    with committed():
        act(county, "uleader", matter, "approve_extension", occurred_at=at("2026-11-02"))
    assert "延长至2026-12-18" in texts()[-1] and "需现场核查" in texts()[-1]

    with committed():
        act(county, "handler", matter, "reply", outcome="explain", opinion="经核查……", legal_basis="《物业管理条例》",
            occurred_at=at("2026-11-20"))
    assert "示范县人民政府申请复查" in texts()[-1] and "解释说明" in texts()[-1]
    with committed():
        act(county, "handler", matter, "deliver", method="in_person", occurred_at=at("2026-11-21"))
    assert "您可在2026-12-21前向示范县人民政府申请复查" in texts()[-1]

    with committed():
        act(county, "registrar", matter, "request_review", reason="不服", occurred_at=at("2026-11-25"))
        act(county, "officer", matter, "review_decide", outcome="uphold", opinion="维持", occurred_at=at("2026-12-01"))
    assert "复查意见（维持）" in texts()[-1] and "示范市人民政府申请复核" in texts()[-1]
    with committed():
        act(county, "officer", matter, "deliver", method="mail", occurred_at=at("2026-12-02"))
        act(county, "registrar", matter, "request_recheck", reason="仍不服", occurred_at=at("2026-12-03"))
        act(county, "officer", matter, "recheck_decide", outcome="uphold", opinion="维持", occurred_at=at("2026-12-04"))
    assert "复核意见为终结意见" in texts()[-1]

    keys = list(Notification.objects.filter(matter=matter).values_list("template_key", flat=True))
    assert keys == ["registered", "accepted", "extended", "replied", "delivered", "review_decided", "delivered",
                    "recheck_decided"]
    assert set(Notification.objects.filter(matter=matter).values_list("status", flat=True)) == {"sent"}
    assert all(code in t for t in texts())


def test_anonymous_matters_get_no_notice(county, committed):
    with committed():
        register(county, anonymous=True, petitioners=[], channel="letter")
    assert Notification.objects.count() == 0 and LoggingSender.outbox == []


def test_landline_gets_no_sms(county, committed):
    data = petition_data(county)
    data["petitioners"][0]["phone"] = "01062345678"
    with committed():
        register_petition(actor=county.users["registrar"], data=data)
    assert Notification.objects.count() == 0


def test_repeat_petition_tells_only_its_own_petitioner_with_its_own_code(county, committed):
    from xinfang.matters.services.registration import add_petition
    from xinfang.testing.factories import valid_id

    result = register(county)
    with committed():
        repeat = add_petition(actor=county.users["registrar"], matter=result.matter, data={
            "channel": "phone", "petitioners": [{"name": "李四", "id_number": valid_id(900), "phone": "13900001111"}]})
    rows = list(Notification.objects.filter(matter=result.matter, event__action="add_petition"))
    assert [(n.recipient, n.template_key) for n in rows] == [("13900001111", "repeat_registered")]
    assert format_query_code(repeat.petition.query_code) in rows[0].text
    assert format_query_code(result.petition.query_code) not in rows[0].text


def test_later_acts_tell_every_petitioner_once_with_their_own_code(county, committed):
    from xinfang.matters.services.registration import add_petition
    from xinfang.testing.factories import valid_id

    result = register(county)
    add_petition(actor=county.users["registrar"], matter=result.matter, data={
        "channel": "phone", "petitioners": [{"name": "李四", "id_number": valid_id(901), "phone": "13900001112"}]})
    act(county, "officer", result.matter, "forward", unit="T01")
    with committed():
        act(county, "handler", result.matter, "accept")
    rows = {n.recipient: n for n in Notification.objects.filter(matter=result.matter, template_key="accepted")}
    second = Petition.objects.get(matter=result.matter, is_repeat=True)
    assert set(rows) == {PHONE, "13900001112"}
    assert format_query_code(result.petition.query_code) in rows[PHONE].text
    assert format_query_code(second.query_code) in rows["13900001112"].text


def test_the_notice_row_is_written_in_the_acts_transaction_and_the_hook_is_idempotent(county):
    """An outbox: without any after-commit callback the row is there, queued (a crash after the
    commit cannot lose it); running the hook again creates nothing."""
    result = register(county)
    event = result.matter.events.get(action="register")
    row = Notification.objects.get()
    assert row.event == event and row.status == "queued" and row.attempts == 0
    assert create_for_event(event, result.matter) == []
    assert Notification.objects.count() == 1


def test_email_is_sent_when_enabled(county, committed, settings):
    settings.XINFANG_EMAIL_ENABLED = True
    data = petition_data(county)
    data["petitioners"][0]["email"] = "Zhang.San@example.cn"
    with committed():
        register_petition(actor=county.users["registrar"], data=data)
    email = Notification.objects.get(channel="email")
    assert email.status == "sent" and email.recipient == "zhang.san@example.cn"
    assert len(mail.outbox) == 1 and "登记告知" in mail.outbox[0].subject
    assert format_query_code(email.petition.query_code) in mail.outbox[0].body


def test_a_failing_sender_never_blocks_or_loses_the_petition(county, committed, settings):
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.tests.conftest.CrashingSender"
    with committed():
        result = register(county)
    assert result.matter.pk and result.matter.events.count() == 1
    n = Notification.objects.get()
    assert n.status == "queued" and n.attempts == 1 and "bug in sender" in n.last_error
    assert n.next_attempt_at is not None


def test_queue_only_mode_leaves_sending_to_the_runner(county, committed, settings):
    settings.XINFANG_NOTIFY_SEND_IMMEDIATELY = False
    with committed():
        register(county)
    n = Notification.objects.get()
    assert n.status == "queued" and n.attempts == 0 and LoggingSender.outbox == []


def test_periods_in_the_texts_come_from_the_rules_in_force(county, committed):
    """The review windows are settings: the SMS says the period in force, not a hard-coded 30日."""
    from xinfang.workdays.models import RuleSet, current_rules

    current = current_rules()
    periods = {**current.periods, "review_request": 45, "recheck_request": 40}
    RuleSet.objects.create(version=current.version + 1, periods=periods, note="测试：申请期限")
    matter = register(county).matter
    act(county, "officer", matter, "forward", unit="T01")
    act(county, "handler", matter, "accept")
    with committed():
        act(county, "handler", matter, "reply", outcome="explain", opinion="经核查……", legal_basis="某条例")
    assert "送达之日起45日内" in texts()[-1] and "30日" not in texts()[-1]
    act(county, "handler", matter, "deliver", method="in_person")
    act(county, "registrar", matter, "request_review", reason="不服")
    with committed():
        act(county, "officer", matter, "review_decide", outcome="uphold", opinion="维持")
    assert "送达之日起40日内" in texts()[-1]
