"""The ledgers clicked through in headless Chromium at 1366×768 (screenshots: test-artifacts/screenshots)."""

import os

import pytest
from django.utils import timezone

from xinfang.ledgers.models import FundGrant, Proposal, RiskReport
from xinfang.testing.factories import make_county

from . import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_proposal_report_grant_and_library(live_url, page, login, screenshot):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    c = make_county()
    world = helpers.make_world(c)
    today = timezone.localdate().isoformat()

    login(page, "officer")
    page.goto(f"{live_url}/ledgers/proposals/new/")
    page.select_option("#x-kind", "npc")
    page.fill("#x-number", "J-88")
    page.fill("#x-proposer", "王代表")
    page.fill("#x-title", "关于加强农村饮水安全的建议")
    page.fill("#x-received_on", today)
    page.select_option("#x-unit", "T01")
    page.fill("#x-content", "建议加快农村饮水工程建设。")
    screenshot(page, "ledgers-proposal-form")
    page.click("[data-testid=ledger-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已登记 J-88" in page.content()
    proposal = Proposal.objects.get(number="J-88")

    page.goto(f"{live_url}/ledgers/library/?q=全面领导")
    assert "信访工作条例" in page.inner_text("[data-testid=ledger-table]")
    page.goto(f"{live_url}/matters/{world['matter'].number}/")
    assert "建议采纳" in page.inner_text("[data-testid=adoption-pane]")
    assert "信访工作条例" in page.inner_text("[data-testid=rules-pane]")

    login(page, "handler")
    page.goto(f"{live_url}/ledgers/proposals/{proposal.pk}/")
    page.fill("#r-text", "已会同水利部门制定方案。")
    page.click("[data-testid=reply-form] button")
    page.wait_for_load_state("networkidle")
    assert "已答复" in page.content()
    page.goto(f"{live_url}/ledgers/risks/reports/")
    page.fill("#r-month", "2999-01")  # a future month is refused, nothing saved
    page.check("#r-nil")
    page.click("[data-testid=report-form] button")
    page.wait_for_load_state("networkidle")
    assert "不能报送将来月份" in page.content() and not RiskReport.objects.exists()
    page.fill("#r-month", timezone.localdate().strftime("%Y-%m"))
    page.check("#r-nil")  # nothing found this month: a nil report
    screenshot(page, "ledgers-report-form")
    page.click("[data-testid=report-form] button")
    page.wait_for_load_state("networkidle")
    assert "城关镇人民政府 已报送" in page.content()
    assert RiskReport.objects.get(unit=c.town).nil_report is True

    login(page, "bleader")
    page.goto(f"{live_url}/ledgers/fund/grants/{world['grant'].pk}/")
    page.click("[data-testid=decide] button.btn--primary")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=grant-status]") == "已批准"
    assert FundGrant.objects.get(pk=world["grant"].pk).decided_by == c.users["bleader"]
    page.goto(f"{live_url}/")
    assert page.locator("[data-testid=high-risks]").inner_text() == "1"
    screenshot(page, "ledgers-home")
