"""Browser-test fixtures: Playwright driving Debian's chromium, with axe-core checks.

Browsers are never downloaded: tests use ``/usr/bin/chromium`` (Debian package
``chromium``) or ``$YANKAO_CHROMIUM``. Where it is missing the browser tests are skipped
with a message, unless ``YANKAO_REQUIRE_BROWSER=1`` (set by CI), which makes it an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("YANKAO_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parent.parent / "core" / "tests" / "browser" / "vendor"
AXE_SCRIPT = AXE / "axe-4.14.1.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"chromium not found at {CHROMIUM} (install Debian's chromium package)"
        if os.environ.get("YANKAO_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


def _watch_policy(tab) -> list[str]:
    """Collects the browser's Content-Security-Policy refusals on this tab: a page whose
    script, style or eval the policy blocks is broken for real users, so every browser
    test fails on one."""
    refused: list[str] = []
    tab.on("console", lambda message: refused.append(f"{tab.url}: {message.text}")
           if "Content Security Policy" in message.text else None)
    return refused


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-TW", base_url=live_server.url)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    refused = _watch_policy(tab)
    yield tab
    context.close()
    assert refused == [], f"the Content-Security-Policy refused: {refused[:5]}"


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, locale="zh-TW", base_url=live_server.url, is_mobile=True, has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(30_000)
    tab = context.new_page()
    refused = _watch_policy(tab)
    yield tab
    context.close()
    assert refused == [], f"the Content-Security-Policy refused: {refused[:5]}"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of the given impacts on the page as it is now."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (an
    # injected <script> tag would be refused, as it should be). A page still loading has no
    # document for axe to read: wait for it first.
    page.wait_for_load_state("load")
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found serious or critical problems on {page.url}: {violations}"


def sign_in(page, username: str, password: str = "demo") -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form.panel button[type=submit]").click()
    page.wait_for_url("**/staff/")
