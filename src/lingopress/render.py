r"""Rendering: the site of :mod:`lingopress.site` as HTML pages, Atom feeds and a sitemap.

``lingopress build`` renders every page in memory first, so a broken template, catalog
or image stops it before any file is written; then it writes, atomically, only the
files whose bytes changed (a build with nothing new rewrites nothing) and removes the
pages of an earlier build that are gone.

**Templates** are Jinja2, from the project's ``templates/`` over lingopress's defaults,
with autoescape and the ``i18n`` extension (trimmed, new-style). Their strings come
from ``locales/<lang>/site.po``: fuzzy entries only where the language's publish
policy is ``machine``, English where a string has no usable translation.

**Issue bodies** are rendered from markdown-it-py tokens, never from translated
Markdown pasted together. Each segment of the source is first replaced by a
placeholder (``\ue000N\ue001``) with :func:`~lingopress.reassembly.reassemble`, which
keeps every block marker where it was; the placeholder document is parsed once, so
the page's block structure is the source's, and each placeholder's inline content is
the passage's own inline parse. The block that holds a passage gets ``lang``, ``dir``
and a class (``untranslated``, ``machine``, ``outdated``) from its state. A section
(a top-level heading and what follows) is rendered apart so the issue template can
put a banner on each section that shows machine translation.

**Catalogs are untrusted.** A translation is parsed as inline Markdown only, so it
cannot open a block; its raw HTML is kept only where the identical tag is in the
source segment (anything else is escaped text); a link or image URL must be http(s),
mailto, relative or a fragment (anything else, however written, drops the link and
keeps its text), and a relative one must be a file or issue that the source issues
link to. Translations of template strings are escaped too, except the tags and
character references their English text has. Nothing in a ``.po`` file can add a
script, an event handler or a style.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
import http.server
import re
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import jinja2
import jinja2.meta
import jinja2.nodes
import polib
from babel.dates import format_date
from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.token import Token
from markupsafe import Markup, escape

from lingopress.catalog import read_catalog
from lingopress.config import Config, LanguageSettings
from lingopress.errors import SiteError
from lingopress.extraction import (
    DEFAULT_TEMPLATES,
    SITE_TEMPLATE,
    check_templates,
    site_templates,
)
from lingopress.fileio import remove_temporaries, write_if_changed
from lingopress.issue import Issue
from lingopress.languages import Language
from lingopress.markdown import MAX_NESTING
from lingopress.progress import state_of
from lingopress.reassembly import reassemble
from lingopress.segments import FRONT_MATTER_KIND, Segment
from lingopress.site import (
    INDEX,
    MEDIA_FOLDER,
    ROOT,
    SITEMAP_PATH,
    STATIC_FOLDER,
    Edition,
    Page,
    Passage,
    SectionPassages,
    Site,
    SiteLanguage,
    feed_path,
    index_path,
    issue_path,
    load_site,
    relative_url,
    shows,
)

BUILD_MARKER = ".lingopress-build"
"""The file that marks a folder as lingopress's output, which a build may clean."""

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_MARKER_TEXT = b"This folder is written by 'lingopress build'; files in it may be replaced.\n"
_PLACEHOLDER = re.compile("\ue000([0-9]+)\ue001")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_MARKUP = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_NAMED = re.compile(r"%\((\w+)\)")
_PLURAL = re.compile(r"plural\s*=\s*([^;]+)")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_BUILTIN_PREFIX = "<lingopress>/templates"


# ---------------------------------------------------------------------------------------
# The site's own strings (site.po) as Jinja2's gettext functions


def safe_translation(translation: str, *sources: str) -> Markup:
    """A translated template string as markup: escaped, but for the source's own markup.

    A tag or character reference is kept only if the English text has the same one
    (as many times); everything else a translation holds is text.

    >>> safe_translation('<a href="%(u)s">Ver</a> <b onclick="x">!</b>', '<a href="%(u)s">See</a>')
    Markup('<a href="%(u)s">Ver</a> &lt;b onclick=&#34;x&#34;&gt;!&lt;/b&gt;')
    """
    allowed: Counter[str] = Counter()
    for source in sources:
        allowed |= Counter(_MARKUP.findall(source))
    parts = []
    position = 0
    for match in _MARKUP.finditer(translation):
        parts.append(escape(translation[position : match.start()]))
        if allowed[match.group()] > 0:
            allowed[match.group()] -= 1
            parts.append(Markup(match.group()))
        else:
            parts.append(escape(match.group()))
        position = match.end()
    parts.append(escape(translation[position:]))
    return Markup("").join(parts)


def _formats(translation: str, sources: Sequence[str]) -> bool:
    """Whether a translation formats with the variables its source has (and ``num``)."""
    names = {name for source in sources for name in _NAMED.findall(source)} | {"num"}
    try:
        translation % dict.fromkeys(names, 1)
    except (KeyError, ValueError, TypeError):
        return False
    return True


