"""The bundled newsletter: real, full-length sample issues in the seed's shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from lingopress.config import load_config
from lingopress.issue import Issue, read_issues
from tests.conftest import REPO

CONFIG = load_config(REPO)
ISSUES = read_issues(CONFIG.paths)
SECTIONS = (
    "# 1. Featured Paper/News",
    "# 2. Machine Learning Use Case",
    "# 3. Papers",
    "# 4. Articles related to machine learning technology",
    "# 5. Other Topics",
    "# Past Issues",
    "# About Me",
)
SEPARATOR = "— — — — — — — — — — — — — — — — — — \u2013"  # as Medium exports it
ML_TERMS = (
    "Transformer",
    "CNN",
    "ResNet",
    "self-supervised learning",
    "fine-tuning",
    "dataset",
    "benchmark",
    "deepfake",
    "Hugging Face",
    "contrastive learning",
    "pre-training",
    "overfitting",
    "attention",
    "tokenization",
    "inference",
    "diffusion model",
)
ONLY_URL_OR_IMAGE = re.compile(r"^(?:<https?://[^>]+>|!\[[^\]]*\]\([^)]*\))$")


def translatable_blocks(text: str) -> list[str]:
    """Leaf text blocks with words in them (not code, not URL- or image-only)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return [
        token.content
        for token in tokens
        if token.type == "inline"
        and re.search(r"[^\W\d_]", token.content)
        and not ONLY_URL_OR_IMAGE.match(token.content.strip())
    ]


def test_target_languages() -> None:
    assert [s.tag for s in CONFIG.languages] == ["zh-Hans", "ja", "es", "ar"]
    assert CONFIG.language("es").publish == "machine"


def test_at_least_four_issues() -> None:
    assert len(ISSUES) >= 4


@pytest.mark.parametrize("issue", ISSUES, ids=lambda issue: issue.slug)
def test_issue_shape(issue: Issue) -> None:
    assert {"title", "date", "number", "summary"} <= set(issue.meta)
    assert issue.date is not None and issue.number is not None
    assert len(translatable_blocks(issue.body)) >= 25
    lines = issue.body.splitlines()
    for heading in SECTIONS:
        assert heading in lines, heading
    assert lines.count(SEPARATOR) >= 5
    assert re.search(r"^## \[\*\*.+\*\*\]\(https://\S+\?utm_campaign=\S+\)$", issue.body, re.M)
    assert re.search(r"^\[\]\(https://\S+\) \[## ", issue.body, re.M), "no link card"
    assert re.search(r"^!\[[^\]]*\]\(img/\S+\.png", issue.body, re.M), "no image"
    assert re.search(r"^\*\[\d{4}\.\d{4,5}\] .+\*$", issue.body, re.M), "no arXiv caption"


def test_issues_use_ml_terms() -> None:
    corpus = "\n".join(issue.body for issue in ISSUES).lower()
    missing = [term for term in ML_TERMS if term.lower() not in corpus]
    assert not missing


def test_issues_cover_markdown_features() -> None:
    corpus = "\n".join(issue.body for issue in ISSUES)
    features = {
        "table": r"^\|.+\|$",
        "fenced code": r"^```",
        "code span": r"[^`]`[^`\n]+`[^`]",
        "nested list": r"^    [*-] ",
        "blockquote": r"^> ",
        "hard break": r"\S  $",
        "html comment": r"^<!--",
        "inline html": r"<(sup|kbd)>",
        "autolink": r"<https://",
        "strikethrough": r"~~\S",
        "reference link": r"^\[[^\]]+\]: https?://",
        "image title": r'!\[[^\]]+\]\(\S+ "[^"]+"\)',
    }
    missing = [name for name, pattern in features.items() if not re.search(pattern, corpus, re.M)]
    assert not missing


def test_issue_files_are_ours() -> None:
    """The samples are written by us: no sentence of the seed's source newsletter."""
    for path in (REPO / "issues").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "Akira" not in text and "getrevue.co/profile/akiratosei" not in text, path
        assert Path(path).stat().st_size > 8_000
