"""Machine translation of segments and catalogs: masking, batching, verification.

A segment becomes *units* (its lines, where a hard break separates them; soft line
breaks become spaces), each unit is masked (:mod:`lingopress.masking`) and cut into
sentences (:mod:`lingopress.sentences`), and all sentences of a batch go to the engine
in one call. Each translated sentence must keep exactly the placeholders of its
source; if it does not, the engine's other hypotheses are tried, then the pieces
between placeholders are translated on their own and put back around them. A text
that still cannot be verified is left untranslated, with a comment saying why:
nothing that lost a URL, a code span or a link is ever written.

:func:`translate_catalogs` is the ``translate`` stage: for each language, the
untranslated entries of each catalog (and, on request, its machine-translated fuzzy
ones) are translated and written as fuzzy with ``# MT: <engine> <model>``; each
catalog is saved as soon as it is done, so an interrupted run keeps what it finished
and the next run only does the rest. A catalog with nothing to do costs no engine call.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polib

from lingopress.catalog import write_catalog
from lingopress.checks import CheckContext, catalog_names, errors
from lingopress.config import Config, LanguageSettings
from lingopress.engines import Engine, EngineOptions, choose_engine
from lingopress.errors import EngineError, LingopressError
from lingopress.glossary import Glossary, contains_rendering, read_glossary, rendering
from lingopress.masking import PLACEHOLDER, Masked, MaskError, mask, placeholders_only, unmask
from lingopress.merging import TM_COMMENT, is_translated
from lingopress.sentences import join_sentences, split_sentences
from lingopress.update import read_language_catalogs

MT_COMMENT = "MT: "
FAILED_COMMENT = "MT failed: "
ALTERNATIVES = 4
_HARD_BREAK = re.compile(r"(?: {2,}|\\)\n")


@dataclass
class _Unit:
    """One line of a segment, masked and cut into sentences."""

    masked: Masked
    sentences: list[str]
    forbidden: tuple[str, ...] = ()
    translations: list[str | None] = field(default_factory=list)


@dataclass
class _Text:
    """A segment being translated: its units and the separators between them."""

    units: list[_Unit]
    separators: list[str]


@dataclass(frozen=True)
class Outcome:
    """The machine translation of one text, or why there is none."""

    translation: str | None
    problem: str = ""


def machine_translate(
    texts: Sequence[str], engine: Engine, target: str, glossary: Glossary | None = None
) -> list[Outcome]:
    """Translate segment texts with one engine into the language ``target`` (BCP 47).

    With a glossary, a sentence's hypotheses that hold a forbidden rendering of one of
    its terms are passed over for the engine's other hypotheses (decoded with those
    renderings suppressed, where the engine can). A translation that still misses a
    term's target or uses a forbidden rendering is done again with the terms masked, so
    that they come back as their targets (masking every term at once would cost the
    engine its grammar).

    A translation is kept only if no error rule of :mod:`lingopress.checks` finds
    anything in it (a lost link, emphasis or code span, a broken glossary term): the
    text is left untranslated with the reason instead.
    """
    outcomes = _translate_texts(texts, engine, target, glossary, mask_glossary=False)
    if glossary is not None:
        _enforce_glossary(texts, outcomes, engine, target, glossary)
    context = CheckContext(target, glossary or Glossary([], target))
    for index, (text, outcome) in enumerate(zip(texts, outcomes, strict=True)):
        found = errors(text, outcome.translation, context) if outcome.translation else []
        if found:
            outcomes[index] = Outcome(None, "; ".join(found))
    return outcomes


def _enforce_glossary(
    texts: Sequence[str], outcomes: list[Outcome], engine: Engine, target: str, glossary: Glossary
) -> None:
    """Translate again, with their terms masked, the texts whose translation breaks the glossary."""
    redo = [
        index
        for index, (text, outcome) in enumerate(zip(texts, outcomes, strict=True))
        if outcome.translation is None or glossary.problems(text, outcome.translation)
    ]
    again = _translate_texts(
        [texts[index] for index in redo], engine, target, glossary, mask_glossary=True
    )
    for index, outcome in zip(redo, again, strict=True):
        outcomes[index] = outcome


def _translate_texts(
    texts: Sequence[str],
    engine: Engine,
    target: str,
    glossary: Glossary | None,
    *,
    mask_glossary: bool,
) -> list[Outcome]:
    """One batched translation of texts, with the glossary's terms masked on request."""
    if not texts:
        return []
    prepared = [_prepare(text, target, glossary, mask_glossary) for text in texts]
    units = [unit for text in prepared for unit in text.units]
    _translate_units(units, engine)
    return [_assemble(text, target) for text in prepared]


