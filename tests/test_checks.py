"""Quality checks (lingopress.checks) and the ``lingopress check`` command."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from lingopress.catalog import escape, parse_catalog, read_catalog
from lingopress.checks import (
    ERROR,
    RULE_IDS,
    RULES,
    WARNING,
    CheckContext,
    Problem,
    check_catalog,
    check_entry,
    check_numbers,
    check_project,
    check_punctuation,
    check_repeated_words,
    check_spans,
    msgid_line,
    msgid_lines,
)
from lingopress.config import load_config
from lingopress.glossary import Glossary, Term
from tests.conftest import Invoke, assert_one_line_error, newsletter, write

HEADER = (
    'msgid ""\nmsgstr ""\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
)
PAPER = Term("paper", "artículo", forbidden=("papel",))
GLOSSARY_CSV = "source,target,note,forbidden\npaper,artículo,,papel\n"

# For every check id: a source and a translation that trip that check and no other.
CASES: dict[str, tuple[str, str]] = {
    "placeholders": ("Written by %(author)s.", "Escrito por %(autor)s."),
    "spans": ("Run `pip install lingopress` first.", "Ejecute `instalar lingopress` primero."),
    "urls": ("Read [it](https://arxiv.org/abs/1).", "Léalo [aquí](https://arxiv.org/abs/2)."),
    "links": (
        "See [a](https://x.org) and [b](https://x.org).",
        "Vea [a y b](https://x.org).",
    ),
    "markdown": ("A **bold** move.", "Un **movimiento audaz."),
    "block-syntax": ("Hashtags are fun.", "# Los hashtags son divertidos."),
    "glossary": ("A new paper.", "Un nuevo papel."),
    "empty": ("Hello.", "  "),
    "numbers": ("Trained on 1,024 GPUs in 2024.", "Entrenado en 1.024 GPU en 2023."),
    "whitespace": ("Hello world ", "Hola mundo"),
    "punctuation": ("It works.", "Funciona"),
    "identical": ("Deep learning is fun.", "Deep learning is fun."),
    "repeated-word": ("The model works.", "El el modelo funciona."),
}

# The same sources, translated well.
CLEAN: dict[str, str] = {
    "placeholders": "Escrito por %(author)s.",
    "spans": "Ejecute `pip install lingopress` primero.",
    "urls": "Léalo [aquí](https://arxiv.org/abs/1).",
    "links": "Vea [a](https://x.org) y [b](https://x.org).",
    "markdown": "Un **movimiento** audaz.",
    "block-syntax": "Los # hashtags son divertidos.",
    "glossary": "Un nuevo artículo.",
    "empty": "Hola.",
    "numbers": "Entrenado en 1024 GPU en 2024.",
    "whitespace": "Hola mundo ",
    "punctuation": "Funciona.",
    "identical": "El aprendizaje profundo es divertido.",
    "repeated-word": "El modelo funciona.",
}


def entry(source: str, translation: str, *, comments: str = "", fuzzy: bool = False) -> str:
    """One catalog entry as PO text."""
    lines = [f"# {line}" for line in comments.split("\n") if comments]
    lines += ["#, fuzzy"] if fuzzy else []
    lines += [f'msgid "{escape(source)}"', f'msgstr "{escape(translation)}"']
    return "\n".join(lines) + "\n"


def catalog_text(*entries: str) -> str:
    """A catalog: the header, then the entries."""
    return HEADER + "".join(f"\n{item}" for item in entries)


def line_of(text: str, start: str) -> int:
    """The 1-based line of the first line of ``text`` that starts with ``start``."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def problems_in(text: str, tag: str = "es", terms: tuple[Term, ...] = (PAPER,)) -> list[Problem]:
    """Check catalog text as ``x.po`` of issue ``x``."""
    context = CheckContext(tag, Glossary(list(terms)))
    return check_catalog(parse_catalog(text), text, context, path="x.po", issue="x")


def test_every_check_has_a_case_and_a_unique_id() -> None:
    assert sorted(CASES) == sorted(RULE_IDS) == sorted(CLEAN)
    assert len(set(RULE_IDS)) == len(RULES)
    for rule in RULES:
        assert rule.severity in (ERROR, WARNING)
        assert rule.summary, rule.id


