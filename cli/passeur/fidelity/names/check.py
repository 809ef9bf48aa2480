"""The names half of a check: each source name found in the English text, as written or not.

A name is found when one of its forms is in the text once both are folded (case, accents,
space kinds, hyphens: `sameness.fold`); for a place or institution every established English
form counts. A near form is altered: a person's misspelling is an error, another romanisation
("Moubarak"/"Mubarak") or an organisation or place written another way is a warning. A person
named only in part ("Hérode le Grand" rendered "Herod") is a warning, not missing.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

from passeur.fidelity.entry import NAME_KINDS, Entry, Mention
from passeur.fidelity.figures.values import month_names
from passeur.fidelity.issue import ALTERED, ERROR, WARNING, Issue, grade, missing, unexpected
from passeur.fidelity.names.sameness import established_forms, fold, folded_text, find_folded, is_variant

_TOKEN = re.compile(r"[^\W_]+(?:[-.&'’][^\W_]+)*")
_NON_ALNUM = re.compile(r"[\W_]+")
_BREAK = re.compile(r"[^\w\s\-.&’']")  # a name does not run across other punctuation
_NEAR = 85  # rapidfuzz ratio from which a longer name counts as a misspelling
_PARTICLES = frozenset("de du des la le les d l von van der den di da del of the".split())


def forms(entry: Entry) -> list[str]:
    """The English forms that count as the name: its target, aliases, established forms."""
    found = [form for form in (entry.target, *entry.aliases) if form]
    if entry.kind in ("place", "organization"):
        found += [f for f in established_forms(entry.target) if f not in found]
    return found


def check_names(names, text: str, blocked, summary: bool):
    """(keyed issues, spans of the names found) for the source's names in `text`."""
    folded = folded_text(text)
    spans: list[tuple[int, int]] = []
    keyed: list[tuple[tuple, Issue]] = []
    unfound = []
    for index, entry in names:
        hits = [span for form in forms(entry) for span in find_folded(text, form, folded)]
        spans += hits
        if not hits:
            unfound.append((index, entry))
    tokens = [(m.start(), m.end() - (2 if m.group().endswith(("'s", "’s")) else 0))
              for m in _TOKEN.finditer(text)]
    for index, entry in unfound:
        near = _find_near(entry, text, tokens, spans + blocked)
        if near is not None:
            start, end, variant = near
            spans.append((start, end))
            found = text[start:end]
            untranslated = (found == entry.source and entry.source != entry.target
                            and (" " in found or not found.isascii()))  # "Maison Blanche", not "Mexico"
            certain = entry.certain or _letter_slip(entry.target, found)
            severity = (ERROR if untranslated else WARNING if variant
                        else grade(ALTERED, entry.kind, summary=summary, certain=certain))
            keyed.append(((index, start), Issue(ALTERED, entry.kind, entry.source, entry.target,
                                                found, start, end, severity=severity,
                                                repairable=untranslated or _slip(entry.target, found,
                                                                                 entry.certain))))
        elif not summary:  # a person named in part, or by a single word, is not surely dropped
            single = len([w for w in _TOKEN.findall(entry.target) if w.lower() not in _PARTICLES]) < 2
            partly = entry.kind == "person" and (single or _named_in_part(entry, text))
            keyed.append(missing(index, entry, certain=not partly))
    return keyed, spans


def _named_in_part(entry: Entry, text: str) -> bool:
    """Whether a word of a person's name (4+ letters) is in the text, another romanisation too."""
    words = {fold(w) for w in _TOKEN.findall(text)}
    for word in _TOKEN.findall(entry.target):
        if len(word) >= 4 and word.lower() not in _PARTICLES:
            if fold(word) in words or any(is_variant(word, w) for w in words if w[:1] == fold(word)[:1]):
                return True
    return False


def _slip(expected: str, found: str, certain: bool = True) -> bool:
    """A misspelling a repair may put right: one letter changed in place, or a letter doubled
    or undoubled ("Altmann"); not an ending ("Anatolie" / "Anatolia"), not a letter added
    ("Aristote" / "Aristotle"), not an accent the English left out on purpose ("Muslimov")."""
    if _accented(expected) and not _accented(found):
        return False
    a, b = _normal(expected), _normal(found)
    if len(a) == len(b):  # a sure person's last letter too; an uncertain name's ending may be English
        return _letter_slip(expected, found, ending=certain)
    short, long_ = sorted((a, b), key=len)
    if len(long_) - len(short) != 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return long_[:i] + long_[i + 1:] == short and i > 0 and long_[i] == long_[i - 1]


