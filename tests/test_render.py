"""``lingopress build``: the bundled newsletter rendered, every page parsed and checked."""

from __future__ import annotations

import posixpath
import re
import signal
import socket
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import polib
import pytest

from lingopress.catalog import read_catalog, write_catalog
from lingopress.config import Config, read_config
from lingopress.engines.pseudo import pseudo_text
from lingopress.extraction import extract_templates
from lingopress.issue import read_issues
from lingopress.languages import parse_language
from lingopress.render import BuildResult, SiteRenderer, SiteStrings, build_site, markdown
from lingopress.site import load_site
from lingopress.update import update_catalogs
from tests.conftest import (
    REPO,
    Invoke,
    assert_one_line_error,
    newsletter,
    tree_snapshot,
    write,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FUZZY_MARK = "⟦MT⟧"
BROKEN_CATALOG = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    'msgid "Hello."\nmsgstr "Hola.\n'
)

# Translations an attacker (or a careless tool) could put into a catalog.
PAYLOADS = [
    "<script>alert(1)</script> نص",
    '<img src=x onerror="alert(1)"> صورة',
    "[رابط](javascript:alert(1))",
    "[رابط](JaVaScRiPt&#58;alert(1))",
    "[رابط](java&#x09;script:alert(1))",
    "[رابط](<java script:alert(1)>) <javascript:alert(2)>",
    "![صورة](data:image/png;base64,iVBORw0KGgo=) [رابط](vbscript:msgbox(1))",
    "<style>body{display:none}</style> نص",
    '<a href="https://example.org" onclick="alert(1)">رابط</a>',
    '<b style="color:red">نص</b> <svg onload="alert(1)"></svg>',
    "[رابط](img/2024-w12-gan.png) ![x](../lingopress.toml) [y](../../secret.txt)",
]


@dataclass
class Built:
    root: Path
    config: Config
    result: BuildResult

    @property
    def site(self) -> Path:
        return self.root / "site"

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("index.html"))


def edit(config: Config, tag: str, slug: str, change: Callable[[int, polib.POEntry], None]) -> None:
    path = config.paths.po(tag, slug)
    catalog = read_catalog(path, path.name)
    for index, entry in enumerate(e for e in catalog if not e.obsolete):
        change(index, entry)
    write_catalog(path, catalog)


def reviewed(entry: polib.POEntry, text: str | None = None) -> None:
    entry.msgstr = pseudo_text(entry.msgid) if text is None else text
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")


def fuzzy(entry: polib.POEntry, previous: str | None = None) -> None:
    entry.msgstr = f"{FUZZY_MARK} {entry.msgid}"
    entry.flags = ["fuzzy"]
    entry.previous_msgid = previous


def zh_w10(index: int, entry: polib.POEntry) -> None:
    if index % 2 == 0:
        reviewed(entry)
    elif index % 3 == 0:
        fuzzy(entry)


def es_w10(index: int, entry: polib.POEntry) -> None:
    if index % 5 == 1:
        reviewed(entry)
    elif index % 5 == 2:
        fuzzy(entry, previous="An older version of this text.")
    elif index % 5 != 0:
        fuzzy(entry)


def ar_w12(index: int, entry: polib.POEntry) -> None:
    """Reviewed pseudo-translations, and a payload for each of the first paragraphs."""
    if "<sup>2</sup>" in entry.msgid:
        reviewed(entry, 'O(N<sup>2</sup>) <sup onclick="alert(1)">3</sup> نص')
    elif entry.comment.startswith("paragraph in") and len(USED) < len(PAYLOADS):
        USED.append(entry.msgid)
        reviewed(entry, PAYLOADS[len(USED) - 1])
    else:
        reviewed(entry)


USED: list[str] = []


def ar_site(index: int, entry: polib.POEntry) -> None:
    hostile = {
        "Languages": "<script>alert(1)</script>اللغات",
        "(not translated)": '<b onclick="alert(1)">(غير مترجم)</b>',
    }
    reviewed(entry, hostile.get(entry.msgid, f"ع {entry.msgid}"))
    if entry.msgid_plural:
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, f"ع {entry.msgid}")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = newsletter(tmp_path_factory.mktemp("render"))
    config = read_config(root / "lingopress.toml")
    extract_templates(config, read_issues(config.paths))
    update_catalogs(config, config.languages)
    edit(config, "zh-Hans", "2024-w10", zh_w10)
    edit(config, "zh-Hans", "2024-w11", lambda index, entry: fuzzy(entry))
    edit(config, "es", "2024-w10", es_w10)
    edit(config, "ar", "2024-w12", ar_w12)
    edit(config, "ar", "site", ar_site)
    return Built(root, config, build_site(config))


