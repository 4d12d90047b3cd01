"""Benchmark: do segmentation and reassembly stay linear in the size of an issue.

What: builds one issue of about ``--base-kb`` KB from the bodies of the bundled issues
(``issues/*.md``, under a single front matter), scales it (1x, 10x and 100x of 50 KB by
default, so up to about 5 MB) and times :func:`lingopress.segment` and a full
:func:`lingopress.reassemble` with a pseudo translation at each scale (best of
``--repeat`` runs). A separate, untimed pass measures the peak memory of the reassembly
with :mod:`tracemalloc`. It prints a table and the time per KB of each scale as a ratio to
that of the smallest scale.

Why: issues are small, so a step that is accidentally quadratic (re-scanning the text for
every segment, say) would go unnoticed until someone feeds in a large file. The figures
are compared side by side within one run on one machine, never as bare times: a
linear-time implementation keeps the ratios near 1.0.

Run it from the repository root::

    .venv/bin/python benchmarks/segment_speed.py [--scale 1,10,100] [--base-kb 50]
        [--repeat N] [--no-memory] [--check [--threshold 2.0]]

``--check`` exits with status 1 when the time per KB at the largest scale is more than
``--threshold`` times that at the smallest (segmentation or reassembly). It is meant for
people comparing changes on their own machine, not for CI: timings are noisy.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lingopress import Segment, reassemble, segment
from lingopress.frontmatter import read_front_matter

ISSUES = Path(__file__).resolve().parent.parent / "issues"
KB = 1024
MB = KB * KB
DEFAULT_SCALES = (1, 10, 100)
DEFAULT_BASE_KB = 50
DEFAULT_THRESHOLD = 2.0
_SMALL_SCALE = 10  # up to this scale, the default is best of 3 runs; above it, 1 run
_HEADER = (
    f"{'scale':>6}  {'input MB':>8}  {'segments':>8}  {'segment s':>9}  {'segments/s':>10}  "
    f"{'s/KB ratio':>10}  {'reassemble s':>12}  {'s/KB ratio':>10}  {'peak MB':>7}"
)


@dataclass(frozen=True)
class Measurement:
    """The figures of one input: its size, its segments, the best times, the peak memory.

    ``peak_mb`` is the peak of memory allocated by Python during one reassembly (``None``
    when memory was not measured).
    """

    scale: int
    size_bytes: int
    segments: int
    segment_s: float
    reassemble_s: float
    peak_mb: float | None = None

    @property
    def size_kb(self) -> float:
        """The input size in KB (UTF-8 bytes / 1024)."""
        return self.size_bytes / KB

    @property
    def segments_per_s(self) -> float:
        """How many segments :func:`segment` produced per second."""
        return self.segments / self.segment_s

    @property
    def segment_s_per_kb(self) -> float:
        """Seconds of segmentation per KB of input."""
        return self.segment_s / self.size_kb

    @property
    def reassemble_s_per_kb(self) -> float:
        """Seconds of reassembly per KB of input."""
        return self.reassemble_s / self.size_kb


def issue_paths(folder: Path = ISSUES) -> list[Path]:
    """The bundled issues, in name (date) order."""
    paths = sorted(folder.glob("*.md"))
    if not paths:
        raise FileNotFoundError(f"no issues (*.md) in {folder}")
    return paths


def split_issue(path: Path) -> tuple[str, str]:
    """An issue's front matter (fences included) and its Markdown body."""
    text = path.read_text(encoding="utf-8")
    offset = read_front_matter(text, path).body_offset
    return text[:offset], text[offset:]


def base_body(base_kb: int, folder: Path = ISSUES) -> str:
    """The issues' bodies, concatenated and repeated until they are ``base_kb`` KB or more.

    Whole bodies only (about 17 KB each), each ending with a blank line, so no block is cut
    and no block runs into the next body.
    """
    bodies = [split_issue(path)[1] for path in issue_paths(folder)]
    bodies = [body if body.endswith("\n\n") else body.rstrip("\n") + "\n\n" for body in bodies]
    parts: list[str] = []
    size = 0
    while size < base_kb * KB:
        body = bodies[len(parts) % len(bodies)]
        parts.append(body)
        size += len(body.encode("utf-8"))
    return "".join(parts)


def build_input(base_kb: int, scale: int = 1, folder: Path = ISSUES) -> str:
    """One issue: the first issue's front matter, then ``scale`` copies of the base body."""
    front_matter, _ = split_issue(issue_paths(folder)[0])
    return front_matter + base_body(base_kb, folder) * scale


def pseudo_translate(item: Segment) -> str:
    """A pseudo translation that changes every segment (and so every span is rewritten)."""
    return "⟦ " + item.text + " ⟧"


