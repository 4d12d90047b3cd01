"""Benchmark: machine translation throughput, argostranslate's way against lingopress's.

What: builds, on the fly and with random weights, an Argos Translate package of the size
of the real ones (Transformer base: 6 encoder and 6 decoder layers, d_model 512, 8 heads,
a feed-forward of 2048, a shared vocabulary of 32,000 SentencePiece pieces, weights saved
in int8) and translates the same sentences (500 by default, 5 to 40 words, fixed seed)
with one loaded CTranslate2 translator, three ways:

- **argostranslate's way**: what ``argostranslate.translate`` does for each sentence that
  lingopress would hand it: tokenize with argostranslate's ``SentencePieceTokenizer``,
  one ``translate_batch([tokens])`` with its default settings (``ARGOS_BATCH_SIZE`` 32
  tokens, ``ARGOS_BEAM_SIZE`` 4, one hypothesis, length penalty 0.2, scores), decode.
  Its sentence splitter is left out (it downloads a model at first use, and leaving it
  out only flatters argostranslate);
- **lingopress**: ``ArgosEngine.translate(sentences)``: all sentences tokenized, sorted by
  length and given to one ``translate_batch`` with token-based batches;
- **bare translate_batch**: one ``translate_batch`` of the pre-tokenized sentences in the
  engine's order and with its settings: no tokenizing, sorting or decoding in the timed
  part. The engine's overhead over it is the cost of lingopress's own Python.

Every method runs at the same beam size and the same ``--max-length``. A model with random
weights never learns to stop, so its projection gives ``</s>`` and the other special
tokens a large negative bias: every hypothesis runs to exactly ``--max-length`` pieces in
every method, so all three do the same decoding work. That length is therefore the length
of every translation, not just a bound: the default, 32 pieces, is close to the length of
these sentences (25 source pieces on average), as real translations are. On CPU the
speed-up falls as the outputs get longer (see ``benchmarks/README.md``), so a larger
``--max-length`` is not a neutral choice. The engine has no option for the length; it is
given the shared translator behind a thin wrapper that adds it and adds up the time spent
inside ``translate_batch``, so that the engine's own time is also reported on its own (two
separate runs rarely compare within 10% on a busy machine). Loading the model is not
timed, and each method translates two sentences before it is timed. argostranslate's way
runs once; lingopress and the bare call, which take a fraction of its time, run
``--repeat`` times (3) alternately and the best run of each counts.

Why: lingopress promises to translate an issue several times faster than the same
package driven through argostranslate (goal: at least 4 times at equal beam size), at a
cost of at most 10% over calling CTranslate2 directly. Real packages are hundreds of
megabytes and need the network; random weights of the same shapes cost the same to run.

Run it from the repository root (several minutes at the defaults on two CPU cores, most
of it argostranslate's way)::

    .venv/bin/python benchmarks/mt_throughput.py [--sentences 500] [--beam-size 4]
        [--max-length 32] [--repeat 3] [--device cpu|cuda] [--compute-type default] [--threads 0]
        [--layers 6] [--d-model 512] [--vocab 32000] [--cache DIR] [--quick]

``--cache DIR`` keeps the built package (SentencePiece training and model) between runs;
``--quick`` is a tiny configuration (1+1 layers, d_model 64, 1,000 pieces, 20 sentences)
that the tests run. Timings are noisy: compare the ratios of one run, not bare seconds.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
import sentencepiece
from argostranslate.tokenizer import SentencePieceTokenizer
from ctranslate2.converters import Converter
from ctranslate2.specs import TransformerSpec

from lingopress.engines import EngineOptions
from lingopress.engines.argos import MAX_BATCH_TOKENS, ArgosEngine
from lingopress.models import PackageInfo

SPECIALS = ("<unk>", "<s>", "</s>", "<blank>")
"""The special tokens of an OpenNMT-py vocabulary, as CTranslate2 expects them first."""
ARGOS_BATCH_SIZE = 32
"""argostranslate's ``ARGOS_BATCH_SIZE`` default (with ``batch_type="tokens"``)."""
ARGOS_LENGTH_PENALTY = 0.2
HEADS = 8
WARM_UP = 2
"""Sentences each method translates before it is timed."""
METADATA: dict[str, Any] = {
    "package_version": "1.0",
    "argos_version": "1.9",
    "from_code": "en",
    "from_name": "English",
    "to_code": "xx",
    "to_name": "Random weights",
    "type": "translate",
    "links": [],
}
_COMMON = """
the of and to a in is it you that he was for on are with as his they be at one have this
from or had by not word but what some we can out other were all there when up use your how
said an each she which do their time if will way about many then them write would like so
these her long make thing see him two has look more day could go come did number sound no
most people my over know water than call first who may down side been now find any new work
part take get place made live where after back little only round man year came show every
good me give our under name very through just form sentence great think say help low line
differ turn cause much mean before move right boy old too same tell does set three want air
well also play small end put home read hand port large spell add even land here must big
high such follow act why ask men change went light kind off need house picture try us again
animal point mother world near build self earth father head stand own page should country
found answer school grow study still learn plant cover food sun four between state keep eye
never last let thought city tree cross farm hard start might story saw far sea draw left late
run while press close night real life few north open seem together next white children begin
got walk example ease paper group always music those both mark often letter until mile river
car feet care second book carry took science eat room friend began idea fish mountain stop
once base hear horse cut sure watch color face wood main enough plain girl usual young ready
above ever red list though feel talk bird soon body dog family direct pose leave song measure
door product black short numeral class wind question happen complete ship area half rock
order fire south problem piece told knew pass since top whole king space heard best hour
better true during hundred five remember step early hold west ground interest reach fast verb
sing listen six table travel less morning ten simple several vowel toward war lay against
pattern slow center love person money serve appear road map rain rule govern pull cold notice
voice unit power town fine certain fly fall lead cry dark machine note wait plan figure star
box noun field rest correct able pound done beauty drive stood contain front teach week final
gave green quick develop ocean warm free minute strong special mind behind clear tail produce
fact street inch multiply nothing course stay wheel full force blue object decide surface deep
moon island foot system busy test record boat common gold possible plane stead dry wonder
laugh thousand ago ran check game shape equate hot miss brought heat snow tire bring yes
distant fill east paint language among model training data network translation newsletter
"""
WORDS = _COMMON.split()
"""Common English words, most frequent first, for the sentences."""
_ONSETS = "b c d f g h j k l m n p r s t v w z br cr dr fr gr pr tr bl cl fl gl pl sl st sp sh ch"
_VOWELS = "a e i o u ai ea ee oo ou ie"
_CODAS = ("", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "rt", "ll", "ss")


