"""Summary tiers and their shapes: count, split, validate, trim.

one_line   one sentence, at most 30 words
paragraph  one paragraph of 60-150 words
full       every section of the source covered, at most 35% of the source's words

Pure text functions, no model: the summarizer uses them to decide whether an answer is
in shape, to ask again, and to trim what is still too long.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from passeur.errors import UsageError
from passeur.text.segmenter import sentence_spans

TIERS = ("one_line", "paragraph", "full")
TIER_ALIASES = {"one-line": "one_line", "oneline": "one_line", "one_line": "one_line",
                "paragraph": "paragraph", "full": "full"}

ONE_LINE_MAX_WORDS = 30
PARAGRAPH_MIN_WORDS = 60
PARAGRAPH_MAX_WORDS = 150
FULL_MAX_PERCENT = 35

_WORD = re.compile(r"[\w$€£¥%]", re.UNICODE)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_][\w'’-]*", re.UNICODE)
BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")  # a list item's mark
SENTENCE_END = ".!?\"”’)»…"  # what a finished sentence ends with
_CLAUSE = re.compile(r"(?:,|;|:|\s[—–-])\s")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just me more most
    my no nor not now of off on once only or other our out over own said same says she should so
    some such than that the their them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your new one two
    per cent percent year years week month told according""".split()
)


@dataclass(frozen=True)
class Span:
    """A piece of a text: its characters and where they sit."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Section:
    """A heading (possibly empty) and the paragraphs under it."""

    heading: str
    body: str


@dataclass(frozen=True)
class Shape:
    """The word bounds of one tier for one source."""

    tier: str
    min_words: int
    max_words: int

    def describe(self) -> str:
        """The shape in words, for prompts."""
        if self.tier == "one_line":
            return f"exactly one sentence of at most {self.max_words} words"
        if self.tier == "paragraph":
            return f"one single paragraph of {self.min_words} to {self.max_words} words"
        return f"at most {self.max_words} words, covering every section of the article in order"


def normalize_tier(name: str) -> str:
    """'one-line' -> 'one_line'; an unknown tier is a ValueError naming the choices."""
    key = name.strip().lower()
    if key not in TIER_ALIASES:
        raise UsageError(f"unknown tier {name!r}: choose one-line, paragraph or full")
    return TIER_ALIASES[key]


# -- counting and splitting -----------------------------------------------------------
def count_words(text: str) -> int:
    """Words as a reader counts them: whitespace-separated pieces holding a letter or digit."""
    return sum(1 for piece in text.split() if _WORD.search(piece))


@lru_cache(maxsize=1)
def split_sentences(text: str) -> list[Span]:
    """English sentences with their offsets; a line break always ends a sentence."""
    return [Span(start, end, text[start:end]) for start, end in sentence_spans(text, "en")]


def _line_spans(text: str) -> list[Span]:
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            spans.append(Span(start, start + len(stripped), stripped))
        offset += len(line)
    return spans


def is_heading(line: str) -> bool:
    """A markdown heading, or a short line with no closing punctuation."""
    line = line.strip()
    if line.startswith("#"):
        return True
    if not line or BULLET.match(line):
        return False
    return count_words(line) <= 12 and line[-1] not in ".!?:;,\"”’)…»"


def split_sections(text: str, min_words: int = 120) -> list[Section]:
    """Sections by heading; without headings, groups of paragraphs of about `min_words`."""
    lines = [s.text for s in _line_spans(text)]
    if any(is_heading(line) for line in lines[1:]):
        sections: list[list[str]] = []
        headings: list[str] = []
        for line in lines:
            if is_heading(line) or not sections:
                headings.append(line.lstrip("# ").strip() if is_heading(line) else "")
                sections.append([] if is_heading(line) else [line])
            else:
                sections[-1].append(line)
        found = [Section(h, "\n".join(body)) for h, body in zip(headings, sections)]
        return [s for s in found if count_words(s.body) > 0]
    groups: list[list[str]] = []
    for line in lines:
        if not groups or count_words("\n".join(groups[-1])) >= min_words:
            groups.append([])
        groups[-1].append(line)
    if len(groups) > 1 and count_words("\n".join(groups[-1])) < min_words // 2:
        groups[-2].extend(groups.pop())
    return [Section("", "\n".join(g)) for g in groups]


# -- shapes ------------------------------------------------------------------------------
def shape_for(tier: str, source: str) -> Shape:
    """The word bounds for `tier` given the source text."""
    words = count_words(source)
    if tier == "one_line":
        return Shape(tier, 1, ONE_LINE_MAX_WORDS)
    if tier == "paragraph":
        return Shape(tier, min(PARAGRAPH_MIN_WORDS, max(1, words)), PARAGRAPH_MAX_WORDS)
    if tier == "full":
        return Shape(tier, 1, max(1, words * FULL_MAX_PERCENT // 100))
    raise ValueError(f"unknown tier {tier!r}")


def check_shape(tier: str, summary: str, source: str) -> list[str]:
    """Why `summary` is out of shape for `tier`; an empty list when it is in shape."""
    shape = shape_for(tier, source)
    words = count_words(summary)
    problems: list[str] = []
    if words == 0:
        return ["the summary is empty"]
    if tier == "one_line":
        sentences = len(split_sentences(summary))
        if sentences != 1:
            problems.append(f"{sentences} sentences where one is wanted")
    if tier == "paragraph" and len(_line_spans(summary)) > 1:
        problems.append("several paragraphs or lines where one paragraph is wanted")
    if words > shape.max_words:
        problems.append(f"{words} words, more than {shape.max_words}")
    if words < shape.min_words:
        problems.append(f"{words} words, fewer than {shape.min_words}")
    if tier == "full":
        missing = uncovered_sections(summary, source)
        if missing:
            names = ", ".join(f"'{s.heading}'" if s.heading else f"section {i + 1}" for i, s in missing)
            problems.append(f"does not cover {names}")
    return problems


def uncovered_sections(summary: str, source: str) -> list[tuple[int, Section]]:
    """Sections of the source that the summary says nothing about (by distinctive words)."""
    sections = split_sections(source)
    said = set(content_words(summary))
    keywords = section_keywords(sections)
    return [(i, s) for i, (s, keys) in enumerate(zip(sections, keywords)) if keys and not said & set(keys)]


def section_keywords(sections: list[Section], top: int = 12) -> list[list[str]]:
    """Each section's most distinctive content words (tf x idf across sections)."""
    counts = [Counter(content_words(s.heading + "\n" + s.body)) for s in sections]
    df = Counter(word for c in counts for word in c)
    n = len(sections)
    result = []
    for c in counts:
        if n == 1:
            result.append([w for w, _ in c.most_common(top)])
            continue
        scored = [(tf * math.log(n / df[w]), w) for w, tf in c.items() if df[w] < n]
        scored.sort(key=lambda x: (-x[0], x[1]))
        result.append([w for _, w in scored[:top]])
    return result


