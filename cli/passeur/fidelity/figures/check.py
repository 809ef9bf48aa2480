"""The figures half of a check: values compared, never strings.

A source figure is found when the English states its value in any form, or one of its
other readings (an ambiguous "2,700"), or states it with the unit or currency the French left
implicit ("4,1" / "4.1 percent"; "100 millions d'euros" / "100 million" where the English
names the euro elsewhere). A figure the English states in another unit it converted to is a
warning. A French leftover ("97,4", "milliard") is altered: an error, since an English reader
reads it wrong. What is left over is paired, most alike first, into altered figures.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Hashable

from passeur.fidelity.entry import Entry, Mention
from passeur.fidelity.figures.en import find_figures
from passeur.fidelity.figures.fr import extract_figures
from passeur.fidelity.figures.values import month_names, significant_digits
from passeur.fidelity.figures.repair import repair, swap_scale
from passeur.fidelity.issue import WARNING, Issue, altered, missing, unexpected

_PAIR_FLOOR = 0.5  # digit similarity from which two figures count as one, altered
_FAMILY = {"points": "percent", "century": "ordinal", "decade": "date"}
_CONVERTIBLE = [{"km", "m", "cm", "mm", "mi", "ft", "in"}, {"kg", "g", "mg", "t", "lb", "Mt"},
                {"°C", "°F"}, {"km/h", "mph"}, {"l", "cl", "ml", "gal"}, {"ha", "acre", "km²", "m²", "sq mi"}]
_SCALED = r"[ \u00a0-]?(?i:thousand|million|billion|trillion|bn|mn|m\b|k\b|%|per ?cent)"
_CURRENCY_WORDS = {"USD": r"\$|dollars?", "EUR": r"€|euros?", "GBP": r"£|pounds?|sterling",
                   "JPY": r"¥|yen", "CHF": r"francs?|CHF", "CAD": r"C\$|dollars?", "CNY": "yuan"}


def check_figures(figures, mentions: list[Mention], in_names: set[int], text: str,
                  summary: bool, source_text: str | None) -> list[tuple[tuple, Issue]]:
    keyed: list[tuple[tuple, Issue]] = []
    used: set[int] = set()
    unmatched: list[tuple[int, Entry, Hashable]] = []
    matched: list[Hashable] = []
    currencies = _currencies(text, mentions)
    for index, entry in figures:
        value = entry_value(entry)
        if value is None:  # no value to compare: the target must be there verbatim
            if entry.target not in text and not summary:
                keyed.append(missing(index, entry))
            continue
        values = (value, *entry.alternatives)
        if value in matched or any(value == v for _, _, v in unmatched):
            continue  # the same figure again
        hits = [i for i, m in enumerate(mentions)
                if any(matches(v, found, currencies,
                               implied=not entry.alternatives and not m.extra.get("alternatives"))
                       for v in values for found in mention_values(m))]
        for i in hits:
            if i not in used and mentions[i].extra.get("nonstandard"):
                keyed.append(((index, mentions[i].start),
                              altered(entry, mentions[i], summary=summary)))
        used.update(hits)
        if hits:
            matched.extend(values)
        else:
            unmatched.append((index, entry, value))
    # Written another way ("Catch-22", a month and year apart), but not inside a figure that
    # another of the source's figures already accounts for ("Nov. 21" is no "21 years").
    taken = [(mentions[i].start, mentions[i].end) for i in used]
    stated = [u for u in unmatched if _stated_otherwise(u[1], u[2], text, mentions, taken)]
    for index, entry, value in stated:
        matched.extend((value, *entry.alternatives))
    unmatched = [u for u in unmatched if u not in stated]
    # A summary may shorten a figure ("April 22" for April 22, 2024); a translation may not.
    supporting = matched + ([v for _, _, v in unmatched] if summary else [])
    loose = [i for i, m in enumerate(mentions) if i not in used and not m.extra.get("spelled")
             and i not in in_names
             and not any(covers(v, found) or covers(found, v)
                         for v in supporting for found in mention_values(m))]
    source_length = len(source_text) if source_text else max((e.end for _, e in figures), default=0)
    for (index, entry, value), i in _pair(unmatched, [(i, mentions[i]) for i in loose], summary,
                                          source_length, len(text)):
        if i is not None:
            loose.remove(i)
            converted = _converted(value, mentions[i].value) and not summary  # a summary
            # restates the source's figures: one in another unit or currency is unsupported
            slip = _is_slip(value, mentions[i].value) and (
                not mentions[i].extra.get("words")  # words: only a scale word may be put right
                or swap_scale(mentions[i].text, mentions[i].value, value) is not None)
            keyed.append(((index, mentions[i].start), altered(
                entry, mentions[i], summary=summary, severity=WARNING if converted else None,
                repairable=slip and not converted,
                replacement=repair(mentions[i].text, mentions[i].value, value, entry.target,
                                   bool(mentions[i].extra.get("nonstandard"))))))
        elif not summary:
            keyed.append(missing(index, entry))
    for i in loose:
        keyed.append(unexpected(mentions[i], summary=summary, gloss=_gloss(mentions, i, text)))
    return keyed


def _gloss(mentions: list[Mention], i: int, text: str) -> bool:
    """Whether mention i restates the figure before it in brackets or after a slash."""
    if i == 0 or mentions[i].value[0] != mentions[i - 1].value[0]:
        return False
    return re.fullmatch(r"\s*[(/]\s*|\s+or\s+", text[mentions[i - 1].end:mentions[i].start]) is not None


def mention_values(mention: Mention) -> tuple:
    return (mention.value, *mention.extra.get("alternatives", ()))


def entry_value(entry: Entry) -> Hashable | None:
    """An entry's figure value: its own, else read from its English target or French source."""
    if entry.value is not None:
        return entry.value
    found = find_figures(entry.target)
    if len(found) == 1 and found[0].text == entry.target.strip():
        return found[0].value
    found_fr = extract_figures(entry.source)
    return found_fr[0].value if len(found_fr) == 1 else None


