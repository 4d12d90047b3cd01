"""Glossary exchange with CAT tools, and new terms suggested from the issues.

Three jobs on top of :mod:`lingopress.glossary`:

- **Export** (design.md: "CSV (Weblate's layout), TBX (import v2/v3, export v2)").
  :func:`export_tbx` writes TBX v2 in the TBX-Basic structure: one ``termEntry`` per
  source term (verbatim terms first, then each language's own terms, in file order),
  a ``langSet`` in the source language and one per target language. A verbatim term
  has the same term in every language; a language's row gives its required rendering
  (``preferredTerm-admn-sts``), its note as ``note`` and each forbidden rendering as
  an extra ``tig`` with ``deprecatedTerm-admn-sts``; the note of a verbatim row is the
  source ``langSet``'s ``descrip type="definition"``. :func:`export_csv` writes one
  language in the header layout Weblate's CSV import reads, ``source,target,
  developer_comments`` (Weblate takes glossary *explanations* from TBX only, so the
  note travels as the developer comment; forbidden renderings travel only in TBX).
- **Import** (:func:`plan_import`, then :func:`write_import`): TBX v2 (``martif``,
  ``termEntry/langSet/tig`` or ``ntig``), TBX v3 (``tbx`` in the namespace
  ``urn:iso:std:iso:30042:ed-2``, ``conceptEntry/langSec/termSec``), our CSV layouts
  and Weblate's CSV (``source,target`` with optional comment columns). Terms are
  merged into the glossary files: existing rows win, nothing is added twice, every
  file is checked before the first is written. An entry goes to
  ``locales/glossary.csv`` when it has no target at all, or when every configured
  language has it and either one keeps the source term with nothing more to say (no
  note, no forbidden rendering) or all keep the source term; the languages that say
  more get rows of their own (what ``export_tbx`` writes comes back this way, file
  order aside). A verbatim row shadowed in every language comes back as those rows.
  ``deprecatedTerm-admn-sts`` and ``supersededTerm-admn-sts`` terms become
  forbidden renderings. XML is read by :mod:`lingopress.xmlsafe`, without DOCTYPE or
  entity declarations (refused before parsing: internal entities could expand without bound).
- **Suggest** (:func:`suggest_terms`): names with internal capitals (``FlashAttention``),
  acronyms (``GPT-4``, ``LoRA``), capitalised words and names not at a sentence start
  (``Whisper``, ``Stable Diffusion``) and lower-case phrases of two to four words seen
  at least twice (``masked autoencoders``), from the issues' segments with code, URLs
  and link destinations masked, minus the terms any glossary already matches.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lingopress.config import Config, Paths
from lingopress.errors import GlossaryError
from lingopress.fileio import write_atomic
from lingopress.glossary import (
    LANGUAGE_HEADER,
    VERBATIM_HEADER,
    Glossary,
    Term,
    parse_terms,
    read_terms,
)
from lingopress.issue import Issue
from lingopress.masking import PLACEHOLDER, mask
from lingopress.xmlsafe import XML_INVALID, XML_LANG
from lingopress.xmlsafe import parse_xml as parse_safe_xml

TBX3_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
PREFERRED = "preferredTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
WEBLATE_HEADER = ("source", "target", "developer_comments")

_STATUS_TYPES = ("administrativeStatus", "normativeAuthorization")
_FORBIDDEN_STATUS = ("deprecated", "superseded")
_NOTE_TAGS = ("descrip", "note")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CSV_ALIASES = {
    "original": "source",
    "untranslated": "source",
    "translated": "target",
    "translation": "target",
}
_CSV_NOTE_COLUMNS = (
    "explanation",
    "developer_comments",
    "developer comments",
    "translator_comments",
    "translator comments",
    "notes",
    "note",
)


# --- export -------------------------------------------------------------------------


@dataclass
class _Concept:
    """Everything the glossaries say about one source term, for export."""

    source: str
    verbatim: Term | None = None
    languages: dict[str, Term] = field(default_factory=dict)

    def rendering(self, tag: str) -> Term | None:
        """The term that applies in one language: its own row, else the verbatim row."""
        return self.languages.get(tag, self.verbatim)


def _concepts(config: Config, tags: Sequence[str]) -> list[_Concept]:
    """The terms of the glossaries, one concept per source term (case-insensitive)."""
    paths = config.paths
    concepts: dict[str, _Concept] = {}
    for term in read_terms(paths.glossary, paths, verbatim=True):
        concepts.setdefault(term.source.casefold(), _Concept(term.source)).verbatim = term
    for tag in tags:
        for term in read_terms(paths.language_glossary(tag), paths, verbatim=False):
            concept = concepts.setdefault(term.source.casefold(), _Concept(term.source))
            concept.languages[tag] = term
    return list(concepts.values())


def export_tbx(config: Config, tags: Sequence[str]) -> bytes:
    """The glossaries of the languages ``tags`` as a TBX v2 (TBX-Basic) document."""
    source = config.source.tag
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: source})
    root.append(_martif_header(config, tags))
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    entries = 0
    for concept in _concepts(config, tags):
        entry = _term_entry(concept, source, tags, entries + 1)
        if entry is not None:
            body.append(entry)
            entries += 1
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


def _martif_header(config: Config, tags: Sequence[str]) -> ET.Element:
    """The ``martifHeader``: title, where the terms come from, the TBX-Basic XCS."""
    header = ET.Element("martifHeader")
    description = ET.SubElement(header, "fileDesc")
    title = ET.SubElement(ET.SubElement(description, "titleStmt"), "title")
    title.text = f"{config.site.title}: glossary"
    origin = ET.SubElement(ET.SubElement(description, "sourceDesc"), "p")
    origin.text = (
        f"Exported by lingopress from the glossaries of {config.source.tag} → {', '.join(tags)}"
    )
    encoding = ET.SubElement(ET.SubElement(header, "encodingDesc"), "p", {"type": "XCSURI"})
    encoding.text = "TBXBasicXCSV02.xcs"
    return header


def _term_entry(
    concept: _Concept, source: str, tags: Sequence[str], number: int
) -> ET.Element | None:
    """One ``termEntry``: the source term and its rendering in each language that has one."""
    renderings = [(tag, concept.rendering(tag)) for tag in tags]
    present = [(tag, term) for tag, term in renderings if term is not None]
    if not present:
        return None
    entry = ET.Element("termEntry", {"id": f"term-{number}"})
    source_set = ET.SubElement(entry, "langSet", {XML_LANG: source})
    if concept.verbatim is not None and concept.verbatim.note:
        _text_element(source_set, "descrip", concept.verbatim.note, concept.verbatim, "definition")
    _tig(source_set, concept.source, PREFERRED, concept.verbatim or present[0][1])
    for tag, term in present:
        language_set = ET.SubElement(entry, "langSet", {XML_LANG: tag})
        tig = _tig(language_set, term.target, PREFERRED, term)
        if term is not concept.verbatim and term.note:
            _text_element(tig, "note", term.note, term)
        for rendering in term.forbidden:
            _tig(language_set, rendering, DEPRECATED, term)
    return entry


def _tig(parent: ET.Element, text: str, status: str, origin: Term) -> ET.Element:
    """A ``tig`` with its term and administrative status."""
    tig = ET.SubElement(parent, "tig")
    _text_element(tig, "term", text, origin)
    _text_element(tig, "termNote", status, origin, "administrativeStatus")
    return tig


def _text_element(
    parent: ET.Element, tag: str, text: str, origin: Term, kind: str | None = None
) -> None:
    """A child element holding text (with a ``type`` attribute if ``kind`` is given)."""
    if XML_INVALID.search(text):
        message = f"'{origin.source}' holds a control character that XML cannot carry"
        raise GlossaryError(message, origin.path or None, origin.line or None)
    element = ET.SubElement(parent, tag, {"type": kind} if kind else {})
    element.text = text


def export_csv(config: Config, tag: str) -> bytes:
    """One language's glossary (verbatim terms included) as Weblate reads CSV."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(WEBLATE_HEADER)
    for concept in _concepts(config, [tag]):
        term = concept.rendering(tag)
        if term is not None:
            writer.writerow([term.source, term.target, term.note])
    return stream.getvalue().encode("utf-8")


