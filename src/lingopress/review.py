"""Review pages: a static, side-by-side view of each issue's catalog in each language.

``lingopress review --out DIR`` writes, for translators and editors:

- ``DIR/<lang>/<slug>.html``: every message of an issue's catalog, by section, as a
  row of source, translation, review state (an outdated message shows what changed
  in its source, word by word), the glossary terms of its source with their required
  renderings, and the problems the quality checks (:mod:`lingopress.checks`) find,
  under a bar of progress per section;
- ``DIR/<lang>/index.html``: the issues of a language with their progress;
- ``DIR/index.html``: the languages.

The pages open from the file system: relative links, the style sheet inline, no
script. Everything that comes from a catalog, an issue or a glossary is untrusted,
so the pages are rendered by Jinja2 with autoescaping (templates in
``review_templates/``) and a Content-Security-Policy that allows no script at all.

Assembly (:func:`review_site`) reads and checks every input before anything is
rendered, and :func:`write_review` writes only files whose content changes, so a
broken catalog stops the command with its line and leaves the output as it was.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import polib

from lingopress import __version__
from lingopress.catalog import read_catalog
from lingopress.checks import (
    ERROR,
    WARNING,
    CheckContext,
    Finding,
    catalog_names,
    check_entry,
    msgid_line,
    msgid_lines,
)
from lingopress.config import Config, LanguageSettings
from lingopress.extraction import SITE_TEMPLATE
from lingopress.fileio import Written, write_if_changed
from lingopress.glossary import Glossary, read_glossary
from lingopress.issue import read_issues
from lingopress.languages import Language
from lingopress.masking import mask
from lingopress.progress import STATES, CatalogProgress, Counts, measure, section_of, state_of

TEMPLATES = "review_templates"
_DIFF_TOKEN = re.compile(r"\s+|[^\W_]+(?:['\u2019][^\W_]+)*|.", re.DOTALL)


# --- word diff ------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffPiece:
    """A run of a word diff: ``equal``, ``delete`` (only in the old text) or ``insert``."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """The word-level differences from ``old`` to ``new``, as runs of text.

    Words, runs of whitespace and single punctuation marks are compared as units;
    neighbouring runs of the same kind are merged.

    >>> [(piece.op, piece.text) for piece in word_diff("Two big models.", "Three big models")]
    [('delete', 'Two'), ('insert', 'Three'), ('equal', ' big models'), ('delete', '.')]
    """
    before, after = _DIFF_TOKEN.findall(old), _DIFF_TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    pieces: list[DiffPiece] = []
    for op, start, end, start2, end2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            _append(pieces, "delete", "".join(before[start:end]))
        if op in ("insert", "replace"):
            _append(pieces, "insert", "".join(after[start2:end2]))
        if op == "equal":
            _append(pieces, "equal", "".join(before[start:end]))
    return pieces


def _append(pieces: list[DiffPiece], op: str, text: str) -> None:
    """Add a run to a diff, merged with the last one if it is of the same kind."""
    if pieces and pieces[-1].op == op:
        pieces[-1] = DiffPiece(op, pieces[-1].text + text)
    else:
        pieces.append(DiffPiece(op, text))


# --- what a page shows ----------------------------------------------------------------


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a source text, with what the translation must do."""

    source: str
    target: str
    verbatim: bool
    forbidden: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class ReviewEntry:
    """One message as a review row.

    ``line`` is the line of its ``msgid`` in the catalog (in the template while the
    catalog does not exist); ``notes`` are its translator comments (``MT: ...``,
    ``MT failed: ...``, ``TM: ...``); ``diff`` is set for an outdated message.
    """

    line: int
    state: str
    kind: str
    source: str
    source_plural: str
    translations: tuple[str, ...]
    references: tuple[str, ...]
    notes: tuple[str, ...]
    diff: tuple[DiffPiece, ...]
    terms: tuple[TermHit, ...]
    findings: tuple[Finding, ...]

    @property
    def severity(self) -> str:
        """The worst severity among the entry's problems, or an empty string."""
        severities = {found.severity for found in self.findings}
        return ERROR if ERROR in severities else WARNING if severities else ""


