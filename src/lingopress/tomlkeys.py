r"""Find the line of a key in TOML text, so that config errors can name it.

``tomllib`` reports positions only for syntax errors; for a value that parses but
is wrong (an unknown key, a bad language code) we find its line ourselves. This is a
line scanner, not a parser: it understands table headers, dotted and quoted keys,
which covers configuration files as people write them.

>>> text = '[site]\ntitle = 1\n\n[languages.es]\nengin = "x"\n'
>>> key_line(text, ("languages", "es", "engin"))
5
>>> key_line(text, ("languages", "es"))
4
>>> key_line(text, ("paths",)) is None
True
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\[\[?(?P<key>[^\[\]]+)\]\]?\s*(#.*)?$")
_ASSIGNMENT = re.compile(r"""^(?P<key>(?:"[^"]*"|'[^']*'|[^=#"'])+?)\s*=""")
_DOTTED_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[^.\s]+)\s*(?:\.|$)""")

KeyPath = tuple[str, ...]


def split_key(dotted: str) -> KeyPath:
    """Split a TOML dotted key into its parts, removing quotes.

    >>> split_key('languages."zh-Hans" . engine')
    ('languages', 'zh-Hans', 'engine')
    """
    parts = [part.strip("\"'") for part in _DOTTED_PART.findall(dotted.strip())]
    return tuple(parts)


def key_line(text: str, path: KeyPath) -> int | None:
    """Return the 1-based line that defines ``path`` (or the nearest related key).

    An exact definition wins; otherwise the first line whose key shares the longest
    prefix with ``path`` while containing it or lying inside it (a table header, an
    inline table, a dotted key); None if no line is related.
    """
    table: KeyPath = ()
    nearest: int | None = None
    nearest_depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = _HEADER.match(line)
        if header:
            table = split_key(header["key"])
            defined = table
        else:
            assignment = _ASSIGNMENT.match(line)
            if assignment is None:
                continue
            defined = table + split_key(assignment["key"])
        if defined == path:
            return number
        depth = min(len(defined), len(path))
        if defined[:depth] == path[:depth] and depth > nearest_depth:
            nearest, nearest_depth = number, depth
    return nearest
