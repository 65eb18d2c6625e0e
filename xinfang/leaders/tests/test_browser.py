"""The issue's journeys in headless Chromium (screenshots: test-artifacts/screenshots/leaders-*.png).

1. Publish a 接访日, book it from the portal on a phone, confirm, record the reception with a 批示
   and a task, the task in the town's inbox, overdue → the engine's 催办 on it.
2. 包案 a matter, pass its target date, see it supervised.
3. A hearing on a 复核 matter with its notice and report, the clock excluding the hearing days.
4. A joint meeting's decision with tasks to two units, tracked to completion.
"""

import datetime as dt
import os

import pytest
import time_machine
from django.utils import timezone

from xinfang.leaders.models import Booking, Hearing, Task
from xinfang.matters.models import Deadline
from xinfang.supervision import engine
from xinfang.supervision.models import SupervisionRecord
from xinfang.testing.factories import act, make_county, register

from .helpers import TZ, in_recheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def travel(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), tick=True)


def submit(page, testid: str):
    page.click(f"[data-testid={testid}] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_reception_journey(browser, live_url, page, login, screenshot):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    c = make_county()
    today = timezone.localdate()
    matter = register(c).matter
    act(c, "officer", matter, "forward", unit="T01")
    day = today + dt.timedelta(days=3)

    login(page, "officer")
    page.goto(f"{live_url}/leaders/sessions/new/")
    page.select_option("#id_kind", "reception_day")
    page.select_option("#id_leader", "cleader")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "09:00")
    page.fill("#id_capacity", "10")
    page.fill("#id_place", "县信访局接待大厅")
    page.fill("#id_topic", "城乡建设、物业管理")
    page.check("input[name=published]")
    submit(page, "session-form")
    assert "已安排领导接访日" in page.content()
    session_url = page.url

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True)
    p = phone.new_page()
    p.goto(f"{live_url}/public/reception/")
    p.click("text=网上预约领导接访日")
    p.wait_for_selector("[data-testid=public-session]")
    screenshot(p, "leaders-portal-sessions-phone")
    p.click("[data-testid=public-session] >> text=预约")
    p.fill("#id_name", "王五")
    p.fill("#id_phone", "13812345678")
    p.fill("#id_summary", "小区物业违规收取停车费，要求退还。")
    p.click("text=已有信访事项？填写事项编号和查询码（可选）")
    p.fill("#id_matter_number", matter.number)
    p.fill("#id_query_code", matter.petitions.get().query_code)
    screenshot(p, "leaders-portal-booking-phone", full_page=True)
    submit(p, "booking-form")
    code = p.locator("[data-testid=booking-code]").inner_text().strip()
    screenshot(p, "leaders-portal-booked-phone")
    phone.close()
    booking = Booking.objects.get(booking_code=code)
    assert booking.matter == matter and booking.status == "pending"

    page.goto(f"{live_url}/leaders/bureau/")
    page.click("[data-testid=pending] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    screenshot(page, "leaders-bureau", full_page=True)

    with travel(day, 15):
        login(page, "cleader")
        page.goto(f"{live_url}/leaders/day/?date={day.isoformat()}&leader=cleader")
        assert "王五" in page.content() and matter.number in page.content()
        screenshot(page, "leaders-day", full_page=True)
        page.goto(session_url)
        page.select_option("#id_booking", str(booking.pk))
        page.fill("#id_summary", "王五反映小区物业违规收取停车费。")
        page.fill("#id_instructions", "请城关镇十日内核查，依法答复信访人。")
        page.select_option("select[name=task_unit_0]", "T01")
        page.fill("input[name=task_due_0]", (day + dt.timedelta(days=10)).isoformat())
        page.fill("input[name=task_text_0]", "核查小区停车收费并答复信访人")
        submit(page, "record-form")
        assert "接访记录已保存" in page.content()
        screenshot(page, "leaders-session-recorded", full_page=True)
        task = Task.objects.get(record__booking=booking)
        login(page, "handler")
        page.goto(f"{live_url}/")
        assert "核查小区停车收费并答复信访人" in page.locator("[data-testid=unit-tasks]").inner_text()
        screenshot(page, "leaders-unit-inbox", full_page=True)
    late = task.due + dt.timedelta(days=1)
    with travel(late, 6):
        engine.run(late)
    with travel(late, 9):
        urge = SupervisionRecord.objects.get(trigger_key=f"task:{task.pk}:urge")
        login(page, "handler")
        page.goto(f"{live_url}/leaders/tasks/{task.pk}/")
        assert urge.number in page.locator("[data-testid=task-supervision]").inner_text()
        assert "催办" in page.locator("[data-testid=task-supervision]").inner_text()
        screenshot(page, "leaders-task-urged", full_page=True)
        page.fill("#id_text", "已约谈物业公司，停车费已退还。")
        submit(page, "report-form")
        login(page, "officer")
        page.goto(f"{live_url}/leaders/tasks/{task.pk}/")
        submit(page, "complete-form")
        assert page.locator("[data-testid=task-status]").inner_text() == "已办结"


def test_case_hearing_and_meeting_journeys(live_url, page, login, screenshot):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    c = make_county()
    today = timezone.localdate()
    start = today - dt.timedelta(days=40)
    with travel(start):
        matter = register(c).matter
        act(c, "officer", matter, "forward", unit="T01")
    # 包案 from the matter page, target passes, the engine urges
    login(page, "officer")
    page.goto(f"{live_url}/matters/{matter.number}/")
    page.click("[data-testid=matter-leaders] >> text=确定包案")
    page.select_option("#id_leader", "cleader")
    page.fill("#id_target_date", (today + dt.timedelta(days=5)).isoformat())
    page.fill("#id_plan", "孙县长约见信访人，城关镇会同住建局核查，月底前化解。")
    submit(page, "case-form")
    assert "已确定包案" in page.content()
    later = today + dt.timedelta(days=6)
    with travel(later, 6):
        engine.run(later)
    with travel(later, 9):
        login(page, "cleader")
        page.goto(f"{live_url}/leaders/")
        assert "已超期" in page.content()
        screenshot(page, "leaders-leader-page", full_page=True)
    assert SupervisionRecord.objects.filter(trigger_key__startswith="case:", kind="urge").count() == 1

    # a hearing on a 复核 matter
    m = in_recheck(c, (today - dt.timedelta(days=30)).isoformat())
    recheck = Deadline.objects.get(matter=m, kind="recheck")
    login(page, "officer")
    page.goto(f"{live_url}/leaders/hearings/new/?matter={m.number}")
    page.fill("#id_scheduled_at", f"{(today - dt.timedelta(days=3)).isoformat()}T09:30")
    page.fill("#id_place", "县信访局听证室")
    page.fill("#id_host", "张主任")
    page.fill("#id_panel", "钱律师、孙代表、李委员")
    page.check("input[name=public]")
    submit(page, "hearing-form")
    assert "听证通知书" in page.content()
    hearing = Hearing.objects.get(matter=m)
    page.fill("#id_occurred_at", f"{(today - dt.timedelta(days=3)).isoformat()}T09:30")
    page.click("[data-testid=open]")
    page.wait_for_load_state("networkidle")
    page.fill("#id_occurred_at", f"{(today - dt.timedelta(days=1)).isoformat()}T17:00")
    page.click("[data-testid=close]")
    page.wait_for_load_state("networkidle")
    page.fill("#id_minutes", "信访人陈述；单位答辩；听证员询问。")
    page.fill("#id_conclusion", "原复查意见认定事实清楚，建议维持，并做好帮扶。")
    page.click("[data-testid=conclude]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "leaders-hearing", full_page=True)
    hearing.refresh_from_db()
    assert hearing.status == "concluded" and hearing.notice and hearing.report
    old_due = recheck.due
    recheck.refresh_from_db()
    assert recheck.excluded_days == 3 and recheck.due > old_due

    # a joint meeting with tasks to two units, tracked to completion
    page.goto(f"{live_url}/leaders/meetings/new/")
    page.select_option("#id_kind", "joint_meeting")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_title", "县信访工作联席会议")
    page.select_option("#id_units", ["T01", "D01"])
    submit(page, "meeting-form")
    page.fill("#id_text", "城关镇牵头、住建局配合，限期解决停车收费问题。")
    page.fill("#id_matters", matter.number)
    due = (today + dt.timedelta(days=20)).isoformat()
    for i, (unit, text) in enumerate((("T01", "约谈物业公司"), ("D01", "核查收费备案"))):
        page.select_option(f"select[name=task_unit_{i}]", unit)
        page.fill(f"input[name=task_due_{i}]", due)
        page.fill(f"input[name=task_text_{i}]", text)
    submit(page, "decision-form")
    assert "任务已下达" in page.content()
    screenshot(page, "leaders-meeting", full_page=True)
    for username, text in (("handler", "约谈物业公司"), ("dhandler", "核查收费备案")):
        task = Task.objects.get(text=text)
        login(page, username)
        page.goto(f"{live_url}/leaders/tasks/{task.pk}/")
        page.fill("#id_text", "已办理完毕。")
        submit(page, "report-form")
        login(page, "officer")
        page.goto(f"{live_url}/leaders/tasks/{task.pk}/")
        submit(page, "complete-form")
    assert set(Task.objects.filter(decision__isnull=False).values_list("status", flat=True)) == {"done"}
