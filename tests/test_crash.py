"""Crash safety: ``update``, ``translate`` and ``build`` killed with SIGKILL at random moments.

The project is the bundled newsletter, made cheap: two of its issues, two languages (one
published when reviewed, one machine-translated), the ``pseudo`` engine. A translator
has reviewed every third message, and the editor has since changed the issues: a
paragraph edited in each, one deleted, a reviewed one moved to another issue, an issue
added. Each command starts from the state the one before it leaves, as in a real run.

Each trial copies a start state, starts the real console script, waits until it
writes its first file, sleeps a seeded random delay within the time an uninterrupted
run spends writing, and kills it (SIGKILL). Then:

* every file of the project is the one from before or the one an uninterrupted run
  writes, byte for byte: nothing is half-written (the temporary files of
  ``fileio.write_atomic`` aside); every catalog passes ``msgfmt --check --use-fuzzy``;
* every reviewed translation of every catalog is still there, for its source;
* running the command again exits 0 and leaves exactly what an uninterrupted run
  leaves: catalogs, templates and site byte for byte, no temporary file, no lock.

A random kill lands between two given files by chance; the in-process tests stop each
stage after every number of files it writes, so every boundary is covered.
``CRASH_TRIALS`` (trials per command, default 7) and ``CRASH_SEED`` make longer runs.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner

from lingopress.catalog import parse_catalog, read_catalog, write_catalog
from lingopress.cli import cli
from lingopress.config import load_config
from lingopress.fileio import is_temporary
from lingopress.lock import LOCK_FILE, WAIT_VARIABLE
from lingopress.merging import TranslationMemory
from tests.conftest import newsletter, write

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")

LINGOPRESS = Path(sys.executable).parent / "lingopress"
TRIALS = int(os.environ.get("CRASH_TRIALS", "7"))
SEED = int(os.environ.get("CRASH_SEED", "20240304"))
ENVIRONMENT = {"SOURCE_DATE_EPOCH": "1710000000", WAIT_VARIABLE: "0"}
CONFIG = """\
source_language = "en"

[site]
title = "The Weekly Gradient"
base_url = "https://weekly-gradient.example.org/"
author = "Mira Okafor"

[languages.zh-Hans]
engine = "pseudo"
publish = "reviewed"

[languages.es]
engine = "pseudo"
publish = "machine"
"""
ISSUES = ("2024-w10", "2024-w11")
REVIEWED = "reviewed by a translator (crash test)"

Tree = dict[str, bytes]
Reviewed = dict[tuple[str, str | None, str], str]


def snapshot(root: Path) -> Tree:
    """Every file of a project (temporary files and the lock aside), by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not is_temporary(path) and path.name != LOCK_FILE
    }


def materialise(tree: Tree, root: Path) -> Path:
    """Write a snapshot into a fresh folder."""
    if root.exists():
        shutil.rmtree(root)
    for name, data in tree.items():
        write(root / name, data)
    return root


