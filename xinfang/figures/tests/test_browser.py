"""The dashboard, the assessment and a report in headless Chromium (screenshots: test-artifacts/screenshots)."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from xinfang.figures.models import Report
from xinfang.testing.factories import at, make_county, register

from .fixtures import labour_category, people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_assessment_and_report(live_url, page, login, screenshot):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    c = make_county()
    labour = labour_category()
    today = timezone.localdate()
    for i in range(14):  # a quiet baseline, then a week of unpaid wages in 城关镇
        day = today - dt.timedelta(days=10 + i * 5)
        register(c, received_at=at(day.isoformat()), channel="letter")
    for i in range(7):
        # 09:00, or midnight when the test runs before 10:00 (a receipt cannot lie in the future)
        hour = 9 if timezone.localtime().hour >= 10 else 0
        register(c, received_at=at((today - dt.timedelta(days=i % 5)).isoformat(), hour), channel="visit",
                 headcount=12 if i < 2 else 1, petitioners=people(1, 300 + i), category=labour.code)

    login(page, "bleader")
    page.goto(f"{live_url}/figures/")
    page.wait_for_selector("#fig-trend svg")
    page.wait_for_selector("#fig-heat svg")
    alerts = page.locator("[data-testid=alerts] tbody tr")
    assert "突增" in alerts.first.inner_text()
    assert "集体访聚集" in page.locator("[data-testid=alerts]").inner_text()
    screenshot(page, "figures-dashboard")
    screenshot(page, "figures-dashboard-full", full_page=True)

    page.goto(f"{live_url}/")  # the leader's home page carries the same figures for the year to date
    page.wait_for_selector("[data-testid=figures-card] #fig-trend svg")
    page.wait_for_selector("[data-testid=figures-card] #fig-heat svg")
    assert "突增" in page.locator("[data-testid=figures-card] [data-testid=alerts]").inner_text()
    assert page.locator("[data-testid=home-rates] .tile").count() == 4
    screenshot(page, "figures-leader-home", full_page=True)
    page.goto(f"{live_url}/figures/")
    page.wait_for_selector("#fig-trend svg")

    page.click("[data-testid=tile-collective]")
    page.wait_for_selector("[data-testid=drill]")
    assert page.locator("[data-testid=drill] tbody tr").count() == 2

    page.goto(f"{live_url}/figures/volume/?by=region&level=2")
    assert "东关村" in page.locator("[data-testid=volume]").inner_text()
    screenshot(page, "figures-volume")

    page.goto(f"{live_url}/figures/assessments/")
    page.click("[data-testid=scheme-form] button[type=submit]")
    page.wait_for_selector("[data-testid=scores]")
    assert "样本不足" in page.locator("[data-testid=scores]").inner_text()
    screenshot(page, "figures-assessment")

    page.goto(f"{live_url}/figures/reports/")
    page.select_option("#r-kind", "monthly")
    page.click("[data-testid=report-form] button[type=submit]")
    page.wait_for_selector("[data-testid=report-edit]")
    screenshot(page, "figures-report-draft")
    page.click("[data-testid=issue]")
    page.wait_for_load_state("networkidle")
    report = Report.objects.get()
    assert report.state == "issued" and report.document.doc_number in page.content()


def test_briefing_page_prints_and_becomes_the_numbered_paper(live_url, page, login, screenshot):
    """简报: the last month's briefing on screen (text, tables, ECharts charts), print layout, saved as a
    draft and issued as the numbered 简 paper (its PDF/DOCX listed on the page)."""


    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    c = make_county()
    labour = labour_category()
    last_month_end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    for i in range(9):
        day = last_month_end - dt.timedelta(days=i * 3)
        extra = {"category": labour.code} if i % 2 else {}
        register(c, received_at=at(day.isoformat(), 10), channel="visit" if i % 3 == 0 else "letter",
                 headcount=6 if i == 0 else 1, petitioners=people(1, 400 + i), **extra)

    login(page, "officer")
    page.goto(f"{live_url}/figures/")
    page.click("nav.tabs >> text=简报")
    page.wait_for_selector("[data-testid=briefing]")
    page.wait_for_selector("#brief-chart-1 svg")
    text = page.locator("[data-testid=briefing]").inner_text()
    assert "信访工作简报" in text and "表1 信访总量（按信访形式）" in text and "全县共收到信访件9件" in text
    page.set_viewport_size({"width": 1366, "height": 768})
    screenshot(page, "figures-briefing", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=briefing-period]").is_visible()  # print: the paper only
    screenshot(page, "figures-briefing-print", full_page=True)
    page.emulate_media(media="screen")

    page.click("[data-testid=briefing-save] button")
    page.wait_for_selector("[data-testid=report-edit]")
    page.click("[data-testid=issue]")
    page.wait_for_load_state("networkidle")
    report = Report.objects.get(kind="briefing")
    assert report.state == "issued" and "简" in report.document.doc_number
    page.goto(f"{live_url}/figures/briefing/")
    assert report.document.doc_number in page.locator("[data-testid=briefing-issued]").inner_text()
    # test-artifacts/screenshots only: the pictures in docs/screenshots are copied by hand (a test run
    # never rewrites tracked files)
