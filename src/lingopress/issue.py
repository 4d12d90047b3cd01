"""Source issues: reading a Markdown file, its front matter and its sections.

An issue is ``issues/<slug>.md``: optional YAML front matter (:mod:`lingopress.frontmatter`),
then the Markdown body. The slug (the file name without ``.md``) names the issue in
catalogs and URLs, so it is restricted to letters, digits, ``.``, ``-`` and ``_``.
Its sections and segments come from :mod:`lingopress.segments`, computed once on first use.

Every problem is an :class:`~lingopress.errors.IssueError` with the file and line:
invalid UTF-8, a NUL byte, unclosed or invalid front matter, a value of the wrong type,
Markdown nested too deeply, a file over :data:`MAX_ISSUE_BYTES`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lingopress.config import Paths
from lingopress.errors import IssueError
from lingopress.fileio import decode_utf8
from lingopress.frontmatter import FrontMatter, read_front_matter
from lingopress.segments import Section, Segment, segment_issue

ISSUE_SUFFIX = ".md"
MAX_ISSUE_BYTES = 10 * 1024 * 1024
"""The largest issue read: 500 times a long one (20 KB), seconds of work to segment."""
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CONTROL = re.compile("[\x01-\x08\x0e-\x1f]")


@dataclass(frozen=True)
class Issue:
    """One source issue: its text, its metadata and where its body starts."""

    slug: str
    path: Path
    text: str
    front_matter: FrontMatter
    shown: str = field(default="", compare=False)

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

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        """The sections of the issue, each with its segments, in document order."""
        return segment_issue(self.text, self.shown or self.path.name, self.front_matter)

    @property
    def segments(self) -> list[Segment]:
        """Every segment of the issue, in document order."""
        return [segment for section in self.sections for segment in section.segments]


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
        with path.open("rb") as stream:
            data = stream.read(MAX_ISSUE_BYTES + 1)  # no more than that in memory
    except OSError as error:
        raise IssueError(f"cannot read: {error.strerror}", shown) from None
    if len(data) > MAX_ISSUE_BYTES:
        limit = MAX_ISSUE_BYTES // (1024 * 1024)
        raise IssueError(f"larger than {limit} MiB, the limit for one issue; split it", shown)
    text = decode_issue(data, shown)
    return Issue(slug, path, text, read_front_matter(text, shown), Path(shown).as_posix())


def decode_issue(data: bytes, shown: Path | str) -> str:
    """Decode issue bytes as UTF-8, rejecting NUL bytes, invalid sequences and controls.

    Control characters other than tab, line endings and form feeds have no place in
    Markdown, and gettext catalogs cannot carry some of them (U+0004 separates contexts).
    """
    nul = data.find(b"\0")
    if nul >= 0:
        raise IssueError("contains a NUL byte (is this a binary file?)", shown, _line_at(data, nul))
    text = decode_utf8(data, shown, IssueError)
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        code = ord(control.group())
        raise IssueError(f"contains the control character U+{code:04X}", shown, line)
    return text


def _line_at(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1
