"""Glossaries enforced during machine translation, for every engine.

Apertium (en→es) is a real engine with real mistakes: ``papel`` for "paper", "Hugging
la cara", "Transformador". The project's tiny Argos model (en→qps) shows masking
through SentencePiece and CTranslate2, and ``suppress_sequences`` in decoding. Fake
engines check only the choice between hypotheses.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from lingopress.catalog import read_catalog
from lingopress.config import load_config
from lingopress.engines import choose_engine
from lingopress.glossary import Glossary, Term, contains_rendering, read_glossary
from lingopress.languages import parse_language
from lingopress.masking import mask
from lingopress.translation import FAILED_COMMENT, machine_translate
from tests.conftest import REPO, Invoke, newsletter, write

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="Apertium is not installed"
)
SENTENCES = REPO / "tests" / "fixtures" / "ml-sentences.txt"
FIXTURE = REPO / "tests" / "fixtures" / "translate-en_qps.argosmodel"
PAPER = Term("paper", "artículo", forbidden=("papel", "papeles"))


def terms_right(glossary: Glossary, sources: Sequence[str], outputs: Sequence[str]) -> list[bool]:
    """For each glossary term in each source: is it rendered as the glossary says?

    A line left in English counts as wrong for all its terms.
    """
    verdicts = []
    for source, output in zip(sources, outputs, strict=True):
        for found in glossary.find(mask(source).text):
            wrong = output == source or glossary.problems(found.term.source, output)
            verdicts.append(not wrong)
    return verdicts


@needs_apertium
def test_apertium_gets_every_term_right_with_the_glossary_and_not_without(
    invoke: Invoke,
) -> None:
    sources = SENTENCES.read_text(encoding="utf-8").splitlines()
    assert len(sources) >= 50
    text = "\n".join(sources)
    command = ["--project", str(REPO), "mt", "--to", "es", "--engine", "apertium"]
    with_glossary = invoke(command, input=text)
    without = invoke([*command, "--no-glossary"], input=text)
    assert with_glossary.exit_code == 0 and without.exit_code == 0
    assert with_glossary.stderr == ""  # no line kept in English
    glossary = read_glossary(load_config(REPO).paths, "es")
    good = terms_right(glossary, sources, with_glossary.stdout.splitlines())
    bad = terms_right(glossary, sources, without.stdout.splitlines())
    print(
        f"terms rendered as the glossary says, {len(sources)} sentences: "
        f"{sum(good)}/{len(good)} with the glossary, {sum(bad)}/{len(bad)} without"
    )
    assert len(good) >= 100 and all(good)
    assert sum(bad) < len(bad) / 2
    for known_error in ("papel", "Hugging la cara", "Transformador", "búsqueda de viga"):
        assert contains_rendering(without.stdout, known_error), known_error
    assert "artículos" in with_glossary.stdout  # "papers": the target made plural


class Stubborn:
    """An engine whose best hypothesis says ``papel``; its second one is right."""

    name = "stubborn"
    model = "test"

    def __init__(self, second: str = "el artículo") -> None:
        self.second = second
        self.avoided: list[Sequence[str]] = []

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return [s.replace("The paper", "el papel") for s in sentences]

    def alternatives(
        self, sentences: Sequence[str], count: int, avoid: Sequence[Sequence[str]] = ()
    ) -> list[list[str]]:
        self.avoided.extend(avoid)
        return [[self.translate([s])[0], s.replace("The paper", self.second)] for s in sentences]


def test_a_hypothesis_with_a_forbidden_rendering_gives_way_to_the_next() -> None:
    engine = Stubborn()
    (outcome,) = machine_translate(["The paper"], engine, "es", Glossary([PAPER], "es"))
    assert outcome.translation == "el artículo"
    assert engine.avoided == [("papel", "papeles")]  # what Argos would suppress
    (unchecked,) = machine_translate(["The paper"], Stubborn(), "es")
    assert unchecked.translation == "el papel"


def test_a_term_that_cannot_be_enforced_leaves_the_text_untranslated() -> None:
    glossary = Glossary([PAPER, Term("GPU", "GPU", forbidden=("el GPU",))], "es")
    (outcome,) = machine_translate(["The paper"], Stubborn("el papel"), "es", glossary)
    assert outcome.translation == "The artículo"  # masked: the term came back as its target
    (gpu,) = machine_translate(["The GPU"], Stubborn(), "es", glossary)
    assert gpu.translation == "The GPU"  # a verbatim term, nothing forbidden: kept
    (stuck,) = machine_translate(["el GPU paper"], Stubborn(), "es", glossary)
    assert stuck.translation is None
    assert stuck.problem == "glossary: 'GPU' must not be rendered as 'el GPU'"


def test_masked_terms_come_back_capitalised_and_plural_where_the_source_was() -> None:
    class Echo(Stubborn):
        def translate(self, sentences: Sequence[str]) -> list[str]:
            return ["papel " + s if "⟨" not in s else s for s in sentences]

    glossary = Glossary([PAPER], "es")
    (outcome,) = machine_translate(["Papers and a paper's code."], Echo(), "es", glossary)
    assert outcome.translation == "Artículos and a artículo code."


@needs_apertium
def test_a_forbidden_rendering_apertium_cannot_avoid_is_marked_not_written(
    project: Path, invoke: Invoke
) -> None:
    write(project / "issues" / "first.md", "# First\n\nKeep the GPU busy.\n\nThe paper.\n")
    write(project / "locales" / "glossary.csv", "source,note\nGPU,processor\n")
    write(
        project / "locales" / "es" / "glossary.csv",
        "source,target,note,forbidden\nGPU,GPU,feminine,el GPU\npaper,artículo,,papel\n",
    )
    (project / "lingopress.toml").write_text(
        (project / "lingopress.toml").read_text().replace("pseudo", "apertium")
    )
    for verb in (["extract"], ["update"], ["translate"]):
        assert invoke(verb, cwd=project).exit_code == 0
    entries = {e.msgid: e for e in read_catalog(project / "locales/es/first.po", "first.po")}
    busy, paper = entries["Keep the GPU busy."], entries["The paper."]
    assert busy.msgstr == "" and not busy.fuzzy
    assert f"{FAILED_COMMENT}glossary: 'GPU' must not be rendered as 'el GPU'" in busy.tcomment
    assert paper.msgstr == "El artículo." and paper.fuzzy
    catalog = project / "locales/es/first.po"  # an older machine translation, made without it
    old = 'msgid "Keep the GPU busy."\nmsgstr ""'
    older = '#, fuzzy\nmsgid "Keep the GPU busy."\nmsgstr "Mantener el GPU ocupado."'
    text = catalog.read_text().replace("# MT failed: glossary: 'GPU' must not", "# MT: apertium x")
    catalog.write_text(text.replace(old, older))
    assert invoke(["translate", "--retranslate-fuzzy"], cwd=project).exit_code == 0
    retried = {e.msgid: e for e in read_catalog(catalog, "first.po")}["Keep the GPU busy."]
    assert retried.msgstr == "" and not retried.fuzzy and FAILED_COMMENT in retried.tcomment
    reviewed = catalog.read_text().replace(
        old, 'msgid "Keep the GPU busy."\nmsgstr "Ocupa la GPU."'
    )
    catalog.write_text(reviewed)  # a translator's work is never retried away
    assert invoke(["translate", "--retranslate-fuzzy"], cwd=project).exit_code == 0
    assert 'msgstr "Ocupa la GPU."' in catalog.read_text()


@needs_apertium
def test_translate_on_the_bundled_newsletter_breaks_no_glossary_rule(
    tmp_path: Path, invoke: Invoke
) -> None:
    root = newsletter(tmp_path, glossaries=True)
    for verb in (["extract"], ["update", "--lang", "es"], ["translate", "--lang", "es"]):
        assert invoke(verb, cwd=root).exit_code == 0
    glossary = read_glossary(load_config(root).paths, "es")
    forbidden = [rendering for term in glossary.terms for rendering in term.forbidden]
    translated = failed = 0
    for path in sorted((root / "locales" / "es").glob("*.po")):
        for entry in read_catalog(path, path.name):
            if FAILED_COMMENT in (entry.tcomment or ""):
                failed += 1
            if not entry.msgstr:
                continue
            translated += 1
            assert glossary.problems(entry.msgid, entry.msgstr) == [], (path, entry.linenum)
            assert not [r for r in forbidden if contains_rendering(entry.msgstr, r)]
    print(f"bundled newsletter, es: {translated} entries translated, {failed} left untranslated")
    assert translated > 300 and failed < translated / 50


def test_the_argos_fixture_model_honours_the_glossary(packages: Path, invoke: Invoke) -> None:
    assert invoke(["models", "install", str(FIXTURE)]).exit_code == 0
    engine = choose_engine("argos", parse_language("en"), parse_language("qps"))
    sentences = ["The paper is about attention.", "A new paper on Transformers."]
    plain = engine.translate(sentences)
    assert "páápéér" in plain[0] and "Tráánsfóórméérs" in plain[1]  # the model's own words
    suppressed = engine.alternatives(sentences, 4, [["páápéér"], ["páápéér"]])
    assert all("páápéér" not in text for options in suppressed for text in options)
    glossary = Glossary(
        [Term("paper", "PÁPÉR", forbidden=("páápéér",)), Term("Transformer", "Transformer")],
        "qps",
    )
    outcomes = machine_translate(sentences, engine, "qps", glossary)
    assert [outcome.translation for outcome in outcomes] == [
        "⟦ Théé PÁPÉR íís áábóóúút ááttééntííóón. ⟧",
        "⟦ ÁÁ nééw PÁPÉR óón Transformers. ⟧",
    ]
