"""Check an English text against its source's names and figures, both ways (`passeur check`).

Figures are compared by value, never by string. Names must come out verbatim (target or an
alias); a near form ("Sam Altmann", "Open AI") is altered, an absent one missing. What the
English text holds that the source does not support is unexpected. In summary mode a left-out
item is no issue. `fix` substitutes each altered span with its expected form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Hashable, Sequence

from passeur.fidelity.entry import FIGURE_KINDS, NAME_KINDS, Entry, Mention
from passeur.fidelity.figures.en import find_figures
from passeur.fidelity.figures.fr import extract_figures
from passeur.fidelity.figures.values import month_names, significant_digits
from passeur.fidelity.names.en import find_names_en

MISSING, ALTERED, UNEXPECTED = "missing", "altered", "unexpected"
_TOKEN = re.compile(r"[^\W_]+(?:[-.&][^\W_]+)*")
_NON_ALNUM = re.compile(r"[\W_]+")
_BREAK = re.compile(r"[^\w\s\-.&’']")  # a name does not run across other punctuation
_NEAR = 85  # rapidfuzz ratio from which a longer name counts as a misspelling
_PAIR_FLOOR = 0.5  # digit similarity from which two figures count as one, altered
_LAST = float("inf")  # unexpected items sort after the source's, in text order


@dataclass(frozen=True)
class Issue:
    """One problem; `start`/`end` locate `found` in the checked text (None when missing)."""

    status: str
    kind: str
    source: str | None
    expected: str | None
    found: str | None
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict:
        return {"kind": self.kind, "source": self.source, "expected": self.expected,
                "status": self.status, "found": self.found}


@dataclass
class CheckResult:
    """The issues found in `text`, source order first, then unexpected items in text order."""

    text: str
    issues: list[Issue] = field(default_factory=list)
    summary: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    def to_json(self, fixed: str | None = None) -> dict:
        """The `check --json` object; `fixed` (the repaired text) only with --fix."""
        data: dict = {"ok": self.ok, "issues": [issue.to_json() for issue in self.issues]}
        if fixed is not None:
            data["fixed"] = fixed
        return data


def check(source_entries: Sequence[Entry], text: str, *, summary: bool = False,
          english_names: Sequence[Mention | str] | None = None,
          source_text: str | None = None) -> CheckResult:
    """Compare `text` (a translation, or a summary with `summary=True`) with `source_entries`.

    `english_names` are the names found in `text` (by default `passeur.fidelity.names.en.find_names_en`,
    when available; plain strings are located in `text` and taken as persons); each one the
    source does not support is unexpected. `source_text`, when given, supports every name
    that occurs in it verbatim.
    """

    names = [(i, e) for i, e in enumerate(source_entries) if e.kind not in FIGURE_KINDS]
    figures = [(i, e) for i, e in enumerate(source_entries) if e.kind in FIGURE_KINDS]
    keyed: list[tuple[tuple, Issue]] = []
    name_spans, unfound = _find_verbatim(names, text)
    mentions = [m for m in find_figures(text, spelled=True)
                if not _overlaps(m.start, m.end, name_spans)]
    keyed += _check_figures(figures, mentions, text, summary, source_text)
    figure_spans = [(m.start, m.end) for m in mentions if not m.extra.get("spelled")]
    tokens = [m.span() for m in _TOKEN.finditer(text)]
    for index, entry in unfound:
        near = _find_near(entry, text, tokens, name_spans + figure_spans)
        if near is not None:
            name_spans.append(near)
            keyed.append(((index, near[0]), Issue(ALTERED, entry.kind, entry.source, entry.target,
                                                  text[near[0]:near[1]], *near)))
        elif not summary:
            keyed.append(_missing(index, entry))
    if english_names is None:
        english_names = _default_names(text)
    english_names = _as_mentions(english_names, text)
    keyed += _check_english_names(names, english_names, name_spans + figure_spans, source_text)
    keyed.sort(key=lambda pair: pair[0])
    return CheckResult(text=text, issues=[issue for _, issue in keyed], summary=summary)


def fix(text: str, result: CheckResult) -> str:
    """`text` with each altered span replaced by its expected form (missing/unexpected stay)."""
    edits = sorted((i for i in result.issues if i.status == ALTERED and i.start is not None
                    and i.expected is not None), key=lambda i: i.start, reverse=True)
    end_limit = len(text) + 1
    for issue in edits:
        if issue.end <= end_limit:
            text = text[:issue.start] + issue.expected + text[issue.end:]
            end_limit = issue.start
    return text


# -- figures ---------------------------------------------------------------------------------

def _check_figures(figures, mentions: list[Mention], text: str, summary: bool,
                   source_text: str | None) -> list[tuple[tuple, Issue]]:
    keyed: list[tuple[tuple, Issue]] = []
    used: set[int] = set()
    unmatched: list[tuple[int, Entry, Hashable]] = []
    matched: list[Hashable] = []
    valued = [(index, entry, entry_value(entry)) for index, entry in figures]
    for index, entry, value in valued:
        if value is None:  # no value to compare: the target must be there verbatim
            if entry.target not in text and not summary:
                keyed.append(_missing(index, entry))
            continue
        if value in matched or any(value == v for _, _, v in unmatched):
            continue  # the same figure again
        hits = [i for i, m in enumerate(mentions) if covers(value, m.value)]
        for i in hits:
            if i not in used and mentions[i].extra.get("nonstandard"):
                keyed.append(((index, mentions[i].start), _altered(entry, mentions[i])))
        used.update(hits)
        if hits:
            matched.append(value)
        else:
            unmatched.append((index, entry, value))
    # A summary may shorten a figure ("April 22" for April 22, 2024); a translation may not.
    supporting = matched + ([v for _, _, v in unmatched] if summary else [])
    loose = [i for i, m in enumerate(mentions) if i not in used and not m.extra.get("spelled")
             and not any(covers(v, m.value) or covers(m.value, v) for v in supporting)]
    source_length = len(source_text) if source_text else max((e.end for _, e in figures), default=0)
    for (index, entry, _), i in _pair(unmatched, [(i, mentions[i]) for i in loose], summary,
                                      source_length, len(text)):
        if i is not None:
            loose.remove(i)
            keyed.append(((index, mentions[i].start), _altered(entry, mentions[i])))
        elif not summary:
            keyed.append(_missing(index, entry))
    for i in loose:
        keyed.append(_unexpected(mentions[i]))
    return keyed


def _missing(index: int, entry: Entry) -> tuple[tuple, Issue]:
    return (index, -1), Issue(MISSING, entry.kind, entry.source, entry.target, None)


def _unexpected(mention: Mention) -> tuple[tuple, Issue]:
    return (_LAST, mention.start), Issue(UNEXPECTED, mention.kind, None, None, mention.text,
                                         mention.start, mention.end)


def _altered(entry: Entry, mention: Mention) -> Issue:
    return Issue(ALTERED, entry.kind, entry.source, entry.target, mention.text,
                 mention.start, mention.end)


def entry_value(entry: Entry) -> Hashable | None:
    """An entry's figure value: its own, else read from its English target or French source."""
    if entry.value is not None:
        return entry.value

    found = find_figures(entry.target)
    if len(found) == 1 and found[0].text == entry.target.strip():
        return found[0].value
    found_fr = extract_figures(entry.source)
    return found_fr[0].value if len(found_fr) == 1 else None


