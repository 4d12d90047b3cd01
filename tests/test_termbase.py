"""Glossary exchange (TBX v2/v3, CSV) and term suggestions: lingopress.termbase and its verbs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lingopress.config import load_config
from lingopress.errors import GlossaryError
from lingopress.glossary import read_terms
from lingopress.termbase import parse_xml
from tests.conftest import MINIMAL_CONFIG, Invoke, assert_one_line_error, tree_snapshot, write

TWO_LANGUAGES = MINIMAL_CONFIG + '\n[languages.zh-Hans]\nengine = "pseudo"\n'
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS = "termNote[@type='administrativeStatus']"

VERBATIM = (
    'source,note\nPyTorch,"deep learning library, never translated"\nTransformer,\nStanford,\n'
)
SPANISH = (
    "source,target,note,forbidden\n"
    "paper,artículo,a research paper,papel|periódico\n"
    "fine-tuning,ajuste fino,,\n"
)
CHINESE = (
    "source,target,note,forbidden\n"
    "Transformer,Transformer,the architecture,变形金刚|变压器\n"
    "paper,论文,,报纸\n"
    "Stanford,斯坦福,,\n"
)

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
  <tbxHeader><fileDesc><sourceDesc><p>hand-written</p></sourceDesc></fileDesc></tbxHeader>
  <text>
    <body>
      <conceptEntry id="c1">
        <descrip type="definition">a research article</descrip>
        <langSec xml:lang="en-US">
          <termSec><term>paper</term></termSec>
        </langSec>
        <langSec xml:lang="es-ES">
          <termSec>
            <term>artículo</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </termSec>
          <termSec>
            <term>papel</term>
            <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
          </termSec>
        </langSec>
        <langSec xml:lang="fr"><termSec><term>article</term></termSec></langSec>
      </conceptEntry>
      <conceptEntry id="c2">
        <langSec xml:lang="en"><termSec><term>GPU</term></termSec></langSec>
        <langSec xml:lang="es"><termSec><term>GPU</term></termSec></langSec>
      </conceptEntry>
      <conceptEntry id="c3">
        <langSec xml:lang="en"><termSec><term>Hugging Face</term></termSec></langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""


def glossary_project(root: Path, config: str = TWO_LANGUAGES, terms: bool = True) -> Path:
    """A project with Spanish and Chinese, and (unless ``terms`` is false) their glossaries."""
    write(root / "lingopress.toml", config)
    write(root / "issues" / "first.md", "# First\n\nHello.\n")
    if terms:
        write(root / "locales" / "glossary.csv", VERBATIM)
        write(root / "locales" / "es" / "glossary.csv", SPANISH)
        write(root / "locales" / "zh-Hans" / "glossary.csv", CHINESE)
    return root


def glossaries(root: Path) -> dict[str, set[tuple[str, str, str, tuple[str, ...]]]]:
    """Every glossary file of a project as a set of rows, by language ('' for verbatim)."""
    paths = load_config(root).paths
    found = {"": read_terms(paths.glossary, paths, verbatim=True)}
    for tag in ("es", "zh-Hans"):
        found[tag] = read_terms(paths.language_glossary(tag), paths, verbatim=False)
    return {
        tag: {(t.source, t.target, t.note, t.forbidden) for t in terms}
        for tag, terms in found.items()
    }


def test_tbx_export_has_the_tbx_basic_structure(invoke: Invoke, tmp_path: Path) -> None:
    root = glossary_project(tmp_path / "news")
    result = invoke(["glossary", "export", "--format", "tbx"], cwd=root)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    martif = ET.fromstring(result.stdout_bytes)
    assert martif.tag == "martif"
    assert (martif.get("type"), martif.get(XML_LANG)) == ("TBX-Basic", "en")
    assert martif.find("martifHeader/fileDesc/sourceDesc/p") is not None
    entries = martif.findall("text/body/termEntry")
    sources = [e.findtext("langSet[1]/tig/term") for e in entries]
    assert sources == ["PyTorch", "Transformer", "Stanford", "paper", "fine-tuning"]
    languages = [[s.get(XML_LANG) for s in e.findall("langSet")] for e in entries]
    assert languages[:4] == [["en", "es", "zh-Hans"]] * 4
    assert languages[4] == ["en", "es"]  # no Chinese rendering
    pytorch = entries[0]
    assert pytorch.findtext("langSet/descrip[@type='definition']") == (
        "deep learning library, never translated"
    )
    assert [s.findtext("tig/term") for s in pytorch.findall("langSet")] == ["PyTorch"] * 3
    paper = entries[3]
    spanish = next(s for s in paper.findall("langSet") if s.get(XML_LANG) == "es")
    tigs = [(t.findtext("term"), t.findtext(STATUS), t.findtext("note")) for t in spanish]
    assert tigs == [
        ("artículo", "preferredTerm-admn-sts", "a research paper"),
        ("papel", "deprecatedTerm-admn-sts", None),
        ("periódico", "deprecatedTerm-admn-sts", None),
    ]
    statuses = [tig.findtext(STATUS) for tig in martif.iter("tig")]
    assert statuses.count("deprecatedTerm-admn-sts") == 5
    assert statuses.count("preferredTerm-admn-sts") == len(statuses) - 5
    again = invoke(["glossary", "export", "--format", "tbx"], cwd=root)
    assert again.stdout_bytes == result.stdout_bytes  # deterministic


def test_tbx_round_trip_into_an_empty_project(invoke: Invoke, tmp_path: Path) -> None:
    original = glossary_project(tmp_path / "news")
    exported = tmp_path / "terms.tbx"
    result = invoke(["glossary", "export", "--format", "tbx", "--out", str(exported)], cwd=original)
    assert result.exit_code == 0, result.output
    empty = glossary_project(tmp_path / "empty", terms=False)
    imported = invoke(["glossary", "import", str(exported)], cwd=empty)
    assert imported.exit_code == 0, imported.output
    assert "locales/glossary.csv: 3 added, 0 skipped" in imported.stdout
    assert "locales/es/glossary.csv: 2 added" in imported.stdout
    assert "locales/zh-Hans/glossary.csv: 3 added" in imported.stdout
    assert glossaries(empty) == glossaries(original)
    assert invoke(["glossary", "check"], cwd=empty).exit_code == 0
    before = tree_snapshot(empty)
    twice = invoke(["glossary", "import", str(exported)], cwd=empty)
    assert "locales/es/glossary.csv: 0 added, 2 skipped (already there)" in twice.stdout
    assert tree_snapshot(empty) == before


def test_import_with_lang_writes_only_that_language(invoke: Invoke, tmp_path: Path) -> None:
    original = glossary_project(tmp_path / "news")
    exported = tmp_path / "terms.tbx"
    invoke(["glossary", "export", "--format", "tbx", "--out", str(exported)], cwd=original)
    empty = glossary_project(tmp_path / "empty", terms=False)
    result = invoke(["glossary", "import", str(exported), "--lang", "es"], cwd=empty)
    assert result.exit_code == 0, result.output
    assert "not configured" not in result.stdout
    assert sorted(p.relative_to(empty).as_posix() for p in empty.rglob("*.csv")) == [
        "locales/es/glossary.csv"
    ]
    spanish = glossaries(empty)["es"]
    assert ("paper", "artículo", "a research paper", ("papel", "periódico")) in spanish
    assert ("Stanford", "Stanford", "", ()) in spanish  # kept as a row: only es was asked for
    assert len(spanish) == 5


def test_tbx3_import(invoke: Invoke, project: Path) -> None:
    write(project / "terms.tbx", TBX3)
    result = invoke(["glossary", "import", "terms.tbx"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "not configured, left out: fr" in result.stdout
    spanish = (project / "locales" / "es" / "glossary.csv").read_text(encoding="utf-8")
    assert spanish == "source,target,note,forbidden\npaper,artículo,a research article,papel\n"
    verbatim = (project / "locales" / "glossary.csv").read_text(encoding="utf-8")
    assert verbatim == "source,note\nGPU,\nHugging Face,\n"
    assert invoke(["glossary", "check"], cwd=project).exit_code == 0


def test_weblate_csv_import_merges_without_duplicates(invoke: Invoke, project: Path) -> None:
    existing = "source,target,note,forbidden\npaper,artículo,ours,papel\n"
    write(project / "locales" / "es" / "glossary.csv", existing)
    write(
        project / "weblate.csv",
        "source,target,context,developer_comments\n"
        "paper,documento,,theirs\n"
        "attention head,cabeza de atención,,mechanism\n"
        "benchmark,,,untranslated in Weblate\n"
        '"token, sub-word",token,,\n',
    )
    result = invoke(["glossary", "import", "weblate.csv"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "locales/es/glossary.csv: 2 added, 1 skipped (already there)" in result.stdout
    assert "ignored: 1 entries" in result.stdout
    text = (project / "locales" / "es" / "glossary.csv").read_text(encoding="utf-8")
    assert text == existing + (
        'attention head,cabeza de atención,mechanism,\n"token, sub-word",token,,\n'
    )


def test_csv_export_is_weblates_layout(invoke: Invoke, tmp_path: Path) -> None:
    root = glossary_project(tmp_path / "news")
    several = invoke(["glossary", "export", "--format", "csv"], cwd=root)
    assert several.exit_code == 2
    assert "--format csv exports one language" in several.stderr
    result = invoke(["glossary", "export", "--format", "csv", "--lang", "es"], cwd=root)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "source,target,developer_comments",
        'PyTorch,PyTorch,"deep learning library, never translated"',
        "Transformer,Transformer,",
        "Stanford,Stanford,",
        "paper,artículo,a research paper",
        "fine-tuning,ajuste fino,",
    ]


def test_a_csv_of_one_language_needs_lang(invoke: Invoke, tmp_path: Path) -> None:
    root = glossary_project(tmp_path / "news", terms=False)
    write(root / "terms.csv", "source,target\npaper,artículo\n")
    before = tree_snapshot(root)
    result = invoke(["glossary", "import", "terms.csv"], cwd=root)
    assert_one_line_error(result, "terms.csv: a CSV glossary holds one language: give --lang")
    assert tree_snapshot(root) == before
    ok = invoke(["glossary", "import", "terms.csv", "--lang", "es"], cwd=root)
    assert ok.exit_code == 0, ok.output
    assert (root / "locales" / "es" / "glossary.csv").is_file()
    assert not (root / "locales" / "zh-Hans" / "glossary.csv").exists()


BAD_INPUTS = {
    "malformed": (
        "bad.tbx",
        "<martif>\n<text><body>\n<termEntry>\n</body></text></martif>\n",
        "bad.tbx:4: not well-formed XML: mismatched tag",
    ),
    "billion laughs": (
        "bomb.tbx",
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        "<martif><text><body>&lol2;</body></text></martif>\n",
        "bomb.tbx:2: refused: XML with a DOCTYPE or ENTITY declaration",
    ),
    "entity without doctype": (
        "entity.tbx",
        '<martif>\n<!ENTITY x "y">\n</martif>\n',
        "entity.tbx:2: refused: XML with a DOCTYPE or ENTITY declaration",
    ),
    "not tbx": (
        "other.xml",
        "<?xml version='1.0'?>\n<xliff/>\n",
        "other.xml:2: not TBX: the root element is <xliff>",
    ),
    "empty term": (
        "empty.tbx",
        '<martif><text><body>\n<termEntry>\n<langSet xml:lang="en">\n'
        "<tig><term> </term></tig>\n</langSet></termEntry></body></text></martif>\n",
        "empty.tbx:4: <tig> without a term",
    ),
    "forbidden target": (
        "contradiction.csv",
        "source,target,note,forbidden\npaper,papel,,papel\n",
        "contradiction.csv:2: 'paper': the target 'papel' is also forbidden",
    ),
    "unknown csv": (
        "odd.csv",
        "term,meaning\nx,y\n",
        "odd.csv:1: unknown CSV header",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_one_line_and_no_write(
    invoke: Invoke, project: Path, case: str
) -> None:
    name, text, message = BAD_INPUTS[case]
    write(project / name, text)
    before = tree_snapshot(project)
    result = invoke(["glossary", "import", name], cwd=project)
    assert_one_line_error(result, message)
    assert tree_snapshot(project) == before


def test_the_parser_refuses_a_doctype_the_text_check_cannot_see() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<x/>'
    with pytest.raises(GlossaryError, match="refused: XML with a DOCTYPE or ENTITY declaration"):
        parse_xml(data.encode("utf-16"), "x.tbx")


def test_parse_xml_keeps_lines() -> None:
    root, lines = parse_xml(b"<a>\n  <b/>\n\n  <c>x</c>\n</a>", "x.xml")
    assert [(element.tag, lines[element]) for element in root.iter()] == [
        ("a", 1),
        ("b", 2),
        ("c", 4),
    ]


ISSUE_A = """---
title: Week one
---

