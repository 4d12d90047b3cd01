"""Sentences: cutting a (masked) segment into the units an engine translates best.

Engines translate sentence by sentence. A segment is cut after ``.``, ``!``, ``?`` or
``…`` (and closing quotes, brackets or placeholders) when white space and the start
of a new sentence follow (anything but a lower-case ASCII letter), but not after an
abbreviation (``e.g.``, ``et al.``, ``Fig.``, …) or a single letter, and never in a
decimal number (``3.5``) or a URL (URLs and code are masked before this). CJK full
stops (``。！？``) end a sentence without a space. Translations are joined back with
the target language's spacing: nothing between sentences in Chinese and Japanese,
one space elsewhere.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "al",
        "cf",
        "vs",
        "fig",
        "figs",
        "eq",
        "eqs",
        "sec",
        "no",
        "nos",
        "vol",
        "pp",
        "approx",
        "ca",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
    ]
)
_END = re.compile(
    r"""[.!?…]+(?:["'”’)\]]|⟨\d+⟩)*(?=\s+["'“‘(\[]?[^\sa-z])|[。！？]+(?:["'”’」』）)]|⟨\d+⟩)*"""
)
_NO_SPACE_LANGUAGES = ("zh", "ja")


def split_sentences(text: str) -> list[str]:
    """Cut a text into sentences (each stripped; white space between them dropped).

    >>> split_sentences("We use ViT, e.g. ViT-B/16. It has 86M params. Fig. 2 shows it.")
    ['We use ViT, e.g. ViT-B/16.', 'It has 86M params.', 'Fig. 2 shows it.']
    >>> split_sentences("自监督学习很重要。它不需要标签！")
    ['自监督学习很重要。', '它不需要标签！']
    """
    sentences = []
    start = 0
    for end in _END.finditer(text):
        if end.group().startswith(".") and _is_abbreviation(text, end.start()):
            continue
        sentence = text[start : end.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = end.end()
    rest = text[start:].strip()
    return [*sentences, rest] if rest else sentences


def _is_abbreviation(text: str, period: int) -> bool:
    """Whether the period at ``period`` ends a known abbreviation or a single letter."""
    word = re.search(r"[\w.]*$", text[:period])
    token = word.group().lower() if word else ""
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def join_sentences(sentences: list[str], language: str) -> str:
    """Join translated sentences with the spacing of the target language (BCP 47 tag).

    >>> join_sentences(["第一句。", "第二句。"], "zh-Hans")
    '第一句。第二句。'
    """
    separator = "" if language.split("-")[0] in _NO_SPACE_LANGUAGES else " "
    return separator.join(sentences)
