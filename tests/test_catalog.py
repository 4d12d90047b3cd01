"""Catalogs: extract, update, status, and files that GNU gettext, polib and Babel agree on."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingopress.catalog import format_catalog, parse_catalog, read_catalog, write_catalog
from lingopress.errors import CatalogError
from lingopress.languages import parse_language
from tests.conftest import Invoke, assert_one_line_error, newsletter, tree_snapshot, write

needs_gettext = pytest.mark.skipif(
    shutil.which("msgcat") is None, reason="GNU gettext is not installed"
)


def bundled_project(tmp_path: Path) -> Path:
    """A copy of the bundled newsletter with its glossaries."""
    return newsletter(tmp_path, glossaries=True)


def catalog_files(root: Path) -> list[Path]:
    return sorted((root / "locales").rglob("*.po")) + sorted((root / "locales").rglob("*.pot"))


def gettext_problems(path: Path) -> list[str]:
    """What msgfmt --check and the msgcat fixed point say about a file (empty: nothing)."""
    problems = []
    checked = subprocess.run(
        ["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    if checked.returncode != 0:
        problems.append(checked.stderr)
    canonical = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True, check=True)
    if canonical.stdout != path.read_bytes():
        problems.append(f"{path.name} is not a fixed point of msgcat --no-wrap")
    return problems


def same_entries(path: Path) -> None:
    """polib (through us) and Babel read the same messages and translations."""
    ours = parse_catalog(path.read_text(encoding="utf-8"))
    with path.open("rb") as stream:
        babel = read_po(stream)
    ours_pairs = {
        (e.msgctxt, e.msgid): (e.msgstr, e.fuzzy)
        for e in ours
        if not e.obsolete and not e.msgid_plural
    }
    babel_pairs = {
        (m.context, m.id): (m.string or "", m.fuzzy)
        for m in babel
        if m.id and not isinstance(m.id, tuple)
    }
    assert ours_pairs == babel_pairs
    ours_plurals = {
        (e.msgctxt, e.msgid, e.msgid_plural) for e in ours if e.msgid_plural and not e.obsolete
    }
    babel_plurals = {(m.context, *m.id) for m in babel if isinstance(m.id, tuple)}
    assert ours_plurals == babel_plurals
    assert [m.id for m in babel.obsolete.values()] == [e.msgid for e in ours if e.obsolete]


@needs_gettext
def test_bundled_catalogs_pass_gettext_and_read_back(tmp_path: Path, invoke: Invoke) -> None:
    root = bundled_project(tmp_path)
    assert invoke(["extract"], cwd=root).exit_code == 0
    assert invoke(["update"], cwd=root).exit_code == 0
    files = catalog_files(root)
    assert len(files) == 5 + 4 * 5
    for path in files:
        assert gettext_problems(path) == [], path
        same_entries(path)


def test_update_twice_changes_nothing(tmp_path: Path, invoke: Invoke) -> None:
    root = bundled_project(tmp_path)
    invoke(["run"], cwd=root)
    before = {
        path: (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_ino)
        for path in catalog_files(root)
    }
    result = invoke(["run", "--force"], cwd=root)  # every stage, not the no-op shortcut
    assert "templates: 5 in all, 0 created, 0 updated, 5 unchanged" in result.output
    assert "catalogs: 20 in all, 0 created, 0 updated, 20 unchanged" in result.output
    after = {
        path: (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_ino)
        for path in catalog_files(root)
    }
    assert after == before
    assert invoke(["update", "--check"], cwd=root).exit_code == 0


def test_extract_merges_identical_texts_in_document_order(project: Path, invoke: Invoke) -> None:
    write(
        project / "issues" / "first.md",
        "---\ntitle: Same\n---\n\n# Same\n\nOne.\n\n- Two\n- One.\n\n## Sub\n\nThree | x\n",
    )
    assert invoke(["extract"], cwd=project).exit_code == 0
    pot = read_catalog(project / "locales" / "templates" / "first.pot", "first.pot")
    assert [e.msgid for e in pot] == ["Same", "One.", "Two", "Sub", "Three | x"]
    assert pot[0].occurrences == [("issues/first.md", "2"), ("issues/first.md", "5")]
    assert pot[0].comment == "front_matter:title\nheading in Same"
    assert pot[1].occurrences == [("issues/first.md", "7"), ("issues/first.md", "10")]
    assert pot[1].comment == "paragraph in Same\nlist_item in Same"
    assert pot[4].comment == "paragraph in Same › Sub"
    assert pot.metadata["Project-Id-Version"] == "Test News"
    assert not pot.metadata_is_fuzzy


def test_site_template_has_trans_blocks_and_calls(project: Path, invoke: Invoke) -> None:
    write(
        project / "templates" / "footer.html",
        "<p>{% trans %}Hello,\n   readers.{% endtrans %}</p>\n<p>{{ _('Read more') }}</p>\n"
        "{{ pgettext('menu', 'Issues') }} {{ ngettext('%(num)d issue', '%(num)d issues', n) }}\n",
    )
    assert invoke(["extract"], cwd=project).exit_code == 0
    site = read_catalog(project / "locales" / "templates" / "site.pot", "site.pot")
    found = {(e.msgctxt, e.msgid): e for e in site}
    assert found[(None, "Hello, readers.")].occurrences == [("templates/footer.html", "1")]
    assert (None, "Read more") in found
    assert ("menu", "Issues") in found
    assert found[(None, "%(num)d issue")].msgid_plural == "%(num)d issues"
    assert (None, "Languages") in found  # from the default base.html
    assert ("<lingopress>/templates/base.html", "22") in found[(None, "Languages")].occurrences


def test_template_syntax_error_is_one_line(project: Path, invoke: Invoke) -> None:
    write(project / "templates" / "footer.html", "<p>\n{% trans %}Unclosed\n")
    result = invoke(["extract"], cwd=project)
    assert_one_line_error(result, "templates/footer.html:")
    assert "template error: " in result.stderr


def test_stale_templates_go_and_the_site_slug_is_reserved(project: Path, invoke: Invoke) -> None:
    write(project / "issues" / "old.md", "# Old\n")
    invoke(["extract"], cwd=project)
    (project / "issues" / "old.md").unlink()
    result = invoke(["extract"], cwd=project)
    assert "removed locales/templates/old.pot (its issue is gone)" in result.output
    assert not (project / "locales" / "templates" / "old.pot").exists()
    write(project / "issues" / "site.md", "# Site\n")
    assert_one_line_error(
        invoke(["extract"], cwd=project), "issues/site.md: the slug 'site' is reserved"
    )


def test_update_header_and_new_language(project: Path, invoke: Invoke) -> None:
    invoke(["extract"], cwd=project)
    assert_one_line_error(
        invoke(["update", "--lang", "de"], cwd=project), "lingopress.toml: language 'de'"
    )
    config = (project / "lingopress.toml").read_text(encoding="utf-8")
    write(
        project / "lingopress.toml",
        config + '\n[languages.ar]\nengine = "pseudo"\npublish = "machine"\n',
    )
    assert invoke(["update", "--lang", "ar"], cwd=project).exit_code == 0
    catalog = read_catalog(project / "locales" / "ar" / "first.po", "first.po")
    assert catalog.metadata["Language"] == "ar"
    assert catalog.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert catalog.metadata["X-Generator"].startswith("lingopress ")
    assert catalog.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not catalog.metadata_is_fuzzy
    assert not (project / "locales" / "es").exists()


def test_update_check_reports_without_writing(project: Path, invoke: Invoke) -> None:
    invoke(["extract"], cwd=project)
    before = tree_snapshot(project)
    result = invoke(["update", "--check"], cwd=project)
    assert_one_line_error(result, "2 catalogs are not up to date")
    assert "would create locales/es/first.po" in result.output
    assert tree_snapshot(project) == before
    invoke(["update"], cwd=project)
    assert invoke(["update", "--check"], cwd=project).exit_code == 0
    write(project / "issues" / "first.md", "# First\n\nHello again.\n")
    invoke(["extract"], cwd=project)
    assert invoke(["update", "--check"], cwd=project).exit_code == 1


def test_update_without_templates(project: Path, invoke: Invoke) -> None:
    assert_one_line_error(invoke(["update"], cwd=project), "no templates in locales/templates/")


POEDIT_STYLE = """\
# Spanish translation.
# A note the translator added.
msgid ""
msgstr ""
"Project-Id-Version: Test News\\n"
"PO-Revision-Date: 2024-02-01 10:00+0100\\n"
"Last-Translator: Ana <ana@example.org>\\n"
"Language-Team: \\n"
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"X-Generator: Poedit 3.4.2\\n"

