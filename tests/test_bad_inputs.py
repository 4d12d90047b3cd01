"""A corpus of bad inputs, one per file lingopress reads, each refused in one line.

``tests/bad_inputs/cases.toml`` lists the cases: the data file of each (a config, an
issue, a catalog, a glossary, a template), the project file it replaces or adds, the
command to run and the error expected. Argos packages are built from a recipe (a good
package plus a change) and installed. Every case runs in-process on a fresh copy of a
small valid project (``tests/bad_inputs/project``, extracted, translated with the
pseudo engine and built once per session) and must:

* exit with status 1 (2 for a usage error, which is click's own);
* print exactly one line on stderr, ``Error: path[:line]: message``, with the path (and
  line) the case expects, and no traceback;
* leave every file of the project (and of the packages folder) as it was: nothing
  written, nothing half-written, no temporary file left behind.

Inputs too big to commit (a 50 MB issue, lists nested 10 000 deep) are generated.
"""

from __future__ import annotations

import shutil
import stat
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lingopress.cli import cli
from lingopress.issue import MAX_ISSUE_BYTES
from tests.conftest import Invoke, tree_snapshot
from tests.test_models import archive, package_files

CORPUS = Path(__file__).parent / "bad_inputs"
KINDS = ("config", "issue", "catalog", "glossary", "template", "package")


def _deep_lists() -> bytes:
    """An issue whose list items nest 10 000 levels deep (100 MB if indented fully)."""
    items = "".join(f"{'  ' * min(depth, 60)}- level {depth}\n" for depth in range(10_000))
    return f"# Deep\n\n{items}".encode()


