"""Masking: what a machine-translation engine must not touch, hidden behind placeholders.

Before a segment goes to an engine, its protected spans become numbered placeholders
``⟨0⟩``, ``⟨1⟩``, …: code spans, autolinks, inline HTML, HTML entities, backslash
escapes, footnote references, bare URLs, the named placeholders of template strings
(``%(author)s``), and the markup of links and images (the
opening ``[`` or ``![`` and the closing ``](destination "title")`` or ``][label]``, so
that the link text itself is translated). Callers can protect more spans (glossary
terms) with ``extra``. After the engine, :func:`unmask` puts every span back and
checks that each placeholder came back exactly once; a translation that lost or
repeated one is refused (:class:`MaskError`), never written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"⟨(\d+)⟩")

_PROTECTED = re.compile(
    r"""
    (?P<code>(?<!(?<!\\)`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)) # a code span: whole runs
  | (?P<autolink><[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)     # <https://...>
  | (?P<email><[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+>)
  | (?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->)
  | (?P<footnote>\[\^[^\]\s]+\])
  | (?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)
  | (?P<escape>\\[!-/:-@\[-`{-~])
  | (?P<format>%\([A-Za-z_][A-Za-z0-9_]*\)[sdif])             # %(name)s in templates
  | (?P<url>(?:https?://|ftp://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"])
    """,
    re.VERBOSE | re.DOTALL,
)
_LINK_END = re.compile(
    r"""\]\((?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"""
    r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)|\]\[[^\]]*\]"""
)


class MaskError(ValueError):
    """A translation lost, repeated or invented a placeholder."""


@dataclass(frozen=True)
class Masked:
    """A text with its protected spans replaced by placeholders, and the spans."""

    text: str
    spans: tuple[str, ...]


def mask(text: str, extra: Sequence[tuple[int, int]] = ()) -> Masked:
    """Replace the protected spans of a segment (and the ``extra`` ranges) by placeholders.

    >>> mask("See [the paper](https://arxiv.org/abs/1) and `code`.").text
    'See ⟨0⟩the paper⟨1⟩ and ⟨2⟩.'
    """
    found = [(m.start(), m.end()) for m in _PROTECTED.finditer(text)]
    found += [(m.start(), m.end()) for m in _LINK_END.finditer(text)]  # even unopened ones
    ranges = sorted({*extra, *found, *_link_markup(text, found)})
    pieces: list[str] = []
    spans: list[str] = []
    position = 0
    for start, end in ranges:
        if start < position:  # overlaps a span already protected
            continue
        if spans and start == position and pieces[-1] == "":  # touching: one placeholder
            spans[-1] += text[start:end]
        else:
            pieces += [text[position:start], f"⟨{len(spans)}⟩", ""]
            spans.append(text[start:end])
        position = end
    pieces.append(text[position:])
    return Masked("".join(pieces), tuple(spans))


def _link_markup(text: str, protected: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The markup of links and images: ``[`` or ``![``, and ``](dest "title")`` or ``][ref]``.

    A bracket inside an already protected span, or one that does not open a link, stays.
    """
    inside = {index for start, end in protected for index in range(start, end)}
    closings = _matching_brackets(text)
    ranges = []
    for opening in re.finditer(r"!?\[", text):
        start = opening.start() + (1 if opening.group().startswith("!") else 0)
        if start in inside or (start > 0 and text[start - 1] == "\\"):
            continue
        closing = closings.get(start, -1)
        end = _LINK_END.match(text, closing) if closing >= 0 else None
        if end is not None:
            ranges += [(opening.start(), opening.end()), (end.start(), end.end())]
    return ranges


def _matching_brackets(text: str) -> dict[int, int]:
    r"""The position of the ``]`` that closes each ``[`` that has one (escapes skipped).

    One pass with a stack: looking for each bracket's partner separately would take
    time quadratic in the nesting (10 000 nested brackets: minutes).

    >>> _matching_brackets(r"[a [b] \] c] [")
    {3: 5, 0: 11}
    """
    closings: dict[int, int] = {}
    open_at: list[int] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            open_at.append(position)
        elif char == "]" and open_at:
            closings[open_at.pop()] = position
        position += 1
    return closings


def unmask(masked: Masked, translation: str) -> str:
    """Put the protected spans back into a translation of ``masked.text``.

    Raises :class:`MaskError` unless every placeholder appears exactly once.

    >>> unmask(mask("Use `pip` now."), "Utilice ⟨0⟩ ahora.")
    'Utilice `pip` ahora.'
    """
    found = [int(match.group(1)) for match in PLACEHOLDER.finditer(translation)]
    if sorted(found) != list(range(len(masked.spans))):
        missing = sorted(set(range(len(masked.spans))) - set(found))
        problem = f"lost {', '.join(masked.spans[i] for i in missing)!s}" if missing else "repeated"
        raise MaskError(f"placeholders not kept exactly once ({problem})")
    return PLACEHOLDER.sub(lambda match: masked.spans[int(match.group(1))], translation)


def placeholders_only(text: str) -> bool:
    """Whether a masked text has nothing to translate (only placeholders, space, punctuation)."""
    return not any(char.isalnum() for char in PLACEHOLDER.sub("", text))


def protected_spans(text: str) -> list[tuple[str, str]]:
    """The protected spans of a text other than link markup, as ``(kind, span)`` in order.

    The kinds are ``code``, ``autolink``, ``email``, ``html``, ``footnote``, ``entity``,
    ``escape`` and ``url`` (a bare URL); quality checks compare them between a source
    and its translation.

    >>> protected_spans("Run `pip` (<https://pypi.org>) &amp; read[^1].")[1:]
    [('autolink', '<https://pypi.org>'), ('entity', '&amp;'), ('footnote', '[^1]')]
    """
    return [(str(match.lastgroup), match.group()) for match in _PROTECTED.finditer(text)]
