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


def test_callback_recommendation_and_bulletin_forms(live_url, page, login, screenshot):
    """The other forms of the issue in the browser: a callback's outcome (problem found → 督办单),
    a 建议书 and the unit's feedback, a 通报 issued by a leader, and a drill-down of 退回率."""
    import datetime as dt

    from xinfang.supervision.models import CallbackTask, Recommendation
    from xinfang.testing.factories import act, register

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    c = make_county()

    def ago(days):
        return (timezone.localtime() - dt.timedelta(days=days)).isoformat()

    m = register(c, received_at=ago(20), title="小区停车收费问题").matter
    act(c, "officer", m, "forward", unit="T01", occurred_at=ago(19))
    act(c, "handler", m, "accept", occurred_at=ago(18))
    act(c, "handler", m, "reply", outcome="explain", opinion="已答复。", legal_basis="规定", occurred_at=ago(10))
    act(c, "registrar", m, "evaluate", target="unit", rating="dissatisfied", comment="问题没有解决", occurred_at=ago(9))
    late = register(c, received_at=ago(45), title="村道硬化工程拖欠工资").matter
    act(c, "officer", late, "forward", unit="T01", occurred_at=ago(44))  # accept clock overdue since ~29 days
    task = CallbackTask.objects.get(matter=m)
    since = ago(60)[:10]

    login(page, "officer")
    page.goto(f"{live_url}/supervision/callbacks/{task.pk}/")
    page.select_option("#c-method", "phone")
    page.select_option("#c-reached", "true")
    page.select_option("#c-satisfied", "false")
    page.select_option("#c-problem", "true")
    page.fill("#c-notes", "信访人称停车费仍按原标准收取，问题未解决。")
    page.click("[data-testid=callback-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "回访结果已登记" in page.content()
    task.refresh_from_db()
    assert task.state == "done" and task.follow_up.kind == "order" and task.follow_up.target_unit == c.town
    screenshot(page, "supervision-callback-done")

    page.goto(f"{live_url}/supervision/recommendations/new/?matters={m.number}")
    page.select_option("#r-kind", "improve_work")
    page.select_option("#r-unit", "T01")
    page.fill("#r-title", "物业停车收费投诉集中")
    page.fill("#r-content", "建议加强对辖区物业服务企业停车收费的监督检查。")
    page.click("[data-testid=recommendation-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "建议书已发出" in page.content()
    rec = Recommendation.objects.get(title="物业停车收费投诉集中")
    assert list(rec.matters.all()) == [m] and rec.doc_number

    login(page, "handler")
    page.goto(f"{live_url}/supervision/recommendations/{rec.pk}/")
    page.select_option("#f-adoption", "adopted")
    page.fill("#f-feedback", "已采纳，本月开展专项检查。")
    page.click("[data-testid=feedback-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "反馈已提交" in page.content()
    rec.refresh_from_db()
    assert rec.state == "answered" and rec.adoption == "adopted" and rec.feedback_by == c.users["handler"]
    screenshot(page, "supervision-recommendation-feedback")

    login(page, "bleader")
    page.goto(f"{live_url}/supervision/bulletin/?from={since}")
    assert late.number in page.content()
    page.click("[data-testid=bulletin-issue] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已发出通报" in page.content() and "已通报" in page.content()
    bulletin = SupervisionRecord.objects.get(kind="bulletin")
    assert bulletin.target_unit == c.government and late in bulletin.matters.all() and bulletin.doc_number
    screenshot(page, "supervision-bulletin-issued")

    page.goto(f"{live_url}/supervision/rates/?from={since}")
    page.click("[data-testid=drill-returns-d]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("[data-testid=drill] tbody tr")
    assert rows.count() == 2 and m.number in page.content() and late.number in page.content()
