"""The pseudo engine: pseudo-localisation for testing layouts and the pipeline offline.

Its "language" is ``qps``, the conventional pseudo-locale. The rule is deterministic and
easy to check: every ASCII vowel becomes two accented vowels (``a`` → ``áá``,
``E`` → ``ÉÉ``), which lengthens ordinary English by about 35% like a long language
would, and the whole text is framed by ``⟦ `` and `` ⟧`` so that cut-off text shows on
a page. Placeholders (``⟨0⟩``, from :mod:`lingopress.masking`) and everything that is
not an ASCII vowel are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NAME = "pseudo"
MODEL = "lingopress-pseudo-1"
OPEN, CLOSE = "⟦ ", " ⟧"
_ACCENTED = dict(zip("aeiouAEIOU", "áéíóúÁÉÍÓÚ", strict=True))
_PLACEHOLDER = re.compile(r"⟨\d+⟩")


def pseudo_text(text: str) -> str:
    """Pseudo-localise one text, keeping placeholders.

    >>> pseudo_text("Attention is all you need ⟨0⟩")
    '⟦ ÁÁttééntííóón íís ááll yóóúú nééééd ⟨0⟩ ⟧'
    """
    parts = []
    position = 0
    for placeholder in _PLACEHOLDER.finditer(text):
        parts.append(_lengthen(text[position : placeholder.start()]))
        parts.append(placeholder.group())
        position = placeholder.end()
    parts.append(_lengthen(text[position:]))
    return OPEN + "".join(parts) + CLOSE


def _lengthen(text: str) -> str:
    """Double and accent the ASCII vowels of a text."""
    return "".join(_ACCENTED[char] * 2 if char in _ACCENTED else char for char in text)


class PseudoEngine:
    """The pseudo engine: :func:`pseudo_text` on every sentence."""

    name = NAME
    model = MODEL

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Pseudo-localise each sentence."""
        return [pseudo_text(sentence) for sentence in sentences]

    def alternatives(
        self, sentences: Sequence[str], count: int, avoid: Sequence[Sequence[str]] = ()
    ) -> list[list[str]]:
        """The one pseudo-localisation of each sentence."""
        return [[translation] for translation in self.translate(sentences)]
