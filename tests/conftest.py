"""Shared fixtures: a CLI runner and small projects built in temporary folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lingopress.cli import cli

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

MINIMAL_CONFIG = """\
source_language = "en"

[site]
title = "Test News"
base_url = "https://news.example.org/"

[languages.es]
engine = "pseudo"
publish = "machine"
"""

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the CLI in-process: ``invoke(args, cwd=folder)``, stdout and stderr kept apart."""

    def run(args: Sequence[str], cwd: Path | None = None, input: str | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return CliRunner().invoke(cli, list(args), input=input, prog_name="lingopress")

    return run


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A minimal valid project: config, an issues folder with one issue."""
    root = tmp_path / "news"
    (root / "issues").mkdir(parents=True)
    (root / "lingopress.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "issues" / "first.md").write_text(
        "---\ntitle: First\ndate: 2024-01-08\n---\n\n# First\n\nHello.\n", encoding="utf-8"
    )
    yield root


def write(path: Path, text: str | bytes) -> Path:
    """Write a file (creating folders), text as UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content, to show that nothing changed."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def assert_one_line_error(result: Result, expected_prefix: str) -> None:
    """Exit 1, a single ``Error: ...`` line on stderr starting as expected, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {expected_prefix}"), lines[0]
    assert "Traceback" not in result.output
