"""Check every unit of a bilingual file (`passeur check --bilingual`): one process, one model load.

Each unit's French source gives its glossary (names by spaCy, figures by rule), and its
English translation is checked against it as `passeur check` does for a pair of files. The
results come in file order, one per unit: `{"id", "ok", "issues", "fixed"?}`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from passeur.fidelity.checker import CheckResult, check, fix
from passeur.fidelity.glossary import extract_glossary


@dataclass
class UnitResult:
    """What the check of one unit found (`result` None: the unit has no translation yet)."""

    id: str
    result: CheckResult | None
    fixed: str | None = None

    @property
    def ok(self) -> bool:
        return self.result is None or self.result.ok

    def to_json(self) -> dict:
        data: dict = {"id": self.id, "ok": self.ok,
                      "issues": [] if self.result is None else
                      [issue.to_json() for issue in self.result.issues]}
        if self.result is None:
            data["untranslated"] = True
        if self.fixed is not None:
            data["fixed"] = self.fixed
        return data


def check_pair(source: str, text: str, *, summary: bool = False, repair: bool = False,
               termbase=None) -> tuple[CheckResult, str | None]:
    """What `passeur check` does with one pair: the French source's glossary (names, figures,
    the user's terms), the check of `text` against it, and with `repair` the fixed text."""
    entries = extract_glossary(source, termbase)
    result = check(entries, text, summary=summary, source_text=source)
    return result, (fix(text, result) if repair else None)


def check_units(units: Iterable, *, summary: bool = False, repair: bool = False,
                termbase=None) -> Iterator[UnitResult]:
    """Check each unit (anything with `id`, `source`, `translation`), in order."""
    for unit in units:
        if unit.translation is None:
            yield UnitResult(unit.id, None)
            continue
        yield UnitResult(unit.id, *check_pair(unit.source, unit.translation, summary=summary, repair=repair,
                                              termbase=termbase))
