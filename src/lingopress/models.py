"""Argos Translate packages: finding, validating, installing and removing them.

Packages live in the standard Argos packages folder, so that packages installed with
``argospm`` are found too: ``$ARGOS_PACKAGES_DIR`` if set, else
``$XDG_DATA_HOME/argos-translate/packages`` (``~/.local/share/...``). A package is a
folder with ``metadata.json``, a CTranslate2 model in ``model/`` and a
``sentencepiece.model`` (or ``bpe.model``).

An ``.argosmodel`` file is a zip archive, and an untrusted one: before anything is
written it must have exactly one top folder, no absolute paths, no ``..``, no links,
no encrypted members or unknown compression, sizes within :data:`MAX_UNPACKED_BYTES`
and :data:`MAX_RATIO` (against zip bombs), a valid ``metadata.json`` (language codes
that are codes) and the model files. Installing never replaces a package; it
unpacks into a temporary folder beside the target and renames it into place.

The package index (``models available``, ``models install FROM TO``) is fetched from
the URL argostranslate uses; offline, that is one clear error.
"""

from __future__ import annotations

import contextlib
import json
import lzma
import os
import re
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lingopress.errors import ModelError

INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
MAX_UNPACKED_BYTES = 4 * 1024**3
"""The largest unpacked size accepted (real models are a few hundred MB)."""
MAX_RATIO = 200
"""The largest compression ratio accepted for one member (zip bombs have thousands)."""
MAX_MEMBERS = 10_000
_REQUIRED_METADATA = ("from_code", "to_code", "package_version")
_CODE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")
"""An Argos language code: ``en``, ``zt``, ``pt_BR`` (not a path, not a sentence)."""
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
_BROKEN_DATA = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError)
"""What reading a damaged member raises (a bad CRC, a truncated or corrupt stream)."""
_TIMEOUT = 20


@dataclass(frozen=True)
class PackageInfo:
    """An installed (or archived) package: its folder and what its metadata says."""

    path: Path
    from_code: str
    to_code: str
    version: str
    metadata: dict[str, Any]

    @property
    def name(self) -> str:
        """The package's name as Argos writes it, ``translate-en_es``."""
        return f"translate-{self.from_code}_{self.to_code}"

    @property
    def model_id(self) -> str:
        """Name and version, for provenance comments (``translate-en_es 1.9``)."""
        return f"{self.name} {self.version}"


def packages_dir() -> Path:
    """The Argos packages folder (``ARGOS_PACKAGES_DIR`` honoured)."""
    configured = os.environ.get("ARGOS_PACKAGES_DIR")
    if configured:
        return Path(configured).expanduser()
    data = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data / "argos-translate" / "packages"


def installed_packages(folder: Path | None = None) -> list[PackageInfo]:
    """The translation packages installed in ``folder`` (default: :func:`packages_dir`).

    A folder without readable metadata is not a package and is skipped.
    """
    folder = folder or packages_dir()
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        with contextlib.suppress(ModelError):
            metadata = _read_metadata((path / "metadata.json").read_bytes(), path.name)
            if metadata.get("type", "translate") == "translate" and (path / "model").is_dir():
                found.append(_package(path, metadata))
    return found


def find_package(from_code: str, to_code: str, folder: Path | None = None) -> PackageInfo | None:
    """The installed package for one language pair, if any."""
    for package in installed_packages(folder):
        if (package.from_code, package.to_code) == (from_code, to_code):
            return package
    return None


def install_archive(archive: Path, folder: Path | None = None) -> PackageInfo:
    """Validate an ``.argosmodel`` and unpack it as a new package; replace nothing."""
    folder = folder or packages_dir()
    shown = archive.name
    try:
        with zipfile.ZipFile(archive) as zipped:
            top, metadata = validate_archive(zipped, shown)
            target = folder / top
            if target.exists():
                raise ModelError(f"a package named {top} is already installed", shown)
            existing = find_package(metadata["from_code"], metadata["to_code"], folder)
            if existing is not None:
                raise ModelError(f"{existing.name} is already installed (remove it first)", shown)
            folder.mkdir(parents=True, exist_ok=True)
            _unpack(zipped, folder, top, shown)
    except _BROKEN_DATA as error:
        raise ModelError(f"not a valid .argosmodel (zip) file: {error}", shown) from None
    except OSError as error:
        raise ModelError(f"cannot install: {error.strerror or error}", shown) from None
    return _package(target, metadata)


def validate_archive(zipped: zipfile.ZipFile, shown: str) -> tuple[str, dict[str, Any]]:
    """Check an archive without unpacking it; return its top folder and metadata."""
    members = zipped.infolist()
    if not members or len(members) > MAX_MEMBERS:
        raise ModelError(f"an archive must hold 1 to {MAX_MEMBERS} files", shown)
    tops = set()
    total = 0
    for member in members:
        _check_member(member, shown)
        tops.add(PurePosixPath(member.filename).parts[0])
        total += member.file_size
    if len(tops) != 1:
        raise ModelError(f"an archive must hold exactly one top folder, not {len(tops)}", shown)
    if total > MAX_UNPACKED_BYTES:
        raise ModelError(f"unpacks to {total} bytes, over the limit of {MAX_UNPACKED_BYTES}", shown)
    (top,) = tops
    names = {member.filename for member in members if not member.is_dir()}
    for required in ("metadata.json", "model/model.bin", "model/config.json"):
        if f"{top}/{required}" not in names:
            raise ModelError(f"missing {required} in the package", shown)
    if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & names:
        raise ModelError("missing the tokenizer (sentencepiece.model or bpe.model)", shown)
    metadata = _read_metadata(zipped.read(f"{top}/metadata.json"), shown)
    return top, metadata