def covers(expected: Hashable, found: Hashable) -> bool:
    """True when `found` states the figure `expected`.

    A found date may say more (a year added); a year may be written as a plain number.
    """
    if expected == found:
        return True
    if expected[0] == found[0] == "date":
        return all(e is None or e == f for e, f in zip(expected[1:], found[1:]))
    year = _year(expected)
    return year is not None and year == _year(found)


def matches(expected: Hashable, found: Hashable, currencies: set[str], implied: bool = True) -> bool:
    """`covers`, or the English states the unit the French left implicit, or vice versa.

    With `implied`, a small bare number may stand for a scaled one (the scale said once,
    elsewhere); not when the context already gave the bare number its scale.
    """
    if covers(expected, found):
        return True
    kind, other = expected[0], found[0]
    if implied and (_scale_implied(expected, found) or _scale_implied(found, expected)):
        return True
    if kind == "number" and other in ("money", "quantity", "percent", "points"):
        return expected[1] == found[-1]
    if kind == "money" and other == "number":
        return expected[2] == found[1] and expected[1] in currencies
    if kind == "time" and other == "number" and expected[2] == 0:  # "à 8h le soir": "at 8 in the evening"
        return found[1] in (expected[1], expected[1] - 12)
    integer = _integer(expected[-1]) if kind in ("number", "ordinal", "century") else None
    if integer is None:
        return False
    if other in ("ordinal", "number", "century") and kind != other:
        return integer == _integer(found[-1])
    return False


def _scale_implied(scaled: Hashable, bare: Hashable) -> bool:
    """"24 milliards ... 24 more", "25 millions, ... 3,5": a small bare number stands for a
    scaled one written nearby (the scale is said once)."""
    if bare[0] != "number" or scaled[0] not in ("number", "money") or not 0 < abs(bare[1]) < 1000:
        return False
    return any(bare[1].scaleb(power) == scaled[-1] for power in (6, 9, 12))


def _integer(value) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral():
        return int(value)
    return None


def _currencies(text: str, mentions: list[Mention]) -> set[str]:
    found = {m.value[1] for m in mentions if m.value and m.value[0] == "money"}
    for code, pattern in _CURRENCY_WORDS.items():
        if code not in found and re.search(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.IGNORECASE):
            found.add(code)
    return found


