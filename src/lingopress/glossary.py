"""Glossaries: the ML terms that translations must get right.

Two kinds of files (design.md section 9):

- ``locales/glossary.csv`` (``source,note``): terms kept verbatim in every language,
  such as ``PyTorch``, ``CNN`` or ``Hugging Face``;
- ``locales/<lang>/glossary.csv`` (``source,target,note,forbidden``): the required
  translation of a term in one language, and ``|``-separated renderings that must
  never appear (``Transformer`` → forbidden ``变形金刚|变压器``). A row of a language
  file wins over the verbatim row of the same term.

Matching is whole-word (a term may be followed by a hyphen, as in
``Transformer-based``), finds simple English plurals and possessives (``papers``,
``Transformer's``, ``studies``), prefers the longest term at a position
(``self-supervised learning`` over ``learning``) and follows one case rule: a term
written with a capital after its first letter (``ImageNet``, ``CNN``, ``Hugging Face``)
matches exactly; any other term (``paper``, ``Transformer``) ignores case. Terms are
looked for in masked text, so never inside URLs or code.

Every problem in a glossary file is a :class:`~lingopress.errors.GlossaryError` with
its line: a wrong header, a row with the wrong number of fields, an empty source or
target, a term given twice, a target that is also one of its forbidden renderings.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lingopress.config import Paths
from lingopress.errors import GlossaryError
from lingopress.languages import CJK_CHARACTER
from lingopress.masking import PLACEHOLDER, mask

VERBATIM_HEADER = ("source", "note")
_CJK = re.compile(CJK_CHARACTER)
LANGUAGE_HEADER = ("source", "target", "note", "forbidden")


@dataclass(frozen=True)
class Term:
    """One glossary term: its required rendering and the renderings it must never have."""

    source: str
    target: str
    note: str = ""
    forbidden: tuple[str, ...] = ()
    path: str = ""
    line: int = 0

    @property
    def exact_case(self) -> bool:
        """Whether the term matches only as written (a capital after its first letter)."""
        return any(char.isupper() for char in self.source[1:])

    @property
    def verbatim(self) -> bool:
        """Whether the term stays as it is in translations."""
        return self.target == self.source


@dataclass(frozen=True)
class Found:
    """A term found in a text: where, and as which glossary term."""

    term: Term
    start: int
    end: int


class Glossary:
    """The terms that apply to one target language, with a matcher over all of them."""

    def __init__(self, terms: Sequence[Term], tag: str = ""):
        self.terms = list(terms)
        self.tag = tag
        forms: dict[tuple[bool, str], Term] = {}
        for term in self.terms:
            for form in _forms(term.source):
                forms.setdefault(_key(form, term.exact_case), term)
        self._by_first_word: dict[str, list[tuple[str, bool, Term]]] = {}
        for (exact, form), term in forms.items():
            first = _WORD.search(form)
            key = first.group().casefold() if first else ""
            self._by_first_word.setdefault(key, []).append((form, exact, term))

    def find(self, text: str) -> list[Found]:
        """The terms of a text, longest first at each position, outside placeholders.

        Only the forms whose first word is in the text are looked for, each with its own
        whole-word pattern: one alternation of every form would try them all at every
        position of every text.
        """
        protected = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
        words = {word.casefold() for word in _WORD.findall(text)} | {""}
        found = []
        for word in words:
            for form, exact, term in self._by_first_word.get(word, ()):
                for match in _form_pattern(form, exact).finditer(text):
                    inside = any(s < match.end() and match.start() < e for s, e in protected)
                    if not inside:
                        found.append(Found(term, match.start(), match.end()))
        found.sort(key=lambda item: (item.start, -(item.end - item.start)))
        chosen: list[Found] = []
        for item in found:
            if not chosen or item.start >= chosen[-1].end:
                chosen.append(item)
        return chosen

    def problems(self, source: str, translation: str) -> list[str]:
        """What a translation does wrong with the terms of its source text.

        Terms are looked for in the source with its URLs and code masked; the target
        may appear inflected (:func:`has_target`).
        """
        problems = []
        for found in self.find(mask(source).text):
            term = found.term
            if not has_target(term.target, translation, self.tag):
                problems.append(f"'{term.source}' should be translated as '{term.target}'")
            for forbidden in term.forbidden:
                if contains_rendering(translation, forbidden):
                    problems.append(f"'{term.source}' must not be rendered as '{forbidden}'")
        return problems


_WORD = re.compile(r"[^\W_]+")
_ARABIC_PARTICLE = re.compile("^[وفبكل](?=...)")
"""A conjunction or preposition written onto an Arabic word (و ف ب ك ل)."""
_ARABIC_ARTICLE = re.compile("^(?:ال|ل(?=ل..))(?=..)")
"""The article ال (ل before a word starting with ل, as in للغة), not a whole word."""


def has_target(target: str, translation: str, tag: str = "") -> bool:
    """Whether a translation holds a term's target, as written or inflected.

    As written, anywhere: CJK targets and text without spaces between words need
    that. Inflected: the target's words in order, each as a word that starts with it
    less its last two letters (at least four kept): ``redes neuronales`` for ``red
    neuronal``, ``colapsar`` for ``colapso``. In Arabic, the article and the particles
    written onto a word do not count (``والتعلم العميق`` for ``تعلم عميق``).

    >>> has_target("red neuronal", "dos redes neuronales"), has_target("cabeza", "la jefa")
    (True, False)
    >>> has_target("CNN", "画像のCNNは"), has_target("تعلم عميق", "بالتعلم العميق", "ar")
    (True, True)
    """
    if target.casefold() in translation.casefold():
        return True
    if _CJK.search(target):
        return False
    arabic = tag.split("-")[0] == "ar"
    wanted = _WORD.findall(target.casefold())
    if arabic:
        wanted = [_ARABIC_ARTICLE.sub("", word) for word in wanted]
    stems = [word[: max(len(word) - 2, min(len(word), 4))] for word in wanted]
    words = [_bare_forms(word, arabic) for word in _WORD.findall(translation.casefold())]
    return any(
        all(
            any(form.startswith(stem) for form in forms)
            for stem, forms in zip(stems, words[start:], strict=False)
        )
        for start in range(len(words) - len(stems) + 1)
    )


def _bare_forms(word: str, arabic: bool) -> set[str]:
    """A word as written and, in Arabic, without the article and particles written onto it.

    >>> sorted(_bare_forms("وبالتعلم", True))
    ['التعلم', 'بالتعلم', 'تعلم', 'وبالتعلم']
    """
    forms = {word}
    if arabic:
        for particle in (0, 1, 2):
            stripped = word
            for _ in range(particle):
                stripped = _ARABIC_PARTICLE.sub("", stripped)
            forms |= {stripped, _ARABIC_ARTICLE.sub("", stripped)}
    return forms


def rendering(term: Term, written: str, tag: str) -> str:
    """How a term found as ``written`` is rendered in the language ``tag``.

    A verbatim term stays as written (``Transformers``). A target is capitalised where
    the source word was only by position (``Fine-tuning`` → ``Ajuste fino``) and, in a
    language with a plural rule here, made plural where the source was
    (``papers`` → ``artículos``).

    >>> paper = Term("paper", "artículo")
    >>> rendering(paper, "Papers", "es"), rendering(paper, "paper's", "es")
    ('Artículos', 'artículo')
    >>> rendering(Term("neural network", "red neuronal"), "neural networks", "es")
    'redes neuronales'
    >>> rendering(Term("paper", "论文"), "papers", "zh-Hans")
    '论文'
    """
    if term.verbatim:
        return written
    target = term.target
    plural = _PLURALS.get(tag.split("-")[0].lower())
    folded = written.casefold().replace("’", "'")
    if plural is not None and folded != term.source.casefold() and not folded.endswith("'s"):
        target = plural(target)
    if written[:1].isupper() and term.source[:1].islower() and target[:1].islower():
        target = target[:1].upper() + target[1:]
    return target


_SPANISH_LINKS = frozenset(
    [
        "a",
        "al",
        "con",
        "de",
        "del",
        "desde",
        "el",
        "en",
        "entre",
        "la",
        "las",
        "los",
        "para",
        "por",
        "sin",
        "sobre",
        "y",
    ]
)
_SPANISH_STRESSED = dict(zip("áéíóú", "aeiou", strict=True))


def spanish_plural(phrase: str) -> str:
    """The plural of a Spanish noun phrase: its words up to the first preposition.

    Acronyms and hyphenated words stay as they are.

    >>> spanish_plural("conjunto de datos"), spanish_plural("capa oculta")
    ('conjuntos de datos', 'capas ocultas')
    >>> spanish_plural("codificación posicional"), spanish_plural("caché KV")
    ('codificaciones posicionales', 'cachés KV')
    """
    words = phrase.split(" ")
    for index, word in enumerate(words):
        if word.casefold() in _SPANISH_LINKS:
            break
        if word.isalpha() and not word.isupper():
            words[index] = _spanish_plural_word(word)
    return " ".join(words)


def _spanish_plural_word(word: str) -> str:
    """The plural of one Spanish word (the regular rules; ``-s``/``-x`` words unchanged).

    >>> [_spanish_plural_word(w) for w in ("red", "luz", "análisis", "atención", "ley")]
    ['redes', 'luces', 'análisis', 'atenciones', 'leyes']
    """
    last = word[-1].lower()
    if last in "aeiouáéó":
        return f"{word}s"
    if last == "z":
        return f"{word[:-1]}ces"
    if last in "sx" and not (len(word) > 1 and word[-2] in _SPANISH_STRESSED):
        return word
    if len(word) > 1 and word[-2] in _SPANISH_STRESSED:  # atención → atenciones
        word = word[:-2] + _SPANISH_STRESSED[word[-2]] + word[-1]
    return f"{word}es"


_PLURALS = {"es": spanish_plural}
"""Plural rules for glossary targets, by primary language subtag."""


def contains_rendering(text: str, rendering: str) -> bool:
    """Whether a forbidden rendering is in a text: as a whole word, except in CJK text.

    >>> contains_rendering("el papel de los datos", "papel"), contains_rendering("papeleo", "papel")
    (True, False)
    >>> contains_rendering("一份关于变形金刚的报纸", "报纸")
    True
    """
    if _CJK.search(rendering):
        return rendering.casefold() in text.casefold()
    return _whole_word(rendering).search(text) is not None


@functools.cache
def _whole_word(rendering: str) -> re.Pattern[str]:
    """A rendering as a whole word, any case (compiled once: glossaries hold hundreds)."""
    return re.compile(rf"(?<!\w){re.escape(rendering)}(?!\w)", re.IGNORECASE)


def _forms(source: str) -> set[str]:
    """A term and its simple English plural and possessive forms.

    >>> sorted(_forms("study"))
    ['studies', 'study', "study's", 'studys', 'study’s']
    """
    forms = {source, f"{source}s", f"{source}'s", f"{source}’s"}
    if source.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(f"{source}es")
    if source.endswith("y") and len(source) > 1 and source[-2].lower() not in "aeiou":
        forms.add(f"{source[:-1]}ies")
    return forms


def _key(text: str, exact: bool) -> tuple[bool, str]:
    """How a matched text finds its term: as written, or case-folded."""
    return (exact, text if exact else text.casefold())


@functools.cache
def _form_pattern(form: str, exact: bool) -> re.Pattern[str]:
    """One term form as a whole word, as written or in any case."""
    return re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", 0 if exact else re.IGNORECASE)


def read_glossary(paths: Paths, tag: str) -> Glossary:
    """The glossary of one target language: the verbatim terms, then the language's."""
    terms = {
        term.source.casefold(): term for term in read_terms(paths.glossary, paths, verbatim=True)
    }
    for term in read_terms(paths.language_glossary(tag), paths, verbatim=False):
        terms[term.source.casefold()] = term
    return Glossary(list(terms.values()), tag)