# --- reading exchange files ----------------------------------------------------------


@dataclass(frozen=True)
class Rendering:
    """What an imported entry gives for one target language."""

    target: str
    note: str = ""
    forbidden: tuple[str, ...] = ()

    def keeps(self, source: str) -> bool:
        """Whether this is the source term unchanged, with nothing more to say."""
        return self.target == source and not self.note and not self.forbidden


@dataclass
class Entry:
    """One imported term: its source, its note, and its rendering per configured language."""

    source: str
    line: int
    note: str = ""
    renderings: dict[str, Rendering] = field(default_factory=dict)
    foreign: bool = False  # it had renderings, but none in a configured language


@dataclass
class Exchange:
    """The entries of an exchange file, and what had to be left out."""

    entries: list[Entry]
    ignored: int = 0
    unknown_languages: set[str] = field(default_factory=set)


def read_exchange(path: Path, shown: str, config: Config, tags: Sequence[str]) -> Exchange:
    """Read a TBX or CSV file; ``tags`` are the languages chosen (a CSV file is in one).

    A TBX file gives renderings for every configured language; the caller keeps those
    it wants.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GlossaryError(f"cannot read: {error.strerror}", shown) from None
    if data.startswith(_UTF16_BOMS) or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        root, lines = parse_xml(data, shown)
        configured = [settings.tag for settings in config.languages]
        return _read_tbx(root, lines, shown, config.source.tag, configured)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GlossaryError(f"not valid UTF-8 (byte {error.start})", shown, line) from None
    return _read_csv(text, shown, config, tags)


def parse_xml(data: bytes, shown: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse a TBX file as :func:`lingopress.xmlsafe.parse_xml` does, raising GlossaryErrors."""
    return parse_safe_xml(data, shown, GlossaryError)