def _prepare(text: str, target: str, glossary: Glossary | None, mask_glossary: bool) -> _Text:
    """Cut a segment into masked units and sentences, noting the renderings to avoid."""
    parts = _HARD_BREAK.split(text)
    separators = _HARD_BREAK.findall(text)
    units = []
    for part in parts:
        masked = mask(" ".join(part.split("\n")))
        forbidden: tuple[str, ...] = ()
        if glossary is not None:
            found = glossary.find(masked.text)
            forbidden = tuple(dict.fromkeys(r for f in found for r in f.term.forbidden))
            if mask_glossary:
                masked = mask_terms(masked, glossary, target)
        units.append(_Unit(masked, split_sentences(masked.text), forbidden))
    return _Text(units, separators)


def mask_terms(masked: Masked, glossary: Glossary, target: str) -> Masked:
    """Mask the glossary terms of a masked text too; they come back as their targets.

    Each comes back in the form :func:`~lingopress.glossary.rendering` gives it: a
    verbatim term exactly as written in the source (``Transformers``).
    """
    spans = list(masked.spans)
    pieces = []
    position = 0
    for found in glossary.find(masked.text):
        written = masked.text[found.start : found.end]
        pieces += [masked.text[position : found.start], f"⟨{len(spans)}⟩"]
        spans.append(rendering(found.term, written, target))
        position = found.end
    pieces.append(masked.text[position:])
    return Masked("".join(pieces), tuple(spans))


def _translate_units(units: Sequence[_Unit], engine: Engine) -> None:
    """Translate every sentence; retry the ones that lost placeholders or broke the glossary.

    The retry asks for the engine's alternatives and takes the first that keeps the
    placeholders and avoids the forbidden renderings, else the first that keeps the
    placeholders (the glossary pass masks the terms of what is still wrong).
    """
    jobs = [(unit, index) for unit in units for index in range(len(unit.sentences))]
    for unit in units:
        unit.translations = [s if placeholders_only(s) else None for s in unit.sentences]
    pending = [(unit, index) for unit, index in jobs if unit.translations[index] is None]
    results = engine.translate([unit.sentences[index] for unit, index in pending])
    pending = _keep_valid(pending, [[result] for result in results], lenient=False)
    if pending:
        candidates = engine.alternatives(
            [unit.sentences[index] for unit, index in pending],
            ALTERNATIVES,
            [unit.forbidden for unit, _ in pending],
        )
        pending = _keep_valid(pending, candidates, lenient=True)
    if pending:
        _translate_between_placeholders(pending, engine)


def _keep_valid(
    pending: list[tuple[_Unit, int]], candidates: Sequence[Sequence[str]], *, lenient: bool
) -> list[tuple[_Unit, int]]:
    """Accept the first good candidate of each sentence; return the sentences left.

    Good means keeping the sentence's placeholders and holding no forbidden rendering;
    ``lenient`` accepts a forbidden rendering when no candidate avoids one.
    """
    still = []
    for (unit, index), options in zip(pending, candidates, strict=True):
        wanted = sorted(PLACEHOLDER.findall(unit.sentences[index]))
        valid = [text for text in options if sorted(PLACEHOLDER.findall(text)) == wanted]
        clean = [
            text for text in valid if not any(contains_rendering(text, r) for r in unit.forbidden)
        ]
        chosen = clean or (valid if lenient else [])
        if chosen:
            unit.translations[index] = chosen[0]
        else:
            still.append((unit, index))
    return still


def _translate_between_placeholders(pending: list[tuple[_Unit, int]], engine: Engine) -> None:
    """Translate the text between placeholders alone and rebuild around them."""
    pieces = [PLACEHOLDER.split(unit.sentences[index]) for unit, index in pending]
    texts = [p.strip() for split in pieces for p in split[::2] if not placeholders_only(p)]
    translated = iter(engine.translate(texts))
    for (unit, index), split in zip(pending, pieces, strict=True):
        numbers = split[1::2]
        rebuilt = []
        for position, piece in enumerate(split[::2]):
            text = piece if placeholders_only(piece) else next(translated)
            if PLACEHOLDER.search(text):
                break
            rebuilt.append(f" {text.strip()} " if piece.strip() else piece)
            if position < len(numbers):
                rebuilt.append(f"⟨{numbers[position]}⟩")
        else:
            unit.translations[index] = re.sub(r" {2,}", " ", "".join(rebuilt)).strip()


def _assemble(text: _Text, target: str) -> Outcome:
    """Join a text's translated sentences and units, restoring the masked spans."""
    lines = []
    for unit in text.units:
        if any(translation is None for translation in unit.translations):
            return Outcome(None, "the engine did not keep every link, URL or code span")
        joined = join_sentences([t for t in unit.translations if t is not None], target)
        try:
            lines.append(unmask(unit.masked, joined))
        except MaskError as error:
            return Outcome(None, str(error))
    result = lines[0]
    for separator, line in zip(text.separators, lines[1:], strict=True):
        result += separator + line
    return Outcome(result)


