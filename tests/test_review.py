"""Review pages: `lingopress review` on the bundled newsletter, read as HTML and in Chromium.

One project is built per module: the bundled issues with their glossaries, catalogs
made by `extract` and `update`, then a zh-Hans catalog given one message in every
state (reviewed, machine with `# MT:`, outdated after a change to the issue,
untranslated), a planted glossary problem and a translation that tries to inject a
script; the ar catalog gets Arabic translations.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lingopress.catalog import read_catalog, write_catalog
from lingopress.checks import msgid_line, msgid_lines
from lingopress.cli import cli
from lingopress.progress import state_of
from lingopress.review import word_diff
from tests.browser import BrowserPage
from tests.conftest import REPO, Invoke, assert_one_line_error, newsletter

SLUG = "2024-w10"
REVIEWED = "This week's highlights"
CHANGED = "Machine Learning Use Case"
CHANGED_TO = "Machine Learning Use Cases This Week"
MACHINE = (
    "As usual, this issue collects what I read recently, whatever its publication date. "
    "I spent the weekend re-reading the papers that shaped self-supervised learning for "
    "vision, so this issue leans heavily in that direction."
)
MACHINE_ZH = "和往常一样本期收录我最近读到的内容。周末我重读了塑造视觉自监督学习的报纸。"
INJECTED = "Papers"
INJECTION = "<script>document.title = 'pwned'</script><img src=x onerror=alert(1)>论文"
ARABIC = "أبرز ما في هذا الأسبوع"


# --- the project --------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """The project, the review folder and what the command printed."""

    root: Path
    out: Path
    result: Result

    def page(self, lang: str, name: str = SLUG) -> Path:
        return self.out / lang / f"{name}.html"


def run(root: Path, *args: str) -> Result:
    """The CLI in-process on ``root`` (a module-scoped fixture cannot use ``invoke``)."""
    result = CliRunner().invoke(cli, ["--project", str(root), *args], prog_name="lingopress")
    assert result.exit_code == 0, result.output
    return result


def translate(path: Path, translations: dict[str, tuple[str, str]]) -> None:
    """Give messages of a catalog a translation: msgid -> (state, text)."""
    catalog = read_catalog(path, path.name)
    for entry in catalog:
        if entry.msgid in translations:
            state, text = translations[entry.msgid]
            entry.msgstr = text
            if state == "machine":
                entry.flags.append("fuzzy")
                entry.tcomment = "MT: pseudo test-model"
    write_catalog(path, catalog)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = newsletter(tmp_path_factory.mktemp("review"), glossaries=True)
    run(root, "extract")
    run(root, "update", "--lang", "zh-Hans", "--lang", "ar")
    translate(
        root / "locales" / "zh-Hans" / f"{SLUG}.po",
        {
            REVIEWED: ("reviewed", "本周亮点"),
            CHANGED: ("reviewed", "机器学习用例"),
            MACHINE: ("machine", MACHINE_ZH),
            INJECTED: ("reviewed", INJECTION),
        },
    )
    translate(root / "locales" / "ar" / f"{SLUG}.po", {REVIEWED: ("reviewed", ARABIC)})
    issue = root / "issues" / f"{SLUG}.md"
    issue.write_text(
        issue.read_text(encoding="utf-8").replace(f"## {CHANGED}\n", f"## {CHANGED_TO}\n"),
        encoding="utf-8",
    )
    run(root, "extract")
    run(root, "update", "--lang", "zh-Hans", "--lang", "ar")
    out = root.parent / "review-out"
    result = run(root, "review", "--lang", "zh-Hans", "--lang", "ar", "--out", str(out))
    return Built(root, out, result)


# --- reading the pages --------------------------------------------------------------

VOID = {"meta", "link", "br", "img", "input", "col", "hr", "wbr", "source"}


@dataclass
class Node:
    """An element of a parsed page: tag, attributes, children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def all(self, tag: str = "", cls: str = "", **attrs: str) -> list[Node]:
        """Descendants (and self) by tag, class and attribute values (``data_x`` = data-x)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            node
            for node in self.walk()
            if (not tag or node.tag == tag)
            and (not cls or cls in node.classes)
            and all(node.attrs.get(name) == value for name, value in wanted.items())
        ]

    def one(self, tag: str = "", cls: str = "", **attrs: str) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def row(page: Node, source: str) -> Node:
    """The entry row whose source text is ``source``."""
    rows = [r for r in page.all("tr", "entry") if r.one("td", "source").all(cls="text")]
    found = [r for r in rows if r.one("td", "source").all(cls="text")[0].text() == source]
    assert len(found) == 1, source
    return found[0]


# --- content ------------------------------------------------------------------------


def test_writes_every_page_and_says_so(built: Built) -> None:
    names = sorted(p.relative_to(built.out).as_posix() for p in built.out.rglob("*.html"))
    issues = [f"2024-w1{n}.html" for n in range(4)]
    expected = ["index.html"] + [
        f"{lang}/{name}" for lang in ("ar", "zh-Hans") for name in [*issues, "index.html"]
    ]
    assert names == sorted(expected)
    assert built.result.output.startswith("review: 8 issue pages in 2 languages, ")
    assert "11 created, 0 updated, 0 unchanged" in built.result.output


def test_every_message_is_a_row_with_its_state_and_msgid_line(built: Built) -> None:
    path = built.root / "locales" / "zh-Hans" / f"{SLUG}.po"
    catalog = read_catalog(path, path.name)
    lines = msgid_lines(path.read_text(encoding="utf-8"))
    expected = [
        (state_of(entry), str(msgid_line(lines, entry)), entry.msgid)
        for entry in catalog
        if not entry.obsolete
    ]
    rows = parse(built.page("zh-Hans")).all("tr", "entry")
    found = [
        (
            r.attrs["data-state"],
            r.attrs["data-line"],
            r.one("td", "source").all(cls="text")[0].text(),
        )
        for r in rows
    ]
    assert found == expected
    for r in rows:
        assert f"state-{r.attrs['data-state']}" in r.classes
        assert r.attrs["id"] == f"L{r.attrs['data-line']}"


def test_counts_match_status(built: Built, invoke: Invoke) -> None:
    result = invoke(
        [
            "--project",
            str(built.root),
            "status",
            "--lang",
            "zh-Hans",
            "--by-section",
            "--format",
            "json",
        ]
    )
    status = next(c for c in json.loads(result.output)["catalogs"] if c["issue"] == SLUG)
    page = parse(built.page("zh-Hans"))
    total = page.one(data_scope="issue").attrs
    assert {state: int(total[f"data-{state}"]) for state in status["strings"]} == status["strings"]
    assert status["strings"]["reviewed"] == 3  # the changed heading is also a list item
    assert status["strings"]["machine"] == 1
    assert status["strings"]["outdated"] == 1
    assert float(total["data-percent-reviewed"]) == status["percent_reviewed"]
    summaries = page.all(cls="section-summary")
    assert [s.attrs["data-section"] for s in summaries] == [
        s["section"] for s in status["sections"]
    ]
    for summary, section in zip(summaries, status["sections"], strict=True):
        assert int(summary.attrs["data-total"]) == section["strings"]["total"]
        assert int(summary.attrs["data-machine"]) == section["strings"]["machine"]
    sections = page.all("section", "section")
    assert [len(s.all("tr", "entry")) for s in sections] == [
        s["strings"]["total"] for s in status["sections"]
    ]


def test_outdated_message_shows_the_word_diff(built: Built) -> None:
    outdated = parse(built.page("zh-Hans")).one("tr", "entry", data_state="outdated")
    assert outdated.one("td", "source").all(cls="text")[0].text() == CHANGED_TO
    assert [d.text() for d in outdated.all("del")] == ["Case"]
    assert [i.text() for i in outdated.all("ins")] == ["Cases This Week"]
    assert outdated.one("td", "translation").text().strip() == "机器学习用例"


def test_machine_message_shows_provenance_glossary_and_planted_problem(built: Built) -> None:
    machine = row(parse(built.page("zh-Hans")), MACHINE)
    assert machine.attrs["data-state"] == "machine"
    assert "MT: pseudo test-model" in machine.one("td", "state").text()
    paper = machine.one("li", "term", data_term="paper")
    assert paper.one(cls="term-target").text() == "论文"
    assert "报纸" in paper.one(cls="forbidden").text()
    problems = [p.text() for p in machine.all("li", "problem", data_check="glossary")]
    assert any("'paper' must not be rendered as '报纸'" in text for text in problems), problems
    assert {p.attrs["data-severity"] for p in machine.all("li", "problem")} == {"error"}
    assert "has-problems" in machine.classes and "severity-error" in machine.classes


def test_untrusted_text_is_escaped(built: Built) -> None:
    html = built.page("zh-Hans").read_text(encoding="utf-8")
    page = parse(built.page("zh-Hans"))
    assert not page.all("script") and not page.all("img")
    assert not any(name.startswith("on") for node in page.walk() for name in node.attrs)
    injected = row(page, INJECTED)
    assert injected.one("td", "translation").all(cls="text")[0].text() == INJECTION
    assert "&lt;script&gt;" in html
    assert "script-src" not in html and "default-src 'none'" in html


def test_translation_cells_carry_language_and_direction(built: Built) -> None:
    arabic = parse(built.page("ar"))
    cells = arabic.all("td", "translation")
    assert cells and all(c.attrs["lang"] == "ar" and c.attrs["dir"] == "rtl" for c in cells)
    assert all(c.attrs["dir"] == "ltr" for c in arabic.all("td", "source"))
    assert row(arabic, REVIEWED).one("td", "translation").text().strip() == ARABIC
    chinese = parse(built.page("zh-Hans"))
    assert {c.attrs["lang"] for c in chinese.all("td", "translation")} == {"zh-Hans"}


def test_overview_pages_link_issues_and_languages(built: Built) -> None:
    index = parse(built.out / "index.html")
    languages = index.all("tr", "language")
    assert [r.attrs["data-lang"] for r in languages] == ["zh-Hans", "ar"]
    assert languages[0].all("a")[0].attrs["href"] == "./zh-Hans/index.html"
    overview = parse(built.out / "zh-Hans" / "index.html")
    issues = overview.all("tr", "issue")
    assert [r.attrs["data-issue"] for r in issues] == [f"2024-w1{n}" for n in range(4)]
    first = issues[0]
    assert first.all("a")[0].attrs["href"] == f"./{SLUG}.html"
    assert int(first.attrs["data-reviewed"]) == 3
    language_total = overview.one(data_scope="language").attrs
    assert int(language_total["data-total"]) == sum(int(r.attrs["data-total"]) for r in issues)


def test_every_link_is_relative_and_resolves(built: Built) -> None:
    for path in built.out.rglob("*.html"):
        for link in parse(path).all("a"):
            href = link.attrs["href"]
            target = href.partition("#")[0]
            assert not re.match(r"[a-z]+:", href) and not href.startswith("/"), href
            if target:
                assert (path.parent / target).is_file(), (path, href)


def test_rerun_writes_nothing(built: Built) -> None:
    before = {path: path.stat().st_mtime_ns for path in built.out.rglob("*.html")}
    args = ["-v", "review", "--lang", "zh-Hans", "--lang", "ar", "--out", str(built.out)]
    again = run(built.root, *args)
    assert "0 created, 0 updated, 11 unchanged" in again.output
    assert len(again.output.splitlines()) == 1
    assert {path: path.stat().st_mtime_ns for path in built.out.rglob("*.html")} == before


def test_verbose_quiet_and_a_missing_catalog(project: Path, invoke: Invoke) -> None:
    assert invoke(["extract"], cwd=project).exit_code == 0
    result = invoke(["-v", "review", "--out", "out"], cwd=project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  created out/es/first.html" in lines
    assert lines[-1].startswith("review: 1 issue page in 1 language, 2 messages, 0 problems; ")
    assert invoke(["-q", "review", "--out", "elsewhere"], cwd=project).output == ""
    assert (project / "elsewhere" / "es" / "first.html").is_file()
    page = parse(project / "out" / "es" / "first.html")
    rows = page.all("tr", "entry")
    assert rows and {r.attrs["data-state"] for r in rows} == {"untranslated"}
    assert "no catalog yet" in page.one(cls="meta").text()
    assert page.one(cls="path").text() == "locales/templates/first.pot"


def test_word_diff() -> None:
    pieces = word_diff("The model reads 3 papers.", "The new model reads 4 papers!")
    assert [(p.op, p.text) for p in pieces] == [
        ("equal", "The"),
        ("insert", " new"),
        ("equal", " model reads "),
        ("delete", "3"),
        ("insert", "4"),
        ("equal", " papers"),
        ("delete", "."),
        ("insert", "!"),
    ]
    assert [(p.op, p.text) for p in word_diff("same text", "same text")] == [("equal", "same text")]


# --- errors -------------------------------------------------------------------------


def test_unknown_issue_and_language(built: Built, invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(["--project", str(built.root), "review", "--issue", "nope", "--out", str(out)])
    assert_one_line_error(result, "no issue 'nope' (locales/templates/nope.pot does not exist)")
    result = invoke(["--project", str(built.root), "review", "--lang", "fr", "--out", str(out)])
    assert_one_line_error(result, "lingopress.toml: language 'fr' is not configured")
    assert not out.exists()


def test_broken_catalog_stops_before_writing(project: Path, invoke: Invoke) -> None:
    assert invoke(["extract"], cwd=project).exit_code == 0
    assert invoke(["update"], cwd=project).exit_code == 0
    catalog = project / "locales" / "es" / "first.po"
    catalog.write_text(
        catalog.read_text(encoding="utf-8") + '\nmsgid "Hello."\nmsgstr "x"\n', encoding="utf-8"
    )
    result = invoke(["review", "--out", "out"], cwd=project)
    assert result.exit_code == 1
    assert re.fullmatch(r"Error: locales/es/first\.po:\d+: .+\n", result.stderr), result.stderr
    assert not (project / "out").exists()


def test_templates_ship_in_the_package() -> None:
    folder = resources.files("lingopress") / "review_templates"
    shipped = sorted(item.name for item in folder.iterdir())
    assert {"base.html", "issue.html", "language.html", "index.html", "review.css"} <= set(shipped)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["lingopress"]
    for name in shipped:
        assert any(fnmatch.fnmatch(f"review_templates/{name}", p) for p in patterns), name


# --- in Chromium --------------------------------------------------------------------


def test_page_in_chromium(built: Built, browser_page: BrowserPage) -> None:
    page = browser_page.open(built.page("zh-Hans"))
    states = page.eval_on_selector_all("tr.entry", "rows => rows.map(r => r.dataset.state)")
    assert Counter(states) == Counter(
        {"reviewed": 3, "machine": 1, "outdated": 1, "untranslated": len(states) - 5}
    )
    total = page.locator("[data-scope=issue]")
    assert total.get_attribute("data-machine") == "1"
    outdated = page.locator("tr.entry[data-state=outdated]")
    assert outdated.locator("del").inner_text() == "Case"
    assert outdated.locator("ins").inner_text() == "Cases This Week"
    assert outdated.locator("del").is_visible() and outdated.locator("ins").is_visible()
    problem = page.locator("tr.entry[data-state=machine] li.problem", has_text="'报纸'")
    assert problem.is_visible() and problem.get_attribute("data-check") == "glossary"
    term = page.locator("tr.entry[data-state=machine] li.term[data-term=paper]")
    assert term.is_visible() and "论文" in term.inner_text()
    injected = page.locator("td.translation .text", has_text="document.title")
    assert injected.inner_text() == INJECTION and injected.is_visible()
    assert page.title() != "pwned"
    assert browser_page.errors == []


def test_filters_hide_rows_without_script(built: Built, browser_page: BrowserPage) -> None:
    page = browser_page.open(built.page("zh-Hans"))
    reviewed = page.locator("tr.entry[data-state=reviewed]").first
    assert reviewed.is_visible()
    page.locator("label[for=show-todo]").click()
    assert not reviewed.is_visible()
    assert page.locator("tr.entry[data-state=outdated]").is_visible()
    page.locator("label[for=show-problems]").click()
    assert page.locator("tr.entry.has-problems").first.is_visible()
    assert not page.locator("tr.entry[data-state=untranslated]").first.is_visible()
    assert browser_page.errors == []


def test_arabic_cells_are_right_to_left(built: Built, browser_page: BrowserPage) -> None:
    page = browser_page.open(built.page("ar"))
    directions = page.eval_on_selector_all(
        "td.translation", "cells => cells.map(c => getComputedStyle(c).direction)"
    )
    assert directions and set(directions) == {"rtl"}
    source = page.eval_on_selector("td.source", "c => getComputedStyle(c).direction")
    assert source == "ltr"
    assert browser_page.errors == []


def test_navigation_and_phone_layout(
    built: Built, browser_page: BrowserPage, tmp_path: Path
) -> None:
    page = browser_page.open(built.out / "index.html")
    page.locator("tr.language[data-lang=ar] a").first.click()
    page.locator(f"tr.issue[data-issue='{SLUG}'] a").first.click()
    assert page.url.endswith(f"/ar/{SLUG}.html")
    browser_page.open(built.page("zh-Hans"), phone=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    shot = browser_page.screenshot(tmp_path / "phone.png", phone=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert browser_page.errors == []
