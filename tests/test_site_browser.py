"""The built site in Chromium: the bundled newsletter, and a copy with hostile translations.

The pages are served over HTTP by lingopress's own preview server from a thread, as a
static host serves them, rather than opened as ``file://`` URLs: the site links pages
as folders (``../../../en/issues/2024-w13/``), which a host answers with their
``index.html`` but ``file://`` with a directory listing, so only over HTTP can a test
follow the banners' links. The browser may reach that server only; any other request
fails and shows as a console error, so "no console errors" also means "nothing
fetched from elsewhere, nothing missing".

The bundled catalogs have zh-Hans, ja and ar fully reviewed; es is machine translation
(Apertium) published under the ``machine`` policy, with a banner on each section that
shows it.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from lingopress.catalog import read_catalog, write_catalog
from lingopress.cli import cli
from tests.browser import PHONE, BrowserPage, new_context, require_browser, serve, watch
from tests.conftest import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

SLUG = "2024-w13"
LANGUAGES = ("zh-Hans", "ar", "es")
PWNED = "pwned"

# Planted into reviewed zh-Hans translations; each carries a marker to find it on the page.
PAYLOADS = (
    "<script>document.title='pwned'</script> 脚本 XSS-SCRIPT",
    "<img src=x onerror=\"document.title='pwned'\"> 图片 XSS-IMG",
    "[XSS-LINK](javascript:document.title='pwned') 链接",
    "<style>body{display:none}</style> 样式 XSS-STYLE",
    "<b onclick=\"document.title='pwned'\">XSS-CLICK</b> 点击",
    "[XSS-OBFUSCATED](JaVaScRiPt&#58;document.title='pwned') 链接",
    "[XSS-TAB](java&#x09;script:document.title='pwned') <javascript:alert(1)> 链接",
    "<a href=\"javascript:document.title='pwned'\">XSS-RAW-A</a> 链接",
    '<svg onload="document.title=\'pwned\'"></svg><iframe src="javascript:alert(1)"></iframe>'
    " XSS-SVG",
    "[XSS-DATA](data:text/html,<script>alert(1)</script>) ![XSS-IMAGE](javascript:alert(1))",
)
SHOWN = (  # raw HTML of a translation is text on the page
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "<style>body{display:none}</style>",
    "<b onclick=\"document.title='pwned'\">XSS-CLICK</b>",
    "<a href=\"javascript:document.title='pwned'\">XSS-RAW-A</a>",
    "<svg onload=\"document.title='pwned'\"></svg>",
)
CLICKED = ("XSS-LINK", "XSS-OBFUSCATED", "XSS-TAB", "XSS-RAW-A", "XSS-CLICK", "XSS-DATA")

# What the page looks like from inside: everything the tests read from the DOM.
INSPECT = """() => {
  const root = document.documentElement;
  const attributes = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) attributes.push(attribute.name);
  }
  const links = [...document.querySelectorAll('a[href]')];
  return {
    lang: root.getAttribute('lang'),
    dir: root.getAttribute('dir'),
    direction: getComputedStyle(root).direction,
    title: document.title,
    text: document.body.innerText,
    scripts: document.querySelectorAll('script').length,
    styles: document.querySelectorAll('style, [style]').length,
    frames: document.querySelectorAll('iframe, object, embed, svg').length,
    handlers: attributes.filter((name) => name.toLowerCase().startsWith('on')),
    javascript: document.querySelectorAll('a[href^="javascript" i]').length,
    protocols: [...new Set([...links, ...document.images].map((e) => e.protocol ||
      new URL(e.src).protocol))],
    display: getComputedStyle(document.body).display,
    visibility: getComputedStyle(document.body).visibility,
    rules: [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0),
    images: [...document.images].map((image) => [image.getAttribute('src'),
      image.complete && image.naturalWidth > 0]),
  };
}"""

# Sections of an issue page: does each show machine translation, and a banner?
SECTIONS = """() => [...document.querySelectorAll('section.part')].map((section) => ({
  id: (section.querySelector('[id^="section-"]') || {}).id || '',
  machine: section.querySelector('.machine, .outdated') !== null,
  banners: [...section.querySelectorAll('.banner')].map((banner) =>
    [...banner.querySelectorAll('a[href]')].map((link) => link.href)),
}))"""

# Elements that stick out of the viewport sideways (what makes a page scroll).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5 || box.left < -0.5) {
      wide.push(`${element.tagName.toLowerCase()}.${element.className} ${box.left}..${box.right}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


# --- the sites ----------------------------------------------------------------------


def copy_project(target: Path) -> Path:
    """The bundled newsletter (config, issues with images, templates, locales) in ``target``."""
    target.mkdir(parents=True)
    shutil.copy(REPO / "lingopress.toml", target / "lingopress.toml")
    for folder in ("issues", "templates", "locales"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def build(root: Path, out: Path, *args: str) -> None:
    """``lingopress build --out OUT`` in ``root``: conftest's ``invoke``, for a module fixture."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        command = ["build", "--out", str(out), *args]
        result = CliRunner().invoke(cli, command, prog_name="lingopress")
    assert result.exit_code == 0, result.output


