"""Benchmark: our segmentation and template extraction against two peers' ``md2po``.

What: on the same generated archive (500 issues by default, ``perfkit.build_archive``),
times three command lines that turn the issues' Markdown into gettext templates:

- **lingopress**: ``lingopress extract`` over the project (one process: the config, every
  issue segmented, one ``.pot`` per issue and ``site.pot`` from the page templates);
- **translate-toolkit**: its ``md2po -P -i issues/ -o OUT/`` over the folder (one process,
  one ``.pot`` per issue), as its documentation runs it;
- **mdpo**: its ``md2po issues/<slug>.md -p OUT/<slug>.pot -s -q``, one process per issue
  (one ``.pot`` each), as mdpo's documentation runs it. mdpo also takes a glob and merges
  every file into one catalog in one process, but that merging slows down with the square
  of the catalog: at 20 issues the glob took 1.2 s of CPU against 0.9 s for 20 processes,
  and at 500 issues it had not finished after 11 minutes of CPU, where 500 processes take
  about 30 seconds. One process per file is therefore the fair way for mdpo.

Each tool runs as its console script in a subprocess, from a clean output folder, the
three in turn, ``--repeat`` times (3); the median counts. The wall-clock time is the
figure; the CPU time (user + system, which does not count waiting for a CPU) is printed
beside it because this machine is shared. The ratio is each peer's time over ours
(above 1: we are faster; goal: faster than both).

The peers are installed from PyPI into their own virtual environments, one each since
both install a ``md2po`` command: ``benchmarks/.venv-peers/<name>`` (ignored by git),
made on the first run with ``python -m venv`` and ``pip install``. Offline, or with
``--no-install`` when they are missing, the peers are skipped with a message.

Run it from the repository root::

    .venv/bin/python benchmarks/peers.py [--issues 500] [--repeat 3] [--cache DIR]
        [--peer-env DIR] [--no-install] [--json FILE]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import perfkit

PEER_ENV = perfkit.BENCHMARKS / ".venv-peers"
OURS = "lingopress"


@dataclass(frozen=True)
class Peer:
    """A peer tool: its PyPI requirement and how its ``md2po`` is run on an archive."""

    name: str
    requirement: str

    def commands(self, env: Path, root: Path, out: Path) -> list[list[str]]:
        """The command lines that extract every issue of ``root`` into ``out``, in turn."""
        md2po = str(env / "bin" / "md2po")
        if self.name == "translate-toolkit":
            return [[md2po, "--progress=none", "-P", "-i", str(root / "issues"), "-o", str(out)]]
        return [
            [md2po, str(path), "-p", str(out / f"{path.stem}.pot"), "-s", "-q"]
            for path in sorted((root / "issues").glob("*.md"))
        ]


PEERS = (
    Peer("translate-toolkit", "translate-toolkit[markdown]"),
    Peer("mdpo", "mdpo"),
)


@dataclass
class Result:
    """One tool's timings (every run) and what it extracted."""

    tool: str
    version: str
    how: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    messages: int = 0
    files: int = 0

    @property
    def wall(self) -> float:
        """The median wall-clock time."""
        return perfkit.median(self.walls)

    @property
    def cpu(self) -> float:
        """The median CPU time."""
        return perfkit.median(self.cpus)


def peer_env(peer: Peer, folder: Path, install: bool) -> tuple[Path | None, str]:
    """The peer's virtual environment (made if missing and allowed), or None and why not."""
    env = folder / peer.name
    if (env / "bin" / "md2po").is_file():
        return env, ""
    if not install:
        return None, f"{peer.name} is not installed in {env} (run without --no-install)"
    print(f"installing {peer.requirement} into {env} (first run only)", flush=True)
    made = subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(env)], capture_output=True, text=True
    )
    if made.returncode == 0:
        made = subprocess.run(
            [str(env / "bin" / "python"), "-m", "pip", "install", "-q", peer.requirement],
            capture_output=True,
            text=True,
        )
    if made.returncode != 0 or not (env / "bin" / "md2po").is_file():
        last = (made.stderr.strip().splitlines() or ["no md2po installed"])[-1]
        shutil.rmtree(env, ignore_errors=True)
        return None, f"could not install {peer.requirement} (offline?): {last}"
    return env, ""


def version(env: Path) -> str:
    """What ``md2po --version`` says, without the program name."""
    said = subprocess.run([str(env / "bin" / "md2po"), "--version"], capture_output=True, text=True)
    return (said.stdout or said.stderr).strip().split()[-1] if said.returncode == 0 else "?"


def count_messages(folder: Path) -> tuple[int, int]:
    """The catalogs under ``folder`` and their messages (read with polib)."""
    import polib

    paths = sorted(folder.rglob("*.pot"))
    return len(paths), sum(len(polib.pofile(str(path))) for path in paths)


def run_ours(root: Path) -> perfkit.Timed:
    """``lingopress extract`` on the archive, from no templates."""
    shutil.rmtree(root / "locales" / "templates", ignore_errors=True)
    command = perfkit.lingopress_command("--project", root, "-q", "extract")
    timed = perfkit.run_timed(command, env=perfkit.quiet_env())
    perfkit.check_ok(timed.result, "lingopress extract")
    return timed


