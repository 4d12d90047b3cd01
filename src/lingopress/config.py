"""Project configuration: finding it, validating it, and the project's file layout.

A project is configured by ``lingopress.toml`` at its root, or by a
``[tool.lingopress]`` table in its ``pyproject.toml``. Commands find it by looking
upward from the current folder (``--project DIR`` overrides). Every key is checked:
an unknown key, a value of the wrong type, an invalid language code or a missing
folder is a :class:`~lingopress.errors.ConfigError` naming the file, the line and
the key, so the editor can fix it at once.

The schema (all paths relative to the config file's folder)::

    source_language = "en"            # BCP 47, required

    [site]
    title = "My newsletter"           # required
    base_url = "https://example.org/" # required, absolute http(s) URL
    author = "Jane Doe"               # optional

    [languages.zh-Hans]               # one table per target language (at least one)
    engine = "auto"                   # auto | argos | apertium | pseudo
    publish = "reviewed"              # reviewed | machine

    [paths]                           # optional; these are the defaults
    issues = "issues"
    templates = "templates"
    locales = "locales"
    site = "site"
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from lingopress.errors import ConfigError
from lingopress.fileio import decode_utf8
from lingopress.languages import Language, LanguageCodeError, parse_language
from lingopress.tomlkeys import KeyPath, key_line

CONFIG_FILE = "lingopress.toml"
PYPROJECT_FILE = "pyproject.toml"
ENGINES = ("auto", "argos", "apertium", "pseudo")
PUBLISH_POLICIES = ("reviewed", "machine")
DEFAULT_PATHS = {"issues": "issues", "templates": "templates", "locales": "locales", "site": "site"}

_TOP_KEYS = ("source_language", "site", "languages", "paths")
_SITE_KEYS = ("title", "base_url", "author")
_LANGUAGE_KEYS = ("engine", "publish")
_SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")

_KIND_NAMES: dict[type, str] = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "a table",
}

T = TypeVar("T")


@dataclass(frozen=True)
class LanguageSettings:
    """A target language and how it is translated and published."""

    language: Language
    engine: str = "auto"
    publish: str = "reviewed"

    @property
    def tag(self) -> str:
        """The BCP 47 tag, as used in folder names and URLs."""
        return self.language.tag


@dataclass(frozen=True)
class SiteSettings:
    """What the rendered site says about itself."""

    title: str
    base_url: str
    author: str = ""


@dataclass(frozen=True)
class Paths:
    """The file layout of a project (design.md section 3), as absolute paths."""

    root: Path
    issues: Path
    templates: Path
    locales: Path
    site: Path

    def issue(self, slug: str) -> Path:
        """The source Markdown of one issue."""
        return self.issues / f"{slug}.md"

    @property
    def catalog_templates(self) -> Path:
        """The folder of extracted ``.pot`` templates (committed)."""
        return self.locales / "templates"

    def pot(self, name: str) -> Path:
        """The ``.pot`` template of an issue slug, or ``site`` for template strings."""
        return self.catalog_templates / f"{name}.pot"

    def po(self, tag: str, name: str) -> Path:
        """The ``.po`` catalog of an issue slug (or ``site``) in one language."""
        return self.locales / tag / f"{name}.po"

    @property
    def glossary(self) -> Path:
        """Terms kept verbatim in every language."""
        return self.locales / "glossary.csv"

    def language_glossary(self, tag: str) -> Path:
        """Required and forbidden renderings of terms in one language."""
        return self.locales / tag / "glossary.csv"

    def relative(self, path: Path) -> Path:
        """``path`` relative to the project root where possible, for messages."""
        try:
            return path.resolve().relative_to(self.root)
        except ValueError:
            return path


@dataclass(frozen=True)
class Config:
    """A loaded, validated project configuration."""

    file: Path
    source: Language
    languages: tuple[LanguageSettings, ...]
    site: SiteSettings
    paths: Paths

    @property
    def root(self) -> Path:
        """The project folder: the folder of the config file."""
        return self.paths.root

    def language(self, tag: str) -> LanguageSettings:
        """The settings of target language ``tag``; a ConfigError if not configured."""
        for settings in self.languages:
            if settings.tag == tag:
                return settings
        known = ", ".join(s.tag for s in self.languages)
        raise ConfigError(
            f"language '{tag}' is not configured (configured: {known})",
            self.paths.relative(self.file),
        )


def normalise_base_url(url: str) -> str:
    """Return the site's base URL ending in ``/``; ValueError unless absolute http(s).

    >>> normalise_base_url("https://example.org/news")
    'https://example.org/news/'
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"'{url}' is not an absolute http(s) URL of a folder")
    return url.rstrip("/") + "/"