def test_severities() -> None:
    severity = {rule.id: rule.severity for rule in RULES}
    errors = {"placeholders", "spans", "urls", "links", "markdown", "block-syntax", "glossary"}
    assert {name for name in severity if severity[name] == ERROR} == errors | {"empty"}


@pytest.mark.parametrize("check", sorted(CASES))
@pytest.mark.parametrize("fuzzy", [False, True], ids=["reviewed", "fuzzy"])
def test_each_check_trips_alone_at_the_msgid_line(check: str, fuzzy: bool) -> None:
    source, translation = CASES[check]
    text = catalog_text(entry(source, translation, comments="MT: test", fuzzy=fuzzy))
    problems = problems_in(text)
    assert problems, check
    assert {problem.check for problem in problems} == {check}
    for problem in problems:
        assert problem.line == line_of(text, f'msgid "{escape(source)}"')
        assert (problem.path, problem.lang, problem.issue, problem.msgid) == (
            "x.po",
            "es",
            "x",
            source,
        )
        assert str(problem).startswith(f"x.po:{problem.line}: {problem.severity} {check}: ")


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_check_passes_a_good_translation(check: str) -> None:
    source, _ = CASES[check]
    assert problems_in(catalog_text(entry(source, CLEAN[check]))) == []


def test_line_is_the_msgid_keyword_not_polibs_linenum() -> None:
    text = catalog_text(
        entry("First.", "Primero."),
        '# MT: test\n#. paragraph\n#: issues/x.md:3\n#, fuzzy\n#| msgid "Old"\n'
        'msgctxt "ctx"\nmsgid ""\n"Second line\\n"\n"and more."\nmsgstr ""\n"Segunda línea\\n"\n'
        '"y más"\n',
    )
    catalog = parse_catalog(text)
    second = catalog[1]
    assert second.linenum == line_of(text, "# MT: test")  # polib: the entry's first line
    expected = text.split("\n").index('"Second line\\n"')  # the line above it, 1-based
    assert msgid_line(msgid_lines(text), second) == expected
    [problem] = problems_in(text)
    assert (problem.line, problem.check) == (expected, "punctuation")


def test_obsolete_untranslated_and_header_entries_are_not_checked() -> None:
    text = catalog_text(
        entry("Untranslated.", ""),
        '#~ msgid "Gone."\n#~ msgstr "Ido"\n',
    )
    assert problems_in(text) == []


def test_plural_forms_are_checked_one_by_one() -> None:
    text = catalog_text(
        'msgid "%(n)s paper"\nmsgid_plural "%(n)s papers"\n'
        'msgstr[0] "%(n)s artículo"\nmsgstr[1] ""\n',
        'msgid "%(n)s model"\nmsgid_plural "%(n)s models"\n'
        'msgstr[0] "%(n)s modelo"\nmsgstr[1] "%(num)s modelos"\n',
    )
    found = [(p.check, p.message) for p in problems_in(text)]
    assert found == [
        ("empty", "msgstr[1]: the translation is empty"),
        ("placeholders", "msgstr[1]: placeholder %(n)s missing"),
        ("placeholders", "msgstr[1]: placeholder %(num)s not in the source"),
    ]


def test_a_blank_translation_is_reported_by_empty_alone() -> None:
    [problem] = problems_in(catalog_text(entry("A paper, 3 links.", " \n")))
    assert (problem.check, problem.message) == ("empty", "the translation is blank")


# --- single rules ------------------------------------------------------------------


def test_placeholders_include_brace_and_project_placeholders() -> None:
    [problem] = problems_in(catalog_text(entry("Hello {name}.", "Hola {nombre}.")))[:1]
    assert problem.message == "placeholder {name} missing"
    leaked = problems_in(catalog_text(entry("Hello.", "Hola ⟨0⟩.")))
    assert [p.message for p in leaked] == ["placeholder ⟨0⟩ not in the source"]
    assert problems_in(catalog_text(entry("Up 10% of 5%s.", "Sube un 10 % del 5%s."))) == []


