"""Shared fixtures: a CLI runner and small projects built in temporary folders."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result

from lingopress.cli import cli
from lingopress.markdown import parser
from tests.browser import browser, browser_page  # noqa: F401  (fixtures for every test)

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


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Argos packages folder, made the one lingopress uses."""
    folder = tmp_path / "packages"
    folder.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


def newsletter(tmp_path: Path, languages: str = "", *, glossaries: bool = False) -> Path:
    """The bundled newsletter (config plus ``languages``, issues, templates) in ``tmp_path``."""
    root = tmp_path / "weekly"
    root.mkdir()
    config = (REPO / "lingopress.toml").read_text(encoding="utf-8")
    (root / "lingopress.toml").write_text(config + languages, encoding="utf-8")
    shutil.copytree(REPO / "issues", root / "issues")
    shutil.copytree(REPO / "templates", root / "templates")
    for glossary in (REPO / "locales").rglob("glossary.csv") if glossaries else ():
        target = root / glossary.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(glossary, target)
    return root


class _Tags(HTMLParser):
    """Collects start and end tags, with the href and src of start tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(("<", tag, str(found.get("href")), str(found.get("src"))))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((">", tag))


def rendered_tags(markdown: str) -> list[tuple[str, ...]]:
    """Start and end tags (with href and src) of the HTML that ``markdown`` renders to."""
    found = _Tags()
    found.feed(parser().render(markdown))
    found.close()
    return found.tags


def load_benchmark(name: str) -> ModuleType:
    """A script of ``benchmarks/`` as a module (that folder is not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module