def covers(expected: Hashable, found: Hashable) -> bool:
    """True when `found` states the figure `expected`.

    A found date may say more (a year added); a year may be written as a plain number.
    """
    if expected == found:
        return True
    if expected[0] == found[0] == "date":
        return all(e is None or e == f for e, f in zip(expected[1:], found[1:]))
    year = _year(expected)
    return year is not None and year == _year(found)


def _year(value: Hashable) -> int | None:
    if value[0] == "date" and value[2] is None and value[3] is None:
        return value[1]
    if value[0] == "number" and value[1] == value[1].to_integral() and 1000 <= value[1] <= 2199:
        return int(value[1])
    return None


def _pair(unmatched, loose, summary: bool, source_length: int, text_length: int):
    """Pair each unmatched source figure with the loose English figure most like it, if any."""
    scored = []
    for a, (index, entry, value) in enumerate(unmatched):
        for i, mention in loose:
            score = _likeness(value, mention.value, summary)
            if score is None:
                continue
            if entry.start >= 0 and source_length and text_length:
                score += 0.2 * (1 - abs(entry.start / source_length - mention.start / text_length))
            scored.append((-score, a, i))
    pairs: dict[int, int | None] = {}
    taken: set[int] = set()
    for _, a, i in sorted(scored):
        if a not in pairs and i not in taken:
            pairs[a] = i
            taken.add(i)
    return [(item, pairs.get(a)) for a, item in enumerate(unmatched)]


_FAMILY = {"points": "percent", "century": "ordinal", "decade": "date"}