def leftovers(root: Path) -> list[str]:
    """The temporary files of ``write_atomic`` under ``root``."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(".*.tmp") if is_temporary(p))


def differences(tree: Tree, expected: Tree) -> list[str]:
    """The files that are not as expected: missing, extra or with other bytes."""
    names = set(tree) | set(expected)
    return sorted(name for name in names if tree.get(name) != expected.get(name))


def lingopress(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script to its end."""
    return subprocess.run(
        [str(LINGOPRESS), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=os.environ | ENVIRONMENT,
        timeout=120,
    )


def in_process(root: Path, *args: str) -> None:
    """Run a command in this process (quicker than a new one); it must succeed."""
    result = CliRunner().invoke(cli, ["--project", str(root), *args], env=ENVIRONMENT)
    assert result.exit_code == 0, (args, result.output)


def reviewed(tree: Tree) -> Reviewed:
    """Every reviewed translation, active or obsolete: (catalog, context, source) -> text."""
    found = {}
    for name, data in tree.items():
        if name.startswith("locales/") and name.endswith(".po"):
            for entry in parse_catalog(data.decode("utf-8"), name):
                if entry.msgstr and not entry.fuzzy:
                    found[(name, entry.msgctxt, entry.msgid)] = entry.msgstr
    return found


def standalone_paragraphs(root: Path, slug: str) -> list[str]:
    """The one-line paragraphs of an issue that are whole blocks of its source, and prose."""
    source = (root / "issues" / f"{slug}.md").read_text(encoding="utf-8")
    template = read_catalog(root / "locales" / "templates" / f"{slug}.pot", slug)
    return [
        entry.msgid
        for entry in template
        if entry.comment.startswith("paragraph ")
        and entry.msgid[:1].isupper()
        and "\n" not in entry.msgid
        and f"\n\n{entry.msgid}\n\n" in source
    ]


def review(root: Path, also: str) -> None:
    """A translator reviews every third machine translation, and the message ``also``."""
    for path in sorted((root / "locales").glob("*/*.po")):
        catalog = read_catalog(path, path.name)
        for number, entry in enumerate(catalog):
            if entry.msgstr and (number % 3 == 0 or entry.msgid == also):
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                entry.msgstr = f"{entry.msgstr} ✓"
                entry.tcomment = REVIEWED
        write_catalog(path, catalog)


def edit(root: Path, paragraphs: dict[str, list[str]]) -> None:
    """The editor's changes: an edited paragraph per issue, one deleted, one moved, a new issue."""

    def change(slug: str, old: str, new: str) -> None:
        path = root / "issues" / f"{slug}.md"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    for slug in ISSUES:
        edited = paragraphs[slug][0]
        change(slug, edited, edited.replace(" ", " really ", 1))
    moved, (deleted, target, kept) = paragraphs["2024-w10"][2], paragraphs["2024-w11"][2:5]
    change("2024-w10", f"\n\n{moved}\n\n", "\n\n")
    change("2024-w11", f"\n\n{deleted}\n\n", "\n\n")
    change("2024-w11", target, f"{target}\n\n{moved}")
    body = f"# Week 14\n\n{kept}\n"
    write(root / "issues" / "2024-w14.md", f"---\ntitle: Week 14\ndate: 2024-04-01\n---\n\n{body}")


@dataclass
class Command:
    """A command under test: the states it starts from, what it leaves, how long it writes."""

    name: str
    starts: list[Tree]
    result: Tree
    writing: float  # seconds from its first written file to its last
    reviewed: list[Reviewed] = field(default_factory=list)


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Command]]:
    """The start states of each command, and what an uninterrupted run leaves."""
    root = newsletter(tmp_path_factory.mktemp("crash"), glossaries=True)
    write(root / "lingopress.toml", CONFIG)
    for slug in ("2024-w12", "2024-w13"):
        (root / "issues" / f"{slug}.md").unlink()
    for folder in ("ja", "ar"):
        shutil.rmtree(root / "locales" / folder)
    for stage in ("extract", "update", "translate", "build"):
        in_process(root, stage)
    paragraphs = {slug: standalone_paragraphs(root, slug) for slug in ISSUES}
    review(root, also=paragraphs["2024-w10"][2])  # the paragraph that moves to 2024-w11
    edit(root, paragraphs)
    in_process(root, "extract")
    found = {}
    for name in ("update", "translate", "build"):  # each starts where the one before ended
        starts = [snapshot(root)]
        if name == "build":  # over the site of an earlier build, and into no site at all
            starts.append({k: v for k, v in starts[0].items() if not k.startswith("site/")})
        process, first = start(root, name)
        assert process.wait(timeout=120) == 0, name
        result = snapshot(root)
        written = [root / path for path in differences(result, starts[0]) if path in result]
        writing = max(path.stat().st_mtime for path in written) - first
        command = Command(name, starts, result, writing, [reviewed(s) for s in starts])
        assert command.result != starts[0], f"{name} has nothing to do"
        found[name] = command
    lent = found["update"].result["locales/zh-Hans/2024-w11.po"].decode("utf-8")
    assert "# TM: 2024-w10\n" in lent  # the moved paragraph's reviewed translation follows it
    yield found