def test_spans_cover_inline_html_and_entities() -> None:
    context = CheckContext("es")
    assert check_spans("a<br>b", "a b", context) == ["inline HTML <br> missing"]
    assert check_spans("R&amp;D &mdash; ok", "I+D — ok &amp;", context) == []
    assert check_spans("x &nbsp;y", "x y", context) == ["entity &nbsp; missing"]


def test_links_count_images_and_footnotes() -> None:
    text = catalog_text(
        entry("![A cat](cat.png) is here[^1].", "Aquí está el gato[^2]."),
    )
    found = [(p.check, p.message) for p in problems_in(text)]
    assert found == [
        ("urls", "URL cat.png missing"),
        ("links", "footnote [^1]: 1 in the source, 0 in the translation"),
        ("links", "footnote [^2]: 0 in the source, 1 in the translation"),
        ("links", "images: 1 in the source, 0 in the translation"),
    ]


def test_reference_links_keep_their_label() -> None:
    text = catalog_text(entry("Read [the docs][peft-docs].", "Lea [la doc][docs]."))
    assert [p.message for p in problems_in(text)] == [
        "URL [peft-docs] missing",
        "URL [docs] not in the source",
    ]


def test_markdown_counts_lost_emphasis_and_balance() -> None:
    text = catalog_text(
        entry("It is ~~just BERT~~ more.", "Es solo BERT más."),
        entry("Use `x` now.", "Use `x ahora."),
    )
    found = [(p.check, p.message) for p in problems_in(text)]
    assert ("markdown", "strikethrough: 1 in the source, 0 in the translation") in found
    assert ("markdown", "unbalanced '`': 1 unpaired in the translation, 0 in the source") in found


def test_block_syntax_on_any_line() -> None:
    text = catalog_text(entry("One\ntwo.", "Uno\n> dos."), entry("- a list?", "- ¿una lista?"))
    assert [p.message for p in problems_in(text)] == [
        "a line starts a block quote (> ...), the source has none"
    ]


@pytest.mark.parametrize(
    "translation",
    [
        "1,000 y 3,5",
        "1.000 y 3.5",
        "1 000 y 3,5",
        "1\u202f000 y 3,5",
        "\uff11\uff10\uff10\uff10 y \uff13.\uff15",  # full-width
        "\u0661\u066c\u0660\u0660\u0660 y \u0663\u066b\u0665",  # Arabic-Indic
    ],
)
def test_numbers_tolerate_locale_formats(translation: str) -> None:
    assert check_numbers("1,000 and 3.5", translation, CheckContext("es")) == []


def test_numbers_ignore_code_urls_and_placeholders() -> None:
    assert (
        check_numbers(
            "Use `v2` at https://x.org/3", "Use `v2` en https://x.org/3", CheckContext("es")
        )
        == []
    )
    assert check_numbers("7B", "7 mil millones", CheckContext("es")) == []
    assert check_numbers("7B and 13B", "7B", CheckContext("es")) == ["number 13 missing"]


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("a 65-billion-parameter model", "650億パラメータのモデル"),
        ("7B and 1.5 million", "7 mil millones y 150万"),
        ("two views, five topics", "2つのビュー、5つのトピック"),  # spelled out in the source
    ],
)
def test_numbers_tolerate_scales_and_digits_the_source_spells_out(
    source: str, translation: str
) -> None:
    assert check_numbers(source, translation, CheckContext("ja")) == []


@pytest.mark.parametrize(
    ("tag", "source", "translation", "ok"),
    [
        ("zh-Hans", "It works.", "它有效。", True),
        ("zh-Hans", "It works.", "它有效.", False),
        ("ja", "Great!", "素晴らしい！", True),
        ("ja", "Why?", "なぜ？", True),
        ("ar", "Why?", "لماذا؟", True),
        ("ar", "Why?", "لماذا?", False),
        ("ar", "It works.", "إنه يعمل.", True),
        ("es", "It works.", "Funciona.", True),
        ("es", "Why?", "¿Por qué?", True),
        ("es", "Note:", "Nota:", True),
        ("es", "Note:", "Nota.", False),
        ("zh-Hans", "Note:", "注意\N{FULLWIDTH COLON}", True),
        ("es", "Wait...", "Espera…", True),
        ("es", "See [the paper](https://x.org).", "Vea [el artículo](https://x.org).", True),
        ("es", "(not translated)", "(no traducido)", True),
        ("es", "**Illegal in the US**", "**Ilegal en los EE.UU.**", True),
        ("es", "Made in the U.S.", "Hecho en Estados Unidos", True),
        ("es", "Made in the U.S.", "Hecho en Estados Unidos!", False),
        ("es", "A title", "Un título.", False),
        (
            "ja",
            "Originally published at <https://x.org>",
            "初出\N{FULLWIDTH COLON}<https://x.org>",
            True,
        ),
        ("es", "Run `make test`", "Ejecute `make test`", True),
        ("es", "Done.[^1]", "Hecho[^1].", True),
    ],
)
def test_punctuation_is_language_aware(tag: str, source: str, translation: str, ok: bool) -> None:
    assert (check_punctuation(source, translation, CheckContext(tag)) == []) is ok


