"""Argos packages: installing only what is safe, refusing the rest with one line."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from lingopress.models import installed_packages
from tests.conftest import Invoke, assert_one_line_error, tree_snapshot

METADATA = {"package_version": "1.0", "argos_version": "1.9", "from_code": "en", "to_code": "xx"}
GOOD_FILES = {
    "metadata.json": json.dumps(METADATA),
    "model/model.bin": "weights",
    "model/config.json": "{}",
    "sentencepiece.model": "pieces",
}


def archive(path: Path, files: dict[str, str | bytes], *, links: tuple[str, ...] = ()) -> Path:
    """A zip with the given members (and symbolic-link members)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, content in files.items():
            zipped.writestr(name, content)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zipped.writestr(info, "/etc/passwd")
    return path


def package_files(
    changes: dict[str, str | bytes | None] | None = None, top: str = "translate-en_xx-1_0"
) -> dict[str, str | bytes]:
    files: dict[str, str | bytes | None] = {**GOOD_FILES, **(changes or {})}
    return {f"{top}/{name}": content for name, content in files.items() if content is not None}


def test_install_list_remove(tmp_path: Path, packages: Path, invoke: Invoke) -> None:
    good = archive(tmp_path / "good.argosmodel", package_files())
    result = invoke(["models", "install", str(good)])
    assert result.exit_code == 0, result.output
    assert "installed translate-en_xx 1.0" in result.output
    assert [p.name for p in installed_packages()] == ["translate-en_xx"]
    assert (packages / "translate-en_xx-1_0" / "model" / "model.bin").read_text() == "weights"
    assert "en -> xx  translate-en_xx 1.0" in invoke(["models", "list"]).output
    again = invoke(["models", "install", str(good)])
    assert_one_line_error(
        again, "good.argosmodel: a package named translate-en_xx-1_0 is already installed"
    )
    other_name = archive(tmp_path / "other.argosmodel", package_files(top="other"))
    assert_one_line_error(
        invoke(["models", "install", str(other_name)]),
        "other.argosmodel: translate-en_xx is already installed",
    )
    assert "removed translate-en_xx 1.0" in invoke(["models", "remove", "en", "xx"]).output
    assert installed_packages() == []
    assert_one_line_error(invoke(["models", "remove", "en", "xx"]), "no package for en -> xx")


BAD: dict[str, tuple[dict[str, str | bytes], tuple[str, ...], str]] = {
    "path traversal": (
        {**package_files(), "translate-en_xx-1_0/../../evil.txt": "x"},
        (),
        "leaves the package folder",
    ),
    "absolute path": ({**package_files(), "/tmp/evil.txt": "x"}, (), "absolute or Windows path"),
    "windows path": (
        {**package_files(), "translate-en_xx-1_0\\..\\evil.txt": "x"},
        (),
        "absolute or Windows path",
    ),
    "symlink": (package_files(), ("translate-en_xx-1_0/model/link",), "symbolic link"),
    "zip bomb": (
        package_files({"model/model.bin": b"\0" * 5_000_000}),
        (),
        "compressed more than 200:1",
    ),
    "two top folders": (
        {**package_files(), "second/readme.txt": "x"},
        (),
        "exactly one top folder",
    ),
    "missing metadata": (package_files({"metadata.json": None}), (), "missing metadata.json"),
    "metadata not json": (
        package_files({"metadata.json": "{oops"}),
        (),
        "metadata.json is not valid JSON",
    ),
    "metadata without codes": (
        package_files({"metadata.json": json.dumps({"package_version": "1"})}),
        (),
        "lacks the text field 'from_code'",
    ),
    "missing model": (package_files({"model/model.bin": None}), (), "missing model/model.bin"),
    "missing tokenizer": (
        package_files({"sentencepiece.model": None}),
        (),
        "missing the tokenizer",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_packages_are_refused_and_nothing_is_written(
    tmp_path: Path, packages: Path, invoke: Invoke, case: str
) -> None:
    files, links, message = BAD[case]
    bad = archive(tmp_path / "bad.argosmodel", files, links=links)
    before = tree_snapshot(packages)
    result = invoke(["models", "install", str(bad)])
    assert_one_line_error(result, "bad.argosmodel: ")
    assert message in result.stderr
    assert tree_snapshot(packages) == before
    assert list(packages.iterdir()) == []


def test_not_a_zip(tmp_path: Path, packages: Path, invoke: Invoke) -> None:
    fake = tmp_path / "fake.argosmodel"
    fake.write_text("not a zip")
    assert_one_line_error(
        invoke(["models", "install", str(fake)]), "fake.argosmodel: not a valid .argosmodel"
    )


def test_offline_index_is_one_line(
    packages: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lingopress.models.INDEX_URL", "http://127.0.0.1:9/index.json")
    monkeypatch.setattr(
        "lingopress.models.fetch_index.__defaults__", ("http://127.0.0.1:9/index.json",)
    )
    for args in (["models", "available"], ["models", "install", "en", "de"]):
        assert_one_line_error(invoke(args), "cannot reach the Argos package index: ")
