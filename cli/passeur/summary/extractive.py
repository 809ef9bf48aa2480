"""The extractive summary engine: no model, the source's own sentences, deterministically.

Sentences are scored by TF-IDF centrality (how much each shares with the rest), a lead bonus
(news puts the news first), and a penalty for sentences that open with a quote or a pronoun
(they read badly out of context). one_line takes the best sentence that fits; paragraph adds
the best, least redundant sentences up to the word budget; full takes the best sentence of every
section, then fills the budget. Chosen sentences keep their document order.
"""
from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from passeur.summary.engine import SummaryEngine, SummaryRequest
from passeur.summary.shape import (Span, content_words, count_words, is_heading, split_sections, split_sentences,
                                   trim_to_shape)


@dataclass(frozen=True)
class _Candidate:
    index: int
    section: int
    span: Span
    words: int
    score: float
    terms: Counter = field(compare=False, hash=False)


class ExtractiveEngine(SummaryEngine):
    """Pick source sentences: TF-IDF centrality plus a lead bonus, no model, same input same output."""

    kind = "extractive"

    def generate(self, request: SummaryRequest) -> str:
        started = time.perf_counter()
        candidates = rank_sentences(request.text)
        if request.tier == "one_line":
            summary = _pick_one_line(candidates, request.text, request.max_words)
        elif request.tier == "paragraph":
            chosen = _pick_within(candidates, [], request.max_words, target=_paragraph_target(request))
            summary = " ".join(c.span.text for c in sorted(chosen, key=lambda c: c.index))
        else:
            summary = _pick_full(candidates, request.max_words)
        self.stats.segments += 1
        self.stats.source_tokens += count_words(request.text)
        self.stats.generated_tokens += count_words(summary)
        self.stats.seconds += time.perf_counter() - started
        return summary

    def context_tokens(self) -> int:
        return 10**9  # reads everything at once: never chunked

    def count_tokens(self, text: str) -> int:
        return count_words(text)

    def text_budget(self, messages: tuple[dict, ...], max_new_tokens: int) -> int:
        return self.context_tokens()


def rank_sentences(text: str) -> list[_Candidate]:
    """Every body sentence (headings excluded) with its score, in document order."""
    items: list[tuple[int, Span]] = []
    cursor = 0
    for number, section in enumerate(split_sections(text)):
        for sentence in split_sentences(section.body):
            if is_heading(sentence.text):
                continue
            start = text.find(sentence.text, cursor)
            start = start if start >= 0 else sentence.start
            cursor = max(cursor, start)
            items.append((number, Span(start, start + len(sentence.text), sentence.text)))
    terms = [Counter(content_words(span.text)) for _, span in items]
    df = Counter(word for t in terms for word in t)
    n = max(1, len(items))
    vectors = [{w: tf * (math.log((1 + n) / (1 + df[w])) + 1) for w, tf in t.items()} for t in terms]
    norms = [math.sqrt(sum(v * v for v in vec.values())) or 1.0 for vec in vectors]
    ranked = []
    first_in_section: set[int] = set()
    for i, (section, span) in enumerate(items):
        sims = [_cosine(vectors[i], vectors[j], norms[i], norms[j]) for j in range(len(items)) if j != i]
        centrality = sum(sims) / len(sims) if sims else 1.0
        lead = 0.15 if i == 0 else 0.0
        if section not in first_in_section:
            first_in_section.add(section)
            lead += 0.05
        words = count_words(span.text)
        length = 1.0 if words >= 8 else 0.5
        score = (centrality + lead) * length * _standalone(span.text)
        ranked.append(_Candidate(i, section, span, words, score, terms[i]))
    return ranked


_DANGLING = re.compile(r"^(?:[\"“”«']|(?:he|she|they|it|this|these|those|that|but|and|also)\b)", re.IGNORECASE)


def _standalone(sentence: str) -> float:
    """Sentences that open with a quote or a pronoun read badly out of context."""
    return 0.7 if _DANGLING.match(sentence) else 1.0


def _cosine(a: dict, b: dict, na: float, nb: float) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items()) / (na * nb)


def _best_first(candidates: list[_Candidate]) -> list[_Candidate]:
    return sorted(candidates, key=lambda c: (-round(c.score, 9), c.index))


def _pick_one_line(candidates: list[_Candidate], source: str, max_words: int) -> str:
    if not candidates:
        return ""
    fitting = [c for c in _best_first(candidates) if 6 <= c.words <= max_words]
    if fitting:
        return fitting[0].span.text
    return trim_to_shape("one_line", _best_first(candidates)[0].span.text, source)


def _paragraph_target(request: SummaryRequest) -> int:
    return max(request.min_words, min(request.max_words, (request.min_words + request.max_words * 2) // 3))


def _pick_within(candidates: list[_Candidate], chosen: list[_Candidate], budget: int, target: int) -> list[_Candidate]:
    """Greedy maximal-marginal-relevance selection under a word budget."""
    chosen = list(chosen)
    total = sum(c.words for c in chosen)
    pool = [c for c in candidates if c not in chosen]
    while pool and total < target:
        def value(c: _Candidate) -> float:
            overlap = max((_overlap(c, d) for d in chosen), default=0.0)
            return c.score - 0.5 * overlap
        pool.sort(key=lambda c: (-round(value(c), 9), c.index))
        pick = next((c for c in pool if total + c.words <= budget), None)
        if pick is None:
            break
        chosen.append(pick)
        total += pick.words
        pool.remove(pick)
    return chosen


def _overlap(a: _Candidate, b: _Candidate) -> float:
    shared = sum((a.terms & b.terms).values())
    return shared / max(1, min(sum(a.terms.values()), sum(b.terms.values())))


def _pick_full(candidates: list[_Candidate], max_words: int) -> str:
    """At least one sentence from every section, then the best others, within the budget."""
    sections = sorted({c.section for c in candidates})
    chosen: list[_Candidate] = []
    total = 0
    # every section gets its best sentence of at most 40 words (else its shortest)
    for section in sections:
        mine = _best_first([c for c in candidates if c.section == section])
        pick = next((c for c in mine if c.words <= 40), None) or min(mine, key=lambda c: (c.words, c.index))
        if total + pick.words <= max_words:
            chosen.append(pick)
            total += pick.words
    chosen = _pick_within(candidates, chosen, max_words, target=max_words)
    paragraphs = []
    for section in sections:
        mine = sorted((c for c in chosen if c.section == section), key=lambda c: c.index)
        if mine:
            paragraphs.append(" ".join(c.span.text for c in mine))
    return "\n\n".join(paragraphs)
