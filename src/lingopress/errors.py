"""The one exception family of lingopress.

Every error a user can cause is a :class:`LingopressError` that knows the file and,
where it can, the line it is about. The command-line layer turns it into the single
line ``Error: path:line: message`` and exit status 1; nothing else prints errors.
"""

from __future__ import annotations

import re
from pathlib import Path

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters a path may hold that would break or garble the one line of an error."""


class LingopressError(Exception):
    """A user-facing error about a file (and line) of the project.

    ``path`` is shown as given (callers pass it relative to the project root, so the
    message matches what the user sees in their editor); ``line`` is 1-based. The
    message is folded onto one line, whatever a library underneath produced.
    """

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        message = " ".join(part.strip() for part in message.splitlines() if part.strip())
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def location(self) -> str:
        """Return ``path:line``, ``path``, ``line N`` or an empty string."""
        if self.path is None:
            return f"line {self.line}" if self.line is not None else ""
        where = _UNPRINTABLE.sub(lambda found: ascii(found.group())[1:-1], self.path.as_posix())
        return f"{where}:{self.line}" if self.line is not None else where

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class ConfigError(LingopressError):
    """The configuration is missing, malformed or inconsistent."""


class IssueError(LingopressError):
    """A source issue cannot be read (encoding, front matter, name)."""


class CatalogError(LingopressError):
    """A ``.po`` or ``.pot`` file cannot be read (syntax, charset, duplicates, header)."""


class GlossaryError(LingopressError):
    """A glossary file is malformed or contradicts itself."""


class ModelError(LingopressError):
    """A translation package cannot be found, validated, installed or fetched."""


class TmxError(LingopressError):
    """A TMX translation-memory file is not well-formed or not TMX."""


class EngineError(LingopressError):
    """A translation engine is missing or failed."""


class SegmentError(LingopressError):
    """Markdown that cannot be segmented safely (a NUL character, runaway nesting)."""


class LockError(LingopressError):
    """Another lingopress process is writing the project (it holds the project's lock)."""


class SiteError(LingopressError):
    """The site cannot be built: a template, a referenced file or the output folder."""