@dataclass(frozen=True)
class Config:
    """What to build and how to translate."""

    sentences: int = 500
    beam_size: int = 4
    max_length: int = 32
    repeat: int = 3
    device: str = "cpu"
    compute_type: str = "default"
    threads: int = 0
    layers: int = 6
    d_model: int = 512
    vocab: int = 32_000
    seed: int = 1

    @property
    def ffn(self) -> int:
        """The feed-forward width (4 times d_model, 2048 in Transformer base)."""
        return 4 * self.d_model

    @property
    def training_lines(self) -> int:
        """Lines of generated text to train SentencePiece on (enough for the vocabulary)."""
        return max(2_000, self.vocab)


QUICK = Config(sentences=20, max_length=16, repeat=2, layers=1, d_model=64, vocab=1_000)


@dataclass(frozen=True)
class Timing:
    """How long one method took to translate the sentences."""

    method: str
    seconds: float
    sentences: int

    @property
    def per_second(self) -> float:
        """Sentences translated per second."""
        return self.sentences / self.seconds


# --- Sentences --------------------------------------------------------------------------


def invented_words(count: int, seed: int) -> list[str]:
    """Distinct English-looking made-up words (names, rare and technical words)."""
    rng = random.Random(seed)
    onsets, vowels = _ONSETS.split(), _VOWELS.split()
    found: dict[str, None] = {}
    while len(found) < count:
        syllables = rng.choice((1, 2, 2, 3))
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(_CODAS) for _ in range(syllables)
        )
        found.setdefault(word)
    return list(found)


