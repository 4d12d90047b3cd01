"""Language codes: one table from BCP 47 tags to every other form lingopress needs.

lingopress speaks BCP 47 everywhere a person types or reads a code (the config,
``--lang``, folder names, URLs, ``hreflang``): ``zh-Hans``, ``pt-BR``, ``ar``. gettext
headers want the underscore form (``zh_Hans``); Babel supplies native names, plural
forms and the text direction. ``qps`` is the conventional pseudo-locale used to test
layouts; Babel does not know it, so its data is defined here.

>>> lang = parse_language("zh-Hans")
>>> lang.gettext, lang.direction
('zh_Hans', 'ltr')
>>> parse_language("ar").direction
'rtl'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

CJK_CHARACTER = "[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]"
"""One kana, CJK ideograph or hangul syllable: text written without spaces between words."""


PSEUDO_LANGUAGE = "qps"

_BCP47 = re.compile(
    r"""^(?P<language>[A-Za-z]{2,3})
        (?:-(?P<script>[A-Za-z]{4}))?
        (?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?
        (?P<variants>(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*)$""",
    re.VERBOSE,
)


class LanguageCodeError(ValueError):
    """A string that is not a supported BCP 47 language tag."""


@dataclass(frozen=True)
class Language:
    """One language, known by its BCP 47 tag, with the data Babel has for it."""

    tag: str

    @property
    def gettext(self) -> str:
        """The code as gettext headers and Babel write it (``zh_Hans``, ``pt_BR``)."""
        return self.tag.replace("-", "_")

    @property
    def is_pseudo(self) -> bool:
        """True for the pseudo-locale, which has no CLDR data."""
        return self.tag == PSEUDO_LANGUAGE

    @property
    def locale(self) -> Locale:
        """The Babel locale (English data for the pseudo-locale)."""
        return Locale.parse("en" if self.is_pseudo else self.gettext)

    @property
    def native_name(self) -> str:
        """The language's name in itself, as a language switcher shows it."""
        if self.is_pseudo:
            return "Pseudo-locale"
        return self.locale.get_display_name(self.locale) or self.tag

    @property
    def english_name(self) -> str:
        """The language's name in English, for messages and reports."""
        if self.is_pseudo:
            return "Pseudo-locale"
        return self.locale.get_display_name("en") or self.tag

    @property
    def direction(self) -> str:
        """``ltr`` or ``rtl``, for ``<html dir>``."""
        return str(self.locale.text_direction)

    @property
    def plural_forms(self) -> str:
        """The ``Plural-Forms`` header value for catalogs of this language."""
        return str(get_plural(self.locale).plural_forms)

    @property
    def plural_count(self) -> int:
        """How many plural forms the language has (``nplurals``)."""
        return int(get_plural(self.locale).num_plurals)

    def __str__(self) -> str:
        return self.tag


def canonical_tag(code: str) -> str:
    """Return ``code`` with BCP 47 casing: ``zh-hans-cn`` -> ``zh-Hans-CN``.

    Raises :class:`LanguageCodeError` if ``code`` is not a well-formed tag of the
    supported shape (language, optional script, region and variants).
    """
    match = _BCP47.match(code)
    if match is None:
        raise LanguageCodeError(
            f"'{code}' is not a BCP 47 language tag (examples: 'es', 'zh-Hans', 'pt-BR')"
        )
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts.extend(v.lower() for v in match["variants"].split("-") if v)
    return "-".join(parts)


def parse_language(code: str) -> Language:
    """Parse a BCP 47 tag written in its canonical form into a :class:`Language`.

    The tag must be well formed, canonically cased (so that folder names and URLs
    have one spelling) and known to Babel, or be the pseudo-locale ``qps``.
    """
    canonical = canonical_tag(code)
    if canonical != code:
        raise LanguageCodeError(f"write the language code '{code}' as '{canonical}'")
    language = Language(canonical)
    if not language.is_pseudo:
        try:
            Locale.parse(language.gettext)
        except (UnknownLocaleError, ValueError):
            raise LanguageCodeError(f"unknown language '{code}'") from None
    return language
