r"""Segments: the pieces of an issue that people and engines translate.

Rules (the README repeats them for users):

1. **Sections.** An issue is split at its top-level headings. Every segment knows the
   path of headings above it, joined by ``" › "`` (``3. Papers › Clustering``); a
   heading belongs to the section it opens. Text before the first heading and the
   front matter are in an untitled section (level 0).
2. **One segment per leaf text block**: a paragraph, the text of a heading, each
   paragraph of a list item or block quote, each table cell, the alt text and title of
   an image that stands alone, the translatable front-matter values (``title``,
   ``summary``). ``kind`` says which: ``paragraph``, ``heading``, ``list_item``,
   ``blockquote``, ``table_cell``, ``image_alt``, ``image_title``,
   ``front_matter:KEY``.
3. **No block markers inside a segment.** ``#``, ``>``, list markers, task-list boxes
   (``[ ]``), ``|`` and indentation stay in the source; a multi-line paragraph is one
   segment whose lines are joined with ``\n``, without the markers or indentation of
   its continuation lines.
4. **Inline markup stays in the segment** as Markdown (``**bold**``, ``[text](url)``,
   `` `code` ``, inline HTML, escapes, entities, hard breaks as two trailing spaces or a
   backslash), so translators see and keep it.
5. **Not segments:** code blocks, HTML blocks, link reference definitions, thematic
   breaks, blocks without a letter or digit (``— — —``, ``※``), blocks that are only a
   URL, and blocks that are only images (their alt and title text are segments).
6. **Exact source.** A segment's ``pieces`` are ``(start, end)`` character offsets into
   the file, one per line, and ``text`` is exactly those pieces joined by ``\n``
   (front-matter values are the YAML scalar they decode from, without surrounding
   whitespace). Reassembly
   (:mod:`lingopress.reassembly`) splices translations into these spans and keeps every
   other character.

The Markdown dialect is CommonMark with GFM tables and strikethrough
(:mod:`lingopress.markdown`); footnotes and task-list checkboxes are plain text to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from lingopress.errors import SegmentError
from lingopress.frontmatter import FrontMatter, read_front_matter, translatable_fields
from lingopress.markdown import TRIM_CHARS, LineEndings, parse, parse_inline

SECTION_SEPARATOR = " › "
FRONT_MATTER_KIND = "front_matter:"
_BOM = "\ufeff"
_URL_ONLY = re.compile(r"(?:https?://|ftp://|mailto:|www\.)\S+")
_TASK_BOX = re.compile(r"\[[ xX]\][ \t]+(?=\S)")
_CONTAINER_KINDS = {"blockquote_open": "blockquote", "list_item_open": "list_item"}
_IGNORED_INLINE = frozenset({"softbreak", "hardbreak", "link_open", "link_close"})

Piece = tuple[int, int]


@dataclass(frozen=True)
class Segment:
    """One translatable text of an issue and exactly where it is written.

    ``line`` is the 1-based line of its first character in the file; ``section`` the
    heading path of its section; ``pieces`` one ``(start, end)`` character range per
    line of ``text``.
    """

    text: str
    kind: str
    line: int
    section: str
    pieces: tuple[Piece, ...]

    @property
    def span(self) -> Piece:
        """The range of the file from the segment's first to its last character."""
        return (self.pieces[0][0], self.pieces[-1][1])


@dataclass(frozen=True)
class Section:
    """A part of an issue opened by a top-level heading (level 0: before the first one)."""

    title: str
    level: int
    line: int
    path: str
    segments: tuple[Segment, ...]


def segment(
    text: str, *, source: Path | str | None = None, front_matter: bool = True
) -> list[Segment]:
    r"""Split Markdown (with optional YAML front matter) into segments, in document order.

    ``source`` names the file in error messages; ``front_matter=False`` reads a text
    that starts with ``---`` as Markdown (a thematic break), not as YAML. Raises
    :class:`~lingopress.errors.LingopressError` subclasses for broken front matter, a
    NUL character or nesting too deep to parse.

    >>> [(s.kind, s.text, s.section) for s in segment("# Papers\n\n- **New** results\n")]
    [('heading', 'Papers', 'Papers'), ('list_item', '**New** results', 'Papers')]
    """
    sections = split_sections(text, source=source, front_matter=front_matter)
    return [item for part in sections for item in part.segments]