def _local(tag: str) -> str:
    """The local part of an ElementTree tag."""
    return tag.rpartition("}")[2]


def _namespace(tag: str) -> str:
    """The namespace of an ElementTree tag (empty if none)."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


# --- TBX ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dialect:
    """The element names of one TBX version."""

    entry: str
    language: str
    groups: tuple[str, ...]


_TBX2 = _Dialect("termEntry", "langSet", ("tig", "ntig"))
_TBX3 = _Dialect("conceptEntry", "langSec", ("termSec",))


@dataclass(frozen=True)
class _Word:
    """A term of a ``langSet``: its text, whether it is forbidden, its notes."""

    text: str
    forbidden: bool
    preferred: bool
    notes: tuple[str, ...]


class _TbxReader:
    """Turns a parsed TBX document into entries, with lines for every error."""

    def __init__(self, lines: dict[ET.Element, int], shown: str, source: str, tags: Sequence[str]):
        self.lines = lines
        self.shown = shown
        self.source = source
        self.tags = tags
        self.exchange = Exchange([])

    def error(self, message: str, element: ET.Element) -> GlossaryError:
        """An error about an element, at its line."""
        return GlossaryError(message, self.shown, self.lines.get(element))

    def read(self, root: ET.Element) -> Exchange:
        """Read every concept entry of the document's body."""
        dialect = self.dialect(root)
        text = _child(root, "text")
        body = _child(text, "body") if text is not None else None
        if body is None:
            raise self.error(f"<{_local(root.tag)}> has no text/body", root)
        for element in body:
            if _local(element.tag) == dialect.entry:
                self.entry(element, dialect)
        return self.exchange

    def dialect(self, root: ET.Element) -> _Dialect:
        """TBX v2 (``martif``) or v3 (``tbx`` in the ISO 30042 namespace)."""
        name, namespace = _local(root.tag), _namespace(root.tag)
        if name == "martif":
            return _TBX2
        if name == "tbx" and namespace in ("", TBX3_NAMESPACE):
            return _TBX3
        found = f"<{name}>" + (f" in the namespace {namespace}" if namespace else "")
        raise self.error(
            f"not TBX: the root element is {found}, expected <martif> (TBX v2) or <tbx> (TBX v3)",
            root,
        )

    def entry(self, element: ET.Element, dialect: _Dialect) -> None:
        """One concept: its source term, its note, its rendering per language."""
        entry: Entry | None = None
        renderings: dict[str, Rendering] = {}
        foreign = False
        for language_set in element:
            if _local(language_set.tag) != dialect.language:
                continue
            code = language_set.get(XML_LANG, "").strip()
            if not code:
                raise self.error(f"<{dialect.language}> without xml:lang", language_set)
            words = self.words(language_set, dialect)
            tag = match_language(code, self.tags)
            if _same_language(code, self.source) and not _exact(code, self.tags):
                notes = [*_notes(element), *_notes(language_set)]
                entry = entry or self.source_entry(language_set, words, notes)
                continue
            if tag is None:
                self.exchange.unknown_languages.add(code)
                foreign = True
            elif tag not in renderings:
                rendering = _rendering(words, _notes(language_set))
                if rendering is None:
                    self.exchange.ignored += 1
                else:
                    renderings[tag] = rendering
        if entry is None:
            self.exchange.ignored += 1
            return
        entry.renderings = renderings
        entry.foreign = foreign and not renderings
        self.exchange.entries.append(entry)

    def source_entry(self, element: ET.Element, words: list[_Word], notes: list[str]) -> Entry:
        """The entry named by the source-language ``langSet``."""
        chosen = _chosen(words)
        if chosen is None:
            raise self.error("no usable term in the source language", element)
        return Entry(chosen.text, self.lines.get(element, 0), _join([*notes, *chosen.notes]))

    def words(self, language_set: ET.Element, dialect: _Dialect) -> list[_Word]:
        """The terms of a ``langSet``, with their status and notes."""
        words = []
        for group in language_set:
            if _local(group.tag) not in dialect.groups:
                continue
            term = next((e for e in group.iter() if _local(e.tag) == "term"), None)
            text = _clean("".join(term.itertext())) if term is not None else ""
            if not text:
                raise self.error(f"<{_local(group.tag)}> without a term", group)
            status = _status(group)
            forbidden = status.startswith(_FORBIDDEN_STATUS)
            preferred = status.startswith("preferred")
            words.append(_Word(text, forbidden, preferred, tuple(_notes(group, deep=True))))
        return words


