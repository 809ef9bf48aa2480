"""What a check finds: issues with a status and a severity, and the result of one check.

status: `missing` (in the source, absent from the text), `altered` (present with another value
or spelling), `unexpected` (in the text, not supported by the source). severity: `error`
(certain: a figure's value, unit or scale differs; a figure or person name dropped; a person
name misspelt; in a summary, a figure or name the source does not support) or `warning`
(uncertain: an organisation or place rendered another way, a possible variant of a name, a
unit converted, a count or year in a translation that the source does not state). `ok`, exit 1, `--strict`, `--fix` and the translation guard go by errors only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from passeur.fidelity.entry import FIGURE_KINDS, Entry

MISSING, ALTERED, UNEXPECTED = "missing", "altered", "unexpected"
ERROR, WARNING = "error", "warning"


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
    severity: str = ERROR
    repairable: bool = True  # --fix may put `replacement` (else `expected`) in place of `found`
    replacement: str | None = field(default=None, compare=False)

    def to_json(self) -> dict:
        return {"kind": self.kind, "source": self.source, "expected": self.expected,
                "status": self.status, "found": self.found, "severity": self.severity}


@dataclass
class CheckResult:
    """The issues found in `text`, source order first, then unexpected items in text order."""

    text: str
    issues: list[Issue] = field(default_factory=list)
    summary: bool = False

    @property
    def ok(self) -> bool:
        """No error: warnings are listed, never fatal."""
        return not self.errors

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == WARNING]

    def to_json(self, fixed: str | None = None) -> dict:
        """The `check --json` object; `fixed` (the repaired text) only with --fix."""
        data: dict = {"ok": self.ok, "issues": [issue.to_json() for issue in self.issues]}
        if fixed is not None:
            data["fixed"] = fixed
        return data


def grade(status: str, kind: str, *, summary: bool, certain: bool = True) -> str:
    """The severity of an issue from what it is: see the module docstring."""
    if status == UNEXPECTED:  # in a translation, an invented amount is an error; an extra
        # count, year or ordinal is often the translator's ("the last 16", "24/7", "9pm")
        return ERROR if summary or kind in ("money", "percent", "quantity") else WARNING
    if kind in FIGURE_KINDS:  # a small number in words may be rendered otherwise ("dix ans" as
        # "a decade"): its absence is uncertain; another value in its place is not
        return ERROR if certain or status == ALTERED else WARNING
    if kind == "term":
        return ERROR
    if kind == "person":
        return ERROR if certain else WARNING
    return WARNING  # an organisation, place or product rendered another way


def missing(index: int, entry: Entry, *, summary: bool = False,
            certain: bool = True) -> tuple[tuple, Issue]:
    severity = grade(MISSING, entry.kind, summary=summary, certain=certain and entry.certain)
    return (index, -1), Issue(MISSING, entry.kind, entry.source, entry.target, None, severity=severity)


def unexpected(mention, *, summary: bool, gloss: bool = False) -> tuple[tuple, Issue]:
    """An item the source does not support; a `gloss` (a conversion the translator added in
    brackets, "£9 ($14)") is a warning in a translation."""
    severity = WARNING if gloss and not summary else grade(UNEXPECTED, mention.kind, summary=summary)
    if not gloss and mention.kind == "number" and mention.extra.get("scaled") and not mention.extra.get("words"):
        severity = ERROR  # "6 billion" is an amount, like money: no translator adds one unasked
    return (float("inf"), mention.start), Issue(
        UNEXPECTED, mention.kind, None, None, mention.text, mention.start, mention.end,
        severity=severity, repairable=False)


def altered(entry: Entry, mention, *, summary: bool, severity: str | None = None,
            repairable: bool = True, replacement: str | None = None) -> Issue:
    if severity is None:
        severity = grade(ALTERED, entry.kind, summary=summary, certain=entry.certain)
    return Issue(ALTERED, entry.kind, entry.source, entry.target, mention.text,
                 mention.start, mention.end, severity=severity, repairable=repairable,
                 replacement=replacement)
