"""The MT throughput benchmark runs with a tiny model and prints its table (no timing checks)."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from lingopress.models import installed_packages
from tests.conftest import load_benchmark

METHODS = ["argostranslate's way", "lingopress ArgosEngine", "bare translate_batch"]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The benchmark script as a module."""
    return load_benchmark("mt_throughput")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mt-cache")


def test_sentences_are_fixed_and_5_to_40_words(bench):
    config = bench.QUICK
    sentences = bench.benchmark_sentences(config)
    assert sentences == bench.benchmark_sentences(config)
    assert len(sentences) == config.sentences
    assert all(5 <= len(sentence.split()) <= 40 for sentence in sentences)
    assert all(sentence[0].isupper() and sentence[-1] in ".?!" for sentence in sentences)


def test_vocabulary_starts_with_the_specials_and_is_padded(bench):
    tokens = bench.vocabulary(["<unk>", "<s>", "</s>", "▁the", "s"], 8)
    assert tokens[:6] == ["<unk>", "<s>", "</s>", "<blank>", "▁the", "s"]
    assert len(tokens) == 8 and len(set(tokens)) == 8


def test_quick_package_is_an_argos_package(bench, cache):
    package = bench.build_package(cache, bench.QUICK)
    assert [found.path for found in installed_packages(cache)] == [package.path]
    assert (package.from_code, package.to_code) == ("en", "xx")
    for name in ("model/model.bin", "model/shared_vocabulary.json", "sentencepiece.model"):
        assert (package.path / name).is_file()


def test_every_hypothesis_runs_to_the_maximum_length(bench, cache):
    import ctranslate2
    import sentencepiece

    package = bench.build_package(cache, bench.QUICK)
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(package.path / "sentencepiece.model")
    )
    translator = ctranslate2.Translator(str(package.path / "model"))
    tokens = [processor.encode(text, out_type=str) for text in ["Hello there, world.", "Yes."]]
    results = translator.translate_batch(tokens, beam_size=2, max_decoding_length=7)
    assert [len(result.hypotheses[0]) for result in results] == [7, 7]
    assert not {"</s>", "<unk>", "<s>", "<blank>"} & set(results[0].hypotheses[0])


def test_main_quick_prints_three_methods_the_ratio_and_the_overhead(bench, cache, capsys):
    assert bench.main(["--quick", "--cache", str(cache)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("lingopress MT throughput: random-weight Transformer 1+1 layers")
    assert "20 sentences" in lines[0] and "beam 4" in lines[0]
    header = next(line for line in lines if "sentences/s" in line)
    assert "seconds" in header and "vs argostranslate" in header
    rows = [line for line in lines if line.startswith(tuple(METHODS))]
    assert [next(m for m in METHODS if row.startswith(m)) for row in rows] == METHODS
    for row in rows:
        seconds, per_second, ratio = row.split()[-3:]
        assert float(seconds) >= 0 and float(per_second) > 0
        assert re.fullmatch(r"\d+\.\d\dx", ratio)
    assert rows[0].endswith("1.00x")
    speedup = r"^speed-up of ours over argostranslate's way at beam 4: \d+\.\d\dx"
    assert re.search(speedup, out, re.M)
    assert re.search(r"^overhead of ours over bare translate_batch: -?\d+\.\d%", out, re.M)
    assert re.search(r"^time of ours outside translate_batch .*: \d+\.\d+ s, \d+\.\d%", out, re.M)


def test_options_override_the_quick_defaults(bench):
    config, cache = bench.parse_args(["--quick", "--beam-size", "2", "--max-length", "5"])
    assert (config.beam_size, config.max_length, config.layers, config.vocab) == (2, 5, 1, 1000)
    assert cache is None
    full, _ = bench.parse_args([])
    assert (full.sentences, full.layers, full.d_model, full.vocab) == (500, 6, 512, 32000)
    assert (full.beam_size, full.device, full.compute_type) == (4, "cpu", "default")
    assert (full.max_length, full.repeat, full.threads) == (32, 3, 0)
    with pytest.raises(SystemExit):
        bench.parse_args(["--d-model", "100"])
    for wrong in (["--beam-size", "0"], ["--repeat", "0"], ["--device", "tpu"]):
        with pytest.raises(SystemExit):
            bench.parse_args(wrong)