def _read_tbx(
    root: ET.Element, lines: dict[ET.Element, int], shown: str, source: str, tags: Sequence[str]
) -> Exchange:
    """The entries of a TBX v2 or v3 document."""
    return _TbxReader(lines, shown, source, tags).read(root)


def _child(element: ET.Element, name: str) -> ET.Element | None:
    """The first child with this local name."""
    return next((child for child in element if _local(child.tag) == name), None)


def _notes(element: ET.Element, deep: bool = False) -> list[str]:
    """The texts of the ``descrip`` and ``note`` elements of an element (in groups too)."""
    found = []
    for child in element.iter() if deep else element:
        if child is element:
            continue
        if _local(child.tag) == "descripGrp" and not deep:
            found += _notes(child)
        elif _local(child.tag) in _NOTE_TAGS:
            text = _clean("".join(child.itertext()))
            if text:
                found.append(text)
    return found


def _status(group: ET.Element) -> str:
    """The administrative status of a term group (``termNote`` or TBX v3 DCT element)."""
    for element in group.iter():
        name = _local(element.tag)
        if (name == "termNote" and element.get("type") in _STATUS_TYPES) or name in _STATUS_TYPES:
            return _clean("".join(element.itertext()))
    return ""


def _chosen(words: Sequence[_Word]) -> _Word | None:
    """The preferred term of a language, else its first term that is not forbidden."""
    allowed = [word for word in words if not word.forbidden]
    return next((w for w in allowed if w.preferred), allowed[0] if allowed else None)


def _rendering(words: Sequence[_Word], notes: Sequence[str]) -> Rendering | None:
    """A language's rendering: its chosen term, notes and forbidden terms."""
    chosen = _chosen(words)
    if chosen is None:
        return None
    forbidden = _unique(w.text for w in words if w.forbidden)
    return Rendering(chosen.text, _join([*notes, *chosen.notes]), forbidden)


def _same_language(code: str, tag: str) -> bool:
    """Whether a file's language code names this language (``en-US`` names ``en``).

    >>> _same_language("en-US", "en"), _same_language("EN", "en"), _same_language("es", "en")
    (True, True, False)
    """
    code = code.replace("_", "-").casefold()
    return code == tag.casefold() or code.split("-")[0] == tag.casefold()


def match_language(code: str, tags: Sequence[str]) -> str | None:
    """The configured language a file's code names: exact, else the only one of its family.

    >>> match_language("es-ES", ["zh-Hans", "es"]), match_language("zh_hans", ["zh-Hans"])
    ('es', 'zh-Hans')
    >>> match_language("fr", ["es"]) is None
    True
    """
    exact = _exact(code, tags)
    if exact is not None:
        return exact
    family = code.replace("_", "-").casefold().split("-")[0]
    found = [tag for tag in tags if tag.split("-")[0].casefold() == family]
    return found[0] if len(found) == 1 else None


