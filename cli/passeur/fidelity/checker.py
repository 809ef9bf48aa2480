"""Check an English text against its source's names and figures, both ways (`passeur check`).

Figures are compared by value, never by string (`figure_check`). Names are compared with case,
accents and space kinds folded, every established English form accepted (`name_check`). What
the English text holds that the source does not support is unexpected. In summary mode a
left-out item is no issue. Each issue has a severity (`issue`); `fix` repairs the errors that
substitution can repair and nothing else.
"""
from __future__ import annotations

from typing import Sequence

from passeur.fidelity.entry import FIGURE_KINDS, Entry, Mention
from passeur.fidelity.figures.en import find_figures
from passeur.fidelity.figures.check import check_figures, covers, entry_value
from passeur.fidelity.issue import ALTERED, ERROR, MISSING, UNEXPECTED, WARNING, CheckResult, Issue
from passeur.fidelity.names.check import as_mentions, check_english_names, check_names
from passeur.fidelity.names.en import find_names_en

__all__ = ["ALTERED", "ERROR", "MISSING", "UNEXPECTED", "WARNING", "CheckResult", "Issue",
           "check", "covers", "entry_value", "fix"]


def check(source_entries: Sequence[Entry], text: str, *, summary: bool = False,
          english_names: Sequence[Mention | str] | None = None,
          source_text: str | None = None) -> CheckResult:
    """Compare `text` (a translation, or a summary with `summary=True`) with `source_entries`.

    `english_names` are the names found in `text` (by default `names.en.find_names_en`;
    plain strings are located in `text` and taken as persons); each one the source does not
    support is unexpected. `source_text`, when given, supports every name that occurs in it.
    """
    names = [(i, e) for i, e in enumerate(source_entries) if e.kind not in FIGURE_KINDS]
    figures = [(i, e) for i, e in enumerate(source_entries) if e.kind in FIGURE_KINDS]
    mentions = find_figures(text, spelled=True)
    figure_spans = [(m.start, m.end) for m in mentions if not m.extra.get("spelled")]
    keyed, name_spans = check_names(names, text, figure_spans, summary)
    in_names = {i for i, m in enumerate(mentions)
                if any(m.start < end and start < m.end for start, end in name_spans)}
    keyed += check_figures(figures, mentions, in_names, text, summary, source_text)
    if english_names is None:
        english_names = list(find_names_en(text))
    english_names = as_mentions(english_names, text)
    keyed += check_english_names(names, english_names, name_spans + figure_spans, source_text,
                                 summary)
    keyed.sort(key=lambda pair: pair[0])
    return CheckResult(text=text, issues=[issue for _, issue in keyed], summary=summary)


def fix(text: str, result: CheckResult) -> str:
    """`text` with each altered span that is an error replaced by its expected form.

    Warnings, missing and unexpected items stay as they are: a repair only ever puts the
    source's own value in place of a wrong one, never restyles a form that is right.
    """
    edits = sorted((i for i in result.issues if i.status == ALTERED and i.start is not None
                    and i.expected is not None and i.severity == ERROR and i.repairable),
                   key=lambda i: i.start, reverse=True)
    end_limit = len(text) + 1
    for issue in edits:
        if issue.end <= end_limit:
            text = text[:issue.start] + (issue.replacement or issue.expected) + text[issue.end:]
            end_limit = issue.start
    return text
