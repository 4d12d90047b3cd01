"""Run every benchmark of this folder and write their figures to ``docs/performance.md``.

Each benchmark is its own script and runs in its own process, in this order, printing as
it goes: ``segment_speed.py``, ``mt_throughput.py``, ``archive_scaling.py``, ``peers.py``,
``apertium_batching.py``, ``noop_run.py``. The newer scripts also write their figures as
JSON; the figures of the two older ones are read from what they print. The page has the
machine (CPU, cores, RAM, Python, date, load), one table of every figure and ratio with
its goal, then each benchmark's command and full output.

Run it from the repository root (about 45 minutes on two cores, most of it the no-op
benchmark's full runs of 500 issues and the MT throughput; generated archives and the
MT package are kept in ``--cache`` for the next run)::

    .venv/bin/python benchmarks/run_all.py [--only NAME]... [--skip NAME]... [--cache DIR]
        [--output docs/performance.md] [--quick]

``--quick`` runs every benchmark at a tiny size (for the tests; its page goes to the
cache folder unless ``--output`` says otherwise). Exit status 1 if a benchmark failed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import perfkit

DEFAULT_OUTPUT = perfkit.REPO / "docs" / "performance.md"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "lingopress-benchmarks"
Row = tuple[str, str, str, str]
"""One line of the summary: figure, value, goal, verdict."""


@dataclass(frozen=True)
class Benchmark:
    """A script of this folder and its arguments (given the cache and its JSON file)."""

    name: str
    title: str
    args: Callable[[Path, Path], list[str]]
    quick: Callable[[Path, Path], list[str]]
    json: bool = True


BENCHMARKS = (
    Benchmark(
        "segment_speed",
        "Segmentation and reassembly: linear in the size of an issue",
        lambda cache, out: [],
        lambda cache, out: ["--base-kb", "5", "--scale", "1,2", "--repeat", "1", "--no-memory"],
        json=False,
    ),
    Benchmark(
        "mt_throughput",
        "MT throughput: lingopress's Argos engine against argostranslate's way",
        lambda cache, out: ["--cache", str(cache / "mt-package")],
        lambda cache, out: ["--quick", "--cache", str(cache / "mt-package-quick")],
        json=False,
    ),
    Benchmark(
        "archive_scaling",
        "Scaling: extract, update and build at 50 and 500 issues",
        lambda cache, out: ["--cache", str(cache), "--json", str(out)],
        lambda cache, out: ["--sizes", "1,2", "--cache", str(cache), "--json", str(out)],
    ),
    Benchmark(
        "peers",
        "Peers: template extraction against translate-toolkit's and mdpo's md2po",
        lambda cache, out: ["--cache", str(cache), "--json", str(out)],
        lambda cache, out: [
            *("--issues", "1", "--repeat", "1", "--no-install", "--cache", str(cache)),
            *("--json", str(out)),
        ],
    ),
    Benchmark(
        "apertium_batching",
        "MT: Apertium in one process per batch against one per segment",
        lambda cache, out: ["--json", str(out)],
        lambda cache, out: ["--segments", "2", "--repeat", "1", "--json", str(out)],
    ),
    Benchmark(
        "noop_run",
        "No-op: lingopress run on an unchanged 500-issue archive against --version",
        lambda cache, out: [
            *("--cache", str(cache), "--profile", str(cache / "noop.prof")),
            *("--json", str(out)),
        ],
        lambda cache, out: [
            *("--issues", "1", "--repeat", "1", "--force-repeat", "0", "--cache", str(cache)),
            *("--json", str(out)),
        ],
    ),
)
NAMES = [benchmark.name for benchmark in BENCHMARKS]


@dataclass
class Outcome:
    """What one benchmark printed, its exit status, time and figures."""

    benchmark: Benchmark
    command: list[str]
    status: int = 0
    seconds: float = 0.0
    output: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


def run_benchmark(benchmark: Benchmark, cache: Path, quick: bool) -> Outcome:
    """Run one script, echoing its output line by line as it comes."""
    out = cache / "figures" / f"{benchmark.name}.json"
    out.unlink(missing_ok=True)
    make = benchmark.quick if quick else benchmark.args
    script = perfkit.BENCHMARKS / f"{benchmark.name}.py"
    command = [sys.executable, str(script), *make(cache, out)]
    outcome = Outcome(benchmark, command)
    print(f"\n=== {benchmark.name}: {shown_command(command)}", flush=True)
    start = time.perf_counter()
    lines = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    outcome.status = process.returncode
    outcome.seconds = time.perf_counter() - start
    outcome.output = "".join(lines)
    if benchmark.json and out.is_file():
        outcome.figures = json.loads(out.read_text(encoding="utf-8"))
    print(f"=== {benchmark.name}: exit status {outcome.status}, {outcome.seconds:.0f} s")
    return outcome


def shown_command(command: Sequence[str]) -> str:
    """A command as a person would type it from the repository root."""
    parts = list(command)
    parts[0] = ".venv/bin/python"
    return " ".join(
        part.removeprefix(str(perfkit.REPO) + "/") if part.startswith(str(perfkit.REPO)) else part
        for part in parts
    )


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def _number(pattern: str, text: str) -> float | None:
    found = re.search(pattern, text, re.M)
    return float(found.group(1)) if found else None


def segment_rows(outcome: Outcome) -> list[Row]:
    """The linearity ratios that ``segment_speed.py`` printed."""
    found = re.search(
        r"^linearity: time per KB at (\d+)x is ([\d.]+)x that at (\d+)x "
        r"\(segment; reassemble ([\d.]+)x\)",
        outcome.output,
        re.M,
    )
    if not found:
        return []
    large, segment, small, reassemble = found.groups()
    goal = "near 1 (linear; 2.0 is the --check threshold)"
    return [
        (f"segment: time per KB at {large}x / at {small}x", f"{segment}x", goal,
         _verdict(float(segment) <= 2.0)),
        (f"reassemble: time per KB at {large}x / at {small}x", f"{reassemble}x", goal,
         _verdict(float(reassemble) <= 2.0)),
    ]  # fmt: skip


def mt_rows(outcome: Outcome) -> list[Row]:
    """The speed-up and overhead that ``mt_throughput.py`` printed."""
    text = outcome.output
    rows: list[Row] = []
    for method in ("argostranslate's way", "lingopress ArgosEngine", "bare translate_batch"):
        seconds = _number(rf"^{re.escape(method)}\s+([\d.]+)\s", text)
        if seconds is not None:
            rows.append((f"{method}: seconds", f"{seconds:.2f}", "", ""))
    speedup = _number(r"^speed-up of ours over argostranslate's way at beam \d+: ([\d.]+)x", text)
    if speedup is not None:
        rows.append(("speed-up over argostranslate's way", f"{speedup:.2f}x", "at least 4x",
                     _verdict(speedup >= 4)))  # fmt: skip
    overhead = _number(r"^overhead of ours over bare translate_batch: (-?[\d.]+)%", text)
    if overhead is not None:
        rows.append(("overhead over bare translate_batch", f"{overhead:.1f}%", "at most 10%",
                     _verdict(overhead <= 10)))  # fmt: skip
    outside = _number(r"^time of ours outside translate_batch .*: ([\d.]+) s", text)
    if outside is not None:
        rows.append(("time outside translate_batch", f"{outside:.3f} s", "", ""))
    return rows


def scaling_rows(figures: dict[str, Any]) -> list[Row]:
    """Every size's stage times and memory, then the ratios of the largest to the smallest."""
    rows: list[Row] = []
    sizes = figures.get("sizes", [])
    for size in sizes:
        issues = size["issues"]
        for stage, seconds in size["seconds"].items():
            rows.append((f"{issues} issues: {stage}", f"{seconds:.2f} s", "", ""))
        rows.append((f"{issues} issues: extract + update + build", f"{size['total']:.2f} s", "",
                     ""))  # fmt: skip
        rows.append((f"{issues} issues: peak memory (RSS)", f"{size['rss_peak_mb']:.0f} MB", "",
                     ""))  # fmt: skip
    ratios = figures.get("ratios")
    if ratios and len(sizes) > 1:
        label = f"{sizes[-1]['issues']}/{sizes[0]['issues']}"
        factor = ratios["issues"]
        low, high = factor * 0.8, factor * 1.2
        for stage in ("extract", "update", "build"):
            rows.append((f"ratio {label}: {stage}", f"{ratios[stage]:.2f}x", "", ""))
        rows.append((f"ratio {label}: extract + update + build", f"{ratios['total']:.2f}x",
                     f"{low:.0f} to {high:.0f}x (linear)",
                     _verdict(low <= ratios["total"] <= high)))  # fmt: skip
        peak = ratios["peak memory"]
        rows.append((f"ratio {label}: peak memory", f"{peak:.2f}x", f"at most {factor:.0f}x",
                     _verdict(peak <= factor)))  # fmt: skip
        rows.append((f"ratio {label}: memory of the work (peak minus start)",
                     f"{ratios['work memory']:.2f}x", "", ""))  # fmt: skip
    return rows