def split_sections(
    text: str, *, source: Path | str | None = None, front_matter: bool = True
) -> tuple[Section, ...]:
    """Segment Markdown and group the segments by section (arguments as :func:`segment`)."""
    meta = read_front_matter(text, source) if front_matter else FrontMatter()
    return segment_issue(text, source, meta)


def segment_issue(
    text: str, source: Path | str | None, front_matter: FrontMatter
) -> tuple[Section, ...]:
    """Segment a text whose front matter is already read (see :func:`split_sections`)."""
    nul = text.find("\0")
    if nul >= 0:
        raise SegmentError("contains a NUL character", source, text.count("\n", 0, nul) + 1)
    builder = _SectionBuilder()
    for item in translatable_fields(text, front_matter):
        piece = (item.start, item.end)
        builder.add(Segment(item.value, FRONT_MATTER_KIND + item.key, item.line, "", (piece,)))
    start = front_matter.body_offset
    if text.startswith(_BOM, start):
        start += len(_BOM)
    body = _Body(text, start, front_matter.body_line)
    try:
        tokens = parse(body.parsed, body.env)
    except SegmentError as error:
        line = None if error.line is None else error.line + body.first_line - 1
        raise SegmentError(error.message, source, line) from None
    _walk(tokens, body, builder)
    return builder.finish()


@dataclass
class _Body:
    """The Markdown after the front matter, as parsed, and the way back to file offsets."""

    text: str
    start: int
    first_line: int
    env: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        raw = self.text[self.start :]
        self.parsed = LineEndings.normalise(raw)
        self._endings = LineEndings(raw)

    def in_file(self, start: int, end: int) -> Piece:
        """A parsed-text range as a range of the file."""
        return (
            self.start + self._endings.original(start),
            self.start + self._endings.original(end),
        )


@dataclass
class _OpenSection:
    """A section being filled while the tokens are walked."""

    title: str
    level: int
    line: int
    path: str
    segments: list[Segment] = field(default_factory=list)


class _SectionBuilder:
    """Collects segments into sections and keeps the path of open headings."""

    def __init__(self) -> None:
        self._sections = [_OpenSection("", 0, 1, "")]
        self._headings: list[tuple[int, str]] = []

    @property
    def path(self) -> str:
        """The heading path of the section being filled."""
        return self._sections[-1].path

    def open(self, title: str, level: int, line: int) -> None:
        """Start the section of a top-level heading."""
        while self._headings and self._headings[-1][0] >= level:
            self._headings.pop()
        self._headings.append((level, title))
        path = SECTION_SEPARATOR.join(name for _, name in self._headings)
        self._sections.append(_OpenSection(title, level, line, path))

    def add(self, item: Segment) -> None:
        """Add a segment to the section being filled."""
        self._sections[-1].segments.append(item)

    def finish(self) -> tuple[Section, ...]:
        """The sections; the untitled first one only if it has segments or is the only one."""
        sections = self._sections
        if not sections[0].segments and len(sections) > 1:
            sections = sections[1:]
        return tuple(Section(s.title, s.level, s.line, s.path, tuple(s.segments)) for s in sections)