def test_identical_allows_what_needs_no_translation() -> None:
    glossary = [Term("PyTorch", "PyTorch"), Term("Hugging Face", "Hugging Face")]
    for text in [
        "PyTorch",
        "Hugging Face",
        "`torch.compile`",
        "https://pytorch.org",
        "huggingface.co](https://huggingface.co/blog/lora)",
        "175B",
        "1.4T",
        "— 3 —",
    ]:
        assert problems_in(catalog_text(entry(text, text)), terms=tuple(glossary)) == [], text
    [problem] = problems_in(
        catalog_text(entry("PyTorch rocks", "PyTorch rocks")), terms=tuple(glossary)
    )
    assert problem.check == "identical"


def test_repeated_words_not_in_cjk_and_not_from_the_source() -> None:
    context = CheckContext("zh-Hans")
    assert check_repeated_words("We often talk.", "我们常常讨论。", context) == []
    assert (
        check_repeated_words("Bora Bora is far.", "Bora Bora está lejos.", CheckContext("es")) == []
    )
    assert check_repeated_words("Use `a a`.", "Use `a a`.", context) == []
    assert check_repeated_words("in inference", "en en inferencia", CheckContext("es")) == [
        "repeated word: 'en en'"
    ]
    arabic = CheckContext("ar")
    assert check_repeated_words("feature by feature", "سمة سمة", arabic) == []
    assert check_repeated_words("in the model", "في في النموذج", arabic) == [
        "repeated word: 'في في'"
    ]


def test_glossary_tolerates_inflection_but_not_forbidden_renderings() -> None:
    terms = (
        Term("neural network", "red neuronal"),
        Term("collapse", "colapso", forbidden=("derrumbe",)),
    )
    text = catalog_text(
        entry("Two neural networks.", "Dos redes neuronales."),
        entry("It can collapse.", "Puede colapsar."),
        entry("A collapse.", "Un derrumbe."),
    )
    found = [(p.line, p.message) for p in problems_in(text, terms=terms)]
    line = line_of(text, 'msgid "A collapse."')
    assert found == [
        (line, "'collapse' should be translated as 'colapso'"),
        (line, "'collapse' must not be rendered as 'derrumbe'"),
    ]


def test_zh_hans_glossary_reports_seed_errors_with_their_lines(tmp_path: Path) -> None:
    root = newsletter(tmp_path, glossaries=True)
    text = catalog_text(
        entry("Transformers changed NLP.", "变形金刚改变了 NLP。"),
        entry("Hugging Face hosts models.", "拥抱脸托管模型。"),
        entry("Papers", "报纸"),
        entry("This paper is good.", "这篇论文很好。"),
    )
    write(root / "locales" / "zh-Hans" / "2024-w10.po", text)
    write(root / "locales" / "templates" / "2024-w10.pot", HEADER)
    report = check_project(load_config(root), ["zh-Hans"])
    transformers, hugging, papers = (line_of(text, f'msgid "{w}') for w in ("Tr", "Hu", "Pa"))
    assert [(p.line, p.check, p.message) for p in report.problems] == [
        (transformers, "glossary", "'Transformer' should be translated as 'Transformer'"),
        (transformers, "glossary", "'Transformer' must not be rendered as '变形金刚'"),
        (hugging, "glossary", "'Hugging Face' should be translated as 'Hugging Face'"),
        (hugging, "glossary", "'Hugging Face' must not be rendered as '拥抱脸'"),
        (papers, "glossary", "'paper' should be translated as '论文'"),
        (papers, "glossary", "'paper' must not be rendered as '报纸'"),
        (papers, "glossary", "'paper' must not be rendered as '纸'"),
    ]