def peer_rows(figures: dict[str, Any]) -> list[Row]:
    """Each tool's median time, and each peer's time over ours."""
    rows: list[Row] = []
    for result in figures.get("results", []):
        rows.append((f"{result['tool']} {result['version']}: median wall / CPU",
                     f"{result['wall']:.2f} s / {result['cpu']:.2f} s", "", ""))  # fmt: skip
    for tool, ratio in figures.get("ratios", {}).items():
        cpu = figures["cpu_ratios"][tool]
        rows.append((f"{tool} time / ours (wall; CPU)", f"{ratio:.2f}x; {cpu:.2f}x",
                     "above 1x (we are faster)", _verdict(ratio > 1)))  # fmt: skip
    rows += [(line, "", "", "skipped") for line in figures.get("skipped", [])]
    return rows


def apertium_rows(figures: dict[str, Any]) -> list[Row]:
    """The two ways' times and their ratio."""
    if "skipped" in figures:
        return [(figures["skipped"], "", "", "skipped")]
    if not figures:
        return []
    rows: list[Row] = []
    for key in ("batch", "per_segment"):
        timing = figures[key]
        rows.append((f"{timing['method']} ({timing['processes']} processes): wall / CPU",
                     f"{timing['wall']:.2f} s / {timing['cpu']:.2f} s", "", ""))  # fmt: skip
    rows.append((f"per segment / per batch, {figures['segments']} segments (wall; CPU)",
                 f"{figures['ratio']:.2f}x; {figures['cpu_ratio']:.2f}x", "", ""))  # fmt: skip
    rows.append(("segments translated the same both ways",
                 f"{figures['same']} of {figures['segments']}", "", ""))  # fmt: skip
    return rows


