"""Segmentation rules: which texts are segments, their kinds, lines, sections and spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingopress import segment, split_sections
from lingopress.errors import IssueError, LingopressError, SegmentError
from lingopress.issue import read_issue
from lingopress.segments import Segment
from tests.conftest import REPO

DOC = """\
---
title: "Week 3: \\"quoted\\""
date: 2024-01-15
summary: >
  Folded summary
  on two lines.
tags: [not, translated]
---

Intro paragraph with **bold**
and a second line.

# 1. Papers #

## Clustering for *self-supervised* learning

- First item
  continues here.

  Second paragraph of the item.
  - Nested item
- [ ] Task to do
- [x]

> Quoted line one
lazy continuation

Setext heading
spanning two lines
------------------

| Name | Note |
|:-----|-----:|
| CNN \\| RNN | |
| a | b | extra |

![Alt text of a figure](img/fig.png "Figure title")

[![Linked logo](img/logo.png)](https://example.org)

<https://example.org/a-bare-link>

https://example.org/plain

— — —

***

```python
code = "not a segment"
```

<div>
HTML block, not a segment.
</div>

[ref]: https://example.org "Reference title"

Line with a hard break\x20\x20
next line, and a backslash break\\
last line.

# 2. Other topics

> ## Quoted heading
"""


def kinds(items: list[Segment]) -> list[tuple[str, str]]:
    return [(item.kind, item.text) for item in items]


def test_segments_of_a_document() -> None:
    assert kinds(segment(DOC)) == [
        ("front_matter:title", 'Week 3: "quoted"'),
        ("front_matter:summary", "Folded summary on two lines."),
        ("paragraph", "Intro paragraph with **bold**\nand a second line."),
        ("heading", "1. Papers"),
        ("heading", "Clustering for *self-supervised* learning"),
        ("list_item", "First item\ncontinues here."),
        ("list_item", "Second paragraph of the item."),
        ("list_item", "Nested item"),
        ("list_item", "Task to do"),
        ("list_item", "[x]"),
        ("blockquote", "Quoted line one\nlazy continuation"),
        ("heading", "Setext heading\nspanning two lines"),
        ("table_cell", "Name"),
        ("table_cell", "Note"),
        ("table_cell", "CNN \\| RNN"),
        ("table_cell", "a"),
        ("table_cell", "b"),
        ("image_alt", "Alt text of a figure"),
        ("image_title", "Figure title"),
        ("image_alt", "Linked logo"),
        ("paragraph", "Line with a hard break  \nnext line, and a backslash break\\\nlast line."),
        ("heading", "2. Other topics"),
        ("heading", "Quoted heading"),
    ]


def test_lines_and_sections() -> None:
    found = {item.text.split("\n")[0]: item for item in segment(DOC)}
    assert found["Intro paragraph with **bold**"].line == 10
    assert found["Intro paragraph with **bold**"].section == ""
    assert found["1. Papers"].section == "1. Papers"
    assert found["Nested item"].line == 21
    assert found["Nested item"].section == "1. Papers › Clustering for self-supervised learning"
    assert found["Setext heading"].section == "1. Papers › Setext heading spanning two lines"
    assert found["Quoted heading"].section == "2. Other topics"  # quoted: opens no section
    assert found['Week 3: "quoted"'].line == 2


def test_sections_model() -> None:
    sections = split_sections(DOC)
    assert [(s.title, s.level, s.line, s.path) for s in sections] == [
        ("", 0, 1, ""),
        ("1. Papers", 1, 13, "1. Papers"),
        (
            "Clustering for self-supervised learning",
            2,
            15,
            "1. Papers › Clustering for self-supervised learning",
        ),
        (
            "Setext heading spanning two lines",
            2,
            28,
            "1. Papers › Setext heading spanning two lines",
        ),
        ("2. Other topics", 1, 63, "2. Other topics"),
    ]
    assert [s.text for s in sections[1].segments] == ["1. Papers"]
    assert sum(len(s.segments) for s in sections) == len(segment(DOC))


def test_pieces_are_the_exact_source() -> None:
    for item in segment(DOC):
        if item.kind.startswith("front_matter:"):
            continue
        assert "\n".join(DOC[start:end] for start, end in item.pieces) == item.text
        assert DOC.count("\n", 0, item.span[0]) + 1 == item.line


def test_continuation_lines_leave_markers_out() -> None:
    text = "> - one\n>   two\n>   three\n"
    (item,) = segment(text)
    assert item.text == "one\ntwo\nthree"
    assert [text[s:e] for s, e in item.pieces] == ["one", "two", "three"]


def test_crlf_bom_and_tabs() -> None:
    text = "\ufeff# Title\r\n\r\n-\tTab item\r\n\tcontinued\r\n"
    items = segment(text)
    assert kinds(items) == [("heading", "Title"), ("list_item", "Tab item\ncontinued")]
    assert items[1].line == 3
    assert [text[s:e] for s, e in items[1].pieces] == ["Tab item", "continued"]


def test_untitled_section_only_when_needed() -> None:
    assert [s.title for s in split_sections("# Only\n\ntext\n")] == ["Only"]
    assert [s.title for s in split_sections("just text\n")] == [""]
    assert [s.title for s in split_sections("")] == [""]


def test_text_starting_with_a_rule_without_front_matter() -> None:
    text = "---\nFoo\n---\nBar\n"
    with pytest.raises(IssueError):
        segment(text)
    assert kinds(segment(text, front_matter=False)) == [("heading", "Foo"), ("paragraph", "Bar")]


def test_reference_image_titles_stay_with_the_definition() -> None:
    text = '![Chart][c]\n\n[c]: chart.png "A chart"\n'
    assert kinds(segment(text)) == [("image_alt", "Chart")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ok\n\nbad\0\n", "x.md:3: contains a NUL character"),
        ("# T\n\n" + "> " * 120 + "deep\n", "x.md:3: block quotes and lists nested more than"),
        ("---\ntitle: [1\n---\n", "x.md:3: invalid front matter"),
    ],
)
def test_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(LingopressError) as caught:
        segment(text, source="x.md")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_error_without_a_file_names_the_line() -> None:
    with pytest.raises(SegmentError, match=r"^line 1: contains a NUL"):
        segment("a\0")


def test_issue_sections_of_a_bundled_issue() -> None:
    issue = read_issue(REPO / "issues" / "2024-w10.md", Path("issues/2024-w10.md"))
    titles = [section.title for section in issue.sections if section.level == 1]
    assert titles[0] == issue.title
    assert any(title.startswith("3. Papers") for title in titles)
    assert issue.segments[0].kind == "front_matter:title"
    assert all(item.line >= 1 for item in issue.segments)
    assert issue.sections is issue.sections  # computed once