# checked with the author
#. front_matter:title
#. heading in First
#: issues/first.md:2 issues/first.md:5
msgid "First"
msgstr "Primero"

#. paragraph in First
#: issues/first.md:7
#, python-format, fuzzy
msgid ""
"A long paragraph that Poedit wraps at seventy-nine columns because it is "
"longer than that."
msgstr ""
"Un párrafo largo que Poedit corta a setenta y nueve columnas porque es más "
"largo."
"""


def test_a_catalog_saved_by_poedit_loses_nothing(project: Path, invoke: Invoke) -> None:
    write(
        project / "issues" / "first.md",
        "---\ntitle: First\n---\n\n# First\n\n"
        "A long paragraph that Poedit wraps at seventy-nine columns "
        "because it is longer than that.\n",
    )
    invoke(["extract"], cwd=project)
    write(project / "locales" / "es" / "first.po", POEDIT_STYLE)
    assert invoke(["update"], cwd=project).exit_code == 0
    path = project / "locales" / "es" / "first.po"
    catalog = read_catalog(path, "first.po")
    entries = {e.msgid: e for e in catalog}
    assert entries["First"].msgstr == "Primero"
    assert entries["First"].tcomment == "checked with the author"
    long = entries[
        "A long paragraph that Poedit wraps at seventy-nine columns because it is longer than that."
    ]
    assert long.fuzzy and long.msgstr.startswith("Un párrafo largo")
    assert "#, fuzzy, python-format\n" in path.read_text(encoding="utf-8")
    assert catalog.header.startswith("Spanish translation.\nA note the translator added.")
    assert catalog.metadata["Last-Translator"] == "Ana <ana@example.org>"
    assert catalog.metadata["PO-Revision-Date"] == "2024-02-01 10:00+0100"  # content unchanged
    assert path.read_text(encoding="utf-8") == format_catalog(catalog)  # canonical again
    if shutil.which("msgcat"):
        assert gettext_problems(path) == []


BAD_CATALOGS: dict[str, tuple[str | bytes, int, str]] = {
    "unterminated string": ('msgid "a"\nmsgstr "b\n', 2, "PO syntax: unterminated string"),
    "msgstr missing": (
        'msgid "a"\n\nmsgid "b"\nmsgstr ""\n',
        3,
        "PO syntax: expected msgid_plural or msgstr",
    ),
    "unknown keyword": ('msgid "a"\nmsgtxt "b"\n', 2, "PO syntax: unknown keyword 'msgtxt'"),
    "duplicate": (
        'msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n',
        4,
        "duplicate message (first defined on line 1)",
    ),
    "latin-1 charset": (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n'
        '\nmsgid "a"\nmsgstr "b"\n',
        3,
        "charset is ISO-8859-1",
    ),
    "fuzzy header": (
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n',
        1,
        "the header entry is marked fuzzy",
    ),
    "invalid utf-8": (b'msgid "a"\nmsgstr "caf\xe9"\n', 2, "not valid UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BAD_CATALOGS))
def test_bad_catalog_is_one_line_error_and_nothing_written(
    project: Path, invoke: Invoke, case: str
) -> None:
    content, line, message = BAD_CATALOGS[case]
    invoke(["extract"], cwd=project)
    write(project / "locales" / "es" / "first.po", content)
    before = tree_snapshot(project)
    for args in (["update"], ["status"]):
        result = invoke(args, cwd=project)
        assert_one_line_error(result, f"locales/es/first.po:{line}: {message}")
    assert tree_snapshot(project) == before


STATUS_ISSUE = """\
---
title: Counting
---