def read_terms(path: Path, paths: Paths, *, verbatim: bool) -> list[Term]:
    """The checked rows of one glossary file (none if the file does not exist)."""
    if not path.is_file():
        return []
    shown = paths.relative(path).as_posix()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GlossaryError(f"not valid UTF-8 (byte {error.start})", shown, line) from None
    return parse_terms(text, shown, verbatim=verbatim)


def parse_terms(text: str, shown: str, *, verbatim: bool) -> list[Term]:
    """Parse and check glossary CSV text."""
    header = VERBATIM_HEADER if verbatim else LANGUAGE_HEADER
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    terms: list[Term] = []
    seen: dict[str, int] = {}
    line_end = 0
    try:
        for row in reader:
            line, line_end = line_end + 1, reader.line_num
            if line == 1:
                if tuple(cell.strip().lower() for cell in row) != header:
                    message = f"the first line must be the header {','.join(header)}"
                    raise GlossaryError(message, shown, 1)
            elif any(cell.strip() for cell in row):
                terms.append(_term(row, header, shown, line, seen))
    except csv.Error as error:
        raise GlossaryError(f"not valid CSV: {error}", shown, reader.line_num) from None
    if line_end == 0:
        raise GlossaryError(f"the first line must be the header {','.join(header)}", shown, 1)
    return terms


def _term(
    row: list[str], header: tuple[str, ...], shown: str, line: int, seen: dict[str, int]
) -> Term:
    """One checked row."""
    if len(row) != len(header):
        found = f"expected {len(header)} fields ({','.join(header)}), found {len(row)}"
        raise GlossaryError(found, shown, line)
    values = dict(zip(header, (cell.strip() for cell in row), strict=True))
    source = values["source"]
    target = values.get("target", source)
    if not source:
        raise GlossaryError("empty source term", shown, line)
    if not target:
        raise GlossaryError(f"'{source}' has no target", shown, line)
    if source.casefold() in seen:
        first = seen[source.casefold()]
        raise GlossaryError(f"'{source}' is already defined on line {first}", shown, line)
    seen[source.casefold()] = line
    forbidden = tuple(p.strip() for p in values.get("forbidden", "").split("|") if p.strip())
    if target.casefold() in (part.casefold() for part in forbidden):
        raise GlossaryError(f"'{source}': the target '{target}' is also forbidden", shown, line)
    return Term(source, target, values["note"], forbidden, shown, line)
