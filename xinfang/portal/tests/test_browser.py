"""Done-when (issue 4): a phone submits, tracks, downloads, evaluates and applies for 复查.

Phone viewport 390×844 in headless Debian Chromium. Staff acts go through the services (the
workbench has its own browser tests). Screenshots of each portal page at phone and desktop
sizes go to test-artifacts/screenshots/portal-*.png.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xinfang.matters.models import Matter
from xinfang.matters.services.numbering import format_query_code
from xinfang.notifications.models import Notification
from xinfang.notifications.senders.logging import LoggingSender
from xinfang.portal.models import ReceptionDay
from xinfang.testing.factories import act

from .conftest import solve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
MOBILE = "13912345678"


def new_page(browser, size):
    context = browser.new_context(**size, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    context.set_default_timeout(20000)
    return context.new_page()


def shoot_both(browser, screenshot, url, name, *, cookies=None):
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(browser, size)
        if cookies:
            page.context.add_cookies(cookies)
        page.goto(url)
        screenshot(page, f"portal-{name}-{label}", full_page=True)
        page.context.close()


def answer_challenge(page):
    page.fill("input[name=challenge_answer]", solve(page.inner_text(".p-challenge__q")))


def fill_petition(page, county, *, id_number):
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=phone]", MOBILE)
    page.fill("input[name=address]", "城关镇东关村 8 号")
    page.check("input[name=purpose][value=request]")
    page.select_option("select[name=town]", county.town_region.code)
    page.select_option("select[name=village]", county.village.code)
    page.fill("input[name=region_detail]", "幸福小区")
    page.select_option("select[name=category_top]", "010000")
    page.select_option("select[name=category]", "010100")
    page.fill("input[name=title]", "小区停车收费问题")
    page.fill("textarea[name=request]", "请求退还多收的停车费。")
    page.fill("textarea[name=facts]", "物业公司自 2026 年 3 月起每月多收停车费 50 元。")
    page.check("input[name=consent]")


def test_petitioner_journey_on_a_phone(browser, live_url, county, screenshot, settings):
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 3
    page = new_page(browser, PHONE)

    # 1. submit: a first attempt with a mistyped ID number keeps everything else
    page.goto(f"{live_url}/public/")
    page.click("text=我要信访")
    fill_petition(page, county, id_number="110105194912310021")
    village_options = page.eval_on_selector_all("select[name=village] option", "els => els.map(e => e.value)")
    assert village_options == ["", county.village.code]  # the two-level picker follows the town
    answer_challenge(page)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector(".p-error")
    assert "身份证号码校验位错误" in page.inner_text("body")
    assert page.input_value("input[name=title]") == "小区停车收费问题"
    screenshot(page, "portal-submit-errors-phone", full_page=True)
    page.fill("input[name=id_number]", "11010519491231002X")
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.wait_for_url("**/public/submit/done/")
    number = page.inner_text("[data-testid=matter-number]").strip()
    code = page.inner_text("[data-testid=query-code]").strip()
    screenshot(page, "portal-submit-done-phone", full_page=True)
    shoot_both(browser, screenshot, page.url, "submit-done", cookies=page.context.cookies())

    # the code arrived by SMS (logging sender) and is the one on screen
    sms = LoggingSender.messages_to(MOBILE)
    assert len(sms) == 1 and code in sms[0].text and number in sms[0].text
    matter = Matter.objects.get(number=number)
    assert matter.channel == "online" and format_query_code(matter.petitions.get().query_code) == code

    # 2. staff forward, the town accepts (services, as the workbench would)
    act(county, "officer", matter, "forward", unit="T01")
    act(county, "handler", matter, "accept")

    # 3. the petitioner tracks it on a fresh phone session and downloads the acceptance notice
    page.context.close()
    page = new_page(browser, PHONE)
    page.goto(f"{live_url}/public/track/")
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code.lower())
    page.click("button[type=submit]")
    page.wait_for_url(f"**/public/matter/{number}/")
    body = page.inner_text("body")
    assert "城关镇人民政府" in body and "已受理，正在办理" in body and "受理告知书" in body
    assert "11010519491231002X" not in page.content() and MOBILE not in page.content()
    screenshot(page, "portal-matter-phone", full_page=True)
    with page.expect_download() as download_info:
        page.click("[data-testid=download-acceptance_notice]")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    # 4. evaluate the bureau
    page.click("text=评价信访部门")
    page.wait_for_url("**/evaluate/bureau/")
    screenshot(page, "portal-evaluate-phone", full_page=True)
    page.click("label.p-choice:has-text('基本满意')")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/public/matter/{number}/")
    assert "感谢您的评价" in page.inner_text("body")
    assert matter.events.get(action="evaluate").params["rating"] == "basically_satisfied"

    # 5. after a reply and its delivery, apply for 复查 (addressed to the town's superior)
    act(county, "handler", matter, "reply", outcome="not_support", opinion="经核查，收费符合合同约定。",
        legal_basis="《物业管理条例》")
    act(county, "handler", matter, "deliver", method="portal")
    page.reload()
    page.click("text=申请复查")
    page.wait_for_url("**/appeal/")
    assert page.inner_text("[data-testid=appeal-body]") == "示范县人民政府"
    screenshot(page, "portal-appeal-phone", full_page=True)
    shoot_both(browser, screenshot, page.url, "appeal", cookies=page.context.cookies())
    page.fill("textarea[name=reason]", "合同并未约定停车费，处理意见认定事实不清。")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/public/matter/{number}/")
    assert "复查中" in page.inner_text("body")
    matter.refresh_from_db()
    assert matter.status == "review_requested" and matter.review_body.code == "GOV"
    screenshot(page, "portal-matter-review-phone", full_page=True)
    granted = page.context.cookies()

    # 6. the notifications are recorded and sent
    keys = list(Notification.objects.filter(matter=matter).values_list("template_key", "status"))
    assert keys == [("registered", "sent"), ("accepted", "sent"), ("replied", "sent"), ("delivered", "sent")]

    # 7. wrong codes are throttled
    other = new_page(browser, PHONE)
    other.goto(f"{live_url}/public/track/")
    for attempt in range(3):
        other.fill("input[name=number]", number)
        other.fill("input[name=code]", f"WRONG{attempt}CODE")
        with other.expect_navigation():
            other.click("button[type=submit]")
    assert "查询码输入错误次数过多" in other.inner_text("body")
    screenshot(other, "portal-track-locked-phone", full_page=True)
    other.context.close()

    # 8. every portal page, phone and desktop
    ReceptionDay.objects.create(leader_name="李明", leader_title="县委书记", place="县信访局接待大厅",
                                date=timezone.localdate() + dt.timedelta(days=5), topic="城乡建设、物业管理",
                                start_time=dt.time(9), end_time=dt.time(12), note="可提前电话预约")
    for path, name in [("/public/", "home"), ("/public/submit/", "submit"), ("/public/track/", "track"),
                       ("/public/guide/", "guide"), ("/public/reception/", "reception"),
                       ("/public/contact/", "contact"), ("/public/privacy/", "privacy"), ("/public/suggest/", "suggest")]:
        shoot_both(browser, screenshot, live_url + path, name)
    for path, name in [(f"/public/matter/{number}/", "matter"), (f"/public/matter/{number}/remind/", "remind"),
                       (f"/public/matter/{number}/evaluate/unit/", "evaluate")]:
        shoot_both(browser, screenshot, live_url + path, name, cookies=granted)
    page.context.close()
