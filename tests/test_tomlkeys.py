"""Locating keys in TOML text for error messages."""

from __future__ import annotations

from lingopress.tomlkeys import key_line, split_key

TEXT = """\
# comment = not a key
source_language = "en"

[site]
title = "x"   # trailing comment

[languages."zh-Hans"]
engine = "auto"

[languages.es]
publish.policy = "machine"
inline = { a = 1 }
"""


def test_exact_keys() -> None:
    assert key_line(TEXT, ("source_language",)) == 2
    assert key_line(TEXT, ("site", "title")) == 5
    assert key_line(TEXT, ("languages", "zh-Hans", "engine")) == 8
    assert key_line(TEXT, ("languages", "es", "publish", "policy")) == 11


def test_tables_and_nearest() -> None:
    assert key_line(TEXT, ("site",)) == 4
    assert key_line(TEXT, ("languages", "es")) == 10
    assert key_line(TEXT, ("languages", "es", "publish")) == 11
    assert key_line(TEXT, ("languages", "es", "inline", "a")) == 12
    assert key_line(TEXT, ("languages",)) == 7
    assert key_line(TEXT, ("comment",)) is None
    assert key_line(TEXT, ("paths", "site")) is None


def test_split_key() -> None:
    assert split_key("a.b") == ("a", "b")
    assert split_key("'x.y'.z") == ("x.y", "z")
