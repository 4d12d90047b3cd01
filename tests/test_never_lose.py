"""Never lose work: translations survive any edit of the source, and come back on revert.

The property test generates an issue (sections with headings, paragraphs of one or
more lines, lists), runs extract and update, and translates some messages (reviewed,
with or without a comment, or machine-translated: fuzzy, ``# MT: test``). Then it edits
the source in one to three rounds (words changed, inserted or removed; paragraphs
deleted, moved, duplicated, re-broken or added; list items and sections deleted;
sections added; headings renamed), with extract and update after each round and the
translators at work between rounds (new translations, fuzzy entries reviewed). After
every round:

* each translation made so far is still there: as an active entry (unchanged source),
  a fuzzy entry whose ``#| msgid`` is its source (changed source), or an obsolete
  entry (removed source); in fact, as merging.py promises, always as an entry of its
  own source, active or obsolete, with its flags and comments;
* each active message is the old one, the closest old translation (difflib ratio at
  least 0.6, fuzzy, with its previous source), or untranslated, as msgmerge does;
* ``msgfmt --check`` accepts the catalog, catalog and template are fixed points of
  ``msgcat --no-wrap``, and running extract and update again writes no file.

Writing the original issue back brings every original translation back, active, with
its original flags and comments. A few example tests show the clearest cases alone.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lingopress.catalog import read_catalog, write_catalog
from lingopress.config import load_config
from lingopress.extraction import extract_templates
from lingopress.issue import read_issues
from lingopress.merging import FUZZY_THRESHOLD
from lingopress.update import update_catalogs
from tests.conftest import MINIMAL_CONFIG, Invoke, write

SLUG = "news"
MT_COMMENT = "MT: test"
REVIEW_COMMENT = "checked by Ana"
FRONT_MATTER = "---\ntitle: Never lose\ndate: 2024-01-08\n---\n"
GETTEXT = shutil.which("msgfmt") is not None and shutil.which("msgcat") is not None

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Words that are plain text wherever they stand in a line (no Markdown markers).
VOCABULARY = [
    "the",
    "model",
    "news",
    "papers",
    "clustering",
    "release",
    "notes",
    "about",
    "with",
    "our",
    "weekly",
    "digest",
    "translation",
    "review",
    "team",
    "fixed",
    "bug",
    "faster",
    "builds",
    "and",
    "more",
    "42",
    "v2.0",
    "co-op",
    "it's",
    "résumé",
    "naïve",
    "Straße",
    "日本語",
    "Привет",
    '"quoted"',
    "50%",
    "C:\\temp",
]

# ---------------------------------------------------------------------------------------
# A model of the issue: sections of blocks; a block is a paragraph (lines of words) or a
# list (items of words). Rendered with blank lines between blocks, so no lazy lines.


@dataclass
class Block:
    kind: str  # "paragraph" or "list"
    texts: list[list[str]]  # the lines of a paragraph, or the items of a list


@dataclass
class Section:
    level: int
    heading: list[str]
    blocks: list[Block] = field(default_factory=list)


Document = list[Section]


def render(document: Document) -> str:
    """The issue file of a document model."""
    parts = [FRONT_MATTER]
    for section in document:
        parts.append(f"{'#' * section.level} {' '.join(section.heading)}\n")
        for block in section.blocks:
            if block.kind == "paragraph":
                parts.append("".join(" ".join(line) + "\n" for line in block.texts))
            else:
                parts.append("".join(f"- {' '.join(item)}\n" for item in block.texts))
    return "\n".join(parts)


WORD = st.sampled_from(VOCABULARY)
LONG_TEXT = st.lists(WORD, min_size=6, max_size=20)
SHORT_TEXT = st.lists(WORD, min_size=1, max_size=4)
TEXT = st.one_of(LONG_TEXT, LONG_TEXT, SHORT_TEXT)
PARAGRAPH = st.builds(Block, st.just("paragraph"), st.lists(TEXT, min_size=1, max_size=2))
LIST = st.builds(Block, st.just("list"), st.lists(TEXT, min_size=1, max_size=3))
BLOCK = st.one_of(PARAGRAPH, PARAGRAPH, LIST)
HEADING = st.lists(WORD, min_size=1, max_size=5)
SECTION = st.builds(Section, st.sampled_from([1, 2]), HEADING, st.lists(BLOCK, max_size=4))
DOCUMENT = st.lists(SECTION, min_size=1, max_size=4)

# Each translated message gets a translation drawn from these: its own, or one that
# several messages share (as "See more." would be).
SHARED_TRANSLATION = "Lo mismo para todos."

# ---------------------------------------------------------------------------------------
# Edits of the source, drawn step by step so that Hypothesis can shrink them.

EDITS = [
    "change_words",
    "change_words",
    "change_words",
    "delete_block",
    "delete_item",
    "move_block",
    "duplicate_block",
    "add_paragraph",
    "add_section",
    "delete_section",
    "rename_heading",
    "rewrap",
]


def _blocks(document: Document) -> list[tuple[Section, int]]:
    return [(s, i) for s in document for i in range(len(s.blocks))]


def _texts(document: Document) -> list[list[str]]:
    return [text for s in document for b in s.blocks for text in b.texts]


def _edit_words(data: st.DataObject, words: list[str]) -> None:
    """Change one or two words of ``words`` in place: replace, insert or remove."""
    for _ in range(data.draw(st.integers(1, 2), label="changes")):
        how = data.draw(st.sampled_from(["replace", "insert", "remove"]), label="how")
        if how == "remove" and len(words) > 1:
            del words[data.draw(st.integers(0, len(words) - 1))]
        elif how == "insert":
            words.insert(data.draw(st.integers(0, len(words))), data.draw(WORD))
        else:
            words[data.draw(st.integers(0, len(words) - 1))] = data.draw(WORD)


def apply_edit(data: st.DataObject, document: Document) -> str:
    """Apply one random edit to ``document``; return its name (or "none" if impossible)."""
    edit = data.draw(st.sampled_from(EDITS), label="edit")
    blocks = _blocks(document)
    texts = _texts(document)
    if edit == "change_words" and texts:
        _edit_words(data, data.draw(st.sampled_from(texts)))
    elif edit == "delete_block" and blocks:
        section, index = data.draw(st.sampled_from(blocks))
        del section.blocks[index]
    elif edit == "delete_item" and blocks:
        section, index = data.draw(st.sampled_from(blocks))
        texts_of = section.blocks[index].texts
        del texts_of[data.draw(st.integers(0, len(texts_of) - 1))]
        if not texts_of:
            del section.blocks[index]
    elif edit == "move_block" and blocks:
        section, index = data.draw(st.sampled_from(blocks))
        block = section.blocks.pop(index)
        target = data.draw(st.sampled_from(document))
        target.blocks.insert(data.draw(st.integers(0, len(target.blocks))), block)
    elif edit == "duplicate_block" and blocks:
        section, index = data.draw(st.sampled_from(blocks))
        target = data.draw(st.sampled_from(document))
        position = data.draw(st.integers(0, len(target.blocks)))
        target.blocks.insert(position, copy.deepcopy(section.blocks[index]))
    elif edit == "add_paragraph" and document:
        target = data.draw(st.sampled_from(document))
        position = data.draw(st.integers(0, len(target.blocks)))
        target.blocks.insert(position, data.draw(BLOCK))
    elif edit == "add_section":
        document.insert(data.draw(st.integers(0, len(document))), data.draw(SECTION))
    elif edit == "delete_section" and document:
        del document[data.draw(st.integers(0, len(document) - 1))]
    elif edit == "rename_heading" and document:
        section = data.draw(st.sampled_from(document))
        if data.draw(st.booleans(), label="new heading"):
            section.heading = data.draw(HEADING)
        else:
            _edit_words(data, section.heading)
    elif edit == "rewrap" and any(b.kind == "paragraph" for s in document for b in s.blocks):
        paragraphs = [b for s in document for b in s.blocks if b.kind == "paragraph"]
        block = data.draw(st.sampled_from(paragraphs))
        words = [word for line in block.texts for word in line]
        cut = data.draw(st.integers(0, len(words) - 1), label="line break")
        block.texts = [words[:cut], words[cut:]] if cut else [words]
    else:
        return "none"
    return edit


# ---------------------------------------------------------------------------------------
# The project and the pipeline.


@contextmanager
def new_project(text: str) -> Iterator[Path]:
    """A fresh project in a temporary folder, with the issue ``text`` (one per example)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "lingopress.toml", MINIMAL_CONFIG)
        write(root / "issues" / f"{SLUG}.md", text)
        yield root


