"""The command-line contract of design.md section 4: verbs, options, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lingopress import __version__
from tests.conftest import Invoke, assert_one_line_error

# Every verb of the contract, with the options the contract gives it.
CONTRACT: dict[tuple[str, ...], tuple[str, ...]] = {
    ("init",): ("DIR",),
    ("extract",): (),
    ("update",): ("--lang",),
    ("translate",): ("--lang", "--issue", "--engine", "--device"),
    ("mt",): ("--to", "--from", "--engine", "--no-glossary"),
    ("check",): ("--lang", "--issue", "--strict", "--format"),
    ("status",): ("--lang", "--by-section", "--format"),
    ("review",): ("--lang", "--issue", "--out"),
    ("export",): ("--lang", "--issue", "--out", "--include-fuzzy"),
    ("build",): ("--lang", "--out"),
    ("run",): (),
    ("serve",): ("--port",),
    ("models", "list"): (),
    ("models", "available"): (),
    ("models", "install"): ("FROM|FILE.argosmodel", "[TO]"),
    ("models", "remove"): ("FROM", "TO"),
    ("glossary", "check"): (),
    ("glossary", "import"): ("FILE",),
    ("glossary", "export"): ("--format",),
    ("glossary", "suggest"): (),
    ("tm", "export"): ("--lang", "--out"),
}


def test_help_lists_every_verb(invoke: Invoke) -> None:
    result = invoke(["--help"])
    assert result.exit_code == 0
    for verb in {path[0] for path in CONTRACT}:
        assert f"\n  {verb} " in result.output, verb
    for option in ("--project", "--verbose", "--quiet", "--version"):
        assert option in result.output


@pytest.mark.parametrize("path", sorted(CONTRACT), ids=" ".join)
def test_every_verb_has_help_with_its_options(invoke: Invoke, path: tuple[str, ...]) -> None:
    result = invoke([*path, "--help"])
    assert result.exit_code == 0, result.output
    usage, _, rest = result.output.partition("\n\n")
    assert usage.startswith(f"Usage: lingopress {' '.join(path)}")
    assert rest.strip(), "help text missing"
    for option in CONTRACT[path]:
        assert option in result.output, option


def test_version(invoke: Invoke) -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.output == f"lingopress {__version__}\n"


def test_usage_errors_exit_2(invoke: Invoke, project: Path) -> None:
    assert invoke(["frobnicate"], cwd=project).exit_code == 2
    bad_lang = invoke(["update", "--lang", "zh_Hans"], cwd=project)
    assert bad_lang.exit_code == 2
    assert "not a BCP 47 language tag" in bad_lang.stderr
    bad_slug = invoke(["translate", "--issue", "../secrets"], cwd=project)
    assert bad_slug.exit_code == 2
    assert "cannot be an issue slug" in bad_slug.stderr
    assert invoke(["translate", "--engine", "google"], cwd=project).exit_code == 2


def test_quiet_and_verbose(invoke: Invoke, project: Path) -> None:
    normal = invoke(["run"], cwd=project)
    quiet = invoke(["-q", "run", "--force"], cwd=project)
    verbose = invoke(["-v", "run", "--force"], cwd=project)
    assert normal.exit_code == quiet.exit_code == verbose.exit_code == 0
    assert quiet.output == ""
    assert "first: First" not in normal.output
    assert "first: First" in verbose.output


def test_project_option_overrides_search(invoke: Invoke, project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert invoke(["run"], cwd=elsewhere).exit_code == 1
    result = invoke(["--project", str(project), "run"], cwd=elsewhere)
    assert result.exit_code == 0, result.output
    assert "Test News" in result.output


def test_os_errors_become_one_line(invoke: Invoke, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke(["init", str(blocker / "news")])
    assert_one_line_error(result, str(blocker))


def test_internal_errors_are_one_line_unless_verbose(
    invoke: Invoke, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("lingopress.cli.read_issues", explode)
    result = invoke(["run"], cwd=project)
    assert_one_line_error(result, "internal error: ZeroDivisionError: boom")
    verbose = invoke(["-v", "run"], cwd=project)
    assert verbose.exit_code == 1
    assert "Traceback" in verbose.stderr


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "lingopress"], [str(Path(sys.executable).parent / "lingopress")]],
    ids=["python -m lingopress", "console script"],
)
def test_entry_points(command: list[str], tmp_path: Path) -> None:
    result = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage: lingopress" in result.stdout
    failed = subprocess.run([*command, "run"], capture_output=True, text=True, cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.startswith("Error: ") and failed.stderr.count("\n") == 1


def test_a_closed_pipe_stops_quietly(project: Path) -> None:
    lingopress = Path(sys.executable).parent / "lingopress"
    subprocess.run([str(lingopress), "extract"], cwd=project, check=True, capture_output=True)
    many = "".join(f"# Part {n}\n\nText {n}.\n\n" for n in range(3000))
    (project / "issues" / "first.md").write_text(many, encoding="utf-8")
    subprocess.run([str(lingopress), "extract"], cwd=project, check=True, capture_output=True)
    result = subprocess.run(
        f"'{lingopress}' status --by-section | head -1",
        shell=True,
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.stdout.startswith("es  first")
    assert result.stderr == ""