def plant(catalog_path: Path) -> list[str]:
    """Put one payload into each of the first reviewed entries of a catalog; their msgids."""
    catalog = read_catalog(catalog_path, catalog_path.name)
    kinds = ("paragraph in", "list_item in", "heading in")
    planted: list[str] = []
    for entry in catalog:
        if len(planted) == len(PAYLOADS):
            break
        reviewed = entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        if reviewed and entry.comment.startswith(kinds):
            entry.msgstr = PAYLOADS[len(planted)]
            planted.append(entry.msgid)
    assert len(planted) == len(PAYLOADS)
    write_catalog(catalog_path, catalog)
    again = {e.msgid: e for e in read_catalog(catalog_path, catalog_path.name)}  # still valid
    assert [again[msgid].msgstr for msgid in planted] == list(PAYLOADS)
    assert not any("fuzzy" in again[msgid].flags for msgid in planted)
    return planted


@dataclass(frozen=True)
class Served:
    """The built sites under one folder, and the URL that serves it."""

    folder: Path
    base: str

    def url(self, site: str, lang: str, slug: str = SLUG) -> str:
        return f"{self.base}{site}/{lang}/issues/{slug}/"

    def file(self, site: str, lang: str, slug: str = SLUG) -> Path:
        return self.folder / site / lang / "issues" / slug / "index.html"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The bundled site (``bundled/``) and the hostile one (``hostile/``), over HTTP."""
    require_browser()  # skip (or fail on CI) before building anything
    work = tmp_path_factory.mktemp("site-browser")
    www = work / "www"
    build(copy_project(work / "bundled"), www / "bundled")
    hostile = copy_project(work / "hostile")
    plant(hostile / "locales" / "zh-Hans" / f"{SLUG}.po")
    build(hostile, www / "hostile", "--lang", "zh-Hans")
    with serve(www) as base:
        yield Served(www, base)


@pytest.fixture(scope="module")
def context(browser: Browser, served: Served) -> Iterator[BrowserContext]:
    """The module's browser context, which can reach the local server only."""
    with new_context(browser, served.base) as opened:
        yield opened


@pytest.fixture
def tab(context: BrowserContext) -> Iterator[BrowserPage]:
    """A fresh page, recording its errors."""
    page = watch(context.new_page())
    yield page
    page.page.close()


def inspect(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(INSPECT)
    return found


# --- the bundled site ---------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_issue_page_loads_cleanly_and_fits_a_phone(
    served: Served, tab: BrowserPage, lang: str
) -> None:
    page = tab.open_url(served.url("bundled", lang))
    seen = inspect(page)
    assert (seen["lang"], seen["dir"]) == (lang, "rtl" if lang == "ar" else "ltr")
    assert seen["rules"] > 20  # the stylesheet arrived
    assert seen["images"] and all(loaded for _, loaded in seen["images"]), seen["images"]
    assert seen["scripts"] == seen["javascript"] == 0 and seen["handlers"] == []
    # At phone width (375x812), nothing makes the page scroll sideways.
    page.set_viewport_size(PHONE)
    found = page.evaluate(OVERFLOW)
    assert found["width"] == PHONE["width"]
    assert found["scroll"] <= found["width"], found["wide"]
    assert found["wide"] == []
    assert tab.errors == []


