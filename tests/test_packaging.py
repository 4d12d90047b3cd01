"""Packaging: the runtime dependencies, and no torch (or its friends) among them."""

from __future__ import annotations

import re
from importlib import metadata

from packaging.requirements import Requirement

FORBIDDEN = {"torch", "stanza", "spacy", "transformers", "tensorflow"}
REQUIRED = {
    "click",
    "markdown-it-py",
    "polib",
    "babel",
    "jinja2",
    "pyyaml",
    "argos-translate-lt",
    "ctranslate2",
    "sentencepiece",
}


def normalise(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(distribution: str) -> list[Requirement]:
    """The requirements of an installed distribution that apply without extras."""
    requirements = [Requirement(text) for text in metadata.requires(distribution) or []]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]


def dependency_closure(root: str) -> set[str]:
    """Every distribution that installing ``root`` (without extras) pulls in."""
    seen: set[str] = set()
    pending = [root]
    while pending:
        name = normalise(pending.pop())
        if name in seen:
            continue
        seen.add(name)
        pending.extend(r.name for r in runtime_requirements(name))
    return seen


def test_declared_runtime_dependencies() -> None:
    declared = {normalise(r.name) for r in runtime_requirements("lingopress")}
    assert declared == REQUIRED


def test_no_torch_in_the_dependency_tree() -> None:
    closure = dependency_closure("lingopress")
    assert "argos-translate-lt" in closure and "ctranslate2" in closure
    assert not closure & FORBIDDEN, closure & FORBIDDEN