def find_config(start: Path) -> Path:
    """Return the config file of the project containing ``start`` (looking upward)."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        found = config_in(candidate)
        if found is not None:
            return found
    raise ConfigError(
        f"no lingopress project here or above (no {CONFIG_FILE}, and no [tool.lingopress] "
        f"in {PYPROJECT_FILE}); create one with 'lingopress init DIR'",
        start,
    )


def config_in(folder: Path) -> Path | None:
    """Return the config file that folder holds, if any.

    Both a ``lingopress.toml`` and a ``[tool.lingopress]`` table in one folder is an
    error: the project must have exactly one source of truth.
    """
    toml = folder / CONFIG_FILE
    pyproject = folder / PYPROJECT_FILE
    has_toml = toml.is_file()
    has_table = pyproject.is_file() and _has_lingopress_table(pyproject)
    if has_toml and has_table:
        raise ConfigError(
            f"both {CONFIG_FILE} and [tool.lingopress] configure this project; keep one",
            PYPROJECT_FILE,  # relative to the project folder, as every config error
        )
    if has_toml:
        return toml
    return pyproject if has_table else None


def _has_lingopress_table(pyproject: Path) -> bool:
    """Tell whether a pyproject.toml has a ``[tool.lingopress]`` table."""
    text = _read_text(pyproject, pyproject.name)
    if "lingopress" not in text:
        return False
    tool = _parse_toml(text, pyproject.name).get("tool", {})
    return isinstance(tool, dict) and "lingopress" in tool


def load_config(project: Path | None = None, cwd: Path | None = None) -> Config:
    """Find and load the project configuration.

    ``project`` is the folder given with ``--project``; without it the search starts
    at ``cwd`` (the current folder by default) and goes upward.
    """
    if project is not None:
        if not project.is_dir():
            problem = "not a folder" if project.exists() else "no such folder"
            raise ConfigError(f"--project: {problem}", project)
        file = config_in(project)
        if file is None:
            raise ConfigError(
                f"--project: no {CONFIG_FILE} and no [tool.lingopress] in {PYPROJECT_FILE} here",
                project,
            )
    else:
        file = find_config(cwd or Path.cwd())
    return read_config(file)


def read_config(file: Path) -> Config:
    """Read and validate one config file (``lingopress.toml`` or ``pyproject.toml``)."""
    file = file.resolve()
    text = _read_text(file, file.name)
    data: Any = _parse_toml(text, file.name)
    prefix: KeyPath = ()
    if file.name == PYPROJECT_FILE:
        prefix = ("tool", "lingopress")
        tool = data.get("tool", {})
        data = tool.get("lingopress", {}) if isinstance(tool, dict) else {}
    reader = _ConfigReader(file, text, prefix)
    if not isinstance(data, dict):  # tool.lingopress = "..." rather than a table
        raise reader.error((), f"expected a table, got {_kind_name(type(data))}")
    return reader.read(data)


def _read_text(file: Path, shown: str) -> str:
    """Read a config file as UTF-8, turning failures into one-line errors."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", shown) from None
    text = decode_utf8(data, shown, ConfigError)
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as universal newlines read it


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
    """Parse TOML, turning a syntax error into an error with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _SYNTAX_POSITION.search(message)
        line = int(position.group(1)) if position else None
        message = _SYNTAX_POSITION.sub("", message)
        raise ConfigError(f"invalid TOML: {message}", shown, line) from None
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        raise ConfigError("invalid TOML: arrays or tables nested too deeply", shown) from None


class _ConfigReader:
    """Validates parsed TOML against the schema, reporting errors with their lines."""

    def __init__(self, file: Path, text: str, prefix: KeyPath):
        self.file = file
        self.text = text
        self.prefix = prefix
        self.root = file.parent

    def error(self, key: KeyPath, message: str) -> ConfigError:
        """An error about ``key``, located at its line in the file."""
        full = self.prefix + key
        line = key_line(self.text, full) if full else None
        return ConfigError(
            f"{'.'.join(full)}: {message}" if full else message, self.file.name, line
        )

    def read(self, data: dict[str, Any]) -> Config:
        """Validate the whole configuration."""
        self.check_keys(data, (), _TOP_KEYS)
        source = self.language(("source_language",), self.required(data, ("source_language",), str))
        site = self.site(self.table(data, ("site",), required=True))
        languages = self.languages(self.table(data, ("languages",), required=True), source)
        paths = self.paths(self.table(data, ("paths",), required=False))
        return Config(self.file, source, languages, site, paths)

    def check_keys(self, table: Mapping[str, Any], key: KeyPath, known: tuple[str, ...]) -> None:
        """Reject keys the schema does not know, suggesting the closest known one."""
        for name in table:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                raise self.error((*key, name), f"unknown key ({hint})")

    def table(self, data: Mapping[str, Any], key: KeyPath, required: bool) -> dict[str, Any]:
        """The sub-table ``key`` of ``data`` (empty if optional and absent)."""
        value = data.get(key[-1])
        if value is None:
            if required:
                raise self.error(key, "missing table")
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {_kind_name(type(value))}")
        return value

    def required(self, data: Mapping[str, Any], key: KeyPath, kind: type[T]) -> T:
        """A required value of type ``kind``."""
        if key[-1] not in data:
            raise self.error(key[:-1], f"missing key '{key[-1]}'")
        return self.typed(data[key[-1]], key, kind)

    def optional(self, data: Mapping[str, Any], key: KeyPath, kind: type[T], default: T) -> T:
        """An optional value of type ``kind``, or ``default``."""
        return self.typed(data[key[-1]], key, kind) if key[-1] in data else default

    def typed(self, value: Any, key: KeyPath, kind: type[T]) -> T:
        """Check that ``value`` is a ``kind``; strings must not be blank."""
        if not isinstance(value, kind):
            raise self.error(key, f"expected {_kind_name(kind)}, got {_kind_name(type(value))}")
        if isinstance(value, str) and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def choice(self, data: Mapping[str, Any], key: KeyPath, choices: tuple[str, ...]) -> str:
        """An optional string among ``choices`` (the first is the default)."""
        value = self.optional(data, key, str, choices[0])
        if value not in choices:
            raise self.error(key, f"'{value}' is not one of: {', '.join(choices)}")
        return value

    def language(self, key: KeyPath, code: str) -> Language:
        """A BCP 47 language code."""
        try:
            return parse_language(code)
        except LanguageCodeError as error:
            raise self.error(key, str(error)) from None

    def site(self, table: dict[str, Any]) -> SiteSettings:
        """The ``[site]`` table."""
        self.check_keys(table, ("site",), _SITE_KEYS)
        title = self.required(table, ("site", "title"), str)
        base_url = self.required(table, ("site", "base_url"), str)
        try:
            base_url = normalise_base_url(base_url)
        except ValueError as error:
            raise self.error(("site", "base_url"), str(error)) from None
        author = self.optional(table, ("site", "author"), str, "")
        return SiteSettings(title, base_url, author)

    def languages(self, table: dict[str, Any], source: Language) -> tuple[LanguageSettings, ...]:
        """The ``[languages.<tag>]`` tables, in the order of the file."""
        if not table:
            raise self.error(("languages",), "declare at least one target language")
        result = []
        for code, settings in table.items():
            key = ("languages", code)
            language = self.language(key, code)
            if language == source:
                raise self.error(key, f"'{code}' is the source language")
            if not isinstance(settings, dict):
                raise self.error(key, f"expected a table, got {_kind_name(type(settings))}")
            self.check_keys(settings, key, _LANGUAGE_KEYS)
            engine = self.choice(settings, (*key, "engine"), ENGINES)
            publish = self.choice(settings, (*key, "publish"), PUBLISH_POLICIES)
            result.append(LanguageSettings(language, engine, publish))
        return tuple(result)

    def paths(self, table: dict[str, Any]) -> Paths:
        """The ``[paths]`` table, resolved inside the project folder."""
        self.check_keys(table, ("paths",), tuple(DEFAULT_PATHS))
        resolved = {
            name: self.path(table, ("paths", name), default)
            for name, default in DEFAULT_PATHS.items()
        }
        self.must_exist(table, "issues", resolved["issues"], always=True)
        self.must_exist(table, "templates", resolved["templates"], always=False)
        return Paths(root=self.root, **resolved)

    def path(self, table: dict[str, Any], key: KeyPath, default: str) -> Path:
        """A relative path that must stay inside the project folder."""
        value = self.optional(table, key, str, default)
        if Path(value).is_absolute():
            raise self.error(key, f"'{value}' must be relative to the project folder")
        resolved = (self.root / value).resolve()
        if not resolved.is_relative_to(self.root):
            raise self.error(key, f"'{value}' is outside the project folder")
        if resolved == self.root:
            raise self.error(key, f"'{value}' is the project folder itself")
        return resolved

    def must_exist(self, table: dict[str, Any], name: str, path: Path, always: bool) -> None:
        """Require an input folder to exist (always, or when set explicitly)."""
        if (always or name in table) and not path.is_dir():
            shown = path.relative_to(self.root).as_posix()
            problem = "is not a folder" if path.exists() else "does not exist"
            raise self.error(("paths", name), f"folder '{shown}' {problem}")


def _kind_name(kind: type) -> str:
    """The TOML name of a Python type, for messages."""
    return _KIND_NAMES.get(kind, kind.__name__)
