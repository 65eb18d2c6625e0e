"""Writing the opinion in headless Chromium (issue 15 item 7): open the reply act's editor, insert a
stock phrase at the cursor, apply a category template, pick a legal basis, preview the 意见书,
issue it. CSP violations fail the test (testing/browser.py). Screenshots: workbench-opinion-*."""

import importlib
import os

import pytest
from django.apps import apps

from xinfang.documents.models import IssuedDocument
from xinfang.matters.models import Matter
from xinfang.testing.factories import act, make_county, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.with_documents]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _seed_opinion_aids() -> None:
    """The migration's seed rows (a transactional test before this one may have flushed them)."""
    importlib.import_module("xinfang.documents.migrations.0010_opinion_aids").seed(apps, None)  # idempotent


def test_write_preview_and_issue_the_opinion(page, live_url, login, screenshot):
    _seed_opinion_aids()
    county = make_county()
    matter = register(county, title="小区物业违规收取停车费", category=county.category.code).matter
    act(county, "officer", matter, "forward", unit="T01")
    act(county, "handler", matter, "accept")

    login(page, "handler")
    page.goto(f"{live_url}/matters/{matter.number}/")
    page.click("details[data-action=reply] > summary")
    page.click("details[data-action=reply] [data-testid=open-editor]")
    page.wait_for_selector("[data-opinion-editor]")
    opinion = page.locator("textarea[name=reply-opinion]")

    # a template fills the body (and its legal basis); the seeded general templates apply to every category
    page.click("button[data-template-body]:has-text('通用：支持')")
    text = opinion.input_value()
    assert text.startswith("信访人张三反映“小区物业违规收取停车费”")
    assert "《信访工作条例》第三十二条" in page.locator("textarea[name=reply-legal_basis]").input_value()

    # a stock phrase goes in at the cursor (here: right after the first sentence)
    cut = text.index("。") + 1
    opinion.focus()
    page.evaluate(f"document.querySelector('textarea[name=reply-opinion]').setSelectionRange({cut}, {cut})")
    page.click("button[data-insert='本机关调取了相关档案资料，询问了有关当事人，并进行了实地查看。']")
    after = opinion.input_value()
    assert after[cut:].startswith("本机关调取了相关档案资料") and after[:cut] == text[:cut]

    # a legal basis from the list is added, and one typed by hand is kept
    basis = page.locator("textarea[name=reply-legal_basis]")
    basis.press("End")
    basis.type("、《示范县物业服务收费办法》第五条")
    page.click("button[data-basis='《物业管理条例》第四十一条']")
    assert basis.input_value() == ("《信访工作条例》第三十二条、《示范县物业服务收费办法》第五条、《物业管理条例》第四十一条")

    page.select_option("select[name=reply-outcome]", "support")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "workbench-opinion-editor")

    page.click("[data-testid=preview]")
    preview = page.locator("[data-testid=opinion-preview] .doc-preview")
    preview.wait_for()
    assert "信访处理意见书" in preview.inner_text() and "本机关调取了相关档案资料" in preview.inner_text()
    assert "《示范县物业服务收费办法》第五条" in preview.inner_text()
    assert not IssuedDocument.objects.filter(matter=matter, doc_type="handling_opinion").exists()
    page.locator("#h-preview").evaluate("e => e.scrollIntoView()")
    screenshot(page, "workbench-opinion-preview")

    page.once("dialog", lambda d: d.accept())  # 确认出具信访处理意见书？
    page.click("[data-testid=issue]")
    page.wait_for_url(f"{live_url}/matters/{matter.number}/")
    assert Matter.objects.get(pk=matter.pk).status == "replied"
    doc = IssuedDocument.objects.get(matter=matter, doc_type="handling_opinion")
    assert "本机关调取了相关档案资料" in doc.rendered_text and "《物业管理条例》第四十一条" in doc.rendered_text
    assert IssuedDocument.objects.filter(matter=matter, doc_type="delivery_receipt").exists()