def _likeness(expected: Hashable, found: Hashable, summary: bool) -> float | None:
    """How alike two different figures look (None: not comparable as one altered figure)."""
    kind_a, kind_b = _FAMILY.get(expected[0], expected[0]), _FAMILY.get(found[0], found[0])
    if kind_a != kind_b and "number" not in (kind_a, kind_b):
        return None
    from rapidfuzz.fuzz import ratio

    a, b = significant_digits(expected), significant_digits(found)
    similarity = 1.0 if sorted(a) == sorted(b) else ratio(a, b) / 100
    same_kind = kind_a == kind_b
    if similarity < _PAIR_FLOOR and (summary or not same_kind):
        return None
    return similarity + (0.3 if same_kind else 0.0)


# -- names -----------------------------------------------------------------------------------

def _forms(entry: Entry) -> list[str]:
    return [form for form in (entry.target, *entry.aliases) if form]


def _find_verbatim(names, text: str):
    """Spans of every name form present as such, and the entries with no form present."""
    spans: list[tuple[int, int]] = []
    unfound = []
    for index, entry in names:
        hits = [(m.start(), m.end()) for form in _forms(entry)
                for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)]
        spans += hits
        if not hits:
            unfound.append((index, entry))
    return spans, unfound


def _normal(name: str) -> str:
    return _NON_ALNUM.sub("", name.casefold())


def _near(form: str, candidate: str) -> float:
    """100 for the same letters (case, spaces aside), else a fuzzy ratio for long names, else 0."""
    a, b = _normal(form), _normal(candidate)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    if min(len(a), len(b)) < 5 or a[0] != b[0]:
        return 0.0
    from rapidfuzz.fuzz import ratio

    score = ratio(a, b)
    return score if score >= _NEAR else 0.0


def _find_near(entry: Entry, text: str, tokens: list[tuple[int, int]],
               blocked: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of `text` most like one of `entry`'s forms (or its source form), if any."""
    best: tuple[float, int, int] | None = None
    forms = _forms(entry) + ([entry.source] if entry.source not in _forms(entry) else [])
    for form in forms:
        size = len(_TOKEN.findall(form)) or 1
        first = _normal(form)[:1]
        for n in range(max(1, size - 1), size + 2):
            for i in range(len(tokens) - n + 1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                if abs(end - start - len(form)) > 4 or text[start].casefold() != first:
                    continue
                candidate = text[start:end]
                score = 100.0 if candidate == form else _near(form, candidate)
                if (not score or (best is not None and score <= best[0])
                        or (score < 100 and form[:1].isupper() and not candidate[:1].isupper())
                        or _BREAK.search(candidate) or _overlaps(start, end, blocked)):
                    continue
                best = (score, start, end)
    return None if best is None else (best[1], best[2])


def _check_english_names(names, english_names: Sequence[Mention], covered,
                         source_text: str | None) -> list[tuple[tuple, Issue]]:
    keyed: list[tuple[tuple, Issue]] = []
    reported: list[tuple[int, int]] = []
    for mention in english_names:
        if mention.kind not in NAME_KINDS or mention.text in _calendar_words():
            continue
        if _overlaps(mention.start, mention.end, covered + reported):
            continue
        if source_text and re.search(rf"(?<!\w){re.escape(mention.text)}(?!\w)", source_text):
            continue
        if any(_contained(mention.text, form) for _, e in names for form in _forms(e) + [e.source]):
            continue
        score, index, entry = max(
            ((max((_near(f, mention.text) for f in _forms(e)), default=0.0), index, e)
             for index, e in names),
            key=lambda item: item[0], default=(0.0, -1, None))
        if score:
            keyed.append(((index, mention.start), Issue(ALTERED, entry.kind, entry.source,
                                                        entry.target, mention.text,
                                                        mention.start, mention.end)))
        else:
            keyed.append(_unexpected(mention))
        reported.append((mention.start, mention.end))
    return keyed


def _contained(mention: str, form: str) -> bool:
    """True when one name is a run of the other's words ("Musk" in "Elon Musk")."""
    a = [t.casefold() for t in _TOKEN.findall(mention)]
    b = [t.casefold() for t in _TOKEN.findall(form)]
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def _as_mentions(names: Sequence[Mention | str], text: str) -> list[Mention]:
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


def _default_names(text: str) -> list[Mention]:
    """Names in `text` by `passeur.fidelity.names.fr`; none while that module is not there."""
    try:
        return list(find_names_en(text))
    except ImportError:
        return []


def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)
