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

A built site is best loaded over HTTP, as a host serves it (folder URLs give their
``index.html``): ``with serve(folder) as base, new_page(browser, base) as page:`` starts
the project's own preview server on a free port in a thread, and the page may fetch
from that server only (any other request fails, and shows as a console error).

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
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Dialog,
        Error,
        FloatRect,
        Page,
        Route,
        ViewportSize,
    )

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

    def open_url(self, url: str, *, phone: bool = False) -> Page:
        """Load a URL (of :func:`serve`) at desktop or phone size; it must answer 200."""
        self.page.set_viewport_size(PHONE if phone else DESKTOP)
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, (url, response)
        return self.page

    def screenshot(
        self,
        target: Path,
        *,
        phone: bool = False,
        full_page: bool = False,
        height: int | None = None,
    ) -> Path:
        """Save a PNG of the current page at desktop or phone width.

        ``full_page`` takes the whole page, ``height`` its top that many pixels (or less).
        """
        size = PHONE if phone else DESKTOP
        self.page.set_viewport_size(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if height is None:
            self.page.screenshot(path=str(target), full_page=full_page)
        else:
            page_height = int(self.page.evaluate("document.documentElement.scrollHeight"))
            clip: FloatRect = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": min(height, page_height),
            }
            self.page.screenshot(path=str(target), full_page=True, clip=clip)
        return target

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.errors.append(f"page error: {error}")

    def _dialog(self, dialog: Dialog) -> None:
        self.errors.append(f"dialog: {dialog.type} {dialog.message!r}")
        dialog.dismiss()


@contextlib.contextmanager
def new_context(browser: Browser, served: str | None = None) -> Iterator[BrowserContext]:
    """A browser context of its own (no shared storage, cookies or cache).

    Offline, or with ``served`` (a base URL from :func:`serve`) able to reach that
    server only: any other request is blocked, and shows as a console error.
    """
    context = browser.new_context(viewport=DESKTOP, offline=served is None)
    if served is not None:
        origin = urlsplit(served).netloc

        def local_only(route: Route) -> None:
            if urlsplit(route.request.url).netloc == origin:
                route.continue_()
            else:
                route.abort("blockedbyclient")

        context.route("**/*", local_only)
    try:
        yield context
    finally:
        context.close()


def watch(page: Page) -> BrowserPage:
    """A page that records its console errors, uncaught errors and dialogs (dismissed)."""
    watched = BrowserPage(page)
    page.on("console", watched._console)
    page.on("pageerror", watched._page_error)
    page.on("dialog", watched._dialog)
    return watched


@contextlib.contextmanager
def new_page(browser: Browser, served: str | None = None) -> Iterator[BrowserPage]:
    """A page in its own context (see :func:`new_context`), recording errors and dialogs."""
    with new_context(browser, served) as context:
        yield watch(context.new_page())


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 from a thread; yield its base URL.

    The server is lingopress's own preview server (``lingopress serve``), on a free port.
    """
    import threading

    from lingopress.render import preview_server

    server = preview_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


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
