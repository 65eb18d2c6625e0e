"""The ledgers clicked through in headless Chromium at 1366×768 (screenshots: test-artifacts/screenshots)."""

import datetime as dt
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


def test_risk_edit_link_grant_withdraw_reply_letter_and_background_export(live_url, page, login, screenshot, settings):
    """Issue 12's second round: a risk corrected (history) and linked to a matter; a grant withdrawn with a
    reason; a proposal's reply producing its numbered 答复函; a large export in the background."""
    from xinfang.ledgers.models import FundGrant, Risk
    from xinfang.testing.factories import act, register
    from xinfang.workbench.models import ExportJob

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    settings.XINFANG_LEDGER_INLINE_ROWS = 0
    settings.XINFANG_EXPORT_INLINE = True
    c = make_county()
    world = helpers.make_world(c)
    town = register(c).matter
    act(c, "officer", town, "assign", unit="T01", report_due=(timezone.localdate() + dt.timedelta(days=30)).isoformat())
    risk = world["risk"]

    login(page, "handler")
    page.goto(f"{live_url}/ledgers/risks/{risk.pk}/")
    page.click("[data-testid=risk-edit]")
    page.select_option("#x-level", "medium")
    page.fill("#x-people_count", "45")
    page.fill("#x-note", "村民代表增加，风险有所缓和")
    page.click("[data-testid=ledger-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存修改" in page.content()
    page.fill("#l-matter", town.number)
    page.click("[data-testid=link-form] button")
    page.wait_for_load_state("networkidle")
    assert town.number in page.inner_text("[data-testid=risk-matters]")
    assert "涉及人数" in page.inner_text("[data-testid=risk-history]")
    screenshot(page, "ledgers-risk-detail", full_page=True)
    assert Risk.objects.get(pk=risk.pk).level == "medium"

    proposal = world["proposal"]
    page.goto(f"{live_url}/ledgers/proposals/{proposal.pk}/")
    page.fill("#r-text", "经研究，已将物业收费纳入街道联合检查。")
    page.click("[data-testid=reply-form] button")
    page.wait_for_load_state("networkidle")
    assert "建复" in page.inner_text("[data-testid=reply-doc]")
    screenshot(page, "ledgers-proposal-replied", full_page=True)

    login(page, "officer")
    page.goto(f"{live_url}/ledgers/fund/grants/{world['grant'].pk}/")
    page.fill("#w-reason", "信访人已获民政临时救助，撤回申请")
    page.click("[data-testid=withdraw-form] button")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=grant-status]") == "已撤回"
    screenshot(page, "ledgers-grant-withdrawn")
    assert FundGrant.objects.get(pk=world["grant"].pk).withdraw_reason.startswith("信访人已获")

    page.goto(f"{live_url}/ledgers/risks/")
    page.click("[data-testid=export]")
    page.wait_for_selector("[data-testid=download]")
    job = ExportJob.objects.get(kind="ledger:risks")
    assert job.status == "done" and "苗头隐患排查化解台账" in page.content()
    screenshot(page, "ledgers-export-job")

    page.goto(f"{live_url}/matters/{town.number}/")
    options = page.locator("select[name=raise_level-leader] option").all_text_contents()
    assert any("cleader" not in o and "（" in o for o in options[1:]) and len(options) >= 3
