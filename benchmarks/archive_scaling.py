"""Benchmark: do extract, update and build scale linearly with the size of the archive.

What: generates an archive of 50 and one of 500 issues (``perfkit.build_archive``: varied
copies of the bundled issues, four target languages, catalogs reviewed in some languages
and machine-translated in others, every issue edited since its catalogs were made, no
templates and no site yet), then, in a fresh Python process per size, runs
``lingopress extract``, ``lingopress update`` and ``lingopress build`` in-process (the
click commands, as the console script runs them) and times each stage. The process
reports its peak resident memory (``ru_maxrss``), and what it held before the first
stage (Python and lingopress loaded), so the memory of the work itself shows apart.

Why: every stage should cost the same per issue whatever the size of the archive; a
step that compares every issue with every other one (quadratic) would make a 500-issue
archive 100 times slower than a 50-issue one instead of 10 times. The figures to read
are the **ratios** 500/50 of the times (goal: linear, 10 within 2, so 8 to 12) and of
the memory; bare seconds depend on the machine.

Run it from the repository root (about 10 minutes the first time, most of it making the
500-issue archive; ``--cache`` keeps the archives for the next runs)::

    .venv/bin/python benchmarks/archive_scaling.py [--sizes 50,500] [--cache DIR]
        [--repeat N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import perfkit

STAGES = ("extract", "update", "build")
DEFAULT_SIZES = (50, 500)
GOAL, TOLERANCE = 10.0, 2.0
_RESULT = "RESULT "


@dataclass(frozen=True)
class Measurement:
    """The figures of one archive size (best run of the total time)."""

    issues: int
    size_mb: float
    messages: int
    catalogs: int
    pages: int
    seconds: dict[str, float]
    rss_start_mb: float
    rss_peak_mb: float

    @property
    def total(self) -> float:
        """Seconds of the three stages together."""
        return sum(self.seconds.values())

    @property
    def work_mb(self) -> float:
        """Peak memory above what the process held before the first stage."""
        return self.rss_peak_mb - self.rss_start_mb


def child(root: Path) -> dict[str, object]:
    """Run the three stages on ``root`` in this process; the figures as a dict."""
    import lingopress.render  # noqa: F401  (loaded before the start figure, like the CLI)
    from lingopress.cli import cli

    start_rss = perfkit.peak_rss_mb()
    seconds = {}
    for stage in STAGES:
        started = time.perf_counter()
        cli.main(["--project", str(root), "-q", stage], "lingopress", standalone_mode=False)
        seconds[stage] = time.perf_counter() - started
    peak = perfkit.peak_rss_mb()
    templates = sorted((root / "locales" / "templates").glob("*.pot"))
    messages = sum(path.read_text(encoding="utf-8").count('\nmsgid "') - 1 for path in templates)
    catalogs = len(list((root / "locales").glob("*/*.po")))
    pages = len(list((root / "site").rglob("*.html")))
    return {
        "messages": messages,
        "catalogs": catalogs,
        "pages": pages,
        "seconds": seconds,
        "rss_start_mb": start_rss,
        "rss_peak_mb": peak,
    }


def measure_once(root: Path) -> Measurement:
    """The figures of one fresh process running the stages on ``root``."""
    command = [sys.executable, __file__, "--child", str(root)]
    result = perfkit.run_timed(command, env=perfkit.quiet_env()).result
    perfkit.check_ok(result, f"the stages on {root}")
    line = next(line for line in result.stdout.splitlines() if line.startswith(_RESULT))
    payload: dict[str, Any] = json.loads(line.removeprefix(_RESULT))
    issues, size_mb = perfkit.archive_size(root)
    return Measurement(issues=issues, size_mb=size_mb, **payload)


def measure(size: int, work: Path, cache: Path | None, repeat: int) -> Measurement:
    """The best of ``repeat`` runs at one size, each on a fresh copy of the archive."""
    runs = []
    for attempt in range(repeat):
        root = work / f"archive-{size}-{attempt}"
        perfkit.archive_copy(size, root, cache, progress=print)
        runs.append(measure_once(root))
    return min(runs, key=lambda run: run.total)


def ratios(small: Measurement, large: Measurement) -> dict[str, float]:
    """Large over small: each stage, the total, peak memory and memory of the work."""
    found = {stage: large.seconds[stage] / small.seconds[stage] for stage in STAGES}
    found["total"] = large.total / small.total
    found["issues"] = large.issues / small.issues
    found["peak memory"] = large.rss_peak_mb / small.rss_peak_mb
    found["work memory"] = large.work_mb / small.work_mb if small.work_mb > 0 else float("nan")
    return found


def format_table(results: Sequence[Measurement]) -> list[str]:
    """The header, one row per size, then the ratio of the largest to the smallest."""
    header = (
        f"{'issues':>6}  {'MB':>5}  {'messages':>8}  {'catalogs':>8}  {'pages':>5}  "
        + "  ".join(f"{stage + ' s':>9}" for stage in STAGES)
        + f"  {'total s':>8}  {'ms/issue':>8}  {'peak MB':>7}  {'work MB':>7}"
    )
    rows = [header]
    for result in results:
        rows.append(
            f"{result.issues:>6}  {result.size_mb:>5.1f}  {result.messages:>8}  "
            f"{result.catalogs:>8}  {result.pages:>5}  "
            + "  ".join(f"{result.seconds[stage]:>9.2f}" for stage in STAGES)
            + f"  {result.total:>8.2f}  {result.total / result.issues * 1000:>8.1f}"
            f"  {result.rss_peak_mb:>7.1f}  {result.work_mb:>7.1f}"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        found = ratios(small, large)
        label = f"{large.issues}/{small.issues}"
        rows.append(
            f"{label:>6}  {large.size_mb / small.size_mb:>5.1f}  "
            f"{large.messages / small.messages:>8.1f}  {large.catalogs / small.catalogs:>8.1f}  "
            f"{large.pages / small.pages:>5.1f}  "
            + "  ".join(f"{found[stage]:>8.2f}x" for stage in STAGES)
            + f"  {found['total']:>7.2f}x  {found['total'] / found['issues']:>7.2f}x"
            f"  {found['peak memory']:>6.2f}x  {found['work memory']:>6.2f}x"
        )
    return rows


def verdict(results: Sequence[Measurement]) -> str:
    """The summary line: the ratio of the total times against the goal."""
    small, large = results[0], results[-1]
    goal = GOAL * (large.issues / small.issues) / 10  # 10x the issues: 10 within 2
    low, high = goal - TOLERANCE * goal / GOAL, goal + TOLERANCE * goal / GOAL
    total = ratios(small, large)["total"]
    met = "met" if low <= total <= high else "missed"
    return (
        f"scaling: extract+update+build at {large.issues} issues took {total:.2f}x the time at "
        f"{small.issues} (goal: {low:.0f} to {high:.0f}x, linear): {met}"
    )


def figures(results: Sequence[Measurement]) -> dict[str, object]:
    """Everything measured, for ``run_all.py``."""
    found: dict[str, object] = {
        "sizes": [asdict(result) | {"total": result.total} for result in results]
    }
    if len(results) > 1:
        found["ratios"] = ratios(results[0], results[-1])
        found["verdict"] = verdict(results)
    return found


def parse_sizes(text: str) -> list[int]:
    """``"50,500"`` as ``[50, 500]``."""
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"sizes must be 1 or more: {text!r}")
    return sizes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES))
    parser.add_argument("--cache", type=Path, help="keep the generated archives here")
    parser.add_argument("--repeat", type=int, default=1, help="best of N fresh runs (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every size and print the table and the ratios."""
    args = parse_args(argv)
    if args.child is not None:
        print(_RESULT + json.dumps(child(args.child)))
        return 0
    print(f"lingopress archive scaling: {perfkit.machine_line()}")
    print(
        f"extract + update + build, in-process CLI, one fresh process per size, "
        f"best of {args.repeat}; languages {', '.join(perfkit.LANGUAGES)}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="lingopress-scaling-") as work:
        for size in args.sizes:
            print(f"{size} issues:", flush=True)
            results.append(measure(size, Path(work), args.cache, args.repeat))
            print("\n".join(format_table(results)[-1:]), flush=True)
    print("\n".join(format_table(results)))
    if len(results) > 1:
        print(verdict(results))
    perfkit.write_json(args.json, figures(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
