"""Merging a template into a language's catalog, so that no translation is ever lost.

:func:`merge` follows ``msgmerge``: for each message of the template, in order,

1. the same message in the old catalog (active, or obsolete: it comes back) keeps its
   translation, flags and translator comments;
2. otherwise the closest old message with a translation (similarity at least
   :data:`FUZZY_THRESHOLD`) lends its translation, marked fuzzy, with the source it
   was made for as the previous source (``#| msgid``);
3. otherwise an exact reviewed translation from another issue of the language (the
   translation memory) fills it, fuzzy, with the comment ``TM: <slug>``;
4. otherwise it is untranslated.

Old messages that are no longer in the template become obsolete (``#~``), with their
translation and flags; so do old messages whose translation was lent in step 2, so
that reverting a change brings back the original, reviewed entry. A fuzzy copy made by
step 2 is not kept as obsolete when the entry it came from is kept.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

import polib

FUZZY_THRESHOLD = 0.6
"""The similarity (``difflib`` ratio) from which an old translation is reused, as msgmerge."""

TM_COMMENT = "TM: "
"""The translator-comment prefix of a translation taken from another issue."""

Key = tuple[str | None, str]


def key(entry: polib.POEntry) -> Key:
    """What identifies a message in a catalog: its context and source text."""
    return (entry.msgctxt, entry.msgid)


def is_translated(entry: polib.POEntry) -> bool:
    """Whether an entry has a translation (every plural form, for plural messages)."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@dataclass
class TranslationMemory:
    """Reviewed translations of a language, by source text, with the issue they come from.

    ``excluded`` names issues whose translations this memory does not lend (see
    :meth:`without`).
    """

    translations: dict[str, tuple[str, str]] = field(default_factory=dict)
    excluded: frozenset[str] = frozenset()

    def learn(self, slug: str, catalog: polib.POFile) -> None:
        """Remember the reviewed, singular translations of one catalog (first one wins).

        Obsolete entries count too, after the active ones. Merging keeps every reviewed
        translation of a catalog, active or obsolete, so the memory is the same before and
        after any part of an update: an update that was interrupted between two catalogs
        lends, when run again, what an uninterrupted one would have.
        """
        entries = [entry for entry in catalog if not entry.obsolete]
        for entry in entries + [entry for entry in catalog if entry.obsolete]:
            reviewed = is_translated(entry) and not entry.fuzzy
            if reviewed and not entry.msgid_plural and entry.msgid not in self.translations:
                self.translations[entry.msgid] = (entry.msgstr, slug)

    def without(self, slug: str) -> TranslationMemory:
        """The memory without the translations of one issue (its own catalog).

        It shares this memory's translations rather than copying them, so that lending
        to every issue of an archive costs the same per issue whatever its size.
        """
        return TranslationMemory(self.translations, self.excluded | {slug})

    def get(self, msgid: str) -> tuple[str, str] | None:
        """The translation of a source text and the issue it comes from, if lent."""
        found = self.translations.get(msgid)
        return None if found is None or found[1] in self.excluded else found


def merge(
    template: polib.POFile,
    old: polib.POFile | None,
    memory: TranslationMemory | None = None,
    plurals: int = 2,
) -> list[polib.POEntry]:
    """The entries of the updated catalog: the template's messages, then obsolete ones.

    ``plurals`` is the language's number of plural forms, for new plural messages.
    """
    old_entries = list(old) if old is not None else []
    active = {key(e): e for e in old_entries if not e.obsolete}
    obsolete = {key(e): e for e in old_entries if e.obsolete}
    lenders = [e for e in old_entries if is_translated(e)]
    memory = memory or TranslationMemory()
    merged = []
    used: set[Key] = set()
    for message in template:
        message = _like(message, plurals)
        found = active.get(key(message)) or obsolete.get(key(message))
        if found is not None:
            merged.append(_kept(message, found))
            used.add(key(found))
            continue
        lender = _closest(message, lenders)
        merged.append(_fuzzy_from(message, lender) if lender else _from_memory(message, memory))
    return merged + _obsolete_entries(old_entries, used, merged)


