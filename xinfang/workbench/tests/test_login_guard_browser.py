"""The login challenge in a real browser (strict CSP, the image loads, the right answer gets in)."""

import pytest
from django.core.cache import cache

from xinfang.testing.factories import make_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_challenge_in_the_browser(page, live_url, screenshot, settings):
    make_county()
    cache.clear()
    settings.XINFANG_LOGIN_USERNAME_LIMIT = 2
    for _ in range(2):
        page.goto(f"{live_url}/login/")
        page.fill("input[name=username]", "handler")
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
    challenge = page.locator("[data-testid=login-challenge]")
    assert challenge.is_visible()
    assert page.evaluate("document.querySelector('[data-testid=login-challenge] img').naturalWidth") == 180
    page.fill("input[name=password]", "pass-1234-word")
    nonce = page.locator("input[name=challenge]").input_value()
    a, b, _ = cache.get(f"xf:login:ch:{nonce}")
    page.fill("input[name=challenge_answer]", str(a + b))
    screenshot(page, "login-challenge")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_url.rstrip("/")