def _exact(code: str, tags: Sequence[str]) -> str | None:
    """The configured tag a code spells (ignoring case and ``_`` for ``-``), if any."""
    normal = code.replace("_", "-").casefold()
    return next((tag for tag in tags if tag.casefold() == normal), None)


def _clean(text: str) -> str:
    """Whitespace runs folded to single spaces, ends stripped."""
    return " ".join(text.split())


def _join(notes: Iterable[str]) -> str:
    """Distinct notes joined into one."""
    return "; ".join(_unique(notes))


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    """Texts without repeats (case-insensitive), in order."""
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(text.casefold(), text)
    return tuple(seen.values())


# --- CSV ---------------------------------------------------------------------------------


def _read_csv(text: str, shown: str, config: Config, tags: Sequence[str]) -> Exchange:
    """A CSV file in one of our layouts or in Weblate's."""
    first = next(csv.reader(io.StringIO(text, newline="")), [])
    header = tuple(cell.strip().casefold() for cell in first)
    if header == VERBATIM_HEADER:
        terms = parse_terms(text, shown, verbatim=True)
        return Exchange([Entry(t.source, t.line, t.note) for t in terms])
    if header == LANGUAGE_HEADER:
        tag = _csv_language(shown, config, tags)
        terms = parse_terms(text, shown, verbatim=False)
        return Exchange([_language_entry(t, tag) for t in terms])
    columns = [_CSV_ALIASES.get(name, name) for name in header]
    if "source" in columns and "target" in columns:
        return _read_weblate(text, shown, columns, _csv_language(shown, config, tags))
    raise GlossaryError(
        "unknown CSV header: expected source,note (verbatim terms), "
        "source,target,note,forbidden, or Weblate's source,target[,developer_comments,...]",
        shown,
        1,
    )


def _csv_language(shown: str, config: Config, tags: Sequence[str]) -> str:
    """The one language a CSV file's targets are in: ``--lang``, or the only one configured."""
    if len(tags) == 1:
        return tags[0]
    known = ", ".join(settings.tag for settings in config.languages)
    raise GlossaryError(f"a CSV glossary holds one language: give --lang (one of {known})", shown)


def _language_entry(term: Term, tag: str) -> Entry:
    """An entry from a row of our per-language layout."""
    return Entry(
        term.source, term.line, "", {tag: Rendering(term.target, term.note, term.forbidden)}
    )


def _read_weblate(text: str, shown: str, columns: Sequence[str], tag: str) -> Exchange:
    """Rows of Weblate's CSV layout; rows without a target (untranslated) are left out."""
    exchange = Exchange([])
    for line, row in _csv_rows(text, shown):
        values = dict(zip(columns, (_clean(cell) for cell in row), strict=False))
        source, target = values.get("source", ""), values.get("target", "")
        if not source:
            raise GlossaryError("empty source term", shown, line)
        if not target:
            exchange.ignored += 1
            continue
        note = _join(values[name] for name in _CSV_NOTE_COLUMNS if values.get(name))
        exchange.entries.append(Entry(source, line, "", {tag: Rendering(target, note)}))
    return exchange


def _csv_rows(text: str, shown: str) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows after the header, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line_end = 0
    try:
        for row in reader:
            line, line_end = line_end + 1, reader.line_num
            if line > 1 and any(cell.strip() for cell in row):
                yield line, row
    except csv.Error as error:
        raise GlossaryError(f"not valid CSV: {error}", shown, reader.line_num) from None


# --- merging -------------------------------------------------------------------------


@dataclass
class FileUpdate:
    """What an import does to one glossary file."""

    path: Path
    verbatim: bool
    existing: list[Term]
    added: list[Term] = field(default_factory=list)
    skipped: int = 0
    _keys: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        """Index the terms the file has."""
        self._keys = {term.source.casefold() for term in self.existing}

    def has(self, source: str) -> bool:
        """Whether the file has (or gets) a row for this term."""
        return source.casefold() in self._keys

    def offer(self, term: Term) -> None:
        """Add a row unless the file already has the term (existing rows win)."""
        if self.has(term.source):
            self.skipped += 1
        else:
            self.added.append(term)
            self._keys.add(term.source.casefold())


@dataclass
class ImportPlan:
    """The glossary files an import changes, checked, and what it left out."""

    files: list[FileUpdate]
    ignored: int
    unknown_languages: set[str]