class Parsed(HTMLParser):
    """The start tags (with attributes), ids and text of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(key) == value for key, value in wanted.items())
        ]

    def with_class(self, css: str) -> list[tuple[str, dict[str, str]]]:
        return [(tag, a) for tag, a in self.tags if css in a.get("class", "").split()]

    @property
    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.tags if "id" in attrs}


def parse(path: Path) -> Parsed:
    return Parsed(path.read_text(encoding="utf-8"))


def page_path(built: Built, file: Path) -> str:
    folder = file.parent.relative_to(built.site).as_posix()
    return "" if folder == "." else folder + "/"


def site_file(built: Built, url: str) -> Path | None:
    """The built file of an absolute URL of the site, or None for other hosts."""
    base = built.config.site.base_url
    if not url.startswith(base):
        return None
    path = urlsplit(url).path[len(urlsplit(base).path) :]
    return built.site / (path + "index.html" if not path or path.endswith("/") else path)


def test_every_page_has_lang_dir_canonical_and_symmetric_alternates(built: Built) -> None:
    base = built.config.site.base_url
    alternates_of: dict[str, dict[str, str]] = {}
    for file in built.pages():
        path = page_path(built, file)
        page = parse(file)
        tag = path.split("/")[0] or "en"
        [html] = page.find("html")
        assert html["lang"] == tag
        assert html["dir"] == parse_language(tag).direction
        [canonical] = page.find("link", rel="canonical")
        assert canonical["href"] == base + path
        links = {
            a["hreflang"]: a["href"] for a in page.find("link", rel="alternate") if "hreflang" in a
        }
        assert "x-default" in links and base + path in links.values()
        for hreflang in links:
            assert hreflang == "x-default" or parse_language(hreflang).tag == hreflang
        alternates_of[base + path] = links
    assert len(alternates_of) == built.result.pages
    for url, links in alternates_of.items():
        for other in links.values():
            assert alternates_of.get(other) == links, (url, other)


def test_every_internal_link_resolves(built: Built) -> None:
    base = built.config.site.base_url
    ids = {file: parse(file).ids for file in built.pages()}
    for file in built.pages():
        page_url = base + page_path(built, file)
        for tag, attrs in parse(file).tags:
            for name in ("href", "src"):
                if name not in attrs:
                    continue
                url = urljoin(page_url, attrs[name])
                target = site_file(built, url)
                if target is None:
                    assert urlsplit(url).scheme in ("http", "https", "mailto"), url
                    continue
                assert target.is_file(), (file, tag, attrs[name])
                fragment = urlsplit(url).fragment
                assert not fragment or fragment in ids[target], (file, attrs[name])


def test_feeds_and_sitemap_are_xml_naming_only_built_pages(built: Built) -> None:
    base = built.config.site.base_url
    for tag in ("en", "zh-Hans", "ja", "es", "ar"):
        feed = ET.parse(built.site / tag / "feed.xml").getroot()
        assert feed.tag == f"{ATOM}feed" and feed.get(XML_LANG) == tag
        self_link = feed.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None and self_link.get("href") == f"{base}{tag}/feed.xml"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", feed.findtext(f"{ATOM}updated", ""))
        ids = [entry.findtext(f"{ATOM}id", "") for entry in feed.iter(f"{ATOM}entry")]
        assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
        for link in feed.iter(f"{ATOM}link"):
            target = site_file(built, link.get("href", ""))
            assert target is not None and target.is_file()
    sitemap = ET.parse(built.site / "sitemap.xml").getroot()
    locs = {loc.text or "" for loc in sitemap.iter(f"{SITEMAP}loc")}
    assert locs == {base + page_path(built, file) for file in built.pages()}
    for link in sitemap.iter(f"{XHTML}link"):
        target = site_file(built, link.get("href", ""))
        assert target is not None and target.is_file()


def test_wholly_untranslated_issues_are_nowhere(built: Built) -> None:
    assert not (built.site / "ja" / "issues").exists()
    assert not (built.site / "zh-Hans" / "issues" / "2024-w11").exists()
    assert (built.site / "zh-Hans" / "issues" / "2024-w10" / "index.html").is_file()
    for name in (
        "zh-Hans/index.html",
        "zh-Hans/feed.xml",
        "sitemap.xml",
        "en/issues/2024-w11/index.html",
    ):
        assert "zh-Hans/issues/2024-w11" not in (built.site / name).read_text(encoding="utf-8")
    assert "2024-w" not in (built.site / "ja" / "index.html").read_text(encoding="utf-8")


def test_reviewed_policy_shows_english_passages_marked_as_such(built: Built) -> None:
    file = built.site / "zh-Hans" / "issues" / "2024-w10" / "index.html"
    text = file.read_text(encoding="utf-8")
    page = Parsed(text)
    untranslated = page.with_class("untranslated")
    assert untranslated
    assert all(a.get("lang") == "en" and a.get("dir") == "ltr" for _, a in untranslated)
    assert page.find("p", **{"class": "notice"})
    assert FUZZY_MARK not in text  # fuzzy entries are not published under "reviewed"
    assert not page.with_class("banner")
    assert "ÁÁ" in text or "ÉÉ" in text or "ÓÓ" in text  # reviewed pseudo-translations are


def test_machine_policy_has_a_banner_on_each_section_with_mt(built: Built) -> None:
    file = built.site / "es" / "issues" / "2024-w10" / "index.html"
    text = file.read_text(encoding="utf-8")
    assert FUZZY_MARK in text
    edition = next(e for e in load_site(built.config).editions["es"] if e.issue.slug == "2024-w10")
    sections = edition.sections
    expected = (sections[0].machine or sections[1].machine) + sum(s.machine for s in sections[2:])
    chunks = text.split('<section class="part">')[1:]
    assert sum('class="banner"' in chunk for chunk in chunks) == expected > 3
    for chunk in chunks:
        if re.search(r'class="(machine|outdated)"', chunk):
            assert 'class="banner"' in chunk
    page = Parsed(text)
    assert page.with_class("outdated") and page.with_class("untranslated")
    assert "translate an earlier version of the original" in text
    for _, attrs in page.with_class("banner"):
        assert attrs.get("role") == "note"
    assert page.find("a", href="../../../en/issues/2024-w10/#section-2")


def test_arabic_is_right_to_left_with_english_passages_left_to_right(built: Built) -> None:
    page = parse(built.site / "ar" / "issues" / "2024-w12" / "index.html")
    assert page.find("html", lang="ar", dir="rtl")
    assert page.find("sup")  # the source's own <sup> survives a translation that keeps it
    assert all(a.get("dir") == "ltr" for _, a in page.with_class("untranslated"))
    text = (built.site / "ar" / "issues" / "2024-w12" / "index.html").read_text(encoding="utf-8")
    urls = re.findall(r"<a ([^>]*)>https?://", text)  # links whose text is a URL read LTR
    assert urls and all(' dir="ltr"' in attrs for attrs in urls)


def test_nothing_from_a_catalog_reaches_the_page_as_code(built: Built) -> None:
    checked = 0
    for file in [*built.pages(), *built.site.rglob("*.xml")]:
        page = parse(file)
        for tag, attrs in page.tags:
            assert tag not in ("script", "style", "iframe", "object", "embed", "svg"), file
            for name, value in attrs.items():
                assert not name.startswith("on") and name != "style", (file, tag, name)
                cleaned = re.sub(r"[\s\x00-\x20]", "", value).lower()
                assert not cleaned.startswith(("javascript:", "vbscript:", "data:")), (file, value)
                checked += 1
    assert checked > 1000
    arabic = built.site / "ar" / "issues" / "2024-w12" / "index.html"
    text = "".join(parse(arabic).text)
    assert "<script>alert(1)</script> نص" in text  # shown as text, not run
    assert "secret.txt" not in arabic.read_text(encoding="utf-8")
    assert not (built.site / "media" / "lingopress.toml").exists()
    index = parse(built.site / "ar" / "index.html")
    assert "<script>alert(1)</script>اللغات" in index.find("nav")[0]["aria-label"]


def test_source_pages_render_the_issue_as_written(built: Built) -> None:
    site = load_site(built.config)
    renderer = SiteRenderer(built.config, site)
    for edition in site.editions["en"]:
        view = renderer.issue(edition, f"en/issues/{edition.issue.slug}/", body=True)
        html = "".join(section.heading + section.body for section in view.sections)
        html = re.sub(r' id="section-\d+"', "", html).replace('="../../../media/', '="')
        direct = markdown().render(edition.issue.body, {})
        assert html == re.sub(r"^<h1>.*?</h1>\n", "", direct, count=1)


def test_a_second_build_rewrites_nothing(built: Built) -> None:
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in built.site.rglob("*")}
    again = build_site(built.config)
    assert again.written == () and again.removed == ()
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in built.site.rglob("*")} == before


def test_images_are_copied_once(built: Built) -> None:
    images = sorted((built.site / "media" / "img").iterdir())
    assert len(images) == len(list((built.root / "issues" / "img").glob("*.png")))
    assert images[0].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert posixpath.basename(str(images[0])).startswith("2024-w1")


# -- the command line, on a small project --------------------------------------------------


def test_build_and_rebuild_from_the_command_line(project: Path, invoke: Invoke) -> None:
    result = invoke(["build"], cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("site: 4 pages in 2 languages in site/ (")
    assert (project / "site" / "en" / "issues" / "first" / "index.html").is_file()
    assert (project / "site" / "es" / "index.html").is_file()  # a language without issues yet
    again = invoke(["build"], cwd=project)
    assert "(0 files written," in again.stdout and "0 removed)" in again.stdout
    write(project / "issues" / "second.md", "# Second\n\nMore.\n")
    (project / "issues" / "first.md").unlink()
    third = invoke(["-v", "build"], cwd=project)
    assert "  removed en/issues/first/index.html" in third.stdout
    assert not (project / "site" / "en" / "issues" / "first").exists()


def test_build_with_translations_and_another_folder(project: Path, invoke: Invoke) -> None:
    for verb in (["extract"], ["update"], ["translate"]):
        assert invoke(verb, cwd=project).exit_code == 0
    result = invoke(["build", "--lang", "es", "--out", "preview"], cwd=project)
    assert result.exit_code == 0, result.output
    page = project / "preview" / "es" / "issues" / "first" / "index.html"
    assert 'class="banner"' in page.read_text(encoding="utf-8")
    assert not (project / "site").exists()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"issues/first.md": "# First\n\nHello.\n\n![A chart](img/nope.png)\n"},
            "issues/first.md:5: image not found: img/nope.png",
        ),
        (
            {"issues/first.md": "# First\n\n[notes](../lingopress.toml)\n"},
            "issues/first.md:3: linked file '../lingopress.toml' is outside the issues folder",
        ),
        (
            {"templates/issue.html": "{% extends 'base.html' %}\n{% block content %}{% if %}\n"},
            "templates/issue.html:2: template error: ",
        ),
        (
            {"templates/index.html": "<p>\n{{ nothing.here }}</p>\n"},
            "templates/index.html:2: template error: 'nothing' is undefined",
        ),
        (
            {"locales/es/first.po": BROKEN_CATALOG},
            "locales/es/first.po:6: PO syntax",
        ),
        ({"site/stray.txt": "not ours"}, "site: the output folder is not empty"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    project: Path, invoke: Invoke, files: dict[str, str], expected: str
) -> None:
    for name, text in files.items():
        write(project / name, text)
    before = tree_snapshot(project)
    result = invoke(["build"], cwd=project)
    assert_one_line_error(result, expected)
    assert tree_snapshot(project) == before


def test_serve_previews_the_site_and_stops_on_ctrl_c(project: Path, invoke: Invoke) -> None:
    assert invoke(["serve"], cwd=project).exit_code == 1  # nothing built yet
    assert invoke(["build"], cwd=project).exit_code == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lingopress = str(Path(sys.executable).parent / "lingopress")
    server = subprocess.Popen(
        [lingopress, "--project", str(project), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/en/issues/first/", timeout=10
        ) as reply:
            assert reply.status == 200
            assert '<html lang="en" dir="ltr">' in reply.read().decode("utf-8")
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=10)
    finally:
        server.kill()
    assert server.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_site_strings_follow_the_policy_and_keep_placeholders() -> None:
    catalog = polib.POFile()
    catalog.metadata = {"Plural-Forms": "nplurals=2; plural=(n != 1);"}
    entries = [
        polib.POEntry(msgid="Languages", msgstr="Idiomas"),
        polib.POEntry(msgid="Skip", msgstr="Saltar", flags=["fuzzy"]),
        polib.POEntry(msgid="Old", msgstr="Viejo", flags=["fuzzy"], previous_msgid="Older"),
        polib.POEntry(msgid="By %(author)s.", msgstr="Por %(autor)s."),
        polib.POEntry(msgid="See <b>%(x)s</b>", msgstr='Ver <b>%(x)s</b> <i onclick="y">!</i>'),
        polib.POEntry(
            msgid="%(count)s issue",
            msgid_plural="%(count)s issues",
            msgstr_plural={0: "%(count)s número", 1: "%(count)s números"},
        ),
    ]
    catalog.extend(entries)
    reviewed, machine = SiteStrings(catalog, "reviewed"), SiteStrings(catalog, "machine")
    assert reviewed.gettext("Languages") == "Idiomas"
    assert (reviewed.gettext("Skip"), machine.gettext("Skip")) == ("Skip", "Saltar")
    assert machine.gettext("Old") == "Old"  # outdated: the translation of another text
    assert reviewed.gettext("By %(author)s.") == "By %(author)s."  # a lost placeholder
    assert reviewed.gettext("See <b>%(x)s</b>") == (
        "Ver <b>%(x)s</b> &lt;i onclick=&#34;y&#34;&gt;!&lt;/i&gt;"
    )
    assert reviewed.ngettext("%(count)s issue", "%(count)s issues", 1) == "%(count)s número"
    assert reviewed.ngettext("%(count)s issue", "%(count)s issues", 5) == "%(count)s números"
    assert SiteStrings().ngettext("%(count)s issue", "%(count)s issues", 5) == "%(count)s issues"


TRICKY = """\
---
title: Tricky
summary: "Every kind of block."
---