@dataclass(frozen=True)
class Share:
    """One state's part of a progress bar: messages, source words, width in percent."""

    state: str
    strings: int
    words: int
    percent: float


def shares(counts: Counts) -> list[Share]:
    """The parts of a progress bar, one per state, by share of messages.

    >>> [(s.state, s.percent) for s in shares(Counts({"reviewed": 3, "machine": 1,
    ...     "outdated": 0, "untranslated": 0}, dict.fromkeys(STATES, 1)))]
    [('reviewed', 75.0), ('machine', 25.0), ('outdated', 0.0), ('untranslated', 0.0)]
    """
    total = sum(counts.strings.values())
    return [
        Share(
            state,
            counts.strings[state],
            counts.words[state],
            round(100 * counts.strings[state] / total, 2) if total else 0.0,
        )
        for state in STATES
    ]


@dataclass
class ReviewSection:
    """A section of an issue: its path of headings, its counts and its rows."""

    title: str
    counts: Counts
    entries: list[ReviewEntry] = field(default_factory=list)

    @property
    def problems(self) -> Counter[str]:
        """How many problems the section's entries have, by severity."""
        return Counter(found.severity for entry in self.entries for found in entry.findings)


@dataclass
class ReviewPage:
    """The review page of one issue in one language."""

    settings: LanguageSettings
    slug: str
    title: str
    date: str
    path: str
    exists: bool
    progress: CatalogProgress
    sections: list[ReviewSection]

    @property
    def language(self) -> Language:
        """The target language."""
        return self.settings.language

    @property
    def entries(self) -> list[ReviewEntry]:
        """Every row of the page, in catalog order."""
        return [entry for section in self.sections for entry in section.entries]

    @property
    def problems(self) -> Counter[str]:
        """How many problems the page shows, by severity."""
        total: Counter[str] = Counter()
        for section in self.sections:
            total.update(section.problems)
        return total


@dataclass
class ReviewLanguage:
    """The review pages of one language."""

    settings: LanguageSettings
    pages: list[ReviewPage]

    @property
    def language(self) -> Language:
        """The target language."""
        return self.settings.language

    @property
    def counts(self) -> Counts:
        """The counts of all its pages together."""
        total = Counts()
        for page in self.pages:
            for state in STATES:
                total.strings[state] += page.progress.total.strings[state]
                total.words[state] += page.progress.total.words[state]
        return total

    @property
    def problems(self) -> Counter[str]:
        """How many problems its pages show, by severity."""
        total: Counter[str] = Counter()
        for page in self.pages:
            total.update(page.problems)
        return total


@dataclass
class ReviewSite:
    """Everything the review pages show: the project's title, source and languages."""

    title: str
    source: Language
    languages: list[ReviewLanguage]

    @property
    def pages(self) -> list[ReviewPage]:
        """Every issue page, language by language."""
        return [page for language in self.languages for page in language.pages]


# --- assembly -------------------------------------------------------------------------


def review_entry(entry: polib.POEntry, line: int, state: str, context: CheckContext) -> ReviewEntry:
    """One message as a row: its state, its source's glossary terms, its problems."""
    translations = (
        tuple(text for _, text in sorted(entry.msgstr_plural.items()))
        if entry.msgid_plural
        else (entry.msgstr,)
    )
    diff = word_diff(entry.previous_msgid, entry.msgid) if state == "outdated" else []
    comments = entry.comment.split("\n") if entry.comment else [""]
    return ReviewEntry(
        line=line,
        state=state,
        kind=comments[0].partition(" in ")[0],
        source=entry.msgid,
        source_plural=entry.msgid_plural or "",
        translations=translations,
        references=tuple(
            f"{path}:{number}" if number else path for path, number in entry.occurrences
        ),
        notes=tuple(note for note in (entry.tcomment or "").split("\n") if note.strip()),
        diff=tuple(diff),
        terms=terms_of(entry.msgid, context.glossary),
        findings=tuple(check_entry(entry, context)),
    )


