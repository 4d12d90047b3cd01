"""Writing files so that a crash never leaves one half-written.

Every file lingopress writes goes through :func:`write_atomic`: the content goes to a
temporary file in the same folder, is flushed to disk, then replaces the target in
one ``os.replace``. Readers see the old file or the new one, never a mix. The new
file keeps the old one's permissions, or gets the usual ones of a new file (0666 less
the umask), not the private 0600 of a temporary file.
:func:`write_if_changed` leaves a file whose bytes would not change alone, so that
a stage with nothing new to say changes nothing (not even modification times).
A process killed between the two steps (``SIGKILL``, power loss) leaves its temporary
file, ``.<name>.<8 random characters>.tmp``, next to the untouched target;
:func:`remove_temporaries` clears them away, which a writer does once it holds the
project's lock (:mod:`lingopress.lock`), when no other process can be writing them.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lingopress.errors import LingopressError

_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
"""The name of a temporary file of :func:`write_atomic` (as ``tempfile.mkstemp`` makes it)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, creating parent folders as needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), _mode_for(path))
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
        raise


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is named like a temporary file of :func:`write_atomic`."""
    return _TEMPORARY.fullmatch(path.name) is not None


def remove_temporaries(folder: Path, *, recursive: bool = True, of: str = "") -> list[Path]:
    """Remove the temporary files that killed writers left in ``folder`` (and below).

    ``of`` limits it to the temporary files of targets whose names start with it. Only
    call it while no other process can be writing there (holding the project's lock).
    Returns what was removed; a missing folder has nothing to remove.
    """
    found = folder.rglob(f".{of}*.tmp") if recursive else folder.glob(f".{of}*.tmp")
    removed = []
    for path in sorted(found) if folder.is_dir() else ():
        if is_temporary(path) and path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


def _mode_for(path: Path) -> int:
    """The permissions ``path`` has, or those a newly created file gets."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@dataclass(frozen=True)
class Written:
    """What writing a file did: ``changed`` false means the file was already so."""

    path: Path
    changed: bool
    created: bool


def write_if_changed(path: Path, data: bytes, *, dry_run: bool = False) -> Written:
    """Write ``data`` atomically unless ``path`` already holds exactly these bytes.

    With ``dry_run`` nothing is written; the result says what would change.
    """
    try:
        if path.read_bytes() == data:
            return Written(path, changed=False, created=False)
        created = False
    except FileNotFoundError:
        created = True
    if not dry_run:
        write_atomic(path, data)
    return Written(path, changed=True, created=created)


def decode_utf8(
    data: bytes, shown: Path | str, error: type[LingopressError], hint: str = ""
) -> str:
    r"""The text of a file's bytes, or ``error`` at the line of its first non-UTF-8 byte.

    >>> decode_utf8(b"ok\ncaf\xe9", "x.md", LingopressError)
    Traceback (most recent call last):
    lingopress.errors.LingopressError: x.md:2: not valid UTF-8 (byte 0xe9)
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = data.count(b"\n", 0, problem.start) + 1
        message = f"not valid UTF-8 (byte 0x{data[problem.start]:02x}){hint}"
        raise error(message, shown, line) from None
