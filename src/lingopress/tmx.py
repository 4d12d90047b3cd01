"""Translation memory exchange: reviewed translations as TMX 1.4, and TMX read back.

:func:`export_tmx` gathers the reviewed messages (translated, not fuzzy, not obsolete)
of every catalog of one language, issues and ``site.po`` alike, into one TMX 1.4
document, the format CAT tools (OmegaT, Poedit, Trados, memoQ) exchange memories in:

- the ``header`` says ``creationtool="lingopress"``, ``datatype="plaintext"``,
  ``segtype="block"`` (a unit is a whole segment, not a sentence), ``adminlang="en"``,
  ``srclang`` (the project's source language, BCP 47) and ``o-tmf="PO"``;
- one ``tu`` per distinct (source, target) pair, in the order first met (catalogs by
  name, messages in file order), with a ``prop type="x-context"`` naming each catalog
  it comes from (an issue slug, or ``site``) and two ``tuv``, ``xml:lang`` the BCP 47
  tags (``en``, ``zh-Hans``), each with its ``seg``;
- dates in TMX's form ``YYYYMMDDThhmmssZ``: every date is ``SOURCE_DATE_EPOCH`` when it
  is set (reproducible output); otherwise a unit's ``creationdate`` is the earliest
  ``PO-Revision-Date`` of the catalogs it comes from and the header's the latest, so
  the same catalogs always give the same file. A catalog without a readable date
  leaves its units undated.

**Plural messages** (``site.po`` may have them) become one ``tu`` per plural form and
source form that go together: the language's ``Plural-Forms`` rule tells which numbers
each form serves, and gettext shows ``msgid`` for 1 and ``msgid_plural`` for every
other number. Spanish ``msgstr[0]`` pairs with ``msgid``; a Chinese ``msgstr[0]``, used
for every number, pairs with both; the Arabic form for 0 pairs with ``msgid_plural``.

Only standard TMX 1.4 is written (no inline markup elements: Markdown is plain text
here). :func:`read_tmx` reads any TMX 1.4 file strictly, through
:mod:`lingopress.xmlsafe` (DOCTYPE and entities refused), into (source, target) pairs.
"""

from __future__ import annotations

import datetime as dt
import gettext
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import polib

from lingopress import __version__
from lingopress.catalog import read_catalog
from lingopress.config import Config
from lingopress.errors import CatalogError, TmxError
from lingopress.progress import state_of
from lingopress.update import parse_revision_date, source_date_epoch
from lingopress.xmlsafe import XML_INVALID, XML_LANG, parse_xml

TMX_VERSION = "1.4"
CONTEXT_PROP = "x-context"
"""The ``prop`` type naming the catalog (issue slug or ``site``) a unit comes from."""

TMX_DATE = "%Y%m%dT%H%M%SZ"
_PLURAL_SAMPLES = (*range(1001), 1_000_000)
"""Numbers enough to meet every plural form of every CLDR language."""

Pair = tuple[str, str]


@dataclass
class Unit:
    """One translation unit: a (source, target) pair, the catalogs it is in, its date."""

    source: str
    target: str
    contexts: list[str] = field(default_factory=list)
    date: dt.datetime | None = None


@dataclass(frozen=True)
class CatalogShare:
    """What one catalog gave the memory: its path and how many reviewed messages."""

    shown: str
    reviewed: int


@dataclass(frozen=True)
class MemoryExport:
    """A TMX document and what went into it."""

    data: bytes
    units: int
    catalogs: tuple[CatalogShare, ...]


def export_tmx(config: Config, tag: str) -> MemoryExport:
    """The reviewed translations of every catalog of language ``tag`` as a TMX document."""
    settings = config.language(tag)
    folder = config.paths.locales / tag
    paths = sorted(folder.glob("*.po")) if folder.is_dir() else []
    if not paths:
        shown = config.paths.relative(folder).as_posix()
        raise CatalogError(f"no catalogs in {shown}/: run 'lingopress update' first")
    fixed = source_date_epoch()
    units: dict[Pair, Unit] = {}
    shares = []
    dates = []
    for path in paths:
        shown = config.paths.relative(path).as_posix()
        catalog = read_catalog(path, shown, settings.language)
        date = fixed or parse_revision_date(catalog.metadata.get("PO-Revision-Date", ""))
        if date:
            dates.append(date)
        pairs = list(reviewed_pairs(catalog, shown, settings.language.plural_forms))
        shares.append(CatalogShare(shown, len({line for line, _ in pairs})))
        for _, pair in pairs:
            unit = units.setdefault(pair, Unit(*pair))
            if path.stem not in unit.contexts:
                unit.contexts.append(path.stem)
            if date and (unit.date is None or date < unit.date):
                unit.date = date
    created = fixed or max(dates, default=None)
    data = format_tmx(list(units.values()), config.source.tag, tag, created)
    return MemoryExport(data, len(units), tuple(shares))


def reviewed_pairs(
    catalog: polib.POFile, shown: str, plural_forms: str
) -> Iterator[tuple[int, Pair]]:
    """The (source, target) pairs of the reviewed messages, each with its message's line."""
    for entry in catalog:
        if entry.obsolete or state_of(entry) != "reviewed":
            continue
        pairs = (
            plural_pairs(entry, plural_forms)
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        )
        for pair in pairs:
            for text in pair:
                _check_xml_text(text, shown, entry.linenum)
            yield entry.linenum, pair