def plan_import(config: Config, path: Path, tags: Sequence[str], *, restricted: bool) -> ImportPlan:
    """Read an exchange file and merge it into the glossaries of ``tags`` (in memory).

    ``restricted`` (``--lang``) keeps same-term renderings in the language files
    rather than turning them into verbatim rows.
    """
    paths = config.paths
    shown = paths.relative(path).as_posix()
    exchange = read_exchange(path, shown, config, tags)
    verbatim = FileUpdate(paths.glossary, True, read_terms(paths.glossary, paths, verbatim=True))
    languages = {
        tag: FileUpdate(
            paths.language_glossary(tag),
            False,
            read_terms(paths.language_glossary(tag), paths, verbatim=False),
        )
        for tag in tags
    }
    everywhere = [settings.tag for settings in config.languages]
    for entry in exchange.entries:
        if not entry.foreign:
            _merge(entry, verbatim, languages, shown, everywhere if not restricted else None)
    files = [verbatim, *languages.values()]
    for update in files:
        _check(update, paths)
    return ImportPlan(files, exchange.ignored, exchange.unknown_languages)


def _merge(
    entry: Entry,
    verbatim: FileUpdate,
    languages: dict[str, FileUpdate],
    shown: str,
    everywhere: Sequence[str] | None,
) -> None:
    """Offer one entry's rows to the verbatim file and the language files."""
    renderings = entry.renderings
    same = everywhere is not None and all(tag in renderings for tag in everywhere)
    values = renderings.values()
    kept = same and (
        any(r.keeps(entry.source) for r in values) or all(r.target == entry.source for r in values)
    )
    if not renderings or kept:
        verbatim.offer(Term(entry.source, entry.source, entry.note, (), shown, entry.line))
    for tag, rendering in renderings.items():
        if tag not in languages:
            continue  # a configured language that --lang left out
        if rendering.keeps(entry.source) and verbatim.has(entry.source):
            continue  # the verbatim row says it already
        note = rendering.note or ("" if kept else entry.note)
        term = Term(entry.source, rendering.target, note, rendering.forbidden, shown, entry.line)
        _check_term(term)
        languages[tag].offer(term)


def _check_term(term: Term) -> None:
    """Refuse a row that the glossary format cannot hold or that contradicts itself."""
    for rendering in term.forbidden:
        if "|" in rendering:
            message = f"'{term.source}': the forbidden rendering '{rendering}' contains '|'"
            raise GlossaryError(message, term.path, term.line)
        if rendering.casefold() == term.target.casefold():
            message = f"'{term.source}': the target '{term.target}' is also forbidden"
            raise GlossaryError(message, term.path, term.line)


def _check(update: FileUpdate, paths: Paths) -> None:
    """Check the file an update would write, as ``glossary check`` reads it."""
    if update.added:
        shown = paths.relative(update.path).as_posix()
        parse_terms(_new_text(update), shown, verbatim=update.verbatim)


def _new_text(update: FileUpdate) -> str:
    """The file's text with the added rows at its end (created with its header if new)."""
    text = update.path.read_bytes().decode("utf-8-sig") if update.path.is_file() else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator=newline)
    if not text:
        writer.writerow(VERBATIM_HEADER if update.verbatim else LANGUAGE_HEADER)
    elif not text.endswith("\n"):
        stream.write(newline)
    for term in update.added:
        if update.verbatim:
            writer.writerow([term.source, term.note])
        else:
            writer.writerow([term.source, term.target, term.note, "|".join(term.forbidden)])
    return text + stream.getvalue()


def write_import(plan: ImportPlan) -> list[FileUpdate]:
    """Write the files that gain rows (atomically, keeping their bytes); return them."""
    changed = [update for update in plan.files if update.added]
    for update in changed:
        old = update.path.read_bytes() if update.path.is_file() else b""
        bom = b"\xef\xbb\xbf" if old.startswith(b"\xef\xbb\xbf") else b""
        write_atomic(update.path, bom + _new_text(update).encode("utf-8"))
    return changed