def _walk(tokens: list[Token], body: _Body, builder: _SectionBuilder) -> None:
    """Turn the block tokens into segments, tracking containers and sections."""
    containers: list[str] = []
    for index, token in enumerate(tokens):
        if token.type in _CONTAINER_KINDS:
            containers.append(_CONTAINER_KINDS[token.type])
        elif token.type in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif token.type == "heading_open":
            inline = tokens[index + 1]
            if not containers:
                line = body.first_line + (token.map[0] if token.map else 0)
                builder.open(_plain_text(inline.children or []), int(token.tag[1]), line)
            pieces = _heading_pieces(body.parsed, token, inline)
            _add_block(pieces, inline, "heading", body, builder)
        elif token.type == "paragraph_open":
            inline = tokens[index + 1]
            pieces = _block_pieces(body.parsed, inline.meta["lines"], inline.map)
            if tokens[index - 1].type == "list_item_open":
                pieces = _without_task_box(body.parsed, pieces)
            kind = containers[-1] if containers else "paragraph"
            _add_block(pieces, inline, kind, body, builder)
        elif token.type == "tr_open":
            _add_row(token, _row_cells(tokens, index), body, builder)


# A piece while walking: (start, end, line index in the body), in parsed-text offsets.
_LinePiece = tuple[int, int, int]


def _block_pieces(src: str, lines: list[Piece], line_map: list[int] | None) -> list[_LinePiece]:
    """The text of a paragraph or setext heading, line by line, as the inline parser sees it.

    The first line starts after leading whitespace, continuation lines after their
    spaces and tabs; trailing spaces and tabs are cut except two or more spaces (a hard
    break), and the block's trailing whitespace is cut.
    """
    first = line_map[0] if line_map else 0
    last = len(lines) - 1
    pieces = []
    for index, (start, end) in enumerate(lines):
        if index == 0:
            start = _skip(src, start, end, TRIM_CHARS)
        if index == last:
            end = _skip_back(src, start, end, TRIM_CHARS)
        elif not src.endswith("  ", start, end):
            end = _skip_back(src, start, end, " \t")
        pieces.append((start, end, first + index))
    while pieces and pieces[0][0] == pieces[0][1]:
        pieces.pop(0)
    while pieces and pieces[-1][0] == pieces[-1][1]:
        pieces.pop()
    return pieces


def _heading_pieces(src: str, heading: Token, inline: Token) -> list[_LinePiece]:
    """The text of a heading: setext headings like paragraphs, ATX without the ``#``s."""
    if not heading.markup.startswith("#"):
        return _block_pieces(src, inline.meta["lines"], inline.map)
    (start, end), line = inline.meta["lines"][0], (inline.map or [0])[0]
    start += len(heading.markup)
    end = _skip_back(src, start, end, " \t")
    without_closing = _skip_back(src, start, end, "#")
    if without_closing > start and src[without_closing - 1] in " \t":
        end = without_closing
    start = _skip(src, start, end, TRIM_CHARS)
    end = _skip_back(src, start, end, TRIM_CHARS)
    return [(start, end, line)] if end > start else []


def _without_task_box(src: str, pieces: list[_LinePiece]) -> list[_LinePiece]:
    """Leave a task-list box (``[ ]``, ``[x]``) at the start of a list item out of its text."""
    if pieces:
        start, end, line = pieces[0]
        box = _TASK_BOX.match(src, start, end)
        if box:
            return [(box.end(), end, line), *pieces[1:]]
    return pieces


def _row_cells(tokens: list[Token], index: int) -> list[Token]:
    """The inline tokens of the cells of the table row opened at ``tokens[index]``."""
    cells = []
    for position in range(index + 1, len(tokens)):
        token = tokens[position]
        if token.type == "tr_close":
            break
        if token.type == "inline":
            cells.append(token)
    return cells


def _add_row(row: Token, cells: list[Token], body: _Body, builder: _SectionBuilder) -> None:
    """Add the cells of one table row, split where markdown-it-py splits them."""
    src = body.parsed
    (start, end), line = row.meta["lines"][0], (row.map or [0])[0]
    for (cell_start, cell_end), inline in zip(_cell_ranges(src, start, end), cells, strict=False):
        cell_start = _skip(src, cell_start, cell_end, TRIM_CHARS)
        cell_end = _skip_back(src, cell_start, cell_end, TRIM_CHARS)
        if cell_end > cell_start:
            _add_block([(cell_start, cell_end, line)], inline, "table_cell", body, builder)


