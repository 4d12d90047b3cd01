"""The module map of docs/architecture.md holds: a module imports only modules above it."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO

PACKAGE = REPO / "src" / "lingopress"
ARCHITECTURE = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
ORDER = re.findall(r"^\| `([a-z_/]+)` \|", ARCHITECTURE, re.M)


def imported_modules(source: str) -> set[str]:
    """The ``lingopress.<module>`` names a module imports (first component only)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("lingopress.")
        ):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("lingopress.")}
    return found


def test_every_module_is_in_the_map() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("__")}
    assert modules <= set(ORDER)


def test_modules_import_only_modules_above_them() -> None:
    rank = {name.rstrip("/"): index for index, name in enumerate(ORDER)}
    for path in PACKAGE.glob("*.py"):
        if path.stem.startswith("__"):
            continue
        for imported in imported_modules(path.read_text(encoding="utf-8")):
            assert rank[imported] < rank[path.stem], f"{path.stem} imports {imported}"
