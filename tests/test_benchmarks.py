"""The segmentation benchmark runs at a tiny size and prints its table (no timing checks)."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from lingopress import reassemble, segment
from lingopress.frontmatter import read_front_matter
from tests.conftest import REPO, load_benchmark

TINY = ["--base-kb", "5", "--scale", "1,2", "--repeat", "1"]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The benchmark script as a module."""
    return load_benchmark("segment_speed")


def first_front_matter() -> str:
    path = sorted((REPO / "issues").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    return text[: read_front_matter(text, path).body_offset]


def test_input_has_one_front_matter_and_the_base_size(bench):
    text = bench.build_input(5)
    head = first_front_matter()
    assert text.startswith(head)
    meta = read_front_matter(text, "bench").meta
    assert meta == read_front_matter(head + "\n", "first").meta
    title_line = next(line for line in head.splitlines() if line.startswith("title:"))
    assert text.count(title_line) == 1  # the other issues' front matter is stripped
    assert len(text.encode("utf-8")) >= 5 * 1024


def test_scaled_input_repeats_the_base_body(bench):
    head = first_front_matter()
    once = bench.build_input(5, 1).removeprefix(head)
    assert bench.build_input(5, 3) == head + once * 3
    assert len(bench.build_input(40).encode("utf-8")) >= 40 * 1024


def test_input_segments_and_round_trips(bench):
    text = bench.build_input(5, 2)
    segments = segment(text)
    assert [s.kind for s in segments[:2]] == ["front_matter:title", "front_matter:summary"]
    assert len(segments) > 100
    assert reassemble(text, lambda s: s.text) == text
    translated = reassemble(text, bench.pseudo_translate)
    assert translated.count("⟦ ") == len(segments)


def test_measure_counts_segments(bench):
    text = bench.build_input(5)
    result = bench.measure(text, scale=1, repeat=1, memory=True)
    assert result.segments == len(segment(text))
    assert result.size_bytes == len(text.encode("utf-8"))
    assert result.segment_s > 0 and result.reassemble_s > 0
    assert result.peak_mb is not None and result.peak_mb > 0


def test_main_prints_the_table_and_the_linearity_line(bench, capsys):
    assert bench.main(TINY) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(line for line in lines if "segments/s" in line)
    assert "s/KB ratio" in header and "input MB" in header
    rows = [line for line in lines if re.match(r"\s*\d+x\s", line)]
    assert [row.split()[0] for row in rows] == ["1x", "2x"]
    for row in rows:
        cells = row.split()
        assert int(cells[2]) > 0  # segments
        assert float(cells[4].replace(",", "")) > 0  # segments/s
        assert re.fullmatch(r"\d+\.\d\d", cells[5])  # time per KB relative to 1x
    assert rows[0].split()[5] == "1.00"
    assert re.search(r"^linearity: time per KB at 2x is \d+\.\d\dx that at 1x", out, re.M)


def test_check_exits_1_above_the_threshold(bench, capsys):
    assert bench.main([*TINY, "--no-memory", "--check", "--threshold", "0"]) == 1
    assert "check failed" in capsys.readouterr().err
    assert bench.main([*TINY, "--no-memory", "--check", "--threshold", "1e9"]) == 0


def test_bad_scales_are_refused(bench):
    with pytest.raises(SystemExit):
        bench.main(["--scale", "1,zero"])
    with pytest.raises(SystemExit):
        bench.main(["--scale", "0"])
