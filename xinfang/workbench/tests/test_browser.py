"""End-to-end in headless Chromium (issue 3 "Browser tests"), with screenshots at 1366×768.

Screenshots go to test-artifacts/screenshots/ (looked at during development; see docs/workbench.md).
"""

import datetime as dt
import os
import re

import pytest

from xinfang.matters.models import Matter
from xinfang.testing.factories import act, at, make_county, register, valid_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def open_action(page, action):
    page.click(f"details[data-action={action}] > summary")
    return page.locator(f"details[data-action={action}] form")


def fill_person(page, index, name, id_number, phone, address, representative=False):
    page.fill(f"input[name=p-{index}-name]", name)
    page.fill(f"input[name=p-{index}-id_number]", id_number)
    page.fill(f"input[name=p-{index}-phone]", phone)
    page.fill(f"input[name=p-{index}-address]", address)
    if representative:
        page.check(f"input[name=p-{index}-is_representative]")


def fill_matter(page, title, content, headcount=None):
    page.select_option("select[name=category]", "010101")
    page.select_option("select[name=region]", "139999100001")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=content]", content)
    if headcount:
        page.fill("input[name=headcount]", str(headcount))


def matter_number(page):
    return re.search(r"/matters/([^/]+)/", page.url).group(1)


def test_full_workflow_in_the_browser(page, live_url, login, screenshot, settings):
    settings.XINFANG_EXPORT_INLINE = False
    county = make_county()
    for _ in range(3):
        register(county)  # some other work in the county
    page.goto(f"{live_url}/login/")
    screenshot(page, "workbench-login")

    # ---- registrar: a collective visit with representatives ------------------------------
    login(page, "registrar")
    assert "快速登记" in page.content()
    screenshot(page, "workbench-home-registrar")
    page.goto(f"{live_url}/register/visit/")
    assert page.evaluate("document.activeElement.name") == "p-0-name"  # autofocus
    rep_ids = [valid_id(901), valid_id(902), valid_id(903)]
    fill_person(page, 0, "李大强", rep_ids[0], "13900001111", "东关村3组", representative=True)
    page.wait_for_selector(".field__ok")  # ID checked as it was typed
    assert "号码有效" in page.inner_text("#person-rows")
    page.click(".js-add-person")
    fill_person(page, 1, "王秀英", rep_ids[1], "13900002222", "东关村3组", representative=True)
    page.click(".js-add-person")
    fill_person(page, 2, "赵建国", rep_ids[2], "13900003333", "东关村4组", representative=True)
    fill_matter(page, "东关村3组集体反映征地补偿款未发放", "12名村民集体来访，反映2025年征地补偿款至今未发放到位，要求尽快发放。", 12)
    page.set_input_files("input[name=attachments]", files=[
        {"name": "村民联名材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"}])
    assert "村民联名材料.pdf" in page.inner_text(".file-pick__names")
    screenshot(page, "workbench-register-visit", full_page=True)
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(r"/matters/XF"))
    assert "登记成功" in page.content()
    first = matter_number(page)
    m = Matter.objects.get(number=first)
    assert m.attachments.get().name == "村民联名材料.pdf"
    with page.expect_response(re.compile(r"/attachments/")) as resp:
        page.evaluate("url => fetch(url)", f"/matters/{first}/attachments/{m.attachments.get().pk}/")
    assert resp.value.status == 200
    assert m.is_collective and m.headcount == 12 and m.petitions.get().person_links.filter(is_representative=True).count() == 3

    # ---- the same people come again: the repeat is detected before saving -------------------
    page.goto(f"{live_url}/register/visit/")
    fill_person(page, 0, "李大强", rep_ids[0], "13900001111", "东关村3组")
    page.wait_for_selector("[data-testid=duplicates]")  # live duplicate check
    assert first in page.inner_text("[data-testid=duplicates]")
    page.locator("[data-testid=duplicates]").scroll_into_view_if_needed()
    screenshot(page, "workbench-register-duplicates")
    page.fill("textarea[name=content]", "再次来访催问征地补偿款。")
    page.click(f"[data-testid=link-repeat][value='{first}']")
    page.wait_for_url(f"**/matters/{first}/")
    assert "已作为重复件登记" in page.content()
    assert Matter.objects.get(number=first).petition_count == 2
    assert Matter.objects.count() == 4  # no new matter

    # ---- case officer forwards to the town -------------------------------------------------
    login(page, "officer")
    dispose_before = int(page.inner_text("[data-testid=dispose-count]"))
    screenshot(page, "workbench-home-officer")
    page.goto(f"{live_url}/matters/{first}/")
    form = open_action(page, "forward")
    form.locator("select[name=forward-unit]").select_option("T01")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已完成“转送”" in page.content()
    assert page.inner_text("[data-testid=status]") == "已转送"
    page.goto(f"{live_url}/")
    assert int(page.inner_text("[data-testid=dispose-count]")) == dispose_before - 1

    # ---- another unit cannot open it by URL ---------------------------------------------------
    login(page, "handler2")
    response = page.goto(f"{live_url}/matters/{first}/")
    assert response.status == 404

    # ---- the town accepts ---------------------------------------------------------------------
    login(page, "handler")
    assert page.inner_text("[data-testid=to-accept-count]") == "1"
    screenshot(page, "workbench-home-unit-handler")
    page.goto(f"{live_url}/batch/accept/")
    assert first in page.content()
    screenshot(page, "workbench-batch-accept")
    page.goto(f"{live_url}/matters/{first}/")
    open_action(page, "accept").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=status]") == "已受理"
    page.goto(f"{live_url}/")
    assert page.inner_text("[data-testid=to-accept-count]") == "0"
    assert page.inner_text("[data-testid=handling-count]") == "1"

    # ---- request an extension; a bad value is refused on its field --------------------------
    page.goto(f"{live_url}/matters/{first}/")
    form = open_action(page, "request_extension")
    form.locator("input[name=request_extension-days]").fill("10")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "请填写延期理由" in page.content() or "这个字段是必填项" in page.content() or "field--error" in page.content()
    form = page.locator("details[data-action=request_extension] form")
    assert form.locator("input[name=request_extension-days]").input_value() == "10"  # kept
    form.locator("textarea[name=request_extension-reason]").fill("涉及多部门，需会商核实补偿标准")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已完成“申请延期”" in page.content()

    # ---- the unit leader approves ---------------------------------------------------------------
    login(page, "uleader")
    assert page.inner_text("[data-testid=extension-count]") == "1"
    screenshot(page, "workbench-home-unit-leader")
    page.goto(f"{live_url}/matters/{first}/")
    open_action(page, "approve_extension").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已完成“批准延期”" in page.content()
    assert "延期告知书" in page.inner_text("[data-testid=timeline]")

    # ---- the handler replies ---------------------------------------------------------------------
    login(page, "handler")
    page.goto(f"{live_url}/matters/{first}/")
    form = open_action(page, "reply")
    form.locator("select[name=reply-outcome]").select_option("support")
    form.locator("textarea[name=reply-opinion]").fill("经核实，补偿款已于本月拨付到村集体账户，将于10日内发放到户。")
    form.locator("textarea[name=reply-legal_basis]").fill("《中华人民共和国土地管理法》第四十八条")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=status]") == "已答复"
    screenshot(page, "workbench-matter-page", full_page=False)
    screenshot(page, "workbench-matter-page-full", full_page=True)
    page.goto(f"{live_url}/matters/{first}/print/")
    page.emulate_media(media="print")
    screenshot(page, "workbench-matter-print", full_page=True)
    page.emulate_media(media="screen")
    page.goto(f"{live_url}/")
    assert page.inner_text("[data-testid=handling-count]") == "0"
    assert page.inner_text("[data-testid=deliver-count]") == "1"

    # ---- lists and exports -----------------------------------------------------------------------
    login(page, "officer")
    page.goto(f"{live_url}/matters/?status=replied")
    assert first in page.inner_text("[data-testid=matter-table]")
    page.goto(f"{live_url}/matters/")
    screenshot(page, "workbench-matter-list")
    page.click("[data-testid=export]")
    page.wait_for_selector("[data-testid=download]", timeout=30000)
    screenshot(page, "workbench-export-progress")
    with page.expect_download() as download:
        page.click("[data-testid=download]")
    assert download.value.suggested_filename.endswith(".xlsx")

    # ---- read-only overviews and the administration -------------------------------------------
    for username in ("bleader", "cleader", "auditor"):
        login(page, username)
        assert "全县信访事项概况" in page.content()
        screenshot(page, f"workbench-home-{username}")
    login(page, "admin")
    screenshot(page, "workbench-home-admin")
    page.goto(f"{live_url}/manage/units/")
    screenshot(page, "workbench-admin-units")
    page.goto(f"{live_url}/manage/rules/")
    screenshot(page, "workbench-admin-rules")