def _huge_issue() -> bytes:
    """An issue of 50 MB (five times the limit): one paragraph repeated."""
    paragraph = b"Transformers keep getting bigger, and so do newsletters about them.\n\n"
    data = b"# Huge\n\n" + paragraph * (50 * 1024 * 1024 // len(paragraph))
    assert len(data) > 4 * MAX_ISSUE_BYTES
    return data


GENERATORS: dict[str, Callable[[], bytes]] = {"deep-lists": _deep_lists, "huge": _huge_issue}


@dataclass(frozen=True)
class Case:
    """One bad input, as ``cases.toml`` describes it."""

    id: str
    kind: str
    command: tuple[str, ...]
    error: str
    file: str = ""
    generate: str = ""
    replaces: str = ""
    removes: tuple[str, ...] = ()
    exit: int = 1
    xfail: str = ""
    package: dict[str, Any] = field(default_factory=dict)

    def data(self) -> bytes | None:
        """The bytes the case puts into the project (None: the case is its command)."""
        if self.generate:
            return GENERATORS[self.generate]()
        return (CORPUS / self.file).read_bytes() if self.file else None


def load_cases() -> list[Case]:
    """Every case of the manifest, checked for shape."""
    manifest = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
    cases = []
    for raw in manifest["case"]:
        known = set(Case.__dataclass_fields__)
        assert set(raw) <= known, (raw["id"], set(raw) - known)
        raw = {**raw, "command": tuple(raw["command"]), "removes": tuple(raw.get("removes", ()))}
        cases.append(Case(**raw))
    return cases


CASES = load_cases()


def params() -> list[Any]:
    """The cases as pytest parameters, the expected failures marked."""
    return [
        pytest.param(
            case, id=case.id, marks=[pytest.mark.xfail(reason=case.xfail)] * bool(case.xfail)
        )
        for case in CASES
    ]


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small valid project, after one full ``lingopress run`` (catalogs, site)."""
    root = tmp_path_factory.mktemp("prepared") / "news"
    shutil.copytree(CORPUS / "project", root)
    result = CliRunner().invoke(cli, ["--project", str(root), "-q", "run"])
    assert result.exit_code == 0, result.output
    assert (root / "locales" / "ja" / "site.po").is_file()
    assert (root / "site" / "es" / "issues" / "first" / "index.html").is_file()
    return root


def build_package(path: Path, recipe: dict[str, Any]) -> Path:
    """A ``.argosmodel``: a good package (tests/test_models.py) changed by the recipe."""
    top = recipe.get("top", "translate-en_xx-1_0")
    changes: dict[str, str | bytes | None] = dict.fromkeys(recipe.get("drop", ()))
    if "metadata" in recipe:
        changes["metadata.json"] = (CORPUS / recipe["metadata"]).read_bytes()
    if "bomb" in recipe:
        changes["model/model.bin"] = b"\0" * recipe["bomb"]
    files = {**package_files(changes, top=top), **recipe.get("add", {})}
    if recipe.get("stored"):
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zipped:
            for name, content in files.items():
                zipped.writestr(name, content)
    else:
        archive(path, files, links=tuple(f"{top}/{name}" for name in recipe.get("links", ())))
    if recipe.get("encrypted") or "method" in recipe:
        _patch_headers(path, recipe)
    if "truncate" in recipe:
        path.write_bytes(path.read_bytes()[: recipe["truncate"]])
    return path


def _patch_headers(path: Path, recipe: dict[str, Any]) -> None:
    """Mark every member encrypted, or give it another compression method, in place."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zipped:
        members = zipped.infolist()
    central = data.rfind(b"PK\x05\x06")
    offsets = [(member.header_offset, 6, 8) for member in members]  # local headers
    position = data.find(b"PK\x01\x02")
    while 0 <= position < central:  # central directory entries
        offsets.append((position, 8, 10))
        name_length, extra, comment = (
            int.from_bytes(data[position + i : position + i + 2], "little") for i in (28, 30, 32)
        )
        position += 46 + name_length + extra + comment
    for start, flags, method in offsets:
        if recipe.get("encrypted"):
            data[start + flags] |= 0x1
        if "method" in recipe:
            data[start + method : start + method + 2] = int(recipe["method"]).to_bytes(2, "little")
    path.write_bytes(bytes(data))


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the roots, with its content and its permissions."""
    found: dict[str, bytes] = {}
    for root in roots:
        for name, content in tree_snapshot(root).items():
            mode = stat.S_IMODE((root / name).stat().st_mode)
            found[f"{root.name}/{name}"] = content + f"\0mode {mode:o}".encode()
    return found


def test_the_corpus_covers_every_kind_of_input() -> None:
    kinds = {kind: sum(case.kind == kind for case in CASES) for kind in KINDS}
    assert set(kinds) == {case.kind for case in CASES}
    assert all(count >= 5 for count in kinds.values()), kinds
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)
    used = {case.file for case in CASES if case.file} | {
        case.package["metadata"] for case in CASES if "metadata" in case.package
    }
    data = {
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file()
        and path.parts[len(CORPUS.parts)] not in ("project",)
        and path.name not in ("cases.toml", ".gitattributes")
    }
    assert data == used, (data - used, used - data)


@pytest.mark.parametrize("case", params())
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    case: Case, prepared: Path, tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "news"
    shutil.copytree(prepared, root)
    packages = tmp_path / "packages"
    packages.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    built = (
        build_package(tmp_path / f"{case.id}.argosmodel", case.package) if case.package else None
    )
    scratch = tmp_path / "out"
    command = [
        arg.replace("{tmp}", str(scratch)).replace("{archive}", str(built)) for arg in case.command
    ]
    data = case.data()
    if data is not None:
        target = root / case.replaces
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for name in case.removes:
        (root / name).unlink()
    before = snapshot(root, packages)

    result = invoke(command, cwd=root)

    lines = result.stderr.splitlines()
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == case.exit, (result.exit_code, result.stdout, result.stderr)
    if case.exit == 2:  # click's usage error: usage, hint, blank line, one error line
        assert lines[-1].startswith(f"Error: {case.error}"), result.stderr
    else:
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"Error: {case.error}"), lines[0]
        assert "internal error" not in lines[0]
    assert snapshot(root, packages) == before


def test_translate_reads_every_language_before_writing(
    prepared: Path, tmp_path: Path, invoke: Invoke
) -> None:
    """Spanish has work to do, Japanese a broken glossary: nothing may be written."""
    root = tmp_path / "news"
    shutil.copytree(prepared, root)
    catalog = root / "locales" / "es" / "first.po"
    text = catalog.read_text(encoding="utf-8")
    start = text.index('msgid "Models"')
    end = text.index("\n\n", start)
    catalog.write_text(text[:start] + 'msgid "Models"\nmsgstr ""' + text[end:], encoding="utf-8")
    (root / "locales" / "ja" / "glossary.csv").write_bytes(
        (CORPUS / "glossaries" / "duplicate-term.csv").read_bytes()
    )
    before = snapshot(root)
    result = invoke(["translate"], cwd=root)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: locales/ja/glossary.csv:4: 'Model' is already defined")
    assert snapshot(root) == before
    (root / "locales" / "ja" / "glossary.csv").unlink()
    assert invoke(["translate"], cwd=root).exit_code == 0  # the Spanish work was pending
    assert snapshot(root) != before
