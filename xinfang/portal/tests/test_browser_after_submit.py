"""Issue 15 §15 and §6 in headless Chromium: on a phone, the petitioner recovers a lost 查询码, signs
in with it typed in lower case, adds material with a photo, taps 催办 once (confirming), and sees
the file a handler marked 对信访人可见; at 1366×768 the handler attaches files to an act and
marks one visible. Fails on any CSP violation. Screenshots: test-artifacts/screenshots/issue15-*.png
(copied to docs/screenshots/)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from xinfang.matters.models import Attachment, Event
from xinfang.matters.services.numbering import format_query_code
from xinfang.notifications.senders.logging import LoggingSender
from xinfang.portal.models import PetitionerReminder
from xinfang.testing.browser import CSP_LISTENER, _watch_csp
from xinfang.testing.factories import act, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 100
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       + b"\x00" * 64)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.XINFANG_EXPORT_INLINE = True


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(60000)  # a shared CI machine: the first page of the live server can be slow
    context.add_init_script(CSP_LISTENER)
    violations: list[str] = []
    dialogs: list[str] = []
    pg = context.new_page()
    _watch_csp(pg, violations)
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def test_petitioner_after_submitting_on_a_phone(phone, live_url, county, screenshot, tmp_path):
    page = phone
    # received 20 days ago: the bureau's 15-day disposal limit has passed
    received = (timezone.now() - dt.timedelta(days=20)).isoformat()
    result = register(county, received_at=received, petitioners=[{"name": "王小明", "phone": "13912345678"}])
    act(county, "officer", result.matter, "start_hearing", attachments_public=True,
        attachments=[_file("听证通知书.pdf", PDF)])
    act(county, "officer", result.matter, "end_hearing", attachments=[_file("内部笔录.pdf", PDF)])
    code = result.petition.query_code
    LoggingSender.clear()

    # 1. lost code: recover by SMS (the page never says whether the phone is known)
    page.goto(f"{live_url}/public/track/")
    page.click("[data-testid=recover-link]")
    page.fill("input[name=phone]", "139 1234 5678")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "如果该号码是您提交信访事项时留下的手机号码" in page.inner_text("[data-testid=recover-answer]")
    screenshot(page, "issue15-portal-recover-phone", full_page=True)
    page.wait_for_timeout(500)  # the SMS leaves after the response
    sms = [m for m in LoggingSender.outbox if m.template_key == "code_recovery"]
    assert sms and format_query_code(code) in sms[0].text

    # 2. sign in with the code as read from the SMS, in lower case with the separators
    page.goto(f"{live_url}/public/track/")
    page.fill("input[name=number]", result.matter.number)
    page.fill("input[name=code]", format_query_code(code).lower())
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/public/matter/" in page.url
    files = page.inner_text("[data-testid=public-attachments]")
    assert "听证通知书.pdf" in files and "内部笔录.pdf" not in files

    # 3. one-tap 催办 (the 15-day disposal limit has passed), confirmed in a dialog
    screenshot(page, "issue15-portal-remind-phone")
    page.click("[data-testid=one-tap-remind]")
    page.wait_for_selector("text=催办已提交")
    assert page.dialogs and "确认催办" in page.dialogs[0]
    assert PetitionerReminder.objects.filter(matter=result.matter).count() == 1
    screenshot(page, "issue15-portal-matter-phone", full_page=True)

    # 4. add material with a photo
    page.click("[data-testid=add-material]")
    page.fill("textarea[name=content]", "补充：4 月又多收了 50 元，附收据照片。")
    photo = tmp_path / "收据.png"
    photo.write_bytes(PNG)
    page.set_input_files("input[name=attachments]", str(photo))
    screenshot(page, "issue15-portal-material-phone", full_page=True)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "补充材料已提交" in page.inner_text("body")
    assert "补充材料-收据.png" in page.inner_text("[data-testid=public-attachments]")
    event = Event.objects.get(matter=result.matter, action="add_material")
    assert event.via == "portal" and Attachment.objects.get(event=event).public


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_handler_attaches_files_to_an_act_and_marks_one_visible(page, live_url, login, county, screenshot, tmp_path):
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    report = tmp_path / "现场调查报告.pdf"
    report.write_bytes(PDF)
    receipt = tmp_path / "送达回证.pdf"
    receipt.write_bytes(PDF)
    login(page, "handler")
    page.goto(f"{live_url}/matters/{m.number}/")
    page.click("details[data-action=accept] > summary")
    page.set_input_files("input[name=accept-attachments]", [str(report), str(receipt)])
    with page.expect_navigation():
        page.click("details[data-action=accept] button[type=submit]")
    listing = page.inner_text("[data-testid=attachments]")
    assert "现场调查报告.pdf" in listing and "受理" in listing and "仅内部" in listing
    row = page.locator("[data-testid=attachments] tr", has_text="送达回证.pdf")
    with page.expect_navigation():
        row.locator("button").click()
    assert Attachment.objects.get(name="送达回证.pdf").public
    assert not Attachment.objects.get(name="现场调查报告.pdf").public
    page.locator("#h-att").scroll_into_view_if_needed()
    screenshot(page, "issue15-staff-attachments")
    assert re.search(r"信访人可见", page.inner_text("[data-testid=attachments]"))