def test_the_live_duplicate_panel_keeps_its_buttons_while_the_candidates_stay_the_same(page, live_url, login):
    """A refresh of the live check with the same candidates leaves the panel alone: a click on
    "不是重复" or "作为重复件登记" at that instant lands on a button that is still there."""
    county = make_county()
    earlier = register(county).matter
    person = earlier.petitions.get().person_links.get().petitioner
    login(page, "registrar")
    page.goto(f"{live_url}/register/visit/")
    fill_person(page, 0, person.name, person.id_number, person.phone, person.address)
    page.wait_for_selector("[data-testid=duplicates]")
    page.evaluate("document.querySelector('[data-testid=confirm-new]').dataset.kept = '1'")
    with page.expect_response(re.compile(r"/register/duplicates/")):
        page.fill("input[name=title]", "同一个人又来了")
        page.dispatch_event("input[name=title]", "change")  # a refresh of the live check, same candidates
    page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('[data-testid=confirm-new]').dataset.kept") == "1"
    assert earlier.number in page.inner_text("[data-testid=duplicates]")


def test_refused_action_and_stale_page(page, live_url, login, screenshot):
    county = make_county()
    received = (dt.date.today() - dt.timedelta(days=40)).isoformat()
    forwarded_on = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    m = register(county, received_at=at(received)).matter
    act(county, "officer", m, "forward", unit="T01", occurred_at=at(forwarded_on))

    # The 5-working-day objection window is long over: the service refuses, the page says why.
    login(page, "handler")
    page.goto(f"{live_url}/matters/{m.number}/")
    form = open_action(page, "object")
    form.locator("textarea[name=object-reason]").fill("不属于本镇职责")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    error = page.inner_text("[data-testid=action-error]")
    assert "异议退回已于" in error and "届满" in error
    screenshot(page, "workbench-refused-action")

    # Two tabs: the first acts, the second (stale) is told the matter changed.
    other = page.context.new_page()
    other.goto(f"{live_url}/matters/{m.number}/")
    open_action(page, "accept").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    form = open_action(other, "decline")
    form.locator("select[name=decline-reason]").select_option("same_matter_in_progress")
    form.locator("button[type=submit]").click()
    other.wait_for_load_state("networkidle")
    assert "该事项已被他人处理，请刷新页面后再操作。" in other.inner_text("[data-testid=action-error]")
    m.refresh_from_db()
    assert m.status == "accepted"


