"""Issue 15 §2, §4, §5, §8 in headless Chromium (1366×768): merging two matters from the act form, the
notice centre's badge and mark-read, the `?` shortcut overlay, and the auditor's log filtered by person."""

import os

import pytest

from xinfang.matters.models import Matter
from xinfang.testing.factories import act, make_county, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_merge_notices_shortcuts_and_audit(page, live_url, login, screenshot):
    county = make_county()
    kept = register(county, title="东关村道路积水").matter
    dup = register(county, title="东关村道路积水（又来信）").matter
    page.goto(f"{live_url}/login/", timeout=90000)
    login(page, "officer")
    page.goto(f"{live_url}/matters/{dup.number}/")
    page.click("details[data-action=merge] > summary")
    page.fill("#id_merge-into", kept.number)
    page.locator("details[data-action=merge] form button[type=submit]").click()  # the confirm() is accepted
    page.wait_for_load_state("networkidle")
    dup.refresh_from_db()
    assert dup.status == "closed" and dup.close_reason == "merged"
    assert kept.number in page.inner_text("main")
    assert Matter.objects.get(pk=kept.pk).petitions.count() == 2

    act(county, "officer", kept, "forward", unit="T01")
    login(page, "handler")
    badge = page.locator("[data-testid=notice-badge] .nav-badge")
    before = int(badge.inner_text())
    assert before >= 1
    page.click("[data-testid=notice-badge]")
    page.wait_for_selector("[data-testid=notice-table]")
    assert kept.number in page.inner_text("[data-testid=notice-table]")
    page.locator("[data-testid=notice-table] .notice__title", has_text=kept.number).first.click()
    page.wait_for_url(f"**/matters/{kept.number}/")
    after = page.locator("[data-testid=notice-badge] .nav-badge")
    assert (int(after.inner_text()) if after.count() else 0) == before - 1

    page.locator("body").press("?")
    page.wait_for_selector("[data-testid=shortcut-help]:not([hidden])")
    keys = page.locator("[data-testid=shortcut-help] kbd").all_inner_texts()
    assert "?" in keys and len(keys) == len(set(keys))  # no two rows on the same key
    page.keyboard.press("Escape")
    page.wait_for_selector("[data-testid=shortcut-help]", state="hidden")

    login(page, "auditor")
    page.goto(f"{live_url}/audit/?user=handler")
    table = page.inner_text("[data-testid=audit-table]")
    assert kept.number in table and "officer" not in table
    screenshot(page, "workbench-audit-by-person")
