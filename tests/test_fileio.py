"""Atomic writes: whole files only, with the permissions a user expects."""

from __future__ import annotations

import os
from pathlib import Path

from lingopress.fileio import write_atomic, write_if_changed


def test_new_files_get_the_umask_permissions_and_old_files_keep_theirs(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "deep" / "new.po"
        write_atomic(fresh, b"one")
        assert fresh.read_bytes() == b"one"
        assert fresh.stat().st_mode & 0o777 == 0o644  # readable by a web server, not 0600
        fresh.chmod(0o640)
        write_atomic(fresh, b"two")
        assert fresh.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)
    assert [path.name for path in fresh.parent.iterdir()] == ["new.po"]  # no temporary left


def test_write_if_changed_leaves_equal_files_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    assert write_if_changed(path, b"x").created
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert not write_if_changed(path, b"x").changed
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
    assert write_if_changed(path, b"y", dry_run=True).changed and path.read_bytes() == b"x"
