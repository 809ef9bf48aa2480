"""Checking a summary: passeur's checker in summary mode, and what the summarizer makes of it.

The summarizer takes any `Checker`, a callable from a summary text to its issues (a
CheckResult, issue objects or dicts); `make_checker` binds passeur's own checker to a source.
`find_issues` runs a checker and returns only what the summarizer acts on, as FidelityIssue:
`altered` (a slip of a source's name or figure: repair it in place) and `unexpected` (a name or
figure the source does not support: ask again, else drop its sentence). `drop_supported`
leaves out what needs no action: a sentence copied word for word from the source is supported
by definition, and an item already in its expected form needs no repair.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from passeur.fidelity.checker import check
from passeur.fidelity.entry import NAME_KINDS, Entry
from passeur.fidelity.figures.en import find_figures
from passeur.fidelity.figures.values import significant_digits
from passeur.summary.shape import split_sentences

Checker = Callable[[str], Any]  # summary text -> issues (or an object with .issues)


@dataclass(frozen=True)
class FidelityIssue:
    """A name or figure in a summary that the source does not back as written."""

    status: str  # altered | unexpected
    kind: str
    found: str
    expected: str | None
    start: int
    end: int


def make_checker(source_entries: Sequence[Any], *, source_text: str | None = None) -> Checker:
    """passeur's checker in summary mode, bound to the source's entries.

    With `source_text` (the English text being summarized), every figure it states and every
    name it holds verbatim supports the summary too.
    """

    entries = list(source_entries)
    if source_text:
        entries += figure_entries(source_text, entries)
    return lambda text: check(entries, text, summary=True, source_text=source_text)


def figure_entries(text: str, known: Sequence[Any] = ()) -> list[Any]:
    """The figures an English text states, as entries (what a summary of it may repeat)."""

    values = {getattr(e, "value", None) for e in known} - {None}
    found = []
    for mention in find_figures(text):  # digits only: "two" or "twenty" would pair with anything
        if mention.value is not None and mention.value not in values:
            values.add(mention.value)
            found.append(Entry(mention.kind, mention.text, mention.text, mention.start, mention.end, mention.value))
    return found


def default_checker(entries: Sequence[Any], source_text: str) -> Checker | None:
    try:
        return make_checker(entries, source_text=source_text)
    except ImportError:
        return None


def normalize_issues(raw: Any) -> list[FidelityIssue]:
    """Accept a CheckResult, a list of issue objects or dicts; keep altered and unexpected
    errors (an issue without a severity counts as one)."""
    items = getattr(raw, "issues", raw) or []
    issues = []
    for item in items:
        get = item.get if isinstance(item, dict) else (lambda key, default=None, _i=item: getattr(_i, key, default))
        status = get("status")
        if status not in ("altered", "unexpected") or get("severity") == "warning":
            continue  # a warning is listed by the checker, never acted on
        start, end = get("start"), get("end")
        if start is None and get("span") is not None:
            start, end = get("span")
        expected = get("expected")
        issues.append(FidelityIssue(status if expected else "unexpected", get("kind") or "",
                                    get("found") or "", expected, -1 if start is None else int(start),
                                    -1 if end is None else int(end)))
    return issues


def find_issues(checker: Checker | None, text: str) -> list[FidelityIssue]:
    """The altered and unexpected items `checker` finds in `text`, each located in it."""
    if checker is None or not text.strip():
        return []
    return [_demote_unlike(_locate(issue, text)) for issue in normalize_issues(checker(text))]


def _demote_unlike(issue: FidelityIssue) -> FidelityIssue:
    """An 'altered' figure that is no slip of the source's figure counts as unsupported.

    A slip is the same figure mis-written: another format, a scale word ("$97.4 million"),
    a close value ("$97.5 billion"), the wrong currency on the right amount. Anything further
    ("sales of $12 billion" paired with "€2.4 billion") would put a true figure into a sentence
    about something else if repaired, so it is treated as unexpected instead.
    """
    if issue.status != "altered" or not issue.expected or issue.kind in NAME_KINDS:
        return issue
    found, expected = _figure_value(issue.found), _figure_value(issue.expected)
    if found is None or expected is None or _is_slip(found, expected):
        return issue
    return FidelityIssue("unexpected", issue.kind, issue.found, None, issue.start, issue.end)


def _is_slip(found: tuple, expected: tuple) -> bool:

    if found[0] != expected[0]:
        return False
    if found[0] == "date":
        return found[1] == expected[1]
    a, b = found[-1], expected[-1]
    if found[0] in ("money", "quantity") and found[1] != expected[1]:
        return a == b
    try:
        close = abs(float(a) - float(b)) <= abs(float(b)) * 0.02
    except (TypeError, ValueError):
        close = False
    digits_a, digits_b = significant_digits(found), significant_digits(expected)
    one_digit_off = len(digits_a) == len(digits_b) and sum(x != y for x, y in zip(digits_a, digits_b)) == 1
    return a == b or close or digits_a == digits_b or one_digit_off


def _figure_value(text: str):

    found = find_figures(text, spelled=True)
    return found[0].value if len(found) == 1 else None


def _locate(issue: FidelityIssue, text: str) -> FidelityIssue:
    """Give an issue reported without offsets the span of its first occurrence."""
    if issue.start >= 0 or not issue.found or issue.found not in text:
        return issue
    start = text.index(issue.found)
    return FidelityIssue(issue.status, issue.kind, issue.found, issue.expected, start, start + len(issue.found))


def drop_supported(issues: Sequence[FidelityIssue], text: str, source_words: str) -> list[FidelityIssue]:
    """The issues that need acting on: none for an 'altered' item already in its expected form,
    none inside a sentence of `text` copied word for word from the source.

    `source_words` is the source with its whitespace collapsed (`" ".join(source.split())`).
    A copied sentence is supported by definition, whatever a reader of figures makes of it
    ("7st", "2 226"): it is never "repaired" into itself, nor dropped. A sentence cut short by
    the trimmer (ending in "…", or a clause closed with ".") counts as copied when the source
    goes on from that point at a word or clause boundary.
    """
    issues = [i for i in issues if not (i.status == "altered" and i.found == i.expected)]
    if not issues:
        return []
    sentences = split_sentences(text)
    kept = []
    for issue in issues:
        holder = next((s for s in sentences if s.start <= issue.start < s.end), None)
        if holder is None or not copied(holder.text, source_words):
            kept.append(issue)
    return kept


def copied(sentence: str, source_words: str) -> bool:
    """Whether `sentence` stands word for word in the source (whitespace-collapsed)."""
    words = " ".join(sentence.split())
    if not words:
        return False
    if re.search(r"(?:^|\s)" + re.escape(words) + r"(?=\s|$)", source_words):
        return True
    if words.endswith("…"):
        head, follow = words[:-1].rstrip(), r"(?=\s)"
    elif words.endswith("."):
        head, follow = words[:-1], r"(?=\s*[,;:]|\s[—–-]\s)"
    else:
        return False
    return bool(head) and re.search(r"(?:^|\s)" + re.escape(head) + follow, source_words) is not None
