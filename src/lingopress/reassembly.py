"""Reassembly: translations spliced into the exact source spans of their segments.

:func:`reassemble` segments a text, asks ``translate`` for each segment and replaces the
characters of the segment (its ``span``) by the translation; every other character of
the file stays as it was. ``None``, an empty string or the segment's own text keeps the
source, so an identity translation reproduces the input byte for byte.

A translation is written so that it cannot change the structure of the page:

- a block (paragraph, list item, quote, setext heading) keeps its container markers on
  every line: continuation lines get the indentation and ``>`` markers of the first
  line, and the line ending of the file;
- blank lines and indentation in a translation are dropped, and a line that would start
  a block of its own (``#``, ``>``, ``-``, ``1.``, a fence, an HTML block, a table, a
  setext underline, a link reference definition) is escaped with a backslash, as the
  parser itself confirms;
- a heading, table cell, alt text or title is kept on one line; ``|`` is escaped in
  cells, alt texts and titles (and written ``&#124;`` on the last line of a setext
  heading, where even an escaped pipe would make a table), brackets in alt text,
  the quote characters in titles, and a closing ``#`` sequence in headings;
- a front-matter value is written as a double-quoted YAML string (without control
  characters, which issues may not contain).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path

from lingopress.errors import SegmentError
from lingopress.markdown import TRIM_CHARS, parse
from lingopress.segments import FRONT_MATTER_KIND, Segment, segment

Translate = Callable[[Segment], "str | None"]
_ORDERED_MARKER = re.compile(r"\d{1,9}(?=[.)])")
_CLOSING_HASHES = re.compile(r"(?:^|(?<=[ \t]))#+[ \t]*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_YAML_PRINTABLE = re.compile(
    "[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_LINE_ENDING = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")
_TITLE_QUOTES = {'"': '"', "'": "'", "(": "()"}


def reassemble(
    text: str,
    translate: Translate,
    *,
    source: Path | str | None = None,
    front_matter: bool = True,
) -> str:
    r"""Return ``text`` with each segment replaced by ``translate(segment)``.

    ``source`` and ``front_matter`` are passed on to :func:`~lingopress.segments.segment`.

    >>> reassemble("> A *quote*\n", lambda s: "Une *citation*\n\n# pas un titre")
    '> Une *citation*\n> \\# pas un titre\n'
    """
    parts = []
    cursor = 0
    for item in segment(text, source=source, front_matter=front_matter):
        translation = translate(item)
        if translation is None or translation == item.text or not translation.strip():
            continue
        start = item.span[0]
        replacement, cursor_after = render_translation(text, item, translation)
        parts += [text[cursor:start], replacement]
        cursor = cursor_after
    parts.append(text[cursor:])
    return "".join(parts)


def render_translation(text: str, item: Segment, translation: str) -> tuple[str, int]:
    """What replaces the segment in ``text``, and where the replaced characters end.

    The replaced range is the segment's span, except for the alt text of a reference
    image (see :func:`_alt_text`).
    """
    translation = translation.replace("\r\n", "\n").replace("\r", "\n")
    end = item.span[1]
    if item.kind.startswith(FRONT_MATTER_KIND):
        return yaml_string(_CONTROL.sub("", translation)), end
    if item.kind == "table_cell":
        return _cell(_one_line(translation), _line_prefix(text, item.span[0])), end
    if item.kind == "image_alt":
        return _alt_text(text, item, _escape_unescaped(_one_line(translation), "[]|"))
    if item.kind == "image_title":
        quotes = _TITLE_QUOTES[text[item.span[0] - 1]]
        return _escape_unescaped(_one_line(translation), quotes + "|"), end
    prefix = _line_prefix(text, item.span[0])
    if prefix.rstrip(" \t").endswith("#"):
        return _atx_heading(_one_line(translation)), end
    lines = keep_inline(_block_lines(translation))
    if item.kind == "heading":  # setext: over a "---" underline, any pipe row is a table
        lines[-1] = re.sub(r"\\?\|", "&#124;", lines[-1])
    newline = _line_ending(text, item.pieces[0][1])
    return (newline + _continuation(prefix)).join(lines), end


def _alt_text(text: str, item: Segment, alt: str) -> tuple[str, int]:
    """Alt text, turning a shortcut or collapsed reference image into a full reference.

    In ``![alt]`` and ``![alt][]`` the alt text is also the reference label, so a
    translated alt text keeps the original label: ``![translation][alt]``.
    """
    end = item.span[1]
    close = text.index("]", end)  # only whitespace lies between the alt text and its "]"
    after = text[close : close + 3]
    if after.startswith(("](", "][")) and after != "][]":
        return alt, end
    label = " ".join(item.text.split())
    if after == "][]":
        return f"{alt}][{label}]", close + 3
    return f"{alt}][{label}", end


def keep_inline(lines: list[str]) -> list[str]:
    r"""Escape the starts of lines that would not stay lines of one paragraph.

    The parser is the judge: the lines are parsed alone, and the first line that ends
    the paragraph or starts another block is escaped, until one paragraph remains.

    >>> keep_inline(["Step one:", "1. mix", "---"])
    ['Step one:', '1\\. mix', '\\---']
    """
    lines = list(lines)
    for _ in range(3 * len(lines) + 3):
        bad = _first_line_off_paragraph(lines)
        if bad is None:
            return lines
        lines[bad] = _escape_start(lines[bad])
    raise SegmentError(f"translation cannot be kept inline: {' '.join(lines)[:80]!r}")


def _first_line_off_paragraph(lines: list[str]) -> int | None:
    """The line to escape so that more of the lines stay one paragraph, if any.

    That is the line where another block starts, except for a table (whose second
    line, the delimiter row, is escaped) and a setext heading (its underline).
    """
    try:
        tokens = parse("\n".join(lines))
    except SegmentError as error:  # a translation nested deeper than the parser follows
        return (error.line or 1) - 1
    first = tokens[0] if tokens else None
    if first is None or not first.map or first.map[0] > 0:
        return 0  # nothing left (a definition) or something before the paragraph
    if first.type == "paragraph_open":
        if first.map[1] >= len(lines):
            return None
        first = tokens[3]
    assert first.map is not None  # every block token has lines
    if first.type == "table_open":
        return first.map[0] + 1
    if first.type == "heading_open" and first.markup in ("=", "-"):
        return first.map[1] - 1
    return first.map[0]


def _escape_start(line: str) -> str:
    """Escape what makes a line start a block: an ordered-list number or a punctuation mark."""
    number = _ORDERED_MARKER.match(line)
    if number:
        return f"{line[: number.end()]}\\{line[number.end() :]}"
    if line[:1] in string.punctuation:
        return "\\" + line
    return _escape_pipes(line)


def _escape_pipes(line: str) -> str:
    """Escape every pipe that would separate table cells."""
    return _UNESCAPED_PIPE.sub(r"\\|", line)


def _block_lines(translation: str) -> list[str]:
    """The lines of a block translation without indentation, blank lines or trailing space.

    Two or more trailing spaces (a hard break) are kept, except on the last line.
    """
    lines = [line.lstrip(TRIM_CHARS) for line in translation.split("\n")]
    lines = [line for line in lines if line.strip(TRIM_CHARS)]
    kept = [line if line.endswith("  ") else line.rstrip(TRIM_CHARS) for line in lines[:-1]]
    return [*kept, lines[-1].rstrip(TRIM_CHARS)] if lines else kept


def _one_line(translation: str) -> str:
    """A translation on one line: its lines joined by spaces."""
    return " ".join(line.strip(TRIM_CHARS) for line in translation.split("\n") if line.strip())


def _atx_heading(line: str) -> str:
    """Heading text that keeps a trailing ``#`` run as text (it would close the heading)."""
    closing = _CLOSING_HASHES.search(line)
    if closing:
        return f"{line[: closing.start()]}\\{line[closing.start() :]}"
    return line


