"""The extractive summary engine: no model, the source's own sentences, deterministically.

The selection (passeur.summary.selection) knows news: the lead carries the news, so the
one-line is the best of the first sentences and the longer tiers read on from the start;
units never start or end inside a quotation; the tiers are nested (one-line within the
paragraph within the full summary). One selection serves the three tiers of a text.
The full tier has one paragraph per section of the source.
"""
from __future__ import annotations

import time

from passeur.summary.engine import SummaryEngine, SummaryRequest
from passeur.summary.selection import Selection, Unit, select
from passeur.summary.shape import count_words, shape_for, trim_to_shape


class ExtractiveEngine(SummaryEngine):
    """Pick whole source sentences, lead first, nested tiers; no model, same input same output."""

    kind = "extractive"
    verbatim = True  # every sentence it returns is the source's own

    def __init__(self) -> None:
        super().__init__()
        self._last: tuple[tuple[str, int, int], Selection] | None = None

    def generate(self, request: SummaryRequest) -> str:
        started = time.perf_counter()
        selection = self.select(request)
        if request.tier == "one_line":
            summary = " ".join(u.text for u in selection.one_line)
            if count_words(summary) > request.max_words:  # no sentence short enough: the first, cut
                summary = trim_to_shape("one_line", summary, request.text)
        elif request.tier == "paragraph":
            summary = " ".join(u.text for u in selection.paragraph)
        else:
            summary = _by_section(selection.full)
        self.stats.segments += 1
        self.stats.source_tokens += count_words(request.text)
        self.stats.generated_tokens += count_words(summary)
        self.stats.seconds += time.perf_counter() - started
        return summary

    def select(self, request: SummaryRequest) -> Selection:
        """The text's selection (computed once for the three tiers of the same text)."""
        def bound(tier: str) -> int:  # the request's own bound rules its tier
            return request.max_words if request.tier == tier else shape_for(tier, request.text).max_words

        paragraph_max, full_max = bound("paragraph"), bound("full")
        key = (request.text, paragraph_max, full_max)
        if self._last is None or self._last[0] != key:
            self._last = (key, select(request.text, paragraph_max, full_max))
        return self._last[1]

    def context_tokens(self) -> int:
        return 10**9  # reads everything at once: never chunked

    def count_tokens(self, text: str) -> int:
        return count_words(text)

    def text_budget(self, messages: tuple[dict, ...], max_new_tokens: int) -> int:
        return self.context_tokens()


def _by_section(units: list[Unit]) -> str:
    """The units in document order, one paragraph per section of the source."""
    paragraphs: dict[int, list[str]] = {}
    for unit in units:
        paragraphs.setdefault(unit.section, []).append(unit.text)
    return "\n\n".join(" ".join(texts) for texts in paragraphs.values())
