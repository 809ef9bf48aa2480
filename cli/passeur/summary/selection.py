"""News-aware sentence selection for the extractive engine: lead first, nested tiers, linear time.

The source is cut into units: sentences, merged while a quotation is open, so that no unit
starts or ends inside one; a photo caption or "Scroll down for video" run into a sentence
without a full stop (pasted news pages) is cut off and never chosen. Each unit gets a score: a position prior (news puts the news
first), its TF-IDF similarity to the whole text (centrality, against the centroid: linear
time), the recurring names and figures it holds, and its length; units that open with a
pronoun or a quote read badly alone and count less.

The tiers are nested. one_line is the best-scored single sentence of 8 to 30 words that
reads alone, among the first four units (among the first eight if those four only offer one
opening with a pronoun or a quote); paragraph is the one-line plus the text's units in
reading order up to about 110 words; full is the paragraph, a unit for each section it does
not cover yet, then each section's next unit in reading order, section by section in turn,
within 35% of the source; a unit whose content words are mostly chosen already is passed
over for the next, and one that leans on the unit before it (a pronoun, a conjunction or a
quote first) is taken only with that one, or when the paragraph cannot reach its floor otherwise. Chosen units keep their document order. Measured against human
highlights (bench/summaries.py), reading order beats every re-ranking tried for the longer
tiers: on news the lead is the summary.
"""
from __future__ import annotations

import math
import re
from collections import Counter, deque
from dataclasses import dataclass, field

from passeur.summary.shape import (BULLET, ONE_LINE_MAX_WORDS, PARAGRAPH_MIN_WORDS as PARAGRAPH_FLOOR, SENTENCE_END,
                                   Section, content_words, count_words, is_heading, section_keywords, split_sections,
                                   split_sentences)

ONE_LINE_MIN_WORDS = 8
ONE_LINE_WINDOW = 4  # the one-line is chosen among the text's first units
ONE_LINE_CLEAN_WINDOW = 8  # ... or a little further on, rather than one that does not read alone
PARAGRAPH_TARGET_WORDS = 110
REPEATED_SHARE = 0.6  # a unit whose content words are this much already chosen is passed over

_DANGLING = re.compile(r"^(?:[\"“”«»'‘’]|(?:he|she|they|it|this|these|those|that|but|and|also|his|her|their|its|so|"
                       r"then|however)\b)", re.IGNORECASE)
_TITLE_END = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sgt|Spc|Pvt|Cpl|Capt|Gen|Col|Lt|Maj|Adm|Cmdr|Rev|Gov|Sen|Rep|"
                        r"Det|Insp|Supt|Fr|St)\.$")
_KEY = re.compile(r"\b(?:[A-Z][\w'’-]+|\d[\d,.]*\d|\d)")
# Web pages pasted as text run a photo caption into the next sentence with no full stop:
# "... 13% higher than a colleague The cost of divorce ...". A sentence starter (a capitalised
# article or pronoun, then a lower-case word) right after a lower-case word, a figure or a
# closing quote, with at least four words on either side, is such a seam.
_RUN_ON = re.compile(r"(?<=[a-z0-9%’'\")])\s+(?=(?:The|An|He|She|They|It|His|Her|Their|We)\s+[a-z0-9])")
_FURNITURE = re.compile(r"^(?:Scroll down for (?:the )?videos?|Scroll down to (?:see|watch) (?:the )?videos?)\s+",
                        re.IGNORECASE)
_FINISHED = re.compile(r"[.!?…][\"”’'»)\]]*$")


@dataclass
class Unit:
    """One or more whole sentences of the source, never cut inside a quotation."""

    index: int
    section: int
    text: str
    words: int
    terms: Counter = field(repr=False)
    sentences: int = 1
    score: float = 0.0
    caption: bool = False  # a caption or page furniture run into the text: never chosen
    after_caption: bool = False  # the unit before it in the text is such a caption

    def __hash__(self) -> int:
        return self.index

    def __eq__(self, other) -> bool:
        return isinstance(other, Unit) and other.index == self.index


@dataclass(frozen=True)
class Selection:
    """The units of each tier, in document order."""

    one_line: list[Unit]
    paragraph: list[Unit]
    full: list[Unit]