def make_sentences(count: int, seed: int, invented: Sequence[str], share: float) -> list[str]:
    """``count`` sentences of 5 to 40 words; a ``share`` of the words are made up.

    Common words are drawn with Zipf-like weights from :data:`WORDS`, made-up ones from
    ``invented`` likewise; some are capitalized, some followed by a comma.
    """
    rng = random.Random(seed)
    common = list(itertools.accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))
    rare = list(itertools.accumulate(1 / rank for rank in range(1, len(invented) + 1)))
    sentences = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(5, 40)):
            if rng.random() < share:
                word = rng.choices(invented, cum_weights=rare)[0]
                word = word.capitalize() if rng.random() < 0.3 else word
            else:
                word = rng.choices(WORDS, cum_weights=common)[0]
            words.append(word + ("," if rng.random() < 0.06 else ""))
        text = " ".join(words).rstrip(",")
        sentences.append(text[0].upper() + text[1:] + rng.choice(".....?!"))
    return sentences


def benchmark_sentences(config: Config) -> list[str]:
    """The sentences to translate: fixed by the seed, one in ten words made up."""
    return make_sentences(config.sentences, config.seed, invented_words(2_000, config.seed), 0.1)


# --- The package ------------------------------------------------------------------------


def train_sentencepiece(path: Path, config: Config) -> list[str]:
    """Train a unigram SentencePiece model on generated English; return its pieces.

    The text mixes common words with many made-up ones so that the model can reach
    ``config.vocab - 1`` pieces (one id is left for ``<blank>``); with fewer, it stops
    where the text runs out, and :func:`vocabulary` pads.
    """
    invented = invented_words(max(2_000, 3 * config.vocab), config.seed)
    lines = make_sentences(config.training_lines, config.seed + 1, invented, 0.5)
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=config.vocab - 1,
        model_type="unigram",
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=os.cpu_count() or 1,
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    processor = sentencepiece.SentencePieceProcessor(model_file=str(path))
    return [processor.id_to_piece(index) for index in range(processor.get_piece_size())]


def vocabulary(pieces: Sequence[str], size: int) -> list[str]:
    """The model's shared vocabulary: specials, the pieces, then padding up to ``size``."""
    tokens = list(SPECIALS) + [piece for piece in pieces if piece not in SPECIALS]
    tokens += [f"<extra_{index}>" for index in range(size - len(tokens))]
    return tokens[:size]


def _random(rng: np.random.Generator, rows: int, columns: int) -> np.ndarray:
    """Small random weights (variance 1 / columns)."""
    return rng.standard_normal((rows, columns), dtype=np.float32) / np.float32(columns**0.5)


def _linear(layer: Any, rows: int, columns: int, rng: np.random.Generator) -> None:
    """Fill a linear layer's weight ``[rows, columns]`` and its bias."""
    layer.weight = _random(rng, rows, columns)
    layer.bias = np.zeros(rows, dtype=np.float32)


def _norm(layer: Any, width: int) -> None:
    """Fill a layer normalization (identity scale, no shift)."""
    layer.gamma = np.ones(width, dtype=np.float32)
    layer.beta = np.zeros(width, dtype=np.float32)


def _attention(layer: Any, width: int, rng: np.random.Generator, *, cross: bool) -> None:
    """Fill self-attention (fused QKV, output) or cross-attention (Q, fused KV, output)."""
    _norm(layer.layer_norm, width)
    shapes = [width, 2 * width, width] if cross else [3 * width, width]
    for linear, rows in zip(layer.linear, shapes, strict=True):
        _linear(linear, rows, width, rng)


def _feed_forward(layer: Any, config: Config, rng: np.random.Generator) -> None:
    """Fill a feed-forward block: d_model → ffn → d_model."""
    _norm(layer.layer_norm, config.d_model)
    _linear(layer.linear_0, config.ffn, config.d_model, rng)
    _linear(layer.linear_1, config.d_model, config.ffn, rng)


