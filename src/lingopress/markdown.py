r"""The Markdown dialect of lingopress, and where each leaf block is in its source.

One parser serves segmentation and the site: CommonMark 0.31 (markdown-it-py's
``commonmark`` preset) with the GFM table and strikethrough extensions. Raw HTML is
allowed, as CommonMark says; the site decides what to do with it.

markdown-it-py tokens carry line numbers, not character positions, and the container
markers of a line (``>``, list markers, indentation) are known only while the parser
runs. So the leaf-block rules (paragraph, ATX and setext headings, tables) are
wrapped: when one succeeds, the wrapper records in the token's ``meta["lines"]`` the
``(start, end)`` of the content of each of its lines, after the container markers.
The image rule is wrapped the same way to record where an image's alt text and title
are in the inline source (``meta["alt"]``, ``meta["title"]``).

Two limits turn pathological input into an error instead of silent loss or a crash:
containers nested deeper than :data:`MAX_NESTING` (markdown-it-py would drop the rest
of the document) and inline markup nested deeply enough to exhaust Python's stack.
Positions are offsets into the parser's normalised source, where ``\r\n`` and ``\r``
became ``\n``; :class:`LineEndings` maps them back.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS, isStrSpace
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from lingopress.errors import SegmentError

MAX_NESTING = 100
"""How deeply block quotes and lists may nest (each list level counts twice)."""

TRIM_CHARS = MD_TRIM_CHARS
"""The whitespace markdown-it-py trims from block content (CommonMark's set)."""

BlockRule = Callable[[StateBlock, int, int, bool], bool]
InlineRule = Callable[[StateInline, bool], bool]
_LEAF_RULES = ("paragraph", "heading", "lheading", "table")
_POSITIONED = frozenset({"inline", "tr_open"})
_CONTAINER_RULES = ("blockquote", "list")


@cache
def parser() -> MarkdownIt:
    """The shared Markdown parser (build once; markdown-it-py parsers are reusable)."""
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    for name in _LEAF_RULES:
        _wrap_block_rule(md, name, _recording_lines)
    for name in _CONTAINER_RULES:
        _wrap_block_rule(md, name, _limiting_depth)
    image = md.inline.ruler.__rules__[md.inline.ruler.__find__("image")]
    md.inline.ruler.at("image", _recording_image(image.fn), {"alt": image.alt})
    md.core.ruler.at("inline", _parse_inline_located)
    return md


def parse(text: str, env: dict[str, Any] | None = None) -> list[Token]:
    """Parse Markdown into block tokens with recorded line positions.

    Raises :class:`~lingopress.errors.SegmentError` (with a line relative to ``text``)
    for nesting the parser cannot follow.
    """
    return parser().parse(text, env if env is not None else {})


def parse_inline(text: str, env: dict[str, Any]) -> list[Token]:
    """Parse one inline text; image tokens get their alt and title positions in ``text``."""
    tokens = parser().parseInline(text, env)
    return tokens[0].children or [] if tokens else []


def _wrap_block_rule(md: MarkdownIt, name: str, wrapper: Callable[[BlockRule], BlockRule]) -> None:
    """Replace a block rule by a wrapper around it, keeping what it may interrupt."""
    rule = md.block.ruler.__rules__[md.block.ruler.__find__(name)]
    md.block.ruler.at(name, wrapper(rule.fn), {"alt": rule.alt})


def _recording_lines(rule: BlockRule) -> BlockRule:
    """Wrap a leaf rule so its inline and row tokens record their lines' content spans."""

    def recorded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        first_new = len(state.tokens)
        if not rule(state, start_line, end_line, silent):
            return False
        if not silent:
            for token in state.tokens[first_new:]:
                if token.type in _POSITIONED and token.map:
                    token.meta["lines"] = [
                        (state.bMarks[line] + state.tShift[line], state.eMarks[line])
                        for line in range(*token.map)
                    ]
        return True

    return recorded


def _limiting_depth(rule: BlockRule) -> BlockRule:
    """Wrap a container rule so nesting past the limit is an error, not lost text."""

    def limited(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if (
            not silent
            and state.level + 2 >= MAX_NESTING
            and rule(state, start_line, end_line, True)
        ):
            raise SegmentError(
                f"block quotes and lists nested more than {MAX_NESTING // 2} levels deep",
                line=start_line + 1,
            )
        return rule(state, start_line, end_line, silent)

    return limited


def _recording_image(rule: InlineRule) -> InlineRule:
    """Wrap the image rule so image tokens record where their alt text and title are."""

    def recorded(state: StateInline, silent: bool) -> bool:
        start = state.pos
        first_new = len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent and len(state.tokens) > first_new:
            token = state.tokens[-1]
            alt_start = start + 2
            alt_end = alt_start + len(token.content)
            token.meta["alt"] = (alt_start, alt_end)
            title = _title_span(state, alt_end, state.pos)
            if title is not None:
                token.meta["title"] = title
        return True

    return recorded


def _title_span(state: StateInline, label_end: int, end: int) -> tuple[int, int] | None:
    """Where the title of an inline image ``![alt](dest "title")`` is, without its quotes.

    Follows the steps of markdown-it-py's image rule from the closing ``]``; a reference
    image has its title in the definition, which is not part of this text.
    """
    src = state.src
    pos = label_end + 1
    if pos >= end or src[pos] != "(":
        return None
    pos = _skip_link_space(src, pos + 1, end)
    destination = state.md.helpers.parseLinkDestination(src, pos, end)
    if destination.ok and state.md.validateLink(state.md.normalizeLink(destination.str)):
        pos = destination.pos
    before_title = pos
    pos = _skip_link_space(src, pos, end)
    title = state.md.helpers.parseLinkTitle(src, pos, end, None)
    if pos == before_title or not title.ok or title.pos - 1 <= pos + 1:
        return None
    return (pos + 1, title.pos - 1)


def _skip_link_space(src: str, pos: int, end: int) -> int:
    """Skip the spaces, tabs and newlines a link's parenthesised part may contain."""
    while pos < end and (isStrSpace(src[pos]) or src[pos] == "\n"):
        pos += 1
    return pos


def _parse_inline_located(state: StateCore) -> None:
    """The core inline step, with the line of a block whose inline markup nests too deeply."""
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        token.children = token.children or []
        try:
            md.inline.parse(token.content, md, state.env, token.children)
        except RecursionError:
            line = token.map[0] + 1 if token.map else None
            raise SegmentError("inline markup nested too deeply to parse", line=line) from None


class LineEndings:
    r"""Maps offsets in markdown-it-py's normalised source back to the original text.

    The parser turns ``\r\n`` into ``\n`` (one character fewer) and a lone ``\r``
    into ``\n`` (same length); only the pairs move later offsets.
    """

    def __init__(self, text: str):
        self._pairs: list[int] = []
        if "\r\n" in text:
            position = text.find("\r\n")
            while position >= 0:
                self._pairs.append(position - len(self._pairs))
                position = text.find("\r\n", position + 2)

    @staticmethod
    def normalise(text: str) -> str:
        r"""The text as the parser sees it: every line ending a ``\n``."""
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def original(self, offset: int) -> int:
        """The offset in the original text of a normalised offset."""
        if not self._pairs:
            return offset
        return offset + bisect.bisect_left(self._pairs, offset)
