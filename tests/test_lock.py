"""One writer per project: the lock of lingopress.lock, between real processes.

A helper process takes the lock through the library and keeps it until its standard
input closes, so each test decides exactly when the lock is held and released. The
command-line processes are the installed console script, as a user runs it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lingopress.errors import LockError
from lingopress.lock import (
    DEFAULT_WAIT,
    LOCK_FILE,
    WAIT_VARIABLE,
    Holder,
    parse_holder,
    project_lock,
    read_holder,
    wait_seconds,
)
from tests.conftest import REPO, Invoke, tree_snapshot, write

LINGOPRESS = Path(sys.executable).parent / "lingopress"
REFUSAL = re.compile(
    r"Error: (?P<path>.+): another lingopress \(pid (?P<pid>\d+)\) is writing this project "
    r"since (?P<time>\d\d:\d\d:\d\d)"
)
HOLDER = """\
import sys
from pathlib import Path
from lingopress.lock import project_lock
with project_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""
COUNTER = """\
import sys
from pathlib import Path
from lingopress.lock import project_lock
root = Path(sys.argv[1])
for _ in range(int(sys.argv[2])):
    with project_lock(root, wait=60):
        counter = root / "counter"
        value = int(counter.read_text())
        counter.write_text(str(value + 1))
"""


