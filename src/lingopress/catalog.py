r"""gettext catalogs: the only code that reads or writes ``.po`` and ``.pot`` files.

The data model is polib's (``POFile`` of ``POEntry``). Reading is strict, because a
translator's file is user input: the text must be UTF-8 and declare that charset, the
PO syntax must be valid, an entry may not appear twice, and the header may not be
fuzzy. Every problem is a :class:`~lingopress.errors.CatalogError` with the line.

Writing follows one policy, the canonical output of ``msgcat --no-wrap`` (GNU gettext):
a message is never wrapped, but is split after each ``\n`` it contains; reference
lines (``#:``) are filled up to :data:`PAGE_WIDTH` columns; flags start with ``fuzzy``
(which an untranslated message never has).
So every file lingopress writes is a fixed point of ``msgcat --no-wrap``, and a
catalog that Poedit re-wrapped at 79 columns comes back to this form on the next
``update``. Files are written atomically and only when their bytes change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib

from lingopress.errors import CatalogError
from lingopress.fileio import Written as Written  # what write_catalog returns
from lingopress.fileio import write_if_changed

PAGE_WIDTH = 79
"""The column limit of reference lines, as GNU gettext fills them."""

WRAP_POLICY = ("msgcat", "--no-wrap")
"""The GNU gettext call whose output every written catalog already is."""

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_ESCAPES |= {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_ESCAPED = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_CHUNK = re.compile(r"[^\n]*\n|[^\n]+")
_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD = re.compile(r"msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?")
_KEYWORD_LINE = re.compile(
    rf"(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]*({_STRING})[ \t]*"
)
_STRING_LINE = re.compile(rf"({_STRING})[ \t]*")
_CHARSET = re.compile(r"charset=([^\s;]+)", re.IGNORECASE)
_OBSOLETE_PREVIOUS = re.compile(r"^#~\|", re.MULTILINE)
_BELL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\a")
_SPLITLINES_ONLY = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_STAND_IN = {ord(char): 0xF0000 + index for index, char in enumerate(_SPLITLINES_ONLY)}
_PUT_BACK = {stand_in: original for original, stand_in in _STAND_IN.items()}
_TEXT_FIELDS = (
    *("msgid", "msgstr", "msgctxt", "msgid_plural", "comment", "tcomment"),
    *("previous_msgid", "previous_msgid_plural", "previous_msgctxt"),
)


def read_catalog(path: Path, shown: Path | str) -> polib.POFile:
    """Read and check a catalog file; ``shown`` is its path in error messages."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"cannot read: {error.strerror}", shown) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CatalogError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x}); catalogs must be UTF-8", shown, line
        ) from None
    return parse_catalog(text, shown)


def parse_catalog(text: str, shown: Path | str | None = None) -> polib.POFile:
    """Parse catalog text after checking its syntax, uniqueness, header and charset."""
    keys = list(_check_syntax(text.removeprefix("\ufeff"), shown))
    _check_duplicates(keys, shown)
    try:
        catalog = _polib_parse(text.removeprefix("\ufeff"))
    except (OSError, ValueError) as error:
        raise CatalogError(f"cannot read catalog: {error}", shown) from None
    _check_header(catalog, text, shown)
    return catalog


def _polib_parse(text: str) -> polib.POFile:
    """Parse with polib, protecting the characters where only Python breaks lines.

    polib splits its input with ``str.splitlines``, which also breaks at form feeds,
    ``U+2028`` and the like; GNU gettext writes those inside strings, unescaped. They
    stand in as private-use characters while polib reads, then are put back.
    """
    text = _BELL_ESCAPE.sub(lambda match: match.group(1) + "\a", text)  # polib lacks \a
    text = _OBSOLETE_PREVIOUS.sub("#|", text)  # polib reads "#|" before "#~ msgid", not "#~|"
    if not any(char in text for char in _SPLITLINES_ONLY):
        return polib.pofile(text, wrapwidth=0, encoding="utf-8")
    catalog = polib.pofile(text.translate(_STAND_IN), wrapwidth=0, encoding="utf-8")
    catalog.header = catalog.header.translate(_PUT_BACK)
    catalog.metadata = {key: value.translate(_PUT_BACK) for key, value in catalog.metadata.items()}
    for entry in catalog:
        for name in _TEXT_FIELDS:
            value = getattr(entry, name)
            if isinstance(value, str):
                setattr(entry, name, value.translate(_PUT_BACK))
        entry.msgstr_plural = {
            index: value.translate(_PUT_BACK) for index, value in entry.msgstr_plural.items()
        }
    return catalog


