"""Browser tests: Playwright drives Debian's Chromium against the live test server.

They run when /usr/bin/chromium (or $CHROMIUM) exists and are skipped with one line otherwise.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous, so Django's async-safety guard must be told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
SHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but Chromium is missing at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1440, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, username: str, password: str = "Zonedesk@2026") -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