def build_spec(config: Config, tokens: Sequence[str], bounded: Sequence[int]) -> Any:
    """A pre-norm Transformer spec with random weights and shared embeddings.

    Embeddings and the output projection share one matrix, as in the OpenNMT-py models
    of Argos packages. The tokens at ``bounded`` get a bias of -10,000 in the projection,
    so that decoding never stops before the maximum length.
    """
    rng = np.random.default_rng(config.seed)
    width = config.d_model
    spec = TransformerSpec.from_config((config.layers, config.layers), HEADS)
    embeddings = _random(rng, len(tokens), width)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    spec.decoder.projection.weight = embeddings
    bias = np.zeros(len(tokens), dtype=np.float32)
    bias[list(bounded)] = -1e4
    spec.decoder.projection.bias = bias
    _norm(spec.encoder.layer_norm, width)
    _norm(spec.decoder.layer_norm, width)
    for layer in spec.encoder.layer:
        _attention(layer.self_attention, width, rng, cross=False)
        _feed_forward(layer.ffn, config, rng)
    for layer in spec.decoder.layer:
        _attention(layer.self_attention, width, rng, cross=False)
        _attention(layer.attention, width, rng, cross=True)
        _feed_forward(layer.ffn, config, rng)
    spec.register_source_vocabulary(list(tokens))
    spec.register_target_vocabulary(list(tokens))
    return spec


class _SpecConverter(Converter):  # type: ignore[misc]
    """A converter whose "model" is a spec built here."""

    def __init__(self, spec: Any) -> None:
        self.spec = spec

    def _load(self) -> Any:
        return self.spec


def package_name(config: Config) -> str:
    """The package folder's name, which says what it holds (for ``--cache``)."""
    return f"translate-en_xx-L{config.layers}-d{config.d_model}-v{config.vocab}-s{config.seed}"


def build_package(folder: Path, config: Config) -> PackageInfo:
    """Build (or, if complete, reuse) the Argos package in ``folder / package_name``."""
    path = folder / package_name(config)
    if not (path / "metadata.json").is_file():
        path.mkdir(parents=True, exist_ok=True)
        pieces = train_sentencepiece(path / "sentencepiece.model", config)
        tokens = vocabulary(pieces, config.vocab)
        normal = set(pieces) - set(SPECIALS)
        bounded = [index for index, token in enumerate(tokens) if token not in normal]
        spec = build_spec(config, tokens, bounded)
        _SpecConverter(spec).convert(str(path / "model"), quantization="int8", force=True)
        (path / "metadata.json").write_text(json.dumps(METADATA, indent=2), encoding="utf-8")
    return PackageInfo(path, "en", "xx", METADATA["package_version"], dict(METADATA))


# --- The three ways ---------------------------------------------------------------------


class BoundedTranslator:
    """A translator whose ``translate_batch`` always stops at ``max_length`` pieces.

    It adds up the time spent inside ``translate_batch`` in :attr:`seconds`, so that the
    engine's own time (tokenizing, sorting, decoding) can be told apart from CTranslate2's
    even when the machine is too noisy for two separate runs to compare within 10%.
    """

    def __init__(self, translator: Any, max_length: int) -> None:
        self.translator = translator
        self.max_length = max_length
        self.seconds = 0.0

    def translate_batch(self, source: Sequence[Sequence[str]], **options: Any) -> Any:
        """``Translator.translate_batch`` with ``max_decoding_length`` set."""
        options["max_decoding_length"] = self.max_length
        start = time.perf_counter()
        try:
            return self.translator.translate_batch(source, **options)
        finally:
            self.seconds += time.perf_counter() - start