# FlashAttention and friends

FlashAttention makes attention fast, and GPT-4 reads it all. We fine-tuned with LoRA
on a small GPU budget; see `FooBarNet` in the code and https://example.org/QuuxNet for
the weights. Meanwhile the team at Stable Diffusion tried speculative decoding.

A paper on PyTorch compares mixture of experts with speculative decoding.
"""

ISSUE_B = """# Week two

More on FlashAttention and LoRA adapters. The paper uses mixture of experts again,
and Whisper does speculative decoding too.
"""


def test_suggest_finds_names_acronyms_and_phrases(invoke: Invoke, project: Path) -> None:
    write(project / "issues" / "first.md", ISSUE_A)
    write(project / "issues" / "second.md", ISSUE_B)
    write(project / "locales" / "glossary.csv", "source,note\nPyTorch,\nGPU,\n")
    spanish = "source,target,note,forbidden\npaper,artículo,,\n"
    write(project / "locales" / "es" / "glossary.csv", spanish)
    result = invoke(["glossary", "suggest"], cwd=project)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    terms = [line[6:].partition("  (issues: ")[0] for line in lines]
    assert lines[0] == "   3  FlashAttention  (issues: first, second)"
    assert terms[:4] == ["FlashAttention", "speculative decoding", "LoRA", "mixture of experts"]
    assert {"GPT-4", "Stable Diffusion", "Whisper"} <= set(terms)
    for absent in ("PyTorch", "GPU", "paper", "FooBarNet", "QuuxNet", "Meanwhile", "We"):
        assert absent not in terms, absent
    assert "   3  speculative decoding  (issues: first, second)" in lines
    limited = invoke(["glossary", "suggest", "--limit", "2"], cwd=project)
    assert limited.stdout.splitlines() == lines[:2]
