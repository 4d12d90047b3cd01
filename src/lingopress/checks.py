"""Quality checks: one small function per rule, run on the translations of a catalog.

Every rule compares one source text with its translation and returns what is wrong,
as messages; :data:`RULES` gives each its id and severity. :func:`check_entry` runs
them on one catalog entry (what a review page shows next to it), :func:`check_catalog`
on one catalog with the line of each entry's ``msgid``, :func:`check_project` on the
catalogs of the chosen languages and issues (``lingopress check``).

Checked entries are the active ones with a translation, reviewed or fuzzy. An empty
``msgstr`` is indistinguishable from "untranslated" in a ``.po`` file, so the ``empty``
rule can only see a translation made of whitespace and a plural message with some
forms filled and others empty; a blank translation is reported by ``empty`` alone.

A translator silences rules on one entry with a translator comment, which Poedit,
Weblate and ``msgmerge`` keep::

    # lingopress: ignore glossary, punctuation
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polib

from lingopress.catalog import read_catalog
from lingopress.config import Config
from lingopress.errors import LingopressError, SegmentError
from lingopress.extraction import SITE_TEMPLATE, template_paths
from lingopress.glossary import Glossary, read_glossary
from lingopress.languages import CJK_CHARACTER, Language
from lingopress.markdown import parse_inline
from lingopress.masking import PLACEHOLDER, Masked, mask, protected_spans

REPORT_FORMAT = "lingopress-check/1"
ERROR = "error"
WARNING = "warning"
IGNORE_COMMENT = re.compile(r"^\s*lingopress:\s*ignore\b(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class CheckContext:
    """What the rules know about the target language: its tag and its glossary."""

    tag: str
    glossary: Glossary = field(default_factory=lambda: Glossary([]))

    @property
    def base(self) -> str:
        """The language subtag (``zh`` for ``zh-Hans``)."""
        return self.tag.split("-")[0].lower()


CheckFunction = Callable[[str, str, CheckContext], list[str]]


# --- placeholders and protected spans ------------------------------------------------

_FORMAT_PLACEHOLDER = re.compile(
    r"%\([A-Za-z_]\w*\)[sdifr]|%[sd](?![A-Za-z])|\{[A-Za-z_]\w*\}|\{\d*\}|⟨\d+⟩"
)


def _differences(what: str, source: Iterable[str], translation: Iterable[str]) -> list[str]:
    """Messages for the items missing from a translation and those it added."""
    wanted, found = Counter(source), Counter(translation)
    prefix = f"{what} " if what else ""
    missing = [f"{prefix}{item} missing" for item in (wanted - found).elements()]
    added = [f"{prefix}{item} not in the source" for item in (found - wanted).elements()]
    return missing + added


def check_placeholders(source: str, translation: str, context: CheckContext) -> list[str]:
    """Format placeholders (``%(name)s``, ``%s``, ``{name}``) and ``⟨N⟩`` kept exactly.

    >>> check_placeholders("By %(author)s", "Por %(autor)s", CheckContext("es"))
    ['placeholder %(author)s missing', 'placeholder %(autor)s not in the source']
    """
    return _differences(
        "placeholder",
        _FORMAT_PLACEHOLDER.findall(source),
        _FORMAT_PLACEHOLDER.findall(translation),
    )


_KEPT_SPANS = ("code", "html", "entity")
_SPAN_NAMES = {"code": "code span", "html": "inline HTML", "entity": "entity"}


def _kept_spans(text: str) -> list[str]:
    """The code spans, inline HTML and entities of a text, labelled."""
    return [
        f"{_SPAN_NAMES[kind]} {span}" for kind, span in protected_spans(text) if kind in _KEPT_SPANS
    ]


def check_spans(source: str, translation: str, context: CheckContext) -> list[str]:
    """Code spans, inline HTML and entities kept verbatim (an entity may become its character).

    >>> check_spans("Run `pip install`.", "Ejecute `instalar pip`.", CheckContext("es"))
    ['code span `pip install` missing', 'code span `instalar pip` not in the source']
    >>> check_spans("R&amp;D", "I+D & R&D", CheckContext("es"))
    []
    """
    wanted, found = _kept_spans(source), _kept_spans(translation)
    for item in list(wanted):
        entity = item.removeprefix("entity ")
        if entity != item and item not in found and html.unescape(entity) in translation:
            wanted.remove(item)
    return _differences("", wanted, found)


# --- links, URLs, images, footnotes -------------------------------------------------

_EMPHASIS = {"em_open": "emphasis", "strong_open": "strong emphasis", "s_open": "strikethrough"}
_REFERENCE = re.compile(r"\]\[([^\]\s][^\]]*)\]")


@dataclass(frozen=True)
class _Inline:
    """What the inline parser finds in a text: destinations, counts, leftover delimiters."""

    destinations: frozenset[str]
    counts: Counter[str]
    leftovers: Counter[str]
    emphasis: Counter[str]


@functools.lru_cache(maxsize=1024)
def _inline(text: str) -> _Inline:
    """Parse a segment's inline Markdown (full reference links resolve to their label).

    Escaped characters count as literal ones, like delimiters the parser left unpaired.
    """
    references = {
        label.strip().lower().upper(): {"href": f"[{label}]", "title": ""}
        for label in _REFERENCE.findall(text)
    }
    try:
        tokens = parse_inline(text, {"references": references})
    except SegmentError:
        tokens = []
    destinations = {url for kind, url in protected_spans(text) if kind == "url"}
    counts: Counter[str] = Counter()
    leftovers: Counter[str] = Counter()
    emphasis = Counter(_EMPHASIS[token.type] for token in tokens if token.type in _EMPHASIS)
    for token in tokens:
        if token.type == "link_open":
            destinations.add(str(token.attrs["href"]))
            counts["link"] += token.markup != "autolink"
        elif token.type == "image":
            destinations.add(str(token.attrs["src"]))
            counts["image"] += 1
        elif token.type == "text":
            leftovers.update(char for char in token.content if char in "*_`~[]")
    counts.update(f"footnote {span}" for kind, span in protected_spans(text) if kind == "footnote")
    return _Inline(frozenset(destinations), +counts, leftovers, emphasis)


@functools.lru_cache(maxsize=1024)
def _masked(text: str) -> Masked:
    """:func:`~lingopress.masking.mask` of a text, once: several rules read the same text.

    ``Masked`` is immutable, so the rules can share it.
    """
    return mask(text)


def check_urls(source: str, translation: str, context: CheckContext) -> list[str]:
    """The same URLs and link destinations (bare URLs, autolinks, links, images).

    >>> check_urls("[Paper](https://arxiv.org/abs/1)", "[Artículo](https://arxiv.org/abs/2)",
    ...            CheckContext("es"))
    ['URL https://arxiv.org/abs/1 missing', 'URL https://arxiv.org/abs/2 not in the source']
    """
    wanted, found = _inline(source).destinations, _inline(translation).destinations
    return _differences("URL", sorted(wanted - found), sorted(found - wanted))


_COUNTED = {"link": "links", "image": "images"}


def check_links(source: str, translation: str, context: CheckContext) -> list[str]:
    """As many links and images, and the same footnote references (``[^1]``).

    >>> check_links("[a](u) and [b](u)", "[a y b](u)", CheckContext("es"))
    ['links: 2 in the source, 1 in the translation']
    """
    wanted, found = _inline(source).counts, _inline(translation).counts
    return [
        f"{_COUNTED.get(kind, kind)}: {wanted[kind]} in the source, "
        f"{found[kind]} in the translation"
        for kind in sorted(wanted.keys() | found.keys())
        if wanted[kind] != found[kind]
    ]


# --- Markdown -------------------------------------------------------------------------


def check_markdown(source: str, translation: str, context: CheckContext) -> list[str]:
    """Inline Markdown balanced, with as many emphasis, strong and strikethrough spans.

    A delimiter the parser could not pair stays as a literal character; the translation
    may not have more of those than the source.

    >>> check_markdown("A **bold** move", "Un **movimiento audaz", CheckContext("es"))
    ["unbalanced '*': 2 unpaired in the translation, 0 in the source"]
    """
    wanted, found = _inline(source), _inline(translation)
    unbalanced = [
        f"unbalanced '{char}': {found.leftovers[char]} unpaired in the translation, "
        f"{wanted.leftovers[char]} in the source"
        for char in "*_`~[]"
        if found.leftovers[char] > wanted.leftovers[char]
    ]
    if unbalanced:
        return unbalanced
    return [
        f"{kind}: {wanted.emphasis[kind]} in the source, {found.emphasis[kind]} in the translation"
        for kind in _EMPHASIS.values()
        if wanted.emphasis[kind] != found.emphasis[kind]
    ]


_BLOCK_STARTS = (
    ("a heading", re.compile(r"#{1,6}(?:[ \t]|$)")),
    ("a list item", re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")),
    ("a block quote", re.compile(r">")),
    ("a code fence", re.compile(r"```|~~~")),
    ("a thematic break", re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")),
    ("a setext underline", re.compile(r"=+[ \t]*$")),
)


def _block_starts(text: str) -> set[str]:
    """The kinds of block syntax that lines of a text start with."""
    found = set()
    for line in text.split("\n"):
        stripped = line.lstrip(" \t")
        found |= {name for name, pattern in _BLOCK_STARTS if pattern.match(stripped)}
    return found


def check_block_syntax(source: str, translation: str, context: CheckContext) -> list[str]:
    """No line that starts a block (heading, list, quote, fence) where the source has none.

    >>> check_block_syntax("Hashtags are fun", "# Hashtags son divertidos", CheckContext("es"))
    ['a line starts a heading (# ...), the source has none']
    """
    starts = _block_starts(translation) - _block_starts(source)
    marks = {"a heading": "# ...", "a list item": "- ... or 1. ...", "a block quote": "> ..."}
    return [
        f"a line starts {name} ({marks.get(name, 'Markdown block syntax')}), the source has none"
        for name, _ in _BLOCK_STARTS
        if name in starts
    ]


# --- numbers ------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<!\d)\d+(?:(?:[.,'\u066b\u066c]\d+)|(?:[ \u00a0\u202f\u2009]\d{3}(?!\d)))*"
)
_SCALE = re.compile(  # what makes "65 billion" "650億" and "7B" "7 mil millones"
    r"[\s-]*(?:(?:thousand|million|billion|trillion|mil|mill[oó]n|millones|bill[oó]n|billones"
    r"|milliard|Mrd|Mio)\b|[kKMBT](?![A-Za-z])|[千万萬亿億兆]|ألف|آلاف|مليون|ملايين|مليار)"
)


def _numbers(text: str) -> list[str]:
    """The numbers of a text outside code and URLs, as their digits.

    Digits of every script (full-width, Arabic-Indic) count as ASCII ones, and the
    grouping and decimal separators are dropped, so ``1,000``, ``1.000`` and ``1 000``
    are all ``1000`` (and ``3.5`` is ``35``). Before a scale word (``billion``, ``B``,
    ``億``, ``millones``) trailing zeros go too, as languages group large numbers
    differently: ``65 billion`` is ``650億``.

    >>> _numbers("1,000 vs 1.000 vs 1 000; 65 billion, 650億; see `v2` at https://x.org/3")
    ['1000', '1000', '1000', '65', '65']
    """
    visible = PLACEHOLDER.sub(" ", _masked(text).text)
    numbers = []
    for match in _NUMBER.finditer(visible):
        digits = "".join(
            str(unicodedata.decimal(char)) for char in match.group() if char.isdecimal()
        )
        scaled = _SCALE.match(visible, match.end())
        numbers.append(digits.rstrip("0") or "0" if scaled else digits)
    return numbers


def check_numbers(source: str, translation: str, context: CheckContext) -> list[str]:
    """The numbers of the source in the translation, whatever their digits and separators.

    Only missing numbers count: a translation often writes in digits what the source
    spells out ("two views", 2つのビュー).

    >>> check_numbers("Trained on 1,024 GPUs in 2024", "Entrenado en 1.024 GPU en 2023",
    ...               CheckContext("es"))
    ['number 2024 missing']
    """
    missing = Counter(_numbers(source)) - Counter(_numbers(translation))
    return [f"number {number} missing" for number in missing.elements()]


# --- whitespace and punctuation -----------------------------------------------------


def _edges(text: str) -> tuple[str, str]:
    """The leading and the trailing whitespace of a text."""
    stripped = text.strip()
    if not stripped:
        return text, ""
    start = text.index(stripped)
    return text[:start], text[start + len(stripped) :]


def check_whitespace(source: str, translation: str, context: CheckContext) -> list[str]:
    r"""The same leading and trailing whitespace (spaces, tabs, newlines).

    >>> check_whitespace("Hello\n", "Hola", CheckContext("es"))
    ["trailing whitespace: '\\n' in the source, '' in the translation"]
    """
    messages = []
    for name, wanted, found in zip(
        ("leading", "trailing"), _edges(source), _edges(translation), strict=True
    ):
        if wanted != found:
            messages.append(
                f"{name} whitespace: {wanted!r} in the source, {found!r} in the translation"
            )
    return messages


_END_CLASSES = {
    "full stop": ".\N{IDEOGRAPHIC FULL STOP}\N{FULLWIDTH FULL STOP}\N{ARABIC FULL STOP}",
    "question mark": "?\N{FULLWIDTH QUESTION MARK}\N{ARABIC QUESTION MARK}",
    "exclamation mark": "!\N{FULLWIDTH EXCLAMATION MARK}",
    "colon": ":\N{FULLWIDTH COLON}",
    "semicolon": ";\N{FULLWIDTH SEMICOLON}\N{ARABIC SEMICOLON}",
    "comma": ",\N{FULLWIDTH COMMA}\N{IDEOGRAPHIC COMMA}\N{ARABIC COMMA}",
    "ellipsis": "\N{HORIZONTAL ELLIPSIS}",
}
"""End punctuation by class, in every script the rules know."""

_DEFAULT_ENDS = {
    **{name: chars[0] for name, chars in _END_CLASSES.items()},
    "ellipsis": "\N{HORIZONTAL ELLIPSIS}...",
}
_CJK_ENDS = {
    "full stop": "\N{IDEOGRAPHIC FULL STOP}\N{FULLWIDTH FULL STOP}",
    "question mark": "\N{FULLWIDTH QUESTION MARK}?",
    "exclamation mark": "\N{FULLWIDTH EXCLAMATION MARK}!",
    "colon": "\N{FULLWIDTH COLON}:",
    "semicolon": "\N{FULLWIDTH SEMICOLON};",
    "comma": "\N{FULLWIDTH COMMA}\N{IDEOGRAPHIC COMMA},",
    "ellipsis": "\N{HORIZONTAL ELLIPSIS}...",
}
_ARABIC_ENDS = {
    "question mark": "\N{ARABIC QUESTION MARK}",
    "semicolon": "\N{ARABIC SEMICOLON};",
    "comma": "\N{ARABIC COMMA},",
}
_LANGUAGE_ENDS: dict[str, dict[str, str]] = {
    "zh": _CJK_ENDS,
    "ja": _CJK_ENDS,
    "ar": _ARABIC_ENDS,
    "fa": _ARABIC_ENDS,
    "ur": _ARABIC_ENDS | {"full stop": "\N{ARABIC FULL STOP}."},
}
"""What each class may be written as in a language, where it differs from English."""

_CLOSERS = "\"')]}*_~`\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}\N{RIGHT DOUBLE QUOTATION MARK}"
_CLOSERS += "\N{RIGHT SINGLE QUOTATION MARK}\N{RIGHT CORNER BRACKET}\N{RIGHT WHITE CORNER BRACKET}"
_CLOSERS += "\N{FULLWIDTH RIGHT PARENTHESIS}\N{RIGHT BLACK LENTICULAR BRACKET}"
_CLOSERS += "\N{MATHEMATICAL RIGHT WHITE SQUARE BRACKET} "  # the frame of pseudo-translations


def _visible(text: str) -> str:
    """A text as its end punctuation is read.

    Link markup and footnote references go, escapes and entities become their
    characters, other protected spans (code, URLs, inline HTML) a private-use letter.

    >>> _visible("[Read it](https://x.org). See `f()`")
    'Read it. See \ue000'
    """
    masked = _masked(text)

    def shown(match: re.Match[str]) -> str:
        index = int(match.group(1))
        span = masked.spans[index] if index < len(masked.spans) else match.group()
        if span.startswith(("[", "]", "!")):
            return ""
        if span.startswith("\\"):
            return span[1:]
        return html.unescape(span) if span.startswith("&") else "\ue000"

    return PLACEHOLDER.sub(shown, masked.text)


def _end(text: str) -> tuple[str, str]:
    """The end punctuation of a text, as (class, characters); ('', '') for none.

    Closing quotes, brackets, emphasis and link destinations are looked through; a
    text that ends with code or a URL ends with no punctuation.

    >>> _end("See [the paper](https://arxiv.org/abs/1).")
    ('full stop', '.')
    >>> _end('He said "why?"')
    ('question mark', '?')
    >>> _end("Published at: <https://x.org>")
    ('', '')
    """
    visible = _visible(text).rstrip().rstrip(_CLOSERS).rstrip()
    if visible.endswith("..."):
        return "ellipsis", "..."
    last = visible[-1:]
    for name, chars in _END_CLASSES.items():
        if last and last in chars:
            return name, last
    return "", ""


_ABBREVIATION_END = re.compile(r"(?<!\w)(?:[^\W\d_]{1,3}\.){2,}$")


def _abbreviated(text: str) -> bool:
    """Whether a text ends with an abbreviation such as ``U.S.`` or ``EE.UU.``.

    Its final full stop may end the sentence or only the abbreviation.

    >>> _abbreviated("**Ilegal en los EE.UU.**"), _abbreviated("It works.")
    (True, False)
    """
    return bool(_ABBREVIATION_END.search(_visible(text).rstrip().rstrip(_CLOSERS)))


def _shown(mark: str) -> str:
    """A punctuation mark in a message."""
    return f"'{mark}'" if mark else "no punctuation"


def check_punctuation(source: str, translation: str, context: CheckContext) -> list[str]:
    """End punctuation consistent with the source, in the target language's own marks.

    Chinese and Japanese end with ``。`` (``？``, ``！``), Arabic asks with ``؟``.

    >>> check_punctuation("It works.", "Funciona", CheckContext("es"))
    ["the source ends with '.', the translation with no punctuation"]
    >>> check_punctuation("Why?", "لماذا?", CheckContext("ar"))
    ["the source ends with '?', the translation with '?' (expected '؟')"]
    >>> check_punctuation("Why?", "لماذا؟", CheckContext("ar"))
    []
    """
    wanted, mark = _end(source)
    found, used = _end(translation)
    if {wanted, found} == {"full stop", ""} and _abbreviated(source if wanted else translation):
        return []  # the full stop of "U.S." may end the sentence or only the abbreviation
    if wanted != found:
        return [f"the source ends with {_shown(mark)}, the translation with {_shown(used)}"]
    allowed = _LANGUAGE_ENDS.get(context.base, {}).get(wanted) or _DEFAULT_ENDS.get(wanted, "")
    if not wanted or used in allowed:
        return []
    expected = " or ".join(_shown(char) for char in allowed.replace("...", ""))
    return [f"the source ends with '{mark}', the translation with '{used}' (expected {expected})"]


# --- identical translations, repeated words -----------------------------------------

_LETTER = re.compile(r"[^\W\d_]")
_CJK = re.compile(CJK_CHARACTER)


_DOMAIN = re.compile(r"(?<![\w@.])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/\S*)?(?![\w.])")
_QUANTITY = re.compile(r"(?<!\w)\d+(?:[.,]\d+)*[A-Za-z]{0,2}(?!\w)")


def _untranslatable(text: str, glossary: Glossary) -> str:
    """What is left to translate in a text: its words in need of translation.

    Code, URLs and domain names, quantities (``175B``, ``1.4T``), placeholders and
    the glossary terms kept verbatim go.

    >>> _untranslatable("huggingface.co](https://huggingface.co/blog/lora) has 70B", Glossary([]))
    '   has  '
    """
    masked = _masked(text).text
    for found in reversed(glossary.find(masked)):
        if found.term.verbatim:
            masked = masked[: found.start] + " " + masked[found.end :]
    return _QUANTITY.sub(" ", _DOMAIN.sub(" ", PLACEHOLDER.sub(" ", masked)))


def check_identical(source: str, translation: str, context: CheckContext) -> list[str]:
    """A translation identical to its source, unless nothing in it is translatable.

    Text made only of verbatim glossary terms, URLs and domain names, code, numbers
    (``70B``) and punctuation may stay as it is; text without letters is not checked.

    >>> check_identical("Deep learning", "Deep learning", CheckContext("es"))
    ['the translation is identical to the source']
    >>> check_identical("`torch.compile` (https://pytorch.org)", "`torch.compile` (https://pytorch.org)",
    ...                 CheckContext("es"))
    []
    """
    if translation.strip() != source.strip():
        return []
    if not _LETTER.search(_untranslatable(source, context.glossary)):
        return []
    return ["the translation is identical to the source"]


_REPEATED = re.compile(r"(?<!\w)([^\W\d_]+)\s+\1(?!\w)", re.IGNORECASE)
_ARABIC_NOUN = re.compile(
    "[\u0600-\u06ff]+[\u0629\u0627\u064b]"
)  # ends in ta marbuta, alif, tanween


def _repeated_words(text: str) -> list[str]:
    """Words written twice in a row (outside code and URLs), except on purpose.

    Chinese and Japanese double characters on purpose (常常, 人々) and do not separate
    words with spaces, so only words separated by whitespace count, and never CJK ones.
    Arabic doubles a noun to mean "one by one" (خطوة خطوة, step by step), so an Arabic
    word ending in ta marbuta or alif (a noun) may be doubled; particles (في في) may not.

    >>> _repeated_words("the the model, 常常 常常, خطوة خطوة, في في and `a a`")
    ['the the', 'في في']
    """
    visible = PLACEHOLDER.sub(" ", _masked(text).text)
    return [
        match.group()
        for match in _REPEATED.finditer(visible)
        if not _CJK.search(match.group(1)) and not _ARABIC_NOUN.fullmatch(match.group(1))
    ]


def check_repeated_words(source: str, translation: str, context: CheckContext) -> list[str]:
    """A word repeated in a row ("de de") that the source does not repeat.

    >>> check_repeated_words("the model", "el el modelo", CheckContext("es"))
    ["repeated word: 'el el'"]
    """
    already = {found.lower() for found in _repeated_words(source)}
    words = [found for found in _repeated_words(translation) if found.lower() not in already]
    return [f"repeated word: '{found}'" for found in words]


# --- glossary, empty translations ---------------------------------------------------


def check_glossary(source: str, translation: str, context: CheckContext) -> list[str]:
    """The glossary's terms: the required rendering present, no forbidden one.

    The required rendering may be inflected (plural, verb) in languages that inflect
    (:func:`lingopress.glossary.has_target`).

    >>> from lingopress.glossary import Term
    >>> paper = Term("paper", "论文", forbidden=("报纸",))
    >>> check_glossary("A paper", "一份报纸", CheckContext("zh-Hans", Glossary([paper])))
    ["'paper' should be translated as '论文'", "'paper' must not be rendered as '报纸'"]
    """
    return list(dict.fromkeys(context.glossary.problems(source, translation)))


def check_empty(source: str, translation: str, context: CheckContext) -> list[str]:
    """A translation that is only whitespace, or a plural form left empty.

    >>> check_empty("Hello", " ", CheckContext("es"))
    ['the translation is blank']
    """
    if translation.strip() or not source.strip():
        return []
    return ["the translation is empty" if not translation else "the translation is blank"]


# --- the table of rules -------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One quality check: its id (for reports and ignore comments), severity and function."""

    id: str
    severity: str
    function: CheckFunction

    @property
    def summary(self) -> str:
        """The first line of the function's docstring: what the rule wants."""
        return (self.function.__doc__ or "").strip().split("\n")[0]


