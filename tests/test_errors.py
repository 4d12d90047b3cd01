"""The exception family: location formatting and one-line messages."""

from __future__ import annotations

from pathlib import Path

from lingopress.errors import ConfigError, LingopressError


def test_location_forms() -> None:
    assert str(LingopressError("bad", Path("issues/x.md"), 3)) == "issues/x.md:3: bad"
    assert str(ConfigError("bad", "lingopress.toml")) == "lingopress.toml: bad"
    assert str(LingopressError("bad")) == "bad"


def test_messages_are_folded_onto_one_line() -> None:
    error = LingopressError(
        'unacceptable character\n  in "<unicode string>", position 10\n', "x.md"
    )
    assert str(error) == 'x.md: unacceptable character in "<unicode string>", position 10'