# --- suggestions ------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+(?:[-'’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"[.!?:;…]")
_GAP = "\x00"
_TITLE_KINDS = ("heading", "front_matter:title", "table_cell", "image_title")
_STOPWORD_LIST = """
    a about above after again against all also although always am an and another any are
    around as at back be because been before being below between both but by can could did
    do does doing done down during each either else even ever every few find finds for
    found from further get gets give gives got had has have having he her here hers him his
    how however i if in into is it its itself just keep keeps know least less let like look
    looks made make makes many matter matters may me might more most much must my need
    needs neither never no nor not now of off often on once one only or other our out over
    own per put quite rather read really said same say says see seem seems seen she should
    show shows since so some still such take takes than that the their them then there
    these they think this those though thought through thus to too took try two under
    until up upon us use used uses using very via want wants was we well went were what
    whatever when where whether which while who whom whose why will with within without
    work works would write yet you your
"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split())
_NOT_NAME_LIST = """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday i
"""
_NOT_NAMES = frozenset(_NOT_NAME_LIST.split())


@dataclass(frozen=True)
class Suggestion:
    """A candidate term: how often it occurs, and in which issues."""

    term: str
    occurrences: int
    issues: tuple[str, ...]


@dataclass(frozen=True)
class _Token:
    """A word of a segment: its text, whether it opens a sentence, its chunk."""

    text: str
    opens: bool
    chunk: int


@dataclass
class _Tally:
    """Candidates counted over the issues: occurrences, issues, which are phrases."""

    counts: Counter[str] = field(default_factory=Counter)
    where: dict[str, set[str]] = field(default_factory=dict)
    phrases: set[str] = field(default_factory=set)

    def add(self, candidate: str, slug: str, phrase: bool) -> None:
        """Count one occurrence."""
        self.counts[candidate] += 1
        self.where.setdefault(candidate, set()).add(slug)
        if phrase:
            self.phrases.add(candidate)


def suggest_terms(
    issues: Sequence[Issue], known: Glossary, limit: int | None = None
) -> list[Suggestion]:
    """Terms of the issues that no glossary has yet, most widespread first.

    A text repeated word for word (an issue's standing introduction) counts once.
    """
    tally = _Tally()
    seen: set[str] = set()
    for issue in issues:
        for segment in issue.segments:
            if segment.text not in seen:
                seen.add(segment.text)
                _count_segment(tally, segment.text, segment.kind, issue.slug)
    _fold_plurals(tally.counts, tally.where)
    candidates = [
        Suggestion(term, count, tuple(sorted(tally.where[term])))
        for term, count in tally.counts.items()
        if (term not in tally.phrases or count >= 2) and not _known(term, known)
    ]
    candidates = _drop_contained(candidates, tally.phrases)
    candidates.sort(key=lambda s: (-len(s.issues), -s.occurrences, s.term.casefold(), s.term))
    return candidates[:limit] if limit is not None else candidates


def _count_segment(tally: _Tally, text: str, kind: str, slug: str) -> None:
    """Count the names and phrases of one segment."""
    tokens = _tokens(mask(text).text)
    title = kind in _TITLE_KINDS or _title_case(tokens)
    for name in _names(tokens, title):
        tally.add(name, slug, phrase=False)
    for phrase in _phrases(tokens):
        tally.add(phrase, slug, phrase=True)


def _title_case(tokens: Sequence[_Token]) -> bool:
    """Whether every word but short stopwords is capitalised (a title, a contents line)."""
    words = [t.text for t in tokens if t.text[0].isalpha()]
    return bool(words) and all(_capitalised(word) or word in _STOPWORDS for word in words)


def _tokens(masked: str) -> list[_Token]:
    """The words of a masked segment, with sentence starts and chunks.

    A chunk is a run of words separated by spaces only: punctuation, markup,
    placeholders and a possessive ``'s`` end it. A sentence opens at the start and
    after ``.!?:;``.
    """
    text = PLACEHOLDER.sub(_GAP, masked)
    tokens = []
    position, chunk, opens = 0, 0, True
    for match in _TOKEN.finditer(text):
        gap = text[position : match.start()]
        if gap.strip():
            chunk += 1
            opens = opens or bool(_SENTENCE_END.search(gap))
        word = _POSSESSIVE.sub("", match.group())
        tokens.append(_Token(word, opens, chunk))
        chunk += word != match.group()
        position, opens = match.end(), False
    return tokens


def _name_like(word: str) -> bool:
    """An acronym or a name with internal capitals: ``GPT-4``, ``LoRA``, ``FlashAttention``."""
    return any(char.isupper() for char in word[1:]) and any(char.isalpha() for char in word)


def _capitalised(word: str) -> bool:
    """A word that starts with a capital letter or has capitals inside."""
    return word[0].isupper() or _name_like(word)


def _names(tokens: Sequence[_Token], title: bool) -> Iterator[str]:
    """Names: runs of capitalised words (in titles only acronyms and internal capitals)."""
    for run in _runs(tokens):
        if title or len(run) > 4:
            yield from (_name_part(t.text) for t in run if _name_like(t.text))
            continue
        while run and run[0].text.casefold() in _STOPWORDS:
            run = run[1:]
        if run and run[0].opens and _sentence_word(run):
            continue
        name = " ".join(_name_part(t.text) for t in run)
        plain = "'" not in name and "’" not in name and name.casefold() not in _NOT_NAMES
        if plain and any(c.isalpha() for c in name):
            yield name


def _name_part(word: str) -> str:
    """A capitalised word without a lower-case suffix: ``Transformer-based`` → ``Transformer``.

    >>> _name_part("Transformer-based"), _name_part("GPT-4"), _name_part("ViT-Huge")
    ('Transformer', 'GPT-4', 'ViT-Huge')
    """
    parts = word.split("-")
    for index, part in enumerate(parts[1:], 1):
        if part.isalpha() and part.islower():
            return "-".join(parts[:index])
    return word


def _sentence_word(run: Sequence[_Token]) -> bool:
    """Whether a run is one ordinary word capitalised because it opens a sentence."""
    return len(run) == 1 and not _name_like(run[0].text)


def _runs(tokens: Sequence[_Token]) -> Iterator[list[_Token]]:
    """Maximal runs of capitalised words in one chunk (numbers may continue a run)."""
    run: list[_Token] = []
    for token in tokens:
        joins = bool(run) and token.chunk == run[-1].chunk
        if _capitalised(token.text) or (joins and token.text[0].isdigit()):
            if not joins:
                yield from ([run] if run else [])
                run = []
            run.append(token)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _phrases(tokens: Sequence[_Token]) -> Iterator[str]:
    """Lower-case phrases of two to four words in one chunk.

    No stopword at either end and none inside but ``of`` (``mixture of experts``); no
    adverb in ``-ly`` at either end.
    """
    for start in range(len(tokens)):
        for size in (2, 3, 4):
            words = tokens[start : start + size]
            if len(words) < size or words[0].chunk != words[-1].chunk:
                break
            texts = [t.text for t in words]
            if not all(_plain(text) for text in texts):
                break
            if any(text in _STOPWORDS and text != "of" for text in texts[1:-1]):
                break
            if not any(_weak(text) for text in (texts[0], texts[-1])):
                yield " ".join(texts)


def _weak(word: str) -> bool:
    """A word that cannot open or close a term: a stopword or an adverb."""
    return word in _STOPWORDS or word.endswith("ly")


def _plain(word: str) -> bool:
    """A lower-case word (hyphens allowed) that may be part of a phrase."""
    return word == word.lower() and any(c.isalpha() for c in word) and "'" not in word


def _fold_plurals(counts: Counter[str], where: dict[str, set[str]]) -> None:
    """Count ``Xs`` as ``X`` where both were found."""
    for term in list(counts):
        singular = term[:-1]
        if term.endswith("s") and singular in counts:
            counts[singular] += counts.pop(term)
            where[singular] |= where.pop(term)


def _known(term: str, known: Glossary) -> bool:
    """Whether a glossary term matches the whole candidate."""
    return any(f.start == 0 and f.end == len(term) for f in known.find(term))


def _drop_contained(candidates: list[Suggestion], phrases: set[str]) -> list[Suggestion]:
    """Drop a phrase that only ever occurs inside a longer candidate phrase."""
    inside: dict[str, set[int]] = {}
    for suggestion in candidates:
        if suggestion.term in phrases:
            words = suggestion.term.split()
            for size in range(2, len(words)):
                for start in range(len(words) - size + 1):
                    part = " ".join(words[start : start + size])
                    inside.setdefault(part, set()).add(suggestion.occurrences)
    return [
        s
        for s in candidates
        if s.term not in phrases or s.occurrences not in inside.get(s.term, set())
    ]


def all_terms(config: Config) -> Glossary:
    """A matcher over every glossary of the project: verbatim and every language's."""
    paths = config.paths
    terms = read_terms(paths.glossary, paths, verbatim=True)
    for settings in config.languages:
        terms += read_terms(paths.language_glossary(settings.tag), paths, verbatim=False)
    return Glossary(terms)
