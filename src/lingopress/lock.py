"""One writer at a time: an exclusive advisory lock per project.

A command that writes project files holds ``<project>/.lingopress.lock`` while it
runs, locked with ``fcntl.flock``. The kernel releases the lock when its holder's
process ends, however it ends (``SIGKILL`` included), so a lock is never stale: the
file a killed process leaves behind is simply taken over by the next writer, which
reports the dead holder as :attr:`ProjectLock.previous`. The holder writes its pid and
start time into the file for the message others show; on release it removes the file.

A second writer polls for :data:`WAIT_VARIABLE` seconds (default :data:`DEFAULT_WAIT`),
then gives up with :class:`~lingopress.errors.LockError`: ``another lingopress (pid N)
is writing this project since HH:MM:SS``. Readers take no lock: every file is replaced
atomically (:mod:`lingopress.fileio`), so they see old files or new ones, never half.

Only the lock decides. The pid inside is for people: a process in another pid
namespace or on another host would look dead, and a live one may have reused the pid
of a dead holder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lingopress.errors import LockError

LOCK_FILE = ".lingopress.lock"
"""The lock file's name, in the project root (git-ignored)."""

WAIT_VARIABLE = "LINGOPRESS_LOCK_WAIT"
"""The environment variable that sets how long a second writer waits, in seconds."""

DEFAULT_WAIT = 5.0
"""How long a second writer waits for the lock when :data:`WAIT_VARIABLE` is not set."""

_POLL = 0.05


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock: as written in the lock file."""

    pid: int
    since: dt.datetime

    def line(self) -> str:
        """The lock file's content: ``pid <N> since <ISO 8601 time>``."""
        return f"pid {self.pid} since {self.since.isoformat(timespec='seconds')}\n"

    def started(self) -> str:
        """The start time in local time: ``HH:MM:SS``, with the date if not today."""
        local = self.since.astimezone()
        if local.date() == dt.datetime.now().astimezone().date():
            return local.strftime("%H:%M:%S")
        return local.strftime("%Y-%m-%d %H:%M:%S")


def parse_holder(text: str) -> Holder | None:
    """The holder a lock file names, or None if it is empty or not ours.

    >>> parse_holder("pid 42 since 2024-03-04T12:34:56+00:00").pid
    42
    """
    words = text.split()
    if len(words) != 4 or words[0] != "pid" or words[2] != "since" or not words[1].isdigit():
        return None
    try:
        since = dt.datetime.fromisoformat(words[3])
    except ValueError:
        return None
    if since.tzinfo is None:
        return None
    return Holder(int(words[1]), since)


def read_holder(path: Path) -> Holder | None:
    """The holder named in the lock file at ``path``, if it can be read."""
    try:
        return parse_holder(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


def wait_seconds() -> float:
    """How long to wait for the lock: :data:`WAIT_VARIABLE`, else :data:`DEFAULT_WAIT`."""
    value = os.environ.get(WAIT_VARIABLE, "").strip()
    try:
        seconds = float(value) if value else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT
    return max(seconds, 0.0) if seconds == seconds else DEFAULT_WAIT  # NaN: the default


@dataclass(frozen=True)
class ProjectLock:
    """A held lock: its file, and the dead holder it was taken over from, if any."""

    path: Path
    holder: Holder
    previous: Holder | None


@contextlib.contextmanager
def project_lock(
    root: Path,
    wait: float | None = None,
    waiting: Callable[[Holder | None], None] | None = None,
    shown: Path | None = None,
) -> Iterator[ProjectLock]:
    """Hold the lock of the project at ``root`` for the ``with`` block.

    Waits up to ``wait`` seconds (default: :func:`wait_seconds`) while another process
    holds it, calling ``waiting`` once with that holder, then raises
    :class:`~lingopress.errors.LockError`, showing the lock file as ``shown`` (default:
    its absolute path). The lock is released (and its file removed) on leaving the
    block, whatever ends it.
    """
    path = root.absolute() / LOCK_FILE
    deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
    descriptor = _acquire(path, deadline, waiting, shown or path)
    try:
        previous = _take_over(descriptor)
        holder = Holder(os.getpid(), dt.datetime.now().astimezone().replace(microsecond=0))
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, holder.line().encode("utf-8"), 0)
        yield ProjectLock(path, holder, previous)
    finally:
        with contextlib.suppress(OSError):
            if _same_file(descriptor, path):
                path.unlink()  # still holding it, so no other writer is using this file
        os.close(descriptor)  # releases the lock


def _acquire(
    path: Path, deadline: float, waiting: Callable[[Holder | None], None] | None, shown: Path
) -> int:
    """Open and lock the lock file, polling until ``deadline``; the locked descriptor."""
    told = False
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
        except BaseException:
            os.close(descriptor)
            raise
        else:
            if _same_file(descriptor, path):
                return descriptor
            os.close(descriptor)  # its holder removed it as we opened it: lock the new one
            continue
        holder = _holder_of(path)
        if time.monotonic() >= deadline:
            raise LockError(_refusal(holder), shown)
        if waiting is not None and not told:
            waiting(holder)
            told = True
        time.sleep(_POLL)


def _holder_of(path: Path) -> Holder | None:
    """The holder of a locked file; it may not have written its line yet, so retry briefly."""
    for _ in range(10):
        holder = read_holder(path)
        if holder is not None:
            return holder
        time.sleep(0.01)
    return None


def _refusal(holder: Holder | None) -> str:
    """The message for a lock that stayed held."""
    if holder is None:
        return "another lingopress is writing this project"
    return f"another lingopress (pid {holder.pid}) is writing this project since {holder.started()}"


def _take_over(descriptor: int) -> Holder | None:
    """The holder a freshly locked file still names: one that died without cleaning up."""
    data = b""
    while chunk := os.pread(descriptor, 4096, len(data)):
        data += chunk
        if len(data) > 65536:
            break
    return parse_holder(data.decode("utf-8", errors="replace"))


def _same_file(descriptor: int, path: Path) -> bool:
    """Whether ``path`` still names the open file (the lock file was not removed)."""
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (on_disk.st_dev, on_disk.st_ino) == (opened.st_dev, opened.st_ino)