def plural_pairs(entry: polib.POEntry, plural_forms: str) -> list[Pair]:
    """The pairs of a plural message: each form with the source forms of its numbers.

    >>> entry = polib.POEntry(msgid="%d issue", msgid_plural="%d issues")
    >>> entry.msgstr_plural = {0: "%d número", 1: "%d de números", 2: "%d números"}
    >>> spanish = "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"
    >>> plural_pairs(entry, spanish)
    [('%d issue', '%d número'), ('%d issues', '%d de números'), ('%d issues', '%d números')]
    """
    rule = _plural_rule(plural_forms)
    pairs: list[Pair] = []
    for index in sorted(entry.msgstr_plural):
        numbers = [n for n in _PLURAL_SAMPLES if rule(n) == index]
        if 1 in numbers:
            pairs.append((entry.msgid, entry.msgstr_plural[index]))
        if any(n != 1 for n in numbers):
            pairs.append((entry.msgid_plural, entry.msgstr_plural[index]))
    return pairs


def _plural_rule(plural_forms: str) -> Callable[[int], int]:
    """The function from a number to its plural form, from a ``Plural-Forms`` value."""
    return gettext.c2py(plural_forms.partition("plural=")[2].strip().rstrip(";"))


def _check_xml_text(text: str, shown: str, line: int) -> None:
    """Refuse a text with a character that XML 1.0 cannot carry."""
    bad = XML_INVALID.search(text)
    if bad:
        code = ord(bad.group())
        raise CatalogError(f"holds U+{code:04X}, a character TMX (XML) cannot carry", shown, line)


def format_tmx(
    units: Sequence[Unit], source: str, target: str, created: dt.datetime | None
) -> bytes:
    """The TMX 1.4 document of ``units`` from language ``source`` into ``target``."""
    header = {
        "creationtool": "lingopress",
        "creationtoolversion": __version__,
        "datatype": "plaintext",
        "segtype": "block",
        "adminlang": "en",
        "srclang": source,
        "o-tmf": "PO",
    }
    if created is not None:
        header["creationdate"] = created.strftime(TMX_DATE)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<tmx version="{TMX_VERSION}">',
        f"  <header{_attributes(header)}/>",
        "  <body>",
    ]
    for unit in units:
        date = {"creationdate": unit.date.strftime(TMX_DATE)} if unit.date else {}
        lines.append(f"    <tu{_attributes(date)}>")
        lines += [
            f'      <prop type="{CONTEXT_PROP}">{_text(name)}</prop>' for name in unit.contexts
        ]
        lines.append(f'      <tuv xml:lang="{source}"><seg>{_text(unit.source)}</seg></tuv>')
        lines.append(f'      <tuv xml:lang="{target}"><seg>{_text(unit.target)}</seg></tuv>')
        lines.append("    </tu>")
    lines += ["  </body>", "</tmx>", ""]
    return "\n".join(lines).encode("utf-8")


def _attributes(values: dict[str, str]) -> str:
    """XML attributes, each with a leading space."""
    return "".join(f" {name}={quoteattr(value)}" for name, value in values.items())


def _text(value: str) -> str:
    r"""Element text, escaped; ``\r`` as a reference, or parsers would turn it into ``\n``."""
    return escape(value, {"\r": "&#13;"})


def read_tmx(path: Path, shown: str | None = None) -> list[Pair]:
    """The (source, target) pairs of a TMX file: one per target ``tuv`` of each ``tu``.

    The source ``tuv`` is the one in the header's ``srclang`` (the first one where
    that is ``*all*``). Anything that is not well-formed TMX is a
    :class:`~lingopress.errors.TmxError` with ``shown`` (default: ``path``) and the line.
    """
    shown = shown or path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TmxError(f"cannot read: {error.strerror}", shown) from None
    root, lines = parse_xml(data, shown, TmxError)

    def fail(message: str, element: ET.Element) -> TmxError:
        return TmxError(message, shown, lines.get(element))

    if root.tag != "tmx":
        raise fail(f"not TMX: the root element is <{root.tag}>, not <tmx>", root)
    header, body = root.find("header"), root.find("body")
    if header is None or body is None:
        raise fail("not TMX: <tmx> needs a <header> and a <body>", root)
    source = header.get("srclang")
    if not source:
        raise fail("the <header> has no srclang attribute", header)
    pairs = []
    for unit in body:
        if unit.tag != "tu":
            raise fail(f"unexpected <{unit.tag}> in <body> (only <tu> may be there)", unit)
        variants = [_variant(tuv, fail) for tuv in unit.findall("tuv")]
        source_text, targets = _split_source(variants, source)
        if source_text is None:
            raise fail(f"the <tu> has no <tuv> in the source language '{source}'", unit)
        pairs += [(source_text, text) for text in targets]
    return pairs


def _variant(tuv: ET.Element, fail: Callable[[str, ET.Element], TmxError]) -> tuple[str, str]:
    """The language and the text of one ``tuv``."""
    language = tuv.get(XML_LANG)
    if not language:
        raise fail("the <tuv> has no xml:lang attribute", tuv)
    seg = tuv.find("seg")
    if seg is None:
        raise fail("the <tuv> has no <seg>", tuv)
    return language, "".join(seg.itertext())


def _split_source(variants: Sequence[tuple[str, str]], source: str) -> tuple[str | None, list[str]]:
    """The source text of a unit and its other texts."""
    for index, (language, text) in enumerate(variants):
        if source == "*all*" or language.casefold() == source.casefold():
            return text, [other for i, (_, other) in enumerate(variants) if i != index]
    return None, []
