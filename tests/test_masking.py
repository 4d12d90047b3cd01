"""Masking and sentence splitting: what engines see, and getting it back intact."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingopress.issue import read_issue
from lingopress.masking import MaskError, mask, placeholders_only, protected_spans, unmask
from lingopress.sentences import join_sentences, split_sentences
from tests.conftest import REPO

MASKED = [
    ("Use `pip install x` now.", "Use ⟨0⟩ now.", ("`pip install x`",)),
    (
        'See [the paper](https://a.org/1 "T").',
        "See ⟨0⟩the paper⟨1⟩.",
        ("[", '](https://a.org/1 "T")'),
    ),
    ("![A chart](c.png) here", "⟨0⟩A chart⟨1⟩ here", ("![", "](c.png)")),
    ("[ref link][r] and [^1]", "⟨0⟩ref link⟨1⟩ and ⟨2⟩", ("[", "][r]", "[^1]")),
    ("Go to https://x.org/a?b=1. Then", "Go to ⟨0⟩. Then", ("https://x.org/a?b=1",)),
    (
        "Press <kbd>Ctrl</kbd> &amp; \\*",
        "Press ⟨0⟩Ctrl⟨1⟩ ⟨2⟩ ⟨3⟩",
        ("<kbd>", "</kbd>", "&amp;", "\\*"),
    ),
    ("<https://a.org> <me@a.org>", "⟨0⟩ ⟨1⟩", ("<https://a.org>", "<me@a.org>")),
    ("[2305.14314] is a number", "[2305.14314] is a number", ()),
    ("Written by %(author)s, 100%(s)", "Written by ⟨0⟩, 100%(s)", ("%(author)s",)),
    ("[![logo](l.png)](https://a.org)", "⟨0⟩logo⟨1⟩", ("[![", "](l.png)](https://a.org)")),
]


@pytest.mark.parametrize(("text", "masked", "spans"), MASKED)
def test_mask(text: str, masked: str, spans: tuple[str, ...]) -> None:
    result = mask(text)
    assert (result.text, result.spans) == (masked, spans)
    assert unmask(result, result.text) == text


def test_extra_ranges_are_masked() -> None:
    text = "Transformers use attention."
    result = mask(text, [(0, 12)])
    assert result.text == "⟨0⟩ use attention."
    assert unmask(result, "⟨0⟩ usan atención.") == "Transformers usan atención."


@pytest.mark.parametrize("translation", ["Sin marcador.", "⟨0⟩ y ⟨0⟩", "⟨0⟩ ⟨7⟩"])
def test_lost_or_repeated_placeholders_are_refused(translation: str) -> None:
    with pytest.raises(MaskError):
        unmask(mask("Use `x` now."), translation)


@given(st.text(max_size=200))
def test_mask_then_unmask_is_identity(text: str) -> None:
    masked = mask(text)
    assert unmask(masked, masked.text) == text


def test_every_link_target_and_code_span_of_the_issues_is_masked() -> None:
    for path in sorted((REPO / "issues").glob("*.md")):
        for item in read_issue(path, path.name).segments:
            masked = mask(item.text).text
            assert "](" not in masked and "`" not in masked and "https://" not in masked, item


def test_placeholders_only() -> None:
    assert placeholders_only("⟨0⟩ — ⟨1⟩.")
    assert not placeholders_only("⟨0⟩ word")


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        (
            "Accuracy rose from 76.1 to 80.3 percent. Good.",
            ["Accuracy rose from 76.1 to 80.3 percent.", "Good."],
        ),
        (
            "Models, e.g. ViT, i.e. big ones, etc. work. Smith et al. agree.",
            ["Models, e.g. ViT, i.e. big ones, etc. work.", "Smith et al. agree."],
        ),
        ("See Fig. 3 and Eq. 2. Done.", ["See Fig. 3 and Eq. 2.", "Done."]),
        ("J. Doe wrote it. Really.", ["J. Doe wrote it.", "Really."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("⟨0⟩Link.⟨1⟩ Next.", ["⟨0⟩Link.⟨1⟩", "Next."]),
        ("第一句。第二句！第三句", ["第一句。", "第二句！", "第三句"]),
        ("lower case after. a period", ["lower case after. a period"]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_join_sentences_by_language() -> None:
    assert join_sentences(["A.", "B."], "es") == "A. B."
    assert join_sentences(["文。", "文。"], "ja") == "文。文。"
    assert join_sentences(["一。", "二。"], "zh-Hans") == "一。二。"


def test_sentences_of_the_issues_rejoin_to_the_text() -> None:
    for path in sorted((REPO / "issues").glob("*.md")):
        for item in read_issue(path, Path(path.name)).segments:
            text = " ".join(mask(item.text).text.split())
            assert " ".join(split_sentences(text)) == text


def test_masking_takes_linear_time_on_runaway_markup() -> None:
    """10 000 nested links or a run of 20 000 backticks: well under a second each.

    Looking for each bracket's partner from scratch, and letting a code span open in
    the middle of a backtick run, took minutes and hours on these.
    """
    nested = "[" * 10_000 + "text" + "](https://x.org/)" * 10_000
    for text in (nested, "`" * 20_000, "a " + "`" * 20_000 + " b"):
        started = time.perf_counter()
        masked = mask(text)
        assert time.perf_counter() - started < 5
        assert unmask(masked, masked.text) == text
    assert mask(nested).text == "⟨0⟩text⟨1⟩"


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("``a`", ()),  # an opening run of two is not closed by one
        ("\\``code` x", ("\\`", "`code`")),  # an escaped backtick opens nothing
        ("`a``b`", ("`a``b`",)),
        ("x ```` y", ()),
    ],
)
def test_code_spans_open_and_close_with_whole_backtick_runs(
    text: str, spans: tuple[str, ...]
) -> None:
    assert tuple(span for _, span in protected_spans(text)) == spans