def _cell_ranges(src: str, start: int, end: int) -> list[Piece]:
    """The cells of a table row: split at pipes not preceded by a backslash.

    As markdown-it-py does, a pipe at the start or end of the trimmed row opens or
    closes the row rather than an empty cell.
    """
    start = _skip(src, start, end, TRIM_CHARS)
    end = _skip_back(src, start, end, TRIM_CHARS)
    ranges = []
    cell_start = start
    position = src.find("|", start, end)
    while position >= 0:
        if position == start or src[position - 1] != "\\":
            ranges.append((cell_start, position))
            cell_start = position + 1
        position = src.find("|", position + 1, end)
    ranges.append((cell_start, end))
    if ranges[0][0] == ranges[0][1]:
        ranges.pop(0)
    if ranges and ranges[-1][0] == ranges[-1][1]:
        ranges.pop()
    return ranges


def _add_block(
    pieces: list[_LinePiece], inline: Token, kind: str, body: _Body, builder: _SectionBuilder
) -> None:
    """Add a leaf block as a segment, as its images' alt and title segments, or not at all."""
    if not pieces:
        return
    children = inline.children or []
    text = "\n".join(body.parsed[start:end] for start, end, _ in pieces)
    if _only_images(children):
        for image in _images(parse_inline(text, body.env)):
            for name in ("alt", "title"):
                if name in image.meta:
                    _add_part(pieces, text, image.meta[name], f"image_{name}", body, builder)
    elif _worth_translating(_plain_text(children)):
        builder.add(_make_segment(text, kind, pieces, body, builder.path))


def _add_part(
    pieces: list[_LinePiece],
    text: str,
    part: Piece,
    kind: str,
    body: _Body,
    builder: _SectionBuilder,
) -> None:
    """Add the part ``text[start:end]`` of a block (an alt text, a title) as a segment."""
    start, end = part
    start = _skip(text, start, end, TRIM_CHARS)
    end = _skip_back(text, start, end, TRIM_CHARS)
    if not _has_word(text[start:end]):
        return
    sub_pieces = []
    offset = 0
    for piece_start, piece_end, line in pieces:
        length = piece_end - piece_start
        low, high = max(start, offset), min(end, offset + length)
        if low < high:
            sub_pieces.append((piece_start + low - offset, piece_start + high - offset, line))
        offset += length + 1
    builder.add(_make_segment(text[start:end], kind, sub_pieces, body, builder.path))


def _make_segment(
    text: str, kind: str, pieces: list[_LinePiece], body: _Body, section: str
) -> Segment:
    """A segment with its pieces as file offsets and its line as a file line."""
    in_file = tuple(body.in_file(start, end) for start, end, _ in pieces)
    return Segment(text, kind, body.first_line + pieces[0][2], section, in_file)


def _only_images(children: list[Token]) -> bool:
    """Whether the inline content is one or more images (perhaps linked) and nothing else."""
    significant = [
        child
        for child in children
        if child.type not in _IGNORED_INLINE
        and not (child.type == "text" and not child.content.strip())
    ]
    return bool(significant) and all(child.type == "image" for child in significant)


def _images(children: Iterable[Token]) -> Iterator[Token]:
    """The top-level image tokens of an inline parse."""
    return (child for child in children if child.type == "image")


def _plain_text(children: list[Token]) -> str:
    """The words of inline content without markup: text, code and image alt text."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain_text(child.children or []))
    return " ".join("".join(parts).split())


def _worth_translating(plain: str) -> bool:
    """Whether a block has words, rather than being punctuation or a bare URL."""
    return _has_word(plain) and not _URL_ONLY.fullmatch(plain)


def _has_word(text: str) -> bool:
    """Whether the text has a letter or a digit in any script."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _skip(text: str, start: int, end: int, chars: str) -> int:
    """The first position from ``start`` whose character is not in ``chars``."""
    while start < end and text[start] in chars:
        start += 1
    return start


def _skip_back(text: str, start: int, end: int, chars: str) -> int:
    """The end position after cutting characters in ``chars`` from before ``end``."""
    while end > start and text[end - 1] in chars:
        end -= 1
    return end