def best_time(action: Callable[[], object], repeat: int) -> float:
    """The shortest wall-clock time of ``repeat`` runs of ``action``, in seconds."""
    times = []
    for _ in range(max(repeat, 1)):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory_mb(action: Callable[[], object]) -> float:
    """The peak of memory allocated by Python while ``action`` runs, in MB (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB


def measure(text: str, *, scale: int = 1, repeat: int = 1, memory: bool = False) -> Measurement:
    """Time :func:`segment` and a pseudo-translated :func:`reassemble` of ``text``.

    The memory pass (``memory=True``) is a separate, untimed reassembly: tracemalloc slows
    Python down several times.
    """
    count = len(segment(text))
    segment_s = best_time(lambda: segment(text), repeat)
    reassemble_s = best_time(lambda: reassemble(text, pseudo_translate), repeat)
    peak = peak_memory_mb(lambda: reassemble(text, pseudo_translate)) if memory else None
    return Measurement(scale, len(text.encode("utf-8")), count, segment_s, reassemble_s, peak)


def default_repeat(scale: int) -> int:
    """Best of 3 for the small scales, a single run for the large ones."""
    return 3 if scale <= _SMALL_SCALE else 1


def run(
    scales: Sequence[int], base_kb: int, repeat: int | None = None, memory: bool = True
) -> list[Measurement]:
    """Measure every scale, smallest first (``repeat=None``: :func:`default_repeat`)."""
    segment(build_input(1))  # warm up: build the parser, import lazily loaded modules
    results = []
    for scale in sorted(set(scales)):
        runs = default_repeat(scale) if repeat is None else repeat
        results.append(
            measure(build_input(base_kb, scale), scale=scale, repeat=runs, memory=memory)
        )
    return results


def ratios(results: Sequence[Measurement]) -> tuple[float, float]:
    """Time per KB of the largest scale over that of the smallest: segment, reassemble."""
    first, last = results[0], results[-1]
    return (
        last.segment_s_per_kb / first.segment_s_per_kb,
        last.reassemble_s_per_kb / first.reassemble_s_per_kb,
    )


def format_row(result: Measurement, baseline: Measurement) -> str:
    """One line of the table; the ratios compare time per KB with ``baseline``'s."""
    peak = "-" if result.peak_mb is None else f"{result.peak_mb:.1f}"
    segment_ratio = result.segment_s_per_kb / baseline.segment_s_per_kb
    reassemble_ratio = result.reassemble_s_per_kb / baseline.reassemble_s_per_kb
    return (
        f"{result.scale:>5}x  {result.size_bytes / MB:>8.3f}  {result.segments:>8}  "
        f"{result.segment_s:>9.3f}  {result.segments_per_s:>10,.0f}  {segment_ratio:>10.2f}  "
        f"{result.reassemble_s:>12.3f}  {reassemble_ratio:>10.2f}  {peak:>7}"
    )


def format_table(results: Sequence[Measurement]) -> list[str]:
    """The header and one row per scale."""
    return [_HEADER, *(format_row(result, results[0]) for result in results)]


def linearity_line(results: Sequence[Measurement]) -> str:
    """The summary: time per KB at the largest scale relative to the smallest."""
    segment_ratio, reassemble_ratio = ratios(results)
    first, last = results[0].scale, results[-1].scale
    return (
        f"linearity: time per KB at {last}x is {segment_ratio:.2f}x that at {first}x "
        f"(segment; reassemble {reassemble_ratio:.2f}x)"
    )


def describe(results: Sequence[Measurement], base_kb: int, repeat: int | None) -> str:
    """The first line: what was measured and how often."""
    runs = ", ".join(
        f"{result.scale}x best of {default_repeat(result.scale) if repeat is None else repeat}"
        for result in results
    )
    base = len(base_body(base_kb).encode("utf-8")) / KB
    return (
        f"lingopress segment speed: {len(issue_paths())} bundled issue bodies, "
        f"base {base:.1f} KB (--base-kb {base_kb}); {runs}; Python {sys.version.split()[0]}"
    )


def parse_scales(text: str) -> list[int]:
    """``"1,10,100"`` as ``[1, 10, 100]``; every scale a positive whole number."""
    try:
        scales = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not scales or min(scales) < 1:
        raise argparse.ArgumentTypeError(f"scales must be whole numbers of 1 or more: {text!r}")
    return scales


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument(
        "--scale", type=parse_scales, default=list(DEFAULT_SCALES), help="default: 1,10,100"
    )
    parser.add_argument("--base-kb", type=int, default=DEFAULT_BASE_KB, help="default: 50")
    parser.add_argument(
        "--repeat", type=int, default=None, help="best of N (default: 3 up to 10x, then 1)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the linearity ratio exceeds --threshold"
    )
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="default: 2.0")
    args = parser.parse_args(argv)
    if args.base_kb < 1 or (args.repeat is not None and args.repeat < 1):
        parser.error("--base-kb and --repeat must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print its table; with ``--check``, 1 if not linear enough."""
    args = parse_args(argv)
    results = run(args.scale, args.base_kb, args.repeat, memory=not args.no_memory)
    print(describe(results, args.base_kb, args.repeat))
    print("\n".join(format_table(results)))
    print(linearity_line(results))
    worst = max(ratios(results))
    if args.check and worst > args.threshold:
        print(f"check failed: ratio {worst:.2f} exceeds {args.threshold:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
