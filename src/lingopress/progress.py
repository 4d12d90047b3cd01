"""Translation progress: how much of each issue is reviewed, per language and section.

Every active message of a catalog is in one state:

- ``reviewed``: translated and not fuzzy;
- ``machine``: fuzzy without a previous source (machine translation or memory);
- ``outdated``: fuzzy with a previous source (``#| msgid``: the source changed);
- ``untranslated``: no translation.

For each state there are two counts, ``strings`` and ``words`` (of the source text);
``percent_reviewed`` is the share of source words that are reviewed. A message's
section is the one named in its first extracted comment (``kind in section``).

The JSON form of :func:`status_report` is a stable structure, documented in the
README (``lingopress status --format json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polib

from lingopress.config import Config
from lingopress.languages import CJK_CHARACTER
from lingopress.merging import is_translated
from lingopress.update import read_language_catalogs, read_templates

STATES = ("reviewed", "machine", "outdated", "untranslated")
REPORT_FORMAT = "lingopress-status/1"
_WORD = re.compile(rf"{CJK_CHARACTER}|[^\W_]+(?:['\u2019.-][^\W_]+)*")


def count_words(text: str) -> int:
    """Words of a source text; each CJK character counts as one word.

    >>> count_words("Self-supervised **ViTs**, e.g. DINO: 3 papers")
    6
    >>> count_words("自监督学习")
    5
    """
    return len(_WORD.findall(text))


def state_of(entry: polib.POEntry) -> str:
    """The review state of an active message."""
    if not is_translated(entry):
        return "untranslated"
    if entry.fuzzy:
        return "outdated" if entry.previous_msgid else "machine"
    return "reviewed"


def section_of(entry: polib.POEntry) -> str:
    """The section path of a message's first place (empty before the first heading)."""
    first = entry.comment.split("\n")[0] if entry.comment else ""
    return first.partition(" in ")[2]


@dataclass
class Counts:
    """Strings and source words in each state."""

    strings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    def add(self, entry: polib.POEntry, state: str) -> None:
        """Count one message in a state."""
        self.strings[state] += 1
        self.words[state] += count_words(entry.msgid)

    @property
    def percent_reviewed(self) -> float:
        """The share of source words reviewed, in percent, one decimal."""
        total = sum(self.words.values())
        return round(100 * self.words["reviewed"] / total, 1) if total else 100.0

    def as_json(self) -> dict[str, Any]:
        """The counts as the report's JSON object."""
        return {
            "strings": {**self.strings, "total": sum(self.strings.values())},
            "words": {**self.words, "total": sum(self.words.values())},
            "percent_reviewed": self.percent_reviewed,
        }


@dataclass
class CatalogProgress:
    """The progress of one issue in one language, in total and by section."""

    language: str
    issue: str
    path: str
    exists: bool
    total: Counts = field(default_factory=Counts)
    sections: dict[str, Counts] = field(default_factory=dict)

    def as_json(self, by_section: bool) -> dict[str, Any]:
        """The report's JSON object for this catalog."""
        result = {
            "language": self.language,
            "issue": self.issue,
            "path": self.path,
            "exists": self.exists,
            **self.total.as_json(),
        }
        if by_section:
            result["sections"] = [
                {"section": name, **counts.as_json()} for name, counts in self.sections.items()
            ]
        return result


def measure(entries: Iterable[polib.POEntry], progress: CatalogProgress) -> CatalogProgress:
    """Count the active messages of a catalog (or, for a missing one, of its template)."""
    for entry in entries:
        if entry.obsolete:
            continue
        state = state_of(entry) if progress.exists else "untranslated"
        progress.total.add(entry, state)
        progress.sections.setdefault(section_of(entry), Counts()).add(entry, state)
    return progress


def project_progress(config: Config, tags: Sequence[str]) -> list[CatalogProgress]:
    """The progress of every issue (not the site's strings) in each of ``tags``."""
    templates = read_templates(config)
    issues = [name for name in templates if name != "site"]
    results = []
    for tag in tags:
        catalogs = read_language_catalogs(config, tag, issues)
        for name in issues:
            path = config.paths.relative(config.paths.po(tag, name)).as_posix()
            catalog = catalogs.get(name)
            progress = CatalogProgress(tag, name, path, exists=catalog is not None)
            results.append(measure(catalog if catalog is not None else templates[name], progress))
    return results


def status_report(results: Sequence[CatalogProgress], by_section: bool) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return {
        "format": REPORT_FORMAT,
        "states": list(STATES),
        "catalogs": [result.as_json(by_section) for result in results],
    }


def status_lines(results: Sequence[CatalogProgress], by_section: bool) -> list[str]:
    """The report as text: one line per catalog (and per section), aligned."""
    lines = []
    width = max((len(result.language) for result in results), default=0)
    for result in results:
        lines.append(f"{result.language:<{width}}  {result.issue}  {_summary(result.total)}")
        if by_section:
            for name, counts in result.sections.items():
                lines.append(
                    f"{'':<{width}}    {name or '(before the first heading)'}: {_summary(counts)}"
                )
    return lines


def _summary(counts: Counts) -> str:
    """``42.0% reviewed (strings: 3 reviewed, 1 machine, 0 outdated, 2 untranslated)``."""
    states = ", ".join(f"{counts.strings[state]} {state}" for state in STATES)
    return (
        f"{counts.percent_reviewed:5.1f}% reviewed ({states}; {sum(counts.words.values())} words)"
    )
