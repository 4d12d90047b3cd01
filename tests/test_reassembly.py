"""Reassembly: identity is byte for byte, translations keep the page's structure.

The corpora are the CommonMark and GFM spec examples in ``../shared/testdata/`` (skipped
when that folder is absent), the seed document and every bundled issue.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from lingopress import reassemble, segment
from lingopress.frontmatter import read_front_matter
from lingopress.reassembly import keep_inline, yaml_string
from lingopress.segments import Segment
from tests.conftest import REPO, SHARED, rendered_tags

SPEC_FILES = ("commonmark-0.31.2.json", "gfm-spec.json")
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre"}
    | {"table", "thead", "tbody", "tr", "th", "td", "hr"}
)

# Spec examples whose pseudo-translation changes the rendered structure, with the
# reason. It is empty: every example keeps its structure. The test below fails if an
# example starts failing without being listed here.
STRUCTURE_EXCEPTIONS: dict[str, str] = {}


def spec_examples() -> list[tuple[str, str]]:
    folder = SHARED / "testdata"
    if not folder.is_dir():
        return []
    examples = []
    for name in SPEC_FILES:
        for example in json.loads((folder / name).read_text(encoding="utf-8")):
            examples.append((f"{name.split('-')[0]}:{example['example']}", example["markdown"]))
    return examples


SPEC = spec_examples()
needs_spec = pytest.mark.skipif(not SPEC, reason="../shared/testdata is not available")


def documents() -> list[tuple[str, str]]:
    """The seed and the bundled issues, exactly as stored (line endings kept)."""
    paths = sorted((SHARED / "seeds").glob("*.txt")) + sorted((REPO / "issues").glob("*.md"))
    return [(path.name, path.read_bytes().decode("utf-8")) for path in paths]


DOCUMENTS = documents()


def structure(
    markdown: str, *, front_matter: bool, blocks_only: bool = False
) -> list[tuple[str, ...]]:
    """Start and end tags (with href and src) of the HTML the Markdown body renders to."""
    body = markdown[read_front_matter(markdown, "x").body_offset :] if front_matter else markdown
    return [tag for tag in rendered_tags(body) if not blocks_only or tag[1] in BLOCK_TAGS]


def wrapped(item: Segment) -> str:
    return f"⟦ {item.text} ⟧"


def wrapped_with_a_line(item: Segment) -> str:
    return f"⟦ {item.text} ⟧\nⱠ"


PSEUDO: list[Callable[[Segment], str]] = [wrapped, wrapped_with_a_line]
HOSTILE = [
    "- {t}",
    "# {t}",
    "> {t}\n\n1. x",
    "{t}\n```",
    "{t}\n---",
    "| a | b |\n|---|---|\n{t}",
    "<div>\n{t}",
    "[x]: /u\n{t}",
    "1) {t}\n2) z",
    "{t} #",
    "{t} | c\n--- | ---",
    "~~~\n{t}\\",
]


def pseudo_failures(corpus: list[tuple[str, str]], *, front_matter: bool) -> dict[str, str]:
    failures = {}
    for name, markdown in corpus:
        expected = structure(markdown, front_matter=front_matter)
        for translate in PSEUDO:
            result = reassemble(markdown, translate, front_matter=front_matter)
            if structure(result, front_matter=front_matter) != expected:
                failures[name] = translate.__name__
    return failures


@needs_spec
def test_identity_on_every_spec_example() -> None:
    for name, markdown in SPEC:
        assert reassemble(markdown, lambda s: s.text, front_matter=False) == markdown, name


@pytest.mark.parametrize(("name", "text"), DOCUMENTS)
def test_identity_on_seed_and_issues(name: str, text: str) -> None:
    assert reassemble(text, lambda s: s.text) == text
    assert reassemble(text.replace("\n", "\r\n"), lambda s: s.text) == text.replace("\n", "\r\n")


@needs_spec
def test_pseudo_translation_keeps_structure_of_spec_examples() -> None:
    failures = pseudo_failures(SPEC, front_matter=False)
    assert set(failures) <= set(STRUCTURE_EXCEPTIONS), failures


def test_pseudo_translation_keeps_structure_of_seed_and_issues() -> None:
    assert pseudo_failures(DOCUMENTS, front_matter=True) == {}
    crlf = [(name, text.replace("\n", "\r\n")) for name, text in DOCUMENTS]
    assert pseudo_failures(crlf, front_matter=True) == {}


def test_pseudo_translation_changes_every_segment() -> None:
    for _, text in DOCUMENTS:
        result = reassemble(text, wrapped)
        for item in segment(result):
            if not item.kind.startswith("front_matter:"):
                assert item.text.startswith("⟦"), item


@needs_spec
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_translations_keep_blocks_of_spec_examples(hostile: str) -> None:
    for name, markdown in SPEC:
        result = reassemble(markdown, lambda s: hostile.format(t=s.text), front_matter=False)
        original = structure(markdown, front_matter=False, blocks_only=True)
        assert structure(result, front_matter=False, blocks_only=True) == original, name


@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [
        (
            "Para one\nline two\n",
            "# Not a heading\n\n- not a list",
            "\\# Not a heading\n\\- not a list\n",
        ),
        ("- item\n", "first\nsecond\n1. third", "- first\n  second\n  1\\. third\n"),
        ("> a\n> b\n", "x\ny\nz", "> x\n> y\n> z\n"),
        (">>- one\n", "x\n2) y", ">>- x\n> >   2) y\n"),
        ("1. a\r\n   b\r\n", "x\ny\nz", "1. x\r\n   y\r\n   z\r\n"),
        ("Text\n", "Line\n```", "Line\n\\```\n"),
        ("Text\n", "Line\n===", "Line\n\\===\n"),
        ("Text\n", "[x]: /url\nrest", "\\[x]: /url\nrest\n"),
        ("Text\n", "a | b\n--- | ---", "a | b\n\\--- | ---\n"),
        ("Text\n", "<div>\nrest", "\\<div>\nrest\n"),
        ("Text\n", "<kbd>Ctrl</kbd> key", "<kbd>Ctrl</kbd> key\n"),
        ("Text\n", "keep  \nhard break", "keep  \nhard break\n"),
        ("# Title #\n", "Titre #\nsuite", "# Titre # suite #\n"),
        ("# Title\n", "Langage C #", "# Langage C \\#\n"),
        (
            "| a | b |\n|---|---|\n| c | d |\n",
            "x | y",
            "| x \\| y | x \\| y |\n|---|---|\n| x \\| y | x \\| y |\n",
        ),
        ("a | b\n--|--\nc | d\n", "- e\\", "\\- e\\  | - e\\ \n--|--\n\\- e\\  | - e\\ \n"),
        ('![alt](i.png "title")\n', 'a "b" [c]', '![a "b" \\[c\\]](i.png "a \\"b\\" [c]")\n'),
        ("![alt](i.png (title))\n", "(x)", "![(x)](i.png (\\(x\\)))\n"),
        ("![Foo]\n\n[foo]: /u\n", "Bar", "![Bar][Foo]\n\n[foo]: /u\n"),
        ("![Foo][]\n\n[foo]: /u\n", "Bar", "![Bar][Foo]\n\n[foo]: /u\n"),
    ],
)
def test_translations_are_escaped_into_place(source: str, translation: str, expected: str) -> None:
    result = reassemble(source, lambda s: translation)
    assert result == expected
    blocks = structure(source, front_matter=True, blocks_only=True)
    assert structure(result, front_matter=True, blocks_only=True) == blocks


@pytest.mark.parametrize("answer", [None, "", "  \n ", "same"])
def test_no_translation_keeps_the_source(answer: str | None) -> None:
    source = "# Title\n\nText  \nmore\n"

    def translate(item: Segment) -> str | None:
        return item.text if answer == "same" else answer

    assert reassemble(source, translate) == source


def test_front_matter_values_are_quoted_yaml() -> None:
    source = "---\ntitle: Plain\nsummary: |\n  Two\n  lines\nnumber: 3\n---\n\nBody\n"
    result = reassemble(
        source, lambda s: 'Cita: "x" # no comment\n\\ y' if s.kind.startswith("front") else None
    )
    meta = read_front_matter(result, "x.md").meta
    assert meta["title"] == meta["summary"] == 'Cita: "x" # no comment\n\\ y'
    assert meta["number"] == 3
    assert result.endswith("number: 3\n---\n\nBody\n")


@pytest.mark.parametrize(
    "value", ["", "plain", 'q"\\', "\x00\x07\x85\u2028\ufeff\U0001f600", "é\tü\n"]
)
def test_yaml_string_round_trips(value: str) -> None:
    assert yaml.safe_load(yaml_string(value)) == value
    assert "\n" not in yaml_string(value)


def test_keep_inline_leaves_safe_lines_alone() -> None:
    lines = ["Start", "2. is not a list here", "a - b", "#hashtag", "<span>x</span>", "    x"]
    assert keep_inline(lines) == lines


def test_reassembly_of_a_file_path_in_errors(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"^issue\.md:1: contains a NUL"):
        reassemble("\0", lambda s: None, source="issue.md")
