r"""gettext catalogs: the only code that reads or writes ``.po`` and ``.pot`` files.

The data model is polib's (``POFile`` of ``POEntry``). Reading is strict, because a
translator's file is user input: the text must be UTF-8 and declare that charset, the
PO syntax must be valid, an entry may not appear twice, and the header may not be
fuzzy. Every problem is a :class:`~lingopress.errors.CatalogError` with the line.
Given the language a catalog is for, reading also checks that its ``Language`` header
names that language and that no message has more plural forms than the language.

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
from dataclasses import dataclass, field
from pathlib import Path

import polib

from lingopress.errors import CatalogError
from lingopress.fileio import Written as Written  # what write_catalog returns
from lingopress.fileio import decode_utf8, write_if_changed
from lingopress.languages import Language

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
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Where a line ends, as polib reads it (the characters of ``_SPLITLINES_ONLY`` aside)."""
_ESCAPE = re.compile(r"\\.")
_READABLE_ESCAPES = '\\"ntrvbfa'
"""What may follow a backslash: what polib reads (and ``\\a``), not GNU's octal or hex."""
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


def read_catalog(path: Path, shown: Path | str, language: Language | None = None) -> polib.POFile:
    """Read and check a catalog file; ``shown`` is its path in error messages.

    With ``language``, the catalog must be that language's (:func:`parse_catalog`).
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"cannot read: {error.strerror}", shown) from None
    text = decode_utf8(data, shown, CatalogError, "; catalogs must be UTF-8")
    return parse_catalog(text, shown, language)


def parse_catalog(
    text: str, shown: Path | str | None = None, language: Language | None = None
) -> polib.POFile:
    """Parse catalog text after checking its syntax, uniqueness, header and charset.

    With ``language``, also check that the ``Language`` header (if any) names it and
    that no message has more ``msgstr[N]`` forms than its plural forms.
    """
    text = text.removeprefix("\ufeff")
    nul = text.find("\0")
    if nul >= 0:
        line = len(_LINE_BREAK.findall(text, 0, nul)) + 1
        raise CatalogError("contains a NUL character (is this a binary file?)", shown, line)
    messages = list(_check_syntax(text, shown))
    _check_duplicates(messages, shown)
    try:
        catalog = _polib_parse(text)
    except (OSError, ValueError) as error:
        raise CatalogError(f"cannot read catalog: {error}", shown) from None
    if catalog.header and messages and (messages[0].key or messages[0].obsolete):
        # polib files the comments above the first message as the file's header even
        # when that message is not the header entry; they are its translator comments
        first = catalog[0]
        first.tcomment = "\n".join(part for part in (catalog.header, first.tcomment) if part)
        catalog.header = ""
    _check_header(catalog, text, shown)
    if language is not None:
        _check_language(text, catalog, messages, language, shown)
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


@dataclass
class _Message:
    """A message as the syntax check saw it: where, its key, and its plural forms' lines.

    The key is the raw ``msgctxt`` and ``msgid`` strings, enough to find duplicates;
    ``plurals`` holds the line of ``msgstr[0]``, ``msgstr[1]``, … in order.
    """

    line: int
    obsolete: bool
    parts: list[str] = field(default_factory=list)
    plurals: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``msgctxt`` and ``msgid`` as written, joined as gettext joins them."""
        return "\x04".join(self.parts)


def _check_syntax(text: str, shown: Path | str | None) -> Iterator[_Message]:
    r"""Check the PO syntax line by line; yield each message as it was read.

    Lines end where polib ends them (``\n``, ``\r\n`` or a lone ``\r``), so that
    what is checked is what polib will read.
    """
    previous = ""  # the last keyword of the message being read
    message: _Message | None = None
    number = 0
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
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
                    yield message
                message = _Message(number, obsolete)
            if message and word in ("msgctxt", "msgid"):
                message.parts.append(string[1:-1])
            if message and word.startswith("msgstr["):
                _check_plural_index(word, len(message.plurals), shown, number)
                message.plurals.append(number)
            previous = word
        elif continuation and previous:
            string = continuation.group(1)
            if message and previous in ("msgctxt", "msgid"):
                message.parts[-1] += string[1:-1]
        else:
            raise CatalogError(_syntax_problem(line), shown, number)
        _check_escapes(string, shown, number)
    _check_order(previous, "", shown, number)
    if message:
        yield message


