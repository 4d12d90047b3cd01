"""Screenshots of what lingopress shows people, for the documentation.

    .venv/bin/python scripts/screenshots.py review [--lang L ...] [--issue SLUG] [--phone]
    .venv/bin/python scripts/screenshots.py site [--lang L ...] [--issue SLUG]

``review`` builds the review pages of the bundled newsletter into a temporary folder
(reading the project, writing nothing in it) and saves, for each language,
``docs/screenshots/review-<lang>-<slug>.png``: the top of the issue's page at desktop
size (1280x900), with ``--phone`` also ``...-phone.png`` (375x812).

``site`` builds the bundled newsletter's site into a temporary folder, serves it on
127.0.0.1 as ``lingopress serve`` does, and saves for each language (default: zh-Hans,
ar and es) ``docs/screenshots/site-<lang>-<slug>-desktop.png`` (1280 wide, the top
1800 pixels of the page) and ``...-phone.png`` (375 wide, the top 1624 pixels) of its
latest issue, or of ``--issue``.

Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright (the dev extra), as in
the browser tests (``tests/browser.py``); CJK and Arabic text needs fonts-noto-cjk and
fonts-noto-core.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser import launch, missing, new_page, serve  # noqa: E402

from lingopress.config import load_config  # noqa: E402
from lingopress.render import build_site  # noqa: E402
from lingopress.review import render_review, review_site, write_review  # noqa: E402
from lingopress.site import load_site  # noqa: E402

SHOTS = REPO / "docs" / "screenshots"
DESKTOP_HEIGHT = 1800
PHONE_HEIGHT = 1624
DEFAULT_LANGUAGES = {"review": ["zh-Hans", "es"], "site": ["zh-Hans", "ar", "es"]}


def shoot_review(langs: list[str], issue: str | None, phone: bool) -> list[Path]:
    """Build the bundled project's review pages and photograph one issue per language."""
    config = load_config(REPO)
    languages = [config.language(tag) for tag in langs]
    site = review_site(config, languages, [issue] if issue else [])
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="lingopress-review-") as folder:
        out = Path(folder)
        write_review(render_review(site), out)
        with launch() as browser, new_page(browser) as page:
            for language in site.languages:
                first = language.pages[0]
                name = f"review-{language.settings.tag}-{first.slug}"
                page.open(out / language.settings.tag / f"{first.slug}.html")
                written.append(page.screenshot(SHOTS / f"{name}.png"))
                if phone:
                    written.append(page.screenshot(SHOTS / f"{name}-phone.png", phone=True))
            if page.errors:
                raise SystemExit("errors in the page: " + "; ".join(page.errors))
    return written


def shoot_site(langs: list[str], issue: str | None) -> list[Path]:
    """Build the bundled project's site and photograph an issue per language, two widths."""
    config = load_config(REPO)
    site = load_site(config)
    slugs = {}
    for tag in langs:
        config.language(tag)  # an unknown language stops here
        editions = site.editions.get(tag, ())
        if not editions:
            raise SystemExit(f"no issue is published in {tag}")
        slugs[tag] = issue or editions[0].issue.slug  # the latest
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="lingopress-site-") as folder:
        out = Path(folder) / "site"
        build_site(config, out=out)
        with serve(out) as base, launch() as browser, new_page(browser, base) as page:
            for tag, slug in slugs.items():
                name = f"site-{tag}-{slug}"
                page.open_url(f"{base}{tag}/issues/{slug}/")
                page.page.evaluate("document.fonts.ready")
                desktop = SHOTS / f"{name}-desktop.png"
                written.append(page.screenshot(desktop, height=DESKTOP_HEIGHT))
                phone = SHOTS / f"{name}-phone.png"
                written.append(page.screenshot(phone, phone=True, height=PHONE_HEIGHT))
            if page.errors:
                raise SystemExit("errors in the page: " + "; ".join(page.errors))
    return written


def main() -> None:
    """Parse the arguments and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["review", "site"], help="what to photograph")
    parser.add_argument(
        "--lang",
        action="append",
        help="a language (repeat; default: zh-Hans and es for review, and ar for site)",
    )
    parser.add_argument(
        "--issue", help="the issue's slug (default: the first for review, the latest for site)"
    )
    parser.add_argument("--phone", action="store_true", help="review: also at phone width")
    options = parser.parse_args()
    reason = missing()
    if reason:
        raise SystemExit(f"cannot take screenshots: {reason}")
    langs = options.lang or DEFAULT_LANGUAGES[options.what]
    if options.what == "site":
        paths = shoot_site(langs, options.issue)
    else:
        paths = shoot_review(langs, options.issue, options.phone)
    for path in paths:
        print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
