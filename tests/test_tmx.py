"""lingopress tm export: reviewed translations as TMX 1.4, read back to the same pairs."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from lingopress.catalog import read_catalog, write_catalog
from lingopress.errors import TmxError
from lingopress.languages import parse_language
from lingopress.tmx import plural_pairs, read_tmx
from tests.conftest import Invoke, assert_one_line_error, newsletter, write

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPOCH = "1700000000"  # 2023-11-14 22:13:20 UTC
SPECIAL = "Un <b>\"éxito\"</b> & 'más' ]]> a\r\nb\nc\tfin"

# The structure we promise, as a DTD of the TMX 1.4 elements and attributes we write,
# so that xmllint checks it without fetching the official DTD from the network.
TMX_SUBSET_DTD = """\
<!ELEMENT tmx (header, body)>
<!ATTLIST tmx version CDATA #FIXED "1.4">
<!ELEMENT header (note|prop)*>
<!ATTLIST header
  creationtool CDATA #REQUIRED
  creationtoolversion CDATA #REQUIRED
  segtype (block|paragraph|sentence|phrase) #REQUIRED
  o-tmf CDATA #REQUIRED
  adminlang CDATA #REQUIRED
  srclang CDATA #REQUIRED
  datatype CDATA #REQUIRED
  creationdate CDATA #IMPLIED>
