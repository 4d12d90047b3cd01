"""Source issues: reading a Markdown file and its YAML front matter.

An issue is ``issues/<slug>.md``: optional YAML front matter between ``---`` lines,
then the Markdown body. The slug (the file name without ``.md``) names the issue in
catalogs and URLs, so it is restricted to letters, digits, ``.``, ``-`` and ``_``.

Known front-matter keys are type-checked (``title`` and ``summary`` text, ``date`` an
ISO date, ``number`` an integer); other keys are kept as they are. Every problem is
an :class:`~lingopress.errors.IssueError` with the file and line: invalid UTF-8, a
NUL byte, unclosed or invalid front matter, a value of the wrong type.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lingopress.config import Paths
from lingopress.errors import IssueError

ISSUE_SUFFIX = ".md"
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FENCE = re.compile(r"^---[ \t]*\r?$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$")
_TEXT_KEYS = ("title", "summary")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_YAML_FIRST_LINE = 2  # the file line of the front matter's first YAML line


@dataclass(frozen=True)
class FrontMatter:
    """Where the front matter is in the file, and what it says."""

    meta: Mapping[str, Any] = field(default_factory=dict)
    body_offset: int = 0
    body_line: int = 1


@dataclass(frozen=True)
class Issue:
    """One source issue: its text, its metadata and where its body starts."""

    slug: str
    path: Path
    text: str
    front_matter: FrontMatter

    @property
    def meta(self) -> Mapping[str, Any]:
        """All front-matter values."""
        return self.front_matter.meta

    @property
    def body(self) -> str:
        """The Markdown after the front matter."""
        return self.text[self.front_matter.body_offset :]

    @property
    def title(self) -> str:
        """The title from the front matter, else the slug."""
        return str(self.meta.get("title", self.slug))

    @property
    def date(self) -> dt.date | None:
        """The publication date, if the front matter gives one."""
        value = self.meta.get("date")
        return value if isinstance(value, dt.date) else None

    @property
    def number(self) -> int | None:
        """The issue number, if the front matter gives one."""
        value = self.meta.get("number")
        return value if isinstance(value, int) else None

    @property
    def summary(self) -> str:
        """The summary from the front matter, or an empty string."""
        return str(self.meta.get("summary", ""))


def check_slug(slug: str, shown: Path | str) -> str:
    """Return ``slug`` if it can name an issue in files and URLs, else raise."""
    if not _SLUG.match(slug) or ".." in slug:
        raise IssueError(
            f"'{slug}' cannot be an issue slug: use letters, digits, '.', '-' and '_'", shown
        )
    return slug


def issue_files(folder: Path) -> list[Path]:
    """The issue files of a folder, sorted by name (subfolders such as img/ are ignored)."""
    return sorted(p for p in folder.glob(f"*{ISSUE_SUFFIX}") if p.is_file())


def read_issues(paths: Paths) -> list[Issue]:
    """Read every issue of a project, in file-name order; the first bad one raises."""
    return [read_issue(path, paths.relative(path)) for path in issue_files(paths.issues)]


def read_issue(path: Path, shown: Path | str) -> Issue:
    """Read one issue; ``shown`` is the path used in error messages."""
    slug = check_slug(path.name.removesuffix(ISSUE_SUFFIX), shown)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IssueError(f"cannot read: {error.strerror}", shown) from None
    text = decode_issue(data, shown)
    return Issue(slug, path, text, read_front_matter(text, shown))


def decode_issue(data: bytes, shown: Path | str) -> str:
    """Decode issue bytes as UTF-8, rejecting NUL bytes and invalid sequences."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise IssueError("contains a NUL byte (is this a binary file?)", shown, _line_at(data, nul))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = _line_at(data, error.start)
        raise IssueError(f"not valid UTF-8 (byte 0x{data[error.start]:02x})", shown, line) from None


def _line_at(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def read_front_matter(text: str, shown: Path | str) -> FrontMatter:
    """Split off and validate the YAML front matter at the top of ``text``."""
    lines = _LINE.findall(text)  # "\n" ends a line, as editors and error messages count
    if not lines or not _FENCE.match(lines[0].removeprefix("\ufeff")):
        return FrontMatter()
    for index in range(1, len(lines)):
        if _FENCE_END.match(lines[index]):
            break
    else:
        raise IssueError("front matter starts here but has no closing '---' line", shown, 1)
    yaml_text = "".join(lines[1:index])
    meta = _parse_yaml(yaml_text, shown)
    _check_meta(meta, yaml_text, shown)
    offset = sum(len(line) for line in lines[: index + 1])
    return FrontMatter(meta, offset, index + 2)


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, but an impossible date stays text for our own check."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """Construct a date, or keep the scalar so :func:`_as_date` reports its line."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp
)


def _parse_yaml(yaml_text: str, shown: Path | str) -> dict[str, Any]:
    """Parse front matter YAML into a mapping with string keys."""
    try:
        meta = yaml.load(yaml_text, Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = _yaml_line(yaml_text, mark.index) if mark is not None else 1
        raise IssueError(f"invalid front matter: {error.problem or error}", shown, line) from None
    except yaml.reader.ReaderError as error:
        line = _yaml_line(yaml_text, error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"invalid front matter: character U+{code:04X} is not allowed in YAML"
        raise IssueError(message, shown, line) from None
    except yaml.YAMLError as error:
        raise IssueError(f"invalid front matter: {error}", shown, 1) from None
    except RecursionError:
        raise IssueError("invalid front matter: nested too deeply", shown, 1) from None
    if meta is None:
        return {}
    if not isinstance(meta, dict) or not all(isinstance(key, str) for key in meta):
        raise IssueError(
            "front matter must be a mapping of names to values", shown, _YAML_FIRST_LINE
        )
    return meta


def _yaml_line(yaml_text: str, index: int) -> int:
    """The file line of a character index into the front matter."""
    return yaml_text.count("\n", 0, index) + _YAML_FIRST_LINE


def _check_meta(meta: dict[str, Any], yaml_text: str, shown: Path | str) -> None:
    """Type-check the keys lingopress uses; normalise an ISO date string to a date."""

    def fail(key: str, message: str) -> IssueError:
        return IssueError(f"front matter '{key}': {message}", shown, _meta_line(yaml_text, key))

    for key in _TEXT_KEYS:
        if key in meta and not isinstance(meta[key], str):
            raise fail(key, "expected text")
    if "number" in meta and (
        isinstance(meta["number"], bool) or not isinstance(meta["number"], int)
    ):
        raise fail("number", "expected a whole number")
    if "date" in meta:
        meta["date"] = _as_date(meta["date"], fail)


def _as_date(value: object, fail: Any) -> dt.date:
    """Accept a YAML date, a datetime or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise fail("date", f"expected a date such as 2024-03-04, got {value!r}")


def _meta_line(yaml_text: str, key: str) -> int:
    """The file line of a top-level front-matter key (lines end at newlines only)."""
    pattern = re.compile(rf"^['\"]?{re.escape(key)}['\"]?\s*:")
    for number, line in enumerate(yaml_text.split("\n"), start=_YAML_FIRST_LINE):
        if pattern.match(line):
            return number
    return _YAML_FIRST_LINE
