"""Writing files so that a crash never leaves one half-written.

Every file lingopress writes goes through :func:`write_atomic`: the content goes to a
temporary file in the same folder, is flushed to disk, then replaces the target in
one ``os.replace``. Readers see the old file or the new one, never a mix. The new
file keeps the old one's permissions, or gets the usual ones of a new file (0666 less
the umask), not the private 0600 of a temporary file.
:func:`write_if_changed` leaves a file whose bytes would not change alone, so that
a stage with nothing new to say changes nothing (not even modification times).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


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