class SiteStrings:
    """The template strings of one language: lookups in its ``site.po``, English otherwise.

    A translation is used only if the language's publish policy shows its state
    (``machine`` shows fuzzy entries too, but never an outdated one: a fuzzy entry with
    a previous source translates another text) and it keeps the source's ``%(name)s``
    placeholders usable.
    """

    def __init__(self, catalog: polib.POFile | None = None, publish: str = "reviewed"):
        self._entries: dict[tuple[str | None, str], polib.POEntry] = {}
        self._plural: Callable[[int], int] = lambda n: int(n != 1)
        if catalog is None:
            return
        for entry in catalog:
            state = state_of(entry)
            if entry.obsolete or state == "outdated" or not shows(state, publish):
                continue
            self._entries[(entry.msgctxt, entry.msgid)] = entry
        expression = _PLURAL.search(catalog.metadata.get("Plural-Forms", ""))
        if expression:
            with contextlib.suppress(ValueError, SyntaxError):
                self._plural = gettext.c2py(expression.group(1).strip())

    def gettext(self, message: str) -> Markup:
        """The translation of a message."""
        return self._lookup(None, message, None, 1)

    def ngettext(self, singular: str, plural: str, count: int) -> Markup:
        """The translation of a message with plural forms, for ``count``."""
        return self._lookup(None, singular, plural, count)

    def pgettext(self, context: str, message: str) -> Markup:
        """The translation of a message in a context."""
        return self._lookup(context, message, None, 1)

    def npgettext(self, context: str, singular: str, plural: str, count: int) -> Markup:
        """The translation of a message with plural forms in a context."""
        return self._lookup(context, singular, plural, count)

    def _lookup(self, context: str | None, singular: str, plural: str | None, count: int) -> Markup:
        """A usable translation as safe markup, else the English text (template markup)."""
        english = singular if plural is None or count == 1 else plural
        entry = self._entries.get((context, singular))
        sources = [singular] if plural is None else [singular, plural]
        if entry is None or bool(entry.msgid_plural) != (plural is not None):
            return Markup(english)
        if plural is None:
            translation = entry.msgstr
        else:
            translation = entry.msgstr_plural.get(self._plural(count), "")
        if not translation or not _formats(translation, sources):
            return Markup(english)
        return safe_translation(translation, *sources)


def site_strings(config: Config, language: SiteLanguage) -> SiteStrings:
    """The template strings of a language, from ``locales/<lang>/site.po`` if it exists."""
    path = config.paths.po(language.tag, SITE_TEMPLATE)
    if not path.is_file():
        return SiteStrings()
    return SiteStrings(read_catalog(path, config.paths.relative(path)), language.publish)


# ---------------------------------------------------------------------------------------
# Templates and static files


class Theme:
    """The effective templates: the project's ``templates/`` over lingopress's defaults."""

    def __init__(self, config: Config):
        self.config = config
        self.folder = config.paths.templates
        self.environment = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader(self.folder),
                    jinja2.PackageLoader("lingopress", DEFAULT_TEMPLATES),
                ]
            ),
            autoescape=True,
            extensions=["jinja2.ext.i18n"],
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        self.environment.policies["ext.i18n.trimmed"] = True

    def use(self, strings: SiteStrings) -> None:
        """Translate the templates' strings with ``strings`` from now on."""
        cast(Any, self.environment).install_gettext_callables(
            strings.gettext,
            strings.ngettext,
            newstyle=True,
            pgettext=strings.pgettext,
            npgettext=strings.npgettext,
        )

    def render(self, name: str, context: Mapping[str, Any]) -> bytes:
        """Render a template; a template error becomes a SiteError at its line."""
        with self.errors():
            return self.environment.get_template(name).render(context).encode("utf-8")

    def shown(self, name: str) -> str:
        """How messages name a template: its project path, or the built-in default."""
        path = self.folder / name
        if path.is_file():
            return self.config.paths.relative(path).as_posix()
        return f"{_BUILTIN_PREFIX}/{name}"

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Turn errors raised by template code into SiteErrors with the template and line."""
        try:
            yield
        except jinja2.TemplateSyntaxError as error:
            name = error.name or error.filename or "?"
            message = f"template error: {error.message}"
            raise SiteError(message, self.shown(name), error.lineno) from None
        except Exception as error:
            where = self._template_frame(error)
            if where is None:
                raise
            detail = error.message if isinstance(error, jinja2.TemplateError) else error
            if isinstance(error, jinja2.TemplateNotFound):
                detail = f"template not found: {error.name}"
            raise SiteError(f"template error: {detail}", *where) from None

    def _template_frame(self, error: BaseException) -> tuple[str, int | None] | None:
        """The innermost template frame of an error's traceback, as (shown path, line)."""
        defaults = resources.files("lingopress").joinpath(DEFAULT_TEMPLATES)
        found = None
        for frame in traceback.extract_tb(error.__traceback__):
            path = Path(frame.filename)
            if path.is_relative_to(self.folder):
                found = (self.config.paths.relative(path).as_posix(), frame.lineno)
            elif str(path).startswith(str(defaults)):
                found = (f"{_BUILTIN_PREFIX}/{path.name}", frame.lineno)
        return found

    def static_files(self) -> dict[str, bytes]:
        """The files of ``static/``: the project's over the defaults, by relative path."""
        files: dict[str, bytes] = {}
        defaults = resources.files("lingopress").joinpath(DEFAULT_TEMPLATES, STATIC_FOLDER)
        for relative, node in _walk(defaults, ""):
            files[f"{STATIC_FOLDER}/{relative}"] = node.read_bytes()
        folder = self.folder / STATIC_FOLDER
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            relative_parts = path.relative_to(folder).parts
            if path.is_file() and not any(part.startswith(".") for part in relative_parts):
                files[f"{STATIC_FOLDER}/{'/'.join(relative_parts)}"] = path.read_bytes()
        return files


