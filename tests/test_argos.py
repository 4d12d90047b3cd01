"""The Argos engine for real: the project's tiny en→qps package on CTranslate2.

The package (``tests/fixtures/translate-en_qps.argosmodel``) is a small Transformer
that ``scripts/build_test_model.py`` trained to translate English into the pseudo
language of :func:`lingopress.engines.pseudo.pseudo_text`, so its output can be checked
sentence by sentence.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lingopress.catalog import read_catalog
from lingopress.engines import EngineOptions, choose_engine
from lingopress.engines.argos import ArgosEngine, engine_for
from lingopress.engines.pseudo import pseudo_text
from lingopress.languages import parse_language
from lingopress.masking import mask
from lingopress.sentences import split_sentences
from tests.conftest import REPO, Invoke

FIXTURE = REPO / "tests" / "fixtures" / "translate-en_qps.argosmodel"


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "packages"
    folder.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


def fake_package(folder: Path, source: str, target: str) -> None:
    """A package folder with metadata only: enough to be found, not to translate."""
    path = folder / f"translate-{source}_{target}"
    (path / "model").mkdir(parents=True)
    metadata = {"from_code": source, "to_code": target, "package_version": "1.0"}
    (path / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")


def test_auto_prefers_argos_and_pivots_through_english(packages: Path) -> None:
    de, ja, es = (parse_language(tag) for tag in ("de", "ja", "es"))
    assert engine_for(de, ja, EngineOptions()) is None
    fake_package(packages, "de", "en")
    fake_package(packages, "en", "ja")
    pivot = engine_for(de, ja, EngineOptions())
    assert isinstance(pivot, ArgosEngine)
    assert pivot.model == "translate-de_en 1.0 + translate-en_ja 1.0"
    fake_package(packages, "en", "es")
    assert choose_engine("auto", parse_language("en"), es).name == "argos"
    zh = engine_for(parse_language("en"), parse_language("zh-Hans"), EngineOptions())
    assert zh is None
    fake_package(packages, "en", "zh")
    assert isinstance(
        engine_for(parse_language("en"), parse_language("zh-Hans"), EngineOptions()), ArgosEngine
    )


needs_fixture = pytest.mark.skipif(not FIXTURE.is_file(), reason="the fixture package is not built")


@needs_fixture
def test_fixture_installs_and_translates_the_newsletter(
    tmp_path: Path, packages: Path, invoke: Invoke
) -> None:
    installed = invoke(["models", "install", str(FIXTURE)])
    assert installed.exit_code == 0, installed.output
    assert "en -> qps" in invoke(["models", "list"]).output
    root = tmp_path / "weekly"
    root.mkdir()
    config = (REPO / "lingopress.toml").read_text(encoding="utf-8")
    (root / "lingopress.toml").write_text(
        config + '\n[languages.qps]\nengine = "argos"\npublish = "machine"\n', encoding="utf-8"
    )
    shutil.copytree(REPO / "issues", root / "issues")
    invoke(["extract"], cwd=root)
    invoke(["update", "--lang", "qps"], cwd=root)
    result = invoke(["translate", "--engine", "argos", "--lang", "qps"], cwd=root)
    assert result.exit_code == 0, result.output
    assert "with argos translate-en_qps" in result.output
    sentences = right = 0
    for path in sorted((root / "locales" / "qps").glob("*.po")):
        for entry in read_catalog(path, path.name):
            if not entry.msgstr:
                assert "MT failed: " in entry.tcomment  # refused, never written broken
                continue
            assert "MT: argos translate-en_qps" in entry.tcomment and entry.fuzzy
            assert sorted(mask(entry.msgstr).spans) == sorted(mask(entry.msgid).spans)
            expected = [pseudo_text(s) for s in split_sentences(mask(entry.msgid).text)]
            produced = mask(entry.msgstr).text
            for sentence in expected:
                sentences += 1
                right += sentence in produced
    assert sentences > 400
    print(f"pseudo-language rule met by {right} of {sentences} sentences ({right / sentences:.1%})")
    assert right / sentences >= 0.9


@needs_fixture
def test_engine_batches_and_keeps_placeholders(packages: Path, invoke: Invoke) -> None:
    invoke(["models", "install", str(FIXTURE)])
    engine = choose_engine("argos", parse_language("en"), parse_language("qps"))
    sentences = ["The model uses ⟨0⟩attention⟨1⟩.", "Papers about training.", "Data from 2024."]
    translations = engine.translate(sentences)
    assert len(translations) == 3
    assert "⟨0⟩" in translations[0] and "⟨1⟩" in translations[0]
    assert sum(t == pseudo_text(s) for s, t in zip(sentences, translations, strict=True)) >= 2
    alternatives = engine.alternatives(sentences[:1], 3)
    assert 1 <= len(alternatives[0]) <= 3
