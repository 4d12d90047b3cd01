"""Fuzzing the readers of user files: a result, or one line that names the file.

The catalog reader (``read_catalog``), the issue reader (``read_issue``: decoding, front
matter, slug, then the segments) and the glossary reader (``read_terms``) get random
text made of their own syntax, and real files (the bundled newsletter's issues,
catalogs and glossaries, and the corpus of bad inputs) mutated at the byte level: lines
deleted, duplicated, swapped or cut, and quotes, backslashes, control characters,
line breaks, invalid UTF-8 and pieces of syntax inserted. The only outcomes allowed
are a parsed result or a :class:`~lingopress.errors.LingopressError` whose message is
one line starting with the file's path. What a reader accepts must also survive what
lingopress does next with it: a catalog is written back in canonical form and read
again to the same entries; an issue's translatable front matter is located.

Each test runs a few hundred examples by default, a few thousand in all, in seconds;
``LINGOPRESS_FUZZ_EXAMPLES=N`` runs N examples per test for a long local run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingopress.catalog import format_catalog, parse_catalog, read_catalog
from lingopress.config import Paths
from lingopress.errors import LingopressError
from lingopress.frontmatter import translatable_fields
from lingopress.glossary import read_terms
from lingopress.issue import read_issue
from tests.conftest import REPO

CORPUS = REPO / "tests" / "bad_inputs"
EXAMPLES = os.environ.get("LINGOPRESS_FUZZ_EXAMPLES")


def fuzz_settings(default: int) -> settings:
    """``default`` examples, or as many as ``LINGOPRESS_FUZZ_EXAMPLES`` asks for."""
    return settings(
        max_examples=int(EXAMPLES) if EXAMPLES else default,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def files(*patterns: str) -> list[bytes]:
    """The bytes of the repository's files matching the patterns (at most 300 KB each)."""
    found = sorted({path for pattern in patterns for path in REPO.glob(pattern)})
    return [path.read_bytes() for path in found if path.stat().st_size < 300_000]


