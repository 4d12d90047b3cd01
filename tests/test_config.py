"""Configuration: finding it, reading it, and one clear error for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingopress.config import load_config, read_config
from lingopress.errors import ConfigError
from tests.conftest import MINIMAL_CONFIG, REPO, Invoke, assert_one_line_error, write


def test_bundled_newsletter_config() -> None:
    config = load_config(cwd=REPO / "issues")
    assert config.root == REPO
    assert config.source.tag == "en"
    assert [s.tag for s in config.languages] == ["zh-Hans", "ja", "es", "ar"]
    assert config.language("es").publish == "machine"
    assert config.language("es").engine == "apertium"
    assert config.language("zh-Hans").publish == "reviewed"
    assert config.site.base_url.endswith("/")
    assert config.paths.po("zh-Hans", "2024-w10") == REPO / "locales/zh-Hans/2024-w10.po"
    assert config.paths.pot("site") == REPO / "locales/templates/site.pot"
    assert config.paths.language_glossary("ar") == REPO / "locales/ar/glossary.csv"


def test_defaults_and_layout(project: Path) -> None:
    config = read_config(project / "lingopress.toml")
    assert config.site.author == ""
    assert config.paths.issues == project / "issues"
    assert config.paths.templates == project / "templates"
    assert config.paths.site == project / "site"
    assert config.paths.glossary == project / "locales/glossary.csv"
    assert config.language("es").engine == "pseudo"
    with pytest.raises(ConfigError, match="'ja' is not configured"):
        config.language("ja")


def test_found_by_looking_upward(project: Path) -> None:
    deep = project / "issues" / "img" / "2024"
    deep.mkdir(parents=True)
    assert load_config(cwd=deep).root == project


def test_not_found(tmp_path: Path, invoke: Invoke) -> None:
    assert_one_line_error(invoke(["run"], cwd=tmp_path), str(tmp_path))
    with pytest.raises(ConfigError, match="no lingopress project"):
        load_config(cwd=tmp_path)


def test_pyproject_table(tmp_path: Path) -> None:
    table = MINIMAL_CONFIG.replace("[site]", "[tool.lingopress.site]").replace(
        "[languages.es]", "[tool.lingopress.languages.es]"
    )
    table = '[project]\nname = "news"\n\n[tool.lingopress]\n' + table
    write(tmp_path / "pyproject.toml", table)
    (tmp_path / "issues").mkdir()
    config = load_config(cwd=tmp_path)
    assert config.file == tmp_path / "pyproject.toml"
    assert config.site.title == "Test News"


def test_pyproject_without_table_is_skipped(project: Path) -> None:
    write(project / "issues" / "pyproject.toml", '[project]\nname = "other"\n')
    assert load_config(cwd=project / "issues").root == project


def test_pyproject_errors_name_the_table(tmp_path: Path, invoke: Invoke) -> None:
    write(tmp_path / "pyproject.toml", '[tool.lingopress]\nsource_language = "en"\nsite = 3\n')
    result = invoke(["run"], cwd=tmp_path)
    assert_one_line_error(result, "pyproject.toml:3: tool.lingopress.site: expected a table")


def test_two_configs_in_one_folder(project: Path, invoke: Invoke) -> None:
    write(project / "pyproject.toml", "[tool.lingopress]\n" + MINIMAL_CONFIG)
    assert_one_line_error(invoke(["run"], cwd=project), "pyproject.toml: both")


def test_project_option_must_hold_a_config(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke(["--project", str(tmp_path), "run"])
    assert_one_line_error(result, f"{tmp_path}: --project: no lingopress.toml")
    missing = tmp_path / "missing"
    assert_one_line_error(
        invoke(["--project", str(missing), "run"]), f"{missing}: --project: no such"
    )


# (what to change in MINIMAL_CONFIG, expected "line: message" after "lingopress.toml:")
BROKEN = {
    "syntax": (("title = ", "title = = "), "4: invalid TOML: Invalid value"),
    "unknown top key": (
        ('source_language = "en"', 'source_language = "en"\nsource = "en"'),
        "2: source: unknown key (known keys: source_language, site, languages, paths)",
    ),
    "unknown site key": (
        ('title = "Test News"', 'title = "Test News"\nbase = "x"'),
        "5: site.base: unknown key (did you mean 'base_url'?)",
    ),
    "unknown language key": (
        ('engine = "pseudo"', 'engin = "pseudo"'),
        "8: languages.es.engin: unknown key (did you mean 'engine'?)",
    ),
    "invalid language code": (
        ("[languages.es]", "[languages.es_ES]"),
        "7: languages.es_ES: 'es_ES' is not a BCP 47 language tag",
    ),
    "language code case": (
        ("[languages.es]", "[languages.zh-hans]"),
        "7: languages.zh-hans: write the language code 'zh-hans' as 'zh-Hans'",
    ),
    "unknown language": (
        ("[languages.es]", "[languages.qqq]"),
        "7: languages.qqq: unknown language 'qqq'",
    ),
    "source as target": (
        ("[languages.es]", "[languages.en]"),
        "7: languages.en: 'en' is the source language",
    ),
    "bad source language": (
        ('source_language = "en"', 'source_language = "english"'),
        "1: source_language: 'english' is not a BCP 47 language tag",
    ),
    "missing source": (('source_language = "en"', ""), "missing key 'source_language'"),
    "wrong type": (
        ('title = "Test News"', "title = 42"),
        "4: site.title: expected a string, got an integer",
    ),
    "empty title": (('title = "Test News"', 'title = "  "'), "4: site.title: must not be empty"),
    "missing title": (('title = "Test News"', ""), "3: site: missing key 'title'"),
    "base url": (
        ('base_url = "https://news.example.org/"', 'base_url = "news.example.org"'),
        "5: site.base_url: 'news.example.org' is not an absolute http(s) URL",
    ),
    "engine": (
        ('engine = "pseudo"', 'engine = "deepl"'),
        "8: languages.es.engine: 'deepl' is not one of: auto, argos, apertium, pseudo",
    ),
    "publish": (
        ('publish = "machine"', 'publish = "always"'),
        "9: languages.es.publish: 'always' is not one of: reviewed, machine",
    ),
    "language not a table": (
        ('[languages.es]\nengine = "pseudo"\npublish = "machine"', '[languages]\nes = "pseudo"'),
        "8: languages.es: expected a table, got a string",
    ),
    "no languages": (
        ('[languages.es]\nengine = "pseudo"\npublish = "machine"', ""),
        "languages: missing table",
    ),
    "path outside": (
        ("", '\n[paths]\nsite = "../public"'),
        "12: paths.site: '../public' is outside the project folder",
    ),
    "absolute path": (
        ("", '\n[paths]\nlocales = "/tmp/locales"'),
        "12: paths.locales: '/tmp/locales' must be relative to the project folder",
    ),
    "missing issues": (
        ("", '\n[paths]\nissues = "posts"'),
        "12: paths.issues: folder 'posts' does not exist",
    ),
    "missing templates": (
        ("", '\n[paths]\ntemplates = "theme"'),
        "12: paths.templates: folder 'theme' does not exist",
    ),
    "unknown path": (
        ("", '\n[paths]\nglossary = "terms.csv"'),
        "12: paths.glossary: unknown key (known keys: issues, templates, locales, site)",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_config_error_is_one_line(project: Path, invoke: Invoke, case: str) -> None:
    (old, new), expected = BROKEN[case]
    config = MINIMAL_CONFIG + new if old == "" else MINIMAL_CONFIG.replace(old, new, 1)
    assert config != MINIMAL_CONFIG
    write(project / "lingopress.toml", config)
    before = sorted(project.rglob("*"))
    result = invoke(["run"], cwd=project)
    location = "lingopress.toml:" if expected[0].isdigit() else "lingopress.toml: "
    assert_one_line_error(result, location + expected)
    assert sorted(project.rglob("*")) == before


def test_config_not_utf8(project: Path, invoke: Invoke) -> None:
    write(project / "lingopress.toml", b'source_language = "\xff"\n')
    assert_one_line_error(
        invoke(["run"], cwd=project), "lingopress.toml:1: not valid UTF-8 (byte 0xff)"
    )
