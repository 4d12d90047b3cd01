"""Glossaries: reading and checking the files, finding terms, judging translations."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from lingopress.errors import GlossaryError
from lingopress.glossary import Glossary, Term, parse_terms
from lingopress.masking import mask
from tests.conftest import REPO, Invoke, assert_one_line_error, newsletter, write

GLOSSARY = Glossary(
    [
        Term("paper", "论文", forbidden=("报纸",)),
        Term("Transformer", "Transformer", forbidden=("变形金刚", "变压器")),
        Term("Hugging Face", "Hugging Face", forbidden=("拥抱脸",)),
        Term("learning", "学习"),
        Term("self-supervised learning", "自监督学习"),
        Term("CNN", "CNN"),
        Term("study", "研究"),
    ]
)


def found(text: str) -> list[tuple[str, str]]:
    return [(text[f.start : f.end], f.term.source) for f in GLOSSARY.find(mask(text).text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two papers on Transformers.", [("papers", "paper"), ("Transformers", "Transformer")]),
        (
            "Long-range transformers, a Transformer's cost",
            [("transformers", "Transformer"), ("Transformer's", "Transformer")],
        ),
        (
            "Self-supervised learning beats learning",
            [("Self-supervised learning", "self-supervised learning"), ("learning", "learning")],
        ),
        ("**Transformer**-based models", [("Transformer", "Transformer")]),
        ("CNNs and cnn and newspaper", [("CNNs", "CNN")]),
        ("Hugging Face, not hugging face", [("Hugging Face", "Hugging Face")]),
        ("Two studies", [("studies", "study")]),
        ("paperwork and preprint", []),
    ],
)
def test_find_terms(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_terms_in_urls_and_code_are_not_terms() -> None:
    text = "See [the paper](https://x.org/paper) and `paper.py`."
    masked = mask(text).text
    assert [masked[f.start : f.end] for f in GLOSSARY.find(masked)] == ["paper"]


def test_problems_of_a_translation() -> None:
    assert GLOSSARY.problems("A paper on Transformers.", "一篇关于 Transformer 的论文。") == []
    assert GLOSSARY.problems("A paper on Transformers.", "一份关于变形金刚的报纸。") == [
        "'paper' should be translated as '论文'",
        "'paper' must not be rendered as '报纸'",
        "'Transformer' should be translated as 'Transformer'",
        "'Transformer' must not be rendered as '变形金刚'",
    ]


def test_parse_language_file() -> None:
    text = (
        "source,target,note,forbidden\n"
        'paper,论文,"a research paper, not a newspaper",报纸\n\n'
        '"multi\nline",多,,\nfine-tuning,微调,,\n'
    )
    terms = parse_terms(text, "zh.csv", verbatim=False)
    assert [(t.source, t.target, t.forbidden, t.line) for t in terms] == [
        ("paper", "论文", ("报纸",), 2),
        ("multi\nline", "多", (), 4),
        ("fine-tuning", "微调", (), 6),
    ]


BAD = {
    "header": ("source,target\npaper,论文\n", 1, "the first line must be the header"),
    "empty file": ("", 1, "the first line must be the header"),
    "fields": ("source,target,note,forbidden\npaper,论文\n", 2, "expected 4 fields"),
    "empty source": ("source,target,note,forbidden\n,论文,,\n", 2, "empty source term"),
    "empty target": ("source,target,note,forbidden\npaper,,,\n", 2, "'paper' has no target"),
    "duplicate": (
        "source,target,note,forbidden\npaper,论文,,\nx,y,,\nPaper,文章,,\n",
        4,
        "'Paper' is already defined on line 2",
    ),
    "target forbidden": (
        "source,target,note,forbidden\npaper,论文,,报纸|论文\n",
        2,
        "the target '论文' is also forbidden",
    ),
    "bad csv": ('source,target,note,forbidden\n"paper,论文,,\n', 2, "not valid CSV"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_glossary_rows(case: str) -> None:
    text, line, message = BAD[case]
    with pytest.raises(GlossaryError) as caught:
        parse_terms(text, "locales/zh-Hans/glossary.csv", verbatim=False)
    assert str(caught.value).startswith(f"locales/zh-Hans/glossary.csv:{line}: ")
    assert message in str(caught.value)


def test_verbatim_file() -> None:
    (term,) = parse_terms("source,note\nPyTorch,a library\n", "g.csv", verbatim=True)
    assert term.verbatim and term.exact_case and term.target == "PyTorch"


def test_glossary_check_command(project: Path, invoke: Invoke) -> None:
    write(project / "locales" / "glossary.csv", "source,note\nPyTorch,library\nCNN,network\n")
    write(
        project / "locales" / "es" / "glossary.csv",
        "source,target,note,forbidden\npaper,artículo,,papel\n",
    )
    result = invoke(["glossary", "check"], cwd=project)
    assert result.exit_code == 0
    assert result.output == (
        "locales/glossary.csv: 2 terms kept verbatim\n"
        "locales/es/glossary.csv: 1 terms, 1 forbidden renderings\n"
    )
    write(
        project / "locales" / "es" / "glossary.csv",
        "source,target,note,forbidden\npaper,artículo,,artículo\n",
    )
    assert_one_line_error(
        invoke(["glossary", "check"], cwd=project), "locales/es/glossary.csv:2: 'paper': the target"
    )


def test_check_finds_every_seed_failure_with_its_line(tmp_path: Path, invoke: Invoke) -> None:
    """The seed's mistakes (our sentences, its renderings) are each reported at their line."""
    root = newsletter(tmp_path, glossaries=True)
    for issue in (root / "issues").glob("*.md"):
        issue.unlink()
    fixture = (REPO / "tests" / "fixtures" / "seed-failures.zh-Hans.po").read_text("utf-8")
    write(root / "locales" / "zh-Hans" / "seed.po", fixture)
    template = polib.pofile(fixture)
    for entry in template:
        entry.msgstr = ""
    write(root / "locales" / "templates" / "seed.pot", str(template))
    result = invoke(["check", "--lang", "zh-Hans"], cwd=root)
    assert result.exit_code == 1
    reported: dict[str, set[int]] = {}
    for report in result.stdout.splitlines():
        found = re.fullmatch(r"locales/zh-Hans/seed\.po:(\d+): error glossary: .*'(.+)'", report)
        if found:
            reported.setdefault(found.group(2), set()).add(int(found.group(1)))
    lines = fixture.splitlines()
    seed = ("报纸", "变形金刚", "拥抱脸", "远程变压器", "深度打假", "canie", "标记化", "效率网")
    for rendering in seed:
        # the msgid line of each entry whose msgstr (the next line) holds the rendering
        at = {n for n in range(1, len(lines)) if lines[n - 1].startswith("msgid ")}
        assert reported.get(rendering) == {n for n in at if rendering in lines[n]}, rendering
    print(f"seed failures reported: {sorted(reported)}")