RULES: tuple[Rule, ...] = (
    Rule("placeholders", ERROR, check_placeholders),
    Rule("spans", ERROR, check_spans),
    Rule("urls", ERROR, check_urls),
    Rule("links", ERROR, check_links),
    Rule("markdown", ERROR, check_markdown),
    Rule("block-syntax", ERROR, check_block_syntax),
    Rule("glossary", ERROR, check_glossary),
    Rule("empty", ERROR, check_empty),
    Rule("numbers", WARNING, check_numbers),
    Rule("whitespace", WARNING, check_whitespace),
    Rule("punctuation", WARNING, check_punctuation),
    Rule("identical", WARNING, check_identical),
    Rule("repeated-word", WARNING, check_repeated_words),
)
"""Every rule, in report order; ids are stable (ignore comments name them)."""

RULE_IDS = tuple(rule.id for rule in RULES)


def errors(source: str, translation: str, context: CheckContext) -> list[str]:
    """What the error rules find in one translation, each as ``<check-id>: <message>``.

    The translate stage refuses a machine translation with any of them.

    >>> errors("Use `pip`.", "Usa pip.", CheckContext("es"))
    ['spans: code span `pip` missing']
    """
    return [
        f"{rule.id}: {message}"
        for rule in RULES
        if rule.severity == ERROR
        for message in rule.function(source, translation, context)
    ]