def quote_balance(sentence: str) -> tuple[int, int]:
    """(curly quotes opened minus closed, straight double quotes mod 2) in a sentence."""
    depth, straight = 0, 0
    for i, ch in enumerate(sentence):
        before = sentence[i - 1] if i else " "
        after = sentence[i + 1] if i + 1 < len(sentence) else " "
        if ch in "“«" or (ch == "‘" and not before.isalnum()):
            depth += 1
        elif ch in "”»" or (ch == "’" and not after.isalnum() and depth > 0 and before != "s"):
            depth -= 1
        elif ch == '"':
            straight ^= 1
    return depth, straight


def split_units(text: str, sections: list[Section] | None = None, max_merge: int = 4,
                keep_headings: bool = False) -> list[Unit]:
    """The body's sentences in order (headings left out unless `keep_headings`), merged while a
    quotation is open (at most `max_merge`)."""
    pieces: list[tuple[int, str, int, bool]] = []  # (section, text, sentences, caption)
    for number, section in enumerate(sections if sections is not None else split_sections(text)):
        for line in section.body.splitlines():
            open_depth, open_straight, buffer = 0, 0, []  # buffer: the (start, end) of sentences in line

            def flush() -> None:
                nonlocal open_depth, open_straight, buffer
                pieces.append((number, line[buffer[0][0]:buffer[-1][1]], len(buffer), False))  # as written
                open_depth, open_straight, buffer = 0, 0, []

            for sentence in split_sentences(line):
                if is_heading(sentence.text) and not buffer and not keep_headings:
                    continue
                at = sentence.start
                for part, caption in split_run_ons(sentence.text):
                    start = line.index(part, at)
                    at = start + len(part)
                    if caption and not buffer:
                        pieces.append((number, part, 1, True))
                        continue
                    depth, straight = quote_balance(part)
                    buffer.append((start, at))
                    open_depth, open_straight = max(0, open_depth + depth), open_straight ^ straight
                    if (open_depth == 0 and open_straight == 0) or len(buffer) >= max_merge:
                        flush()
            if buffer:
                flush()
    return [Unit(i, number, piece, count_words(piece), Counter(content_words(piece)), sentences, caption=caption)
            for i, (number, piece, sentences, caption) in enumerate(pieces)]


def split_run_ons(sentence: str) -> list[tuple[str, bool]]:
    """A sentence cut at the seams where a caption or "Scroll down for video" runs into it:
    (part, is_caption) in order; a part cut off before a seam without a full stop is a caption."""
    parts: list[tuple[str, bool]] = []
    rest = sentence
    while True:
        furniture = _FURNITURE.match(rest)
        if furniture and count_words(rest[furniture.end():]) >= 4:
            parts.append((rest[:furniture.end()].rstrip(), True))
            rest = rest[furniture.end():]
            continue
        seam = next((m for m in _RUN_ON.finditer(rest)
                     if count_words(rest[:m.start()]) >= 4 and count_words(rest[m.end():]) >= 4), None)
        if seam is None:
            parts.append((rest, False))
            return parts
        before = rest[:seam.start()]
        parts.append((before, not _FINISHED.search(before)))
        rest = rest[seam.end():]