def lingopress(
    root: Path, *args: str, wait: float = 0, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the console script in ``root`` with the given lock wait."""
    return subprocess.run(
        [str(LINGOPRESS), *args],
        cwd=root,
        capture_output=True,
        text=True,
        input=stdin,
        env=os.environ | {WAIT_VARIABLE: str(wait)},
        timeout=120,
    )


@contextmanager
def held(root: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the project's lock for the ``with`` block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        release(holder)


def release(holder: subprocess.Popen[str]) -> None:
    """Let the helper leave its ``with`` block and wait for it."""
    if holder.stdin is not None and not holder.stdin.closed:
        holder.stdin.close()
    assert holder.wait(timeout=30) == 0


def prepared(root: Path, invoke: Invoke) -> Path:
    """The project with templates, catalogs (machine-translated) and a glossary."""
    write(root / "locales" / "glossary.csv", "source,note\nPyTorch,\n")
    for args in (["extract"], ["update"], ["translate"]):
        assert invoke(args, cwd=root).exit_code == 0
    return root


def assert_refused(result: subprocess.CompletedProcess[str], root: Path, pid: int) -> None:
    """Exit 1 with the one-line refusal naming ``pid`` and the project's lock file."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    match = REFUSAL.fullmatch(lines[0])
    assert match, lines[0]
    assert Path(match["path"]).samefile(root / LOCK_FILE)
    assert int(match["pid"]) == pid
    started = dt.datetime.strptime(match["time"], "%H:%M:%S").time()
    now = dt.datetime.now()
    assert abs((now - dt.datetime.combine(now.date(), started)).total_seconds()) < 120


def test_a_second_writer_refuses_with_the_holders_pid_and_time(
    project: Path, invoke: Invoke
) -> None:
    root = prepared(project, invoke)
    write(root / "issues" / "first.md", "# First\n\nHello again.\n")  # update has work to do
    before = tree_snapshot(root)
    with held(root) as holder:
        started = time.monotonic()
        result = lingopress(root, "extract", wait=0.3)
        waited = time.monotonic() - started
        assert_refused(result, root, holder.pid)
        assert waited >= 0.3
        assert (root / LOCK_FILE).read_text().startswith(f"pid {holder.pid} since ")
    assert tree_snapshot(root) == before  # nothing written
    assert not (root / LOCK_FILE).exists()  # the holder removed it on release


def test_a_second_writer_waits_for_the_first_then_runs(project: Path) -> None:
    templates = project / "locales" / "templates"
    with held(project) as holder:
        waiting = subprocess.Popen(
            [str(LINGOPRESS), "extract"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ | {WAIT_VARIABLE: "60"},
        )
        time.sleep(1.0)  # it has started and is waiting: it wrote nothing
        assert waiting.poll() is None
        assert not templates.exists()
        release(holder)
        stdout, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr
    assert "templates: 2 in all, 2 created" in stdout
    assert not (project / LOCK_FILE).exists()


def test_two_writers_at_once_run_one_after_the_other(project: Path) -> None:
    body = "".join(f"Paragraph {n} of a longer issue, with words.\n\n" for n in range(300))
    write(project / "issues" / "first.md", f"# First\n\n{body}")
    assert lingopress(project, "extract").returncode == 0
    assert lingopress(project, "update").returncode == 0
    environment = os.environ | {WAIT_VARIABLE: "120"}
    runs = [
        subprocess.Popen(
            [str(LINGOPRESS), "translate"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    said = sorted((stdout.strip() for stdout, _ in outputs), key=lambda line: "nothing" in line)
    # one translated everything; the other came after it and found nothing left
    assert re.match(r"es: \d+ segments, ", said[0]), said
    assert said[1] == "es: nothing to translate", said


def test_a_killed_writers_lock_is_taken_over(project: Path) -> None:
    body = "".join(f"Paragraph {n} of a longer issue, with words.\n\n" for n in range(400))
    write(project / "issues" / "first.md", f"# First\n\n{body}")
    assert lingopress(project, "extract").returncode == 0
    assert lingopress(project, "update").returncode == 0
    victim = subprocess.Popen(
        [str(LINGOPRESS), "translate"], cwd=project, stdout=subprocess.DEVNULL
    )
    lock = project / LOCK_FILE
    deadline = time.monotonic() + 60
    while (holder := read_holder(lock)) is None or holder.pid != victim.pid:
        assert victim.poll() is None, "the writer ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert read_holder(lock) == holder  # left behind, naming a dead process
    result = lingopress(project, "-v", "translate", wait=0)
    assert result.returncode == 0, result.stderr
    assert f"took over {LOCK_FILE} from pid {victim.pid} (gone)" in result.stdout
    assert re.search(r"^es: \d+ segments, ", result.stdout, re.M), result.stdout
    assert not lock.exists()


def test_a_leftover_lock_file_without_a_process_is_taken_over(
    project: Path, invoke: Invoke
) -> None:
    root = prepared(project, invoke)
    ended = [sys.executable, "-c", "import os; print(os.getpid())"]
    pid = int(subprocess.run(ended, capture_output=True, text=True, check=True).stdout)
    write(root / LOCK_FILE, f"pid {pid} since 2024-03-04T12:34:56+00:00\n")
    result = lingopress(root, "-v", "build", wait=0)
    assert result.returncode == 0, result.stderr
    assert f"took over {LOCK_FILE} from pid {pid} (gone)" in result.stdout
    write(root / LOCK_FILE, "not ours\n")  # any other leftover content: taken over quietly
    result = lingopress(root, "-v", "update", wait=0)
    assert result.returncode == 0, result.stderr
    assert "took over" not in result.stdout
    assert not (root / LOCK_FILE).exists()


@pytest.mark.parametrize(
    "args",
    [["translate", "--lang", "es"], ["update"], ["build"], ["glossary", "import", "terms.csv"]],
    ids=" ".join,
)
def test_a_failing_command_releases_the_lock(project: Path, args: list[str]) -> None:
    write(project / "terms.csv", "no,header,we,know\n")  # not a glossary
    write(project / "site", "a file, not a folder\n")  # nowhere to build
    result = lingopress(project, *args, wait=0)  # no templates, no catalogs: each fails
    assert result.returncode == 1, result.stdout
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "another lingopress" not in result.stderr
    assert not (project / LOCK_FILE).exists()
    assert lingopress(project, "extract", wait=0).returncode == 0  # the lock is free


def test_read_only_commands_work_while_a_writer_holds_the_lock(
    project: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = prepared(project, invoke)
    assert invoke(["build"], cwd=root).exit_code == 0
    before = tree_snapshot(root)
    out = root.parent / "elsewhere"
    readers = [
        ["status"],
        ["check"],
        ["update", "--check"],
        ["translate", "--dry-run"],
        ["glossary", "check"],
        ["glossary", "export", "--format", "tbx"],
        ["glossary", "suggest"],
        ["export", "--lang", "es", "--out", str(out / "export")],
        ["review", "--out", str(out / "review")],
        ["tm", "export", "--lang", "es", "--out", str(out / "es.tmx")],
    ]
    monkeypatch.setenv(WAIT_VARIABLE, "0")
    with held(root) as holder:
        for args in readers[:2]:  # as processes of their own
            result = lingopress(root, *args, wait=0)
            assert result.returncode == 0, (args, result.stderr)
        for args in readers[2:]:  # in this process, to be quick
            assert invoke(args, cwd=root).exit_code == 0, args
        translated = invoke(["mt", "--to", "es", "--engine", "pseudo"], cwd=root, input="Hi.\n")
        assert translated.exit_code == 0, translated.stderr
        assert_refused(lingopress(root, "build", wait=0), root, holder.pid)
    assert tree_snapshot(root) == before


WRITERS = [
    ["extract"],
    ["update"],
    ["translate"],
    ["build"],
    ["build", "--out", "OUT"],
    ["run"],
    ["glossary", "import", "terms.csv"],
]


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_every_writing_command_takes_the_lock(
    project: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    root = prepared(project, invoke)
    write(root / "terms.csv", "source,target\nPyTorch,PyTorch\n")
    args = [str(root.parent / "out") if arg == "OUT" else arg for arg in args]
    monkeypatch.setenv(WAIT_VARIABLE, "0")
    before = tree_snapshot(root.parent)
    with project_lock(root):  # in this process: flock refuses another open file too
        result = invoke(args, cwd=root)
    assert result.exit_code == 1, result.output
    match = REFUSAL.fullmatch(result.stderr.strip())
    assert match and int(match["pid"]) == os.getpid(), result.stderr
    assert tree_snapshot(root.parent) == before
    assert invoke(args, cwd=root).exit_code == 0, result.output  # released


def test_only_one_holder_at_a_time(tmp_path: Path) -> None:
    (tmp_path / "counter").write_text("0")
    processes = [
        subprocess.Popen([sys.executable, "-c", COUNTER, str(tmp_path), "40"]) for _ in range(4)
    ]
    assert [process.wait(timeout=120) for process in processes] == [0] * 4
    assert (tmp_path / "counter").read_text() == "160"  # no increment was lost
    assert not (tmp_path / LOCK_FILE).exists()


def test_the_lock_in_one_process(tmp_path: Path) -> None:
    with project_lock(tmp_path) as lock:
        assert lock.path == tmp_path / LOCK_FILE
        assert lock.previous is None
        assert read_holder(lock.path) == lock.holder
        assert lock.holder.pid == os.getpid()
        told: list[Holder | None] = []
        with pytest.raises(LockError) as refused, project_lock(tmp_path, 0.2, told.append):
            pass
        assert told == [lock.holder]
        assert refused.value.path == lock.path
        assert f"(pid {os.getpid()}) is writing this project since " in str(refused.value)
    assert not (tmp_path / LOCK_FILE).exists()
    with pytest.raises(RuntimeError), project_lock(tmp_path):
        raise RuntimeError("a failing command")
    assert not (tmp_path / LOCK_FILE).exists()
    with project_lock(tmp_path, wait=0):  # released after the error
        pass


def test_a_holder_that_has_not_written_its_line_yet(tmp_path: Path) -> None:
    with project_lock(tmp_path) as lock:
        lock.path.write_text("")
        with pytest.raises(LockError) as refused, project_lock(tmp_path, 0, None, Path(LOCK_FILE)):
            pass
    assert str(refused.value) == f"{LOCK_FILE}: another lingopress is writing this project"


def test_holder_lines_and_wait_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    since = dt.datetime(2024, 3, 4, 12, 34, 56, tzinfo=dt.UTC)
    holder = Holder(42, since)
    assert holder.line() == "pid 42 since 2024-03-04T12:34:56+00:00\n"
    assert parse_holder(holder.line()) == holder
    assert holder.started() == since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    assert Holder(1, now).started() == now.strftime("%H:%M:%S")
    for text in ("", "pid x since 2024", "pid 1 since yesterday", "pid 1 since 2024-03-04T12:00"):
        assert parse_holder(text) is None, text
    monkeypatch.delenv(WAIT_VARIABLE, raising=False)
    assert wait_seconds() == DEFAULT_WAIT
    for value, seconds in (("0", 0.0), ("2.5", 2.5), ("-1", 0.0), ("soon", DEFAULT_WAIT)):
        monkeypatch.setenv(WAIT_VARIABLE, value)
        assert wait_seconds() == seconds


def test_new_projects_ignore_the_lock_file(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke(["init", str(tmp_path / "new")]).exit_code == 0
    assert LOCK_FILE in (tmp_path / "new" / ".gitignore").read_text().splitlines()
    assert LOCK_FILE in (REPO / ".gitignore").read_text().splitlines()