def folders(root: Path) -> list[Path]:
    """The folders a writer writes into: those of locales/ and site/ (and site/ to come)."""
    found = [root / "site"]
    for top in (root / "locales", root / "site"):
        found += [Path(folder) for folder, _, _ in os.walk(top)]
    return found


def modified(places: list[Path]) -> list[int]:
    """The modification times of folders: every write creates a file in one of them."""
    times = []
    for place in places:
        try:
            times.append(place.stat().st_mtime_ns)
        except FileNotFoundError:
            times.append(0)
    return times


def start(root: Path, name: str) -> tuple[subprocess.Popen[bytes], float]:
    """Start a command; return it once it has begun writing, with the time it did."""
    places = folders(root)
    before = modified(places)
    process = subprocess.Popen(
        [str(LINGOPRESS), name],
        cwd=root,
        env=os.environ | ENVIRONMENT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while process.poll() is None and modified(places) == before:
        time.sleep(0.0005)
    return process, time.time()  # comparable with modification times


@dataclass
class Stats:
    """What the kills of one command hit."""

    trials: int = 0
    mid_run: int = 0  # the process was still running when killed
    partial: int = 0  # ... and had written some of its files, not all
    temporaries: int = 0  # ... and left a temporary file behind
    seconds: float = 0.0


def check_files(root: Path, before: Tree, expected: Tree, kept: Reviewed) -> Tree:
    """Every file old or new, every catalog valid, every reviewed translation kept."""
    now = snapshot(root)
    for name in differences(now, before):
        assert now.get(name) == expected.get(name), f"{name}: neither old nor new"
    for name in sorted(now):
        if name.endswith(".po"):
            checked = subprocess.run(
                ["msgfmt", "--check", "--use-fuzzy", "-o", os.devnull, name],
                cwd=root,
                capture_output=True,
                text=True,
            )
            assert checked.returncode == 0, (name, checked.stderr)
    found = reviewed(now)
    lost = sorted(key for key, text in kept.items() if found.get(key) != text)
    assert not lost, f"reviewed translations lost: {lost[:3]}"
    return now


def kill_and_rerun(command: Command, which: int, root: Path, delay: float, stats: Stats) -> None:
    """One trial: kill the command ``delay`` seconds into its writing, check, rerun, check."""
    before = command.starts[which]
    materialise(before, root)
    process, _ = start(root, command.name)
    time.sleep(delay)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    now = check_files(root, before, command.result, command.reviewed[which])
    stats.trials += 1
    stats.mid_run += alive
    stats.partial += alive and now not in (before, command.result)
    stats.temporaries += alive and bool(leftovers(root))
    rerun = lingopress(root, command.name)
    assert rerun.returncode == 0, rerun.stderr
    assert leftovers(root) == []
    assert not (root / LOCK_FILE).exists()
    assert differences(snapshot(root), command.result) == []


@pytest.mark.parametrize("name", ["update", "translate", "build"])
def test_a_killed_command_loses_nothing_and_a_rerun_completes_it(
    name: str, commands: dict[str, Command], tmp_path: Path
) -> None:
    command = commands[name]
    rng = random.Random(f"{SEED}-{name}")
    stats = Stats()
    started = time.monotonic()
    for trial in range(TRIALS):
        which = trial % len(command.starts)
        delay = rng.uniform(0, 1.25 * command.writing)  # now and then after the last file
        try:
            kill_and_rerun(command, which, tmp_path / "trial", delay, stats)
        except AssertionError as error:
            message = f"{name}, trial {trial}, killed {delay:.3f} s into writing: {error}"
            raise AssertionError(message) from None
    stats.seconds = time.monotonic() - started
    print(f"{name}: {stats}")
    assert stats.mid_run >= TRIALS // 2, stats  # most kills hit a running process


class Stopped(BaseException):
    """Stands for the end of a process, between two files."""


STAGES: dict[str, tuple[str, str]] = {
    "update": ("lingopress.update", "write_catalog"),
    "translate": ("lingopress.translation", "write_catalog"),
    "build": ("lingopress.render", "write_if_changed"),
}


def run_stage(name: str, root: Path) -> None:
    """The library call of a stage, as its command makes it."""
    config = load_config(root)
    if name == "update":
        from lingopress.update import update_catalogs

        update_catalogs(config, config.languages)
    elif name == "translate":
        from lingopress.translation import translate_catalogs

        translate_catalogs(config, config.languages)
    else:
        from lingopress.render import build_site

        build_site(config)


def stopping_after(count: int, write: Callable[..., Any]) -> Callable[..., Any]:
    """A write function that raises :class:`Stopped` once ``count`` files have changed."""
    changed: list[Path] = []

    def stopping(path: Path, *args: Any, **kwargs: Any) -> Any:
        if len(changed) == count:
            raise Stopped
        result = write(path, *args, **kwargs)
        changed.extend([path] if result.changed else [])
        return result

    return stopping


@pytest.mark.parametrize("name", ["update", "translate", "build"])
def test_a_stage_stopped_after_any_number_of_files_is_completed_by_a_rerun(
    name: str, commands: dict[str, Command], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = commands[name]
    module, function = STAGES[name]
    real: Callable[..., Any] = getattr(sys.modules[module], function)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ENVIRONMENT["SOURCE_DATE_EPOCH"])
    files = len(differences(command.result, command.starts[0]))
    counts = range(1, files) if name != "build" else sorted({1, 2, files // 2, files - 1})
    for count in counts:
        root = materialise(command.starts[0], tmp_path / f"stopped-{count}")
        monkeypatch.setattr(f"{module}.{function}", stopping_after(count, real))
        with pytest.raises(Stopped):
            run_stage(name, root)
        monkeypatch.setattr(f"{module}.{function}", real)
        check_files(root, command.starts[0], command.result, command.reviewed[0])
        in_process(root, name)
        assert differences(snapshot(root), command.result) == [], f"stopped after {count}"


def test_the_next_writer_removes_what_a_killed_one_left(
    commands: dict[str, Command], tmp_path: Path
) -> None:
    command = commands["build"]
    root = materialise(command.starts[1], tmp_path / "project")  # no site yet
    left = [
        root / "locales" / "es" / ".2024-w10.po.k1ll3d_x.tmp",
        root / "locales" / "templates" / ".site.pot.abcdefgh.tmp",
        root / "site" / "..lingopress-build.a1b2c3d4.tmp",  # killed before its first file
        root / "..lingopress-state.zzzzzzzz.tmp",  # run's record
    ]
    for path in left:
        write(path, b"half a file")
    others = [root / "locales" / "es" / ".notes.tmp", root / ".notes.txt.abcdefgh.tmp"]
    for path in others:  # not lingopress's: kept
        write(path, b"someone else's")
    write(root / LOCK_FILE, "pid 999999 since 2024-03-04T12:34:56+00:00\n")
    result = lingopress(root, "-v", "build")
    assert result.returncode == 0, result.stderr
    assert f"took over {LOCK_FILE} from pid 999999 (gone)" in result.stdout
    for path in left:
        assert not path.exists(), path
    assert "removed site/..lingopress-build.a1b2c3d4.tmp" in result.stdout
    assert all(path.exists() for path in others)
    assert differences(snapshot(root), command.result) == ["locales/es/.notes.tmp"]


def test_the_memory_learns_reviewed_obsolete_entries_after_active_ones() -> None:
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgid="gone", msgstr="parti (obsolete)", obsolete=True))
    catalog.append(polib.POEntry(msgid="kept", msgstr="gardé"))
    catalog.append(polib.POEntry(msgid="gone", msgstr="parti"))
    catalog.append(polib.POEntry(msgid="unsure", msgstr="peut-être", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="moved", msgstr="déplacé", obsolete=True))
    memory = TranslationMemory()
    memory.learn("2024-w10", catalog)
    memory.learn("2024-w11", parse_catalog('msgid "moved"\nmsgstr "autre"\n'))
    assert memory.translations == {
        "kept": ("gardé", "2024-w10"),
        "gone": ("parti", "2024-w10"),  # the active entry first
        "moved": ("déplacé", "2024-w10"),  # the first catalog first, obsolete or not
    }