def run_peer(peer: Peer, env: Path, root: Path, out: Path) -> tuple[float, float]:
    """The peer's ``md2po`` on the archive, into an empty ``out``: wall and CPU seconds."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    commands = peer.commands(env, root, out)
    start = time.perf_counter()
    cpu = 0.0
    for command in commands:
        timed = perfkit.run_timed(command, cwd=root)
        perfkit.check_ok(timed.result, f"{peer.name} md2po")
        cpu += timed.cpu
    return time.perf_counter() - start, cpu


def measure(
    root: Path, envs: dict[str, Path], repeat: int, scratch: Path
) -> tuple[Result, list[Result]]:
    """Run ours and every available peer ``repeat`` times, in turn."""
    ours = Result(OURS, perfkit.machine()["lingopress"], "lingopress extract (one process)")
    peers = {
        peer.name: Result(peer.name, version(envs[peer.name]), _how(peer))
        for peer in PEERS
        if peer.name in envs
    }
    for _ in range(repeat):
        timed = run_ours(root)
        ours.walls.append(timed.wall)
        ours.cpus.append(timed.cpu)
        for peer in PEERS:
            if peer.name in envs:
                wall, cpu = run_peer(peer, envs[peer.name], root, scratch / peer.name)
                peers[peer.name].walls.append(wall)
                peers[peer.name].cpus.append(cpu)
    ours.files, ours.messages = count_messages(root / "locales" / "templates")
    for name, result in peers.items():
        result.files, result.messages = count_messages(scratch / name)
    return ours, list(peers.values())


def _how(peer: Peer) -> str:
    if peer.name == "translate-toolkit":
        return "md2po -P -i issues/ -o out/ (one process, folder)"
    return "md2po issues/<slug>.md -p out/<slug>.pot -s (one process per issue)"


def format_table(ours: Result, peers: Sequence[Result]) -> list[str]:
    """The header, one row per tool, with the ratio of its time to ours."""
    rows = [
        f"{'tool':<18}  {'version':>7}  {'wall s':>7}  {'CPU s':>7}  {'catalogs':>8}  "
        f"{'messages':>8}  {'vs ours (wall)':>14}  {'vs ours (CPU)':>13}  how"
    ]
    for result in (ours, *peers):
        rows.append(
            f"{result.tool:<18}  {result.version:>7}  {result.wall:>7.2f}  {result.cpu:>7.2f}  "
            f"{result.files:>8}  {result.messages:>8}  {result.wall / ours.wall:>13.2f}x  "
            f"{result.cpu / ours.cpu:>12.2f}x  {result.how}"
        )
    return rows


def verdicts(ours: Result, peers: Sequence[Result]) -> list[str]:
    """One line per peer: how many times faster we are (goal: faster than both)."""
    return [
        f"lingopress vs {peer.tool}: {peer.wall / ours.wall:.2f}x faster wall-clock "
        f"({peer.cpu / ours.cpu:.2f}x CPU) (goal: faster, above 1x): "
        + ("met" if peer.wall > ours.wall else "missed")
        for peer in peers
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=500, help="archive size (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="median of N runs (default 3)")
    parser.add_argument("--cache", type=Path, help="keep the generated archive here")
    parser.add_argument("--peer-env", type=Path, default=PEER_ENV, help=f"default: {PEER_ENV}")
    parser.add_argument("--no-install", action="store_true", help="skip missing peers")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.issues < 1 or args.repeat < 1:
        parser.error("--issues and --repeat must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Set up the peers, measure the three tools and print the table."""
    args = parse_args(argv)
    print(f"lingopress against md2po peers: {perfkit.machine_line()}")
    envs: dict[str, Path] = {}
    skipped = []
    for peer in PEERS:
        env, why = peer_env(peer, args.peer_env, install=not args.no_install)
        if env is None:
            skipped.append(f"skipped {peer.name}: {why}")
            print(skipped[-1], flush=True)
        else:
            envs[peer.name] = env
    with tempfile.TemporaryDirectory(prefix="lingopress-peers-") as work:
        root = perfkit.archive_copy(args.issues, Path(work) / "archive", args.cache, progress=print)
        issues, size_mb = perfkit.archive_size(root)
        print(
            f"{issues} issues ({size_mb:.1f} MB of Markdown), each tool {args.repeat} times in "
            f"turn, median; subprocess wall-clock and CPU time",
            flush=True,
        )
        ours, peers = measure(root, envs, args.repeat, Path(work) / "out")
    print("\n".join(format_table(ours, peers)))
    print("\n".join(verdicts(ours, peers)))
    perfkit.write_json(
        args.json,
        {
            "issues": issues,
            "size_mb": size_mb,
            "repeat": args.repeat,
            "results": [
                asdict(result) | {"wall": result.wall, "cpu": result.cpu}
                for result in (ours, *peers)
            ],
            "ratios": {peer.tool: peer.wall / ours.wall for peer in peers},
            "cpu_ratios": {peer.tool: peer.cpu / ours.cpu for peer in peers},
            "skipped": skipped,
            "verdicts": verdicts(ours, peers),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
