"""The update stage: every language's catalogs brought up to date with the templates.

``lingopress update`` reads ``locales/templates/*.pot`` and, for each configured
language, creates or merges ``locales/<lang>/<name>.po`` (:mod:`lingopress.merging`).
Every template and every existing catalog is read and checked before anything is
written, so a broken file stops the stage with its line and no file changed. A
catalog whose content does not change is not rewritten; when its messages change, its
``PO-Revision-Date`` becomes the current time (or ``SOURCE_DATE_EPOCH``, for
reproducible runs). The header is section 7 of the design notes: ``Language`` in
gettext form, ``Plural-Forms`` from Babel, UTF-8, ``X-Generator``; fields a
translator's tool added are kept.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import polib

from lingopress import __version__
from lingopress.catalog import Written, format_entries, read_catalog, write_catalog
from lingopress.config import Config, LanguageSettings
from lingopress.errors import CatalogError
from lingopress.extraction import SITE_TEMPLATE, template_paths
from lingopress.languages import Language
from lingopress.merging import TranslationMemory, merge

_REVISION_FORMATS = ("%Y-%m-%d %H:%M%z", "%Y-%m-%d %H:%M:%S%z")
"""How ``PO-Revision-Date`` is written: as GNU gettext and Poedit do, or with seconds."""


def read_templates(config: Config) -> dict[str, polib.POFile]:
    """Every extracted template, by name (issue slugs and ``site``)."""
    paths = template_paths(config)
    if not paths:
        shown = config.paths.relative(config.paths.catalog_templates).as_posix()
        raise CatalogError(f"no templates in {shown}/: run 'lingopress extract' first")
    return {path.stem: read_catalog(path, config.paths.relative(path)) for path in paths}


def read_language_catalogs(
    config: Config, tag: str, names: Sequence[str]
) -> dict[str, polib.POFile]:
    """The existing catalogs of one language among ``names``, read and checked.

    Each must be that language's: its ``Language`` header and plural forms agree.
    """
    catalogs = {}
    language = Language(tag)
    for name in names:
        path = config.paths.po(tag, name)
        if path.is_file():
            catalogs[name] = read_catalog(path, config.paths.relative(path), language)
    return catalogs


def translation_memory(catalogs: dict[str, polib.POFile]) -> TranslationMemory:
    """The reviewed translations of a language's issue catalogs, issues in name order."""
    memory = TranslationMemory()
    for name in sorted(catalogs):
        if name != SITE_TEMPLATE:
            memory.learn(name, catalogs[name])
    return memory


def update_catalogs(
    config: Config, languages: Sequence[LanguageSettings], *, dry_run: bool = False
) -> list[Written]:
    """Merge every template into every given language; write (or, dry, report) changes."""
    templates = read_templates(config)
    planned: list[tuple[Path, polib.POFile]] = []
    for settings in languages:
        old = read_language_catalogs(config, settings.tag, list(templates))
        memory = translation_memory(old)
        for name, template in templates.items():
            lent = memory.without(name) if name != SITE_TEMPLATE else TranslationMemory()
            catalog = updated_catalog(config, settings, template, old.get(name), lent)
            planned.append((config.paths.po(settings.tag, name), catalog))
    return [write_catalog(path, catalog, dry_run=dry_run) for path, catalog in planned]


def updated_catalog(
    config: Config,
    settings: LanguageSettings,
    template: polib.POFile,
    old: polib.POFile | None,
    memory: TranslationMemory,
) -> polib.POFile:
    """One language's catalog for one template, with the old catalog merged in."""
    catalog = polib.POFile(wrapwidth=0)
    language = settings.language
    catalog.extend(merge(template, old, memory, language.plural_count))
    what = template.header.split("\n")[0].removeprefix("Translation template of ")
    default_header = (
        f"{language.english_name} translation of {what}\n"
        "Kept up to date by lingopress update: every translation and comment here is kept."
    )
    catalog.header = old.header if old is not None and old.header else default_header
    previous = dict(old.metadata) if old is not None else {}
    catalog.metadata = catalog_metadata(
        config, settings, previous, previous.get("PO-Revision-Date", "")
    )
    if old is None or format_entries(catalog) != format_entries(old):
        catalog.metadata["PO-Revision-Date"] = revision_date()
    return catalog


def catalog_metadata(
    config: Config, settings: LanguageSettings, previous: dict[str, str], revised: str
) -> dict[str, str]:
    """The header fields of a language's catalog, then any others the old header had."""
    language = settings.language
    fields = {
        "Project-Id-Version": config.site.title,
        "PO-Revision-Date": revised,
        "Last-Translator": previous.get("Last-Translator", ""),
        "Language-Team": previous.get("Language-Team", language.english_name),
        "Language": language.gettext,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
        "X-Generator": f"lingopress {__version__}",
    }
    return fields | {name: value for name, value in previous.items() if name not in fields}


def revision_date() -> str:
    """Now (or ``SOURCE_DATE_EPOCH``) in the PO header's format, UTC."""
    moment = source_date_epoch() or dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def parse_revision_date(value: str) -> dt.datetime | None:
    """A ``PO-Revision-Date`` as a UTC time, or None if it is empty or not a date.

    >>> parse_revision_date("2024-03-04 12:34+0100")
    datetime.datetime(2024, 3, 4, 11, 34, tzinfo=datetime.timezone.utc)
    """
    for form in _REVISION_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), form).astimezone(dt.UTC)
        except ValueError:
            continue
    return None


def source_date_epoch() -> dt.datetime | None:
    """The time ``SOURCE_DATE_EPOCH`` fixes for reproducible output, if it is set (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit() else None