def test_keyboard_enter_saves_and_double_click_registers_once(page, live_url, login):
    make_county()
    login(page, "registrar")
    # Keyboard only: Enter in a single-line field saves the form.
    page.goto(f"{live_url}/register/visit/")
    page.keyboard.type("周明")
    page.keyboard.press("Tab")
    page.keyboard.type(valid_id(78))
    fill_matter(page, "键盘登记的来访", "通过键盘完成登记。")
    page.focus("input[name=title]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/matters/XF"))
    assert Matter.objects.filter(title="键盘登记的来访").count() == 1
    # Double click on save: one petition.
    page.goto(f"{live_url}/register/phone/")
    fill_person(page, 0, "孙丽", valid_id(77), "13700007777", "河西乡2号")
    fill_matter(page, "来电反映路灯不亮", "河西乡主干道路灯损坏一个月无人维修。")
    page.dblclick("[data-testid=save]")
    page.wait_for_url(re.compile(r"/matters/XF"))
    page.wait_for_load_state("networkidle")
    assert Matter.objects.filter(title="来电反映路灯不亮").count() == 1
    assert Matter.objects.get(title="来电反映路灯不亮").petitions.count() == 1


def test_tablet_layout(browser, live_url, screenshot):
    """The matter list on a 1024×768 tablet: the page does not scroll sideways."""
    county = make_county()
    register(county)
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN", has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{live_url}/login/")
        page.fill("input[name=username]", "officer")
        page.fill("input[name=password]", "pass-1234-word")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_url}/matters/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1024
        screenshot(page, "workbench-tablet-matter-list")
    finally:
        context.close()


