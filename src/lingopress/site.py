"""The site as data: its languages, pages, URLs and alternates, and what each passage shows.

This module decides *what* is published; :mod:`lingopress.render` decides how it looks.
Nothing here writes files: :func:`load_site` reads the issues and catalogs through
:mod:`lingopress.issue` and :mod:`lingopress.update`, and :func:`assemble_site` is pure.

- **Languages.** The source language is a language of the site like the others (its
  pages are the issues as written); the target languages follow in config order.
- **Passages.** Each segment of an issue is a :class:`Passage` in each language: the
  translation if the language's publish policy shows its state (:func:`shows`), else the
  source text, marked as not translated. ``reviewed`` shows reviewed entries only;
  ``machine`` also shows fuzzy ones (machine translation, and outdated translations of an
  earlier source).
- **Editions.** An issue is published in a language (an :class:`Edition`) only if at
  least one passage shows a translation; a wholly untranslated issue has no page there
  and is in no index, feed, alternate or sitemap entry of that language.
- **URLs.** Pages are folders: ``<lang>/``, ``<lang>/issues/<slug>/``, and the root page
  that offers the languages (``x-default``). Page paths are relative to the site root;
  :meth:`Site.url` makes them absolute with the configured ``base_url``, and
  :func:`relative_url` links pages to each other so the site also works under
  ``lingopress serve`` or any folder.
- **Alternates.** The language indexes and the root page are alternates of each other
  (``x-default``: the root); an issue's pages in the languages it is published in are
  alternates of each other (``x-default``: the source-language page). Every page of a
  group lists the same set, itself included, so the links are symmetric.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import polib

from lingopress.config import Config, LanguageSettings, SiteSettings
from lingopress.issue import Issue, read_issues
from lingopress.languages import Language
from lingopress.progress import state_of
from lingopress.segments import FRONT_MATTER_KIND, Section, Segment
from lingopress.update import read_language_catalogs

SOURCE_STATE = "source"
"""The state of a passage on a source-language page: the text as written."""

ROOT, INDEX, ISSUE = "root", "index", "issue"
X_DEFAULT = "x-default"
SITEMAP_PATH = "sitemap.xml"
STATIC_FOLDER = "static"
MEDIA_FOLDER = "media"
_SHOWN = {
    "reviewed": frozenset({"reviewed"}),
    "machine": frozenset({"reviewed", "machine", "outdated"}),
}
_REVISION_FORMAT = "%Y-%m-%d %H:%M%z"


def shows(state: str, publish: str) -> bool:
    """Whether a translation in ``state`` is published under the policy ``publish``.

    >>> shows("machine", "reviewed"), shows("machine", "machine"), shows("outdated", "machine")
    (False, True, True)
    """
    return state == SOURCE_STATE or state in _SHOWN[publish]


def index_path(tag: str) -> str:
    """The page path of a language's index: ``es/``."""
    return f"{tag}/"


def issue_path(tag: str, slug: str) -> str:
    """The page path of an issue in a language: ``es/issues/2024-w10/``."""
    return f"{tag}/issues/{slug}/"


def feed_path(tag: str) -> str:
    """The path of a language's Atom feed: ``es/feed.xml``."""
    return f"{tag}/feed.xml"


def file_of(path: str) -> str:
    """The file that serves a page path: folders get ``index.html``.

    >>> file_of(""), file_of("es/issues/a/"), file_of("sitemap.xml")
    ('index.html', 'es/issues/a/index.html', 'sitemap.xml')
    """
    return path + "index.html" if not path or path.endswith("/") else path


def relative_url(page: str, target: str) -> str:
    """The URL of ``target`` relative to the page at ``page`` (both paths from the root).

    A page path is a folder (``""`` or ending in ``/``); so is a target ending in ``/``.

    >>> relative_url("es/issues/a/", "es/issues/b/"), relative_url("es/", "")
    ('../b/', '../')
    >>> relative_url("", "es/"), relative_url("es/", "es/"), relative_url("es/", "static/s.css")
    ('es/', './', '../static/s.css')
    """
    start = page.rstrip("/") or "."
    relative = posixpath.relpath(target.rstrip("/") or ".", start)
    if not target or target.endswith("/"):
        return "./" if relative == "." else relative + "/"
    return relative


@dataclass(frozen=True)
class SiteLanguage:
    """A language of the site and its publish policy (the source language has none)."""

    language: Language
    publish: str = "reviewed"
    is_source: bool = False

    @property
    def tag(self) -> str:
        """The BCP 47 tag: folder name, URL part and ``hreflang``."""
        return self.language.tag