def test_arabic_is_right_to_left_and_mirrored(served: Served, tab: BrowserPage) -> None:
    page = tab.open_url(served.url("bundled", "ar"))
    seen = inspect(page)
    assert (seen["lang"], seen["dir"], seen["direction"]) == ("ar", "rtl", "rtl")
    boxes = page.evaluate(
        """() => Object.fromEntries(['.site-title', '.language-switcher', 'main h1', 'main li']
          .map((s) => [s, document.querySelector(s).getBoundingClientRect().toJSON()]))"""
    )
    assert boxes[".site-title"]["left"] > boxes[".language-switcher"]["right"]  # title right
    main = page.locator("main").bounding_box()
    assert main is not None
    assert boxes["main h1"]["right"] == pytest.approx(main["x"] + main["width"] - 16, abs=2)
    assert boxes["main li"]["right"] < main["x"] + main["width"] - 16  # list indented at right
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).direction") == "rtl"
    # URLs written as links (autolinks) and code read left to right inside Arabic text.
    directions = page.evaluate(
        """() => [...document.querySelectorAll('main a, main code')]
          .filter((e) => e.tagName === 'CODE' || e.textContent === e.getAttribute('href'))
          .map((e) => [e.tagName.toLowerCase(), getComputedStyle(e).direction])"""
    )
    assert {tag for tag, _ in directions} == {"a", "code"}
    assert {direction for _, direction in directions} == {"ltr"}
    assert tab.errors == []


def test_chinese_is_reviewed_without_banner(served: Served, tab: BrowserPage) -> None:
    page = tab.open_url(served.url("bundled", "zh-Hans"))
    seen = inspect(page)
    assert (seen["lang"], seen["dir"], seen["direction"]) == ("zh-Hans", "ltr", "ltr")
    counts = page.evaluate(
        "['.banner', '.notice', '.machine', '.outdated', '.untranslated']"
        ".map((s) => document.querySelectorAll(s).length)"
    )
    assert counts == [0, 0, 0, 0, 0]
    font = page.evaluate("getComputedStyle(document.querySelector('main p')).fontFamily")
    assert font.startswith('"Noto Sans CJK SC"')
    assert tab.errors == []


def test_spanish_machine_translation_has_a_banner_per_section(
    served: Served, tab: BrowserPage
) -> None:
    page = tab.open_url(served.url("bundled", "es"))
    sections = page.evaluate(SECTIONS)
    machine = [s["id"] for s in sections if s["machine"]]
    bannered = [s["id"] for s in sections if s["banners"]]
    assert len(machine) > 3, "the bundled es catalogs should hold unreviewed MT"
    assert bannered == machine
    assert all(len(s["banners"]) <= 1 for s in sections)
    shown = "[...document.querySelectorAll('.banner')].map((b) => b.checkVisibility())"
    assert set(page.evaluate(shown)) == {True}
    targets = [link for s in sections for banner in s["banners"] for link in banner]
    assert len(targets) == len(machine)
    original = served.url("bundled", "en")
    assert all(t.split("#")[0] == original for t in targets), targets
    assert tab.errors == []
    # The banners' links resolve: the original page answers, with every section they name.
    page = tab.open_url(original)
    assert inspect(page)["lang"] == "en"
    ids = set(page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)"))
    fragments = {t.partition("#")[2] for t in targets} - {""}
    assert fragments and fragments <= ids
    page.goto(targets[1], wait_until="load")
    assert page.evaluate("window.scrollY") > 0  # the fragment scrolls to its section
    assert tab.errors == []


# --- hostile translations -----------------------------------------------------------


def test_hostile_translations_do_nothing(served: Served, tab: BrowserPage) -> None:
    source = served.file("hostile", "zh-Hans").read_text(encoding="utf-8")
    title_tag = re.search(r"<title>(.*?)</title>", source, re.S)
    assert title_tag is not None
    title = html.unescape(title_tag.group(1))
    page = tab.open_url(served.url("hostile", "zh-Hans"))
    seen = inspect(page)
    assert seen["title"] == title != PWNED
    for shown in SHOWN:
        assert shown in seen["text"]  # shown as text, not run
    for marker in (*CLICKED, "XSS-IMAGE"):  # a dropped link keeps its text, an image its alt
        assert marker in seen["text"]
    assert seen["scripts"] == seen["styles"] == seen["frames"] == seen["javascript"] == 0
    assert seen["handlers"] == []
    assert set(seen["protocols"]) <= {"http:", "https:", "mailto:"}, seen["protocols"]
    assert (seen["display"], seen["visibility"]) == ("block", "visible")
    url = page.url
    for marker in CLICKED:
        page.get_by_text(marker).first.click()
        assert page.url == url and page.title() == title, marker
    assert page.evaluate("document.title") == title
    assert tab.errors == []
