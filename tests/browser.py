"""A real browser for tests and screenshots: Playwright driving Debian's Chromium.

Pages lingopress writes (review pages, the site) are checked where people see them:
in Chromium, through the DOM, with every console error and uncaught page error
collected. Playwright drives the system's ``/usr/bin/chromium`` (Debian's
``chromium`` package); it never downloads a browser of its own.

Where Chromium or Playwright is missing, browser tests are skipped, except on CI
(``CI=true``), where they fail: CI must run them.

In a test module::

    from tests.browser import browser, browser_page  # noqa: F401  (fixtures)

    def test_page(browser_page: BrowserPage) -> None:
        page = browser_page.open(path_to_html)
        assert page.locator("h1").inner_text() == "..."
        assert browser_page.errors == []

Outside pytest (``scripts/screenshots.py``): ``with launch() as chromium: ...``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page, ViewportSize

CHROMIUM = Path(os.environ.get("LINGOPRESS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}


def missing() -> str:
    """Why no browser can run here, or an empty string if one can."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright: the dev extra)"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return ""


def require_browser() -> None:
    """Skip the calling test without a browser; fail instead on CI (``CI=true``)."""
    reason = missing()
    if not reason:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def launch() -> Iterator[Browser]:
    """Start headless Chromium (the system's, offline), and close it afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class BrowserPage:
    """One browser page (a fresh context) that records console and page errors."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def open(self, path: Path, *, phone: bool = False) -> Page:
        """Load a local file at desktop (1280x900) or phone (375x812) size; wait for load."""
        self.page.set_viewport_size(PHONE if phone else DESKTOP)
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        return self.page

    def screenshot(self, target: Path, *, phone: bool = False, full_page: bool = False) -> Path:
        """Save a PNG of the current page at desktop or phone width."""
        self.page.set_viewport_size(PHONE if phone else DESKTOP)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(target), full_page=full_page)
        return target

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.errors.append(f"page error: {error}")


@contextlib.contextmanager
def new_page(browser: Browser) -> Iterator[BrowserPage]:
    """A page in its own context (no shared storage), offline, recording errors."""
    context = browser.new_context(viewport=DESKTOP, offline=True, java_script_enabled=True)
    try:
        page = BrowserPage(context.new_page())
        page.page.on("console", page._console)
        page.page.on("pageerror", page._page_error)
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module (skipped without one, except on CI)."""
    require_browser()
    with launch() as started:
        yield started


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[BrowserPage]:
    """A fresh page of the module's Chromium, with its console and page errors."""
    with new_page(browser) as page:
        yield page
