"""Shared helpers of the performance benchmarks: the machine, generated archives, timing.

Not a benchmark itself. The scripts of this folder import it (they put their own folder
first on ``sys.path``), and so do the tests through them.

**Archives.** :func:`build_archive` writes a newsletter project of N issues into a folder:
variations of the bundled issues (``issues/*.md``), each with its own slug, number, date
and title, its top-level sections shuffled and about one word in five of its text
replaced by another word of the bundled issues (so that no two issues share their
paragraphs, while their size, Markdown and vocabulary stay those of the real thing); four
target languages whose catalogs are in realistic states:

- ``zh-Hans`` and ``ja``: reviewed (pseudo-translated, fuzzy flag and MT comment removed),
  published under the ``reviewed`` policy;
- ``ar``: two entries in three reviewed, the others machine-translated (fuzzy), ``reviewed``;
- ``es``: machine-translated (fuzzy, ``# MT: pseudo ...``), published as ``machine``.

Every language uses the offline ``pseudo`` engine. The catalogs are made with the
library (extract, update, translate), then the editor changes one issue in ten
(:data:`EDIT_EVERY`) a little: one paragraph reworded (an ``outdated`` match for
``update``) and one new paragraph at the end (a new message). The templates are then
removed, so that the archive is what a project looks like after a fresh checkout of
sources and catalogs. Nothing is built yet.

:func:`archive_copy` keeps a pristine archive per size in a cache folder and hands out
copies, so that several benchmarks (or runs) do not generate the same archive again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lingopress import __version__, reassemble, segment
from lingopress.frontmatter import read_front_matter
from lingopress.segments import Segment

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"
ISSUES = REPO / "issues"
MB = 1024 * 1024
ARCHIVE_VERSION = 2
"""Changes whenever :func:`build_archive` would write something else (cached archives)."""
REVIEWED = ("zh-Hans", "ja")
PARTLY_REVIEWED = ("ar",)
MACHINE = ("es",)
LANGUAGES = (*REVIEWED, "es", *PARTLY_REVIEWED)
CONFIG = """\
# A generated archive of The Weekly Gradient (benchmarks/perfkit.py).
source_language = "en"

[site]
title = "The Weekly Gradient"
base_url = "https://weekly-gradient.example.org/"
author = "Mira Okafor"

[languages.zh-Hans]
engine = "pseudo"
publish = "reviewed"

[languages.ja]
engine = "pseudo"
publish = "reviewed"

[languages.es]
engine = "pseudo"
publish = "machine"

[languages.ar]
engine = "pseudo"
publish = "reviewed"
"""
FIRST_WEEK = dt.date(2015, 1, 5)  # a Monday: issue 1
EDIT_EVERY = 10
"""One issue in this many (1, 11, 21, ...) was edited since its catalogs were made."""
_WORD = re.compile(r"(?<![\w/.:#@`<&=?%+~-])[a-z]{4,}(?![\w/.:@`=?&%(~+-])")
_CANDIDATE_KINDS = ("paragraph", "list_item")
_MARKER = ".perfkit-archive.json"


# --- The machine ------------------------------------------------------------------------


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo``, else :func:`platform.processor`)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def memory_gib() -> float | None:
    """Physical memory in GiB (``/proc/meminfo``), if known."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def machine() -> dict[str, str]:
    """What the figures were measured on, as labels and values."""
    ram = memory_gib()
    return {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "RAM": f"{ram:.1f} GiB" if ram is not None else "unknown",
        "Python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "lingopress": __version__,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": load_average(),
    }


def load_average() -> str:
    """The load averages over 1, 5 and 15 minutes (other work on the machine)."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def machine_line() -> str:
    """The machine on one line, for the first line a benchmark prints."""
    info = machine()
    return (
        f"{info['CPU']}, {info['cores']} cores, {info['RAM']} RAM, Python {info['Python']}, "
        f"{info['date']}, load {info['load']}"
    )


# --- Timing -----------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB (``ru_maxrss``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, else KB


@dataclass(frozen=True)
class Timed:
    """A finished command: wall-clock and CPU seconds (its own and its children's)."""

    wall: float
    cpu: float
    result: subprocess.CompletedProcess[str]


def run_timed(
    command: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Timed:
    """Run a command to completion and time it.

    The CPU time is user + system time of the command and of the processes it waited for,
    from ``getrusage(RUSAGE_CHILDREN)``: it does not count time spent waiting for a CPU,
    so it is steadier than the wall-clock time on a busy machine.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, result)


def check_ok(result: subprocess.CompletedProcess[str], what: str) -> None:
    """Raise with the command's output when it failed."""
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} failed with status {result.returncode}:\n{result.stdout}{result.stderr}"
        )


def median(values: Sequence[float]) -> float:
    """The median of some timings."""
    return statistics.median(values)


