"""Benchmark: Apertium in one process per batch (lingopress's engine) or one per segment.

What: takes about 200 segments (``--segments``) spread evenly over the bundled issues
(``issues/*.md``, segments with a letter, masked as the translate stage masks them) and
translates them into Spanish with Apertium's ``eng-spa`` mode two ways:

- **one process per batch**: ``ApertiumEngine.translate(segments)``, what lingopress does
  for a catalog: one ``apertium -u -f html eng-spa`` process, every segment in its own
  ``<p>`` block;
- **one process per segment**: the same engine called with one segment at a time, so one
  ``apertium`` process (and its pipeline of programs) per segment, as a naive loop would.

The batch runs ``--repeat`` times (3) and the best run counts; the per-segment loop runs
once (it is the slow one). Wall-clock and CPU time (of the Apertium processes) are
printed, and the ratio of the two ways. The translations of both ways are compared: the
blocks are translated apart, so they should be the same.

Why: starting Apertium costs more than translating a paragraph with it; lingopress
promises one process per batch. Needs Debian's ``apertium`` and ``apertium-eng-spa``;
without them the benchmark says so and stops.

Run it from the repository root (about a minute)::

    .venv/bin/python benchmarks/apertium_batching.py [--segments 200] [--repeat 3]
        [--mode eng-spa] [--json FILE]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
import perfkit

from lingopress.engines import apertium
from lingopress.issue import read_issue
from lingopress.masking import mask

DEFAULT_MODE = "eng-spa"
T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """One way of translating the segments: wall-clock and CPU seconds, processes."""

    method: str
    wall: float
    cpu: float
    processes: int


def benchmark_segments(count: int, folder: Path = perfkit.ISSUES) -> list[str]:
    """``count`` masked segments spread evenly over the bundled issues, in order."""
    texts = []
    for path in sorted(folder.glob("*.md")):
        issue = read_issue(path, path.name)
        texts += [
            mask(item.text).text for item in issue.segments if any(c.isalpha() for c in item.text)
        ]
    if count >= len(texts):
        return texts
    step = len(texts) / count
    return [texts[int(index * step)] for index in range(count)]


def timed(action: Callable[[], T]) -> tuple[float, float, T]:
    """Wall-clock and CPU seconds of ``action`` with its child processes, and its value."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = time.process_time()
    start = time.perf_counter()
    value = action()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, children + time.process_time() - self_before, value


def run(segments: Sequence[str], mode: str, repeat: int) -> tuple[Timing, Timing, int]:
    """Time both ways; also how many segments both ways translated the same."""
    engine = apertium.ApertiumEngine(mode)
    engine.translate(segments[:2])  # warm up: the mode's files in the page cache
    batches = [timed(lambda: engine.translate(segments)) for _ in range(repeat)]
    wall, cpu, batched = min(batches, key=lambda run: run[0])
    batch = Timing("one process per batch", wall, cpu, 1)
    wall, cpu, single = timed(lambda: [engine.translate([text])[0] for text in segments])
    each = Timing("one process per segment", wall, cpu, len(segments))
    same = sum(a == b for a, b in zip(batched, single, strict=True))
    return batch, each, same


def format_table(batch: Timing, each: Timing, count: int) -> list[str]:
    """The header and the two ways, with their ratio to the batch."""
    rows = [
        f"{'method':<24}  {'processes':>9}  {'wall s':>7}  {'segments/s':>10}  {'CPU s':>7}  "
        f"{'vs batch (wall)':>15}  {'vs batch (CPU)':>14}"
    ]
    for timing in (batch, each):
        rows.append(
            f"{timing.method:<24}  {timing.processes:>9}  {timing.wall:>7.2f}  "
            f"{count / timing.wall:>10.1f}  {timing.cpu:>7.2f}  "
            f"{timing.wall / batch.wall:>14.2f}x  {timing.cpu / batch.cpu:>13.2f}x"
        )
    return rows


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--segments", type=int, default=200, help="default: 200")
    parser.add_argument("--repeat", type=int, default=3, help="best of N batches (default 3)")
    parser.add_argument("--mode", default=DEFAULT_MODE, help=f"default: {DEFAULT_MODE}")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.segments < 1 or args.repeat < 1:
        parser.error("--segments and --repeat must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Translate the segments both ways and print the table and the ratio."""
    args = parse_args(argv)
    print(f"lingopress Apertium batching: {perfkit.machine_line()}")
    if args.mode not in apertium.modes():
        installed = ", ".join(apertium.modes()) or "none (is apertium installed?)"
        message = f"skipped: Apertium mode {args.mode} is not installed (installed: {installed})"
        print(message)
        perfkit.write_json(args.json, {"skipped": message})
        return 0
    segments = benchmark_segments(args.segments)
    words = sum(len(text.split()) for text in segments)
    print(
        f"{len(segments)} segments ({words} words) of the bundled issues, masked; mode "
        f"{args.mode}; batch best of {args.repeat}, per segment 1 run",
        flush=True,
    )
    batch, each, same = run(segments, args.mode, args.repeat)
    print("\n".join(format_table(batch, each, len(segments))))
    ratio = each.wall / batch.wall
    print(
        f"one process per batch is {ratio:.2f}x faster than one per segment "
        f"({each.cpu / batch.cpu:.2f}x less CPU); same translation for {same} of "
        f"{len(segments)} segments"
    )
    perfkit.write_json(
        args.json,
        {
            "segments": len(segments),
            "words": words,
            "mode": args.mode,
            "batch": asdict(batch),
            "per_segment": asdict(each),
            "ratio": ratio,
            "cpu_ratio": each.cpu / batch.cpu,
            "same": same,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