@dataclass(frozen=True)
class Passage:
    """What an edition shows for one segment.

    ``text`` is Markdown: the translation if ``translated``, else the segment's source
    text (which the page marks as being in the source language). ``state`` is the
    catalog state of the segment (:data:`lingopress.progress.STATES`) or
    :data:`SOURCE_STATE` on source-language pages; ``line`` is the line of its catalog
    entry, for errors about the translation.
    """

    segment: Segment
    text: str
    state: str
    translated: bool
    line: int | None = None

    @property
    def machine(self) -> bool:
        """Whether the page shows an unreviewed (fuzzy) translation here."""
        return self.translated and self.state in ("machine", "outdated")

    @property
    def outdated(self) -> bool:
        """Whether the page shows a translation of an earlier version of the source."""
        return self.translated and self.state == "outdated"


@dataclass(frozen=True)
class SectionPassages:
    """The passages of one section of an edition, and what its banners must say."""

    section: Section
    passages: tuple[Passage, ...]

    @property
    def machine(self) -> bool:
        """Whether the section shows any unreviewed translation."""
        return any(passage.machine for passage in self.passages)

    @property
    def outdated(self) -> bool:
        """Whether the section shows any outdated translation."""
        return any(passage.outdated for passage in self.passages)

    @property
    def fallback(self) -> bool:
        """Whether the section shows any passage in the source language instead."""
        return any(not passage.translated for passage in self.passages)


@dataclass(frozen=True)
class Edition:
    """An issue in one language: a passage per segment, in document order."""

    issue: Issue
    language: SiteLanguage
    passages: tuple[Passage, ...]
    catalog: str | None = None
    revised: dt.datetime | None = None

    @property
    def translated(self) -> bool:
        """Whether the edition shows any translation (always, in the source language)."""
        return any(passage.translated for passage in self.passages)

    @cached_property
    def sections(self) -> tuple[SectionPassages, ...]:
        """The passages grouped by the issue's sections."""
        result = []
        start = 0
        for section in self.issue.sections:
            end = start + len(section.segments)
            result.append(SectionPassages(section, self.passages[start:end]))
            start = end
        return tuple(result)

    def front_matter(self, key: str) -> Passage | None:
        """The passage of a translatable front-matter value (``title``, ``summary``)."""
        kind = FRONT_MATTER_KIND + key
        return next((p for p in self.passages if p.segment.kind == kind), None)

    @property
    def machine(self) -> bool:
        """Whether any passage shows an unreviewed translation."""
        return any(passage.machine for passage in self.passages)

    @property
    def fallback(self) -> bool:
        """Whether any passage is shown in the source language instead."""
        return any(not passage.translated for passage in self.passages)

    @property
    def updated(self) -> dt.datetime | None:
        """When the edition last changed: the later of the issue's date and the catalog's."""
        date = self.issue.date
        moments = [dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)] if date else []
        moments += [self.revised] if self.revised else []
        return max(moments, default=None)


@dataclass(frozen=True)
class Alternate:
    """An ``hreflang`` link: a language tag (or ``x-default``) and a page path."""

    hreflang: str
    path: str


@dataclass(frozen=True)
class Page:
    """An HTML page of the site."""

    kind: str
    language: SiteLanguage
    path: str
    alternates: tuple[Alternate, ...]
    edition: Edition | None = None

    @property
    def file(self) -> str:
        """The file of the page, relative to the site folder."""
        return file_of(self.path)


@dataclass(frozen=True)
class Choice:
    """An entry of a page's language switcher."""

    language: SiteLanguage
    path: str
    translated: bool
    current: bool


@dataclass(frozen=True)
class Site:
    """Everything the build publishes, before it is rendered."""

    settings: SiteSettings
    languages: tuple[SiteLanguage, ...]
    issues: tuple[Issue, ...]
    editions: Mapping[str, tuple[Edition, ...]]

    @property
    def source(self) -> SiteLanguage:
        """The source language (the first language of the site)."""
        return self.languages[0]

    def url(self, path: str) -> str:
        """The absolute URL of a path from the site root."""
        return self.settings.base_url + path

    def edition(self, tag: str, slug: str) -> Edition | None:
        """The published edition of an issue in a language, if there is one."""
        return next((e for e in self.editions.get(tag, ()) if e.issue.slug == slug), None)

    def index_alternates(self) -> tuple[Alternate, ...]:
        """The alternates of the root page and of every language index."""
        own = [Alternate(language.tag, index_path(language.tag)) for language in self.languages]
        return (*own, Alternate(X_DEFAULT, ""))

    def issue_alternates(self, slug: str) -> tuple[Alternate, ...]:
        """The alternates of an issue's pages: the languages it is published in."""
        own = [
            Alternate(language.tag, issue_path(language.tag, slug))
            for language in self.languages
            if self.edition(language.tag, slug) is not None
        ]
        return (*own, Alternate(X_DEFAULT, issue_path(self.source.tag, slug)))

    @cached_property
    def pages(self) -> tuple[Page, ...]:
        """Every HTML page: the root, then per language its index and its issues."""
        indexes = self.index_alternates()
        pages = [Page(ROOT, self.source, "", indexes)]
        for language in self.languages:
            pages.append(Page(INDEX, language, index_path(language.tag), indexes))
            for edition in self.editions.get(language.tag, ()):
                slug = edition.issue.slug
                path = issue_path(language.tag, slug)
                pages.append(Page(ISSUE, language, path, self.issue_alternates(slug), edition))
        return tuple(pages)

    def switcher(self, page: Page) -> tuple[Choice, ...]:
        """The language switcher of a page: the same page in every language.

        A language an issue is not published in links to that language's index instead,
        marked not translated. The root page has no switcher: it is the language choice.
        """
        if page.kind == ROOT:
            return ()
        choices = []
        for language in self.languages:
            target = index_path(language.tag)
            translated = True
            if page.edition is not None:
                translated = self.edition(language.tag, page.edition.issue.slug) is not None
                if translated:
                    target = issue_path(language.tag, page.edition.issue.slug)
            choices.append(Choice(language, target, translated, language == page.language))
        return tuple(choices)


