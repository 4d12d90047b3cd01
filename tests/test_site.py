"""The site as data (lingopress.site): editions, publish policies, pages, alternates, URLs."""

from __future__ import annotations

import posixpath
from pathlib import Path

import polib
import pytest

from lingopress.config import read_config
from lingopress.issue import read_issues
from lingopress.site import (
    INDEX,
    ISSUE,
    ROOT,
    X_DEFAULT,
    Site,
    assemble_site,
    file_of,
    relative_url,
    shows,
)
from tests.conftest import write

CONFIG = """\
source_language = "en"

[site]
title = "Test News"
base_url = "https://news.example.org/sub/"

[languages.es]
publish = "machine"

[languages.ar]
publish = "reviewed"

[languages.ja]
"""


def issue_text(title: str, date: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n\n# Part one\n\nHello.\n\n# Part two\n\nBye.\n"


@pytest.fixture
def news(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    write(root / "lingopress.toml", CONFIG)
    write(root / "issues" / "a.md", issue_text("Alpha", "2024-01-01"))
    write(root / "issues" / "b.md", issue_text("Beta", "2024-02-01"))
    write(root / "issues" / "c.md", "# Undated\n\nText.\n")
    return root


def catalog(entries: dict[str, tuple[str, str]]) -> polib.POFile:
    """A catalog from msgid: (msgstr, state) pairs; state: reviewed, machine, outdated."""
    result = polib.POFile()
    for msgid, (msgstr, state) in entries.items():
        entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
        if state != "reviewed":
            entry.flags.append("fuzzy")
        if state == "outdated":
            entry.previous_msgid = "Older text."
        result.append(entry)
    return result


def site_of(news: Path, catalogs: dict[str, dict[str, polib.POFile]]) -> Site:
    config = read_config(news / "lingopress.toml")
    return assemble_site(config, read_issues(config.paths), config.languages, catalogs)


def test_publish_policies() -> None:
    assert [shows(state, "reviewed") for state in ("reviewed", "machine", "outdated")] == [
        True,
        False,
        False,
    ]
    assert [shows(state, "machine") for state in ("reviewed", "machine", "outdated")] == [
        True,
        True,
        True,
    ]
    assert not shows("untranslated", "machine")


def test_passages_follow_the_policy_and_untranslated_issues_are_left_out(news: Path) -> None:
    fuzzy_a = catalog({"Hello.": ("Hola.", "machine"), "Bye.": ("Adiós.", "outdated")})
    site = site_of(news, {"es": {"a": fuzzy_a}, "ar": {"a": fuzzy_a, "b": fuzzy_a}})
    assert [issue.slug for issue in site.issues] == ["b", "a", "c"]  # newest first
    assert [e.issue.slug for e in site.editions["en"]] == ["b", "a", "c"]
    assert [e.issue.slug for e in site.editions["es"]] == ["a"]
    assert site.editions["ar"] == () and site.editions["ja"] == ()  # fuzzy only: not published
    spanish = site.editions["es"][0]
    shown = {p.segment.text: (p.text, p.state, p.translated) for p in spanish.passages}
    assert shown["Hello."] == ("Hola.", "machine", True)
    assert shown["Bye."] == ("Adiós.", "outdated", True)
    assert shown["Part one"] == ("Part one", "untranslated", False)
    assert spanish.machine and spanish.fallback
    sections = {s.section.title: s for s in spanish.sections}
    assert sections["Part one"].machine and not sections["Part one"].outdated
    assert sections["Part two"].outdated and sections["Part two"].fallback
    reviewed = catalog({"Hello.": ("مرحبا.", "reviewed"), "Bye.": ("وداعا.", "machine")})
    arabic = site_of(news, {"ar": {"a": reviewed}}).editions["ar"][0]
    in_arabic = {p.segment.text: (p.text, p.translated) for p in arabic.passages}
    assert in_arabic["Hello."] == ("مرحبا.", True)
    assert in_arabic["Bye."] == ("Bye.", False)  # fuzzy is not shown under "reviewed"
    assert not arabic.machine


def test_pages_and_symmetric_alternates(news: Path) -> None:
    site = site_of(news, {"es": {"a": catalog({"Hello.": ("Hola.", "reviewed")})}})
    paths = {page.path: page for page in site.pages}
    assert paths[""].kind == ROOT
    assert {p for p, page in paths.items() if page.kind == INDEX} == {"en/", "es/", "ar/", "ja/"}
    assert {p for p, page in paths.items() if page.kind == ISSUE} == {
        "en/issues/a/",
        "en/issues/b/",
        "en/issues/c/",
        "es/issues/a/",
    }
    for page in site.pages:
        alternates = {a.hreflang: a.path for a in page.alternates}
        assert X_DEFAULT in alternates
        assert page.path in alternates.values() or page.kind == ROOT
        for tag, path in alternates.items():
            assert path in paths, (page.path, path)
            other = {a.hreflang: a.path for a in paths[path].alternates}
            assert other == alternates, (page.path, tag)
    assert {a.hreflang for a in paths["es/issues/a/"].alternates} == {"en", "es", X_DEFAULT}
    assert {a.path for a in paths["en/issues/b/"].alternates} == {"en/issues/b/"}
    assert site.url("es/issues/a/") == "https://news.example.org/sub/es/issues/a/"


def test_switcher_marks_languages_without_the_issue(news: Path) -> None:
    site = site_of(news, {"es": {"a": catalog({"Hello.": ("Hola.", "reviewed")})}})
    page = next(p for p in site.pages if p.path == "es/issues/a/")
    choices = {c.language.tag: (c.path, c.translated, c.current) for c in site.switcher(page)}
    assert choices == {
        "en": ("en/issues/a/", True, False),
        "es": ("es/issues/a/", True, True),
        "ar": ("ar/", False, False),
        "ja": ("ja/", False, False),
    }
    assert site.switcher(site.pages[0]) == ()


@pytest.mark.parametrize(
    ("page", "target"),
    [
        ("", "es/"),
        ("es/", ""),
        ("es/issues/a/", "es/issues/b/"),
        ("es/issues/a/", "media/img/x.png"),
        ("ar/issues/a/", "en/issues/a/"),
        ("es/", "es/"),
    ],
)
def test_relative_urls_resolve_to_their_target(page: str, target: str) -> None:
    url = relative_url(page, target)
    resolved = posixpath.normpath(posixpath.join(page or ".", url))
    assert resolved == (posixpath.normpath(target) if target else ".")
    assert file_of(page) in ("index.html", page + "index.html")
