"""Translation templates (``.pot``): what there is to translate.

One template per issue, ``locales/templates/<slug>.pot``: its segments in document
order, identical texts merged into one message with several ``#:`` references, and an
extracted comment (``#.``) giving the block kind and section path of each place the
text appears, e.g. ``list_item in 3. Papers › Clustering``.

``locales/templates/site.pot`` holds the strings of the Jinja2 site templates, found
with Babel's extraction and Jinja2's extractor (``{% trans %}`` blocks, trimmed, and
``_()``/``gettext``/``ngettext``/``pgettext`` calls). The templates are the project's
``templates/`` folder over lingopress's defaults; a default is referenced as
``<lingopress>/templates/NAME``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import polib
from babel.messages.extract import extract
from jinja2 import TemplateSyntaxError

from lingopress import __version__
from lingopress.catalog import Written, write_catalog
from lingopress.config import Config
from lingopress.errors import IssueError, LingopressError
from lingopress.issue import Issue
from lingopress.scaffold import SKELETON
from lingopress.segments import Segment

TEMPLATE_SUFFIX = ".pot"
SITE_TEMPLATE = "site"
"""The name of the template of the site's own strings (``site.pot``, ``site.po``)."""

DEFAULT_TEMPLATES = f"{SKELETON}/templates"
_TEMPLATE_SUFFIXES = (".html", ".xml")
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false"}
_BUILTIN_PREFIX = "<lingopress>/templates"


def template_metadata(config: Config) -> dict[str, str]:
    """The header of every template: project, no language yet, UTF-8, generator."""
    return {
        "Project-Id-Version": config.site.title,
        "PO-Revision-Date": "",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"lingopress {__version__}",
    }


def issue_template(issue: Issue, config: Config) -> polib.POFile:
    """The template of one issue: one message per distinct segment text."""
    catalog = _new_template(
        config,
        f"Translation template of {issue.title} ({issue.shown}).\n"
        "Made by lingopress extract from the issue: edit the issue, not this file.",
    )
    messages: dict[str, polib.POEntry] = {}
    for item in issue.segments:
        entry = messages.get(item.text)
        if entry is None:
            entry = messages[item.text] = polib.POEntry(msgid=item.text, msgstr="")
            catalog.append(entry)
        _add_place(entry, issue.shown, item)
    return catalog


def _add_place(entry: polib.POEntry, path: str, item: Segment) -> None:
    """Record one more place of a message: a reference and, if new, its kind and section."""
    entry.occurrences.append((path, str(item.line)))
    where = f"{item.kind} in {item.section}" if item.section else item.kind
    lines = entry.comment.split("\n") if entry.comment else []
    if where not in lines:
        entry.comment = "\n".join([*lines, where])


def site_template(config: Config) -> polib.POFile:
    """The template of the site's strings, from the effective Jinja2 templates."""
    catalog = _new_template(
        config,
        "Translation template of the site's own strings (page templates).\n"
        "Made by lingopress extract: edit the templates, not this file.",
    )
    messages: dict[tuple[str | None, str], polib.POEntry] = {}
    for shown, source in site_templates(config):
        for line, message, context in _template_messages(shown, source):
            singular, plural = message if isinstance(message, tuple) else (message, "")
            entry = messages.get((context, singular))
            if entry is None:
                entry = messages[(context, singular)] = polib.POEntry(
                    msgid=singular, msgctxt=context, msgstr=""
                )
                if plural:
                    entry.msgid_plural = plural
                    entry.msgstr_plural = {0: ""}
                catalog.append(entry)
            entry.occurrences.append((shown, str(line)))
    return catalog


def site_templates(config: Config) -> list[tuple[str, Traversable | Path]]:
    """The templates the site is built from: the project's over the defaults, by name."""
    chosen: dict[str, tuple[str, Traversable | Path]] = {}
    defaults = resources.files("lingopress").joinpath(DEFAULT_TEMPLATES)
    for node in defaults.iterdir():
        if node.is_file() and node.name.endswith(_TEMPLATE_SUFFIXES):
            chosen[node.name] = (f"{_BUILTIN_PREFIX}/{node.name}", node)
    folder = config.paths.templates
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name.endswith(_TEMPLATE_SUFFIXES):
                chosen[path.name] = (config.paths.relative(path).as_posix(), path)
    return [chosen[name] for name in sorted(chosen)]


def check_templates(config: Config) -> None:
    """Read and parse every template the site uses, so that an error names its own file.

    Rendering would report a broken included template at the line that includes it.
    """
    for shown, source in site_templates(config):
        for _message in _template_messages(shown, source):
            pass


def _template_messages(
    shown: str, source: Traversable | Path
) -> Iterator[tuple[int, str | tuple[str, ...], str | None]]:
    """The messages of one template: line, message (singular or both forms), context."""
    try:
        with source.open("rb") as stream:
            for line, message, _comments, context in extract(
                "jinja2.ext:babel_extract", stream, options=_JINJA_OPTIONS
            ):
                yield line, message, context
    except TemplateSyntaxError as error:
        message = f"template error: {error.message or error}"
        raise LingopressError(message, shown, error.lineno) from None
    except UnicodeDecodeError as error:
        line = bytes(error.object[: error.start]).count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{error.object[error.start]:02x})"
        raise LingopressError(message, shown, line) from None
    except RecursionError:  # Jinja parses nested blocks and expressions recursively
        message = "template error: blocks or expressions nested too deeply"
        raise LingopressError(message, shown) from None


def _new_template(config: Config, header: str) -> polib.POFile:
    """An empty template with the standard header."""
    catalog = polib.POFile(wrapwidth=0)
    catalog.header = header
    catalog.metadata = template_metadata(config)
    return catalog


def extract_templates(
    config: Config, issues: Sequence[Issue], *, dry_run: bool = False
) -> tuple[list[Written], list[Path]]:
    """Write the template of every issue and of the site; remove those of deleted issues.

    Returns what was written (or, dry, would be) and the stale templates removed.
    """
    for issue in issues:
        if issue.slug == SITE_TEMPLATE:
            message = f"the slug '{SITE_TEMPLATE}' is reserved for the site's own strings"
            raise IssueError(f"{message}; rename the issue", issue.shown)
    planned = [(config.paths.pot(issue.slug), issue_template(issue, config)) for issue in issues]
    planned.append((config.paths.pot(SITE_TEMPLATE), site_template(config)))
    written = [write_catalog(path, catalog, dry_run=dry_run) for path, catalog in planned]
    keep = {path.name for path, _ in planned}
    stale = [path for path in template_paths(config) if path.name not in keep]
    if not dry_run:
        for path in stale:
            path.unlink()
    return written, stale


def template_paths(config: Config) -> list[Path]:
    """The extracted templates of a project, sorted (none before the first extract)."""
    folder = config.paths.catalog_templates
    return sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")) if folder.is_dir() else []