def _kept(message: polib.POEntry, old: polib.POEntry) -> polib.POEntry:
    """A message found in the old catalog: the template's places, the old translation.

    Like the two functions below, it fills in the fresh entry made by :func:`_like`.
    """
    entry = message
    entry.msgstr = old.msgstr
    if message.msgid_plural:
        entry.msgstr_plural = dict(old.msgstr_plural) or entry.msgstr_plural
    entry.flags = list(old.flags)
    entry.tcomment = old.tcomment
    entry.previous_msgid = old.previous_msgid
    entry.previous_msgctxt = old.previous_msgctxt
    return entry


def _fuzzy_from(message: polib.POEntry, lender: polib.POEntry) -> polib.POEntry:
    """A changed message with the closest old translation, fuzzy, with its previous source."""
    entry = message
    entry.msgstr = lender.msgstr
    if message.msgid_plural:
        entry.msgstr_plural = dict(lender.msgstr_plural) or entry.msgstr_plural
    entry.flags = ["fuzzy", *(flag for flag in lender.flags if flag != "fuzzy")]
    entry.tcomment = lender.tcomment
    carried = lender.fuzzy and lender.previous_msgid
    entry.previous_msgid = lender.previous_msgid if carried else lender.msgid
    entry.previous_msgctxt = lender.previous_msgctxt if carried else lender.msgctxt
    return entry


def _from_memory(message: polib.POEntry, memory: TranslationMemory) -> polib.POEntry:
    """A new message, translated from the memory (fuzzy) if it knows the exact text."""
    entry = message
    known = None if message.msgid_plural else memory.get(message.msgid)
    if known is not None:
        entry.msgstr, slug = known
        entry.flags = ["fuzzy"]
        entry.tcomment = TM_COMMENT + slug
    return entry


def _like(message: polib.POEntry, plurals: int) -> polib.POEntry:
    """A new entry with the template message's text, places and extracted comment."""
    entry = polib.POEntry(
        msgid=message.msgid,
        msgctxt=message.msgctxt,
        msgstr="",
        occurrences=list(message.occurrences),
        comment=message.comment,
    )
    if message.msgid_plural:
        entry.msgid_plural = message.msgid_plural
        entry.msgstr_plural = dict.fromkeys(range(plurals), "")
    return entry


def _closest(message: polib.POEntry, candidates: Iterable[polib.POEntry]) -> polib.POEntry | None:
    """The translated old entry whose source is most similar, if similar enough."""
    best, best_ratio = None, FUZZY_THRESHOLD
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(message.msgid)
    for candidate in candidates:
        if bool(candidate.msgid_plural) != bool(message.msgid_plural):
            continue
        matcher.set_seq1(candidate.msgid)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio >= best_ratio and (best is None or ratio > best_ratio):
            best, best_ratio = candidate, ratio
    return best


def _obsolete_entries(
    old_entries: list[polib.POEntry], used: set[Key], merged: list[polib.POEntry]
) -> list[polib.POEntry]:
    """Old entries not in the template any more, as obsolete entries, without duplicates.

    Untranslated ones are dropped (nothing to keep), and so is a fuzzy copy whose
    previous source is kept elsewhere with the same translation.
    """
    kept: dict[Key, polib.POEntry] = {}
    for old in old_entries:
        if key(old) not in used and key(old) not in kept and is_translated(old):
            kept[key(old)] = _as_obsolete(old)
    translations = {(key(e), e.msgstr) for e in [*merged, *kept.values()]}
    return [
        entry
        for entry in kept.values()
        if not (
            entry.fuzzy
            and entry.previous_msgid
            and ((entry.previous_msgctxt, entry.previous_msgid), entry.msgstr) in translations
        )
    ]


def _as_obsolete(old: polib.POEntry) -> polib.POEntry:
    """An obsolete copy of an entry: translation, flags and comments, no places."""
    entry = polib.POEntry(
        msgid=old.msgid,
        msgctxt=old.msgctxt,
        msgstr=old.msgstr,
        flags=list(old.flags),
        tcomment=old.tcomment,
        previous_msgid=old.previous_msgid,
        previous_msgctxt=old.previous_msgctxt,
        obsolete=True,
    )
    if old.msgid_plural:
        entry.msgid_plural = old.msgid_plural
        entry.msgstr_plural = dict(old.msgstr_plural)
    return entry