def terms_of(source: str, glossary: Glossary) -> tuple[TermHit, ...]:
    """The glossary terms of a source text (outside code and URLs), each once, in order."""
    found = {item.term.source: item.term for item in glossary.find(mask(source).text)}
    return tuple(
        TermHit(term.source, term.target, term.verbatim, term.forbidden, term.note)
        for term in found.values()
    )


def review_catalog(
    catalog: polib.POFile, text: str, context: CheckContext, progress: CatalogProgress
) -> list[ReviewSection]:
    """The sections of a catalog read from ``text``, with their counts and rows.

    ``progress`` says whether the catalog exists; without one, ``catalog`` is the
    template and every message is untranslated.
    """
    active = [entry for entry in catalog if not entry.obsolete]
    measure(active, progress)
    sections = {name: ReviewSection(name, counts) for name, counts in progress.sections.items()}
    lines = msgid_lines(text)
    for entry in active:
        state = state_of(entry) if progress.exists else "untranslated"
        row = review_entry(entry, msgid_line(lines, entry), state, context)
        sections[section_of(entry)].entries.append(row)
    return list(sections.values())


def review_page(
    config: Config,
    settings: LanguageSettings,
    name: str,
    context: CheckContext,
    title: str,
    date: str,
) -> ReviewPage:
    """The review page of one issue (or the site's strings) in one language."""
    path = config.paths.po(settings.tag, name)
    exists = path.is_file()
    source = path if exists else config.paths.pot(name)
    shown = config.paths.relative(source).as_posix()
    catalog = read_catalog(source, shown, settings.language if exists else None)
    text = source.read_bytes().decode("utf-8")
    progress = CatalogProgress(settings.tag, name, shown, exists=exists)
    sections = review_catalog(catalog, text, context, progress)
    return ReviewPage(settings, name, title, date, shown, exists, progress, sections)


def review_site(
    config: Config, languages: Sequence[LanguageSettings], issues: Sequence[str] = ()
) -> ReviewSite:
    """Read and check everything the review pages of ``languages`` and ``issues`` show.

    Without ``issues``, every issue with a template; the site's strings only when
    named (``--issue site``).
    """
    names = [name for name in catalog_names(config, issues) if issues or name != SITE_TEMPLATE]
    sources = {issue.slug: issue for issue in read_issues(config.paths)}
    result = []
    for settings in languages:
        context = CheckContext(settings.tag, read_glossary(config.paths, settings.tag))
        pages = []
        for name in names:
            issue = sources.get(name)
            title = issue.title if issue else name
            date = issue.date.isoformat() if issue and issue.date else ""
            pages.append(review_page(config, settings, name, context, title, date))
        result.append(ReviewLanguage(settings, pages))
    return ReviewSite(config.site.title, config.source, result)


# --- rendering and writing ------------------------------------------------------------


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the review templates: autoescaped, strict."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lingopress", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(shares=shares, states=STATES, version=__version__)
    env.filters["crumbs"] = lambda title: title.split(" › ") if title else []
    return env


def render_review(site: ReviewSite) -> dict[Path, str]:
    """Every page as HTML, by its path relative to the output folder."""
    env = environment()
    pages = {Path("index.html"): env.get_template("index.html").render(site=site)}
    for language in site.languages:
        folder = Path(language.settings.tag)
        others = [other for other in site.languages if other is not language]
        pages[folder / "index.html"] = env.get_template("language.html").render(
            site=site, language=language
        )
        for page in language.pages:
            pages[folder / f"{page.slug}.html"] = env.get_template("issue.html").render(
                site=site, language=language, page=page, others=others
            )
    return pages


def write_review(pages: dict[Path, str], out: Path) -> list[Written]:
    """Write rendered pages under ``out`` (atomically; unchanged files are left alone)."""
    return [write_if_changed(out / path, html.encode("utf-8")) for path, html in pages.items()]
