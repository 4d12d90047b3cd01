"""lingopress: translate a Markdown newsletter offline and publish it in many languages.

The pipeline (see ``docs/architecture.md``): source issues are segmented by section,
machine-translated with glossaries that keep ML terms right, reviewed by people as
gettext catalogs, and rendered into a static site per language.

The public API is importable from here; its modules load on first use so that
``lingopress --version`` and other quick commands stay quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lingopress.config import Config as Config
    from lingopress.config import load_config as load_config
    from lingopress.config import read_config as read_config
    from lingopress.errors import LingopressError as LingopressError
    from lingopress.issue import Issue as Issue
    from lingopress.issue import read_issue as read_issue
    from lingopress.issue import read_issues as read_issues
    from lingopress.languages import Language as Language
    from lingopress.languages import parse_language as parse_language
    from lingopress.reassembly import reassemble as reassemble
    from lingopress.segments import Section as Section
    from lingopress.segments import Segment as Segment
    from lingopress.segments import segment as segment
    from lingopress.segments import split_sections as split_sections

__version__ = "0.1.0"

_API = {
    "Config": "lingopress.config",
    "load_config": "lingopress.config",
    "read_config": "lingopress.config",
    "Issue": "lingopress.issue",
    "read_issue": "lingopress.issue",
    "read_issues": "lingopress.issue",
    "Language": "lingopress.languages",
    "parse_language": "lingopress.languages",
    "LingopressError": "lingopress.errors",
    "Segment": "lingopress.segments",
    "Section": "lingopress.segments",
    "segment": "lingopress.segments",
    "split_sections": "lingopress.segments",
    "reassemble": "lingopress.reassembly",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module 'lingopress' has no attribute {name!r}")
    return getattr(importlib.import_module(_API[name]), name)
