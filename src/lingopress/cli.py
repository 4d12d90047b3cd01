"""The ``lingopress`` command line: a thin layer over the library.

This is the only module that imports click or prints. Every command turns its
options into library calls; every :class:`~lingopress.errors.LingopressError` is
turned into one line ``Error: path:line: message`` and exit status 1 in one place,
:meth:`LingopressGroup.invoke`. Usage errors are click's own (exit status 2).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import click

from lingopress import __version__
from lingopress import models as models_lib
from lingopress.catalog import Written
from lingopress.config import ENGINES, Config, LanguageSettings, load_config, normalise_base_url
from lingopress.engines import EngineOptions, choose_engine
from lingopress.errors import ConfigError, LingopressError
from lingopress.extraction import extract_templates
from lingopress.fileio import remove_temporaries
from lingopress.glossary import read_glossary, read_terms
from lingopress.issue import check_slug, read_issues
from lingopress.languages import LanguageCodeError, parse_language
from lingopress.lock import LOCK_FILE, project_lock
from lingopress.progress import project_progress, status_lines, status_report
from lingopress.scaffold import ProjectSettings, init_project
from lingopress.translation import LanguageReport, Progress, machine_translate, translate_catalogs
from lingopress.update import update_catalogs

_PASSTHROUGH = (click.ClickException, click.exceptions.Exit, click.Abort)


class LingopressGroup(click.Group):
    """The root group: runs a command and turns errors into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map our errors (and stray ones) to ``Error: ...``, exit 1."""
        try:
            return super().invoke(ctx)
        except _PASSTHROUGH:
            raise
        except LingopressError as error:
            raise click.ClickException(str(error)) from None
        except BrokenPipeError:
            _silence_stdout()  # the reader left (``| head``): stop quietly, as Unix tools do
            raise click.exceptions.Exit(141) from None
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from None
        except Exception as error:
            if ctx.obj is not None and ctx.obj.verbosity > 0:
                click.echo(traceback.format_exc(), err=True, nl=False)
            raise click.ClickException(
                f"internal error: {type(error).__name__}: {error} (run with -v for the traceback)"
            ) from None


def _silence_stdout() -> None:
    """Point stdout at the null device so that exiting does not fail on the closed pipe."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@dataclass
class Session:
    """What every command gets: the global options and the lazily loaded project."""

    project: Path | None
    verbosity: int = 0

    @cached_property
    def config(self) -> Config:
        """The project configuration, loaded on first use."""
        return load_config(self.project)

    def say(self, message: str) -> None:
        """Print a progress or result line unless ``--quiet``."""
        if self.verbosity >= 0:
            click.echo(message)

    def detail(self, message: str) -> None:
        """Print a line only with ``--verbose``."""
        if self.verbosity > 0:
            click.echo(message)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the project's lock (one writer at a time); clear what killed runs left."""
        paths = self.config.paths
        with project_lock(
            paths.root,
            waiting=lambda holder: self.detail(
                f"waiting for {LOCK_FILE}"
                + (f" (pid {holder.pid}, since {holder.started()})" if holder else "")
            ),
        ) as held:
            if held.previous is not None:
                self.detail(f"took over {LOCK_FILE} from pid {held.previous.pid} (gone)")
            left = remove_temporaries(paths.root, recursive=False, of=".lingopress")
            for path in left + remove_temporaries(paths.locales) + remove_temporaries(paths.site):
                self.detail(f"removed {paths.relative(path)} (left by an interrupted run)")
            yield


P = ParamSpec("P")
R = TypeVar("R")


