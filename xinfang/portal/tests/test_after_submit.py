"""Issue 15 §15 (四可 after submitting): 补充材料, one-tap 催办, 查询码 recovery by SMS, a 查询码
easy to read aloud; and §6 seen from the portal (only files marked 对信访人可见)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.core.models import AccessLog
from xinfang.matters.models import Attachment, Event
from xinfang.matters.services.numbering import (
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
    format_query_code,
    new_query_code,
)
from xinfang.notices.models import StaffNotice
from xinfang.notifications.models import Notification
from xinfang.notifications.senders.logging import LoggingSender
from xinfang.portal.models import PetitionerReminder
from xinfang.testing.factories import act, at, register

pytestmark = pytest.mark.django_db
CST = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 100
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       + b"\x00" * 64)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.XINFANG_EXPORT_INLINE = True  # background sends run inline


def sign_in(client, result, code=None):
    response = client.post("/public/track/", {"number": result.matter.number, "code": code or result.petition.query_code})
    assert response.status_code == 302, response.content.decode()[:300]
    return f"/public/matter/{result.matter.number}/"


# ---- 查询码 easy to read aloud ----------------------------------------------------------------


def test_new_codes_have_no_look_alikes_and_are_shown_grouped():
    for ch in "0O1IL2Z5S8B6GQV":
        assert ch not in QUERY_CODE_ALPHABET
    codes = {new_query_code() for _ in range(200)}
    assert all(len(c) == QUERY_CODE_LENGTH and set(c) <= set(QUERY_CODE_ALPHABET) for c in codes)
    assert len(codes) == 200
    assert format_query_code("ACDEFHJKMNPR") == "ACDE-FHJK-MNPR"
    assert format_query_code("ABCDEFGHJK") == "ABCD-EFGH-JK"  # a code issued before keeps working, grouped


def test_code_accepted_with_or_without_separators_and_in_lower_case(client, county):
    result = register(county)
    grouped = format_query_code(result.petition.query_code)
    assert "-" in grouped
    for typed in (grouped, grouped.lower(), result.petition.query_code.lower(), " ".join(grouped.split("-"))):
        client.post(f"/public/matter/{result.matter.number}/signout/")
        sign_in(client, result, code=typed)


def test_an_old_style_code_keeps_working(client, county):
    result = register(county)
    result.petition.query_code = "ABCDEFGHJK"  # 10 characters of the alphabet used before issue 15
    result.petition.save(update_fields=["query_code"])
    sign_in(client, result, code="abcde-fghjk")


def test_the_done_page_and_the_sms_show_the_code_grouped(client, county, submit_petition):
    response, matter, petition = submit_petition()
    grouped = format_query_code(petition.query_code)
    assert grouped in client.get(response["Location"]).content.decode()
    assert grouped in Notification.objects.get(matter=matter).text


# ---- 补充材料 -------------------------------------------------------------------------------


def test_add_material_is_a_petition_act_on_both_timelines_and_tells_the_unit(client, county,
                                                                            django_capture_on_commit_callbacks):
    result = register(county)
    act(county, "officer", result.matter, "forward", unit="T01")
    base = sign_in(client, result)
    assert 'data-testid="add-material"' in client.get(base).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base + "material/", {"content": "补充：物业公司 4 月又多收了 50 元。",
                                                    "attachments": [SimpleUploadedFile("收据.pdf", PDF)]})
    assert response.status_code == 302
    event = Event.objects.get(matter=result.matter, action="add_material")
    assert event.via == "portal" and event.params["attachments"] == 1 and "4 月又多收" in event.params["content"]
    att = Attachment.objects.get(event=event)
    assert att.public and att.via == "portal" and att.name == "补充材料-收据.pdf" and att.mime == "application/pdf"
    page = client.get(base).content.decode()
    assert "补充材料" in page and "补充材料-收据.pdf" in page  # the public timeline and the file list
    assert client.get(base + f"attachments/{att.pk}/").status_code == 200
    notice = StaffNotice.objects.get(recipient=county.users["handler"], kind="material")
    assert result.matter.number in notice.title
    assert not StaffNotice.objects.filter(recipient=county.users["handler2"], kind="material").exists()


def test_add_material_files_go_to_the_petition_whose_code_was_used(client, county):
    """A matter with a repeat petition from a second person: that person's 查询码 files their material
    under their own petition (the event records which), not under the first petition."""
    from xinfang.matters.services.registration import add_petition

    first = register(county)
    repeat = add_petition(actor=county.users["registrar"], matter=first.matter, data={
        "channel": "letter", "petitioners": [{"name": "李四", "phone": "13900001111", "address": "东关村2号"}]})
    base = sign_in(client, first, code=repeat.petition.query_code)
    response = client.post(base + "material/", {"content": "补充证明", "attachments": [SimpleUploadedFile("证明.pdf", PDF)]})
    assert response.status_code == 302
    event = Event.objects.get(matter=first.matter, action="add_material")
    assert event.params["petition"] == repeat.petition.number
    assert Attachment.objects.get(event=event).petition_id == repeat.petition.pk != first.petition.pk


def test_add_material_needs_text_or_files_and_refuses_hostile_files(client, county):
    result = register(county)
    base = sign_in(client, result)
    empty = client.post(base + "material/", {"content": " "})
    assert empty.status_code == 400 and "请填写补充内容或选择要上传的材料" in empty.content.decode()
    bad = client.post(base + "material/", {"content": "见附件", "attachments": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 50)]})
    assert bad.status_code == 400 and "内容与扩展名不符" in bad.content.decode()
    assert not Event.objects.filter(action="add_material").exists() and not Attachment.objects.exists()


def test_no_material_after_the_matter_is_closed(client, county):
    result = register(county)
    act(county, "registrar", result.matter, "answer", reply="已当场答复。")
    base = sign_in(client, result)
    assert "不能再补充材料" in client.get(base + "material/").content.decode()
    response = client.post(base + "material/", {"content": "补充"})
    assert response.status_code == 400 and not Event.objects.filter(action="add_material").exists()


# ---- files of staff acts, seen from the portal ----------------------------------------------


def test_the_portal_shows_only_files_marked_visible(client, county):
    result = register(county)
    act(county, "officer", result.matter, "forward", unit="T01")
    act(county, "handler", result.matter, "accept",
        attachments=[SimpleUploadedFile("调查笔录.pdf", PDF)])  # internal by default
    act(county, "handler", result.matter, "start_hearing", attachments_public=True,
        attachments=[SimpleUploadedFile("听证通知.png", PNG)])
    internal = Attachment.objects.get(name="调查笔录.pdf")
    public = Attachment.objects.get(name="听证通知.png")
    assert not internal.public and public.public and public.event.action == "start_hearing"
    base = sign_in(client, result)
    page = client.get(base).content.decode()
    assert "听证通知.png" in page and "调查笔录.pdf" not in page
    assert client.get(base + f"attachments/{internal.pk}/").status_code == 404
    assert client.get(base + f"attachments/{public.pk}/").status_code == 200


def test_files_of_a_matter_not_published_are_not_shown(client, county):
    result = register(county, public=False)
    act(county, "officer", result.matter, "start_hearing", attachments_public=True,
        attachments=[SimpleUploadedFile("通知.pdf", PDF)])
    base = sign_in(client, result)
    att = Attachment.objects.get()
    assert "通知.pdf" not in client.get(base).content.decode()
    assert client.get(base + f"attachments/{att.pk}/").status_code == 404


# ---- one-tap 催办 -----------------------------------------------------------------------------


def test_one_tap_reminder_is_confirmed_throttled_recorded_and_told(client, county):
    with time_machine.travel(dt.datetime(2026, 10, 20, 9, tzinfo=CST), tick=False) as clock:
        result = register(county, received_at=at("2026-10-19"))
        clock.shift(dt.timedelta(days=20))  # the bureau's 15-day disposal limit has passed
        base = sign_in(client, result)
        page = client.get(base).content.decode()
        form = re.search(r'<form method="post" action="([^"]+)"[^>]*data-confirm="([^"]+)"', page)
        assert form and form.group(1) == base + "remind/" and "确认催办" in form.group(2)
        assert client.post(base + "remind/", {}).status_code == 302  # one tap: no text needed
        again = client.post(base + "remind/", {})
        assert "请勿重复提交" in again.content.decode()
        assert "您已于 2026-11-09 提交催办" in client.get(base).content.decode()
        clock.shift(dt.timedelta(days=8))  # the interval (7 days) has passed
        assert client.post(sign_in(client, result) + "remind/", {}).status_code == 302
    first, _second = PetitionerReminder.objects.order_by("created_at")
    assert "一键催办" in first.text and first.deadline_kind == "dispose"
    assert StaffNotice.objects.filter(recipient=county.users["officer"], kind="urged").count() == 2
    assert not StaffNotice.objects.filter(recipient=county.users["handler"], kind="urged").exists()


# ---- 查询码 recovery by SMS ------------------------------------------------------------------


def _recover(client, phone):
    return client.post("/public/track/recover/", {"phone": phone})


def test_recovery_sends_the_codes_only_to_the_phone_given_and_answers_the_same(client, county,
                                                                                django_capture_on_commit_callbacks):
    one = register(county, petitioners=[{"name": "张三", "phone": "13812340001"}])
    two = register(county, petitioners=[{"name": "张三", "phone": "13812340001"}])
    LoggingSender.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = _recover(client, "138 1234 0001")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _recover(client, "13812349999")
    assert known.status_code == unknown.status_code == 200
    answer = lambda r: re.search(r'data-testid="recover-answer">([^<]+)<', r.content.decode()).group(1)  # noqa: E731
    assert answer(known) == answer(unknown)
    for r in (known, unknown):
        assert one.petition.query_code not in r.content.decode() and one.matter.number not in r.content.decode()
    sent = [m for m in LoggingSender.outbox if m.template_key == "code_recovery"]
    assert [m.recipient for m in sent] == ["13812340001"]
    for result in (one, two):
        assert result.matter.number in sent[0].text and format_query_code(result.petition.query_code) in sent[0].text
    assert AccessLog.objects.filter(object_type="code_recovery").count() == 2
    assert "13812340001" not in str(list(AccessLog.objects.values_list("object_ref", "detail")))  # masked


def test_recovery_is_throttled_per_phone_and_per_address(client, county, settings):
    settings.XINFANG_PORTAL_RECOVERY_PHONE_LIMIT = 2
    settings.XINFANG_PORTAL_RECOVERY_IP_LIMIT = 4
    assert _recover(client, "13812340001").status_code == 200
    assert _recover(client, "13812340001").status_code == 200
    third = _recover(client, "13812340001")
    assert third.status_code == 429 and "次数过多" in third.content.decode()
    assert _recover(client, "13812340002").status_code == 200  # another phone, same address
    assert _recover(client, "13812340003").status_code == 200
    blocked = _recover(client, "13812340004")  # the address has used its 4
    assert blocked.status_code == 429


def test_recovery_refuses_what_is_not_a_mobile_number(client, county):
    for phone in ("", "abc", "0311-12345678"):
        response = _recover(client, phone)
        assert response.status_code == 400 and "手机号码" in response.content.decode()
    assert not Notification.objects.exists()


def test_track_page_links_to_recovery(client):
    assert 'href="/public/track/recover/"' in client.get("/public/track/").content.decode()