_EMPTY_ONLY = tuple(rule for rule in RULES if rule.id == "empty")


# --- entries and catalogs ------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem of one entry: the rule's id, its severity and what is wrong."""

    check: str
    severity: str
    message: str


def ignored_checks(entry: polib.POEntry) -> set[str]:
    r"""The rule ids named by the entry's ``# lingopress: ignore ...`` translator comments.

    >>> sorted(ignored_checks(polib.POEntry(tcomment="MT: x\nlingopress: ignore glossary, urls")))
    ['glossary', 'urls']
    """
    names: set[str] = set()
    for match in IGNORE_COMMENT.finditer(entry.tcomment or ""):
        names |= {name for name in re.split(r"[\s,]+", match.group(1)) if name}
    return names


def is_checked(entry: polib.POEntry) -> bool:
    """Whether the rules apply to an entry: active, with a source and some translation."""
    if entry.obsolete or not entry.msgid.strip():
        return False
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


def _forms(entry: polib.POEntry) -> list[tuple[str, str, str]]:
    """(label, source, translation) of each translated form of an entry."""
    if not entry.msgid_plural:
        return [("", entry.msgid, entry.msgstr)]
    return [
        (f"msgstr[{index}]: ", entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


def check_entry(entry: polib.POEntry, context: CheckContext) -> list[Finding]:
    """The problems of one entry, without the rules its comments ignore (none if unchecked)."""
    if not is_checked(entry):
        return []
    ignored = ignored_checks(entry)
    findings = []
    for label, source, translation in _forms(entry):
        rules = RULES if translation.strip() else _EMPTY_ONLY
        for rule in rules:
            if rule.id not in ignored:
                findings += [
                    Finding(rule.id, rule.severity, label + message)
                    for message in rule.function(source, translation, context)
                ]
    return findings


@dataclass(frozen=True)
class Problem:
    """A finding placed in the project: catalog path, ``msgid`` line, language, issue."""

    path: str
    line: int
    severity: str
    check: str
    message: str
    lang: str
    issue: str
    msgid: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity} {self.check}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        """The problem as an object of the JSON report."""
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "check": self.check,
            "message": self.message,
            "lang": self.lang,
            "issue": self.issue,
            "msgid": self.msgid,
        }


