"""The petitioner's acts behind the 查询码: evaluate (可评价), 复查/复核 and 催办 (可督办)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.core.errors import NotAllowed
from xinfang.matters.models import Attachment, Event
from xinfang.portal.models import PetitionerReminder
from xinfang.portal.services import open_reminders, reminder_mark_handled
from xinfang.testing.factories import act, at, register
from xinfang.workdays.models import RuleSet

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def sign_in(client, result):
    response = client.post("/public/track/", {"number": result.matter.number, "code": result.petition.query_code})
    assert response.status_code == 302
    return f"/public/matter/{result.matter.number}/"


@pytest.fixture
def accepted(county):
    result = register(county)
    act(county, "officer", result.matter, "forward", unit="T01")
    act(county, "handler", result.matter, "accept")
    return result


# ---- evaluate -------------------------------------------------------------------------------


def test_no_evaluation_before_acceptance(client, county):
    result = register(county)
    base = sign_in(client, result)
    assert "受理后可评价信访部门的工作" in client.get(base).content.decode()
    page = client.get(base + "evaluate/bureau/").content.decode()
    assert "受理后可评价" in page and "<form" not in page.split("</header>")[1].split("<footer")[0]
    response = client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "satisfied"})
    assert "不能执行“评价”" in response.content.decode()
    assert not Event.objects.filter(action="evaluate").exists()


def test_evaluate_the_bureau_once(client, accepted, django_capture_on_commit_callbacks):
    base = sign_in(client, accepted)
    assert "评价信访部门" in client.get(base).content.decode()
    response = client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "basically_satisfied"})
    assert response.status_code == 302 and response["Location"] == base
    event = Event.objects.get(action="evaluate")
    assert event.via == "portal" and event.actor is None
    assert event.params["target"] == "bureau" and event.params["rating"] == "basically_satisfied"
    again = client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "satisfied"})
    assert "已对该对象作出评价，不能重复评价" in again.content.decode()
    assert Event.objects.filter(action="evaluate").count() == 1
    assert "您已作出评价" in client.get(base).content.decode()


def test_dissatisfied_needs_a_reason_and_opens_a_callback(client, accepted):
    base = sign_in(client, accepted)
    response = client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "dissatisfied", "comment": " "})
    assert "请写明不满意的理由" in response.content.decode()
    assert not Event.objects.filter(action="evaluate").exists()
    first = client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "dissatisfied", "comment": "转送太慢"})
    page = first.content.decode()  # 不满意 cannot be taken back: asked once more, nothing recorded yet
    assert first.status_code == 200 and 'data-testid="confirm-dissatisfied"' in page and "转送太慢" in page
    assert not Event.objects.filter(action="evaluate").exists()
    client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "dissatisfied", "comment": "转送太慢",
                                            "confirm": "1"})
    event = Event.objects.get(action="evaluate")
    assert event.params == {**event.params, "target": "bureau", "rating": "dissatisfied", "comment": "转送太慢"}
    from xinfang.supervision.models import CallbackTask  # the supervision hook reads rating/target/comment

    assert CallbackTask.objects.filter(event=event, matter=accepted.matter).exists()


def test_one_re_evaluation_when_the_setting_allows(client, accepted):
    RuleSet.objects.create(version=2, allow_reevaluation=True, note="允许重新评价一次")
    base = sign_in(client, accepted)
    client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "dissatisfied", "comment": "慢", "confirm": "1"})
    assert "可在评价期限内重新评价一次" in client.get(base).content.decode()
    assert client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "satisfied"}).status_code == 302
    third = client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "satisfied"})
    assert third.status_code == 200 and Event.objects.filter(action="evaluate").count() == 2


def test_unit_is_evaluated_after_the_reply(client, county, accepted):
    base = sign_in(client, accepted)
    assert "出具处理意见后可评价其工作" in client.get(base + "evaluate/unit/").content.decode()
    act(county, "handler", accepted.matter, "reply", outcome="support", opinion="支持", legal_basis="依据")
    assert client.post(base + "evaluate/unit/", {"target": "unit", "rating": "satisfied"}).status_code == 302
    assert Event.objects.get(action="evaluate").params["evaluated_unit"] == "T01"


@pytest.mark.parametrize(("flags", "reason"), [
    ({"law_related": True}, "涉法涉诉事项"),
    ({"purpose": "accusation", "accused_unit": "D01"}, "检举控告类事项"),
])
def test_excluded_matters_say_why(client, county, flags, reason):
    result = register(county, **flags)
    act(county, "officer", result.matter, "forward", unit="T01")
    act(county, "handler", result.matter, "accept")
    base = sign_in(client, result)
    assert reason in client.get(base).content.decode()
    page = client.get(base + "evaluate/bureau/").content.decode()
    assert reason in page
    client.post(base + "evaluate/bureau/", {"target": "bureau", "rating": "satisfied"})
    assert not Event.objects.filter(action="evaluate").exists()


def test_unknown_target_is_404(client, accepted):
    assert client.get(sign_in(client, accepted) + "evaluate/mayor/").status_code == 404


# ---- 复查 / 复核 -----------------------------------------------------------------------------


@pytest.fixture
def delivered(county, accepted):
    act(county, "handler", accepted.matter, "reply", outcome="not_support", opinion="不予支持", legal_basis="依据")
    act(county, "handler", accepted.matter, "deliver", method="portal")
    return accepted


def test_review_only_after_delivery(client, county, accepted):
    act(county, "handler", accepted.matter, "reply", outcome="not_support", opinion="不予支持", legal_basis="依据")
    base = sign_in(client, accepted)
    page = client.get(base + "appeal/").content.decode()
    assert "信访处理意见书送达后 30 日内" in page and 'name="reason"' not in page
    response = client.post(base + "appeal/", {"reason": "不服"})
    assert "意见尚未送达" in response.content.decode()
    accepted.matter.refresh_from_db()
    assert accepted.matter.status == "replied"


def test_apply_for_review_with_reason_and_attachment(client, delivered):
    base = sign_in(client, delivered)
    page = client.get(base + "appeal/").content.decode()
    assert "示范县人民政府" in page and "申请复查" in page
    response = client.post(base + "appeal/", {
        "reason": "处理意见认定事实不清。", "attachments": [SimpleUploadedFile("新证据.pdf", PDF)]})
    assert response.status_code == 302
    delivered.matter.refresh_from_db()
    assert delivered.matter.status == "review_requested" and delivered.matter.review_body.code == "GOV"
    event = Event.objects.get(action="request_review")
    assert event.via == "portal" and event.params["reason"] == "处理意见认定事实不清。"
    assert Attachment.objects.filter(matter=delivered.matter, name="复查申请-新证据.pdf").exists()
    assert "已申请复查，由示范县人民政府办理" in client.get(base).content.decode()


def test_disguised_attachment_blocks_the_application(client, delivered):
    base = sign_in(client, delivered)
    response = client.post(base + "appeal/", {"reason": "不服", "attachments": [SimpleUploadedFile("x.pdf", b"GIF89a....")]})
    assert "内容与扩展名不符" in response.content.decode()
    delivered.matter.refresh_from_db()
    assert delivered.matter.status == "replied"


def test_recheck_goes_to_the_superior_of_the_review_body(client, county, delivered):
    base = sign_in(client, delivered)
    client.post(base + "appeal/", {"reason": "不服"})
    act(county, "officer", delivered.matter, "review_decide", outcome="uphold", opinion="维持")
    act(county, "officer", delivered.matter, "deliver", method="mail")
    assert "示范市人民政府" in client.get(base + "appeal/").content.decode()
    assert client.post(base + "appeal/", {"reason": "仍不服"}).status_code == 302
    delivered.matter.refresh_from_db()
    assert delivered.matter.status == "recheck_requested" and delivered.matter.recheck_body.code == "CITYGOV"


def test_lapsed_window_refuses(client, county):
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, tzinfo=CST), tick=False):
        result = register(county, received_at=at("2026-09-10"))
        act(county, "officer", result.matter, "forward", unit="T01", occurred_at=at("2026-09-11"))
        act(county, "handler", result.matter, "accept", occurred_at=at("2026-09-12"))
        act(county, "handler", result.matter, "reply", outcome="explain", opinion="说明", legal_basis="依据",
            occurred_at=at("2026-10-01"))
        act(county, "handler", result.matter, "deliver", method="mail", occurred_at=at("2026-10-02"))
        base = sign_in(client, result)
        assert "申请复查的期限已于 2026-11-02 届满" in client.get(base + "appeal/").content.decode()
        response = client.post(base + "appeal/", {"reason": "不服"})
        assert "届满" in response.content.decode()


# ---- 催办 ------------------------------------------------------------------------------------


def test_reminder_only_when_an_authority_is_late(client, county):
    with time_machine.travel(dt.datetime(2026, 10, 20, 9, tzinfo=CST), tick=False) as clock:
        result = register(county, received_at=at("2026-10-19"))
        base = sign_in(client, result)
        assert "暂不能催办" in client.get(base + "remind/").content.decode()
        assert "暂不能催办" in client.post(base + "remind/", {"text": "请尽快办理"}).content.decode()
        clock.shift(dt.timedelta(days=20))  # the bureau's 15-day disposal limit has passed
        base = sign_in(client, result)
        assert "催办" in client.get(base).content.decode()
        assert client.post(base + "remind/", {"text": "已过期限，请督促"}).status_code == 302
        again = client.post(base + "remind/", {"text": "再催"})
        assert "请勿重复提交" in again.content.decode()
    reminder = PetitionerReminder.objects.get()
    assert reminder.deadline_kind == "dispose" and reminder.overdue_unit == county.bureau
    assert reminder.message == "已过期限，请督促"
    assert list(open_reminders()) == [reminder]


def test_reminders_are_handled_by_the_bureau_only(county):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=CST), tick=False):
        result = register(county, received_at=at("2026-10-01"))
        from xinfang.portal.services.petitioner import request_reminder

        reminder = request_reminder(petition=result.petition, text_value="请督促")
    with pytest.raises(NotAllowed):
        reminder_mark_handled(actor=county.users["handler"], reminder=reminder)
    reminder_mark_handled(actor=county.users["officer"], reminder=reminder, note="已电话督办")
    reminder.refresh_from_db()
    assert reminder.handled and reminder.handled_by == county.users["officer"]
    assert list(open_reminders()) == []


def test_supervision_list_shows_portal_reminders(client, county):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=CST), tick=False):
        result = register(county, received_at=at("2026-09-01"))
        act(county, "officer", result.matter, "forward", unit="T01", occurred_at=at("2026-09-02"))
        from xinfang.portal.services.petitioner import request_reminder

        reminder = request_reminder(petition=result.petition, text_value="请督促办理")
    assert reminder.deadline_kind == "accept" and reminder.overdue_unit == county.town
    client.force_login(county.users["officer"])
    page = client.get("/supervision/reminders/").content.decode()
    assert result.matter.number in page and "请督促办理" in page and "城关镇人民政府" in page


def test_supervision_list_shows_a_reminder_against_the_bureau(client, county):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=CST), tick=False):
        result = register(county, received_at=at("2026-10-01"))
        from xinfang.portal.services.petitioner import request_reminder

        request_reminder(petition=result.petition, text_value="请督促办理")
    client.force_login(county.users["officer"])
    page = client.get("/supervision/reminders/").content.decode()
    assert result.matter.number in page and "请督促办理" in page


# ---- every act needs the session grant -------------------------------------------------------


@pytest.mark.parametrize("path", ["", "evaluate/bureau/", "appeal/", "remind/", "notices/1/registration_receipt/"])
def test_acts_need_the_query_code_first(client, accepted, path):
    response = client.get(f"/public/matter/{accepted.matter.number}/{path}")
    assert response.status_code == 302 and response["Location"].startswith("/public/track/")
    if path:
        assert client.post(f"/public/matter/{accepted.matter.number}/{path}", {"rating": "satisfied",
                                                                                 "reason": "x", "text": "x"}).status_code in (302, 405)
    assert not Event.objects.filter(action__in=["evaluate", "request_review"]).exists()
    assert not PetitionerReminder.objects.exists()


def test_staff_login_does_not_grant_petitioner_acts(client, county, accepted):
    client.force_login(county.users["officer"])
    assert client.get(f"/public/matter/{accepted.matter.number}/").status_code == 302