def _check_syntax(text: str, shown: Path | str | None) -> Iterator[tuple[int, str, bool]]:
    """Check the PO syntax line by line; yield each message's line, key and obsolescence.

    The key is the raw ``msgctxt`` and ``msgid`` strings, enough to find duplicates.
    """
    previous = ""  # the last keyword of the message being read
    message: tuple[int, list[str], bool] | None = None
    number = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip(" \t")
            if line.startswith("|"):
                continue  # the previous source of an obsolete entry
        if not line.strip() or line.startswith("#"):
            continue
        keyword = _KEYWORD_LINE.fullmatch(line)
        continuation = _STRING_LINE.fullmatch(line)
        if keyword:
            word, string = keyword.groups()
            _check_order(previous, word, shown, number)
            if word == "msgctxt" or (word == "msgid" and previous != "msgctxt"):
                if message:
                    yield message[0], "\x04".join(message[1]), message[2]
                message = (number, [], obsolete)
            if message and word in ("msgctxt", "msgid"):
                message[1].append(string[1:-1])
            previous = word
        elif continuation and previous:
            if message and previous in ("msgctxt", "msgid"):
                message[1][-1] += continuation.group(1)[1:-1]
        else:
            raise CatalogError(_syntax_problem(line), shown, number)
    _check_order(previous, "", shown, number)
    if message:
        yield message[0], "\x04".join(message[1]), message[2]


def _check_order(previous: str, keyword: str, shown: Path | str | None, line: int) -> None:
    """Check that ``keyword`` may follow ``previous`` in a message."""
    allowed = {
        "": ("msgctxt", "msgid", ""),
        "msgctxt": ("msgid",),
        "msgid": ("msgid_plural", "msgstr"),
        "msgid_plural": ("msgstr[",),
    }
    if previous.startswith("msgstr"):
        allowed_next: tuple[str, ...] = ("msgctxt", "msgid", "")
        if previous.startswith("msgstr["):
            allowed_next += ("msgstr[",)
    else:
        allowed_next = allowed[previous]
    if not any(keyword.startswith(word) if word else keyword == "" for word in allowed_next):
        expected = " or ".join(word.rstrip("[") or "end of file" for word in allowed_next)
        found = keyword or "the end of the file"
        raise CatalogError(f"PO syntax: expected {expected} before {found}", shown, line)


def _syntax_problem(line: str) -> str:
    """Say what is wrong with a line that is neither a comment nor valid PO syntax."""
    stripped = line.strip()
    word = re.split(r'[\s"]', stripped, maxsplit=1)[0]
    if word and not _KEYWORD.fullmatch(word):
        return f"PO syntax: unknown keyword {word!r} (comments start with '#')"
    if stripped.count('"') - stripped.count('\\"') < 2 or not stripped.endswith('"'):
        return "PO syntax: unterminated string (a missing closing quote?)"
    return f"PO syntax: cannot read {stripped[:40]!r} (a quote inside a string needs a backslash)"


def _check_duplicates(keys: list[tuple[int, str, bool]], shown: Path | str | None) -> None:
    """Refuse a message that appears twice (among active, or among obsolete, entries)."""
    seen: dict[tuple[str, bool], int] = {}
    for line, key, obsolete in keys:
        if (key, obsolete) in seen:
            first = seen[(key, obsolete)]
            raise CatalogError(f"duplicate message (first defined on line {first})", shown, line)
        seen[(key, obsolete)] = line


def _check_header(catalog: polib.POFile, text: str, shown: Path | str | None) -> None:
    """Refuse a fuzzy header and any charset but UTF-8."""
    if catalog.metadata_is_fuzzy:
        raise CatalogError(
            "the header entry is marked fuzzy; clear its fuzzy flag", shown, _line_of(text, "#,")
        )
    match = _CHARSET.search(catalog.metadata.get("Content-Type", "charset=UTF-8"))
    charset = match.group(1) if match else "UTF-8"
    if charset.replace("-", "").lower() != "utf8":
        raise CatalogError(
            f"charset is {charset}; lingopress catalogs are UTF-8 (charset=UTF-8)",
            shown,
            _line_of(text, '"Content-Type:'),
        )