def argostranslate_way(
    translator: Any, tokenizer: SentencePieceTokenizer, config: Config
) -> Callable[[Sequence[str]], list[str]]:
    """Translate sentence by sentence as ``argostranslate.translate`` does."""

    def translate(sentences: Sequence[str]) -> list[str]:
        translations = []
        for sentence in sentences:
            results = translator.translate_batch(
                [tokenizer.encode(sentence)],
                target_prefix=None,
                replace_unknowns=True,
                max_batch_size=ARGOS_BATCH_SIZE,
                batch_type="tokens",
                beam_size=max(1, config.beam_size),
                num_hypotheses=1,
                length_penalty=ARGOS_LENGTH_PENALTY,
                return_scores=True,
                max_decoding_length=config.max_length,
            )
            value = tokenizer.decode(results[0].hypotheses[0])
            translations.append(value[1:] if value.startswith(" ") else value)
        return translations

    return translate


def lingopress_way(
    translator: BoundedTranslator, package: PackageInfo, config: Config
) -> Callable[[Sequence[str]], list[str]]:
    """``ArgosEngine.translate``, running on the shared translator."""
    options = EngineOptions(config.device, config.compute_type, config.beam_size)
    engine = ArgosEngine([package], options)
    for hop in engine._hops:  # else the engine would load a second copy of the model
        hop.translator = translator
    return engine.translate


def bare_way(
    translator: Any, processor: Any, config: Config
) -> Callable[[Sequence[str]], Callable[[], object]]:
    """Prepare a bare ``translate_batch`` of sentences: tokenize and sort before timing."""

    def prepare(sentences: Sequence[str]) -> Callable[[], object]:
        tokens = sorted((processor.encode(text, out_type=str) for text in sentences), key=len)
        return lambda: translator.translate_batch(
            tokens,
            max_batch_size=MAX_BATCH_TOKENS[config.device],
            batch_type="tokens",
            beam_size=config.beam_size,
            num_hypotheses=1,
            replace_unknowns=True,
            max_decoding_length=config.max_length,
        )

    return prepare


def timed(action: Callable[[], object]) -> float:
    """Run ``action`` once; the seconds it took."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@dataclass(frozen=True)
class Result:
    """The timings of the three ways, in order, and what else the report needs."""

    timings: list[Timing]
    tokens: int
    """Source pieces of all the sentences."""
    inside: float
    """Seconds of lingopress's best run spent inside ``translate_batch``."""


def run(config: Config, cache: Path | None) -> Result:
    """Build or reuse the package and translate the sentences three ways."""
    with tempfile.TemporaryDirectory(prefix="mt-bench-") as scratch:
        package = build_package(cache or Path(scratch), config)
        translator = ctranslate2.Translator(
            str(package.path / "model"),
            device=config.device,
            compute_type=config.compute_type,
            intra_threads=config.threads,
        )
        model_file = package.path / "sentencepiece.model"
        processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        sentences = benchmark_sentences(config)
        warm, count = sentences[:WARM_UP], len(sentences)
        argos = argostranslate_way(translator, SentencePieceTokenizer(model_file), config)
        bounded = BoundedTranslator(translator, config.max_length)
        ours = lingopress_way(bounded, package, config)
        prepare = bare_way(translator, processor, config)
        bare_call = prepare(sentences)
        for translate in (argos, ours):
            translate(warm)
        prepare(warm)()
        argos_seconds = timed(lambda: argos(sentences))
        ours_runs, bare_runs = [], []
        for _ in range(config.repeat):  # alternately, so that both meet the same noise
            bounded.seconds = 0.0
            ours_runs.append((timed(lambda: ours(sentences)), bounded.seconds))
            bare_runs.append(timed(bare_call))
        ours_seconds, inside = min(ours_runs)
        timings = [
            Timing("argostranslate's way", argos_seconds, count),
            Timing("lingopress ArgosEngine", ours_seconds, count),
            Timing("bare translate_batch", min(bare_runs), count),
        ]
        tokens = sum(len(processor.encode(text)) for text in sentences)
    return Result(timings, tokens, inside)


# --- Report -----------------------------------------------------------------------------