# --- ignore comments ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "left"),
    [
        ("lingopress: ignore glossary", {"punctuation"}),
        ("lingopress: ignore glossary, punctuation", set()),
        ("lingopress: ignore punctuation glossary", set()),
        ("MT: test\nlingopress: ignore punctuation", {"glossary"}),
        ("lingopress: ignore numbers", {"glossary", "punctuation"}),
    ],
)
def test_ignore_comment_silences_exactly_its_checks(comment: str, left: set[str]) -> None:
    text = catalog_text(entry("A new paper.", "Un nuevo papel", comments=comment))
    assert {problem.check for problem in problems_in(text)} == left


def test_ignore_comment_is_not_read_from_extracted_comments() -> None:
    text = catalog_text("#. lingopress: ignore glossary\n" + entry("A paper.", "Un papel."))
    assert {problem.check for problem in problems_in(text)} == {"glossary"}


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext is not installed")
def test_ignore_comment_survives_msgmerge(tmp_path: Path) -> None:
    old = write(
        tmp_path / "es.po",
        catalog_text(
            entry("A new paper.", "Un nuevo papel", comments="lingopress: ignore glossary"),
            entry("Another paper.", "Otro papel."),
        ),
    )
    template = write(
        tmp_path / "x.pot",
        catalog_text(
            "#: issues/x.md:3\n" + entry("A new paper.", ""),
            "#: issues/x.md:5\n" + entry("Another paper.", ""),
            "#: issues/x.md:7\n" + entry("Subscribe", ""),
        ),
    )
    merged = tmp_path / "merged.po"
    subprocess.run(
        ["msgmerge", "--quiet", "--no-wrap", "-o", str(merged), str(old), str(template)],
        check=True,
    )
    text = merged.read_text(encoding="utf-8")
    assert "# lingopress: ignore glossary\n" in text
    catalog = read_catalog(merged, "merged.po")
    context = CheckContext("es", Glossary([PAPER]))
    found = [(p.line, p.check) for p in check_catalog(catalog, text, context, path="m", issue="x")]
    assert found == [
        (line_of(text, 'msgid "A new paper."'), "punctuation"),
        (line_of(text, 'msgid "Another paper."'), "glossary"),
        (line_of(text, 'msgid "Another paper."'), "glossary"),
    ]
    assert [f.check for f in check_entry(catalog.find("A new paper."), context)] == ["punctuation"]


# --- the command ---------------------------------------------------------------------


def planted(project: Path, *, cases: dict[str, tuple[str, str]] = CASES) -> str:
    """The project's es catalog of issue ``first`` with one entry per case; its text."""
    text = catalog_text(
        *(entry(source, target, comments="MT: test") for source, target in cases.values())
    )
    write(project / "locales" / "es" / "first.po", text)
    write(project / "locales" / "es" / "glossary.csv", GLOSSARY_CSV)
    write(project / "locales" / "templates" / "first.pot", HEADER)
    return text


def expected_lines(text: str, cases: dict[str, tuple[str, str]] = CASES) -> list[str]:
    """The report lines the planted catalog must give, in catalog order."""
    rules = {rule.id: rule for rule in RULES}
    context = CheckContext("es", Glossary([PAPER]))
    lines = []
    for check, (source, target) in cases.items():
        line = line_of(text, f'msgid "{escape(source)}"')
        rule = rules[check]
        found = rule.function(source, target, context)
        lines += [f"locales/es/first.po:{line}: {rule.severity} {check}: {m}" for m in found]
    return lines


def test_check_reports_each_planted_problem_at_its_line(invoke: Invoke, project: Path) -> None:
    text = planted(project)
    result = invoke(["check"], cwd=project)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == expected_lines(text)
    assert len(result.stdout.splitlines()) >= len(CASES)
    errors = sum(" error " in line for line in result.stdout.splitlines())
    warnings = len(result.stdout.splitlines()) - errors
    assert result.stderr == (
        f"Error: {errors} errors, {warnings} warnings "
        f"(1 catalog, {len(CASES)} translated entries checked)\n"
    )