def writes_project(
    command: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Run a command that writes project files under :meth:`Session.writing`.

    Dry runs (``--check``, ``--dry-run``) write nothing and take no lock.
    """

    @functools.wraps(command)
    def locked(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if kwargs.get("check_only") or kwargs.get("dry_run"):
            return command(session, *args, **kwargs)
        with session.writing():
            return command(session, *args, **kwargs)

    return locked


class LanguageTag(click.ParamType[str]):
    """A BCP 47 language tag such as ``zh-Hans`` (a usage error otherwise)."""

    name = "LANG"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Check the tag's form; whether it is configured is checked by the command."""
        try:
            return parse_language(str(value)).tag
        except LanguageCodeError as error:
            self.fail(str(error), param, ctx)


class Slug(click.ParamType[str]):
    """An issue slug: the file name of ``issues/<slug>.md`` without ``.md``."""

    name = "SLUG"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Reject slugs that could escape the issues folder."""
        try:
            return check_slug(str(value), str(value))
        except LingopressError as error:
            self.fail(error.message, param, ctx)


LANG = LanguageTag()
SLUG = Slug()
ENGINE_CHOICE = click.Choice(ENGINES)
FORMAT_CHOICE = click.Choice(["text", "json"])
DIRECTORY = click.Path(file_okay=False, path_type=Path)

lang_option = click.option(
    "--lang",
    "langs",
    type=LANG,
    multiple=True,
    help="Only this target language (repeat for several; default: all configured).",
)
issue_option = click.option(
    "--issue",
    "issues",
    type=SLUG,
    multiple=True,
    help="Only this issue, by slug (repeat for several; default: all).",
)
format_option = click.option(
    "--format",
    "output_format",
    type=FORMAT_CHOICE,
    default="text",
    show_default=True,
    help="Output for people (text) or programs (json).",
)


@click.group(cls=LingopressGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    type=DIRECTORY,
    metavar="DIR",
    help="The project folder (default: look upward from the current folder for the config).",
)
@click.option(
    "-v", "--verbose", count=True, help="Say more (details, tracebacks of internal errors)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.version_option(
    __version__, "--version", prog_name="lingopress", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, project: Path | None, verbose: int, quiet: bool) -> None:
    """Translate a Markdown newsletter offline and publish it in many languages.

    Issues are segmented by section, machine-translated with glossaries that keep
    technical terms right, reviewed by translators as gettext .po catalogs, and
    rendered into a static site per language.
    """
    ctx.obj = Session(project=project, verbosity=-1 if quiet else verbose)


@cli.command()
@click.argument("folder", type=DIRECTORY, metavar="DIR")
@click.option("--title", default="My Newsletter", show_default=True, help="The site's title.")
@click.option(
    "--source-language",
    "source",
    type=LANG,
    default="en",
    show_default=True,
    help="The language the issues are written in.",
)
@click.option(
    "--language",
    "-l",
    "languages",
    type=LANG,
    multiple=True,
    help="A target language (repeat for several; default: es).",
)
@click.option(
    "--base-url",
    default="https://example.org/",
    show_default=True,
    help="The absolute URL the site will be published at.",
)
@click.option("--author", default="The editors", show_default=True, help="The site's author.")
@click.pass_obj
def init(
    session: Session,
    folder: Path,
    title: str,
    source: str,
    languages: tuple[str, ...],
    base_url: str,
    author: str,
) -> None:
    """Create a new newsletter project in DIR (never overwrites files)."""
    if source in languages:
        raise click.BadParameter(f"'{source}' is the source language", param_hint="--language")
    if not title.strip():
        raise click.BadParameter("must not be empty", param_hint="--title")
    try:
        base_url = normalise_base_url(base_url)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from None
    targets = [parse_language(tag) for tag in languages or ("es",)]
    settings = ProjectSettings(title, parse_language(source), targets, base_url, author)
    written = init_project(folder, settings, dt.date.today())
    for path in written:
        session.detail(f"wrote {path}")
    session.say(f"Created a lingopress project in {folder} ({len(written)} files).")
    session.say(f"Next: cd {folder} && lingopress run")


@cli.command()
@click.pass_obj
@writes_project
def extract(session: Session) -> None:
    """Extract issues and templates into locales/templates/*.pot."""
    extract_stage(session)


def extract_stage(session: Session) -> None:
    """Write the templates of every issue and of the site, and say what changed."""
    config = session.config
    written, removed = extract_templates(config, read_issues(config.paths))
    report_written(session, written, "templates")
    for path in removed:
        session.say(f"removed {config.paths.relative(path)} (its issue is gone)")


@cli.command()
@lang_option
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 if a catalog is not up to date (for CI).",
)
@click.pass_obj
@writes_project
def update(session: Session, langs: tuple[str, ...], check_only: bool) -> None:
    """Create or update locales/<lang>/*.po from the .pot templates, keeping every translation."""
    update_stage(session, langs, check_only=check_only)


def update_stage(session: Session, langs: tuple[str, ...], *, check_only: bool = False) -> None:
    """Merge the templates into the catalogs of the chosen languages, and report."""
    config = session.config
    languages = selected_languages(config, langs)
    written = update_catalogs(config, languages, dry_run=check_only)
    if not check_only:
        report_written(session, written, "catalogs")
        return
    stale = [result for result in written if result.changed]
    for result in stale:
        session.say(
            f"would {'create' if result.created else 'update'} {config.paths.relative(result.path)}"
        )
    if stale:
        raise LingopressError(f"{len(stale)} catalogs are not up to date: run 'lingopress update'")
    session.say(f"catalogs: all {len(written)} up to date")


def selected_languages(config: Config, langs: tuple[str, ...]) -> list[LanguageSettings]:
    """The configured languages named by ``--lang``, or all of them."""
    return [config.language(tag) for tag in langs] if langs else list(config.languages)


def report_written(session: Session, written: list[Written], what: str) -> None:
    """One line of totals, and with ``-v`` one line per file that changed."""
    changed = [result for result in written if result.changed]
    created = sum(result.created for result in changed)
    for result in changed:
        verb = "created" if result.created else "updated"
        session.detail(f"  {verb} {session.config.paths.relative(result.path)}")
    session.say(
        f"{what}: {len(written)} in all, {created} created, {len(changed) - created} updated, "
        f"{len(written) - len(changed)} unchanged"
    )


@cli.command()
@lang_option
@issue_option
@click.option(
    "--engine",
    type=ENGINE_CHOICE,
    help="The MT engine (default: each language's engine in the config; "
    "auto: an installed Argos package, else Apertium).",
)
@click.option(
    "--device",
    type=click.Choice(["cpu", "cuda"]),
    default="cpu",
    show_default=True,
    help="Where Argos models run.",
)
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True)
@click.option(
    "--compute-type",
    default="default",
    show_default=True,
    help="CTranslate2 compute type for Argos models (int8, float16, ...).",
)
@click.option(
    "--retranslate-fuzzy",
    is_flag=True,
    help="Also replace machine-translated fuzzy entries (never reviewed or outdated ones).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be translated; call no engine.")
@click.pass_obj
@writes_project
def translate(
    session: Session,
    langs: tuple[str, ...],
    issues: tuple[str, ...],
    engine: str | None,
    device: str,
    beam_size: int,
    compute_type: str,
    retranslate_fuzzy: bool,
    dry_run: bool,
) -> None:
    """Machine-translate untranslated entries into fuzzy entries with provenance."""
    options = EngineOptions(device=device, compute_type=compute_type, beam_size=beam_size)
    translate_stage(session, langs, issues, engine, options, retranslate_fuzzy, dry_run)


def translate_stage(
    session: Session,
    langs: tuple[str, ...],
    issues: tuple[str, ...] = (),
    engine: str | None = None,
    options: EngineOptions | None = None,
    retranslate_fuzzy: bool = False,
    dry_run: bool = False,
) -> None:
    """Run the translate stage with a progress bar on a terminal, then summarise."""
    config = session.config
    languages = selected_languages(config, langs)
    with _progress_bar(session, "translating") as advance:
        reports = translate_catalogs(
            config,
            languages,
            issues=issues,
            engine_choice=engine,
            options=options,
            retranslate_fuzzy=retranslate_fuzzy,
            dry_run=dry_run,
            progress=advance,
        )
    for report in reports:
        session.say(_translation_summary(report, dry_run))


def _translation_summary(report: LanguageReport, dry_run: bool) -> str:
    """One line per language: what was (or would be) translated, and how fast."""
    if not report.segments:
        return f"{report.tag}: nothing to translate"
    if report.skipped:
        return f"{report.tag}: {report.segments} segments left untranslated: {report.skipped}"
    if dry_run:
        return f"{report.tag}: would translate {report.segments} segments with {report.engine}"
    failed = f", {report.failed} left untranslated (see their comments)" if report.failed else ""
    return (
        f"{report.tag}: {report.segments} segments, {report.sentences} sentences in "
        f"{report.catalogs} catalogs with {report.engine}: {report.seconds:.1f} s, "
        f"{report.rate:.1f} sentences/s{failed}"
    )


@contextlib.contextmanager
def _progress_bar(session: Session, label: str) -> Iterator[Progress]:
    """A progress callback that draws a bar on a terminal and stays silent in pipes."""
    if session.verbosity < 0 or not sys.stdout.isatty():
        yield lambda tag, done: None
        return
    with click.progressbar(length=0, label=label, show_pos=True) as bar:

        def advance(tag: str, done: int) -> None:
            bar.label = f"{label} {tag}"
            bar.update(done)

        yield advance


@cli.command()
@click.option("--to", "target", type=LANG, required=True, help="Target language.")
@click.option(
    "--from", "source", type=LANG, help="Source language (default: the project's, or en)."
)
@click.option(
    "--engine", type=ENGINE_CHOICE, default="auto", show_default=True, help="The MT engine."
)
@click.option("--no-glossary", is_flag=True, help="Translate without the glossaries.")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
@click.pass_obj
def mt(
    session: Session,
    target: str,
    source: str | None,
    engine: str,
    no_glossary: bool,
    device: str,
) -> None:
    """Translate stdin (one segment a line) to stdout, with masking and glossaries."""
    try:
        config: Config | None = session.config
    except ConfigError:  # outside a project: no glossary, English by default
        config = None
    source = source or (config.source.tag if config else "en")
    glossary = read_glossary(config.paths, target) if config and not no_glossary else None
    chosen = choose_engine(
        engine, parse_language(source), parse_language(target), EngineOptions(device=device)
    )
    lines = sys.stdin.read().splitlines()
    outcomes = machine_translate(lines, chosen, target, glossary)
    failed = []
    for number, (line, outcome) in enumerate(zip(lines, outcomes, strict=True), start=1):
        click.echo(outcome.translation if outcome.translation is not None else line)
        if outcome.translation is None:
            failed.append(f"line {number}: {outcome.problem}")
    if failed:
        click.echo(f"{len(failed)} lines kept untranslated ({'; '.join(failed)})", err=True)


@cli.command()
@lang_option
@issue_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@format_option
@click.pass_obj
def check(
    session: Session,
    langs: tuple[str, ...],
    issues: tuple[str, ...],
    strict: bool,
    output_format: str,
) -> None:
    """Report problems in translations as path:line: severity check-id: message.

    Errors exit 1, warnings only with --strict. A translator silences a check on one
    entry with the translator comment "# lingopress: ignore CHECK-ID".
    """
    check_stage(session, langs, issues, strict=strict, output_format=output_format)


def check_stage(
    session: Session,
    langs: tuple[str, ...],
    issues: tuple[str, ...] = (),
    *,
    strict: bool = False,
    output_format: str = "text",
    in_pipeline: bool = False,
) -> None:
    """Print every problem of the chosen catalogs; fail on errors (and warnings if strict)."""
    from lingopress.checks import check_project

    config = session.config
    tags = [settings.tag for settings in selected_languages(config, langs)]
    report = check_project(config, tags, issues)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            if problem.severity == "error" or strict or not in_pipeline:
                click.echo(str(problem))
            else:
                session.say(str(problem))  # warnings on the way through run: not with -q
    if report.failed(strict):
        raise LingopressError(report.summary() + (" (--strict)" if strict else ""))
    if output_format == "text":
        session.say(report.summary())


@cli.command()
@lang_option
@click.option("--by-section", is_flag=True, help="Break the counts down by section.")
@format_option
@click.pass_obj
def status(session: Session, langs: tuple[str, ...], by_section: bool, output_format: str) -> None:
    """Show how much of each issue is reviewed, fuzzy or untranslated."""
    config = session.config
    tags = [settings.tag for settings in selected_languages(config, langs)]
    results = project_progress(config, tags)
    if output_format == "json":
        click.echo(json.dumps(status_report(results, by_section), ensure_ascii=False, indent=2))
    else:
        for line in status_lines(results, by_section):
            click.echo(line)


@cli.command()
@lang_option
@issue_option
@click.option(
    "--out", type=DIRECTORY, required=True, metavar="DIR", help="Where to write the pages."
)
@click.pass_obj
def review(session: Session, langs: tuple[str, ...], issues: tuple[str, ...], out: Path) -> None:
    """Write static side-by-side review pages (source, translation, state, problems).

    DIR/index.html lists the languages, DIR/<lang>/index.html the issues of one
    language, DIR/<lang>/<slug>.html the messages of one issue by section. The pages
    open from the file system and run no script.
    """
    from lingopress.review import render_review, review_site, write_review

    config = session.config
    site = review_site(config, selected_languages(config, langs), issues)
    written = write_review(render_review(site), out)
    for result in written:
        if result.changed:
            session.detail(f"  {'created' if result.created else 'updated'} {result.path}")
    created = sum(result.created for result in written)
    updated = sum(result.changed for result in written) - created
    pages, languages = len(site.pages), len(site.languages)
    messages = sum(len(page.entries) for page in site.pages)
    problems = sum(sum(page.problems.values()) for page in site.pages)
    session.say(
        f"review: {pages} issue page{'s' * (pages != 1)} in {languages} "
        f"language{'s' * (languages != 1)}, {messages} messages, {problems} problems; "
        f"{created} created, {updated} updated, {len(written) - created - updated} unchanged; "
        f"open {out / 'index.html'}"
    )


@cli.command()
@click.option("--lang", "lang", type=LANG, required=True, help="The target language.")
@issue_option
@click.option(
    "--out", type=DIRECTORY, required=True, metavar="DIR", help="Where to write the files."
)
@click.option("--include-fuzzy", is_flag=True, help="Use unreviewed (fuzzy) translations too.")
@click.pass_obj
def export(
    session: Session, lang: str, issues: tuple[str, ...], out: Path, include_fuzzy: bool
) -> None:
    """Write the translated Markdown of issues (DIR/<slug>.md), for publishing elsewhere.

    Reviewed translations are used (with --include-fuzzy unreviewed ones too); other
    segments stay in the source language.
    """
    from lingopress.export import export_issues, write_exported

    exported = export_issues(session.config, lang, issues, out, include_fuzzy=include_fuzzy)
    written = write_exported(exported)
    for item, result in zip(exported, written, strict=True):
        state = ("created" if result.created else "updated") if result.changed else "unchanged"
        session.detail(
            f"  {state} {item.path} ({item.translated} of {item.segments} segments translated)"
        )
    created = sum(result.created for result in written)
    updated = sum(result.changed for result in written) - created
    translated = sum(item.translated for item in exported)
    segments = sum(item.segments for item in exported)
    session.say(
        f"export {lang}: {len(written)} issue{'s' * (len(written) != 1)}, "
        f"{translated} of {segments} segments translated"
        f"{' (fuzzy included)' if include_fuzzy else ''}; {created} created, {updated} updated, "
        f"{len(written) - created - updated} unchanged"
    )


@cli.command()
@lang_option
@click.option(
    "--out", type=DIRECTORY, metavar="DIR", help="Output folder (default: the configured site/)."
)
@click.pass_obj
@writes_project
def build(session: Session, langs: tuple[str, ...], out: Path | None) -> None:
    """Render the static site for every language (--lang: a site of those languages only)."""
    build_stage(session, langs, out)


def build_stage(session: Session, langs: tuple[str, ...], out: Path | None = None) -> None:
    """Render the site into its folder, writing only the files that change, and report."""
    from lingopress.render import build_site

    config = session.config
    result = build_site(config, selected_languages(config, langs), out)
    for name in result.written:
        session.detail(f"  wrote {name}")
    for name in result.removed:
        session.detail(f"  removed {name}")
    session.say(
        f"site: {result.pages} pages in {result.languages} languages in "
        f"{config.paths.relative(result.folder)}/ ({len(result.written)} files written, "
        f"{result.files - len(result.written)} unchanged, {len(result.removed)} removed)"
    )


@cli.command()
@click.option("--force", is_flag=True, help="Run every stage even if nothing changed.")
@click.pass_obj
@writes_project
def run(session: Session, force: bool) -> None:
    """Run the whole pipeline: extract, update, translate, check, build (incremental)."""
    from lingopress.runstate import record_run, unchanged_since_last_run

    config = session.config
    if not force and unchanged_since_last_run(config):
        session.say(f"{config.site.title}: nothing changed since the last run")
        return
    issues = read_issues(config.paths)
    languages = ", ".join(f"{s.tag} ({s.publish}, engine {s.engine})" for s in config.languages)
    session.say(f"project: {config.site.title} ({config.paths.relative(config.file)})")
    segments = sum(len(issue.segments) for issue in issues)
    session.say(
        f"issues: {len(issues)} read from {config.paths.relative(config.paths.issues)}/, "
        f"{segments} segments"
    )
    for issue in issues:
        session.detail(
            f"  {issue.slug}: {issue.title} "
            f"({len(issue.sections)} sections, {len(issue.segments)} segments)"
        )
    session.say(f"languages: {config.source.tag} -> {languages}")
    from lingopress.render import check_theme

    check_theme(config)  # a broken template stops the run before any stage writes
    extract_stage(session)
    update_stage(session, ())
    translate_stage(session, ())
    check_stage(session, (), in_pipeline=True)
    build_stage(session, ())
    record_run(config)


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="The port on localhost.",
)
@click.pass_obj
def serve(session: Session, port: int) -> None:
    """Serve the built site on localhost for preview (Ctrl-C stops)."""
    from lingopress.errors import SiteError
    from lingopress.render import preview_server

    config = session.config
    folder = config.paths.site
    if not (folder / "index.html").is_file():
        message = "no site to serve: run 'lingopress build' first"
        raise SiteError(message, config.paths.relative(folder))
    log = (lambda line: click.echo(line, err=True)) if session.verbosity > 0 else None
    server = preview_server(folder, port, log)
    shown = config.paths.relative(folder)
    session.say(f"Serving {shown}/ at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        session.say("stopped")
    finally:
        server.server_close()


@cli.group()
def models() -> None:
    """Manage Argos Translate packages (offline MT models)."""


@models.command("list")
def models_list() -> None:
    """List installed Argos packages."""
    folder = models_lib.packages_dir()
    packages = models_lib.installed_packages(folder)
    if not packages:
        click.echo(f"no Argos packages installed in {folder}")
    for package in packages:
        click.echo(
            f"{package.from_code} -> {package.to_code}  {package.model_id}  ({package.path})"
        )


@models.command("available")
def models_available() -> None:
    """List packages offered by the Argos package index."""
    for entry in models_lib.fetch_index():
        version = entry.get("package_version", "?")
        click.echo(f"{entry.get('from_code')} -> {entry.get('to_code')}  {version}")


@models.command("install")
@click.argument("source", metavar="FROM|FILE.argosmodel")
@click.argument("target", metavar="[TO]", required=False)
def models_install(source: str, target: str | None) -> None:
    """Install a package from the index (FROM TO) or from a file (FILE.argosmodel)."""
    if target is None:
        archive = Path(source)
        if not archive.is_file():
            raise click.BadParameter(f"{source} is not a file (or give FROM TO)", param_hint="FROM")
        package = models_lib.install_archive(archive)
    else:
        package = models_lib.download_and_install(source, target, models_lib.fetch_index())
    click.echo(f"installed {package.model_id} in {package.path}")


@models.command("remove")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
def models_remove(source: str, target: str) -> None:
    """Remove the installed package for FROM -> TO."""
    package = models_lib.remove_package(source, target)
    click.echo(f"removed {package.model_id} from {package.path.parent}")


@cli.group()
def glossary() -> None:
    """Check, import, export and grow the terminology glossaries."""


@glossary.command("check")
@click.pass_obj
def glossary_check(session: Session) -> None:
    """Check the glossary files themselves (duplicates, malformed rows, conflicts)."""
    config = session.config
    paths = config.paths
    verbatim = read_terms(paths.glossary, paths, verbatim=True)
    session.say(f"{paths.relative(paths.glossary)}: {len(verbatim)} terms kept verbatim")
    for settings in config.languages:
        path = paths.language_glossary(settings.tag)
        terms = read_terms(path, paths, verbatim=False)
        forbidden = sum(len(term.forbidden) for term in terms)
        session.say(f"{paths.relative(path)}: {len(terms)} terms, {forbidden} forbidden renderings")


@glossary.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@click.pass_obj
@writes_project
def glossary_import(session: Session, file: Path, langs: tuple[str, ...]) -> None:
    """Import terms from a TBX (v2 or v3) or CSV file (ours or Weblate's) into the glossaries.

    Existing rows win; terms the same in every language go to locales/glossary.csv.
    A CSV file holds one language: give --lang unless only one is configured.
    """
    from lingopress import termbase

    config = session.config
    tags = [settings.tag for settings in selected_languages(config, langs)]
    plan = termbase.plan_import(config, file, tags, restricted=bool(langs))
    termbase.write_import(plan)
    for update in plan.files:
        if update.added or update.skipped:
            session.say(
                f"{config.paths.relative(update.path)}: {len(update.added)} added, "
                f"{update.skipped} skipped (already there)"
            )
    if plan.ignored:
        session.say(f"ignored: {plan.ignored} entries without a usable term")
    if plan.unknown_languages:
        session.say(f"not configured, left out: {', '.join(sorted(plan.unknown_languages))}")


@glossary.command("export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "tbx"]),
    required=True,
    help="TBX v2 (TBX-Basic, every language) or CSV (Weblate layout, one language).",
)
@lang_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write to FILE (default: standard output).",
)
@click.pass_obj
def glossary_export(
    session: Session, output_format: str, langs: tuple[str, ...], out: Path | None
) -> None:
    """Export the glossaries for CAT tools (TBX) or Weblate (CSV: source,target,comments)."""
    from lingopress import termbase
    from lingopress.fileio import write_atomic

    config = session.config
    tags = [settings.tag for settings in selected_languages(config, langs)]
    if output_format == "tbx":
        data = termbase.export_tbx(config, tags)
    elif len(tags) == 1:
        data = termbase.export_csv(config, tags[0])
    else:
        raise click.UsageError(
            f"--format csv exports one language: add --lang (one of {', '.join(tags)})"
        )
    if out is None:
        click.echo(data, nl=False)  # bytes: written as they are
        return
    write_atomic(out, data)
    session.say(f"wrote {out} ({output_format}, {', '.join(tags)})")


@glossary.command("suggest")
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=40,
    show_default=True,
    help="How many candidates to list.",
)
@click.pass_obj
def glossary_suggest(session: Session, limit: int) -> None:
    """Suggest terms found in the issues that are not in the glossary yet."""
    from lingopress import termbase

    config = session.config
    known = termbase.all_terms(config)
    for found in termbase.suggest_terms(read_issues(config.paths), known, limit):
        click.echo(f"{found.occurrences:4}  {found.term}  (issues: {', '.join(found.issues)})")


@cli.group()
def tm() -> None:
    """Translation memory."""


@tm.command("export")
@click.option("--lang", "lang", type=LANG, required=True, help="The target language.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar="FILE.tmx",
    help="The TMX file to write.",
)
@click.pass_obj
def tm_export(session: Session, lang: str, out: Path) -> None:
    """Export the reviewed translations of every catalog of a language as TMX 1.4."""
    from lingopress.fileio import write_if_changed
    from lingopress.tmx import export_tmx

    memory = export_tmx(session.config, lang)
    for share in memory.catalogs:
        session.detail(f"  {share.shown}: {share.reviewed} reviewed messages")
    result = write_if_changed(out, memory.data)
    session.say(
        f"tm export {lang}: {memory.units} translation units from {len(memory.catalogs)} "
        f"catalogs in {out}{'' if result.changed else ' (unchanged)'}"
    )


def main() -> None:
    """Entry point of the ``lingopress`` console script."""
    cli(prog_name="lingopress")


if __name__ == "__main__":  # pragma: no cover
    main()