CATALOGS = files("locales/*/*.po", "locales/templates/*.pot", "tests/bad_inputs/catalogs/*")
ISSUES = [  # issues are segmented too: their first lines (front matter) and a middle part
    window
    for data in files(
        "issues/*.md", "tests/bad_inputs/issues/*.md", "tests/bad_inputs/project/*/*.md"
    )
    for lines in [data.splitlines(keepends=True)]
    for window in {b"".join(lines[:50]), b"".join(lines[len(lines) // 2 :][:50])}
    if max(map(len, lines), default=0) < 2000  # the corpus's 10 000-deep nestings are slow
]
GLOSSARIES = files("locales/**/glossary.csv", "tests/bad_inputs/glossaries/*.csv")

PIECES = [
    *(b'"', b"'", b"\\", b'\\"', b"\\\\", b"\\n", b"\\q", b"\\x41", b"\\101"),
    *(b"\x00", b"\x01", b"\x04", b"\x07", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\t"),
    *(b"\r", b"\r\n", b"\n", b"\xc2\x85", b"\xe2\x80\xa8", b"\xef\xbb\xbf"),
    *(b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80"),
    *(b"#", b"#~ ", b"#| ", b"#, fuzzy", b"msgid ", b"msgstr ", b"msgstr[1] ", b"msgctxt "),
    *(b"msgid_plural ", b'"Language: fr\\n"', b'"Content-Type: text/plain; charset=latin1\\n"'),
    *(b"---", b"...", b": ", b"- ", b"? ", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"<<: "),
    *(b"!!int ", b"!!timestamp ", b"!!bool ", b"!!map ", b"!!binary ", b"!!python/none "),
    *(b"9" * 5000, b"[" * 2000, b">" * 80, b"- " * 80),
    *(b",", b"|", b";", b'""', b"source,target,note,forbidden", b"source,note"),
]

OPERATIONS = ("delete", "duplicate", "swap", "insert", "cut", "truncate", "prefix", "window")


@st.composite
def mutated(draw: st.DrawFn, sources: list[bytes]) -> bytes:
    """A real file with one to five byte-level mutations of its lines."""
    lines = draw(st.sampled_from(sources)).splitlines(keepends=True) or [b""]
    for _ in range(draw(st.integers(1, 5))):
        operation = draw(st.sampled_from(OPERATIONS))
        at = draw(st.integers(0, len(lines) - 1)) if lines else 0
        lines = lines or [b""]
        line = lines[at]
        offset = draw(st.integers(0, len(line)))
        piece = draw(st.sampled_from(PIECES) | st.binary(min_size=1, max_size=4))
        if operation == "delete" and len(lines) > 1:
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, line)
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "insert":
            lines[at] = line[:offset] + piece + line[offset:]
        elif operation == "cut":
            lines[at] = line[:offset] + line[offset + draw(st.integers(1, 8)) :]
        elif operation == "truncate":
            lines = [*lines[:at], line[:offset]]
        elif operation == "prefix":
            lines[at] = piece + line
        else:  # a window of the file, to keep big files fast (the header stays)
            head = lines[: draw(st.integers(0, 16))]
            lines = head + lines[at : at + draw(st.integers(1, 80))]
    return b"".join(lines)


def syntax(pieces: list[bytes]) -> st.SearchStrategy[bytes]:
    """Random text made of a reader's own syntax, some other characters between."""
    piece = st.sampled_from(pieces) | st.text(max_size=3).map(lambda text: text.encode())
    return st.lists(piece, max_size=60).map(b"".join)


CATALOG_SYNTAX = [
    *(b'msgid "', b'msgstr "', b'msgstr[0] "', b'msgstr[1] "', b'msgid_plural "', b'msgctxt "'),
    *(b'"', b'""', b'"x"', b"\\", b"\\n", b'\\"', b"\n", b"\r", b" ", b"a", b"\xc3\xa9"),
    *(b"#", b"#~ ", b"#| ", b"#~| ", b"#, fuzzy\n", b"#: a.md:1\n", b'msgid ""\nmsgstr ""\n'),
    b'"Content-Type: text/plain; charset=UTF-8\\n"\n',
    b'"Language: es\\n"\n',
    b'"Plural-Forms: nplurals=2; plural=n != 1;\\n"\n',
]
ISSUE_SYNTAX = [
    *(b"---\n", b"...\n", b"title: ", b"date: ", b"number: ", b"summary: ", b"\n", b" ", b"\t"),
    *(b"- ", b"? ", b": ", b"[", b"]", b"{", b"}", b",", b"&a ", b"*a", b"|", b">", b"#", b'"'),
    *(b"!!int ", b"!!str ", b"!!timestamp ", b"!!bool ", b"!!float ", b"!!map ", b"!!seq "),
    *(b"!!set ", b"!!omap ", b"!!binary ", b"!!python/none ", b"<<: ", b"%YAML 1.1\n", b"~"),
    *(b"2024-01-08", b"2024-02-30", b"99999999999999999999", b"1e999", b".inf", b"0x1f"),
    *(b"# Heading\n", b"> ", b"1. ", b"`", b"```\n", b"|a|b|\n|-|-|\n", b"<div>", b"\\"),
    *(b"\x00", b"\x07", b"\r", b"\xff", b"\xef\xbb\xbf", b"\xc2\x85"),
]
GLOSSARY_SYNTAX = [
    *(b"source,note\n", b"source,target,note,forbidden\n", b",", b'"', b'""', b"\n", b"\r\n"),
    *(b"\r", b"model", b"Model", b"modelo", b"|", b" ", b"\t", b";", b"\x00", b"\xff"),
    b"\xef\xbb\xbf",
]


@contextmanager
def scratch() -> Iterator[Path]:
    """A temporary folder for one example's file."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def outcome(read: Callable[[], object], shown: str) -> object | None:
    """What ``read`` returns, or None if it refused the input with a proper error."""
    try:
        return read()
    except LingopressError as error:
        message = str(error)
        assert len(message.splitlines()) == 1, message
        assert message.startswith(f"{shown}:"), message
        return None


def check_catalog(data: bytes) -> None:
    """A catalog is refused in one line, or written back and read again to the same."""
    shown = "locales/es/fuzz.po"
    with scratch() as folder:
        path = folder / "fuzz.po"
        path.write_bytes(data)
        catalog = outcome(lambda: read_catalog(path, shown), shown)
    if catalog is not None:
        written = format_catalog(catalog)
        again = parse_catalog(written, shown)
        assert format_catalog(again) == written


def check_issue(data: bytes) -> None:
    """An issue is refused in one line, or read with its front matter and segments."""
    shown = "issues/fuzz.md"
    with scratch() as folder:
        path = folder / "fuzz.md"
        path.write_bytes(data)

        def read() -> object:
            issue = read_issue(path, shown)
            translatable_fields(issue.text, issue.front_matter)
            return issue.segments

        outcome(read, shown)


def check_glossary(data: bytes, verbatim: bool) -> None:
    """A glossary is refused in one line, or read as checked terms."""
    with scratch() as folder:
        paths = Paths(folder, folder, folder, folder / "locales", folder / "site")
        path = paths.glossary if verbatim else paths.language_glossary("es")
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        shown = paths.relative(path).as_posix()
        outcome(lambda: read_terms(path, paths, verbatim=verbatim), shown)


@fuzz_settings(800)
@given(mutated(CATALOGS))
def test_mutated_catalogs(data: bytes) -> None:
    check_catalog(data)


@fuzz_settings(400)
@given(syntax(CATALOG_SYNTAX))
def test_random_catalogs(data: bytes) -> None:
    check_catalog(data)


@fuzz_settings(800)
@given(mutated(ISSUES))
def test_mutated_issues(data: bytes) -> None:
    check_issue(data)


@fuzz_settings(400)
@given(syntax(ISSUE_SYNTAX))
def test_random_issues(data: bytes) -> None:
    check_issue(b"---\n" + data)


@fuzz_settings(700)
@given(mutated(GLOSSARIES), st.booleans())
def test_mutated_glossaries(data: bytes, verbatim: bool) -> None:
    check_glossary(data, verbatim)


@fuzz_settings(400)
@given(syntax(GLOSSARY_SYNTAX), st.booleans())
def test_random_glossaries(data: bytes, verbatim: bool) -> None:
    check_glossary(data, verbatim)


@pytest.mark.parametrize("sources", [CATALOGS, ISSUES, GLOSSARIES], ids=["po", "md", "csv"])
def test_the_seeds_are_real_files(sources: list[bytes]) -> None:
    assert len(sources) >= 8
