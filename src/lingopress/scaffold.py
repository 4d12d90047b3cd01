"""``lingopress init``: scaffold a new newsletter project.

The new project has the layout of design.md section 3: a ``lingopress.toml``, one
example issue, the default templates (copied so that they can be edited), empty
glossaries for the verbatim terms and for each target language, and a
``.gitignore`` for the build output. Init never overwrites: if any file it would
write exists, it writes nothing and says which.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from lingopress.config import CONFIG_FILE, DEFAULT_PATHS
from lingopress.errors import LingopressError
from lingopress.fileio import write_atomic
from lingopress.languages import Language

SKELETON = "skeleton/project"
_TEMPLATE_SUFFIX = ".tmpl"
_RENAMED = {"gitignore": ".gitignore"}
LANGUAGE_GLOSSARY_HEADER = "source,target,note,forbidden\n"


@dataclass(frozen=True)
class ProjectSettings:
    """What ``init`` asks for; everything else gets a sensible default."""

    title: str
    source: Language
    languages: Sequence[Language]
    base_url: str
    author: str


def scaffold_files(settings: ProjectSettings, today: dt.date) -> dict[Path, str]:
    """Every file of a new project, by path relative to the project folder."""
    values = {
        "title": settings.title,
        "issue_title_yaml": _quoted(f"{settings.title} — Issue 1"),
        "author": settings.author,
        "date": today.isoformat(),
    }
    files = dict(_skeleton_files(values))
    files[Path(CONFIG_FILE)] = render_config(settings)
    for language in settings.languages:
        files[Path(DEFAULT_PATHS["locales"], language.tag, "glossary.csv")] = (
            LANGUAGE_GLOSSARY_HEADER
        )
    return files


def _skeleton_files(values: dict[str, str]) -> list[tuple[Path, str]]:
    """The packaged skeleton, with ``$name`` filled in files ending in ``.tmpl``."""
    root = resources.files("lingopress").joinpath(SKELETON)
    result = []
    for relative, resource in _walk(root, Path()):
        text = resource.read_text(encoding="utf-8")
        if relative.name.endswith(_TEMPLATE_SUFFIX):
            text = string.Template(text).substitute(values)
            relative = relative.with_name(relative.name.removesuffix(_TEMPLATE_SUFFIX))
        result.append((relative.with_name(_RENAMED.get(relative.name, relative.name)), text))
    return result


def _walk(node: Traversable, relative: Path) -> list[tuple[Path, Traversable]]:
    """All files under a package resource folder, with their relative paths."""
    found = []
    for child in sorted(node.iterdir(), key=lambda item: item.name):
        if child.is_dir():
            found.extend(_walk(child, relative / child.name))
        elif child.name != "__pycache__":
            found.append((relative / child.name, child))
    return found


def render_config(settings: ProjectSettings) -> str:
    """The ``lingopress.toml`` of a new project, commented for its editor."""
    lines = [
        "# lingopress configuration: see the README's configuration reference.",
        f"source_language = {_quoted(settings.source.tag)}",
        "",
        "[site]",
        f"title = {_quoted(settings.title)}",
        f"base_url = {_quoted(settings.base_url)}",
        f"author = {_quoted(settings.author)}",
    ]
    for language in settings.languages:
        lines += [
            "",
            f"[languages.{language.tag}]",
            'engine = "auto"        # auto | argos | apertium | pseudo',
            'publish = "reviewed"   # reviewed: only reviewed text is shown translated; or machine',
        ]
    lines += ["", "[paths]"]
    lines += [f"{name} = {_quoted(value)}" for name, value in DEFAULT_PATHS.items()]
    return "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    """A double-quoted string that is valid in both TOML and YAML (JSON's escapes)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def init_project(folder: Path, settings: ProjectSettings, today: dt.date) -> list[Path]:
    """Write a new project into ``folder``; return the files written.

    Refuses (writing nothing) if ``folder`` is a file or any target file exists. If
    writing fails half-way, the files already written are removed again.
    """
    if folder.exists() and not folder.is_dir():
        raise LingopressError("exists and is not a folder", folder)
    files = scaffold_files(settings, today)
    for relative in files:
        if (folder / relative).exists():
            raise LingopressError(
                "already exists; 'init' never overwrites files", folder / relative
            )
    written: list[Path] = []
    try:
        for relative, text in files.items():
            write_atomic(folder / relative, text.encode("utf-8"))
            written.append(folder / relative)
    except OSError:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return written
