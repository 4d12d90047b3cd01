"""Translated Markdown: each issue with its catalog's translations put back, to publish elsewhere.

``lingopress export --lang L --out DIR`` writes ``DIR/<slug>.md`` for each issue: the
source file with every segment whose message has a usable translation replaced by it
(:func:`lingopress.reassembly.reassemble`), so the front matter keeps its other keys
and the Markdown keeps its structure. A message is looked up by its ``msgid``, which
is the segment's text (:mod:`lingopress.extraction`: identical texts are one message,
front-matter values are their text without quotes). Usable means reviewed (translated,
not fuzzy); with ``include_fuzzy`` also fuzzy translations (machine translation,
memory, outdated). Other segments stay in the source language, so an issue without
usable translations comes back byte for byte.

Every issue and catalog is read and checked before the first file is written; a file
whose content would not change is not rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from lingopress.catalog import read_catalog
from lingopress.config import Config
from lingopress.errors import CatalogError, IssueError, LingopressError
from lingopress.fileio import Written, write_if_changed
from lingopress.issue import ISSUE_SUFFIX, Issue, issue_files, read_issue, read_issues
from lingopress.languages import Language
from lingopress.progress import state_of
from lingopress.reassembly import reassemble
from lingopress.segments import Segment

_FUZZY_STATES = ("machine", "outdated")


def usable_translations(catalog: polib.POFile, *, include_fuzzy: bool = False) -> dict[str, str]:
    """Source text → translation, for the active messages whose translation may be used.

    Plural messages and messages with a context are left out: issues have neither.
    """
    usable = ("reviewed", *_FUZZY_STATES) if include_fuzzy else ("reviewed",)
    return {
        entry.msgid: entry.msgstr
        for entry in catalog
        if not entry.obsolete
        and not entry.msgid_plural
        and entry.msgctxt is None
        and state_of(entry) in usable
    }


def translate_issue(issue: Issue, translations: Mapping[str, str]) -> tuple[str, int]:
    """The issue's text with its segments translated, and how many segments were.

    A segment without a translation keeps its source text.
    """
    done = 0

    def lookup(item: Segment) -> str | None:
        nonlocal done
        found = translations.get(item.text)
        done += found is not None
        return found

    return reassemble(issue.text, lookup, source=issue.shown), done


@dataclass(frozen=True)
class ExportedIssue:
    """One issue's translated Markdown, where it goes, and how much of it is translated."""

    slug: str
    path: Path
    markdown: str
    translated: int
    segments: int


def export_issues(
    config: Config,
    tag: str,
    slugs: Sequence[str],
    out: Path,
    *,
    include_fuzzy: bool = False,
) -> list[ExportedIssue]:
    """The translated Markdown of the chosen issues (all if ``slugs`` is empty) in ``tag``.

    Reads and checks everything (the language, the issues, their catalogs); writes nothing.
    """
    config.language(tag)  # a ConfigError if the language is not configured
    if out.resolve() == config.paths.issues:
        raise LingopressError("--out is the issues folder: the sources would be overwritten", out)
    exported = []
    for issue in select_issues(config, slugs):
        catalog = _issue_catalog(config, tag, issue.slug)
        translations = usable_translations(catalog, include_fuzzy=include_fuzzy)
        markdown, translated = translate_issue(issue, translations)
        path = out / f"{issue.slug}{ISSUE_SUFFIX}"
        exported.append(ExportedIssue(issue.slug, path, markdown, translated, len(issue.segments)))
    return exported


def write_exported(exported: Sequence[ExportedIssue]) -> list[Written]:
    """Write each translated issue (atomically, and only if its bytes change)."""
    return [write_if_changed(item.path, item.markdown.encode("utf-8")) for item in exported]


def select_issues(config: Config, slugs: Sequence[str]) -> list[Issue]:
    """The issues named by ``slugs`` (in that order, once each), or every issue."""
    if not slugs:
        return read_issues(config.paths)
    issues = []
    for slug in dict.fromkeys(slugs):
        path = config.paths.issue(slug)
        shown = config.paths.relative(path)
        if not path.is_file():
            known = ", ".join(p.name.removesuffix(ISSUE_SUFFIX) for p in issue_files(path.parent))
            raise IssueError(f"no such issue (issues: {known or 'none'})", shown)
        issues.append(read_issue(path, shown))
    return issues


def _issue_catalog(config: Config, tag: str, slug: str) -> polib.POFile:
    """The catalog of one issue in one language, read and checked; missing is an error."""
    path = config.paths.po(tag, slug)
    shown = config.paths.relative(path)
    if not path.is_file():
        message = f"no such catalog: run 'lingopress extract' and 'lingopress update --lang {tag}'"
        raise CatalogError(message, shown)
    return read_catalog(path, shown, Language(tag))
