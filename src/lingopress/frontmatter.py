"""YAML front matter: the metadata block at the top of an issue.

Front matter is optional YAML between a first line ``---`` and a closing ``---`` (or
``...``) line. Known keys are type-checked (``title`` and ``summary`` text, ``date`` an
ISO date, ``number`` an integer); other keys are kept as they are. The text keys
(:data:`TRANSLATABLE_KEYS`) are also segments to translate, so
:func:`translatable_fields` finds where each value is written in the file. Every
problem is an :class:`~lingopress.errors.IssueError` with the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lingopress.errors import IssueError

TRANSLATABLE_KEYS = ("title", "summary")
_FENCE = re.compile(r"^---[ \t]*\r?$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")
_YAML_FIRST_LINE = 2  # the file line of the front matter's first YAML line


@dataclass(frozen=True)
class FrontMatter:
    """Where the front matter is in the file, and what it says.

    Its YAML text is ``text[yaml_start:yaml_end]``; the body (the Markdown) starts at
    ``body_offset``, on line ``body_line``.
    """

    meta: Mapping[str, Any] = field(default_factory=dict)
    body_offset: int = 0
    body_line: int = 1
    yaml_start: int = 0
    yaml_end: int = 0


@dataclass(frozen=True)
class Field:
    """A translatable front-matter value and the characters that write it in the file."""

    key: str
    value: str
    start: int
    end: int
    line: int


def read_front_matter(text: str, shown: Path | str | None) -> FrontMatter:
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
    yaml_start = len(lines[0])
    yaml_end = yaml_start + len(yaml_text)
    return FrontMatter(meta, yaml_end + len(lines[index]), index + 2, yaml_start, yaml_end)


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, but an impossible date stays text for our own check.

    A value that an explicit tag cannot read (``!!int ten``, ``!!bool maybe``, a number
    of 5000 digits) is a YAML error at its line, not whatever PyYAML's constructor
    happened to raise.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct a value, turning a constructor's stray exception into a YAML error."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            value = repr(node.value[:40]) if isinstance(node, yaml.ScalarNode) else "a collection"
            problem = f"cannot read {value} as {node.tag.rsplit(':', 1)[-1]}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """Construct a date, or keep the scalar so :func:`_as_date` reports its line."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        """Construct a mapping, refusing a key given twice (YAML would keep the last)."""
        if not isinstance(node, yaml.MappingNode):  # a scalar or list tagged !!map
            kind = "scalar" if isinstance(node, yaml.ScalarNode) else "sequence"
            problem = f"expected a mapping, found a {kind}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            if isinstance(key, str):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp
)


def _parse_yaml(yaml_text: str, shown: Path | str | None) -> dict[str, Any]:
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
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        # what a constructor raises outside construct_object (``!!map x`` at the top)
        raise IssueError(f"invalid front matter: {error}", shown, _YAML_FIRST_LINE) from None
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


def _check_meta(meta: dict[str, Any], yaml_text: str, shown: Path | str | None) -> None:
    """Type-check the keys lingopress uses; normalise an ISO date string to a date."""

    def fail(key: str, message: str) -> IssueError:
        return IssueError(f"front matter '{key}': {message}", shown, _meta_line(yaml_text, key))

    for key in TRANSLATABLE_KEYS:
        if key in meta and not isinstance(meta[key], str):
            raise fail(key, "expected text")
        control = _CONTROL.search(meta.get(key, ""))
        if control:
            raise fail(key, f"contains the control character U+{ord(control.group()):04X}")
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


def translatable_fields(text: str, front_matter: FrontMatter) -> list[Field]:
    """The text values of :data:`TRANSLATABLE_KEYS` and where they are written.

    The span of a value is its YAML scalar as written (quotes included), so that a
    translation can replace it with a quoted scalar of its own. The value is given
    without surrounding whitespace (a block scalar's final newline is not text).
    """
    if not front_matter.meta:
        return []
    yaml_text = text[front_matter.yaml_start : front_matter.yaml_end]
    root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    fields = []
    for key_node, value_node in root.value if isinstance(root, yaml.MappingNode) else []:
        key = key_node.value
        value = front_matter.meta.get(key)
        if key not in TRANSLATABLE_KEYS or not isinstance(value, str) or not value.strip():
            continue
        start = value_node.start_mark.index
        end = len(yaml_text[: value_node.end_mark.index].rstrip())
        offset = front_matter.yaml_start
        line = value_node.start_mark.line + _YAML_FIRST_LINE
        fields.append(Field(key, value.strip(), offset + start, offset + end, line))
    return fields
