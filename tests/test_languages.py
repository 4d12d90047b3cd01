"""Language codes: BCP 47 in, gettext form, names, direction and plurals out."""

from __future__ import annotations

import pytest

from lingopress.languages import LanguageCodeError, canonical_tag, parse_language


@pytest.mark.parametrize(
    ("tag", "gettext", "native", "direction", "nplurals"),
    [
        ("zh-Hans", "zh_Hans", "中文 (简体)", "ltr", 1),
        ("ja", "ja", "日本語", "ltr", 1),
        ("es", "es", "español", "ltr", 3),
        ("ar", "ar", "العربية", "rtl", 6),
        ("pt-BR", "pt_BR", "português (Brasil)", "ltr", 3),
        ("he", "he", "עברית", "rtl", 3),
        ("qps", "qps", "Pseudo-locale", "ltr", 2),
    ],
)
def test_language_data(tag: str, gettext: str, native: str, direction: str, nplurals: int) -> None:
    language = parse_language(tag)
    assert language.gettext == gettext
    assert language.native_name == native
    assert language.direction == direction
    assert language.plural_forms.startswith(f"nplurals={nplurals};")


def test_canonical_casing() -> None:
    assert canonical_tag("ZH-hans-cn") == "zh-Hans-CN"
    assert canonical_tag("es-419") == "es-419"
    assert canonical_tag("sl-rozaj") == "sl-rozaj"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("zh_Hans", "not a BCP 47 language tag"),
        ("e", "not a BCP 47 language tag"),
        ("en-", "not a BCP 47 language tag"),
        ("x-private", "not a BCP 47 language tag"),
        ("ZH-HANS", "write the language code 'ZH-HANS' as 'zh-Hans'"),
        ("xq", "unknown language 'xq'"),
    ],
)
def test_rejected_codes(code: str, message: str) -> None:
    with pytest.raises(LanguageCodeError, match=message):
        parse_language(code)
