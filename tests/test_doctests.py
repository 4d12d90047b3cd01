"""The examples in docstrings are true (Babel's habit: doctests on pure functions)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import lingopress

MODULES = sorted(
    name
    for info in pkgutil.walk_packages(lingopress.__path__, "lingopress.")
    if not (name := info.name).endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


def test_modules_with_examples() -> None:
    finder = doctest.DocTestFinder()
    with_examples = {
        name
        for name in MODULES
        if any(test.examples for test in finder.find(importlib.import_module(name)))
    }
    assert {"lingopress.languages", "lingopress.tomlkeys", "lingopress.config"} <= with_examples