# Counting words

One two three four.

## Second part

Five six seven.

Eight nine.

Ten.
"""


def test_status_json_counts(project: Path, invoke: Invoke) -> None:
    write(project / "issues" / "first.md", STATUS_ISSUE)
    invoke(["extract"], cwd=project)
    invoke(["update"], cwd=project)
    path = project / "locales" / "es" / "first.po"
    catalog = read_catalog(path, "first.po")
    states = {
        "Counting": ("Contando", []),  # reviewed, 1 word
        "Counting words": ("Contando palabras", []),  # reviewed, 2 words
        "One two three four.": ("Uno dos tres cuatro.", ["fuzzy"]),  # machine, 4 words
        "Five six seven.": ("Cinco seis siete.", ["fuzzy"]),  # outdated (below), 3 words
        # "Second part" (2 words), "Eight nine." (2) and "Ten." (1) stay untranslated
    }
    for entry in catalog:
        if entry.msgid in states:
            entry.msgstr, entry.flags = states[entry.msgid][0], list(states[entry.msgid][1])
        if entry.msgid == "Five six seven.":
            entry.previous_msgid = "Five six."
    write_catalog(path, catalog)
    result = invoke(["status", "--format", "json", "--by-section"], cwd=project)
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["format"] == "lingopress-status/1"
    (first,) = report["catalogs"]
    assert first["language"] == "es" and first["issue"] == "first" and first["exists"]
    assert first["strings"] == {
        "reviewed": 2,
        "machine": 1,
        "outdated": 1,
        "untranslated": 3,
        "total": 7,
    }
    assert first["words"] == {
        "reviewed": 3,
        "machine": 4,
        "outdated": 3,
        "untranslated": 5,
        "total": 15,
    }
    assert first["percent_reviewed"] == 20.0
    sections = {s["section"]: s for s in first["sections"]}
    assert list(sections) == ["", "Counting words", "Counting words › Second part"]
    assert sections["Counting words"]["strings"]["machine"] == 1
    assert sections["Counting words › Second part"]["words"]["untranslated"] == 5
    text = invoke(["status"], cwd=project).output
    assert (
        "es  first   20.0% reviewed (2 reviewed, 1 machine, 1 outdated, 3 untranslated; 15 words)"
        in text
    )


def test_status_before_update_counts_the_template(project: Path, invoke: Invoke) -> None:
    invoke(["extract"], cwd=project)
    report = json.loads(invoke(["status", "--format", "json"], cwd=project).output)
    (first,) = report["catalogs"]
    assert not first["exists"]
    assert first["strings"]["untranslated"] == first["strings"]["total"] == 2  # title = heading


# U+0004 separates contexts in gettext's files: issues may not contain it (see test_issue).
entry_text = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00\x04"),
    min_size=0,
    max_size=60,
)


@needs_gettext
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.tuples(entry_text.filter(bool), entry_text, st.booleans(), st.integers(1, 12)),
        min_size=1,
        max_size=6,
        unique_by=lambda item: item[0],
    )
)
def test_written_catalogs_are_msgcat_fixed_points(
    tmp_path: Path, texts: list[tuple[str, str, bool, int]]
) -> None:
    catalog = polib.POFile(wrapwidth=0)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}
    for msgid, msgstr, fuzzy, refs in texts:
        msgstr = msgstr.rstrip("\n") + ("\n" if msgid.endswith("\n") else "")
        msgstr = msgstr.lstrip("\n") if not msgid.startswith("\n") else "\n" + msgstr.lstrip("\n")
        catalog.append(
            polib.POEntry(
                msgid=msgid,
                msgstr=msgstr if msgstr.strip("\n") else "",
                flags=["fuzzy"] if fuzzy and msgstr else [],
                occurrences=[(f"issues/issue-number-{n}.md", str(n * 7)) for n in range(refs)],
                comment="paragraph in A › B",
            )
        )
    path = tmp_path / f"t{len(texts)}.po"
    write_catalog(path, catalog)
    canonical = subprocess.run(
        ["msgcat", "--no-wrap", str(path)], capture_output=True, check=True
    ).stdout
    assert canonical == path.read_bytes()
    back = parse_catalog(path.read_text(encoding="utf-8"))
    assert [(e.msgid, e.msgstr, e.occurrences) for e in back] == [
        (e.msgid, e.msgstr, e.occurrences) for e in catalog
    ]


def _catalog_in(language: str, plurals: str = "") -> str:
    header = f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
    header += '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    return (
        header
        + 'msgid "%(n)s issue"\nmsgid_plural "%(n)s issues"\n'
        + (plurals or 'msgstr[0] ""\n')
    )


def problem_of(text: str, tag: str = "") -> str:
    """What reading catalog text says is wrong with it (empty: nothing)."""
    try:
        parse_catalog(text, "x.po", parse_language(tag) if tag else None)
    except CatalogError as error:
        return str(error)
    return ""


@pytest.mark.parametrize(
    ("tag", "declared", "problem"),
    [
        ("es", "es", ""),
        ("es", "es_ES", ""),  # Poedit's choice of a region is not another language
        ("es", "", ""),
        ("zh-Hans", "zh_CN", ""),  # a script on one side only: no contradiction
        ("zh-Hans", "zh_Hans", ""),
        ("es", "fr", "x.po:3: the header says Language: fr, but this is the es catalog"),
        (
            "zh-Hans",
            "zh_Hant",
            "x.po:3: the header says Language: zh_Hant, but this is the zh-Hans",
        ),
    ],
)
def test_a_catalog_must_be_in_its_language(tag: str, declared: str, problem: str) -> None:
    text = _catalog_in(declared)
    assert problem_of(text) == ""  # without a language: no opinion
    found = problem_of(text, tag)
    assert found.startswith(problem) and bool(found) == bool(problem), found


def test_plural_forms_are_in_order_and_within_the_language() -> None:
    two = 'msgstr[0] "un"\nmsgstr[1] "dos"\n'
    assert problem_of(_catalog_in("ja", two)) == ""
    assert problem_of(_catalog_in("ja", two), "ja") == (
        "x.po:9: msgstr[1] is one form too many: ja has 1 plural form"
    )
    assert problem_of(_catalog_in("es", two), "es") == ""
    for wrong in ("msgstr[1]", "msgstr[01]"):
        assert problem_of(_catalog_in("es", f'{wrong} "x"\n')) == (
            f"x.po:8: PO syntax: {wrong} where msgstr[0] was expected"
        )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('msgstr "a\\qb"', "unknown escape sequence '\\q'"),
        ('msgstr "\\x41"', "unknown escape sequence '\\x'"),
        ('msgstr "a\\0b"', "unknown escape sequence '\\0'"),
        ('msgstr[0] "no msgid_plural"', "expected msgid_plural or msgstr before msgstr[0]"),
    ],
)
def test_escapes_and_keywords_polib_would_misread_are_refused(line: str, problem: str) -> None:
    assert problem_of(f'msgid "x"\n{line}\n').startswith(f"x.po:2: PO syntax: {problem}")
    readable = 'msgid "x"\nmsgstr "tab\\t quote\\" backslash\\\\ bell\\a end\\n"\n'
    assert parse_catalog(readable, "x.po")[0].msgstr == 'tab\t quote" backslash\\ bell\a end\n'


def test_lines_end_where_polib_ends_them() -> None:
    nul = 'msgid "a"\r\nmsgstr "b"\rmsgid "\0"\nmsgstr ""\n'
    assert problem_of(nul).startswith("x.po:3: contains a NUL character")
    mac = 'msgid "a"\rmsgstr "b"\r\rmsgid "a"\rmsgstr "c"\r'  # lone CRs end lines too
    assert problem_of(mac) == "x.po:4: duplicate message (first defined on line 1)"


def test_without_a_header_entry_the_first_comment_is_the_first_messages() -> None:
    """polib takes it for the file's header; GNU gettext, and lingopress, do not."""
    catalog = parse_catalog('# checked by Ana\n#. heading\nmsgid "Models"\nmsgstr "Modelos"\n')
    assert (catalog.header, catalog[0].tcomment) == ("", "checked by Ana")
    written = format_catalog(catalog)
    assert written.startswith("# checked by Ana\n#. heading\nmsgid")
    assert format_catalog(parse_catalog(written)) == written