def describe(config: Config, tokens: int) -> str:
    """The first line: model, sentences and decoding settings."""
    return (
        f"lingopress MT throughput: random-weight Transformer {config.layers}+{config.layers} "
        f"layers, d_model {config.d_model}, {HEADS} heads, ffn {config.ffn}, shared vocabulary "
        f"{config.vocab} (int8); {config.sentences} sentences of 5-40 words ({tokens} source "
        f"pieces); beam {config.beam_size}, max length {config.max_length}; lingopress and "
        f"bare best of {config.repeat}; device "
        f"{config.device}, compute type {config.compute_type}, intra_threads {config.threads}"
        f" ({os.cpu_count()} CPUs); ctranslate2 {ctranslate2.__version__}"
    )


def format_table(timings: Sequence[Timing]) -> list[str]:
    """A row per method: seconds, sentences/s and the ratio to the first (argostranslate)."""
    baseline = timings[0]
    rows = [f"{'method':<24}  {'seconds':>8}  {'sentences/s':>11}  {'vs argostranslate':>17}"]
    for timing in timings:
        ratio = timing.per_second / baseline.per_second
        rows.append(
            f"{timing.method:<24}  {timing.seconds:8.2f}  {timing.per_second:11.2f}  {ratio:16.2f}x"
        )
    return rows


def summary(result: Result, config: Config) -> list[str]:
    """The speed-up of ours over argostranslate and our overhead over the bare call."""
    argos, ours, bare = result.timings
    speedup = ours.per_second / argos.per_second
    overhead = (ours.seconds - bare.seconds) / bare.seconds * 100
    outside = ours.seconds - result.inside
    return [
        f"speed-up of ours over argostranslate's way at beam {config.beam_size}: "
        f"{speedup:.2f}x (goal: at least 4x)",
        f"overhead of ours over bare translate_batch: {overhead:.1f}% (goal: at most 10%)",
        f"time of ours outside translate_batch (tokenizing, sorting, decoding): {outside:.3f} s"
        f", {outside / result.inside * 100:.1f}% of its time inside",
    ]


# --- Command line -----------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[Config, Path | None]:
    """The configuration from the command line (``--quick`` changes the defaults)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    full = Config()
    options = {
        "sentences": "sentences to translate",
        "beam_size": "beam size of every method",
        "max_length": "pieces decoded per sentence (max_decoding_length)",
        "repeat": "best of N runs for lingopress and the bare call (argostranslate: 1 run)",
        "threads": "CTranslate2 intra_threads (0: its default, as Argos and lingopress)",
        "layers": "encoder layers, and as many decoder layers",
        "d_model": "model width (8 heads, feed-forward 4 times as wide)",
        "vocab": "shared vocabulary size",
        "seed": "seed of the sentences and weights",
    }
    for name, text in options.items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=int, help=f"{text} (default: {getattr(full, name)})")
    parser.add_argument("--device", choices=("cpu", "cuda"), help="default: cpu")
    parser.add_argument("--compute-type", help="CTranslate2 compute type (default: default)")
    parser.add_argument("--cache", type=Path, help="build the package here and reuse it")
    parser.add_argument("--quick", action="store_true", help="a tiny model, for the tests")
    args = parser.parse_args(argv)
    given = {
        name: value
        for name in [*options, "device", "compute_type"]
        if (value := getattr(args, name)) is not None
    }
    config = replace(QUICK if args.quick else full, **given)
    if min(config.sentences, config.beam_size, config.max_length, config.layers) < 1:
        parser.error("--sentences, --beam-size, --max-length and --layers must be 1 or more")
    if config.repeat < 1:
        parser.error("--repeat must be 1 or more")
    if config.d_model % HEADS or config.vocab < 100:
        parser.error(f"--d-model must be a multiple of {HEADS}, --vocab at least 100")
    cache: Path | None = args.cache
    return config, cache


def main(argv: Sequence[str] | None = None) -> int:
    """Build the package, run the three ways and print the table."""
    config, cache = parse_args(argv)
    start = time.perf_counter()
    result = run(config, cache)
    print(describe(config, result.tokens))
    print("\n".join(format_table(result.timings)))
    print("\n".join(summary(result, config)))
    print(f"total time {time.perf_counter() - start:.0f} s (building the package included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