def _walk(node: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    """The files under a package folder, with their paths relative to it."""
    for child in sorted(node.iterdir(), key=lambda item: item.name):
        if child.name.startswith((".", "__")):
            continue
        if child.is_dir():
            yield from _walk(child, f"{prefix}{child.name}/")
        else:
            yield f"{prefix}{child.name}", child


# ---------------------------------------------------------------------------------------
# URLs in issue bodies


def url_scheme(url: str) -> str | None:
    r"""The scheme of a URL as a browser would read it (lower case), or None if relative.

    Entities are already decoded by the Markdown parser; percent-encoding, white space
    and control characters are removed first, so obfuscated schemes are found too.

    >>> url_scheme("java\tscript:alert(1)"), url_scheme("JavaScript%3Ax"), url_scheme("img/a.png")
    ('javascript', 'javascript', None)
    """
    cleaned = "".join(char for char in unquote(url) if char > " " and not char.isspace())
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_local(url: str) -> bool:
    """Whether a URL names a file next to the issue (not a fragment, query or absolute path).

    >>> [is_local(u) for u in ("img/a.png", "#top", "/about/", "//cdn.example/x", "?q")]
    [True, False, False, False, False]
    """
    return url_scheme(url) is None and not url.startswith(("#", "/", "?")) and bool(url)


@dataclass(frozen=True)
class Location:
    """Where a piece of text comes from, for error messages."""

    path: str | None
    line: int | None


class Media:
    """The local files the source issues link to, copied under ``media/`` in the site."""

    def __init__(self, config: Config):
        self.issues = config.paths.issues.resolve()
        self.files: dict[str, Path] = {}

    def source_target(self, url: str, issue: Issue, image: bool, where: Location) -> str:
        """The site path of a file the source links to; a SiteError if it is missing."""
        path = self._resolve(url, issue)
        what = "image" if image else "linked file"
        if path is None:
            message = f"{what} '{url}' is outside the issues folder"
            raise SiteError(message, where.path, where.line)
        if not path.is_file():
            raise SiteError(f"{what} not found: {url}", where.path, where.line)
        site_path = f"{MEDIA_FOLDER}/{path.relative_to(self.issues).as_posix()}"
        self.files[site_path] = path
        return site_path

    def known_target(self, url: str, issue: Issue) -> str | None:
        """The site path of a file some source issue links to, else None."""
        path = self._resolve(url, issue)
        if path is None:
            return None
        site_path = f"{MEDIA_FOLDER}/{path.relative_to(self.issues).as_posix()}"
        return site_path if site_path in self.files else None

    def _resolve(self, url: str, issue: Issue) -> Path | None:
        """The file a relative URL names, if it is inside the issues folder."""
        path = (issue.path.parent / unquote(urlsplit(url).path)).resolve()
        return path if path.is_relative_to(self.issues) and path != self.issues else None

    def read(self) -> dict[str, bytes]:
        """The bytes of every file to copy, by site path."""
        return {name: self.files[name].read_bytes() for name in sorted(self.files)}


# ---------------------------------------------------------------------------------------
# Issue bodies


class _Markdown(MarkdownIt):
    """The lingopress dialect, accepting every URL: the site filters them itself."""

    def validateLink(self, url: str) -> bool:
        """Let every URL through; :meth:`_BodyRenderer._url` decides."""
        return True


@cache
def markdown() -> MarkdownIt:
    """The parser of issue bodies and passages (CommonMark, GFM tables, strikethrough)."""
    return _Markdown("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])


def marked_body(issue: Issue) -> str:
    r"""The issue's body with each segment replaced by its placeholder ``\ue000N\ue001``."""
    index = {segment.span: number for number, segment in enumerate(issue.segments)}

    def placeholder(segment: Segment) -> str | None:
        if segment.kind.startswith(FRONT_MATTER_KIND):
            return None
        return f"\ue000{index[segment.span]}\ue001"

    text = reassemble(issue.text, placeholder, source=issue.shown)
    start = issue.front_matter.body_offset
    return text[start + 1 :] if text.startswith("\ufeff", start) else text[start:]


@dataclass(frozen=True)
class SectionView:
    """A section of an issue page, as the issue template gets it."""

    id: str
    heading: Markup
    body: Markup
    machine: bool = False
    outdated: bool = False
    fallback: bool = False
    source_url: str = ""


@dataclass
class _Part:
    """A section while it is being cut out of the token stream."""

    heading: list[Token]
    body: list[Token] = field(default_factory=list)
    section: SectionPassages | None = None
    id: str = ""


class _BodyRenderer:
    """Renders the body of one edition on one page into sections of HTML."""

    def __init__(self, media: Media, site: Site, edition: Edition, page_path: str):
        self.media = media
        self.site = site
        self.edition = edition
        self.issue = edition.issue
        self.page_path = page_path
        self.language = edition.language
        self.env: dict[str, Any] = {}
        self.placed: set[int] = set()

    def sections(self, marked: str) -> list[SectionView]:
        """The sections of the body, each with its heading, HTML and states."""
        tokens = markdown().parse(marked, self.env)
        for index, token in enumerate(tokens):
            if token.type == "inline":
                self._fill(token, tokens[index - 1])
        body_segments = {
            number
            for number, segment in enumerate(self.issue.segments)
            if not segment.kind.startswith(FRONT_MATTER_KIND)
        }
        if self.placed != body_segments:
            missing = min(body_segments ^ self.placed)
            line = self.issue.segments[missing].line
            raise SiteError("cannot place this text on the page", self.issue.shown, line)
        return [self._view(part) for part in self._parts(tokens) if part.heading or part.body]

    # -- passages ---------------------------------------------------------------------

    def _fill(self, inline: Token, block: Token) -> None:
        """Put the passages into an inline token whose text holds placeholders."""
        children: list[Token] = []
        placed: list[Passage] = []
        for child in self._links(inline.children or [], self._source_location):
            if child.type == "text" and "\ue000" in child.content:
                pieces = _PLACEHOLDER.split(child.content)
                for position, piece in enumerate(pieces):
                    if position % 2:
                        passage = self._passage(int(piece))
                        placed.append(passage)
                        children.extend(self._display(passage))
                    elif piece:
                        children.append(_text(piece))
            else:
                if child.type == "image":
                    self._fill_image(child)
                children.append(child)
        inline.children = children
        if placed:
            self._mark(block, inline, placed[0])

    def _fill_image(self, image: Token) -> None:
        """Put the alt text and title passages into an image that stands alone."""
        alt = _PLACEHOLDER.fullmatch(image.content.strip())
        passage = None
        if alt:
            passage = self._passage(int(alt.group(1)))
            image.children = self._display(passage)
        title = image.attrGet("title")
        if isinstance(title, str) and _PLACEHOLDER.search(title):

            def shown(match: re.Match[str]) -> str:
                return unescapeAll(self._passage(int(match.group(1))).text)

            image.attrSet("title", _PLACEHOLDER.sub(shown, title))
            passage = passage or self.edition.passages[int(_PLACEHOLDER.findall(title)[0])]
        if passage is not None and not passage.translated:
            self._set_language(image)

    def _passage(self, number: int) -> Passage:
        """The passage of a placeholder, counted as placed."""
        if number >= len(self.edition.passages):
            message = "the private-use characters U+E000 and U+E001 cannot be used in issues"
            raise SiteError(message, self.issue.shown)
        self.placed.add(number)
        return self.edition.passages[number]

    def _display(self, passage: Passage) -> list[Token]:
        """The inline tokens of what a passage shows, made safe if they come from a catalog."""
        trusted = not passage.translated or self.language.is_source
        where = self._passage_location(passage)
        try:
            children = _inline(_cell_text(passage, passage.text), self.env)
            if not trusted:
                allowed = Counter(
                    token.content
                    for token in _inline(_cell_text(passage, passage.segment.text), self.env)
                    if token.type == "html_inline"
                )
                children = [_disarm(token, allowed) for token in children]
        except RecursionError:
            raise SiteError(
                "translation nested too deeply to render", where.path, where.line
            ) from None
        if trusted:
            return self._links(children, self._source_location)
        return self._links(children, lambda url: where, trusted=False)

    def _mark(self, block: Token, inline: Token, passage: Passage) -> None:
        """Set the language and state of a block from the passage it shows.

        A paragraph of a tight list renders no tag of its own: a span around its text
        carries the marks instead.
        """
        marks = Token("span_open", "span", 1)
        if not passage.translated and not self.language.is_source:
            self._set_language(marks)
            marks.attrJoin("class", "untranslated")
        elif passage.machine:
            marks.attrJoin("class", passage.state)  # "machine" or "outdated"
        if not marks.attrs:
            return
        if block.hidden:
            inline.children = [marks, *(inline.children or []), Token("span_close", "span", -1)]
        else:
            for name, value in marks.attrs.items():
                block.attrJoin(name, str(value))

    def _set_language(self, token: Token) -> None:
        """Mark a token as being in the source language."""
        source = self.site.source.language
        token.attrSet("lang", source.tag)
        token.attrSet("dir", source.direction)

    # -- URLs -------------------------------------------------------------------------

    def _links(
        self,
        children: Iterable[Token],
        where: Callable[[str], Location],
        trusted: bool = True,
    ) -> list[Token]:
        """Check and rewrite the URL of every link and image; drop the unsafe ones.

        A dropped link keeps its text, except an autolink, whose text is the URL itself;
        a dropped image becomes its alt text.
        """
        result: list[Token] = []
        open_links: list[str] = []  # per open link: "keep", "unwrap" or "drop"
        for token in children:
            if token.type == "link_open":
                url = self._url(str(token.attrGet("href") or ""), False, where, trusted)
                if url is None:
                    open_links.append("drop" if token.markup == "autolink" else "unwrap")
                    continue
                open_links.append("keep")
                token.attrSet("href", url)
            elif token.type == "link_close":
                if (open_links.pop() if open_links else "keep") != "keep":
                    continue
            elif open_links and open_links[-1] == "drop":
                continue
            elif token.type == "image":
                url = self._url(str(token.attrGet("src") or ""), True, where, trusted)
                if url is None:
                    result.extend(_text(child.content) for child in token.children or [])
                    continue
                token.attrSet("src", url)
            result.append(token)
        if self.language.language.direction == "rtl":
            _urls_left_to_right(result)
        return result

    def _url(
        self, url: str, image: bool, where: Callable[[str], Location], trusted: bool
    ) -> str | None:
        """The URL as the page links it, or None to drop the link or image."""
        scheme = url_scheme(url)
        if scheme is not None:
            return url if scheme in SAFE_SCHEMES else None
        if not is_local(url):
            return url
        fragment = urlsplit(url).fragment
        page = self._issue_page(url)
        if page is not None:
            return relative_url(self.page_path, page) + (f"#{fragment}" if fragment else "")
        if trusted:
            target = self.media.source_target(url, self.issue, image, where(url))
        else:
            found = self.media.known_target(url, self.issue)
            if found is None:
                return None
            target = found
        return quote(relative_url(self.page_path, target)) + (f"#{fragment}" if fragment else "")

    def _issue_page(self, url: str) -> str | None:
        """The page of another issue that a relative link to its ``.md`` file names."""
        path = unquote(urlsplit(url).path)
        if not path.endswith(".md"):
            return None
        target = (self.issue.path.parent / path).resolve()
        for issue in self.site.issues:
            if issue.path.resolve() == target:
                found = self.site.edition(self.language.tag, issue.slug)
                tag = self.language.tag if found is not None else self.site.source.tag
                return issue_path(tag, issue.slug)
        return None

    def _source_location(self, url: str) -> Location:
        """Where the issue first writes a URL."""
        text = self.issue.text
        position = max(text.find(url), text.find(unquote(url)))
        line = text.count("\n", 0, position) + 1 if position >= 0 else None
        return Location(self.issue.shown, line)

    def _passage_location(self, passage: Passage) -> Location:
        """Where a passage's text comes from: its catalog entry, or the issue."""
        if passage.translated and not self.language.is_source:
            return Location(self.edition.catalog, passage.line)
        return Location(self.issue.shown, passage.segment.line)

    # -- sections ---------------------------------------------------------------------

    def _parts(self, tokens: list[Token]) -> list[_Part]:
        """Cut the tokens at top-level headings, each part matched with its section."""
        parts = [_Part([])]
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "heading_open" and token.level == 0:
                parts.append(_Part(tokens[index : index + 3]))
                index += 3
            else:
                parts[-1].body.append(token)
                index += 1
        sections = list(self.edition.sections)
        if sections and sections[0].section.level == 0:
            parts[0].section = sections.pop(0)
        if len(sections) != len(parts) - 1:
            raise SiteError("cannot match the sections of the issue", self.issue.shown)
        for number, (part, section) in enumerate(zip(parts[1:], sections, strict=True), 1):
            part.section = section
            part.id = f"section-{number}"
            part.heading[0].attrSet("id", part.id)
        return self._without_repeated_title(parts)

    def _without_repeated_title(self, parts: list[_Part]) -> list[_Part]:
        """Drop a first heading that repeats the title (the page shows the title already)."""
        if len(parts) < 2 or parts[0].body or "title" not in self.issue.meta:
            return parts
        first = parts[1]
        heading_text = first.heading[1].content.strip() if first.heading else ""
        match = _PLACEHOLDER.fullmatch(heading_text)
        if first.heading[0].tag != "h1" or match is None:
            return parts
        if self.issue.segments[int(match.group(1))].text != str(self.issue.meta["title"]).strip():
            return parts
        merged = _Part([], first.body, first.section)
        if parts[0].section is not None and first.section is not None:
            merged.section = SectionPassages(
                first.section.section, parts[0].section.passages + first.section.passages
            )
        return [merged, *parts[2:]]

    def _view(self, part: _Part) -> SectionView:
        """A rendered section with the states of its passages."""
        render = markdown().renderer.render
        options = markdown().options
        heading = Markup(render(part.heading, options, self.env))
        body = Markup(render(part.body, options, self.env))
        section = part.section
        if section is None or self.language.is_source:
            return SectionView(part.id, heading, body)
        source = issue_path(self.site.source.tag, self.issue.slug)
        anchor = f"#{part.id}" if part.id else ""
        return SectionView(
            part.id,
            heading,
            body,
            machine=section.machine,
            outdated=section.outdated,
            fallback=section.fallback,
            source_url=relative_url(self.page_path, source) + anchor,
        )


def _urls_left_to_right(tokens: Sequence[Token]) -> None:
    """Mark links whose text is a URL as ``dir="ltr"``, so they read right in RTL text.

    In a right-to-left paragraph a URL's slashes, dots and hyphens would otherwise take
    the paragraph's direction and move (a hyphen at a line break jumps to the other end).
    """
    for link, text, close in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if link.type == "link_open" and text.type == "text" and close.type == "link_close":
            content = text.content.strip()
            if link.markup == "autolink" or url_scheme(content) in SAFE_SCHEMES:
                link.attrSet("dir", "ltr")


def _inline(text: str, env: dict[str, Any]) -> list[Token]:
    """The inline tokens of a text."""
    tokens = markdown().parseInline(text, env)
    return list(tokens[0].children or []) if tokens else []


def _cell_text(passage: Passage, text: str) -> str:
    r"""A table cell's text as its inline content: ``\|`` is a pipe (GFM, as markdown-it-py)."""
    return text.replace("\\|", "|") if passage.segment.kind == "table_cell" else text


def _text(content: str) -> Token:
    """A text token."""
    token = Token("text", "", 0)
    token.content = content
    return token


def _disarm(token: Token, allowed: Counter[str]) -> Token:
    """Raw HTML of a translation stays only if the source segment has the same tag."""
    if token.type != "html_inline":
        return token
    if allowed[token.content] > 0:
        allowed[token.content] -= 1
        return token
    return _text(token.content)


# ---------------------------------------------------------------------------------------
# Template contexts


@dataclass(frozen=True)
class ShownText:
    """A front-matter text (title, summary) as an edition shows it.

    ``lang`` and ``dir`` are those of the text (the source language's if it is not
    translated); ``attrs`` is `` lang="…" dir="…"`` where they differ from the edition's,
    ready to put in a tag; ``css`` is a class for its state (``untranslated``,
    ``machine``, ``outdated`` or empty).
    """

    text: str
    lang: str
    dir: str
    translated: bool
    attrs: Markup
    css: str

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class IssueView:
    """An issue in one language, as templates get it (``issue`` and ``issues``)."""

    slug: str
    url: str
    canonical: str
    id: str
    title: ShownText
    summary: ShownText
    number: int | None
    date: str
    date_text: str
    updated: str
    machine: bool
    outdated: bool
    fallback: bool
    untranslated: int
    source_url: str
    sections: tuple[SectionView, ...] = ()


@dataclass(frozen=True)
class AlternateView:
    """An ``hreflang`` alternate: a language tag (or ``x-default``) and an absolute URL."""

    hreflang: str
    url: str


@dataclass(frozen=True)
class ChoiceView:
    """An entry of the language switcher, or of the root page's list of languages."""

    tag: str
    native_name: str
    english_name: str
    direction: str
    url: str
    translated: bool = True
    current: bool = False
    latest: IssueView | None = None


@dataclass(frozen=True)
class PageView:
    """What every page knows about itself (``page`` in templates)."""

    kind: str
    path: str
    url: str
    root: str
    home: str
    feed: str
    alternates: tuple[AlternateView, ...]
    switcher: tuple[ChoiceView, ...]


@dataclass(frozen=True)
class FeedView:
    """What the Atom feed template gets as ``feed``: absolute URLs, an id, a date."""

    url: str
    home: str
    id: str
    updated: str


def rfc3339(moment: dt.datetime | None) -> str:
    """A UTC time as Atom writes it.

    >>> rfc3339(dt.datetime(2024, 3, 4, tzinfo=dt.UTC))
    '2024-03-04T00:00:00Z'
    """
    return (moment or _EPOCH).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_id(url: str) -> str:
    """A stable Atom id for a URL: a name-based UUID (``urn:uuid:…``)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, url).urn


def _language_choice(language: Language, url: str, **more: Any) -> ChoiceView:
    """A language as the switcher or the root page lists it."""
    return ChoiceView(
        language.tag, language.native_name, language.english_name, language.direction, url, **more
    )


# ---------------------------------------------------------------------------------------
# The build


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the folder, its pages, and the files written and removed."""

    folder: Path
    pages: int
    languages: int
    files: int
    written: tuple[str, ...]
    removed: tuple[str, ...]


class SiteRenderer:
    """Renders every file of a site into memory."""

    def __init__(self, config: Config, site: Site):
        self.config = config
        self.site = site
        self.theme = Theme(config)
        self.media = Media(config)
        self._marked: dict[str, str] = {}

    def render(self) -> dict[str, bytes]:
        """Every file of the site, by path relative to the site folder."""
        files: dict[str, bytes] = {BUILD_MARKER: _MARKER_TEXT}
        by_language: dict[str, list[Page]] = {}
        for page in self.site.pages:
            by_language.setdefault(page.language.tag, []).append(page)
        for language in self.site.languages:
            self.theme.use(site_strings(self.config, language))
            for page in by_language.get(language.tag, []):
                if page.kind != ROOT:
                    files[page.file] = self.page(page)
            files[feed_path(language.tag)] = self.feed(language)
        self.theme.use(site_strings(self.config, self.site.source))
        files[self.site.pages[0].file] = self.page(self.site.pages[0])
        files[SITEMAP_PATH] = self.sitemap()
        files |= self.theme.static_files()
        files |= self.media.read()
        return files

    def page(self, page: Page) -> bytes:
        """One HTML page."""
        context: dict[str, Any] = self.common(page)
        if page.kind == ROOT:
            context["languages"] = [self.language_entry(lang) for lang in self.site.languages]
            return self.theme.render("root.html", context)
        if page.kind == INDEX:
            editions = self.site.editions.get(page.language.tag, ())
            context["issues"] = [self.issue(edition, page.path) for edition in editions]
            return self.theme.render("index.html", context)
        assert page.edition is not None
        context["issue"] = self.issue(page.edition, page.path, body=True)
        return self.theme.render("issue.html", context)

    def common(self, page: Page) -> dict[str, Any]:
        """The context every HTML page gets."""
        tag = page.language.tag
        switcher = tuple(
            _language_choice(
                choice.language.language,
                relative_url(page.path, choice.path),
                translated=choice.translated,
                current=choice.current,
            )
            for choice in self.site.switcher(page)
        )
        view = PageView(
            kind=page.kind,
            path=page.path,
            url=self.site.url(page.path),
            root=relative_url(page.path, ""),
            home=relative_url(page.path, "" if page.kind == ROOT else index_path(tag)),
            feed="" if page.kind == ROOT else relative_url(page.path, feed_path(tag)),
            alternates=tuple(
                AlternateView(alternate.hreflang, self.site.url(alternate.path))
                for alternate in page.alternates
            ),
            switcher=switcher,
        )
        return {
            "site": self.config.site,
            "lang": page.language.language,
            "source": self.site.source.language,
            "page": view,
        }

    def language_entry(self, language: SiteLanguage) -> ChoiceView:
        """A language on the root page, with its latest published issue."""
        editions = self.site.editions.get(language.tag, ())
        latest = self.issue(editions[0], "") if editions else None
        return _language_choice(
            language.language, relative_url("", index_path(language.tag)), latest=latest
        )

    def issue(self, edition: Edition, page_path: str, body: bool = False) -> IssueView:
        """An edition as templates see it, linked from ``page_path``."""
        issue = edition.issue
        tag = edition.language.tag
        path = issue_path(tag, issue.slug)
        canonical = self.site.url(path)
        sections: tuple[SectionView, ...] = ()
        if body:
            renderer = _BodyRenderer(self.media, self.site, edition, path)
            sections = tuple(renderer.sections(self.marked(issue)))
        date = issue.date
        source_page = issue_path(self.site.source.tag, issue.slug)
        return IssueView(
            slug=issue.slug,
            url=relative_url(page_path, path),
            canonical=canonical,
            id=atom_id(canonical),
            title=self.shown(edition, "title", issue.title),
            summary=self.shown(edition, "summary", issue.summary),
            number=issue.number,
            date=date.isoformat() if date else "",
            date_text=format_date(date, "long", locale=edition.language.language.locale)
            if date
            else "",
            updated=rfc3339(edition.updated),
            machine=edition.machine,
            outdated=any(passage.outdated for passage in edition.passages),
            fallback=edition.fallback,
            untranslated=sum(not passage.translated for passage in edition.passages),
            source_url=relative_url(page_path, source_page),
            sections=sections,
        )

    def shown(self, edition: Edition, key: str, default: str) -> ShownText:
        """A front-matter text of an edition (the source value if it has no segment)."""
        language = edition.language.language
        passage = edition.front_matter(key)
        if passage is None or passage.translated:
            text = passage.text if passage is not None else default
            css = passage.state if passage is not None and passage.machine else ""
            return ShownText(text, language.tag, language.direction, True, Markup(""), css)
        source = self.site.source.language
        attrs = Markup(' lang="{}" dir="{}"').format(source.tag, source.direction)
        return ShownText(passage.text, source.tag, source.direction, False, attrs, "untranslated")

    def marked(self, issue: Issue) -> str:
        """The placeholder document of an issue (computed once per issue)."""
        if issue.slug not in self._marked:
            self._marked[issue.slug] = marked_body(issue)
        return self._marked[issue.slug]

    def feed(self, language: SiteLanguage) -> bytes:
        """The Atom feed of a language."""
        path = feed_path(language.tag)
        editions = self.site.editions.get(language.tag, ())
        moments = [edition.updated for edition in editions if edition.updated]
        if not moments:
            source = self.site.editions.get(self.site.source.tag, ())
            moments = [edition.updated for edition in source if edition.updated]
        feed = FeedView(
            url=self.site.url(path),
            home=self.site.url(index_path(language.tag)),
            id=atom_id(self.site.url(path)),
            updated=rfc3339(max(moments, default=None)),
        )
        context = {
            "site": self.config.site,
            "lang": language.language,
            "source": self.site.source.language,
            "feed": feed,
            "issues": [self.issue(edition, "") for edition in editions],
        }
        return self.theme.render("feed.xml", context)

    def sitemap(self) -> bytes:
        """``sitemap.xml``: every page with its alternates (``xhtml:link``)."""
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
        ]
        for page in self.site.pages:
            lines.append("  <url>")
            lines.append(f"    <loc>{xml_escape(self.site.url(page.path))}</loc>")
            updated = page.edition.updated if page.edition is not None else None
            if updated is not None:
                lines.append(f"    <lastmod>{updated.date().isoformat()}</lastmod>")
            for alternate in page.alternates:
                lines.append(
                    f'    <xhtml:link rel="alternate" hreflang={quoteattr(alternate.hreflang)} '
                    f"href={quoteattr(self.site.url(alternate.path))}/>"
                )
            lines.append("  </url>")
        lines.append("</urlset>")
        return ("\n".join(lines) + "\n").encode("utf-8")


TEMPLATE_VARIABLES = frozenset(
    {"site", "lang", "source", "page", "languages", "issues", "issue", "feed"}
    | {"_", "gettext", "ngettext", "pgettext", "npgettext"}
)
"""The names templates get: the context of their pages and the i18n functions."""


def check_theme(config: Config) -> None:
    """Check every template before anything is written: it parses and knows its names.

    Every variable a template uses must be one lingopress gives it, and every filter
    must exist. A misspelt name would otherwise fail only while pages render, after
    ``run`` had already extracted and updated the site's strings.
    """
    check_templates(config)
    environment = Theme(config).environment
    known = TEMPLATE_VARIABLES | environment.globals.keys()
    for shown, source in site_templates(config):
        try:
            tree = environment.parse(source.read_text(encoding="utf-8"))
            unknown = jinja2.meta.find_undeclared_variables(tree) - known
        except jinja2.TemplateSyntaxError as error:  # an unknown filter or test
            raise SiteError(f"template error: {error.message}", shown, error.lineno) from None
        for node in tree.find_all(jinja2.nodes.Name):
            if node.name in unknown:
                raise SiteError(f"template error: '{node.name}' is undefined", shown, node.lineno)


def build_site(
    config: Config,
    languages: Sequence[LanguageSettings] | None = None,
    out: Path | None = None,
) -> BuildResult:
    """Render the site and write it to ``out`` (default: the configured site folder).

    Every input is read and every page rendered before the first file is written.
    """
    check_theme(config)
    site = load_site(config, languages)
    files = SiteRenderer(config, site).render()
    folder = out if out is not None else config.paths.site
    written, removed = write_tree(folder, files, config.paths.relative(folder).as_posix())
    return BuildResult(folder, len(site.pages), len(site.languages), len(files), written, removed)


def write_tree(
    folder: Path, files: Mapping[str, bytes], shown: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Make ``folder`` hold exactly ``files`` (hidden files aside); return written, removed.

    Only files whose bytes differ are written. The folder must be new, empty or an
    earlier build's (it has :data:`BUILD_MARKER`): a build never cleans a folder it did
    not make. Temporary files that a killed build left are removed first.
    """
    remove_temporaries(folder)
    _check_output(folder, shown)
    written = []
    for name in sorted(files):
        if write_if_changed(folder / name, files[name]).changed:
            written.append(name)
    removed = []
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.rmdir()  # only empty folders go
        elif relative.as_posix() not in files:
            path.unlink()
            removed.append(relative.as_posix())
    return tuple(written), tuple(sorted(removed))


def _check_output(folder: Path, shown: str) -> None:
    """Refuse an output folder that is a file, or holds files but no build marker."""
    if folder.exists() and not folder.is_dir():
        raise SiteError("the output folder is a file", shown)
    if folder.is_dir() and any(folder.iterdir()) and not (folder / BUILD_MARKER).is_file():
        raise SiteError(
            f"the output folder is not empty and was not made by lingopress build "
            f"(no {BUILD_MARKER}); choose an empty or new folder",
            shown,
        )


# ---------------------------------------------------------------------------------------
# Preview


def preview_server(
    folder: Path, port: int, log: Callable[[str], None] | None = None
) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``folder`` on ``127.0.0.1:port`` (call ``serve_forever``)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            if log is not None:
                log(format % args)

    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as error:
        raise SiteError(f"cannot serve on 127.0.0.1:{port}: {error.strerror or error}") from None