def content_words(text: str) -> list[str]:
    """Lower-cased, crudely stemmed words that carry meaning (no stopwords)."""
    words = []
    for token in _TOKEN.findall(text):
        word = token.lower().strip("'’.-")
        word = re.sub(r"['’]s$", "", word)
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


# -- trimming ------------------------------------------------------------------------------
def drop_spans(text: str, spans: list[Span]) -> str:
    """Remove the given spans and tidy the whitespace they leave behind."""
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + text[span.end :]
    return tidy(text)


def tidy(text: str) -> str:
    """Collapse runs of spaces, drop empty lines and bare bullets, trim the ends."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"[ \t]{2,}", " ", line).rstrip()
        if BULLET.sub("", line).strip() or (not line.strip() and lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def trim_to_shape(tier: str, summary: str, source: str) -> str:
    """Remove what makes `summary` too long for `tier`.

    Whole sentences go first (one-line keeps its first sentence, paragraph joins its lines and
    drops sentences from the end, full drops the last sentence of its longest paragraph);
    then a trailing clause; as a last resort words, ending with '…' and never between a
    number and what it counts. Too short or uncovered summaries come back as given (the caller
    reports them); the caller checks names and figures again after a cut.
    """
    shape = shape_for(tier, source)
    summary = tidy(summary)
    if tier == "one_line":
        sentences = split_sentences(summary)
        summary = BULLET.sub("", sentences[0].text) if sentences else summary
    elif tier == "paragraph":
        joined = " ".join(BULLET.sub("", s.text) for s in _line_spans(summary))
        summary = _drop_tail_sentences(joined, shape.max_words)
    else:
        summary = _trim_full(summary, shape.max_words)
    return cut_words(summary, shape.max_words, shape.min_words)


def cut_words(text: str, max_words: int, min_words: int = 1) -> str:
    """Shorten `text` to `max_words`: at the last clause boundary that keeps enough, else by words."""
    if count_words(text) <= max_words:
        return text
    floor = max(6, min_words, max_words // 2)
    cut = None
    for match in _CLAUSE.finditer(text):
        head = text[: match.start()].rstrip()
        if floor <= count_words(head) <= max_words:
            cut = head
    if cut is not None:
        return cut.rstrip(",;:—–- ") + "."
    return _cut_between_words(text, max_words)


_UNIT = re.compile(r"^(?:[a-z%°]|per\b)", re.UNICODE)


def _cut_between_words(text: str, max_words: int) -> str:
    pieces = [m for m in re.finditer(r"\S+", text) if _WORD.search(m.group())]
    keep = max_words
    while keep > max(1, max_words - 5):
        last, following = pieces[keep - 1].group(), pieces[keep].group()
        number_then_unit = any(ch.isdigit() for ch in last) and _UNIT.match(following)
        if not number_then_unit and last not in ("$", "€", "£", "¥", "US$", "CHF"):
            break
        keep -= 1
    return text[: pieces[keep - 1].end()].rstrip(",;:—–-") + "…"


def _drop_tail_sentences(text: str, max_words: int) -> str:
    sentences = split_sentences(text)
    while len(sentences) > 1 and count_words(text) > max_words:
        text = drop_spans(text, [sentences[-1]])
        sentences = split_sentences(text)
    return text


def _trim_full(summary: str, max_words: int) -> str:
    """Drop the last sentence of the longest paragraph until short enough."""
    while count_words(summary) > max_words:
        lines = _line_spans(summary)
        candidates = [(count_words(line.text), i) for i, line in enumerate(lines)
                      if len(split_sentences(line.text)) > 1]
        if not candidates:
            break
        _, index = max(candidates)
        line = lines[index]
        last = split_sentences(line.text)[-1]
        summary = drop_spans(summary, [Span(line.start + last.start, line.start + last.end, last.text)])
    return summary
