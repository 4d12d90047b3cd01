"""The performance benchmarks run at tiny sizes and print their figures (no timing checks).

Archives are made from two short issues instead of the bundled ones, and kept in one cache
for the whole module; the peers are skipped (no network); Apertium is used where it is
installed, else its benchmark says it is skipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import polib
import pytest

from lingopress import segment
from lingopress.frontmatter import read_front_matter
from lingopress.merging import TranslationMemory
from tests.conftest import load_benchmark, write

TINY_ISSUE = """\
---
title: "Tiny {n}"
date: 2024-0{n}-04
number: {n}
summary: "A short issue about attention, transformers and careful evaluation."
---

# Tiny {n}

Welcome to this short issue, which collects what the editor read about models this week.

## Highlights

* A paper about [sparse attention](https://example.org/sparse) and its savings on long inputs.
* A reminder that careful evaluation beats another leaderboard entry almost every single time.

# Papers

Researchers describe how `torch.compile` speeds up training of small vision models at home.

```python
# not a heading
print("code stays")
```

# About

The newsletter is written by one person who reads too many papers and drinks too much coffee.
"""


@pytest.fixture(scope="module")
def scaling() -> ModuleType:
    return load_benchmark("archive_scaling")


@pytest.fixture(scope="module")
def perfkit(scaling: ModuleType) -> ModuleType:
    """The helpers module, as the scripts themselves imported it."""
    module: ModuleType = scaling.perfkit
    return module


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, perfkit: ModuleType) -> Path:
    """A cache of archives made from two tiny issues (perfkit.ISSUES swapped meanwhile)."""
    folder = tmp_path_factory.mktemp("tiny-issues")
    for n in (1, 2):
        write(folder / f"tiny-{n}.md", TINY_ISSUE.format(n=n))
    cache = tmp_path_factory.mktemp("archives")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(perfkit, "ISSUES", folder)
        for size in (1, 2):
            perfkit.archive_copy(size, cache / f"scratch-{size}", cache)
    return cache


def test_sections_are_cut_at_top_level_headings_outside_code(perfkit):
    body = "Intro.\n\n# A\n\ntext\n\n```\n# not a heading\n```\n\n# B\n\nmore\n"
    intro, sections = perfkit.top_level_sections(body)
    assert intro == "Intro.\n\n"
    assert [section.splitlines()[0] for section in sections] == ["# A", "# B"]
    assert "# not a heading" in sections[0]
    assert intro + "".join(sections) == body + "\n"


def test_generated_issues_are_distinct_variations_of_the_bundled_ones(perfkit):
    bases = perfkit.base_issues()
    words = perfkit.vocabulary(bases)
    first, fifth = (perfkit.make_issue(n, bases, words) for n in (1, 5))  # same base issue
    meta = read_front_matter(first, "first").meta
    assert meta["title"] == perfkit.issue_title(1) and meta["number"] == 1
    assert str(meta["date"]) == "2015-01-05" and perfkit.issue_slug(1) == "2015-w02"
    assert perfkit.issue_slug(500) == "2024-w31"
    assert perfkit.make_issue(1, bases, words) == first  # deterministic
    one, five = ({s.text for s in segment(text) if len(s.text) > 80} for text in (first, fifth))
    assert len(one) > 20 and len(one & five) < len(one) / 4
    assert 0.7 < len(first) / len((perfkit.ISSUES / f"{bases[0].slug}.md").read_text()) < 1.3
    edited = perfkit.edit_issue(first, 1, bases, words)
    assert "Editor's note: " in edited and len(segment(edited)) == len(segment(first)) + 1


def test_vary_leaves_urls_and_code_alone(perfkit):
    import random

    text = "See [the paper](https://example.org/some/path?x=word) and `torch.compile` here today"
    varied = perfkit.vary(text, random.Random(1), ["zzzz"], share=1.0)
    assert "(https://example.org/some/path?x=word)" in varied
    assert "zzzz" in varied and "today" not in varied


def test_archive_has_four_languages_in_their_states(cache):
    root = cache / "archive-2"
    assert not (root / "locales" / "templates").exists()
    assert sorted(p.name for p in (root / "issues").glob("*.md")) == ["2015-w02.md", "2015-w03.md"]
    assert "Editor's note" in (root / "issues" / "2015-w02.md").read_text(encoding="utf-8")

    def states(tag: str) -> set[tuple[bool, bool]]:
        catalog = polib.pofile(str(root / "locales" / tag / "2015-w03.po"))
        entries = [e for e in catalog if e.msgstr and not e.obsolete]
        return {(e.fuzzy, "MT: pseudo" in (e.tcomment or "")) for e in entries}

    assert states("zh-Hans") == states("ja") == {(False, False)}
    assert states("es") == {(True, True)}
    assert states("ar") == {(False, False), (True, True)}


def test_scaling_prints_each_size_and_the_ratio(scaling, cache, tmp_path, capsys):
    figures = tmp_path / "scaling.json"
    assert scaling.main(["--sizes", "1,2", "--cache", str(cache), "--json", str(figures)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^issues +MB +messages .*extract s +update s +build s +total s", out, re.M)
    assert re.search(r"^ +2/1 .*x$", out, re.M)
    assert re.search(r"^scaling: extract\+update\+build at 2 issues took \d+\.\d\dx", out, re.M)
    found = json.loads(figures.read_text(encoding="utf-8"))
    assert [size["issues"] for size in found["sizes"]] == [1, 2]
    assert all(size["rss_peak_mb"] >= size["rss_start_mb"] > 0 for size in found["sizes"])
    assert set(found["ratios"]) >= {"extract", "update", "build", "total", "peak memory"}


def test_peers_are_skipped_without_their_environments(cache, tmp_path, capsys):
    peers = load_benchmark("peers")
    figures = tmp_path / "peers.json"
    args = ["--issues", "1", "--repeat", "1", "--no-install", "--peer-env", str(tmp_path)]
    assert peers.main([*args, "--cache", str(cache), "--json", str(figures)]) == 0
    out = capsys.readouterr().out
    assert "skipped translate-toolkit" in out and "skipped mdpo" in out
    assert re.search(r"^lingopress +\S+ +\d+\.\d\d +\d+\.\d\d +2 +\d+ +1\.00x", out, re.M)
    found = json.loads(figures.read_text(encoding="utf-8"))
    assert [result["tool"] for result in found["results"]] == ["lingopress"]
    assert found["ratios"] == {} and len(found["skipped"]) == 2


def test_peer_commands_run_each_md2po_over_the_archive(tmp_path):
    peers = load_benchmark("peers")
    root = tmp_path / "root"
    for name in ("a", "b"):
        write(root / "issues" / f"{name}.md", "# Hi\n")
    ttk, mdpo = (peer.commands(tmp_path / "env", root, tmp_path / "out") for peer in peers.PEERS)
    assert len(ttk) == 1 and ttk[0][0].endswith("/env/bin/md2po")
    assert ttk[0][3:5] == ["-i", str(root / "issues")] and "-P" in ttk[0]
    assert [command[1] for command in mdpo] == [str(root / "issues" / n) for n in ("a.md", "b.md")]
    assert mdpo[1][2:4] == ["-p", str(tmp_path / "out" / "b.pot")]


def test_apertium_batching_prints_both_ways_or_is_skipped(tmp_path, capsys):
    bench = load_benchmark("apertium_batching")
    assert len(bench.benchmark_segments(7)) == 7
    figures = tmp_path / "apertium.json"
    assert bench.main(["--segments", "2", "--repeat", "1", "--json", str(figures)]) == 0
    out = capsys.readouterr().out
    found = json.loads(figures.read_text(encoding="utf-8"))
    if "skipped" in found:
        assert "skipped: Apertium mode eng-spa is not installed" in out
        return
    assert re.search(r"^one process per batch +1 +\d+\.\d\d", out, re.M)
    assert re.search(r"^one process per segment +2 +\d+\.\d\d", out, re.M)
    assert re.search(r"^one process per batch is \d+\.\d\dx faster .* for 2 of 2", out, re.M)
    assert found["per_segment"]["processes"] == 2 and found["ratio"] > 0


def test_noop_run_compares_with_version_and_sees_no_writes(cache, tmp_path, capsys):
    bench = load_benchmark("noop_run")
    figures = tmp_path / "noop.json"
    args = ["--issues", "1", "--repeat", "1", "--force-repeat", "0", "--cache", str(cache)]
    assert bench.main([*args, "--json", str(figures)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^lingopress --version +3 +\d+\.\d{3}", out, re.M)
    assert re.search(r"^lingopress run \(no-op\) +1 +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d\dx", out, re.M)
    assert re.search(r"^no-op run at 1 issues: \d+\.\d\dx the time of --version", out, re.M)
    assert "engine calls in no-op runs: none" in out
    found = json.loads(figures.read_text(encoding="utf-8"))
    assert found["no_op"] is True and found["ratio"] > 0


def test_noop_problems_name_what_changed():
    bench = load_benchmark("noop_run")
    full = (
        "templates: 2 in all, 0 created, 0 updated, 2 unchanged\n"
        "catalogs: 8 in all, 0 created, 0 updated, 8 unchanged\n"
        "es: nothing to translate\n"
        "site: 9 pages in 2 languages in site/ (0 files written, 20 unchanged, 0 removed)\n"
    )
    assert bench.no_op_problems(full, ["es"], {"a": 1}, {"a": 1}) == []
    assert bench.no_op_problems("News: nothing changed since the last run\n", ["es"], {}, {}) == []
    problems = bench.no_op_problems(full.replace("es: nothing", "es: 3 segments"), ["es"], {}, {})
    assert problems == ["es: no 'nothing to translate'"]
    assert bench.no_op_problems(full, ["es"], {"a": 1}, {"a": 2}) == ["changed: a"]


def test_run_all_page_has_the_machine_and_every_figure(tmp_path):
    run_all = load_benchmark("run_all")
    benchmarks = {b.name: b for b in run_all.BENCHMARKS}
    segment_output = (
        "linearity: time per KB at 100x is 1.39x that at 1x (segment; reassemble 2.29x)\n"
    )
    mt_output = (
        "argostranslate's way        187.30         2.67              1.00x\n"
        "speed-up of ours over argostranslate's way at beam 4: 8.36x (goal: at least 4x)\n"
        "overhead of ours over bare translate_batch: -31.0% (goal: at most 10%)\n"
    )
    outcomes = [
        run_all.Outcome(benchmarks["segment_speed"], ["python", "x"], output=segment_output),
        run_all.Outcome(benchmarks["mt_throughput"], ["python", "x"], output=mt_output),
        run_all.Outcome(
            benchmarks["noop_run"],
            ["python", "x"],
            status=1,
            figures={
                "issues": 500,
                "version": {"walls": [0.3], "wall": 0.3, "cpu": 0.25},
                "noop": {"walls": [0.6, 0.7], "wall": 0.65, "cpu": 0.5},
                "ratio": 2.17,
                "cpu_ratio": 2.0,
                "forced_ratio": 400.0,
                "no_op": True,
            },
        ),
    ]
    machine = {"CPU": "Test CPU", "cores": "2", "RAM": "1.0 GiB", "Python": "3.11", "load": "1"}
    text = run_all.page(outcomes, machine, "2")
    assert "| CPU | Test CPU |" in text and "| cores | 2 |" in text
    assert "| segment_speed | segment: time per KB at 100x / at 1x | 1.39x |" in text
    assert (
        "reassemble: time per KB at 100x / at 1x | 2.29x | near 1" in text and "**missed**" in text
    )
    assert (
        "| mt_throughput | speed-up over argostranslate's way | 8.36x | at least 4x | met |" in text
    )
    assert "| noop_run | no-op run / --version at 500 issues (wall; CPU) | 2.17x; 2.00x |" in text
    assert "| noop_run | exit status 1 |" in text
    assert text.count("```") == 2 * len(outcomes)


def test_run_all_runs_a_benchmark_and_writes_the_page(tmp_path, capsys):
    run_all = load_benchmark("run_all")
    page = tmp_path / "performance.md"
    args = [
        "--quick",
        "--only",
        "apertium_batching",
        "--cache",
        str(tmp_path),
        "--output",
        str(page),
    ]
    assert run_all.main(args) == 0
    out = capsys.readouterr().out
    assert "=== apertium_batching: exit status 0" in out
    text = page.read_text(encoding="utf-8")
    assert (
        text.startswith("# Performance")
        and "## Machine" in text
        and "| apertium_batching |" in text
    )


def test_translation_memory_without_an_issue_shares_and_excludes():
    memory = TranslationMemory({"Hello": ("Hola", "a"), "Bye": ("Adiós", "b")})
    lent = memory.without("a")
    assert lent.translations is memory.translations  # no copy per issue
    assert lent.get("Hello") is None and lent.get("Bye") == ("Adiós", "b")
    assert lent.without("b").get("Bye") is None and memory.get("Hello") == ("Hola", "a")
