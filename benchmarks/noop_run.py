"""Benchmark: ``lingopress run`` on an unchanged archive against ``lingopress --version``.

What: on a generated archive (500 issues by default, ``perfkit.build_archive``; every
language on the offline ``pseudo`` engine, ``ARGOS_PACKAGES_DIR`` an empty folder), runs
``lingopress run`` once in full (extract, update, translate what the edits added, check,
build), then ``lingopress run`` again ``--repeat`` times (3) on the unchanged archive, and
``lingopress --version`` as many times plus two; each a subprocess, the median counts.
The ratio of the two medians is the figure (goal: at most 5x): a run with nothing to do
should cost little more than starting the program.

Where ``run`` has ``--force`` (every stage even when the record of the last run says
nothing changed), ``lingopress run --force`` on the unchanged archive is timed too
(``--force-repeat``, 1): the cost of finding out, stage by stage, that there is nothing
to do, without the shortcut.

A no-op run must also call no engine and write nothing: each run must either stop at
once (``nothing changed since the last run``) or say ``nothing to translate`` for every
language and report no template, catalog or site file created or updated; and the
modification time of every file under ``locales/`` and ``site/`` must stay as it was.
The benchmark fails (exit status 1) when one of them does not hold.

``--profile FILE`` also runs one no-op (and ``FILE.force``: one forced run) under
:mod:`cProfile` after the timed runs, and prints where the time goes: each stage of
``run`` and the functions that cost most.

Run it from the repository root (many minutes at 500 issues, most of it the first run
and the forced ones)::

    .venv/bin/python benchmarks/noop_run.py [--issues 500] [--repeat 3] [--force-repeat 1]
        [--cache DIR] [--profile FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import pstats
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import perfkit

STAGES = {
    "fingerprint check (runstate)": "unchanged_since_last_run",
    "read issues (run's summary)": "read_issues",
    "extract": "extract_stage",
    "update": "update_stage",
    "translate": "translate_stage",
    "check": "check_stage",
    "build": "build_stage",
    "record the run (runstate)": "record_run",
}
"""The steps of ``lingopress run`` and the function of lingopress that does each."""
GOAL = 5.0
SHORTCUT = re.compile(r": nothing changed since the last run$", re.M)
_UNCHANGED = (
    re.compile(r"^templates: \d+ in all, 0 created, 0 updated", re.M),
    re.compile(r"^catalogs: \d+ in all, 0 created, 0 updated", re.M),
    re.compile(r"^site: .*\(0 files written, \d+ unchanged, 0 removed\)", re.M),
)
_WRAPPERS = {"main", "invoke", "__call__", "new_func", "<module>", "run", "locked", "_run_code"}


def no_op_problems(
    output: str, languages: Sequence[str], before: dict[str, int], after: dict[str, int]
) -> list[str]:
    """What shows that a run was not a no-op (empty when it was one)."""
    problems = []
    if not SHORTCUT.search(output):
        problems += [
            f"{tag}: no 'nothing to translate'"
            for tag in languages
            if f"{tag}: nothing to translate" not in output
        ]
        problems += [
            f"not unchanged: {pattern.pattern}"
            for pattern in _UNCHANGED
            if not pattern.search(output)
        ]
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    problems += [f"changed: {name}" for name in changed[:5]]
    if len(changed) > 5:
        problems.append(f"... and {len(changed) - 5} more files changed")
    return problems


def watched(root: Path) -> dict[str, int]:
    """The modification times of every catalog, template and site file."""
    return {
        f"{folder}/{name}": mtime
        for folder in ("locales", "site")
        for name, mtime in perfkit.file_times(root / folder).items()
    }


def stage_profile(path: Path, what: str, top: int = 12) -> list[str]:
    """Where a profiled run's time went: each stage, then the costliest functions."""
    stats = pstats.Stats(str(path))
    table = stats.stats  # type: ignore[attr-defined]
    total = max(entry[3] for entry in table.values())
    lines = [f"profile of {what} ({total:.2f} s under cProfile):"]
    for label, function in STAGES.items():
        found = [
            entry[3]
            for (file, _, name), entry in table.items()
            if name == function and "lingopress" in file
        ]
        if found:
            seconds = max(found)
            lines.append(f"  {label:<30} {seconds:8.2f} s  {seconds / total * 100:5.1f}%")
    lines.append(f"  functions by own time (top {top}):")
    ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (file, line, name), entry in ranked:
        lines.append(
            f"    {entry[2]:8.2f} s own  {entry[3]:8.2f} s cumulative  {entry[1]:>9} calls  "
            f"{Path(file).name}:{line}({name})"
        )
    lines.append(f"  lingopress functions by cumulative time (top {top}):")
    ours = sorted(
        (
            item
            for item in table.items()
            if "/lingopress/" in item[0][0] and item[0][2] not in _WRAPPERS
        ),
        key=lambda item: item[1][3],
        reverse=True,
    )[:top]
    for (file, line, name), entry in ours:
        lines.append(
            f"    {entry[3]:8.2f} s  {entry[1]:>9} calls  {Path(file).name}:{line}({name})"
        )
    return lines


