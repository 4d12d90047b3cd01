"""What the last complete ``lingopress run`` saw, so that a run with nothing new is free.

Every stage of ``run`` is incremental on its own, but finding out that there is
nothing to do still means reading every issue, catalog and template. A complete run
therefore records a fingerprint of everything that could change its result: the size
and modification time of every file of the project that a stage reads or writes (the
config, issues, templates, catalogs, glossaries and the built site), the installed
Argos packages and Apertium modes, lingopress's version and ``SOURCE_DATE_EPOCH``. The
next run compares fingerprints before anything else; if they are equal it stops at
once, having loaded no engine and written nothing. Any change, even a touched file,
makes it a full run again. The record lives in ``.lingopress-state`` at the project
root (not meant for version control).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from lingopress import __version__
from lingopress.config import Config
from lingopress.engines.apertium import modes
from lingopress.fileio import write_if_changed
from lingopress.models import packages_dir

STATE_FILE = ".lingopress-state"


def state_path(config: Config) -> Path:
    """Where a project's record of its last complete run lives."""
    return config.paths.root / STATE_FILE


def fingerprint(config: Config) -> str:
    """A digest of everything a run depends on, from file metadata (no file is read)."""
    digest = hashlib.sha256()
    for line in _inputs(config):
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def unchanged_since_last_run(config: Config) -> bool:
    """Whether the last complete run saw exactly what is there now."""
    try:
        recorded = state_path(config).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return recorded == fingerprint(config)


def record_run(config: Config) -> None:
    """Remember what a complete run leaves behind."""
    write_if_changed(state_path(config), f"{fingerprint(config)}\n".encode("ascii"))


def _inputs(config: Config) -> Iterator[str]:
    """One line per thing a run depends on: versions, engines, then files with metadata."""
    yield f"lingopress {__version__}"
    yield f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}"
    yield f"apertium {' '.join(modes())}"  # a newly installed pair can make new work
    yield from _files("packages", packages_dir())
    paths = config.paths
    yield from _files("config", config.file)
    for name, folder in (
        ("issues", paths.issues),
        ("templates", paths.templates),
        ("locales", paths.locales),
        ("site", paths.site),
    ):
        yield from _files(name, folder)


def _files(label: str, top: Path) -> Iterator[str]:
    """``label/relative-path size mtime`` for a file, or every file under a folder."""
    if top.is_file():
        info = top.stat()
        yield f"{label} {info.st_size} {info.st_mtime_ns}"
        return
    for folder, subfolders, files in os.walk(top):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            try:
                info = path.stat()
            except OSError:  # vanished while we looked: differs from any record
                yield f"{label}/{path.relative_to(top)} gone"
                continue
            yield f"{label}/{path.relative_to(top)} {info.st_size} {info.st_mtime_ns}"