def lingopress_command(*args: str | os.PathLike[str]) -> list[str]:
    """The lingopress command line of this Python environment."""
    return [sys.executable, "-m", "lingopress", *(str(arg) for arg in args)]


def quiet_env(**more: str) -> dict[str, str]:
    """The environment for lingopress subprocesses: no Argos packages, fixed dates."""
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "1732665600")
    env.update(more)
    return env


# --- Generated archives -----------------------------------------------------------------


@dataclass(frozen=True)
class BaseIssue:
    """A bundled issue cut into the parts an archive issue is made of."""

    slug: str
    meta: Mapping[str, object]
    intro: str
    sections: tuple[str, ...]


def top_level_sections(body: str) -> tuple[str, list[str]]:
    """A body cut before each top-level heading outside code: the text before, the sections.

    Each part ends with a newline, so any order of them is a valid body.
    """
    parts: list[list[str]] = [[]]
    fence = ""
    for line in body.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
        elif marker and len(line) - len(stripped) < 4:
            fence = marker.group(1)
        elif line.startswith("# ") or line.rstrip("\n") == "#":
            parts.append([])
        parts[-1].append(line)
    texts = ["".join(part) for part in parts]
    texts = [text if text.endswith("\n\n") else text.rstrip("\n") + "\n\n" for text in texts]
    return texts[0], texts[1:]


def base_issues(folder: Path | None = None) -> list[BaseIssue]:
    """The bundled issues (or those of ``folder``), in name order, cut into sections."""
    folder = folder or ISSUES
    found = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = read_front_matter(text, path)
        intro, sections = top_level_sections(text[front.body_offset :])
        if not intro.strip() and sections:
            intro = sections.pop(0)  # the title heading and what follows it stay first
        if not sections:
            intro, sections = "", [intro]
        found.append(BaseIssue(path.stem, dict(front.meta), intro, tuple(sections)))
    if not found:
        raise FileNotFoundError(f"no issues (*.md) in {folder}")
    return found


def vocabulary(bases: Sequence[BaseIssue]) -> list[str]:
    """The lower-case words of four letters or more of the bundled issues, sorted."""
    words: set[str] = set()
    for base in bases:
        for part in (base.intro, *base.sections):
            words.update(_WORD.findall(part))
    return sorted(words)


def vary(text: str, rng: random.Random, words: Sequence[str], share: float = 0.2) -> str:
    """``text`` with about ``share`` of its plain lower-case words replaced by others.

    Only words that stand alone (not in a URL, a path or an identifier) are replaced, so
    links and markup stay what they were.
    """
    return _WORD.sub(lambda m: rng.choice(words) if rng.random() < share else m.group(), text)


def issue_date(number: int) -> dt.date:
    """Issue ``number`` (from 1) comes out weekly from :data:`FIRST_WEEK`."""
    return FIRST_WEEK + dt.timedelta(weeks=number - 1)


def issue_slug(number: int) -> str:
    """``2015-w01`` and so on: the ISO year and week of the issue."""
    year, week, _ = issue_date(number).isocalendar()
    return f"{year}-w{week:02d}"


def issue_title(number: int) -> str:
    """The title of issue ``number``, as the bundled issues write theirs."""
    year, week, _ = issue_date(number).isocalendar()
    return f"The Weekly Gradient — Week {week}, {year}"


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def make_issue(number: int, bases: Sequence[BaseIssue], words: Sequence[str]) -> str:
    """The first version of issue ``number``: a varied copy of a bundled issue."""
    rng = random.Random(number)
    base = bases[(number - 1) % len(bases)]
    sections = list(base.sections)
    rng.shuffle(sections)
    intro = base.intro.replace(str(base.meta.get("title", "")), issue_title(number))
    summary = vary(str(base.meta.get("summary", "")), rng, words)
    front = (
        f"---\ntitle: {_yaml_string(issue_title(number))}\ndate: {issue_date(number)}\n"
        f"number: {number}\nsummary: {_yaml_string(summary)}\n---\n\n"
    )
    text = front + intro + "".join(sections)

    def varied(item: Segment) -> str:
        if item.kind.startswith("front_matter"):
            return item.text
        return vary(item.text, rng, words)

    return reassemble(text, varied).rstrip("\n") + "\n"


