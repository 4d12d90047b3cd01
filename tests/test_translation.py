"""The translate stage and the mt verb, with real engines: Apertium (en→es) and pseudo."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from lingopress.catalog import read_catalog
from lingopress.engines.pseudo import pseudo_text
from lingopress.masking import mask
from lingopress.translation import machine_translate
from tests.conftest import REPO, Invoke, assert_one_line_error, newsletter, write

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="Apertium is not installed"
)
needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext is not installed"
)
LINGOPRESS = Path(sys.executable).parent / "lingopress"


def protected(text: str) -> list[str]:
    """The spans an engine must not touch: link targets, URLs, code, image paths..."""
    return sorted(mask(text).spans)


@needs_apertium
def test_apertium_translates_every_catalog_and_keeps_every_protected_span(
    tmp_path: Path, invoke: Invoke
) -> None:
    root = newsletter(tmp_path)
    invoke(["extract"], cwd=root)
    invoke(["update", "--lang", "es"], cwd=root)
    result = invoke(["translate", "--lang", "es"], cwd=root)
    assert result.exit_code == 0, result.output
    assert "es: 365 segments" in result.output and "apertium eng-spa" in result.output
    checked = refused = 0
    for path in sorted((root / "locales" / "es").glob("*.po")):
        for entry in read_catalog(path, path.name):
            if entry.msgid_plural:
                continue  # plural forms are for translators: MT leaves them alone
            if not entry.msgstr:  # refused: Apertium broke it (e.g. lost a strikethrough)
                assert "MT failed: markdown: " in entry.tcomment, entry.msgid
                refused += 1
                continue
            assert entry.fuzzy and "MT: apertium eng-spa" in entry.tcomment
            assert protected(entry.msgstr) == protected(entry.msgid), entry.msgid
            checked += 1
    assert checked + refused == 365 and refused <= 2
    again = invoke(["translate", "--lang", "es"], cwd=root)
    assert again.output == "es: nothing to translate\n"


@needs_apertium
def test_mt_reads_lines_and_keeps_markup(invoke: Invoke) -> None:
    lines = (
        "The [paper](https://arxiv.org/abs/1) uses `torch.compile`.\nGood results on ImageNet.\n"
    )
    result = invoke(["mt", "--to", "es", "--engine", "apertium"], input=lines)
    assert result.exit_code == 0
    first, second = result.stdout.splitlines()
    assert "](https://arxiv.org/abs/1)" in first and "`torch.compile`" in first
    assert first != lines.splitlines()[0] and second


def test_pseudo_engine_through_translate(tmp_path: Path, invoke: Invoke) -> None:
    root = newsletter(tmp_path, '\n[languages.qps]\nengine = "pseudo"\npublish = "machine"\n')
    invoke(["extract"], cwd=root)
    invoke(["update", "--lang", "qps"], cwd=root)
    dry = invoke(["translate", "--lang", "qps", "--dry-run"], cwd=root)
    assert dry.output == "qps: would translate 365 segments with pseudo lingopress-pseudo-1\n"
    assert "MT: " not in (root / "locales" / "qps" / "2024-w10.po").read_text(encoding="utf-8")
    assert invoke(["translate", "--lang", "qps"], cwd=root).exit_code == 0
    catalog = read_catalog(root / "locales" / "qps" / "2024-w10.po", "2024-w10.po")
    heading = next(e for e in catalog if e.msgid == "Papers")
    assert heading.msgstr == pseudo_text("Papers")
    for entry in catalog:
        assert protected(entry.msgstr) == protected(entry.msgid)


class Forgetful:
    """An engine that drops placeholders on its first answers, as weak models do."""

    name = "forgetful"
    model = "test"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [s.replace("⟨0⟩", "") if len(self.calls) == 1 else s.upper() for s in sentences]

    def alternatives(
        self, sentences: Sequence[str], count: int, avoid: Sequence[Sequence[str]] = ()
    ) -> list[list[str]]:
        return [[s.replace("⟨0⟩", "")] for s in sentences]


def test_lost_placeholders_fall_back_to_pieces() -> None:
    engine = Forgetful()
    (outcome,) = machine_translate(["Run `make` then `test` now."], engine, "es")
    assert outcome.translation == "RUN `make` THEN `test` NOW."
    assert engine.calls[-1] == ["Run", "then", "now."]


def test_a_text_that_cannot_be_verified_is_left_untranslated() -> None:
    class Hopeless(Forgetful):
        def translate(self, sentences: Sequence[str]) -> list[str]:
            return ["⟨9⟩" for _ in sentences]

    (outcome,) = machine_translate(["Run `make` now."], Hopeless(), "es")
    assert outcome.translation is None and "link, URL or code span" in outcome.problem


def test_hard_breaks_and_sentences_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from lingopress.engines.pseudo import PseudoEngine

    (outcome,) = machine_translate(["One. Two  \nThree\nfour"], PseudoEngine(), "qps")
    assert outcome.translation == "⟦ ÓÓnéé. ⟧ ⟦ Twóó ⟧  \n⟦ Thréééé fóóúúr ⟧"


def test_no_engine_is_reported_not_fatal(
    tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "none"))
    root = newsletter(tmp_path)
    invoke(["extract"], cwd=root)
    invoke(["update", "--lang", "ja"], cwd=root)
    result = invoke(["translate", "--lang", "ja"], cwd=root)
    assert result.exit_code == 0
    assert "ja: 365 segments left untranslated: no engine translates en to ja" in result.output
    assert_one_line_error(
        invoke(["translate", "--lang", "ja", "--engine", "argos"], cwd=root),
        "no Argos package translates en to ja",
    )


def test_translate_needs_catalogs(project: Path, invoke: Invoke) -> None:
    assert_one_line_error(
        invoke(["translate"], cwd=project), "no catalogs for es: run 'lingopress update' first"
    )


@needs_apertium
@needs_gettext
def test_killed_translate_leaves_valid_catalogs_and_resumes(tmp_path: Path) -> None:
    root = newsletter(tmp_path)
    for extra in range(4):  # more catalogs, so that the kill lands between two of them
        text = (REPO / "issues" / "2024-w12.md").read_text(encoding="utf-8")
        write(root / "issues" / f"2024-x{extra}.md", text.replace("Week 12", f"Extra {extra}"))
    subprocess.run([str(LINGOPRESS), "extract"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [str(LINGOPRESS), "update", "--lang", "es"], cwd=root, check=True, capture_output=True
    )
    catalogs = sorted((root / "locales" / "es").glob("*.po"))
    before = {path: path.stat().st_mtime_ns for path in catalogs}
    process = subprocess.Popen(
        [str(LINGOPRESS), "translate", "--lang", "es"], cwd=root, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and all(p.stat().st_mtime_ns == before[p] for p in catalogs):
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = [path for path in catalogs if path.stat().st_mtime_ns != before[path]]
    assert 0 < len(done) < len(catalogs), "the kill should land in the middle of the run"
    for path in catalogs:
        checked = subprocess.run(
            ["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null", str(path)], capture_output=True
        )
        assert checked.returncode == 0, checked.stderr
    finished = {path: path.read_bytes() for path in done}
    result = subprocess.run(
        [str(LINGOPRESS), "translate", "--lang", "es"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"in {len(catalogs) - len(done)} catalogs" in result.stdout or len(done) == len(catalogs)
    assert {path: path.read_bytes() for path in done} == finished
    for path in catalogs:  # every entry done: translated, or refused with the reason
        for entry in read_catalog(path, path.name):
            assert entry.msgstr or entry.msgid_plural or "MT failed: " in entry.tcomment
