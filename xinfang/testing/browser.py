"""Shared Playwright fixtures for end-to-end tests in headless Debian Chromium.

Registered for the whole suite by ``pytest_plugins = ["xinfang.testing.browser"]`` in the root
conftest.py. Tests using them are marked ``@pytest.mark.browser`` and need ``transactional_db``
(the live server runs in another thread and must see committed data).

* ``browser``: one Chromium per test session (skips when /usr/bin/chromium is missing).
* ``page``: a fresh context and page at 1366×768, zh-CN, Asia/Shanghai.
* ``live_url``: the live server's base URL (pytest-django ``live_server``).
* ``login``: ``login(page, "registrar")`` signs in through the real login form.
* ``screenshot``: ``screenshot(page, "home-registrar")`` saves test-artifacts/screenshots/<name>.png.

Every page fails its test on a Content-Security-Policy violation (docs/security.md): the browser's
``securitypolicyviolation`` events and "Content Security Policy" console errors are collected and
asserted empty when the test ends (``page.csp_violations`` holds them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("XINFANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "pass-1234-word"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (factories, assertions) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def live_url(live_server) -> str:
    return live_server.url


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _watch_csp(pg, violations: list) -> None:
    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            violations.append(f"{pg.url}: {text}")

    pg.on("console", on_console)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15000)
    context.add_init_script(CSP_LISTENER)
    violations: list[str] = []
    # Confirmation dialogs: the user clicks 确定 (also in pages the test opens later).
    context.on("page", lambda new_page: new_page.on("dialog", lambda dialog: dialog.accept()))
    context.on("page", lambda new_page: _watch_csp(new_page, violations))
    pg = context.new_page()
    pg.csp_violations = violations  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def login(live_url):
    """Sign in through the login form; returns the page for chaining."""

    def do_login(pg, username: str, password: str = PASSWORD):
        pg.context.clear_cookies()
        pg.goto(f"{live_url}/login/")
        pg.fill("input[name=username]", username)
        pg.fill("input[name=password]", password)
        pg.click("button[type=submit]")
        pg.wait_for_load_state("networkidle")
        return pg

    return do_login


@pytest.fixture
def screenshot():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def shoot(pg, name: str, *, full_page: bool = False) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        pg.screenshot(path=str(path), full_page=full_page)
        return path

    return shoot