Intro paragraph with **bold**
and a second line.

# 1. Papers #

## Clustering for *self-supervised* learning

- First item
  continues here.

  Second paragraph of the item.
  - Nested item
- [ ] Task to do

> Quoted line one
lazy continuation

Setext heading
spanning two lines
------------------

| Name | Note |
|:-----|-----:|
| CNN \\\\| RNN | ok |

![Alt text of a figure](img/fig.png "Figure title")

[![Linked logo][logo]](https://example.org) ![](img/fig.png)

<https://example.org/a-bare-link>

```python
code = "not a segment"
```

<div>
HTML block, not a segment.
</div>

[logo]: img/logo.png "Logo title"

Line with a hard break and <kbd>Ctrl</kbd>\\x20\\x20
next line.

# 2. Other topics

> ## Quoted heading
> with text, see [the first issue](first.md).
"""


def tag_names(html: str) -> list[str]:
    return [tag for tag, _ in Parsed(html).tags if tag != "span"]


def test_the_structure_of_the_source_is_kept_in_every_language(
    project: Path, invoke: Invoke
) -> None:
    write(project / "issues" / "tricky.md", TRICKY.replace("\\x20", " "))
    png = next((REPO / "issues" / "img").glob("*.png")).read_bytes()
    write(project / "issues" / "img" / "fig.png", png)
    write(project / "issues" / "img" / "logo.png", png)
    for verb in (["extract"], ["update"], ["translate"], ["build"]):
        assert invoke(verb, cwd=project).exit_code == 0, verb
    config = read_config(project / "lingopress.toml")
    site = load_site(config)
    [source] = [e for e in site.editions["en"] if e.issue.slug == "tricky"]
    view = SiteRenderer(config, site).issue(source, "en/issues/tricky/", body=True)
    html = "".join(section.heading + section.body for section in view.sections)
    html = re.sub(r' id="section-\d+"', "", html).replace('="../../../media/', '="')
    assert html.replace('href="../first/"', 'href="first.md"') == markdown().render(
        source.issue.body, {}
    )
    pages = [
        (project / "site" / tag / "issues" / "tricky" / "index.html").read_text(encoding="utf-8")
        for tag in ("en", "es")
    ]
    english, spanish = (re.sub(r'<p class="banner".*?</p>', "", page, flags=re.S) for page in pages)
    assert tag_names(english.split("<article")[1]) == tag_names(spanish.split("<article")[1])
    assert 'alt="⟦ ÁÁlt tééxt óóf áá fíígúúréé ⟧"' in spanish  # alt text and title translated
    assert 'title="⟦ Fíígúúréé tíítléé ⟧"' in spanish
    assert "<kbd>Ctrl</kbd>" in spanish  # the source's own inline HTML
    assert '<a href="../first/">' in spanish