_MSGID_KEYWORD = re.compile(r"(?:#~[ \t]*)?msgid[ \t]")


def msgid_lines(text: str) -> list[int]:
    r"""The 1-based line of every ``msgid`` keyword of a catalog's text, in order.

    polib's ``POEntry.linenum`` is the first line of an entry (often a comment); the
    entry's ``msgid`` is the first of these lines at or after it.

    >>> msgid_lines('msgid ""\nmsgstr ""\n\n# note\n#| msgid "Old"\nmsgid "New"\nmsgstr "Neu"\n')
    [1, 6]
    """
    lines = text.removeprefix("\ufeff").split("\n")
    return [number for number, line in enumerate(lines, start=1) if _MSGID_KEYWORD.match(line)]


def msgid_line(lines: Sequence[int], entry: polib.POEntry) -> int:
    """The line of an entry's ``msgid`` keyword, given the :func:`msgid_lines` of its file."""
    index = bisect.bisect_left(lines, entry.linenum)
    return lines[index] if index < len(lines) else int(entry.linenum)


def check_catalog(
    catalog: polib.POFile, text: str, context: CheckContext, *, path: str, issue: str
) -> list[Problem]:
    """The problems of a catalog read from ``text``, shown as ``path``, of an issue (or site)."""
    lines = msgid_lines(text)
    return [
        Problem(
            path,
            msgid_line(lines, entry),
            found.severity,
            found.check,
            found.message,
            context.tag,
            issue,
            entry.msgid,
        )
        for entry in catalog
        for found in check_entry(entry, context)
    ]