def has_force() -> bool:
    """Whether ``lingopress run`` has ``--force``."""
    said = perfkit.run_timed(perfkit.lingopress_command("run", "--help")).result
    return "--force" in said.stdout


def timed_runs(
    command: Sequence[str], env: dict[str, str], root: Path, count: int, label: str
) -> tuple[list[perfkit.Timed], list[str]]:
    """``count`` runs of ``command``, each checked for being a no-op."""
    runs, problems = [], []
    before = watched(root)
    for _ in range(count):
        timed = perfkit.run_timed(command, env=env)
        perfkit.check_ok(timed.result, label)
        problems += no_op_problems(timed.result.stdout, perfkit.LANGUAGES, before, watched(root))
        runs.append(timed)
        print(f"{label}: {timed.wall:.2f} s wall, {timed.cpu:.2f} s CPU", flush=True)
    return runs, problems


def profiled(command: Sequence[str], env: dict[str, str], path: Path, what: str) -> list[str]:
    """Run a lingopress command under cProfile into ``path``; where its time went."""
    path.parent.mkdir(parents=True, exist_ok=True)
    timed = perfkit.run_timed(
        [sys.executable, "-m", "cProfile", "-o", str(path), *command[1:]], env=env
    )
    perfkit.check_ok(timed.result, f"the profiled {what}")
    return stage_profile(path, what)


def row(label: str, runs: Sequence[perfkit.Timed], version_wall: float) -> str:
    """One line of the table: medians and the ratio to --version."""
    wall = perfkit.median([timed.wall for timed in runs])
    cpu = perfkit.median([timed.cpu for timed in runs])
    ratio = wall / version_wall
    return f"{label:<28}  {len(runs):>4}  {wall:>13.3f}  {cpu:>12.3f}  {ratio:>11.2f}x"


