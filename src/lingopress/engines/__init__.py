"""Translation engines behind one protocol (design.md section 8).

An engine translates sentences of one language pair: ``translate(sentences)`` returns
one translation per sentence, in order, from one batched call; ``alternatives`` gives
up to ``count`` candidates per sentence (only Argos has more than one), and is told for
each sentence the renderings it must avoid (a glossary's forbidden renderings): Argos
suppresses them in decoding, the other engines leave the choice to the caller. ``name`` and
``model`` say where a translation came from (``# MT: argos translate-en_es 1.9``).

- ``argos``: Argos Translate packages run with CTranslate2 (:mod:`.argos`);
- ``apertium``: Debian's rule-based Apertium (:mod:`.apertium`);
- ``pseudo``: pseudo-localisation into ``qps`` (:mod:`.pseudo`).

:func:`choose_engine` resolves ``auto`` per language: an installed Argos package
(directly or through English), else an Apertium mode, else none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from lingopress.errors import EngineError
from lingopress.languages import PSEUDO_LANGUAGE, Language


class Engine(Protocol):
    """What the translate stage needs from an engine."""

    name: str
    model: str

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate sentences of one language pair in one batched call."""
        ...

    def alternatives(
        self, sentences: Sequence[str], count: int, avoid: Sequence[Sequence[str]] = ()
    ) -> list[list[str]]:
        """Up to ``count`` candidate translations of each sentence, best first.

        ``avoid`` (empty, or one entry per sentence) lists renderings that a candidate
        should not contain, where the engine can steer its decoding away from them.
        """
        ...


@dataclass(frozen=True)
class EngineOptions:
    """How engines run: device, CTranslate2 compute type and beam size."""

    device: str = "cpu"
    compute_type: str = "default"
    beam_size: int = 4


def choose_engine(
    choice: str, source: Language, target: Language, options: EngineOptions | None = None
) -> Engine:
    """The engine for one language pair; ``auto`` tries Argos, then Apertium."""
    from lingopress.engines import apertium, argos, pseudo  # engines load their libraries lazily

    options = options or EngineOptions()
    if choice == "pseudo" or (choice == "auto" and target.tag == PSEUDO_LANGUAGE):
        return pseudo.PseudoEngine()
    if choice in ("argos", "auto"):
        engine = argos.engine_for(source, target, options)
        if engine is not None:
            return engine
        if choice == "argos":
            raise EngineError(
                f"no Argos package translates {source.tag} to {target.tag} "
                "(see 'lingopress models available' and 'models install')"
            )
    if choice in ("apertium", "auto"):
        found = apertium.engine_for(source, target)
        if found is not None:
            return found
        if choice == "apertium":
            raise EngineError(
                f"no Apertium mode translates {source.tag} to {target.tag} "
                f"(installed modes: {', '.join(apertium.modes()) or 'none'})"
            )
    raise EngineError(
        f"no engine translates {source.tag} to {target.tag}: install an Argos package "
        "('lingopress models install') or an Apertium pair"
    )