# --- the project --------------------------------------------------------------------


@dataclass
class CheckReport:
    """The problems of a run, with how much was checked."""

    problems: list[Problem] = field(default_factory=list)
    catalogs: int = 0
    entries: int = 0

    def count(self, severity: str) -> int:
        """How many problems have a severity."""
        return sum(problem.severity == severity for problem in self.problems)

    def failed(self, strict: bool) -> bool:
        """Whether the run fails: any error, or with ``strict`` any warning."""
        return bool(self.count(ERROR) or (strict and self.count(WARNING)))

    def summary(self) -> str:
        """One line: what was checked and what was found.

        >>> CheckReport(catalogs=1, entries=2).summary()
        'no problems: 1 catalog, 2 translated entries checked'
        """
        checked = (
            f"{_counted(self.catalogs, 'catalog')}, "
            f"{_counted(self.entries, 'translated entry', 'translated entries')} checked"
        )
        if not self.problems:
            return f"no problems: {checked}"
        found = (
            f"{_counted(self.count(ERROR), 'error')}, {_counted(self.count(WARNING), 'warning')}"
        )
        return f"{found} ({checked})"

    def as_json(self) -> dict[str, Any]:
        """The report as the documented JSON object (format ``lingopress-check/1``)."""
        by_check = Counter(problem.check for problem in self.problems)
        return {
            "format": REPORT_FORMAT,
            "problems": [problem.as_json() for problem in self.problems],
            "counts": {
                "catalogs": self.catalogs,
                "entries": self.entries,
                "errors": self.count(ERROR),
                "warnings": self.count(WARNING),
                "checks": {rule.id: by_check[rule.id] for rule in RULES if by_check[rule.id]},
            },
        }