def edit_issue(text: str, number: int, bases: Sequence[BaseIssue], words: Sequence[str]) -> str:
    """The editor's second version: one paragraph reworded, one new paragraph at the end."""
    rng = random.Random(-number)
    candidates = [
        index
        for index, item in enumerate(segment(text))
        if item.kind in _CANDIDATE_KINDS and len(item.text.split()) >= 12
    ]
    chosen = rng.choice(candidates) if candidates else -1
    counter = iter(range(1 << 30))

    def reworded(item: Segment) -> str:
        if next(counter) != chosen:
            return item.text
        return vary(item.text, rng, words, share=0.08)

    edited = reassemble(text, reworded) if candidates else text
    other = bases[number % len(bases)]
    paragraphs = [
        block
        for part in other.sections
        for block in part.split("\n\n")
        if block[:1].isalpha() and len(block.split()) >= 20 and "\n" not in block.strip()
    ]
    added = vary(rng.choice(paragraphs), rng, words, share=0.3) if paragraphs else "Thanks."
    return edited.rstrip("\n") + "\n\nEditor's note: " + added.strip() + "\n"


def _review(root: Path) -> None:
    """Put every catalog of the archive in its language's state (see the module's text)."""
    import polib

    from lingopress.catalog import read_catalog, write_catalog
    from lingopress.translation import MT_COMMENT

    for tag in (*REVIEWED, *PARTLY_REVIEWED):
        for path in sorted((root / "locales" / tag).glob("*.po")):
            catalog: polib.POFile = read_catalog(path, path.name)
            for index, entry in enumerate(catalog):
                if entry.obsolete or not entry.fuzzy:
                    continue
                if tag in PARTLY_REVIEWED and index % 3 == 2:
                    continue  # stays machine translation
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                kept = [line for line in (entry.tcomment or "").split("\n") if line]
                entry.tcomment = "\n".join(line for line in kept if not line.startswith(MT_COMMENT))
            write_catalog(path, catalog)


def build_archive(root: Path, count: int, *, progress: Callable[[str], None] | None = None) -> Path:
    """Write an archive of ``count`` issues into ``root`` (new or empty); return ``root``."""
    from lingopress.config import load_config
    from lingopress.extraction import extract_templates
    from lingopress.issue import read_issues
    from lingopress.translation import translate_catalogs
    from lingopress.update import update_catalogs

    say = progress or (lambda line: None)
    if count < 1:
        raise ValueError("an archive has at least one issue")
    root.mkdir(parents=True, exist_ok=True)
    (root / "lingopress.toml").write_text(CONFIG, encoding="utf-8")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
    issues = root / "issues"
    issues.mkdir(exist_ok=True)
    if (ISSUES / "img").is_dir():
        shutil.copytree(ISSUES / "img", issues / "img", dirs_exist_ok=True)
    bases = base_issues()
    words = vocabulary(bases)
    started = time.perf_counter()
    texts = {number: make_issue(number, bases, words) for number in range(1, count + 1)}
    for number, text in texts.items():
        (issues / f"{issue_slug(number)}.md").write_text(text, encoding="utf-8")
    say(f"  {count} issues written ({time.perf_counter() - started:.1f} s)")
    config = load_config(root)
    extract_templates(config, read_issues(config.paths))
    update_catalogs(config, config.languages)
    translate_catalogs(config, config.languages)
    _review(root)
    languages = len(config.languages)
    say(f"  catalogs of {languages} languages made ({time.perf_counter() - started:.1f} s)")
    for number, text in texts.items():
        if number % EDIT_EVERY == 1:
            edited = edit_issue(text, number, bases, words)
            (issues / f"{issue_slug(number)}.md").write_text(edited, encoding="utf-8")
    shutil.rmtree(root / "locales" / "templates")
    elapsed = time.perf_counter() - started
    say(f"  1 issue in {EDIT_EVERY} edited, templates removed ({elapsed:.1f} s)")
    return root


def archive_copy(
    count: int,
    target: Path,
    cache: Path | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """A fresh archive of ``count`` issues at ``target`` (which must not exist).

    With ``cache``, the pristine archive is kept in ``cache/archive-<count>`` (built there
    the first time) and copied; without, it is built at ``target``.
    """
    if cache is None:
        return build_archive(target, count, progress=progress)
    pristine = cache / f"archive-{count}"
    marker = pristine / _MARKER
    wanted = {"version": ARCHIVE_VERSION, "issues": count, "lingopress": __version__}
    current = json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else None
    if current != wanted:
        if pristine.exists():
            shutil.rmtree(pristine)
        build_archive(pristine, count, progress=progress)
        marker.write_text(json.dumps(wanted), encoding="utf-8")
    shutil.copytree(pristine, target, ignore=shutil.ignore_patterns(_MARKER))
    return target


def archive_size(root: Path) -> tuple[int, float]:
    """The number of issues of an archive and their size in MB."""
    paths = sorted((root / "issues").glob("*.md"))
    return len(paths), sum(path.stat().st_size for path in paths) / MB


def file_times(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its modification time (ns)."""
    return {
        str(path.relative_to(folder)): path.stat().st_mtime_ns
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def write_json(path: Path | None, figures: Mapping[str, object]) -> None:
    """Write a benchmark's figures as JSON (for ``run_all.py``), if a path is given."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