def load_site(config: Config, languages: Sequence[LanguageSettings] | None = None) -> Site:
    """Read the issues and catalogs of a project and assemble its site.

    ``languages`` limits the target languages (default: every configured one); the
    source language is always part of the site.
    """
    issues = read_issues(config.paths)
    chosen = list(config.languages) if languages is None else list(languages)
    slugs = [issue.slug for issue in issues]
    catalogs = {
        settings.tag: read_language_catalogs(config, settings.tag, slugs) for settings in chosen
    }
    shown = {
        settings.tag: {
            slug: config.paths.relative(config.paths.po(settings.tag, slug)).as_posix()
            for slug in catalogs[settings.tag]
        }
        for settings in chosen
    }
    return assemble_site(config, issues, chosen, catalogs, shown)


def assemble_site(
    config: Config,
    issues: Sequence[Issue],
    languages: Sequence[LanguageSettings],
    catalogs: Mapping[str, Mapping[str, polib.POFile]],
    shown: Mapping[str, Mapping[str, str]] | None = None,
) -> Site:
    """The site of ``issues`` in the source language and ``languages``, from their catalogs.

    ``catalogs`` maps a language tag to its issue catalogs by slug (a missing one: nothing
    translated); ``shown`` gives their paths for error messages.
    """
    ordered = tuple(sorted(issues, key=_issue_order, reverse=True))
    source = SiteLanguage(config.source, is_source=True)
    site_languages = [source] + [
        SiteLanguage(settings.language, settings.publish) for settings in languages
    ]
    editions = {source.tag: tuple(source_edition(issue, source) for issue in ordered)}
    for language in site_languages[1:]:
        found = []
        for issue in ordered:
            catalog = catalogs.get(language.tag, {}).get(issue.slug)
            path = (shown or {}).get(language.tag, {}).get(issue.slug)
            edition = translated_edition(issue, language, catalog, path)
            if edition.translated:
                found.append(edition)
        editions[language.tag] = tuple(found)
    return Site(config.site, tuple(site_languages), ordered, editions)


def _issue_order(issue: Issue) -> tuple[bool, dt.date, int, str]:
    """Sort key, oldest first: by date (undated issues first), number, then slug."""
    return (issue.date is not None, issue.date or dt.date.min, issue.number or 0, issue.slug)


def source_edition(issue: Issue, source: SiteLanguage) -> Edition:
    """An issue as written, on the source-language pages."""
    passages = tuple(
        Passage(segment, segment.text, SOURCE_STATE, translated=True) for segment in issue.segments
    )
    return Edition(issue, source, passages)


def translated_edition(
    issue: Issue, language: SiteLanguage, catalog: polib.POFile | None, shown: str | None = None
) -> Edition:
    """An issue in a target language: each segment's translation where the policy shows it."""
    entries = {}
    for entry in catalog or ():
        if not entry.obsolete and entry.msgctxt is None and not entry.msgid_plural:
            entries[entry.msgid] = entry
    passages = []
    for segment in issue.segments:
        entry = entries.get(segment.text)
        state = state_of(entry) if entry is not None else "untranslated"
        if entry is not None and shows(state, language.publish):
            passages.append(Passage(segment, entry.msgstr, state, True, entry.linenum))
        else:
            line = entry.linenum if entry is not None else None
            passages.append(Passage(segment, segment.text, state, False, line))
    revised = _revision(catalog.metadata.get("PO-Revision-Date", "")) if catalog else None
    return Edition(issue, language, tuple(passages), shown, revised)


def _revision(value: str) -> dt.datetime | None:
    """A ``PO-Revision-Date`` as a UTC time (None if empty or malformed)."""
    try:
        return dt.datetime.strptime(value.strip(), _REVISION_FORMAT).astimezone(dt.UTC)
    except ValueError:
        return None