def score_units(units: list[Unit]) -> None:
    """Position prior + centrality + recurring names and figures + length, for every unit."""
    if not units:
        return
    n = len(units)
    df = Counter(word for unit in units for word in unit.terms)
    idf = {word: math.log((1 + n) / (1 + count)) + 1 for word, count in df.items()}
    centroid: Counter = Counter()
    for unit in units:
        for word, tf in unit.terms.items():
            centroid[word] += tf * idf[word]
    centroid_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    keys = [set(_KEY.findall(unit.text)) for unit in units]
    seen = Counter(key for found in keys for key in found)
    recurring = {key for key, count in seen.items() if count >= 2}
    centrality = []
    for unit in units:
        vector = {word: tf * idf[word] for word, tf in unit.terms.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        centrality.append(sum(v * centroid[w] for w, v in vector.items()) / (norm * centroid_norm))
    top = max(centrality) or 1.0
    first_of_section: dict[int, int] = {}
    for unit, central, found in zip(units, centrality, keys):
        rank = unit.index - first_of_section.setdefault(unit.section, unit.index)
        position = 0.5 / math.sqrt(1 + min(rank, unit.index))
        names = min(len(found & recurring), 5) / 5
        length = min(unit.words, 30) / 30
        score = position + central / top + 0.3 * names + 0.3 * length
        unit.score = score * (0.6 if _DANGLING.match(unit.text) else 1.0)


def select(text: str, paragraph_max: int, full_max: int) -> Selection:
    """The three tiers' units: one_line within paragraph within full wherever the budgets allow.

    The full tier covers every section (by its distinctive words) when the budget allows: a
    unit is set aside for each section the one-line does not cover, the paragraph is what is
    left of the full tier's room (never under its floor), and the full tier is the paragraph,
    those units, then every section in turn reading on.
    """
    sections = split_sections(text)
    units = split_units(text, sections)
    if not units:  # only headings, or short lines without a full stop: then they are the text
        lines = "\n".join(line.lstrip("#").strip() for line in text.splitlines())
        sections = [Section("", lines)]
        units = split_units(lines, sections, keep_headings=True)
    if any(u.caption for u in units) and not all(u.caption for u in units):  # captions repeat the text
        kept = [(u, k > 0 and units[k - 1].caption) for k, u in enumerate(units) if not u.caption]
        units = [Unit(i, u.section, u.text, u.words, u.terms, u.sentences, after_caption=after)
                 for i, (u, after) in enumerate(kept)]
    score_units(units)
    if not units:
        return Selection([], [], [])
    one = pick_one_line(units)
    if full_max < PARAGRAPH_FLOOR:  # no room for a paragraph inside the full tier: each on its own
        paragraph = fill_in_order(units, [one], budget=paragraph_max, target=min(PARAGRAPH_TARGET_WORDS, paragraph_max))
        full = fill_sections(units, _cover(units, sections, [one], full_max), full_max)
    else:
        cap = min(paragraph_max, full_max)
        reserved = sum(u.words for u in _cover(units, sections, [one], full_max)[1:])
        room = max(min(PARAGRAPH_FLOOR, cap), min(cap, full_max - reserved))
        paragraph = fill_in_order(units, [one], budget=room, target=min(PARAGRAPH_TARGET_WORDS, room))
        full = fill_sections(units, _cover(units, sections, paragraph, full_max), full_max)
    order = lambda chosen: sorted(chosen, key=lambda u: u.index)
    return Selection([one], order(paragraph), order(full))


def _cover(units: list[Unit], sections: list[Section], chosen: list[Unit], budget: int) -> list[Unit]:
    """`chosen`, plus for each section it does not cover the unit holding most of that section's
    distinctive words (at most 40 words; one holding a word fewer if it is shorter, to leave the
    paragraph room; the earliest on a tie; one that reads alone if any), while the budget allows."""
    chosen = list(chosen)
    total = sum(u.words for u in chosen)
    said = _said(chosen)
    for number, keywords in enumerate(section_keywords(sections)):
        keys = set(keywords)
        if not keys or said & keys:
            continue
        mine = [u for u in units if u.section == number and u.words <= 40 and total + u.words <= budget
                and keys & u.terms.keys()]
        mine = [u for u in mine if not _DANGLING.match(u.text)] or mine
        if mine:
            most = max(len(keys & u.terms.keys()) for u in mine)
            best = min((u for u in mine if len(keys & u.terms.keys()) >= most - 1),
                       key=lambda u: (u.words, -len(keys & u.terms.keys()), u.index))
            chosen.append(best)
            total += best.words
            said |= best.terms.keys()
    return chosen


def pick_one_line(units: list[Unit]) -> Unit:
    """The best-scored single sentence of 8-30 words that reads alone, among the first four
    units; one that opens with a pronoun, a conjunction or a quote ("It estimated that...") only
    when none of the first eight units does without; else the best such sentence anywhere (one
    that does without first); else any short one; else the first unit (the caller cuts it to
    shape)."""
    single = [u for u in units if u.sentences == 1 and u.words <= ONE_LINE_MAX_WORDS]
    alone = [u for u in single if u.words >= ONE_LINE_MIN_WORDS and _reads_alone(u.text)]
    clean = [u for u in alone if not _DANGLING.match(u.text)]
    for fitting in ([u for u in clean if u.index < ONE_LINE_WINDOW], [u for u in clean if u.index < ONE_LINE_CLEAN_WINDOW],
                    [u for u in alone if u.index < ONE_LINE_WINDOW], clean, alone, single):
        if fitting:
            return max(fitting, key=lambda u: (u.score, -u.index))
    return units[0]


def _reads_alone(text: str) -> bool:
    """A finished sentence (closing punctuation, not a title before a name: "... Army Spc."),
    not a list item, one sentence on its own."""
    return (text.rstrip()[-1:] in SENTENCE_END and not BULLET.match(text) and not _TITLE_END.search(text)
            and len(split_sentences(text)) == 1)


def fill_in_order(units: list[Unit], chosen: list[Unit], budget: int, target: int) -> list[Unit]:
    """Add the text's units in reading order until `target` words, never past `budget`.

    Stops at the first unit that does not fit, unless the total is still under the
    paragraph floor: then it skips over it, and if the floor is still not reached, swaps
    one chosen unit (never the first, the one-line) for one that lands between floor and budget.
    """
    chosen = list(chosen)
    total = sum(u.words for u in chosen)
    said = _said(chosen)
    floor = min(PARAGRAPH_FLOOR, target)
    for unit in units:
        if total >= target:
            break
        if unit in chosen or repeats(unit, said) or leans_back(unit, units, chosen, said):
            continue
        if total + unit.words > budget:
            if total >= floor:
                break
            continue
        chosen.append(unit)
        said |= unit.terms.keys()
        total += unit.words
    if total < floor:
        chosen = _reach_floor(units, chosen, total, floor, budget)
    return chosen


def _reach_floor(units: list[Unit], chosen: list[Unit], total: int, floor: int, budget: int) -> list[Unit]:
    left = [u for u in units if u not in chosen]
    said = _said(chosen)
    alone = [u for u in left if not leans_back(u, units, chosen, said)]
    left = alone + [u for u in left if u not in alone]
    for out in reversed(chosen[1:]):
        for unit in left:
            if floor <= total - out.words + unit.words <= budget:
                return [u for u in chosen if u != out] + [unit]
    return chosen


def leans_back(unit: Unit, units: list[Unit], chosen, said: set[str]) -> bool:
    """Whether a unit opens with a pronoun, a conjunction or a quote ("It estimated that...")
    while the unit before it, which it leans on, is neither chosen nor said already (or is a
    caption, never chosen)."""
    if not _DANGLING.match(unit.text):
        return False
    if unit.after_caption:  # "He was once champion" after a caption naming him: nothing to lean on
        return True
    if unit.index == 0:
        return False
    before = units[unit.index - 1]
    return before not in chosen and not repeats(before, said)


def fill_sections(units: list[Unit], chosen: list[Unit], budget: int) -> list[Unit]:
    """Each section in turn adds its next unit in reading order, until none fits the budget.

    A section whose next unit does not fit is done; sections that nothing chosen covers go
    first, so every section gets a unit when the budget allows.
    """
    chosen_set = set(chosen)
    chosen = list(chosen)
    total = sum(u.words for u in chosen)
    said = _said(chosen)
    queues: dict[int, deque] = {}
    for unit in units:
        queues.setdefault(unit.section, deque()).append(unit)
    covered = {u.section for u in chosen}
    order = sorted(queues, key=lambda s: (s in covered, s))
    while order:
        still = []
        for section in order:
            queue = queues[section]
            unit = _next_new(queue, units, chosen_set, said)
            if unit is None:
                continue
            if total + unit.words > budget:
                if section in covered:
                    continue  # this section is done
                while unit is not None and total + unit.words > budget:  # an uncovered one takes one that fits
                    unit = _next_new(queue, units, chosen_set, said)
                if unit is None:
                    continue
            chosen.append(unit)
            chosen_set.add(unit)
            said |= unit.terms.keys()
            covered.add(section)
            total += unit.words
            still.append(section)
        order = still
    return chosen


def repeats(unit: Unit, said: set[str]) -> bool:
    """Whether most of the unit's content words (REPEATED_SHARE) are already said: such a unit
    (a caption restating the lead, a quote the text already paraphrased) adds little but words."""
    return bool(unit.terms) and len(unit.terms.keys() & said) >= REPEATED_SHARE * len(unit.terms)


def _next_new(queue: deque, units: list[Unit], chosen: set[Unit], said: set[str]) -> Unit | None:
    """The queue's next unit that is not chosen, no repeat of what is said and leans on nothing
    left out (popped), or None."""
    while queue:
        unit = queue.popleft()
        if unit not in chosen and not repeats(unit, said) and not leans_back(unit, units, chosen, said):
            return unit
    return None


def _said(units: list[Unit]) -> set[str]:
    return {word for unit in units for word in unit.terms}