<!ELEMENT body (tu*)>
<!ELEMENT tu ((note|prop)*, tuv+)>
<!ATTLIST tu creationdate CDATA #IMPLIED>
<!ELEMENT tuv ((note|prop)*, seg)>
<!ATTLIST tuv xml:lang CDATA #REQUIRED>
<!ELEMENT seg (#PCDATA)>
<!ELEMENT prop (#PCDATA)>
<!ATTLIST prop type CDATA #REQUIRED>
<!ELEMENT note (#PCDATA)>
"""


def catalog_of(root: Path, name: str) -> tuple[Path, polib.POFile]:
    path = root / "locales" / "es" / f"{name}.po"
    return path, read_catalog(path, path.name)


def translate(root: Path, name: str, translations: dict[str, tuple[str, bool]]) -> None:
    """Give messages of a Spanish catalog a translation, fuzzy or reviewed."""
    path, catalog = catalog_of(root, name)
    for msgid, (msgstr, fuzzy) in translations.items():
        entry = catalog.find(msgid)
        entry.msgstr = msgstr
        if fuzzy:
            entry.flags.append("fuzzy")
    write_catalog(path, catalog)


@pytest.fixture
def weekly(tmp_path: Path, invoke: Invoke) -> Path:
    """The bundled newsletter with fresh Spanish catalogs: some reviewed, some fuzzy."""
    root = newsletter(tmp_path)
    assert invoke(["extract"], cwd=root).exit_code == 0
    assert invoke(["update", "--lang", "es"], cwd=root).exit_code == 0
    _, catalog = catalog_of(root, "2024-w10")
    ids = [entry.msgid for entry in catalog][:8]
    translate(root, "2024-w10", {msgid: (f"es {n}", n % 2 == 1) for n, msgid in enumerate(ids)})
    translate(root, "site", {"Languages": (SPECIAL, False), "(not translated)": ("x", True)})
    return root


def expected_pairs(root: Path) -> list[tuple[str, str]]:
    _, catalog = catalog_of(root, "2024-w10")
    ids = [entry.msgid for entry in catalog][:8]
    return [(msgid, f"es {n}") for n, msgid in enumerate(ids) if n % 2 == 0] + [
        ("Languages", SPECIAL)
    ]


def export(invoke: Invoke, root: Path, *options: str) -> Path:
    result = invoke([*options, "tm", "export", "--lang", "es", "--out", "es.tmx"], cwd=root)
    assert result.exit_code == 0, result.output
    return root / "es.tmx"


def test_tmx_has_the_tmx_1_4_structure(
    weekly: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    tmx = ET.parse(export(invoke, weekly)).getroot()
    assert (tmx.tag, tmx.attrib) == ("tmx", {"version": "1.4"})
    assert [child.tag for child in tmx] == ["header", "body"]
    header = tmx[0]
    assert header.attrib == {
        "creationtool": "lingopress",
        "creationtoolversion": "0.1.0",
        "datatype": "plaintext",
        "segtype": "block",
        "adminlang": "en",
        "srclang": "en",
        "o-tmf": "PO",
        "creationdate": "20231114T221320Z",
    }
    units = list(tmx[1])
    assert len(units) == 5
    for unit in units:
        assert unit.tag == "tu" and unit.attrib == {"creationdate": "20231114T221320Z"}
        assert [child.tag for child in unit] == ["prop", "tuv", "tuv"]
        assert unit[0].attrib == {"type": "x-context"}
        assert [tuv.attrib for tuv in unit[1:]] == [{XML_LANG: "en"}, {XML_LANG: "es"}]
        assert all([seg.tag for seg in tuv] == ["seg"] for tuv in unit[1:])
    assert [unit[0].text for unit in units] == ["2024-w10"] * 4 + ["site"]


def test_tmx_reads_back_to_the_reviewed_pairs(weekly: Path, invoke: Invoke) -> None:
    path = export(invoke, weekly)
    pairs = read_tmx(path)
    assert pairs == expected_pairs(weekly)
    assert pairs[-1][1] == SPECIAL  # <, &, quotes, ]]>, \r, \n and tabs survive
    assert b"&amp;" in path.read_bytes() and b"&#13;" in path.read_bytes()


def test_dates_are_reproducible(
    weekly: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, catalog = catalog_of(weekly, "site")
    catalog.metadata["PO-Revision-Date"] = "2024-03-04 12:34+0100"
    write_catalog(path, catalog)
    site_unit = ET.parse(export(invoke, weekly)).getroot()[1][-1]
    assert site_unit.get("creationdate") == "20240304T113400Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = export(invoke, weekly).read_bytes()
    write_catalog(path, catalog)  # the same catalogs, written again later
    assert export(invoke, weekly).read_bytes() == first
    assert b"20240304T113400Z" not in first


def test_one_unit_per_distinct_pair(tmp_path: Path, invoke: Invoke) -> None:
    root = newsletter(tmp_path)
    invoke(["extract"], cwd=root)
    invoke(["update", "--lang", "es"], cwd=root)
    ids = [{entry.msgid for entry in catalog_of(root, f"2024-w1{n}")[1]} for n in range(4)]
    shared = sorted(ids[0] & ids[1] & ids[2])[0]
    translate(root, "2024-w10", {shared: ("igual", False)})
    translate(root, "2024-w11", {shared: ("igual", False)})
    translate(root, "2024-w12", {shared: ("otra", False)})
    tmx = ET.parse(export(invoke, root)).getroot()
    contexts = [[prop.text for prop in unit.findall("prop")] for unit in tmx[1]]
    assert contexts == [["2024-w10", "2024-w11"], ["2024-w12"]]
    assert read_tmx(root / "es.tmx") == [(shared, "igual"), (shared, "otra")]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es", [("1 issue", "f0"), ("%d issues", "f1"), ("%d issues", "f2")]),
        ("zh-Hans", [("1 issue", "f0"), ("%d issues", "f0")]),
        ("ja", [("1 issue", "f0"), ("%d issues", "f0")]),
        (
            "ar",
            [
                ("%d issues", "f0"),
                ("1 issue", "f1"),
                *[("%d issues", f"f{n}") for n in (2, 3, 4, 5)],
            ],
        ),
    ],
)
def test_plural_forms_pair_with_the_source_form_of_their_numbers(
    tag: str, expected: list[tuple[str, str]]
) -> None:
    language = parse_language(tag)
    entry = polib.POEntry(msgid="1 issue", msgid_plural="%d issues")
    entry.msgstr_plural = {n: f"f{n}" for n in range(language.plural_count)}
    assert plural_pairs(entry, language.plural_forms) == expected


def test_reviewed_plural_messages_are_exported(weekly: Path, invoke: Invoke) -> None:
    path, catalog = catalog_of(weekly, "site")
    entry = polib.POEntry(msgid="%(n)s issue", msgid_plural="%(n)s issues")
    entry.msgstr_plural = {0: "%(n)s número", 1: "%(n)s de números", 2: "%(n)s números"}
    catalog.append(entry)
    write_catalog(path, catalog)
    pairs = read_tmx(export(invoke, weekly))
    assert pairs[-3:] == [
        ("%(n)s issue", "%(n)s número"),
        ("%(n)s issues", "%(n)s de números"),
        ("%(n)s issues", "%(n)s números"),
    ]


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="xmllint is not installed")
def test_xmllint_accepts_the_tmx(weekly: Path, invoke: Invoke, tmp_path: Path) -> None:
    path = export(invoke, weekly)
    dtd = write(tmp_path / "tmx-subset.dtd", TMX_SUBSET_DTD)
    for extra in ([], ["--dtdvalid", str(dtd)]):
        result = subprocess.run(
            ["xmllint", "--noout", "--nonet", *extra, str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr


def test_reports_what_it_wrote(weekly: Path, invoke: Invoke) -> None:
    result = invoke(["-v", "tm", "export", "--lang", "es", "--out", "es.tmx"], cwd=weekly)
    lines = result.stdout.splitlines()
    assert lines[0] == "  locales/es/2024-w10.po: 4 reviewed messages"
    assert lines[-2] == "  locales/es/site.po: 1 reviewed messages"
    assert lines[-1] == "tm export es: 5 translation units from 5 catalogs in es.tmx"
    again = invoke(["tm", "export", "--lang", "es", "--out", "es.tmx"], cwd=weekly)
    assert again.stdout.endswith("in es.tmx (unchanged)\n")
    quiet = invoke(["-q", "tm", "export", "--lang", "es", "--out", "es.tmx"], cwd=weekly)
    assert quiet.exit_code == 0 and quiet.output == ""


def test_cli_errors_are_one_line(project: Path, weekly: Path, invoke: Invoke) -> None:
    args = ["tm", "export", "--lang", "es", "--out", "es.tmx"]
    assert_one_line_error(invoke(args, cwd=project), "no catalogs in locales/es/: run")
    assert_one_line_error(
        invoke([*args[:3], "fr", *args[4:]], cwd=weekly), "lingopress.toml: language 'fr'"
    )
    path, catalog = catalog_of(weekly, "2024-w11")
    entry = catalog[3]
    entry.msgstr = "vertical\vtab"
    write_catalog(path, catalog)
    line = read_catalog(path, path.name).find(entry.msgid).linenum
    result = invoke(args, cwd=weekly)
    assert_one_line_error(result, f"locales/es/2024-w11.po:{line}: holds U+000B, a character")
    assert not (weekly / "es.tmx").exists()


BODY = '<tmx><header srclang="en"/><body>\n{}</body></tmx>'  # its units start on line 2
MALFORMED = {
    "not well-formed": ('<tmx version="1.4">\n<header srclang="en"/>\n<body>\n</tmx>', 4),
    "DOCTYPE": ('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "b">]>\n<tmx/>', 2),
    "not TMX: the root": ("<martif>\n</martif>", 1),
    "<tmx> needs a <header>": ('<tmx version="1.4">\n<body/>\n</tmx>', 1),
    "no srclang": ("<tmx>\n<header/>\n<body/>\n</tmx>", 2),
    "unexpected <tuv>": (BODY.format("<tuv/>"), 2),
    "no xml:lang": (BODY.format("<tu><tuv><seg/></tuv></tu>"), 2),
    "has no <seg>": (BODY.format('<tu><tuv xml:lang="en"/></tu>'), 2),
    "no <tuv> in the source language 'en'": (
        BODY.format('<tu><tuv xml:lang="es"><seg>x</seg></tuv></tu>'),
        2,
    ),
}


@pytest.mark.parametrize("problem", sorted(MALFORMED))
def test_malformed_tmx_is_one_line_with_its_line(tmp_path: Path, problem: str) -> None:
    text, line = MALFORMED[problem]
    path = write(tmp_path / "x.tmx", text)
    with pytest.raises(TmxError) as raised:
        read_tmx(path, "x.tmx")
    message = str(raised.value)
    assert message.startswith(f"x.tmx:{line}: ") and problem in message
    assert "\n" not in message


def test_read_tmx_takes_every_target_and_inline_text(tmp_path: Path) -> None:
    text = (
        '<tmx version="1.4"><header srclang="EN" datatype="plaintext" segtype="sentence"'
        ' adminlang="en" o-tmf="x" creationtool="t" creationtoolversion="1"/><body>'
        '<tu><note>n</note><tuv xml:lang="de"><seg>Hallo <ph>&lt;br/&gt;</ph></seg></tuv>'
        '<tuv xml:lang="en"><seg>Hello <ph>&lt;br/&gt;</ph></seg></tuv>'
        '<tuv xml:lang="fr"><seg>Bonjour</seg></tuv></tu></body></tmx>'
    )
    path = write(tmp_path / "x.tmx", text)
    assert read_tmx(path) == [("Hello <br/>", "Hallo <br/>"), ("Hello <br/>", "Bonjour")]
