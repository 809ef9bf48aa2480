"""Sentences, and pieces of sentences short enough for the model.

pysbd does the sentence splitting: rule-based, French-aware (abbreviations such as
"M." or "p."), no model to download, and it keeps the text whole (clean=False), so the
spaces between sentences survive. A sentence longer than the model's budget is cut at
the best break (a semicolon, a colon, a comma, a dash, else between words) into pieces
that fit: nothing is ever truncated or dropped.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Callable

_BREAKS = (re.compile(r"[;:]\s"), re.compile(r"[,—–]\s|\s[—–-]\s"), re.compile(r"\s"))


@dataclass(frozen=True)
class Segment:
    """A piece of text the engine translates alone, with the spaces around it kept."""

    lead: str
    text: str
    trail: str


_SEPARATORS_AS_SPACES = str.maketrans({chr(c): " " for c in range(0x1C, 0x20)})
_local = threading.local()  # a pysbd Segmenter keeps the text it works on: one per thread


def _segmenter(language: str):
    import pysbd

    language = language if language in {"fr", "en"} else "en"
    cache = _local.__dict__.setdefault("segmenters", {})
    if language not in cache:
        cache[language] = pysbd.Segmenter(language=language, clean=False)
    return cache[language]


def split_sentences(text: str, language: str = "fr") -> list[Segment]:
    """Split prose into sentences; concatenating lead+text+trail gives `text` back."""
    if not text.strip():
        return [Segment(text, "", "")] if text else []
    # pysbd's list rules read "\x1f1." as a number and crash on int("\x1f1"): it sees the
    # separators U+001C-U+001F, which Python's \s matches, as spaces, so they are spaces for it
    # (same length: the cut is then laid on the text as it is).
    seen = text.translate(_SEPARATORS_AS_SPACES)
    try:
        sentences = _segmenter(language).segment(seen)
    except Exception:  # pysbd is a pile of regular expressions: any other such slip, one sentence
        sentences = [seen]
    if "".join(sentences) != seen:  # pysbd lost or changed characters: do not trust its cut
        sentences = [seen]
    pieces, at = [], 0
    for sentence in sentences:
        pieces.append(text[at:at + len(sentence)])
        at += len(sentence)
    return [_with_spaces(piece) for piece in pieces if piece]


def sentence_spans(text: str, language: str = "fr") -> list[tuple[int, int]]:
    """(start, end) of every sentence of `text`, line by line (a line break always ends a
    sentence); spaces around a sentence are not part of it."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        position = offset
        for segment in split_sentences(line, language):
            start = position + len(segment.lead)
            if segment.text:
                spans.append((start, start + len(segment.text)))
            position = start + len(segment.text) + len(segment.trail)
        offset += len(line) + 1
    return spans


def split_long(segment: Segment, budget: int, count_tokens: Callable[[str], int]) -> list[Segment]:
    """Cut a segment whose text takes more than `budget` tokens into pieces that fit."""
    if count_tokens(segment.text) <= budget:
        return [segment]
    pieces = _cut(segment.text, budget, count_tokens)
    result = [_with_spaces(piece) for piece in pieces]
    first, last = result[0], result[-1]
    result[0] = Segment(segment.lead + first.lead, first.text, first.trail)
    result[-1] = Segment(result[-1].lead, last.text, last.trail + segment.trail)
    return result


def _cut(text: str, budget: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Recursively halve `text` at the best break near its middle until every piece fits."""
    if count_tokens(text) <= budget or len(text) < 2:
        return [text]
    position = _best_break(text)
    if position is None:  # one enormous "word": cut it by characters
        position = len(text) // 2
    return _cut(text[:position], budget, count_tokens) + _cut(text[position:], budget, count_tokens)


def _best_break(text: str) -> int | None:
    """The break of the strongest kind closest to the middle (in its middle half if possible)."""
    middle = len(text) / 2
    for pattern in _BREAKS:
        positions = [m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)]
        central = [p for p in positions if len(text) / 4 <= p <= 3 * len(text) / 4]
        if central:
            return min(central, key=lambda p: abs(p - middle))
    positions = [m.end() for m in _BREAKS[-1].finditer(text) if 0 < m.end() < len(text)]
    return min(positions, key=lambda p: abs(p - middle)) if positions else None


def _with_spaces(chunk: str) -> Segment:
    stripped = chunk.strip()
    if not stripped:
        return Segment(chunk, "", "")
    lead = chunk[: len(chunk) - len(chunk.lstrip())]
    trail = chunk[len(chunk.rstrip()) :]
    return Segment(lead, stripped, trail)
