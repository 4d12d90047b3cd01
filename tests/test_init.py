"""``lingopress init``: a new project that the other verbs accept, never overwriting."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tomllib
from pathlib import Path

import jinja2
import pytest

from lingopress.config import read_config
from lingopress.errors import LingopressError
from lingopress.issue import issue_files, read_issue
from lingopress.languages import parse_language
from lingopress.scaffold import ProjectSettings, init_project
from tests.conftest import REPO, Invoke, assert_one_line_error, tree_snapshot, write

EXPECTED_FILES = {
    "lingopress.toml",
    ".gitignore",
    "issues/welcome.md",
    "locales/glossary.csv",
    "templates/base.html",
    "templates/root.html",
    "templates/index.html",
    "templates/issue.html",
    "templates/feed.xml",
    "templates/footer.html",
    "templates/static/style.css",
}


def test_init_scaffolds_a_working_project(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["init", "news"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / "news"
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert files == EXPECTED_FILES | {"locales/es/glossary.csv"}
    config = read_config(root / "lingopress.toml")
    assert [s.tag for s in config.languages] == ["es"]
    assert config.site.title == "My Newsletter"
    [path] = issue_files(config.paths.issues)
    issue = read_issue(path, "issues/welcome.md")
    assert issue.title == "My Newsletter — Issue 1"
    assert issue.date is not None
    assert (root / "locales/es/glossary.csv").read_text() == "source,target,note,forbidden\n"
    assert "site/" in (root / ".gitignore").read_text().splitlines()
    ran = invoke(["run"], cwd=root)
    assert ran.exit_code == 0, ran.output
    assert "issues: 1 read" in ran.output


def test_init_options_reach_the_config(invoke: Invoke, tmp_path: Path) -> None:
    title = 'Le "Gradient" hebdo — été'
    result = invoke(
        [
            "init",
            str(tmp_path / "n"),
            "--title",
            title,
            "--source-language",
            "fr",
            "-l",
            "zh-Hans",
            "-l",
            "ar",
            "--base-url",
            "https://x.example/news",
            "--author",
            "Zoé",
        ],
    )
    assert result.exit_code == 0, result.output
    config = read_config(tmp_path / "n" / "lingopress.toml")
    assert config.site.title == title
    assert config.site.author == "Zoé"
    assert config.site.base_url == "https://x.example/news/"
    assert config.source.tag == "fr"
    assert [s.tag for s in config.languages] == ["zh-Hans", "ar"]
    assert (tmp_path / "n/locales/ar/glossary.csv").is_file()
    assert tomllib.loads((tmp_path / "n/lingopress.toml").read_text())["site"]["title"] == title
    example = read_issue(tmp_path / "n/issues/welcome.md", "issues/welcome.md")
    assert example.title == f"{title} — Issue 1"
    assert invoke(["--project", str(tmp_path / "n"), "run"]).exit_code == 0


def test_init_refuses_to_overwrite_and_writes_nothing(invoke: Invoke, tmp_path: Path) -> None:
    root = tmp_path / "news"
    write(root / "templates" / "issue.html", "my own template")
    before = tree_snapshot(root)
    result = invoke(["init", str(root)])
    assert_one_line_error(result, f"{root / 'templates' / 'issue.html'}: already exists")
    assert tree_snapshot(root) == before


def test_init_twice(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke(["init", "news"], cwd=tmp_path).exit_code == 0
    before = tree_snapshot(tmp_path / "news")
    assert invoke(["init", "news"], cwd=tmp_path).exit_code == 1
    assert tree_snapshot(tmp_path / "news") == before


def test_init_into_a_file(invoke: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "news", "a file")
    result = invoke(["init", "news"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "'news' is a file" in result.stderr
    settings = ProjectSettings("T", parse_language("en"), [], "https://x.example/", "A")
    with pytest.raises(LingopressError, match="exists and is not a folder"):
        init_project(tmp_path / "news", settings, dt.date(2024, 1, 1))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["-l", "en"], "'en' is the source language"),
        (["--title", " "], "must not be empty"),
        (["--base-url", "example.org"], "not an absolute http(s) URL"),
        (["--base-url", "ftp://example.org/"], "not an absolute http(s) URL"),
        (["-l", "zh_CN"], "not a BCP 47 language tag"),
    ],
)
def test_init_rejects_bad_options(
    invoke: Invoke, tmp_path: Path, options: list[str], message: str
) -> None:
    result = invoke(["init", "news", *options], cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "news").exists()


def test_init_config_survives_odd_characters(invoke: Invoke, tmp_path: Path) -> None:
    odd = 'tab\tquote" backslash\\ del\x7f emoji 🚀 ${dollar}'
    result = invoke(["init", "n", "--title", odd, "--author", odd], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    config = read_config(tmp_path / "n" / "lingopress.toml")
    assert config.site.title == config.site.author == odd
    assert read_issue(tmp_path / "n/issues/welcome.md", "welcome.md").title == f"{odd} — Issue 1"


def test_help_inside_a_new_project(tmp_path: Path) -> None:
    """The done-when of the foundation issue, as a user types it, in an empty folder."""
    lingopress = str(Path(sys.executable).parent / "lingopress")
    subprocess.run([lingopress, "init", "news"], cwd=tmp_path, check=True, capture_output=True)
    result = subprocess.run(
        [lingopress, "--help"], cwd=tmp_path / "news", capture_output=True, text=True, check=True
    )
    assert "Usage: lingopress" in result.stdout


@pytest.mark.parametrize("folder", ["src/lingopress/skeleton/project/templates", "templates"])
def test_templates_compile(folder: str) -> None:
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    templates = sorted((REPO / folder).rglob("*.html")) + sorted((REPO / folder).rglob("*.xml"))
    assert templates
    for path in templates:
        environment.parse(path.read_text(encoding="utf-8"), name=str(path))