def _cell(line: str, prefix: str) -> str:
    """Table-cell text: pipes escaped, a trailing backslash kept off the next pipe.

    A cell that starts its row (the row has no leading pipe) must not start a block.
    """
    line = _escape_pipes(line)
    if "|" not in prefix:
        line = keep_inline([line])[0]
    return line + " " if line.endswith("\\") else line


def _escape_unescaped(line: str, chars: str) -> str:
    """Escape each of ``chars`` not already escaped, and a dangling final backslash."""
    out = []
    backslashes = 0
    for char in line:
        if char in chars and backslashes % 2 == 0:
            out.append("\\")
        out.append(char)
        backslashes = backslashes + 1 if char == "\\" else 0
    if backslashes % 2:
        out.append("\\")
    return "".join(out)


def _line_prefix(text: str, start: int) -> str:
    """What precedes ``start`` on its line: container markers and indentation."""
    line_start = text.rfind("\n", 0, start) + 1
    line_start = text.rfind("\r", line_start, start) + 1 or line_start
    return text[line_start:start]


def _continuation(prefix: str) -> str:
    """The prefix of a continuation line: the first line's ``>`` markers and columns.

    List markers become spaces. A ``>`` gets a space after it where the first line had
    none, because a block quote takes one space after its marker as part of the marker.
    """
    out = []
    for index, char in enumerate(prefix):
        out.append(char if char in "> \t" else " ")
        if char == ">" and prefix[index + 1 : index + 2] not in (" ", "\t"):
            out.append(" ")
    return "".join(out)


def _line_ending(text: str, position: int) -> str:
    r"""The line ending after ``position`` (else the file's first; ``\n`` if it has none)."""
    match = _LINE_ENDING.search(text, position)
    if match is None:  # the last line: the ending the file uses elsewhere
        match = _LINE_ENDING.search(text)
    return match.group() if match else "\n"


def yaml_string(value: str) -> str:
    r"""A YAML double-quoted scalar for ``value``, on one line.

    >>> yaml_string('Say "hi"\n\tnow')
    '"Say \\"hi\\"\\n\\tnow"'
    """
    out = ['"']
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif _YAML_PRINTABLE.match(char):
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    out.append('"')
    return "".join(out)
