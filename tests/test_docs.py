"""The documentation tells the truth: README commands, CI, CLI reference, module map."""

from __future__ import annotations

import re

from lingopress.cli import cli
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")


def readme_first_commands() -> list[str]:
    """The commands of the first two code blocks of the README."""
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    return [block.strip() for block in blocks[:2]]


def test_readme_starts_with_the_two_commands() -> None:
    main_job, tests = readme_first_commands()
    assert README.index(main_job) < README.index("lingopress translates")
    assert main_job == "./scripts/setup && .venv/bin/lingopress run"
    assert tests.startswith("./scripts/setup --dev && ") and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == [readme_first_commands()[1]]


def test_readme_documents_every_verb() -> None:
    for name, command in cli.commands.items():
        subcommands = getattr(command, "commands", {})
        if subcommands:
            for sub in subcommands:
                assert re.search(rf"`lingopress {name} [^`]*\b{sub}\b", README), f"{name} {sub}"
        else:
            assert f"`lingopress {name}" in README, name


def test_architecture_names_every_module() -> None:
    modules = sorted(p.stem for p in (REPO / "src" / "lingopress").glob("*.py"))
    missing = [m for m in modules if not m.startswith("__") and f"`{m}`" not in ARCHITECTURE]
    assert not missing


def test_changelog_has_unreleased_section() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Unreleased" in changelog
