"""Property tests of segmentation and reassembly over generated Markdown documents.

The documents are built from the pieces a newsletter is made of: YAML front matter,
ATX and setext headings, multi-line paragraphs with inline markup and hard breaks,
nested lists and block quotes (lazy lines included), GFM tables, code blocks, HTML
blocks, thematic breaks and link reference definitions, in several scripts and with
``\\n``, ``\\r\\n`` or mixed line endings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import pairwise

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lingopress import reassemble, segment
from lingopress.frontmatter import read_front_matter
from lingopress.markdown import parser
from lingopress.segments import FRONT_MATTER_KIND, Segment
from tests.conftest import rendered_tags

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BLOCK_KINDS = {
    "paragraph",
    "heading",
    "list_item",
    "blockquote",
    "table_cell",
    "image_alt",
    "image_title",
}
FRONT_MATTER_KINDS = {FRONT_MATTER_KIND + "title", FRONT_MATTER_KIND + "summary"}
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre"}
    | {"table", "thead", "tbody", "tr", "th", "td", "hr"}
)

# ---------------------------------------------------------------------------------------
# Generators. A block is a list of lines (text, lazy): ``lazy`` marks a paragraph
# continuation line, which a container may write without its markers.

Line = tuple[str, bool]

WORDS = [
    "news",
    "Papers",
    "clustering",
    "model",
    "résumé",
    "naïve",
    "Straße",
    "日本語",
    "中文字",
    "한국어",
    "مرحبا",
    "שלום",
    "Привет",
    "😀",
    "🚀x",
    "e\u0301t\u0301e\u0301",
    "42",
    "v2.0",
    "co-op",
    "it's",
    "(aside)",
    "\u03b1\u2013\u03b2",
]
REF_LABELS = ["ref", "Docs", "émoji 😀"]
INLINE_MARKUP = [
    "*emphasis*",
    "_under_",
    "**strong words**",
    "__strong__",
    "***both***",
    "~~struck~~",
    "`code span`",
    "``code ` tick``",
    "[a link](https://example.org/page)",
    '[titled link](https://example.org/a "A title")',
    "[single](/path 'Single title')",
    "[paren](/p (Paren title))",
    "[ref]",
    "[see docs][Docs]",
    "[émoji 😀][]",
    "<https://example.org/auto>",
    "<mail@example.org>",
    "![inline image](pic.png)",
    '![alt *text*](pic.png "Pic title")',
    "<kbd>Ctrl</kbd>",
    "<span class='x'>span</span>",
    "\\*not emphasis\\*",
    "\\# not a heading",
    "\\[bracket\\]",
    "&amp;",
    "&copy;",
    "&#42;",
    "&nbsp;",
    "2 < 3",
    "a_b_c",
    "5 * 3",
    "[^1]",
    "www.example.org",
]


WORDS_TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
INLINE_PART = st.one_of(st.sampled_from(INLINE_MARKUP), WORDS_TEXT)
CELL_PART = st.one_of(st.sampled_from([*INLINE_MARKUP, "a \\| b", "`x \\| y`"]), WORDS_TEXT)


@st.composite
def inline_text(draw: st.DrawFn, *, in_cell: bool = False) -> str:
    """One line of inline content that does not start a block of its own."""
    parts = [draw(WORDS_TEXT)]
    for _ in range(draw(st.integers(0, 3))):
        item = draw(CELL_PART if in_cell else INLINE_PART)
        parts.insert(draw(st.integers(0, len(parts))), item)
    return " ".join(parts)


@st.composite
def paragraph(draw: st.DrawFn) -> list[Line]:
    count = draw(st.integers(1, 4))
    lines: list[Line] = []
    for index in range(count):
        text = draw(inline_text())
        if index == 0:
            text = " " * draw(st.sampled_from([0, 0, 0, 1, 3])) + text
        else:
            text = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 5])) + text
        if index < count - 1:
            text += draw(st.sampled_from(["", "", "", "  ", "   ", "\\", " ", "\t"]))
        else:
            text += draw(st.sampled_from(["", "", "", " ", "  "]))
        lines.append((text, index > 0))
    return lines


@st.composite
def special_paragraph(draw: st.DrawFn) -> list[Line]:
    """Paragraphs that are not segments, or whose only segments are image texts."""
    text = draw(
        st.sampled_from(
            [
                "— — —",
                "※",
                "https://example.org/only-a-url",
                "www.example.org",
                "![Alt words](img.png)",
                '![Alt words](img.png "Title words")',
                "![Alt](img.png 'Single title')",
                "![Alt](<img 1.png> (Paren title))",
                "[![Linked alt](a.png)](https://example.org)",
                '![First](a.png) ![Second](b.png "Second title")',
                "![ref]",
                "![ref][]",
                "![Reference alt][Docs]",
                "![émoji 😀]",
                "![Alt *with* `code`](x.png)",
                "![Alt \\[x\\]](x.png)",
                "![Two\nline alt](x.png)",
                '![Alt](x.png "Two\nline title")',
                "![](empty.png)",
                '![画像](pic.png "タイトル")',
            ]
        )
    )
    return [(line, False) for line in text.split("\n")]


@st.composite
def atx_heading(draw: st.DrawFn) -> list[Line]:
    level = draw(st.integers(1, 6))
    indent = " " * draw(st.sampled_from([0, 0, 1, 3]))
    if draw(st.integers(0, 9)) == 0:
        return [(indent + "#" * level + draw(st.sampled_from(["", " ", " ##"])), False)]
    closing = draw(st.sampled_from(["", "", " #", " ###", "  ##  ", " \\#"]))
    return [
        (
            f"{indent}{'#' * level}{draw(st.sampled_from([' ', '  ', chr(9)]))}"
            f"{draw(inline_text())}{closing}",
            False,
        )
    ]


@st.composite
def setext_heading(draw: st.DrawFn) -> list[Line]:
    lines = [(draw(inline_text()), False) for _ in range(draw(st.integers(1, 2)))]
    underline = draw(st.sampled_from("=-")) * draw(st.integers(1, 5))
    return [
        *lines,
        (" " * draw(st.integers(0, 3)) + underline + draw(st.sampled_from(["", "  "])), False),
    ]


@st.composite
def table(draw: st.DrawFn) -> list[Line]:
    columns = draw(st.integers(2, 4))
    lead = draw(st.booleans())
    trail = draw(st.booleans())

    def row(cells: list[str]) -> Line:
        pad = draw(st.sampled_from(["", " ", "  "]))
        inner = "|".join(f"{pad}{cell}{pad}" if cell else " " for cell in cells)
        return (("|" if lead else "") + inner + ("|" if trail else ""), False)

    cell = st.one_of(
        inline_text(in_cell=True),
        st.sampled_from(["", "![Cell alt](c.png)", "`a|b`", "1", "—"]),
    )
    header = [draw(inline_text(in_cell=True)) for _ in range(columns)]
    delimiter = [draw(st.sampled_from(["---", ":---", "---:", ":-:", "-"])) for _ in range(columns)]
    lines = [row(header), row(delimiter)]
    for _ in range(draw(st.integers(0, 3))):
        cells = [draw(cell) for _ in range(columns)]
        if draw(st.integers(0, 5)) == 0:
            cells = cells[:-1]
        if cells[-1] == "" and not trail:
            cells[-1] = "z"
        lines.append(row(cells))
    return lines


@st.composite
def fenced_code(draw: st.DrawFn) -> list[Line]:
    fence = draw(st.sampled_from(["```", "````", "~~~"]))
    info = draw(st.sampled_from(["", "python", " md", "text {.x}"]))
    body = draw(
        st.lists(
            st.sampled_from(
                [
                    "x = 1",
                    "# not a heading",
                    "- not a list",
                    "> not a quote",
                    "",
                    "    deep",
                    "日本語 code",
                    "| a | b |",
                ]
            ),
            max_size=4,
        )
    )
    return [(fence + info, False), *((line, False) for line in body), (fence, False)]


@st.composite
def indented_code(draw: st.DrawFn) -> list[Line]:
    body = draw(
        st.lists(st.sampled_from(["code()", "# comment", "- item", "x\ty"]), min_size=1, max_size=3)
    )
    return [("    " + line, False) for line in body]


@st.composite
def html_block(draw: st.DrawFn) -> list[Line]:
    text = draw(
        st.sampled_from(
            [
                '<div class="note">\n<b>Bold</b> HTML text\n</div>',
                "<!-- a comment: not translated -->",
                "<!--\nmulti-line comment\n-->",
                "<details>\n<summary>Open me</summary>",
                "</details>",
                "<div>",
                '<img src="raw.png" alt="Raw image">',
            ]
        )
    )
    return [(line, False) for line in text.split("\n")]


@st.composite
def thematic_break(draw: st.DrawFn) -> list[Line]:
    return [
        (draw(st.sampled_from(["---", "***", "* * *", "___", "- - -", " ***", "_ _ _ _"])), False)
    ]


@st.composite
def definition(draw: st.DrawFn) -> list[Line]:
    label = draw(st.sampled_from(REF_LABELS))
    target = draw(
        st.sampled_from(
            [
                "https://example.org/ref",
                '<https://example.org/a b> "Angle title"',
                "/local 'Local title'",
                "https://example.org/t\n  (Title on next line)",
            ]
        )
    )
    text = f"[{label}]: {target}"
    return [(line, False) for line in text.split("\n")]


@cache
def leaf_block() -> st.SearchStrategy[list[Line]]:
    return st.one_of(
        paragraph(),
        paragraph(),
        paragraph(),
        paragraph(),
        atx_heading(),
        atx_heading(),
        setext_heading(),
        special_paragraph(),
        table(),
        fenced_code(),
        indented_code(),
        html_block(),
        thematic_break(),
        definition(),
    )


@cache
def block(depth: int) -> st.SearchStrategy[list[Line]]:
    if depth <= 0:
        return leaf_block()
    return st.one_of(leaf_block(), list_block(depth), list_block(depth), quote_block(depth))


@st.composite
def blocks(draw: st.DrawFn, depth: int, *, min_size: int = 1, max_size: int = 3) -> list[Line]:
    """Blocks separated by blank lines (or none where the next block interrupts)."""
    lines: list[Line] = []
    for _ in range(draw(st.integers(min_size, max_size))):
        item = draw(block(depth))
        if lines:
            opens_safely = item[0][0].lstrip(" ").startswith(("#", "```", "~~~"))
            blank = draw(st.sampled_from(["", "", "", "  ", "\n"]))
            if not (opens_safely and draw(st.booleans())):
                lines += [(part, False) for part in blank.split("\n")]
        lines += item
    return lines


@cache
def nested_blocks(depth: int, max_size: int) -> st.SearchStrategy[list[Line]]:
    return blocks(depth, max_size=max_size)


@st.composite
def list_block(draw: st.DrawFn, depth: int) -> list[Line]:
    ordered = draw(st.booleans())
    bullet = draw(st.sampled_from("-*+"))
    start = draw(st.sampled_from([1, 1, 0, 3, 9, 10, 123]))
    delimiter = draw(st.sampled_from(".)"))
    loose = draw(st.booleans())
    lines: list[Line] = []
    for index in range(draw(st.integers(1, 3))):
        marker = f"{start + index}{delimiter}" if ordered else bullet
        content = draw(nested_blocks(depth - 1, 2))
        code_first = content[0][0].startswith("    ")
        spaces = 1 if code_first else draw(st.sampled_from([1, 1, 1, 2, 4]))
        lazy = draw(st.booleans())
        if lines and loose:
            lines.append(("", False))
        for number, (text, is_lazy) in enumerate(content):
            if number == 0:
                # the item's content starts at its first character: continuation
                # lines are indented that far
                text = text if code_first else text.lstrip(" ")
                lines.append((marker + " " * spaces + text, False))
            elif not text.strip():
                lines.append(("", False))
            elif is_lazy and lazy:
                lines.append((text, True))
            else:
                lines.append((" " * (len(marker) + spaces) + text, is_lazy))
    return lines


@st.composite
def quote_block(draw: st.DrawFn, depth: int) -> list[Line]:
    marker = draw(st.sampled_from(["> ", "> ", ">", " > "]))
    blank = draw(st.sampled_from([">", "> "]))
    lazy = draw(st.booleans())
    lines: list[Line] = []
    for text, is_lazy in draw(nested_blocks(depth - 1, 3)):
        if not text.strip():
            lines.append((blank, False))
        elif is_lazy and lazy:
            lines.append((text, True))
        else:
            lines.append((marker + text, is_lazy))
    return lines


def _fm_value() -> st.SearchStrategy[str]:
    fragments = st.sampled_from(
        [
            "Week 1",
            'Say "hi"',
            "it's",
            "key: value",
            "a #hash",
            "- dash",
            "日本語のニュース",
            "أخبار",
            "😀 emoji",
            "back\\slash",
            "yes",
            "2024",
            "[brackets]",
            "{braces}",
            "line\nbreak",
            "  padded  ",
            "tab\there",
            "% percent",
            "@at",
            "long " * 12,
        ]
    )
    return st.lists(fragments, min_size=1, max_size=4).map(" ".join)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    meta: dict[str, object] = {}
    keys = draw(
        st.sampled_from([("title",), ("summary",), ("title", "summary"), ("summary", "title")])
    )
    for key in keys:
        meta[key] = draw(_fm_value())
    if draw(st.booleans()):
        meta["date"] = "2024-01-08"
    if draw(st.booleans()):
        meta["tags"] = ["vision", "nlp"]
    style = draw(st.sampled_from([None, None, "'", '"', "block"]))
    if style == "block":
        lines = []
        for key, value in meta.items():
            if (
                key in keys
                and isinstance(value, str)
                and "\n" not in value
                and value.strip() == value
            ):
                indicator = draw(st.sampled_from(["|", ">", "|-", ">-", "|+", ">+"]))
                lines.append(f"{key}: {indicator}\n  {value}\n")
            else:
                lines.append(yaml.safe_dump({key: value}, allow_unicode=True))
        text = "".join(lines)
    else:
        width = draw(st.sampled_from([20, 80, 10**6]))
        text = yaml.safe_dump(
            meta, allow_unicode=True, default_style=style, sort_keys=False, width=width
        )
    loaded = yaml.safe_load(text)
    assert all(isinstance(loaded[key], str) for key in keys)
    closing = draw(st.sampled_from(["---", "---", "...", "---  "]))
    return f"---\n{text}{closing}\n"


@st.composite
def document(draw: st.DrawFn, *, with_front_matter: bool = True) -> str:
    head = ""
    if with_front_matter and draw(st.booleans()):
        head = draw(front_matter())
    body = draw(blocks(3, max_size=6))
    text = "\n".join(line for line, _ in body)
    if with_front_matter and not head and text.split("\n", 1)[0].rstrip(" \t") == "---":
        text = "\n" + text  # a first line "---" opens front matter
    if draw(st.integers(0, 4)):
        text += "\n"
    if head:
        text = head + draw(st.sampled_from(["", "\n"])) + text
    if draw(st.integers(0, 15)) == 0:
        text = "\ufeff" + text
    endings = draw(st.sampled_from(["lf", "lf", "crlf", "mixed"]))
    if endings == "crlf":
        text = text.replace("\n", "\r\n")
    elif endings == "mixed":
        chance = draw(st.randoms(use_true_random=False))
        text = "".join(
            "\r\n" if part == "\n" and chance.random() < 0.5 else part
            for part in _split_keep_newlines(text)
        )
    return text


def _split_keep_newlines(text: str) -> list[str]:
    parts: list[str] = []
    for index, chunk in enumerate(text.split("\n")):
        if index:
            parts.append("\n")
        parts.append(chunk)
    return parts


# ---------------------------------------------------------------------------------------
# What the page renders to.


def tags(markdown: str, *, blocks_only: bool = False) -> list[tuple[str, ...]]:
    """Start and end tags (with href and src) of the HTML ``markdown`` renders to (no BOM)."""
    found = rendered_tags(markdown.removeprefix("\ufeff"))
    return [tag for tag in found if not blocks_only or tag[1] in BLOCK_TAGS]


def block_tokens(markdown: str) -> list[tuple[object, ...]]:
    """The block tokens of ``markdown``: what they are, how they nest, and verbatim blocks."""
    out: list[tuple[object, ...]] = []
    for token in parser().parse(markdown.removeprefix("\ufeff"), {}):
        if token.type == "inline":
            continue
        verbatim = token.content if token.type in ("fence", "code_block", "html_block") else ""
        out.append((token.type, token.tag, token.nesting, token.hidden, verbatim))
    return out


def identity(item: Segment) -> str:
    return item.text


def wrapped(item: Segment) -> str:
    return f"⟦ {item.text} ⟧"


def wrapped_with_a_line(item: Segment) -> str:
    return f"⟦ {item.text} ⟧\nⱠ"


def wrapped_with_brackets(item: Segment) -> str:
    """Characters that end an alt text, a title or a cell, and a dangling backslash.

    No ``|`` in image texts: see test_pipes_in_image_texts_in_table_cells below.
    """
    pipe = "" if item.kind.startswith("image_") else " |"
    return f"⟦ {item.text} ⟧ ] ) ({pipe} \" ' \\"


def line_prefix(text: str, position: int) -> str:
    return text[text.rfind("\n", 0, position) + 1 : position]


# ---------------------------------------------------------------------------------------
# Properties.


@SETTINGS
@given(document())
def test_identity_translation_reproduces_the_file(doc: str) -> None:
    assert reassemble(doc, identity) == doc
    assert reassemble(doc, lambda item: None) == doc
    if not doc.lstrip("\ufeff").startswith("---"):
        return
    assert reassemble(doc, identity, front_matter=False) == doc


@SETTINGS
@given(document())
def test_pieces_are_the_exact_source_in_document_order(doc: str) -> None:
    items = segment(doc)
    starts = [item.pieces[0][0] for item in items]
    assert starts == sorted(starts)
    every_piece: list[tuple[int, int]] = []
    for item in items:
        assert item.pieces, item
        assert item.text.strip(), item
        start = item.pieces[0][0]
        assert item.line == 1 + doc.count("\n", 0, start), item
        for begin, end in item.pieces:
            assert 0 <= begin <= end <= len(doc), item
        if item.kind.startswith(FRONT_MATTER_KIND):
            assert item.kind in FRONT_MATTER_KINDS, item
            assert item.section == ""
            (begin, end), *rest = item.pieces
            assert not rest
            # the value as the span decodes, without surrounding whitespace
            assert yaml.safe_load(doc[begin:end]).strip() == item.text
        else:
            assert item.kind in BLOCK_KINDS, item
            assert "\n".join(doc[begin:end] for begin, end in item.pieces) == item.text
            for begin, end in item.pieces:
                assert "\n" not in doc[begin:end] and "\r" not in doc[begin:end], item
            for (_, end), (begin, _) in pairwise(item.pieces):
                assert doc.count("\n", end, begin) == 1, item
        every_piece += item.pieces
    every_piece.sort()
    for (_, end), (begin, _) in pairwise(every_piece):
        assert end <= begin, every_piece


@SETTINGS
@given(
    document(with_front_matter=False),
    st.sampled_from([wrapped, wrapped_with_a_line, wrapped_with_brackets]),
)
def test_pseudo_translation_keeps_tags_and_links(
    doc: str, translate: Callable[[Segment], str]
) -> None:
    result = reassemble(doc, translate, front_matter=False)
    assert tags(result) == tags(doc)
    before = segment(doc, front_matter=False)
    after = segment(result, front_matter=False)
    assert [item.kind for item in after] == [item.kind for item in before]
    for old, new in zip(before, after, strict=True):
        assert new.text.startswith("⟦"), (old, new)
        # every line written keeps the block-quote markers of the first line, and
        # reaches at least as far (list markers become spaces)
        first = line_prefix(result, new.pieces[0][0])
        for start, _ in new.pieces[1:]:
            prefix = line_prefix(result, start).replace("\r", "")
            assert prefix.count(">") == first.count(">"), (result, new)
            assert len(prefix.expandtabs(4)) >= len(first.expandtabs(4)), (result, new)
    # the lines written end as the file's lines do (after the last line of a file
    # without a final line ending, reassembly writes "\n")
    if doc.endswith("\r\n") and doc.count("\n") == doc.count("\r\n"):
        assert result.count("\n") == result.count("\r\n")
    if "\r" not in doc:
        assert "\r" not in result


HOSTILE_PARTS = [
    "# x",
    "> x",
    "- x",
    "* x",
    "+ x",
    "1. x",
    "2) x",
    "```",
    "~~~",
    "```python",
    "---",
    "===",
    "***",
    "* * *",
    "| a | b |\n|---|---|",
    "a | b\n--|--",
    "|---|",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<details>",
    "[ref]: /url",
    "[x]: <u> 'title'",
    "    indented",
    "\tindented",
    "\n\n",
    "\n",
    "\r\n",
    "- [ ] task",
    ">",
    "#",
    "|",
    "\\",
    "  ",
    "]",
    "[",
    "!",
    '"',
    "'",
    ")",
    " ##",
    "x\\",
    "1.",
    "12345678.",
]


@st.composite
def hostile(draw: st.DrawFn, text: str) -> str:
    parts = draw(
        st.lists(st.one_of(st.sampled_from(HOSTILE_PARTS), st.just(text)), min_size=1, max_size=6)
    )
    out = parts[0]
    for part in parts[1:]:
        out += draw(st.sampled_from(["\n", "\n", " ", "", "\n\n", "\r\n"])) + part
    return out


def underlined_by_dashes(doc: str, item: Segment) -> bool:
    """Whether the segment is a setext heading whose underline is ``-`` (or may be)."""
    end = item.pieces[-1][1]
    next_line = doc[end:].replace("\r", "").split("\n")[1:2]
    return bool(next_line) and re.fullmatch(r"-+", next_line[0].strip(" \t>")) is not None


def last_line(translation: str) -> str:
    lines = translation.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return ([line for line in lines if line.strip()] or [""])[-1]


@SETTINGS
@given(document(with_front_matter=False), st.data())
def test_hostile_translations_keep_the_blocks(doc: str, data: st.DataObject) -> None:
    def translate(item: Segment) -> str:
        translation = data.draw(hostile(item.text), label=f"{item.kind} {item.text!r}")
        # known bug: see test_pipe_row_over_a_dash_underline below
        assume(not (underlined_by_dashes(doc, item) and "|" in last_line(translation)))
        return translation

    result = reassemble(doc, translate, front_matter=False)
    assert tags(result, blocks_only=True) == tags(doc, blocks_only=True)
    assert block_tokens(result) == block_tokens(doc)


# Left out of translations: U+2028 and U+2029, which YAML reads raw as line breaks (see
# test_line_separators_in_front_matter_translations below), and the C0 controls that
# front matter may not hold in a title or summary.
LEFT_OUT = "\u2028\u2029" + "".join(chr(code) for code in range(0x20) if code not in range(9, 14))
# Any such text, or text of the characters YAML treats specially.
YAML_AWKWARD_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters=LEFT_OUT)),
    st.text(st.sampled_from(" \t\n\r\x0b\x0c\"'\\:#-|>%@&*!?{}[],ab\x7f\x85\xa0\ufeff\U0001f600")),
)


@st.composite
def front_matter_document(draw: st.DrawFn) -> str:
    text = draw(front_matter()) + "\n" + "\n".join(line for line, _ in draw(blocks(1)))
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text + "\n"


@SETTINGS
@given(front_matter_document(), st.data())
def test_front_matter_translations_load_back_exactly(doc: str, data: st.DataObject) -> None:
    items = segment(doc)
    fields = [item for item in items if item.kind.startswith(FRONT_MATTER_KIND)]
    assert fields
    translations: dict[str, str] = {}

    def translate(item: Segment) -> str | None:
        if not item.kind.startswith(FRONT_MATTER_KIND):
            return None
        value = data.draw(
            YAML_AWKWARD_TEXT.filter(lambda t: bool(t.strip()) and t != item.text),
            label=item.kind,
        )
        translations[item.kind.removeprefix(FRONT_MATTER_KIND)] = value
        return value

    result = reassemble(doc, translate)
    meta = read_front_matter(result, "x.md").meta
    for key, value in translations.items():
        assert meta[key] == value.replace("\r\n", "\n").replace("\r", "\n"), key
    original = read_front_matter(doc, "x.md").meta
    assert {k: v for k, v in meta.items() if k not in translations} == {
        k: v for k, v in original.items() if k not in translations
    }
    body = [item.text for item in items if not item.kind.startswith(FRONT_MATTER_KIND)]
    assert [
        item.text for item in segment(result) if not item.kind.startswith(FRONT_MATTER_KIND)
    ] == body


@pytest.mark.parametrize("translation", ["a \u2028b", "a\u2029 b"])
def test_line_separators_in_front_matter_translations(translation: str) -> None:
    result = reassemble("---\ntitle: Week\n---\n", lambda item: translation)
    assert read_front_matter(result, "x.md").meta["title"] == translation


@pytest.mark.parametrize("title", ["", ' "t"'])
def test_pipes_in_image_texts_in_table_cells(title: str) -> None:
    doc = f"| a | b |\n|---|---|\n| ![x](c.png{title}) | d |\n"
    result = reassemble(doc, lambda item: "y | z" if item.kind.startswith("image_") else None)
    assert tags(result, blocks_only=True) == tags(doc, blocks_only=True)
    assert [tag for tag in tags(result) if tag[1] == "img"] == [
        tag for tag in tags(doc) if tag[1] == "img"
    ]
    assert [item.text for item in segment(result)][-1] == "d"


@pytest.mark.parametrize("doc", ["News\n---\n", "- News\n  ---\n", "> News\n> ---\n"])
def test_pipe_row_over_a_dash_underline(doc: str) -> None:
    result = reassemble(doc, lambda item: "| Nachrichten |", front_matter=False)
    assert tags(result, blocks_only=True) == tags(doc, blocks_only=True)
