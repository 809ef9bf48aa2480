"""A text's glossary: every name, figure and user term in it, with its English form.

Names come from `names` (spaCy and rules), figures from `figures_fr`, terms from a user
glossary file (`termbase`), which overrides whatever it overlaps.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from passeur.fidelity.entry import FIGURE_KINDS, Entry
from passeur.fidelity.figures.fr import extract_figures
from passeur.fidelity.names.fr import extract_names


def extract_glossary(text: str, termbase=None) -> list[Entry]:
    """Every name, figure and term of a French text, one Entry each, in order of first use."""

    entries = extract_names(text) + _count_figures(extract_figures(text))
    if termbase is not None:
        entries = termbase.override(entries, text)
    return sorted(entries, key=lambda e: (e.start, -(e.end - e.start)))


def entries_in(sentence: str, entries: Sequence[Entry]) -> list[Entry]:
    """The document's name and term entries that occur in `sentence`, as they occur there.

    An entry met only through an alias ("Musk" for "Elon Musk") is expected in that form.
    """
    found = []
    for entry in entries:
        if entry.kind in FIGURE_KINDS:
            continue
        forms = [entry.source, *entry.aliases]
        present = [form for form in forms if occurrences(sentence, form, case=entry.kind == "term")]
        if not present:
            continue
        if entry.source in present:
            found.append(entry)
        else:
            alias = max(present, key=len)
            found.append(replace(entry, source=alias, target=alias, aliases=()))
    return found


def occurrences(text: str, form: str, case: bool = False) -> list[tuple[int, int]]:
    """Spans of `form` in `text` as a whole word (case-insensitive when `case`)."""
    if not form:
        return []
    pattern = re.compile(r"(?<![\w])" + re.escape(form) + r"(?![\w])", re.IGNORECASE if case else 0)
    return [m.span() for m in pattern.finditer(text)]


def _count_figures(figures: list[Entry]) -> list[Entry]:
    """One entry per distinct figure (same source, same value), counting its occurrences."""
    merged: dict[tuple, Entry] = {}
    for entry in figures:
        key = (entry.kind, entry.source, entry.value)
        if key in merged:
            merged[key] = replace(merged[key], count=merged[key].count + 1)
        else:
            merged[key] = entry
    return list(merged.values())
