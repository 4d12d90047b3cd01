"""``lingopress run``, the main job: every stage on the bundled newsletter, incrementally."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from lingopress import engines
from tests.conftest import REPO, Invoke, write

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="Apertium is not installed"
)
LANGUAGES = ("zh-Hans", "ja", "es", "ar")


def bundled_project(tmp_path: Path) -> Path:
    """The bundled newsletter as committed: config, issues, templates and catalogs."""
    root = tmp_path / "weekly"
    root.mkdir()
    shutil.copy(REPO / "lingopress.toml", root)
    for folder in ("issues", "templates", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def modification_times(root: Path) -> dict[str, int]:
    """Every file of a project with its modification time in nanoseconds."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def count_engine_choices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every engine the translate stage asks for."""
    chosen: list[str] = []

    def counting(choice: str, *args: Any, **kwargs: Any) -> Any:
        chosen.append(choice)
        return engines.choose_engine(choice, *args, **kwargs)

    monkeypatch.setattr("lingopress.translation.choose_engine", counting)
    return chosen


@needs_apertium
def test_run_builds_the_site_then_a_second_run_does_nothing(
    tmp_path: Path, invoke: Invoke, packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = bundled_project(tmp_path)
    first = invoke(["run"], cwd=root)
    assert first.exit_code == 0, first.output
    for stage in ("templates:", "catalogs:", "es: nothing to translate", "0 errors", "site:"):
        assert stage in first.stdout, stage
    site = root / "site"
    assert (site / "index.html").is_file() and (site / "sitemap.xml").is_file()
    for tag in ("en", *LANGUAGES):
        assert (site / tag / "index.html").is_file() and (site / tag / "feed.xml").is_file()
        for issue in (REPO / "issues").glob("*.md"):
            assert (site / tag / "issues" / issue.stem / "index.html").is_file(), (tag, issue)

    before = modification_times(root)
    chosen = count_engine_choices(monkeypatch)
    again = invoke(["run"], cwd=root)
    assert again.exit_code == 0, again.output
    assert again.stdout == "The Weekly Gradient: nothing changed since the last run\n"
    forced = invoke(["run", "--force"], cwd=root)  # every stage, each finding nothing to do
    assert forced.exit_code == 0, forced.output
    assert "0 files written" in forced.stdout and "es: nothing to translate" in forced.stdout
    assert chosen == []  # no engine even loaded
    assert modification_times(root) == before  # no file rewritten, not even touched


def test_any_change_makes_the_next_run_a_full_one(
    tmp_path: Path, invoke: Invoke, packages: Path
) -> None:
    root = bundled_project(tmp_path)
    (root / "lingopress.toml").write_text(
        (root / "lingopress.toml").read_text().replace('"apertium"', '"pseudo"')
    )
    assert invoke(["run"], cwd=root).exit_code == 0
    assert "nothing changed" in invoke(["run"], cwd=root).stdout
    issue = root / "issues" / "2024-w10.md"
    issue.touch()
    assert "site: 26 pages" in invoke(["run"], cwd=root).stdout
    assert "nothing changed" in invoke(["run"], cwd=root).stdout
    (root / "site" / "es" / "index.html").unlink()  # the output counts too
    rebuilt = invoke(["run"], cwd=root)
    assert "1 files written" in rebuilt.stdout and (root / "site" / "es" / "index.html").exists()


@needs_apertium
def test_run_translates_only_what_is_new(
    tmp_path: Path, invoke: Invoke, packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = bundled_project(tmp_path)
    assert invoke(["run"], cwd=root).exit_code == 0
    write(
        root / "issues" / "2024-w14.md",
        "---\ntitle: Week 14\ndate: 2024-04-01\n---\n\n# Papers\n\nA new paper on attention.\n",
    )
    before = modification_times(root)
    chosen = count_engine_choices(monkeypatch)
    result = invoke(["run"], cwd=root)
    assert result.exit_code == 0, result.output
    assert chosen == ["auto", "auto", "apertium", "auto"]  # only for the new catalogs
    assert "es: 3 segments, 3 sentences in 1 catalogs with apertium" in result.stdout
    changed = {name for name, time in modification_times(root).items() if before.get(name) != time}
    assert {"locales/templates/2024-w14.pot", "locales/es/2024-w14.po"} <= changed
    assert not {name for name in changed if name.startswith("locales/") and "w14" not in name}
    assert (root / "site" / "es" / "issues" / "2024-w14" / "index.html").is_file()
    assert not (root / "site" / "ja" / "issues" / "2024-w14").exists()  # not reviewed in ja