def _check_member(member: zipfile.ZipInfo, shown: str) -> None:
    """Refuse a member that could escape the target folder, is a link, or a bomb."""
    name = member.filename
    path = PurePosixPath(name)
    if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
        raise ModelError(f"refusing the absolute or Windows path {name!r}", shown)
    if ".." in path.parts or not path.parts:
        raise ModelError(f"refusing the path {name!r} (it leaves the package folder)", shown)
    if stat.S_ISLNK(member.external_attr >> 16):
        raise ModelError(f"refusing the symbolic link {name!r}", shown)
    if member.flag_bits & 0x1:
        raise ModelError(f"refusing {name!r}: it is encrypted", shown)
    if member.compress_type not in _COMPRESSIONS:
        method = member.compress_type
        raise ModelError(f"refusing {name!r}: unknown compression method {method}", shown)
    if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
        raise ModelError(f"refusing {name!r}: compressed more than {MAX_RATIO}:1", shown)


def _read_metadata(data: bytes, shown: str) -> dict[str, Any]:
    """Parse and check ``metadata.json``."""
    try:
        metadata = json.loads(data.decode("utf-8"))
    except ValueError as error:  # invalid UTF-8 or JSON, a number of 5000 digits
        raise ModelError(f"metadata.json is not valid JSON: {error}", shown) from None
    except RecursionError:
        raise ModelError("metadata.json is not valid JSON: nested too deeply", shown) from None
    if not isinstance(metadata, dict):
        raise ModelError("metadata.json must be a JSON object", shown)
    for key in _REQUIRED_METADATA:
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise ModelError(f"metadata.json lacks the text field {key!r}", shown)
    for key in ("from_code", "to_code"):
        if not _CODE.fullmatch(metadata[key]):
            raise ModelError(
                f"metadata.json: {key} {metadata[key]!r} is not a language code", shown
            )
    return metadata


def _unpack(zipped: zipfile.ZipFile, folder: Path, top: str, shown: str) -> None:
    """Unpack into a temporary folder beside the target, then rename it into place."""
    staging = Path(tempfile.mkdtemp(prefix=f".{top}.", dir=folder))
    try:
        for member in zipped.infolist():
            destination = staging.joinpath(*PurePosixPath(member.filename).parts)
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as source, destination.open("wb") as sink:
                _copy_limited(source, sink, member.file_size, member.filename, shown)
        (staging / top).rename(folder / top)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copy_limited(source: Any, sink: Any, declared: int, name: str, shown: str) -> None:
    """Copy a member, refusing more bytes than its header declared."""
    written = 0
    while chunk := source.read(1 << 20):
        written += len(chunk)
        if written > declared:
            raise ModelError(f"refusing {name!r}: larger than its declared size", shown)
        sink.write(chunk)


def remove_package(from_code: str, to_code: str, folder: Path | None = None) -> PackageInfo:
    """Remove the installed package of a language pair."""
    package = find_package(from_code, to_code, folder)
    if package is None:
        raise ModelError(f"no package for {from_code} -> {to_code} is installed")
    shutil.rmtree(package.path)
    return package


def fetch_index(url: str = INDEX_URL) -> list[dict[str, Any]]:
    """The Argos package index: one metadata object per available package."""
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ModelError(f"cannot reach the Argos package index: {reason}") from None
    if not isinstance(data, list):
        raise ModelError("the Argos package index is not a list of packages")
    return [entry for entry in data if isinstance(entry, dict)]


def download_and_install(
    from_code: str, to_code: str, index: Sequence[dict[str, Any]], folder: Path | None = None
) -> PackageInfo:
    """Download the index's package for a pair and install it like a local file."""
    for entry in index:
        if (entry.get("from_code"), entry.get("to_code")) == (from_code, to_code):
            links = entry.get("links") or []
            break
    else:
        raise ModelError(f"the Argos package index has no package for {from_code} -> {to_code}")
    if not links:
        raise ModelError(f"the index entry for {from_code} -> {to_code} has no download link")
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / f"translate-{from_code}_{to_code}.argosmodel"
        try:
            with urllib.request.urlopen(links[0], timeout=_TIMEOUT) as response:
                archive.write_bytes(response.read())
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ModelError(f"cannot download {links[0]}: {reason}") from None
        return install_archive(archive, folder)


def _package(path: Path, metadata: dict[str, Any]) -> PackageInfo:
    """A :class:`PackageInfo` from a folder and its checked metadata."""
    return PackageInfo(
        path, metadata["from_code"], metadata["to_code"], metadata["package_version"], metadata
    )