def _check_escapes(string: str, shown: Path | str | None, line: int) -> None:
    """Refuse a backslash escape that would not read back as the text it stands for."""
    for sequence in _ESCAPE.findall(string[1:-1]):
        if sequence[1] not in _READABLE_ESCAPES:
            message = (
                f"PO syntax: unknown escape sequence '{sequence}' (write a backslash as '\\\\')"
            )
            raise CatalogError(message, shown, line)


def _check_plural_index(word: str, expected: int, shown: Path | str | None, line: int) -> None:
    """Require ``msgstr[0]``, ``msgstr[1]``, … in order, without gaps or repeats."""
    if word[len("msgstr[") : -1] != str(expected):
        raise CatalogError(f"PO syntax: {word} where msgstr[{expected}] was expected", shown, line)


def _check_order(previous: str, keyword: str, shown: Path | str | None, line: int) -> None:
    """Check that ``keyword`` may follow ``previous`` in a message."""
    allowed = {
        "": ("msgctxt", "msgid", ""),
        "msgctxt": ("msgid",),
        "msgid": ("msgid_plural", "msgstr"),
        "msgid_plural": ("msgstr[",),
        "msgstr": ("msgctxt", "msgid", ""),
        "msgstr[": ("msgctxt", "msgid", "", "msgstr["),
    }
    kind = "msgstr[" if keyword.startswith("msgstr[") else keyword  # msgstr[N]: any N here
    allowed_next = allowed["msgstr[" if previous.startswith("msgstr[") else previous]
    if kind not in allowed_next:
        names = {"msgstr[": "msgstr[N]", "": "end of file"}
        expected = " or ".join(names.get(word, word) for word in allowed_next)
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


def _check_duplicates(messages: list[_Message], shown: Path | str | None) -> None:
    """Refuse a message that appears twice (among active, or among obsolete, entries)."""
    seen: dict[tuple[str, bool], int] = {}
    for message in messages:
        key = (message.key, message.obsolete)
        if key in seen:
            first = seen[key]
            raise CatalogError(
                f"duplicate message (first defined on line {first})", shown, message.line
            )
        seen[key] = message.line


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


def _check_language(
    text: str,
    catalog: polib.POFile,
    messages: list[_Message],
    language: Language,
    shown: Path | str | None,
) -> None:
    """Refuse a catalog of another language, or a message with too many plural forms."""
    declared = catalog.metadata.get("Language", "").strip()
    theirs, ours = _language_parts(declared), _language_parts(language.tag)
    # a script that only one side names (zh_CN for zh-Hans) is no contradiction
    if declared and (theirs[0] != ours[0] or (theirs[1] and ours[1] and theirs[1] != ours[1])):
        message = f"the header says Language: {declared}, but this is the {language.tag} catalog"
        raise CatalogError(message, shown, _line_of(text, '"Language:'))
    count = language.plural_count
    for entry in messages:
        if len(entry.plurals) > count:
            message = (
                f"msgstr[{count}] is one form too many: {language.tag} has {count} plural "
                f"form{'s' * (count != 1)}"
            )
            raise CatalogError(message, shown, entry.plurals[count])


def _language_parts(code: str) -> tuple[str, str]:
    """The primary language and the script (empty if none) of a tag or gettext code.

    >>> _language_parts("zh_Hans"), _language_parts("es-419"), _language_parts("sr@latin")
    (('zh', 'Hans'), ('es', ''), ('sr', ''))
    """
    parts = re.split(r"[-_@.]", code)
    script = next((part for part in parts[1:] if len(part) == 4 and part.isalpha()), "")
    return parts[0].lower(), script.title()


def _line_of(text: str, start: str) -> int:
    """The first line of ``text`` that starts with ``start`` (1 if none)."""
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
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
