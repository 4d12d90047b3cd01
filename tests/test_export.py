"""lingopress export: translated Markdown that keeps the page, reviewed translations only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest
import yaml

from lingopress import segment
from lingopress.catalog import read_catalog, write_catalog
from lingopress.engines.pseudo import pseudo_text
from lingopress.export import usable_translations
from lingopress.frontmatter import read_front_matter
from lingopress.masking import mask, unmask
from lingopress.segments import Segment
from tests.conftest import (
    Invoke,
    assert_one_line_error,
    newsletter,
    rendered_tags,
    tree_snapshot,
    write,
)

ISSUES = ("2024-w10", "2024-w11", "2024-w12", "2024-w13")


def pseudo(text: str) -> str:
    """A pseudo-translation that keeps links, code and markup (as the pseudo engine does)."""
    masked = mask(text)
    return unmask(masked, pseudo_text(masked.text))


State = Callable[[int, polib.POEntry], str]


def fill(root: Path, state: State) -> dict[str, dict[str, tuple[str, str]]]:
    """Translate the Spanish catalogs; ``state`` says per message: reviewed, fuzzy or empty.

    Returns, per issue, each source text's state and translation.
    """
    chosen: dict[str, dict[str, tuple[str, str]]] = {}
    for slug in ISSUES:
        path = root / "locales" / "es" / f"{slug}.po"
        catalog = read_catalog(path, path.name)
        chosen[slug] = {}
        for index, entry in enumerate(catalog):
            kind = state(index, entry)
            entry.msgstr = "" if kind == "empty" else pseudo(entry.msgid)
            if kind == "fuzzy":
                entry.flags.append("fuzzy")
            chosen[slug][entry.msgid] = (kind, entry.msgstr)
        write_catalog(path, catalog)
    return chosen


@pytest.fixture
def weekly(tmp_path: Path, invoke: Invoke) -> Path:
    """The bundled newsletter with fresh (empty) Spanish catalogs."""
    root = newsletter(tmp_path)
    assert invoke(["extract"], cwd=root).exit_code == 0
    assert invoke(["update", "--lang", "es"], cwd=root).exit_code == 0
    return root


def every_third(index: int, entry: polib.POEntry) -> str:
    """Reviewed, fuzzy, untranslated in turn; the title always reviewed."""
    if "front_matter:title" in (entry.comment or ""):
        return "reviewed"
    return ("reviewed", "fuzzy", "empty")[index % 3]


def body_tags(markdown: str) -> list[tuple[str, ...]]:
    """The rendered tags of the Markdown after the front matter."""
    return rendered_tags(markdown[read_front_matter(markdown, "x").body_offset :])


def expected_text(item: Segment, chosen: dict[str, tuple[str, str]], fuzzy: bool) -> str:
    """What a segment should read after export."""
    kind, translation = chosen[item.text]
    return translation if kind == "reviewed" or (kind == "fuzzy" and fuzzy) else item.text


def test_translated_issues_keep_the_structure_of_the_page(weekly: Path, invoke: Invoke) -> None:
    fill(weekly, lambda index, entry: "reviewed")
    result = invoke(["export", "--lang", "es", "--out", "out"], cwd=weekly)
    assert result.exit_code == 0, result.output
    for slug in ISSUES:
        source = (weekly / "issues" / f"{slug}.md").read_text(encoding="utf-8")
        exported = (weekly / "out" / f"{slug}.md").read_text(encoding="utf-8")
        assert "⟦" in exported and exported != source
        assert body_tags(exported) == body_tags(source), slug


@pytest.mark.parametrize("include_fuzzy", [False, True])
def test_only_reviewed_translations_unless_fuzzy_is_included(
    weekly: Path, invoke: Invoke, include_fuzzy: bool
) -> None:
    chosen = fill(weekly, every_third)
    args = ["export", "--lang", "es", "--out", "out"]
    result = invoke([*args, "--include-fuzzy"] if include_fuzzy else args, cwd=weekly)
    assert result.exit_code == 0, result.output
    for slug in ISSUES:
        source = (weekly / "issues" / f"{slug}.md").read_text(encoding="utf-8")
        exported = (weekly / "out" / f"{slug}.md").read_text(encoding="utf-8")
        expected = [expected_text(item, chosen[slug], include_fuzzy) for item in segment(source)]
        assert [item.text for item in segment(exported)] == expected
        assert body_tags(exported) == body_tags(source)
    kinds = [kind for issue in chosen.values() for kind, _ in issue.values()]
    assert {"reviewed", "fuzzy", "empty"} <= set(kinds)


def test_front_matter_is_translated_and_still_yaml(weekly: Path, invoke: Invoke) -> None:
    fill(weekly, lambda index, entry: "reviewed")
    result = invoke(["export", "--lang", "es", "--issue", "2024-w10", "--out", "out"], cwd=weekly)
    assert result.exit_code == 0
    source = (weekly / "issues" / "2024-w10.md").read_text(encoding="utf-8")
    exported = (weekly / "out" / "2024-w10.md").read_text(encoding="utf-8")
    before = read_front_matter(source, "x").meta
    after = yaml.safe_load(exported.split("---\n")[1])
    assert after["title"] == pseudo(before["title"])
    assert after["summary"] == pseudo(before["summary"])
    assert {k: v for k, v in after.items() if k not in ("title", "summary")} == {
        k: v for k, v in before.items() if k not in ("title", "summary")
    }
    assert sorted(path.name for path in (weekly / "out").iterdir()) == ["2024-w10.md"]


def test_no_translations_give_the_source_back_byte_for_byte(weekly: Path, invoke: Invoke) -> None:
    result = invoke(["export", "--lang", "es", "--out", "out", "--include-fuzzy"], cwd=weekly)
    assert result.exit_code == 0
    for slug in ISSUES:
        source = (weekly / "issues" / f"{slug}.md").read_bytes()
        assert (weekly / "out" / f"{slug}.md").read_bytes() == source


def test_duplicates_crlf_and_a_bom_are_handled(project: Path, invoke: Invoke) -> None:
    text = "\ufeff---\r\ntitle: Same\r\n---\r\n\r\n# Same\r\n\r\n- Same\r\n- Other\r\n\r\nSame\r\n"
    write(project / "issues" / "first.md", text.encode("utf-8"))
    invoke(["extract"], cwd=project)
    invoke(["update"], cwd=project)
    invoke(["export", "--lang", "es", "--out", "out"], cwd=project)
    assert (project / "out" / "first.md").read_bytes() == text.encode("utf-8")
    path = project / "locales" / "es" / "first.po"
    catalog = read_catalog(path, path.name)
    catalog.find("Same").msgstr = "Igual"
    write_catalog(path, catalog)
    assert invoke(["export", "--lang", "es", "--out", "out"], cwd=project).exit_code == 0
    expected = text.replace("Same", "Igual").replace("title: Igual", 'title: "Igual"')
    assert (project / "out" / "first.md").read_bytes() == expected.encode("utf-8")


def test_reports_and_leaves_unchanged_files_alone(weekly: Path, invoke: Invoke) -> None:
    fill(weekly, every_third)
    first = invoke(["export", "--lang", "es", "--out", "out"], cwd=weekly)
    assert first.exit_code == 0
    summary = first.stdout.splitlines()
    assert len(summary) == 1
    assert summary[0].startswith("export es: 4 issues, ")
    assert summary[0].endswith("; 4 created, 0 updated, 0 unchanged")
    before = {path.name: path.stat().st_mtime_ns for path in (weekly / "out").iterdir()}
    verbose = invoke(["-v", "export", "--lang", "es", "--out", "out"], cwd=weekly)
    assert "  unchanged out/2024-w10.md (" in verbose.stdout
    assert verbose.stdout.endswith("; 0 created, 0 updated, 4 unchanged\n")
    assert {path.name: path.stat().st_mtime_ns for path in (weekly / "out").iterdir()} == before
    quiet = invoke(["-q", "export", "--lang", "es", "--out", "out", "--include-fuzzy"], cwd=weekly)
    assert quiet.exit_code == 0 and quiet.output == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "fr", "--out", "out"], "lingopress.toml: language 'fr' is not configured"),
        (
            ["--lang", "es", "--issue", "nope", "--out", "out"],
            "issues/nope.md: no such issue (issues: 2024-w10,",
        ),
        (
            ["--lang", "ja", "--out", "out"],
            "locales/ja/2024-w10.po: no such catalog: run 'lingopress extract'",
        ),
        (["--lang", "es", "--out", "issues/"], "issues: --out is the issues folder"),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    weekly: Path, invoke: Invoke, args: list[str], message: str
) -> None:
    before = tree_snapshot(weekly)
    result = invoke(["export", *args], cwd=weekly)
    assert_one_line_error(result, message)
    assert tree_snapshot(weekly) == before


def test_a_broken_catalog_is_reported_with_its_line(weekly: Path, invoke: Invoke) -> None:
    path = weekly / "locales" / "es" / "2024-w12.po"
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "y\n', encoding="utf-8")
    line = path.read_text(encoding="utf-8").count("\n")
    result = invoke(["export", "--lang", "es", "--out", "out"], cwd=weekly)
    assert_one_line_error(result, f"locales/es/2024-w12.po:{line}: PO syntax: unterminated string")
    assert not (weekly / "out").exists()


def test_usable_translations() -> None:
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgid="a", msgstr="A"))
    catalog.append(polib.POEntry(msgid="b", msgstr="B", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="c", msgstr=""))
    catalog.append(polib.POEntry(msgid="d", msgstr="D", obsolete=True))
    catalog.append(polib.POEntry(msgid="e", msgstr="E", flags=["fuzzy"], previous_msgid="f"))
    assert usable_translations(catalog) == {"a": "A"}
    assert usable_translations(catalog, include_fuzzy=True) == {"a": "A", "b": "B", "e": "E"}
