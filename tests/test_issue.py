"""Reading issues: front matter, encodings, slugs, and errors with their lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lingopress.errors import IssueError, LingopressError
from lingopress.issue import issue_files, read_issue
from tests.conftest import Invoke, assert_one_line_error, tree_snapshot, write

GOOD = """\
---
title: "Week 1"
date: 2024-01-08
number: 1
summary: Papers and news.
tags: [vision]
---

# Week 1

Hello.
"""


def test_front_matter_and_body(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path / "2024-w01.md", GOOD), "issues/2024-w01.md")
    assert issue.slug == "2024-w01"
    assert issue.title == "Week 1"
    assert issue.date == dt.date(2024, 1, 8)
    assert issue.number == 1
    assert issue.summary == "Papers and news."
    assert issue.meta["tags"] == ["vision"]
    assert issue.body == "\n# Week 1\n\nHello.\n"
    assert issue.front_matter.body_line == 8
    assert issue.text == GOOD


def test_no_front_matter(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path / "plain.md", "# Plain\n\n---\n\ntext\n"), "plain.md")
    assert issue.meta == {}
    assert issue.title == "plain"
    assert issue.date is None
    assert issue.body == issue.text
    assert issue.front_matter.body_line == 1


def test_crlf_bom_and_string_date(tmp_path: Path) -> None:
    text = '\ufeff---\r\ntitle: CRLF\r\ndate: "2024-02-29"\r\n...\r\nBody\r\n'
    issue = read_issue(write(tmp_path / "crlf.md", text), "crlf.md")
    assert issue.title == "CRLF"
    assert issue.date == dt.date(2024, 2, 29)
    assert issue.body == "Body\r\n"
    assert issue.front_matter.body_line == 5


def test_only_newlines_end_lines(tmp_path: Path) -> None:
    text = "---\ntitle: a\u2028b\nnumber: x\n---\n"
    with pytest.raises(IssueError) as error:
        read_issue(write(tmp_path / "odd.md", text), "odd.md")
    assert error.value.line == 3
    text = '---\nsummary: "a\u2028b"\ndate: nope\n---\n'
    with pytest.raises(IssueError, match="'date': expected a date") as error:
        read_issue(write(tmp_path / "odd.md", text), "odd.md")
    assert error.value.line == 3
    text = "---\ntitle: a\u2028b\nsummary: \x0c\n---\n"
    with pytest.raises(IssueError, match="character U\\+000C is not allowed") as error:
        read_issue(write(tmp_path / "odd.md", text), "odd.md")
    assert error.value.line == 3


def test_empty_front_matter(tmp_path: Path) -> None:
    issue = read_issue(write(tmp_path / "empty.md", "---\n---\nBody\n"), "empty.md")
    assert issue.meta == {}
    assert issue.body == "Body\n"


BAD: dict[str, tuple[str | bytes, str]] = {
    "unclosed front matter": (
        "---\ntitle: x\n\n# Body\n",
        "1: front matter starts here but has no closing",
    ),
    "invalid yaml": ("---\ntitle: x\ndate: [2024\n---\n", "4: invalid front matter"),
    "tab indentation": ("---\ntitle: x\n\tdate: 1\n---\n", "3: invalid front matter"),
    "not a mapping": ("---\n- a\n- b\n---\n", "2: front matter must be a mapping"),
    "title not text": (
        "---\nsummary: ok\ntitle: [a, b]\n---\n",
        "3: front matter 'title': expected text",
    ),
    "bad date": (
        "---\ntitle: x\ndate: next week\n---\n",
        "3: front matter 'date': expected a date",
    ),
    "impossible date": ("---\ndate: 2024-02-30\n---\n", "2: front matter 'date': expected a date"),
    "number not integer": (
        "---\nnumber: 1.5\n---\n",
        "2: front matter 'number': expected a whole number",
    ),
    "boolean number": (
        "---\nnumber: yes\n---\n",
        "2: front matter 'number': expected a whole number",
    ),
    "nul byte": (b"---\ntitle: x\n---\n\nab\0cd\n", "5: contains a NUL byte"),
    "invalid utf-8": (b"# Title\n\nline two\ncaf\xe9\n", "4: not valid UTF-8 (byte 0xe9)"),
    "control character in the body": (
        b"# Title\n\nend of \x04transmission\n",
        "3: contains the control character U+0004",
    ),
    "unknown yaml alias": ("---\na: &x [1]\nb: *y\n---\n", "3: invalid front matter"),
    "escaped control character": (
        '---\ntitle: "a\\x04b"\n---\n',
        "2: front matter 'title': contains the control character U+0004",
    ),
    "control character in front matter": (
        "---\ntitle: x\nsummary: a\x07b\n---\n",
        "3: contains the control character U+0007",
    ),
    "duplicate key": (
        "---\ntitle: a\ndate: 2024-01-01\ntitle: b\n---\n",
        "4: invalid front matter",
    ),
    "quotes nested too deeply": ("---\ntitle: x\n---\n\nok\n\n" + "> " * 200 + "deep\n", "7: "),
    "lists nested too deeply": (
        "# T\n\n" + "".join("  " * i + "- item\n" for i in range(120)),
        "52: block quotes and lists nested more than 50 levels deep",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_issue_is_one_line_error(project: Path, invoke: Invoke, case: str) -> None:
    content, expected = BAD[case]
    write(project / "issues" / "bad.md", content)
    with pytest.raises(LingopressError):
        assert read_issue(project / "issues" / "bad.md", "issues/bad.md").sections
    before = tree_snapshot(project)
    result = invoke(["run"], cwd=project)
    assert_one_line_error(result, f"issues/bad.md:{expected}")
    assert tree_snapshot(project) == before


@pytest.mark.parametrize("name", ["my issue.md", "-dash.md", "a..b.md", "ü.md"])
def test_bad_slugs(project: Path, invoke: Invoke, name: str) -> None:
    write(project / "issues" / name, "# x\n")
    result = invoke(["run"], cwd=project)
    assert_one_line_error(result, f"issues/{name}: ")
    assert "cannot be an issue slug" in result.stderr


def test_issue_files_ignores_folders_and_other_files(project: Path) -> None:
    write(project / "issues" / "img" / "figure.md", "not an issue")
    write(project / "issues" / "notes.txt", "not an issue")
    write(project / "issues" / "b.md", "# b\n")
    assert [p.name for p in issue_files(project / "issues")] == ["b.md", "first.md"]