def _stated_otherwise(entry: Entry, value: Hashable, text: str, mentions: list[Mention],
                      taken: list[tuple[int, int]]) -> bool:
    """A bare number or year written as is inside a word or code ("Catch-22", "post-2012"), or a
    month and year stated apart ("the November issue ... in 1954")."""
    if value[0] == "number" or (value[0] == "date" and value[2] is None):
        numeral = entry.target
        if re.fullmatch(r"[\d,.]+", numeral):
            return any(not any(a <= found.start() < b for a, b in taken)
                       for found in re.finditer(rf"(?<![\d.,]){re.escape(numeral)}(?![\d]|[.,]\d|{_SCALED})", text))
        return False
    if value[0] == "date" and value[1] is not None and value[2] is not None:
        month = month_names("en")[value[2] - 1]
        days = {m.value[3] for m in mentions if m.value[0] == "date" and m.value[2] == value[2]}
        has_year = any(_year(v) == value[1] for m in mentions for v in mention_values(m))
        has_month = re.search(rf"\b{month}\b", text) is not None
        return has_year and has_month and (value[3] is None or value[3] in days)
    return False


def _year(value: Hashable) -> int | None:
    if value[0] == "date" and value[2] is None and value[3] is None:
        return value[1]
    if value[0] == "number" and value[1] == value[1].to_integral() and 1000 <= value[1] <= 2199:
        return int(value[1])
    return None


def _converted(expected: Hashable, found: Hashable) -> bool:
    """A figure stated in another unit of the same dimension (km / miles, °C / °F), or an
    amount in another currency ("10 €" / "$14"): the translator converted it."""
    if expected[0] == found[0] == "money":  # not a slip of one digit: "€97.5bn" for $97.4bn
        a, b = _digits(expected), _digits(found)
        slip = len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= 1
        return expected[1] != found[1] and expected[2] != found[2] and not slip
    if expected[0] != "quantity" or found[0] != "quantity" or expected[1] == found[1]:
        return False
    return any({expected[1], found[1]} <= family for family in _CONVERTIBLE)


def _pair(unmatched, loose, summary: bool, source_length: int, text_length: int):
    """Pair each unmatched source figure with the loose English figure most like it, if any."""
    scored = []
    for a, (index, entry, value) in enumerate(unmatched):
        for i, mention in loose:
            score = _likeness(value, mention.value, summary)
            if score is None:
                continue
            if entry.start >= 0 and source_length and text_length:
                score += 0.2 * (1 - abs(entry.start / source_length - mention.start / text_length))
            scored.append((-score, a, i))
    pairs: dict[int, int | None] = {}
    taken: set[int] = set()
    for _, a, i in sorted(scored):
        if a not in pairs and i not in taken:
            pairs[a] = i
            taken.add(i)
    return [(item, pairs.get(a)) for a, item in enumerate(unmatched)]


def _is_slip(expected: Hashable, found: Hashable) -> bool:
    """Whether `found` is `expected` mis-written (a digit or two, the scale, the format, a unit
    or currency left out), so that putting the source's value in its place repairs it rather
    than rewrites another figure ("£9 ($14)" for "9 £ (10 €)" is a conversion, not a slip)."""
    kind_a, kind_b = _FAMILY.get(expected[0], expected[0]), _FAMILY.get(found[0], found[0])
    if kind_a == "number" and kind_b in ("money", "quantity", "percent"):  # the unit added
        found, kind_b = ("number", found[-1]), "number"
    a, b = _digits(expected), _digits(found)
    if kind_a != kind_b:  # "1.7" for 1,7 %: the unit left out, the digits right
        return kind_b == "number" and kind_a in ("money", "percent", "quantity") and \
            significant_digits(expected) == significant_digits(found)
    if kind_a in ("money", "quantity") and expected[1] != found[1]:
        return expected[-1] == found[-1]
    if _likeness(expected, found, True) is not None:
        return True
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= 2


def _digits(value: Hashable) -> str:
    numbers = [part for part in value[1:] if isinstance(part, (int, Decimal))]
    return "".join(ch for n in numbers for ch in format(Decimal(n).normalize(), "f") if ch.isdigit())


def _likeness(expected: Hashable, found: Hashable, strict: bool) -> float | None:
    """How alike two different figures look (None: not comparable as one altered figure)."""
    kind_a, kind_b = _FAMILY.get(expected[0], expected[0]), _FAMILY.get(found[0], found[0])
    if kind_a != kind_b and "number" not in (kind_a, kind_b):
        return None
    from rapidfuzz.fuzz import ratio

    a, b = significant_digits(expected), significant_digits(found)
    similarity = 1.0 if sorted(a) == sorted(b) else ratio(a, b) / 100
    same_kind = kind_a == kind_b
    if _converted(expected, found):
        return 0.5
    if similarity < _PAIR_FLOOR and (strict or not same_kind):
        return None
    return similarity + (0.3 if same_kind else 0.0)
