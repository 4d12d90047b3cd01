"""The Argos engine: Argos Translate packages run directly on CTranslate2.

argostranslate's own ``translate()`` is not used: its sentence splitter downloads a
model at first use (it fails offline) and it calls the model once per sentence. Here
all sentences of a batch are tokenized with the package's SentencePiece (or BPE)
model, sorted by length, and given to one ``Translator.translate_batch`` call with a
token-based batch size; results come back in the original order. When no package
translates a pair directly, two packages through English are chained (``de → en →
ja``).

Renderings to avoid (a glossary's forbidden renderings) are tokenized with the target
side's model and passed to CTranslate2 as ``suppress_sequences``, which applies to a
whole ``translate_batch`` call: sentences are grouped by what they must avoid, so a
word banned for one sentence (``papel`` for "paper") stays allowed in the others
("the role of data" → ``el papel de los datos``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from lingopress.engines import EngineOptions
from lingopress.languages import Language
from lingopress.models import PackageInfo, find_package

NAME = "argos"
PIVOT = "en"
MAX_BATCH_TOKENS = {"cpu": 1024, "cuda": 4096}
"""Tokens per batch: on a CPU, smaller batches waste less beam-search work on padding."""
_WORD_START = "▁"
"""SentencePiece's mark of a piece that begins a word."""
_CODES = {"zh-Hans": "zh", "zh-Hant": "zt", "pt-BR": "pb"}
"""BCP 47 tags whose Argos code is not their primary language subtag."""


def argos_code(language: Language) -> str:
    """The code Argos uses for a language (``zh`` for ``zh-Hans``, ``qps`` for pseudo)."""
    return _CODES.get(language.tag, language.tag.split("-")[0])


def engine_for(source: Language, target: Language, options: EngineOptions) -> ArgosEngine | None:
    """An engine for the pair from installed packages, directly or through English."""
    start, end = argos_code(source), argos_code(target)
    direct = find_package(start, end)
    if direct is not None:
        return ArgosEngine([direct], options)
    first, second = find_package(start, PIVOT), find_package(PIVOT, end)
    if first is not None and second is not None:
        return ArgosEngine([first, second], options)
    return None