def summary(runs: Sequence[perfkit.Timed]) -> dict[str, object]:
    """Every timing of some runs and their medians, for the JSON figures."""
    walls, cpus = [timed.wall for timed in runs], [timed.cpu for timed in runs]
    medians = {"wall": perfkit.median(walls), "cpu": perfkit.median(cpus)}
    return {"walls": walls, "cpus": cpus, **medians}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=500, help="archive size (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="median of N no-op runs (default 3)")
    parser.add_argument(
        "--force-repeat", type=int, default=1, help="forced runs, 0 for none (default 1)"
    )
    parser.add_argument("--cache", type=Path, help="keep the generated archive here")
    parser.add_argument("--profile", type=Path, help="profile a no-op and a forced run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.issues < 1 or args.repeat < 1 or args.force_repeat < 0:
        parser.error("--issues and --repeat must be 1 or more, --force-repeat 0 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the archive in full, then time no-op runs and --version; print the ratio."""
    args = parse_args(argv)
    print(f"lingopress no-op run: {perfkit.machine_line()}")
    force = has_force() and args.force_repeat > 0
    profile: list[str] = []
    with tempfile.TemporaryDirectory(prefix="lingopress-noop-") as work:
        root = perfkit.archive_copy(args.issues, Path(work) / "archive", args.cache, progress=print)
        packages = Path(work) / "argos-packages"
        packages.mkdir()
        env = perfkit.quiet_env(ARGOS_PACKAGES_DIR=str(packages))
        run = perfkit.lingopress_command("--project", root, "run")
        issues, size_mb = perfkit.archive_size(root)
        print(f"{issues} issues ({size_mb:.1f} MB), languages {', '.join(perfkit.LANGUAGES)}")
        first = perfkit.run_timed(run, env=env)
        perfkit.check_ok(first.result, "the first lingopress run")
        print(f"first (full) run: {first.wall:.2f} s wall, {first.cpu:.2f} s CPU", flush=True)
        runs, problems = timed_runs(run, env, root, args.repeat, "no-op run")
        last_output = runs[-1].result.stdout
        forced: list[perfkit.Timed] = []
        if force:
            forced, more = timed_runs([*run, "--force"], env, root, args.force_repeat, "forced run")
            problems += more
            last_output = forced[-1].result.stdout
        versions = [
            perfkit.run_timed(perfkit.lingopress_command("--version"), env=env)
            for _ in range(args.repeat + 2)
        ]
        for timed in versions:
            perfkit.check_ok(timed.result, "lingopress --version")
        if args.profile is not None:
            profile = profiled(run, env, args.profile, f"one no-op run at {issues} issues")
            if force:
                path = args.profile.with_name(args.profile.name + ".force")
                what = f"one forced run (run --force, nothing changed) at {issues} issues"
                profile += profiled([*run, "--force"], env, path, what)
    version_wall = perfkit.median([timed.wall for timed in versions])
    version_cpu = perfkit.median([timed.cpu for timed in versions])
    noop_wall = perfkit.median([timed.wall for timed in runs])
    noop_cpu = perfkit.median([timed.cpu for timed in runs])
    ratio = noop_wall / version_wall
    print(
        f"{'command':<28}  {'runs':>4}  {'median wall s':>13}  {'median CPU s':>12}  "
        f"{'vs --version':>12}"
    )
    print(row("lingopress --version", versions, version_wall))
    print(row("lingopress run (no-op)", runs, version_wall))
    if forced:
        print(row("lingopress run --force", forced, version_wall))
    print(row("lingopress run (first)", [first], version_wall))
    verdict = (
        f"no-op run at {issues} issues: {ratio:.2f}x the time of --version "
        f"({noop_cpu / version_cpu:.2f}x in CPU time) (goal: at most {GOAL:.0f}x): "
        + ("met" if ratio <= GOAL else "missed")
    )
    print(verdict)
    forced_ratio = summary(forced)["wall"] if forced else None
    if isinstance(forced_ratio, float):
        forced_ratio /= version_wall
        print(
            f"without the shortcut (run --force), the same no-op takes {forced_ratio:.2f}x "
            "the time of --version"
        )
    engine_line = (
        "engine calls in no-op runs: none (nothing to translate, or stopped before any "
        "stage; no file under locales/ or site/ changed)"
        if not problems
        else "NOT A NO-OP: " + "; ".join(sorted(set(problems)))
    )
    print(engine_line)
    print("output of the last no-op run:")
    print("".join(f"  {line}\n" for line in last_output.splitlines()[:14]), end="")
    if profile:
        print("\n".join(profile))
    perfkit.write_json(
        args.json,
        {
            "issues": issues,
            "size_mb": size_mb,
            "first": summary([first]),
            "noop": summary(runs),
            "forced": summary(forced) if forced else None,
            "version": summary(versions),
            "ratio": ratio,
            "cpu_ratio": noop_cpu / version_cpu,
            "forced_ratio": forced_ratio,
            "verdict": verdict,
            "engine_calls": engine_line,
            "no_op": not problems,
            "profile": profile,
        },
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
