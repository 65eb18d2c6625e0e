"""End to end in headless Chromium: a case officer finds a matter's documents, opens one,
downloads it, edits a template with a live preview; a refused placeholder is named."""

from __future__ import annotations

import pytest
import time_machine

from xinfang.testing.factories import act, at, make_county, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_documents_pages_in_a_browser(page, live_url, login, screenshot):
    county = make_county()
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", matter, "forward", unit="T01")
        act(county, "handler", matter, "accept")
    login(page, "bleader")
    page.goto(f"{live_url}/documents/{matter.number}/")
    assert page.get_by_text("示信转〔2026〕1号").is_visible()
    screenshot(page, "documents-matter", full_page=True)
    page.get_by_text("城关受〔2026〕1号").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="文书全文").is_visible()
    assert page.get_by_text("与成文时一致").is_visible()
    screenshot(page, "documents-detail", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 DOCX（可编辑）").click()
    assert download.value.suggested_filename.endswith(".docx")

    page.goto(f"{live_url}/documents/templates/acceptance_notice/")
    page.fill("#f-body", "{{信访人}}：你反映的“{{信访事项标题}}”已于{{受理日期}}受理，{{办理期限}}内办结。")
    page.get_by_role("button", name="预览", exact=True).click()
    page.wait_for_selector(".doc-preview")
    assert "张三：你反映的“小区物业违规收费问题”已于2026年9月14日受理" in page.inner_text("#preview")
    screenshot(page, "documents-template-preview", full_page=True)
    page.fill("#f-body", "你好{{申请人}}")
    page.get_by_role("button", name="保存为新版本").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("未知的占位符 {{申请人}}").first.is_visible()
    screenshot(page, "documents-template-refused", full_page=True)