SHOWCASE = [
    # (title, content, region, days ago received, unit, days ago forwarded, then)
    ("小区物业违规收取停车费", "反映城关镇东关村阳光小区物业公司未经业主大会同意上调停车费，要求退还多收费用。", "139999100001", 21, "T01", 19, None),
    ("企业拖欠农民工工资", "反映某建筑公司拖欠23名农民工工资共计41万元，多次讨要未果。", "139999100000", 16, "T01", 13, None),
    ("农村宅基地确权纠纷", "反映与邻居宅基地界址不清，确权登记时被多划0.3亩，要求重新测量。", "139999100001", 30, "T01", 28, "accept"),
    ("河道采砂影响农田灌溉", "反映河西乡段河道非法采砂导致水位下降，200余亩农田无法灌溉。", "139999101000", 25, "T02", 24, "accept"),
    ("养老保险待遇核定有误", "反映退休后养老金核定时漏算视同缴费年限8年，要求重新核定。", "139999000000", 40, "D01", 38, "reply"),
    ("学校周边道路交通安全隐患", "反映城关镇第二小学门口无减速带和人行横道，上下学时段车流量大。", "139999100000", 6, None, None, None),
    ("饭店油烟噪音扰民", "反映楼下饭店油烟直排、夜间噪音大，影响居民休息。", "139999100001", 3, None, None, None),
    ("农村低保评定不公", "反映本村低保评定未公示，部分家庭条件较好者被纳入。", "139999101000", 12, "T02", 10, None),
    ("供暖温度不达标", "反映小区供暖期室温长期低于16度，要求供热公司整改并退费。", "139999100000", 1, None, None, None),
]


def test_showcase_pages(page, live_url, login, screenshot):
    """A county with matters in several states and due dates, for the README screenshots."""
    county = make_county()
    today = dt.date.today()
    showcase = None
    for i, (title, content, region, received_ago, unit, forwarded_ago, then) in enumerate(SHOWCASE):
        m = register(county, title=title, content=content, region=region,
                     received_at=at((today - dt.timedelta(days=received_ago)).isoformat(), 9 + i % 6),
                     petitioners=[{"name": ["刘建华", "陈美玲", "张国强", "李秀兰", "王志刚", "赵丽娟", "孙德明", "周红梅", "吴海涛"][i],
                                   "id_number": valid_id(300 + i), "phone": f"1380000{i:04d}", "address": f"{i + 1}号"}],
                     headcount=12 if i == 1 else 1).matter
        if unit:
            act(county, "officer", m, "forward", unit=unit,
                occurred_at=at((today - dt.timedelta(days=forwarded_ago)).isoformat(), 15))
            handler = {"T01": "handler", "T02": "handler2", "D01": "dhandler"}[unit]
            if then in ("accept", "reply"):
                act(county, handler, m, "accept", occurred_at=at((today - dt.timedelta(days=forwarded_ago - 2)).isoformat(), 16))
            if then == "reply":
                act(county, handler, m, "reply", outcome="support", opinion="经核实，已按规定补记视同缴费年限并重新核定待遇。",
                    legal_basis="《社会保险法》第十六条", occurred_at=at((today - dt.timedelta(days=3)).isoformat(), 10))
            if title == "农村宅基地确权纠纷":
                showcase = m
                act(county, "handler", m, "request_extension", days=20, reason="需自然资源部门重新测量，时间较长")
    login(page, "officer")
    screenshot(page, "workbench-showcase-home-officer")
    page.goto(f"{live_url}/matters/?status=open&sort=due")
    screenshot(page, "workbench-showcase-list")
    login(page, "handler")
    screenshot(page, "workbench-showcase-home-unit")
    login(page, "uleader")
    page.goto(f"{live_url}/matters/{showcase.number}/")
    page.click("details[data-action=approve_extension] > summary")
    screenshot(page, "workbench-showcase-matter")