def _counted(count: int, one: str, many: str = "") -> str:
    """``1 error``, ``2 errors``."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def catalog_names(config: Config, issues: Sequence[str] = ()) -> list[str]:
    """The catalogs to check: the chosen issues, else every issue with a template and the site."""
    names = [path.stem for path in template_paths(config)]
    if not issues:
        return [name for name in names if name != SITE_TEMPLATE] + [SITE_TEMPLATE]
    for slug in issues:
        if slug not in names:
            shown = config.paths.relative(config.paths.pot(slug)).as_posix()
            raise LingopressError(f"no issue '{slug}' ({shown} does not exist)")
    return list(dict.fromkeys(issues))


def check_project(config: Config, tags: Sequence[str], issues: Sequence[str] = ()) -> CheckReport:
    """Check the existing catalogs of the chosen languages and issues."""
    names = catalog_names(config, issues)
    report = CheckReport()
    for tag in tags:
        context = CheckContext(tag, read_glossary(config.paths, tag))
        for name in names:
            path = config.paths.po(tag, name)
            if not path.is_file():
                continue
            shown = config.paths.relative(path).as_posix()
            catalog = read_catalog(path, shown, Language(tag))
            text = path.read_bytes().decode("utf-8")
            report.problems += check_catalog(catalog, text, context, path=shown, issue=name)
            report.catalogs += 1
            report.entries += sum(map(is_checked, catalog))
    return report