def _accented(name: str) -> bool:
    """Whether `name` carries a diacritic ("Muslimov" with its accent); apostrophe styles and
    no-break spaces are no accents ("O’Leary", "Bill\u00a0Shuster")."""
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", name)) or any(
        c in "ßøłđØŁĐ" for c in name)


def _letter_slip(expected: str, found: str, ending: bool = False) -> bool:
    """One letter changed in place ("Hollywood" / "Holtywood"): a slip even for a name that may
    be a common word, unless it is the last letter, where French and English endings differ
    ("Mercure" / "Mercury", "Judée" / "Judea", "Tolède" / "Toledo")."""
    a, b = _normal(expected), _normal(found)
    differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(a) == len(b) >= 4 and len(differ) == 1 and (ending or differ[0] != len(a) - 1)


def _normal(name: str) -> str:
    return _NON_ALNUM.sub("", fold(name))


def _near(form: str, candidate: str) -> float:
    """100 for the same letters, else a fuzzy score: ratio for long names, one edit for short."""
    a, b = _normal(form), _normal(candidate)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    if min(len(a), len(b)) < 4 or a[0] != b[0]:
        return 0.0
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.fuzz import ratio

    if min(len(a), len(b)) <= 7 and Levenshtein.distance(a, b) <= 1:
        return float(_NEAR)
    score = ratio(a, b)
    return score if score >= _NEAR else 0.0


def _find_near(entry: Entry, text: str, tokens, blocked):
    """(start, end, variant) of the span of `text` most like one of `entry`'s forms, if any."""
    best = None
    candidates = forms(entry) + ([entry.source] if entry.source not in forms(entry) else [])
    for form in candidates:
        size = len(_TOKEN.findall(form)) or 1
        first = _normal(form)[:1]
        for n in range(max(1, size - 1), size + 2):
            for i in range(len(tokens) - n + 1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                if abs(end - start - len(form)) > 4 or fold(text[start])[:1] != first:
                    continue
                candidate = text[start:end]
                variant = is_variant(form, candidate)
                score = 100.0 if variant else _near(form, candidate)
                if (not score or (best is not None and score <= best[0])
                        or (form[:1].isupper() and not candidate[:1].isupper())
                        or _BREAK.search(candidate) or _overlaps(start, end, blocked)):
                    continue
                best = (score, start, end, variant or _normal(form) == _normal(candidate))
    return None if best is None else best[1:]


def check_english_names(names, english_names: Sequence[Mention], covered,
                        source_text: str | None, summary: bool) -> list[tuple[tuple, Issue]]:
    """Names in the English text that the source does not support: unexpected (or altered)."""
    keyed: list[tuple[tuple, Issue]] = []
    reported: list[tuple[int, int]] = []
    source_folded = folded_text(source_text) if source_text else None
    all_forms = [(index, e, f) for index, e in names for f in forms(e) + [e.source]]
    for mention in english_names:
        if mention.kind not in NAME_KINDS or mention.text in _calendar_words():
            continue
        if _overlaps(mention.start, mention.end, covered + reported):
            continue
        if source_text and find_folded(source_text, mention.text, source_folded):
            continue
        if any(_contained(mention.text, form) for _, _, form in all_forms):
            continue
        score, index, entry = max(
            ((max((_near(f, mention.text) for f in forms(e)), default=0.0), index, e)
             for index, e in names), key=lambda item: item[0], default=(0.0, -1, None))
        if score:
            severity = grade(ALTERED, entry.kind, summary=summary, certain=entry.certain)
            keyed.append(((index, mention.start), Issue(
                ALTERED, entry.kind, entry.source, entry.target, mention.text, mention.start,
                mention.end, severity=severity, repairable=_slip(entry.target, mention.text, entry.certain))))
        else:
            keyed.append(unexpected(mention, summary=summary))
        reported.append((mention.start, mention.end))
    return keyed


def _contained(mention: str, form: str) -> bool:
    """True when one name is a run of the other's words ("Musk" in "Elon Musk")."""
    a = [fold(t) for t in _TOKEN.findall(mention)]
    b = [fold(t) for t in _TOKEN.findall(form)]
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def as_mentions(names: Sequence[Mention | str], text: str) -> list[Mention]:
    mentions: list[Mention] = []
    for name in names:
        if isinstance(name, Mention):
            mentions.append(name)
        elif name:
            mentions += [Mention("person", name, m.start(), m.end())
                         for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)]
    return mentions


@lru_cache(maxsize=1)
def _calendar_words() -> frozenset[str]:
    """English month and weekday names: capitalised, yet never names."""
    from babel.dates import get_day_names

    days = get_day_names("wide", locale="en")
    return frozenset(month_names("en")) | frozenset(days[i] for i in range(7))


def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)
