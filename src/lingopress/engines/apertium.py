"""The Apertium engine: Debian's rule-based translation, one process per batch.

Pairs are Apertium *modes* such as ``eng-spa`` (``apertium -l`` lists those
installed). A batch is one ``apertium -u -f html MODE`` process: every sentence
goes in its own ``<p>`` block, so that Apertium keeps them apart, with ``&``, ``<``
and ``>`` escaped; ``-u`` drops the marks on unknown words. Placeholders pass
through as they are.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache

from lingopress.errors import EngineError
from lingopress.languages import Language

NAME = "apertium"
CODES = {
    "en": "eng", "es": "spa", "ca": "cat", "fr": "fra", "pt": "por", "gl": "glg", "it": "ita",
    "ro": "ron", "oc": "oci", "eo": "epo", "eu": "eus", "de": "deu", "nl": "nld", "da": "dan",
    "sv": "swe", "nb": "nob", "nn": "nno", "is": "isl", "cy": "cym", "br": "bre", "an": "arg",
    "ast": "ast", "mt": "mlt", "kk": "kaz", "tt": "tat", "be": "bel", "uk": "ukr", "ru": "rus",
}  # fmt: skip
"""BCP 47 primary language subtags and the ISO 639-3 codes Apertium's modes use."""

_BLOCK = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TIMEOUT_PER_SENTENCE = 2.0


@cache
def modes() -> tuple[str, ...]:
    """The installed Apertium modes (empty when Apertium is not installed)."""
    if shutil.which("apertium") is None:
        return ()
    listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False)
    return tuple(line.strip() for line in listed.stdout.splitlines() if line.strip())


def mode_for(source: Language, target: Language) -> str | None:
    """The mode translating ``source`` to ``target``, if installed."""
    pair = (CODES.get(source.tag.split("-")[0]), CODES.get(target.tag.split("-")[0]))
    if None in pair:
        return None
    mode = f"{pair[0]}-{pair[1]}"
    return mode if mode in modes() else None


def engine_for(source: Language, target: Language) -> ApertiumEngine | None:
    """An engine for the pair, if Apertium has a mode for it."""
    mode = mode_for(source, target)
    return ApertiumEngine(mode) if mode else None


class ApertiumEngine:
    """Translation with one Apertium mode."""

    name = NAME

    def __init__(self, mode: str):
        self.mode = mode
        self.model = mode

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate all sentences in one Apertium process."""
        if not sentences:
            return []
        document = "".join(f"<p>{html.escape(s, quote=False)}</p>\n" for s in sentences)
        try:
            result = subprocess.run(
                ["apertium", "-u", "-f", "html", self.mode],
                input=document,
                capture_output=True,
                text=True,
                timeout=30 + _TIMEOUT_PER_SENTENCE * len(sentences),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise EngineError(f"apertium {self.mode} failed: {error}") from None
        blocks = _BLOCK.findall(result.stdout)
        if result.returncode != 0 or len(blocks) != len(sentences):
            problem = result.stderr.strip().splitlines()[-1:] or ["its output did not match"]
            raise EngineError(f"apertium {self.mode} failed: {problem[0]}")
        return [" ".join(html.unescape(block).split()) for block in blocks]

    def alternatives(
        self, sentences: Sequence[str], count: int, avoid: Sequence[Sequence[str]] = ()
    ) -> list[list[str]]:
        """Apertium gives one translation per sentence."""
        return [[translation] for translation in self.translate(sentences)]