def extract_and_update(root: Path) -> None:
    """``lingopress extract`` then ``lingopress update``, through the library."""
    config = load_config(root)
    extract_templates(config, read_issues(config.paths))
    update_catalogs(config, list(config.languages))


def catalog_path(root: Path) -> Path:
    return root / "locales" / "es" / f"{SLUG}.po"


def read(root: Path) -> Any:
    return read_catalog(catalog_path(root), f"locales/es/{SLUG}.po")


def catalog_files(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every catalog and template with its bytes, mtime and inode (a rewrite changes them)."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), stat.st_mtime_ns, stat.st_ino)
        for path in sorted((root / "locales").rglob("*.po*"))
        for stat in [path.stat()]
    }


def assert_gettext_accepts(root: Path) -> None:
    """msgfmt compiles the issue's catalog; the catalog and template are msgcat's output."""
    if not GETTEXT:
        return
    po = catalog_path(root)
    check = ["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null", str(po)]
    checked = subprocess.run(check, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    for path in [po, root / "locales" / "templates" / f"{SLUG}.pot"]:
        canonical = subprocess.run(
            ["msgcat", "--no-wrap", str(path)], capture_output=True, check=False
        )
        assert canonical.returncode == 0, canonical.stderr
        assert canonical.stdout.decode() == path.read_text(encoding="utf-8"), path


def assert_stable(root: Path) -> None:
    """Running extract and update again writes no file."""
    before = catalog_files(root)
    extract_and_update(root)
    assert catalog_files(root) == before


# ---------------------------------------------------------------------------------------
# The work: what translators did, and the checks that it is never lost.


@dataclass(frozen=True)
class Work:
    msgstr: str
    flags: tuple[str, ...]
    tcomment: str
    previous_msgid: str | None


def work_of(entry: Any) -> Work:
    return Work(entry.msgstr, tuple(entry.flags), entry.tcomment, entry.previous_msgid)


TRANSLATIONS = st.sampled_from(
    [
        ("untranslated", "", [], ""),
        ("reviewed", "own", [], ""),
        ("reviewed", "own", [], REVIEW_COMMENT),
        ("reviewed", "shared", [], ""),
        ("mt", "own", ["fuzzy"], MT_COMMENT),
        ("mt", "shared", ["fuzzy"], MT_COMMENT),
    ]
)
# "retranslate": a new translation, left fuzzy (when such an entry becomes obsolete its
# previous source is written as "#~| msgid"; see the test at the end of this file).
FUZZY_ACTIONS = st.sampled_from(["leave", "review", "retranslate"])


def translate(data: st.DataObject, root: Path) -> dict[str, Work]:
    """The translators' turn; write the catalog and return the new work.

    An untranslated message may get a reviewed or a machine (fuzzy) translation; a fuzzy
    message with a previous source may be left as it is, reviewed (fuzzy flag and
    previous source cleared), or translated anew and left fuzzy.
    """
    catalog = read(root)
    work = {}
    for entry in catalog:
        if entry.obsolete:
            continue
        if entry.msgstr and entry.fuzzy and entry.previous_msgid:
            action = data.draw(FUZZY_ACTIONS, label="fuzzy action")
            if action == "review":
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                entry.previous_msgid = None
                entry.tcomment = REVIEW_COMMENT
            elif action == "retranslate":
                entry.msgstr = f"ES «{entry.msgid}» (MT)"
                entry.tcomment = MT_COMMENT
            if action != "leave":
                work[entry.msgid] = work_of(entry)
            continue
        if entry.msgstr:
            continue
        state, text, flags, comment = data.draw(TRANSLATIONS, label="translation")
        if state == "untranslated":
            continue
        entry.msgstr = SHARED_TRANSLATION if text == "shared" else f"ES «{entry.msgid}»"
        entry.flags = list(flags)
        entry.tcomment = comment
        work[entry.msgid] = work_of(entry)
    write_catalog(catalog_path(root), catalog)
    return work


def assert_no_work_lost(work: dict[str, Work], catalog: Any) -> None:
    """Every translation of ``work`` is in ``catalog``, untouched, as an entry of its source.

    The issue asks for less: an active entry (unchanged source), an active fuzzy entry
    with the source as ``#| msgid`` (changed source) or an obsolete entry (removed
    source). merging.py promises more, which implies it: a message whose translation
    is lent to a changed message is kept as an obsolete entry too. The one exception is
    a fuzzy copy (with a previous source) whose translation its previous source holds.
    """
    by_source = {entry.msgid: entry for entry in catalog}
    lent = {(e.previous_msgid, e.msgstr) for e in catalog if not e.obsolete and e.fuzzy}
    for msgid, done in work.items():
        entry = by_source.get(msgid)
        if entry is None and done.previous_msgid is not None:
            source = by_source.get(done.previous_msgid)
            assert source is not None, f"translation of {msgid!r} lost, and of its source"
            assert source.msgstr == done.msgstr, f"translation of {msgid!r} lost"
            event("fuzzy copy dropped, its source kept")
            continue
        assert entry is not None, f"translation of {msgid!r} lost"
        assert work_of(entry) == done, (msgid, entry)
        if entry.obsolete:
            event("lent and kept obsolete" if (msgid, done.msgstr) in lent else "obsolete")
        else:
            event("kept active")


def assert_lent_sources_kept(catalog: Any) -> None:
    """The previous source of a fuzzy entry is itself in the catalog, so a revert works."""
    by_source = {entry.msgid: entry for entry in catalog}
    for entry in catalog:
        if entry.previous_msgid and not entry.obsolete:
            assert entry.previous_msgid in by_source, f"{entry.previous_msgid!r} vanished"


def assert_merged_like_msgmerge(old: Any, new: Any) -> None:
    """Each active message is the old one, the closest old translation (fuzzy), or new.

    A single issue has no translation memory to draw from, so a message that is neither
    in the old catalog nor close enough (difflib ratio 0.6) to an old translation is
    untranslated.
    """
    old_by_source = {entry.msgid: entry for entry in old}
    lenders = [entry for entry in old if entry.msgstr]
    for entry in new:
        if entry.obsolete:
            continue
        found = old_by_source.get(entry.msgid)
        if found is not None:
            assert (entry.msgstr, entry.flags, entry.tcomment) == (
                found.msgstr,
                found.flags,
                found.tcomment,
            )
            assert entry.previous_msgid == found.previous_msgid
            continue
        ratios = [
            (SequenceMatcher(None, lender.msgid, entry.msgid, autojunk=False).ratio(), lender)
            for lender in lenders
        ]
        best = max((ratio for ratio, _ in ratios), default=0.0)
        if best < FUZZY_THRESHOLD:
            assert (entry.msgstr, entry.flags, entry.previous_msgid) == ("", [], None), entry
            continue
        event("changed source: closest translation lent")
        expected = [
            (
                lender.msgstr,
                ["fuzzy", *(flag for flag in lender.flags if flag != "fuzzy")],
                lender.tcomment,
                lender.previous_msgid if lender.fuzzy and lender.previous_msgid else lender.msgid,
            )
            for ratio, lender in ratios
            if ratio == best
        ]
        got = (entry.msgstr, entry.flags, entry.tcomment, entry.previous_msgid)
        assert got in expected, (entry.msgid, got, expected)


def assert_restored(work: dict[str, Work], catalog: Any) -> None:
    """Every original translation is back: active, same translation, flags and comments."""
    active = {entry.msgid: entry for entry in catalog if not entry.obsolete}
    for msgid, done in work.items():
        entry = active.get(msgid)
        assert entry is not None, f"{msgid!r} is not active after the revert"
        assert work_of(entry) == done, (msgid, entry)
        assert entry.previous_msgid is None, (msgid, entry)


@SETTINGS
@given(original=DOCUMENT, data=st.data())
def test_edits_never_lose_a_translation(original: Document, data: st.DataObject) -> None:
    text = render(original)
    with new_project(text) as root:
        extract_and_update(root)
        original_work = translate(data, root)
        work = dict(original_work)
        document = copy.deepcopy(original)
        for turn in range(data.draw(st.integers(1, 3), label="rounds")):
            if turn:  # translators may work between two rounds of edits
                work |= translate(data, root)
            for _ in range(data.draw(st.integers(1, 5), label="edits")):
                event(f"edit: {apply_edit(data, document)}")
            write(root / "issues" / f"{SLUG}.md", render(document))
            old = read(root)
            extract_and_update(root)
            catalog = read(root)
            assert_no_work_lost(work, catalog)
            assert_lent_sources_kept(catalog)
            assert_merged_like_msgmerge(old, catalog)
            assert_gettext_accepts(root)
            assert_stable(root)

        write(root / "issues" / f"{SLUG}.md", text)
        old = read(root)
        extract_and_update(root)
        catalog = read(root)
        assert_restored(original_work, catalog)
        assert_no_work_lost(work, catalog)
        assert_lent_sources_kept(catalog)
        assert_merged_like_msgmerge(old, catalog)
        assert_gettext_accepts(root)
        assert_stable(root)


@pytest.mark.skipif(not GETTEXT, reason="GNU gettext (msgfmt, msgcat) is not installed")
def test_gettext_checks_run() -> None:
    """The property test checks catalogs with GNU gettext when it is there; say if not."""
    assert GETTEXT


# ---------------------------------------------------------------------------------------
# The clearest cases, one by one, through the command line.

LONG = "Our weekly digest brings the release notes of the translation team and more."
CHANGED = "Our weekly digest brings the release notes of the review team and more."
OTHER = "Faster builds and a fixed bug in the clustering model."


def issue(*paragraphs: str, title: str = "First") -> str:
    return f"---\ntitle: {title}\n---\n\n# {title}\n\n" + "\n\n".join(paragraphs) + "\n"


def entries(path: Path) -> dict[tuple[str, bool], Any]:
    """The entries of a catalog by source and obsolescence."""
    return {(e.msgid, bool(e.obsolete)): e for e in read_catalog(path, path.name)}


def run_ok(invoke: Invoke, project: Path, *commands: str) -> None:
    for command in commands:
        result = invoke([command], cwd=project)
        assert result.exit_code == 0, result.output


def set_translations(path: Path, translations: dict[str, str]) -> None:
    """Set the translation of some messages of a catalog, leaving their flags as they are."""
    catalog = read_catalog(path, path.name)
    for entry in catalog:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    write_catalog(path, catalog)


def test_a_changed_paragraph_keeps_its_translation_as_fuzzy(invoke: Invoke, project: Path) -> None:
    source = project / "issues" / "first.md"
    po = project / "locales" / "es" / "first.po"
    write(source, issue(LONG, OTHER))
    run_ok(invoke, project, "extract", "update")
    set_translations(po, {LONG: "Nuestro resumen semanal.", OTHER: "Compilaciones más rápidas."})

    write(source, issue(CHANGED, OTHER))
    run_ok(invoke, project, "extract", "update")
    found = entries(po)
    changed = found[(CHANGED, False)]
    assert changed.fuzzy
    assert changed.previous_msgid == LONG
    assert changed.msgstr == "Nuestro resumen semanal."
    assert not found[(OTHER, False)].fuzzy
    assert found[(LONG, True)].msgstr == "Nuestro resumen semanal."
    assert not found[(LONG, True)].fuzzy
    text = po.read_text(encoding="utf-8")
    assert f'#| msgid "{LONG}"\nmsgid "{CHANGED}"' in text


def test_a_removed_paragraph_is_obsolete_and_comes_back_reviewed(
    invoke: Invoke, project: Path
) -> None:
    source = project / "issues" / "first.md"
    po = project / "locales" / "es" / "first.po"
    write(source, issue(LONG, OTHER))
    run_ok(invoke, project, "extract", "update")
    set_translations(po, {LONG: "Nuestro resumen semanal."})

    write(source, issue(OTHER))
    run_ok(invoke, project, "extract", "update")
    found = entries(po)
    assert (LONG, False) not in found
    assert found[(LONG, True)].msgstr == "Nuestro resumen semanal."
    assert f'#~ msgid "{LONG}"\n#~ msgstr "Nuestro resumen semanal."' in po.read_text("utf-8")

    write(source, issue(LONG, OTHER))
    run_ok(invoke, project, "extract", "update")
    found = entries(po)
    assert (LONG, True) not in found
    back = found[(LONG, False)]
    assert back.msgstr == "Nuestro resumen semanal."
    assert not back.fuzzy
    assert back.flags == []
    assert back.previous_msgid is None


def test_translation_memory_fills_an_identical_paragraph_of_another_issue(
    invoke: Invoke, project: Path
) -> None:
    (project / "issues" / "first.md").unlink()
    write(project / "issues" / "issue-a.md", issue(LONG, title="Alpha"))
    write(project / "issues" / "issue-b.md", issue(OTHER, title="Beta"))
    run_ok(invoke, project, "extract", "update")
    set_translations(project / "locales" / "es" / "issue-a.po", {LONG: "Nuestro resumen semanal."})

    write(project / "issues" / "issue-b.md", issue(OTHER, LONG, title="Beta"))
    run_ok(invoke, project, "extract", "update")
    filled = entries(project / "locales" / "es" / "issue-b.po")[(LONG, False)]
    assert filled.msgstr == "Nuestro resumen semanal."
    assert filled.fuzzy
    assert filled.tcomment == "TM: issue-a"
    assert filled.previous_msgid is None
    reviewed = entries(project / "locales" / "es" / "issue-a.po")[(LONG, False)]
    assert not reviewed.fuzzy


def test_an_obsolete_fuzzy_entry_keeps_its_previous_source(invoke: Invoke, project: Path) -> None:
    source = project / "issues" / "first.md"
    po = project / "locales" / "es" / "first.po"
    write(source, issue(LONG))
    run_ok(invoke, project, "extract", "update")
    set_translations(po, {LONG: "Nuestro resumen semanal."})
    write(source, issue(CHANGED))
    run_ok(invoke, project, "extract", "update")
    set_translations(po, {CHANGED: "Nuestro resumen semanal, revisado."})  # still fuzzy

    write(source, issue(LONG))  # revert: the fuzzy entry becomes obsolete
    run_ok(invoke, project, "extract", "update")
    assert f'#~| msgid "{LONG}"\n#~ msgid "{CHANGED}"' in po.read_text(encoding="utf-8")
    gone = entries(po)[(CHANGED, True)]
    assert (gone.msgstr, gone.fuzzy) == ("Nuestro resumen semanal, revisado.", True)
    assert gone.previous_msgid == LONG
    assert invoke(["update", "--check"], cwd=project).exit_code == 0
