"""The code stays ruff- and mypy-clean (both configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a Python tool of this environment (the dev extra) in the repository root."""
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_lint_and_format() -> None:
    lint = run_tool("ruff", "check", "src", "tests")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    style = run_tool("ruff", "format", "--check", "src", "tests")
    assert style.returncode == 0, style.stdout + style.stderr


def test_mypy_strict() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