class ArgosEngine:
    """Translation with one package, or a chain of two through English."""

    name = NAME

    def __init__(self, packages: Sequence[PackageInfo], options: EngineOptions):
        self.packages = list(packages)
        self.options = options
        self.model = " + ".join(package.model_id for package in self.packages)
        self._hops = [_Hop(package, options) for package in self.packages]

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate all sentences, hop by hop, each hop one batched call."""
        return [candidates[0] for candidates in self.alternatives(sentences, 1)]

    def alternatives(
        self, sentences: Sequence[str], count: int, avoid: Sequence[Sequence[str]] = ()
    ) -> list[list[str]]:
        """Up to ``count`` hypotheses per sentence (from the last hop), best first.

        The last hop decodes each group of sentences that avoid the same renderings in
        one call with those renderings suppressed.
        """
        texts = list(sentences)
        for hop in self._hops[:-1]:
            texts = [candidates[0] for candidates in hop.run(texts, 1)]
        groups: dict[frozenset[str], list[int]] = {}
        for index in range(len(texts)):
            groups.setdefault(frozenset(avoid[index] if avoid else ()), []).append(index)
        results: list[list[str]] = [[] for _ in texts]
        for renderings, indices in groups.items():
            group = self._hops[-1].run([texts[i] for i in indices], count, sorted(renderings))
            for index, candidates in zip(indices, group, strict=True):
                results[index] = candidates
        return results


class _Hop:
    """One package loaded for translation: its tokenizer and CTranslate2 translator."""

    def __init__(self, package: PackageInfo, options: EngineOptions):
        self.package = package
        self.options = options
        self.prefix = str(package.metadata.get("target_prefix", ""))

    @cached_property
    def translator(self) -> Any:
        """The CTranslate2 translator of the package's model (loaded on first use)."""
        import ctranslate2

        return ctranslate2.Translator(
            str(self.package.path / "model"),
            device=self.options.device,
            compute_type=self.options.compute_type,
        )

    @cached_property
    def tokenizer(self) -> Any:
        """The package's SentencePiece model, or argostranslate's BPE tokenizer."""
        sentencepiece_model = self.package.path / "sentencepiece.model"
        if sentencepiece_model.exists():
            import sentencepiece

            return _SentencePiece(
                sentencepiece.SentencePieceProcessor(model_file=str(sentencepiece_model))
            )
        from argostranslate.tokenizer import BPETokenizer

        return BPETokenizer(
            self.package.path / "bpe.model", self.package.from_code, self.package.to_code
        )

    def run(
        self, sentences: Sequence[str], count: int, avoid: Sequence[str] = ()
    ) -> list[list[str]]:
        """Translate sentences in one ``translate_batch``, longest last; keep the order."""
        if not sentences:
            return []
        tokens = [self.tokenizer.encode(sentence) for sentence in sentences]
        suppressed = self.token_sequences(avoid)
        order = sorted(range(len(tokens)), key=lambda index: len(tokens[index]))
        beam = max(self.options.beam_size, count)
        results = self.translator.translate_batch(
            [tokens[index] for index in order],
            target_prefix=[[self.prefix]] * len(order) if self.prefix else None,
            max_batch_size=MAX_BATCH_TOKENS.get(self.options.device, 1024),
            batch_type="tokens",
            beam_size=beam,
            num_hypotheses=count,
            replace_unknowns=True,
            suppress_sequences=suppressed or None,
        )
        translations: list[list[str]] = [[] for _ in sentences]
        for index, result in zip(order, results, strict=True):
            translations[index] = [self._decode(hypothesis) for hypothesis in result.hypotheses]
        return translations

    def token_sequences(self, renderings: Sequence[str]) -> list[list[str]]:
        """The target token sequences that spell each rendering.

        A rendering is tokenized as written and capitalised, each also without the
        word-start marker of its first piece (as it is tokenized inside a word or after
        CJK text); pieces the vocabulary lacks could never be generated and are left out.
        """
        sequences: list[list[str]] = []
        for rendering in renderings:
            for written in dict.fromkeys((rendering, rendering[:1].upper() + rendering[1:])):
                pieces = self.tokenizer.encode(written)
                variants = [pieces]
                if pieces and pieces[0].startswith(_WORD_START) and len(pieces[0]) > 1:
                    variants.append([pieces[0][1:], *pieces[1:]])
                for variant in variants:
                    if variant not in sequences and self._known(variant):
                        sequences.append(variant)
        return sequences

    def _known(self, pieces: list[str]) -> bool:
        """Whether every piece is in the target vocabulary (CTranslate2 refuses others)."""
        return all(piece in self.vocabulary for piece in pieces)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """The model's target vocabulary, from its CTranslate2 vocabulary file."""
        model = self.package.path / "model"
        for name in ("target_vocabulary", "shared_vocabulary"):
            if (model / f"{name}.json").exists():
                return frozenset(json.loads((model / f"{name}.json").read_text("utf-8")))
            if (model / f"{name}.txt").exists():
                return frozenset((model / f"{name}.txt").read_text("utf-8").splitlines())
        return frozenset()

    def _decode(self, pieces: list[str]) -> str:
        """Text from target pieces, without the target prefix and a leading space."""
        text = str(self.tokenizer.decode(pieces))
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :]
        return text.strip()


class _SentencePiece:
    """SentencePiece with the encode/decode interface of argostranslate's tokenizers."""

    def __init__(self, processor: Any):
        self.processor = processor

    def encode(self, sentence: str) -> list[str]:
        """The pieces of a sentence."""
        return list(self.processor.encode(sentence, out_type=str))

    def decode(self, pieces: list[str]) -> str:
        """The text of pieces."""
        return str(self.processor.decode(pieces))