@dataclass
class LanguageReport:
    """What the translate stage did for one language."""

    tag: str
    engine: str = ""
    skipped: str = ""
    catalogs: int = 0
    segments: int = 0
    sentences: int = 0
    failed: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Sentences per second (0 when nothing was translated)."""
        return self.sentences / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[str, int], None]


def translate_catalogs(
    config: Config,
    languages: Sequence[LanguageSettings],
    *,
    issues: Sequence[str] = (),
    engine_choice: str | None = None,
    options: EngineOptions | None = None,
    retranslate_fuzzy: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[LanguageReport]:
    """The translate stage over the chosen languages (and issues, else all and the site).

    Every catalog and glossary of every chosen language is read and checked before the
    first catalog is written, so that a broken file stops the stage with nothing changed.
    """
    names = catalog_names(config, issues)
    inputs = [
        (
            settings,
            _read_catalogs(config, settings.tag, names),
            read_glossary(config.paths, settings.tag),
        )
        for settings in languages
    ]
    reports = []
    for settings, catalogs, glossary in inputs:
        report = LanguageReport(settings.tag)
        reports.append(report)
        work = {name: _pending(catalog, retranslate_fuzzy) for name, catalog in catalogs.items()}
        report.segments = sum(len(entries) for entries in work.values())
        if not report.segments:
            continue
        try:
            engine = choose_engine(
                engine_choice or settings.engine, config.source, settings.language, options
            )
        except EngineError as error:
            if engine_choice:
                raise
            report.skipped = error.message
            continue
        report.engine = f"{engine.name} {engine.model}"
        if dry_run:
            continue
        for name, entries in work.items():
            if entries:
                job = _Job(config, settings.tag, engine, glossary, report)
                job.translate(name, catalogs[name], entries)
                if progress is not None:
                    progress(settings.tag, len(entries))
    return reports


def _read_catalogs(config: Config, tag: str, names: Sequence[str]) -> dict[str, polib.POFile]:
    """The language's existing catalogs among ``names``; none at all is an error."""
    catalogs = read_language_catalogs(config, tag, names)
    if not catalogs:
        raise LingopressError(f"no catalogs for {tag}: run 'lingopress update' first")
    return catalogs


def _pending(catalog: polib.POFile, retranslate_fuzzy: bool) -> list[polib.POEntry]:
    """The entries to translate: untranslated ones (and machine-translated fuzzy ones)."""
    entries = []
    for entry in catalog:
        if entry.obsolete or entry.msgid_plural or not entry.msgid.strip():
            continue
        comment = entry.tcomment or ""
        machine = entry.fuzzy and MT_COMMENT in comment and not entry.previous_msgid
        # retried only on request, and never once a translator has filled it in
        failed = FAILED_COMMENT in comment and not is_translated(entry)
        if (not is_translated(entry) and not failed) or (retranslate_fuzzy and (machine or failed)):
            entries.append(entry)
    return entries


@dataclass
class _Job:
    """Translating the catalogs of one language with one engine and glossary."""

    config: Config
    tag: str
    engine: Engine
    glossary: Glossary
    report: LanguageReport

    def translate(self, name: str, catalog: polib.POFile, entries: list[polib.POEntry]) -> None:
        """Translate a catalog's pending entries in one batch and save it at once."""
        started = time.perf_counter()
        texts = [entry.msgid for entry in entries]
        outcomes = machine_translate(texts, self.engine, self.tag, self.glossary)
        self.report.seconds += time.perf_counter() - started
        self.report.sentences += sum(len(split_sentences(mask(text).text)) for text in texts)
        provenance = f"{MT_COMMENT}{self.engine.name} {self.engine.model}"
        for entry, outcome in zip(entries, outcomes, strict=True):
            comments = [
                line
                for line in (entry.tcomment or "").split("\n")
                if line and not line.startswith((MT_COMMENT, TM_COMMENT, FAILED_COMMENT))
            ]
            if outcome.translation is None:  # an earlier machine translation goes too
                self.report.failed += 1
                entry.msgstr = ""
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                entry.tcomment = "\n".join([*comments, f"{FAILED_COMMENT}{outcome.problem}"])
                continue
            entry.msgstr = outcome.translation
            entry.flags = ["fuzzy", *(flag for flag in entry.flags if flag != "fuzzy")]
            entry.tcomment = "\n".join([*comments, provenance])
        self.report.catalogs += 1
        write_catalog(self.config.paths.po(self.tag, name), catalog)