def test_check_json_lists_the_same_problems(invoke: Invoke, project: Path) -> None:
    planted(project)
    text_run = invoke(["check"], cwd=project)
    result = invoke(["check", "--format", "json"], cwd=project)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["format"] == "lingopress-check/1"
    shown = [
        f"{p['path']}:{p['line']}: {p['severity']} {p['check']}: {p['message']}"
        for p in report["problems"]
    ]
    assert shown == text_run.stdout.splitlines()
    first = report["problems"][0]
    assert set(first) == {"path", "line", "severity", "check", "message", "lang", "issue", "msgid"}
    assert (first["lang"], first["issue"], first["msgid"]) == (
        "es",
        "first",
        CASES["placeholders"][0],
    )
    counts = report["counts"]
    assert counts["errors"] + counts["warnings"] == len(report["problems"])
    assert (counts["catalogs"], counts["entries"]) == (1, len(CASES))
    assert set(counts["checks"]) == set(CASES)


def test_warnings_fail_only_with_strict(invoke: Invoke, project: Path) -> None:
    warnings = {check: CASES[check] for check in ("punctuation", "identical")}
    text = planted(project, cases=warnings)
    result = invoke(["check"], cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        *expected_lines(text, warnings),
        "0 errors, 2 warnings (1 catalog, 2 translated entries checked)",
    ]
    strict = invoke(["check", "--strict"], cwd=project)
    assert strict.exit_code == 1
    assert strict.stdout.splitlines() == expected_lines(text, warnings)
    assert strict.stderr.startswith("Error: 0 errors, 2 warnings (")
    assert invoke(["-q", "check"], cwd=project).stdout.splitlines() == expected_lines(
        text, warnings
    )


def test_a_clean_run_says_so_in_one_line(invoke: Invoke, project: Path) -> None:
    planted(project, cases={check: (CASES[check][0], CLEAN[check]) for check in CASES})
    result = invoke(["check", "--strict"], cwd=project)
    assert result.exit_code == 0
    assert result.stdout == f"no problems: 1 catalog, {len(CASES)} translated entries checked\n"
    quiet = invoke(["-q", "check"], cwd=project)
    assert (quiet.exit_code, quiet.output) == (0, "")
    as_json = json.loads(invoke(["check", "--format", "json"], cwd=project).stdout)
    assert as_json["problems"] == []


def test_lang_and_issue_filter(invoke: Invoke, project: Path) -> None:
    config = project / "lingopress.toml"
    config.write_text(config.read_text() + '\n[languages.de]\nengine = "pseudo"\n')
    bad = catalog_text(entry("It works.", "Funciona"))
    for tag, slug in [("es", "first"), ("es", "second"), ("de", "first")]:
        write(project / "locales" / tag / f"{slug}.po", bad)
        write(project / "locales" / "templates" / f"{slug}.pot", HEADER)

    def reported(*args: str) -> list[str]:
        result = invoke(["check", *args], cwd=project)
        assert result.exit_code == 0, result.output
        return [line.split(":")[0] for line in result.stdout.splitlines()[:-1]]

    everything = ["locales/es/first.po", "locales/es/second.po", "locales/de/first.po"]
    assert reported() == everything
    assert reported("--lang", "de") == ["locales/de/first.po"]
    assert reported("--issue", "second") == ["locales/es/second.po"]
    assert reported("--lang", "es", "--issue", "first") == ["locales/es/first.po"]
    unknown = invoke(["check", "--issue", "third"], cwd=project)
    assert_one_line_error(unknown, "no issue 'third' (locales/templates/third.pot does not exist)")


def test_a_malformed_catalog_is_one_error_line(invoke: Invoke, project: Path) -> None:
    planted(project)
    text = catalog_text(entry("Fine.", "Bien."), 'msgid "Broken."\nmsgstr "Roto.\n')
    write(project / "locales" / "es" / "first.po", text)
    result = invoke(["check"], cwd=project)
    line = line_of(text, 'msgstr "Roto.')
    assert_one_line_error(result, f"locales/es/first.po:{line}: PO syntax: unterminated string")
    assert result.stdout == ""