def _line_of(text: str, start: str) -> int:
    """The first line of ``text`` that starts with ``start`` (1 if none)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(start):
            return number
    return 1


def format_catalog(catalog: polib.POFile) -> str:
    """The catalog in canonical form: the output of ``msgcat --no-wrap`` for it."""
    blocks = [_header_lines(catalog)] if catalog.metadata or catalog.header else []
    return "\n".join("\n".join(block) + "\n" for block in blocks + _entry_blocks(catalog))


def format_entries(catalog: polib.POFile) -> str:
    """The messages of a catalog in canonical form, without its header."""
    return "\n".join("\n".join(block) + "\n" for block in _entry_blocks(catalog))


def _entry_blocks(catalog: polib.POFile) -> list[list[str]]:
    """The lines of each message: active ones first, then obsolete ones."""
    entries = [entry for entry in catalog if not entry.obsolete]
    entries += [entry for entry in catalog if entry.obsolete]
    return [_entry_lines(entry) for entry in entries]


def write_catalog(path: Path, catalog: polib.POFile, *, dry_run: bool = False) -> Written:
    """Write a catalog atomically if its canonical bytes differ from the file's.

    With ``dry_run`` nothing is written; the result says what would change.
    """
    return write_if_changed(path, format_catalog(catalog).encode("utf-8"), dry_run=dry_run)


def _header_lines(catalog: polib.POFile) -> list[str]:
    """The header comment and the header entry (never fuzzy)."""
    lines = _comment_lines("#", catalog.header)
    metadata = "".join(f"{key}: {value}\n" for key, value in catalog.ordered_metadata())
    return [*lines, 'msgid ""', *_string_lines("msgstr", metadata, "")]


def _entry_lines(entry: polib.POEntry) -> list[str]:
    """One entry in GNU order: comments, references, flags, previous source, strings."""
    lines = _comment_lines("#", entry.tcomment) + _comment_lines("#.", entry.comment)
    lines += _reference_lines(entry.occurrences)
    flags = sorted(set(entry.flags), key=lambda flag: (flag != "fuzzy", entry.flags.index(flag)))
    untranslated = not entry.msgstr and not any(entry.msgstr_plural.values())
    if untranslated:  # as GNU gettext: nothing to be unsure about
        flags = [flag for flag in flags if flag != "fuzzy"]
    if flags:
        lines.append("#, " + ", ".join(flags))
    strings = "#~ " if entry.obsolete else ""
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        lines += _string_lines("msgctxt", entry.previous_msgctxt, previous)
    if entry.previous_msgid:
        lines += _string_lines("msgid", entry.previous_msgid, previous)
    if entry.previous_msgid_plural:
        lines += _string_lines("msgid_plural", entry.previous_msgid_plural, previous)
    if entry.msgctxt is not None:
        lines += _string_lines("msgctxt", entry.msgctxt, strings)
    lines += _string_lines("msgid", entry.msgid, strings)
    if entry.msgid_plural:
        lines += _string_lines("msgid_plural", entry.msgid_plural, strings)
        for index in sorted(entry.msgstr_plural):
            lines += _string_lines(f"msgstr[{index}]", entry.msgstr_plural[index], strings)
    else:
        lines += _string_lines("msgstr", entry.msgstr, strings)
    return lines


def _comment_lines(mark: str, text: str | None) -> list[str]:
    """Comment lines: ``# text`` (``#`` alone for an empty line)."""
    if not text:
        return []
    return [f"{mark} {line}" if line else mark for line in text.split("\n")]


def _reference_lines(occurrences: Iterable[tuple[str, str]]) -> list[str]:
    """``#:`` lines filled as GNU gettext fills them, up to :data:`PAGE_WIDTH` columns."""
    lines: list[str] = []
    line = "#:"
    for path, number in occurrences:
        reference = f" {path}:{number}" if number else f" {path}"
        if line != "#:" and len(line) + len(reference) > PAGE_WIDTH:
            lines.append(line)
            line = "#:"
        line += reference
    if line != "#:":
        lines.append(line)
    return lines


def _string_lines(keyword: str, value: str, prefix: str) -> list[str]:
    """A keyword and its string, split after each newline when there is more than one line."""
    chunks = _CHUNK.findall(value)
    if len(chunks) <= 1:
        return [f'{prefix}{keyword} "{escape(value)}"']
    return [f'{prefix}{keyword} ""'] + [f'{prefix}"{escape(chunk)}"' for chunk in chunks]


def escape(value: str) -> str:
    r"""Escape a string for a PO file, as GNU gettext does.

    >>> escape('Say "hi"\n\ttoday\\')
    'Say \\"hi\\"\\n\\ttoday\\\\'
    """
    return _ESCAPED.sub(lambda match: _ESCAPES[match.group()], value)
