"""The unit the glossary step works with: a name or figure and its expected English form."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable

NAME_KINDS = ("person", "organization", "place", "product")
FIGURE_KINDS = ("money", "percent", "number", "date", "time", "ordinal", "quantity")
KINDS = NAME_KINDS + FIGURE_KINDS + ("term",)


@dataclass(frozen=True)
class Entry:
    """A name or figure found in a source text.

    `source` is the exact span as written, `target` the house-style English form.
    `start`/`end` locate the first occurrence in the text it was extracted from.
    `value` is a hashable, comparable value for figures (two figures are the same
    when their values are equal, whatever their spelling); None for names and terms.
    `aliases` are other forms of the same name in the text ("Musk" for "Elon Musk").
    `alternatives` are other values an ambiguous figure may have ("80,000" in French text:
    80 or 80,000); the English may state any of them. `certain` is False for a person name
    that may be a common word: its issues are warnings.
    """

    kind: str
    source: str
    target: str
    start: int = -1
    end: int = -1
    value: Hashable | None = None
    aliases: tuple[str, ...] = ()
    count: int = 1
    alternatives: tuple = ()  # other readings of an ambiguous figure ("2,700": 2.7 or 2700)
    certain: bool = True  # False: a person name that may be no name at all ("États", "Univers")

    def to_json(self) -> dict:
        data = {"kind": self.kind, "source": self.source, "target": self.target, "count": self.count}
        if self.aliases:
            data["aliases"] = list(self.aliases)
        return data


@dataclass(frozen=True)
class Mention:
    """A name or figure found in an English text (a translation or a summary)."""

    kind: str
    text: str
    start: int
    end: int
    value: Hashable | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
