"""The dashboard and the supervision forms in headless Chromium (screenshots: test-artifacts/screenshots)."""

import os

import pytest
from django.utils import timezone

from xinfang.supervision import engine
from xinfang.supervision.models import SupervisionRecord
from xinfang.testing.factories import make_county

from .seed import seed_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_create_order_and_answer_it(live_url, page, login, screenshot):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    c = make_county()
    matters = seed_year(c)
    engine.run(timezone.localdate())
    open_matter = next(m for m in matters if m.__class__.objects.get(pk=m.pk).status in ("forwarded", "accepted")
                       and m.__class__.objects.get(pk=m.pk).handling_unit_id == c.town.pk)

    login(page, "officer")
    page.goto(f"{live_url}/supervision/")
    page.wait_for_selector("#trend svg")
    assert page.locator("[data-testid=overdue]").inner_text().strip().isdigit()
    assert page.locator("#trend svg path").count() > 0  # the chart drew its lines
    screenshot(page, "supervision-dashboard")
    screenshot(page, "supervision-dashboard-full", full_page=True)

    page.goto(f"{live_url}/supervision/records/new/")
    page.select_option("#id_kind", "order")
    page.select_option("#id_method", "letter")
    page.select_option("#id_target_unit", "T01")
    page.fill("#id_title", "关于加快办理物业收费问题的督办单")
    page.fill("#id_matters", open_matter.number)
    page.fill("#id_content", "请于答复期限内书面报告办理进展及结果。")
    screenshot(page, "supervision-order-form")
    page.click("[data-testid=record-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已发出督办单" in page.content()
    record = SupervisionRecord.objects.get(title="关于加快办理物业收费问题的督办单")
    assert record.kind == "order" and record.issued_by == c.users["officer"]

    login(page, "handler")
    page.goto(f"{live_url}/supervision/records/")
    assert "关于加快办理物业收费问题的督办单" in page.content()
    screenshot(page, "supervision-unit-inbox")
    page.click(f"text={record.number}")
    page.fill("#id_response", "已于本周约谈物业公司，责令退还违规收取的停车费，信访人已签收处理意见。")
    page.click("[data-testid=response] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "书面答复已提交" in page.content()
    screenshot(page, "supervision-order-answered")
    record.refresh_from_db()
    assert record.state == "responded" and record.responded_by == c.users["handler"]

    login(page, "handler2")  # another unit: not visible
    response = page.goto(f"{live_url}/supervision/records/{record.pk}/")
    assert response.status == 404

    login(page, "officer")
    page.goto(f"{live_url}/supervision/rates/?from={timezone.localdate().year}-01-01&min=1")
    screenshot(page, "supervision-rates", full_page=True)
    page.click("[data-testid=drill-on_time_completion-d]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "supervision-drill")
    page.goto(f"{live_url}/supervision/bulletin/?from={timezone.localdate().year}-01-01")
    screenshot(page, "supervision-bulletin")