def noop_rows(figures: dict[str, Any]) -> list[Row]:
    """The medians of --version, the no-op, forced and first runs; the ratio and its goal."""
    if not figures:
        return []
    rows: list[Row] = []
    labels = {
        "version": "lingopress --version",
        "noop": "lingopress run, nothing changed",
        "forced": "lingopress run --force, nothing changed",
        "first": "lingopress run, first (full) run",
    }
    for key, label in labels.items():
        timing = figures.get(key)
        if timing:
            rows.append((f"{label}: median wall / CPU ({len(timing['walls'])} runs)",
                         f"{timing['wall']:.2f} s / {timing['cpu']:.2f} s", "", ""))  # fmt: skip
    rows.append((f"no-op run / --version at {figures['issues']} issues (wall; CPU)",
                 f"{figures['ratio']:.2f}x; {figures['cpu_ratio']:.2f}x", "at most 5x",
                 _verdict(figures["ratio"] <= 5)))  # fmt: skip
    if figures.get("forced_ratio") is not None:
        rows.append(("run --force (no shortcut) / --version (wall)",
                     f"{figures['forced_ratio']:.2f}x", "", ""))  # fmt: skip
    rows.append(("engine calls and writes in no-op runs",
                 "none" if figures["no_op"] else "SOME", "none",
                 _verdict(figures["no_op"])))  # fmt: skip
    return rows


def rows_of(outcome: Outcome) -> list[Row]:
    """The summary rows of one benchmark."""
    name = outcome.benchmark.name
    if name == "segment_speed":
        return segment_rows(outcome)
    if name == "mt_throughput":
        return mt_rows(outcome)
    makers: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
        "archive_scaling": scaling_rows,
        "peers": peer_rows,
        "apertium_batching": apertium_rows,
        "noop_run": noop_rows,
    }
    return makers[name](outcome.figures)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def page(outcomes: Sequence[Outcome], machine: dict[str, str], load_after: str) -> str:
    """The Markdown of ``docs/performance.md``."""
    lines = [
        "# Performance",
        "",
        "Written by `.venv/bin/python benchmarks/run_all.py`, which runs every benchmark of",
        "`benchmarks/` (`benchmarks/README.md` says what each measures and why). Bare seconds",
        "depend on the machine and on what else runs on it; the ratios, measured within one",
        "run, are the figures to compare. CPU time (user + system) is given beside wall-clock",
        "time where a benchmark runs subprocesses: it does not count waiting for a CPU.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [
        f"| {label} | {_cell(value)} |" for label, value in machine.items() if label != "load"
    ]
    lines.append(f"| load average (1, 5, 15 min) | {machine['load']} at the start, {load_after} "
                 "at the end |")  # fmt: skip
    lines += ["", "## Figures", "", "| benchmark | figure | value | goal | goal met |",
              "|---|---|---|---|---|"]  # fmt: skip
    for outcome in outcomes:
        rows = rows_of(outcome)
        if outcome.status != 0:
            rows.append((f"exit status {outcome.status}", "", "", "**failed**"))
        for figure, value, goal, verdict in rows or [("no figures", "", "", "")]:
            lines.append(
                f"| {outcome.benchmark.name} | {_cell(figure)} | {_cell(value)} | "
                f"{_cell(goal)} | {verdict} |"
            )
    lines += ["", "## Outputs", ""]
    for outcome in outcomes:
        lines += [
            f"### {outcome.benchmark.title}",
            "",
            f"`{shown_command(outcome.command)}` ({outcome.seconds:.0f} s, exit status "
            f"{outcome.status})",
            "",
            "```",
            *_trimmed(outcome.output.rstrip("\n").splitlines()),
            "```",
            "",
        ]
    return "\n".join(lines)


def _trimmed(lines: list[str], keep: int = 120) -> list[str]:
    """At most ``keep`` lines: the first and the last ones, with a note between."""
    if len(lines) <= keep:
        return lines
    head, tail = lines[: keep // 4], lines[-(keep - keep // 4) :]
    return [*head, f"[... {len(lines) - keep} lines left out ...]", *tail]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--only", action="append", choices=NAMES, help="run only these")
    parser.add_argument("--skip", action="append", choices=NAMES, default=[], help="skip these")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help=f"default: {DEFAULT_CACHE}"
    )
    parser.add_argument("--output", type=Path, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the tests")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks and write the page."""
    args = parse_args(argv)
    chosen = [
        benchmark
        for benchmark in BENCHMARKS
        if (not args.only or benchmark.name in args.only) and benchmark.name not in args.skip
    ]
    output = args.output or (args.cache / "performance-quick.md" if args.quick else DEFAULT_OUTPUT)
    args.cache.mkdir(parents=True, exist_ok=True)
    machine = perfkit.machine()
    print(f"lingopress benchmarks: {perfkit.machine_line()}")
    print(f"running {', '.join(b.name for b in chosen)}; page: {output}", flush=True)
    outcomes = [run_benchmark(benchmark, args.cache, args.quick) for benchmark in chosen]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page(outcomes, machine, perfkit.load_average()) + "\n", encoding="utf-8")
    failed = [outcome.benchmark.name for outcome in outcomes if outcome.status != 0]
    print(f"\nwrote {output}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
