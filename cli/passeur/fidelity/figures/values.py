"""Figure values, their English house-style spelling, and the scanning helpers both finders use.

A figure's value is a plain hashable tuple, so that two spellings of one figure compare
equal whatever their form ("$97.4 billion" == "US$97.4bn" == "97.4 billion dollars"):

    ("money", currency, amount)      currency an ISO code ("USD"), amount a scaled Decimal
    ("percent", amount)              12.5 %
    ("points", amount)               3 points de pourcentage (percentage points)
    ("number", amount)               2.9 million -> Decimal(2900000)
    ("date", year, month, day)       None for an absent part: ("date", None, 3, 1) is March 1
    ("decade", 1990)                 the 1990s
    ("time", hour, minute)
    ("ordinal", n)                   4th
    ("century", n)                   19th century
    ("quantity", unit, amount)       unit canonical: "km", "°C", "t"...
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal
from functools import lru_cache
from typing import Hashable

# Scale words, both languages, to powers of ten. French "billion" is 10^12.
# English scale words and abbreviations ("5bn", "$5 trn", "3.2 mln"), and their power of ten:
# one table for the reader (figures.en) and for the repairs (figures.repair).
EN_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "milliard": 9,
             "k": 3, "m": 6, "mn": 6, "mln": 6, "b": 9, "bn": 9, "tn": 12, "trn": 12}
FR_SCALES = {"mille": 3, "milles": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9,
             "billion": 12, "billions": 12}
FR_SCALE_ABBREVIATIONS = {"k": 3, "K": 3, "M": 6, "Md": 9, "Mds": 9, "Mrd": 9, "Mrds": 9}
EN_SCALE_WORDS = {3: "thousand", 6: "million", 9: "billion", 12: "trillion"}

# Currency code -> (English prefix, space after the prefix).
_CURRENCY_PREFIX = {"USD": ("$", False), "EUR": ("€", False), "GBP": ("£", False),
                    "JPY": ("¥", False), "CHF": ("CHF", True), "CAD": ("C$", False),
                    "CNY": ("CNY", True)}

GROUP_SPACES = " \u00a0\u202f"
SIGN_BEFORE = " \t\n\u00a0\u202f([\"«“"  # what may come before a minus sign
FRENCH_SPACES = "\u00a0\u202f"  # no-break spaces: a French typographic leftover in English


@lru_cache(maxsize=None)
def _locale(name: str):
    from babel import Locale

    return Locale.parse(name)


@lru_cache(maxsize=None)
def month_names(language: str) -> tuple[str, ...]:
    """The twelve wide month names in `language` (from CLDR, via babel), January first."""
    from babel.dates import get_month_names

    names = get_month_names("wide", locale=language)
    return tuple(names[i] for i in range(1, 13))


@lru_cache(maxsize=4096)
def parse_french_number(numeral: str) -> Decimal:
    """Value of a French numeral: "1 500", "1.500", "97,4", "64\u00a0200" (babel, fr_FR)."""
    from babel.numbers import parse_decimal

    sign = ""
    if numeral[:1] in "-−+":
        sign, numeral = ("-" if numeral[0] != "+" else ""), numeral[1:]
    if is_decimal_point(numeral):  # "3.5": an English-style decimal in French text
        return Decimal(sign + numeral)
    whole, _, decimals = numeral.partition(",")
    # Normalise every grouping mark (three spaces or a dot) to the locale's own.
    whole = "\u202f".join(part for part in _split_groups(whole))
    value = parse_decimal(whole + ("," + decimals if decimals else ""), locale=_locale("fr_FR"))
    return -value if sign else value


def parse_english_number(numeral: str) -> Decimal:
    """Value of an English numeral ("1,020", "97.4"); French leftovers ("97,4", "4 700") too."""
    sign = ""
    if numeral[:1] in "-−+":
        sign, numeral = ("-" if numeral[0] != "+" else ""), numeral[1:]
    if is_decimal_comma(numeral):
        return parse_french_number(sign + numeral)
    digits = numeral.replace(",", "")
    for space in GROUP_SPACES:
        digits = digits.replace(space, "")
    return Decimal(sign + digits)


def is_decimal_comma(numeral: str) -> bool:
    """True for "97,4" or "1 020,50" (a comma not followed by a group of exactly three digits)."""
    if "." in numeral:  # "1,000.5": commas group, the point is the decimal mark
        return False
    head, comma, tail = numeral.rpartition(",")
    return bool(comma) and not (len(tail) == 3 and tail.isdigit())


def is_decimal_point(numeral: str) -> bool:
    """True for "3.5" or "1.5000" in a French numeral, where a dot is not a thousands mark."""
    if "." not in numeral or "," in numeral:
        return False
    head, *groups = numeral.split(".")
    return not (1 <= len(head) <= 3 and all(len(g) == 3 for g in groups))


def _split_groups(whole: str) -> list[str]:
    parts = [whole]
    for mark in GROUP_SPACES + ".":
        parts = [piece for part in parts for piece in part.split(mark)]
    return parts


def english_numeral(french: str) -> str:
    """French numeral -> English: decimal point, commas where the source grouped digits."""
    sign = ""
    if french[:1] in "-−+":
        sign, french = ("-" if french[0] != "+" else "+"), french[1:]
    if is_decimal_point(french):
        return sign + french
    whole, _, decimals = french.partition(",")
    groups = _split_groups(whole)
    out = ",".join(groups)
    return sign + out + ("." + decimals if decimals else "")


def english_scaled(french: str, power: int) -> str:
    """French numeral and scale -> English words: ("97,4", 9) -> "97.4 billion".

    A thousand or more of a scale moves up one ("3 000 milliards" -> "3 trillion").
    """
    numeral = english_numeral(french)
    if power in (6, 9) and abs(parse_french_number(french)) >= 1000:
        shorter = parse_french_number(french).scaleb(-3).normalize()
        numeral, power = group_thousands(shorter), power + 3
    return numeral + (" " + EN_SCALE_WORDS[power] if power else "")


def group_thousands(amount: Decimal) -> str:
    """1500000 -> "1,500,000"; keeps the decimals the value has."""
    text = format(amount, "f")
    whole, dot, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    grouped = f"{int(whole):,}"
    return sign + grouped + (dot + decimals if dot else "")


def scaled(amount: Decimal, power: int) -> Decimal:
    """amount * 10**power, exactly."""
    return amount.scaleb(power) if power else amount


def money_target(currency: str, body: str) -> str:
    """The currency put to an English amount: ("USD", "97.4 billion") -> "$97.4 billion"."""
    prefix, spaced = _CURRENCY_PREFIX.get(currency, (currency, True))
    if body.startswith("-"):
        return "-" + prefix + (" " if spaced else "") + body[1:]
    return prefix + (" " if spaced else "") + body


def ordinal_suffix(n: int) -> str:
    """English ordinal suffix: 1 -> "st", 12 -> "th", 23 -> "rd"."""
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def date_target(year: int | None, month: int | None, day: int | None) -> str:
    """English date: "April 22, 2024", "March 1", "November 2023", "1962"."""
    if month is None:
        return str(year)
    name = month_names("en")[month - 1]
    if day is None:
        return f"{name} {year}" if year else name
    return f"{name} {day}, {year}" if year else f"{name} {day}"


def format_value(value: Hashable) -> str:
    """House-style English for a figure value (digits grouped from 1,000 on, years aside)."""
    kind = value[0]
    if kind == "money":
        _, currency, amount = value
        numeral, word = _compact(amount)
        return money_target(currency, numeral + (" " + word if word else ""))
    if kind == "percent":
        return _plain(value[1]) + "%"
    if kind == "points":
        return _plain(value[1]) + (" percentage point" if value[1] == 1 else " percentage points")
    if kind == "number":
        numeral, word = _compact(value[1])
        return numeral + (" " + word if word else "")
    if kind == "date":
        return date_target(*value[1:])
    if kind == "decade":
        return f"{value[1]}s"
    if kind == "time":
        return f"{value[1]}:{value[2]:02d}"
    if kind == "ordinal":
        return f"{value[1]}{ordinal_suffix(value[1])}"
    if kind == "century":
        return f"{value[1]}{ordinal_suffix(value[1])} century"
    if kind == "quantity":
        _, unit, amount = value
        return _plain(amount) + ("" if unit.startswith("°") else " ") + unit
    raise ValueError(f"not a figure value: {value!r}")


def _plain(amount: Decimal) -> str:
    return group_thousands(amount.normalize() if amount == amount.to_integral() else amount)


def _compact(amount: Decimal) -> tuple[str, str]:
    """Split a large amount into a short numeral and a scale word: 97.4e9 -> ("97.4", "billion")."""
    for power in (12, 9, 6):
        if abs(amount) >= Decimal(10) ** power:
            short = amount.scaleb(-power).normalize()
            return format(short, "f"), EN_SCALE_WORDS[power]
    return _plain(amount), ""


def significant_digits(value: Hashable) -> str:
    """The digits that carry a figure's value, without scale: 97.4e9 -> "974", 2018 -> "2018"."""
    numbers = [part for part in value[1:] if isinstance(part, (int, Decimal)) and part is not None]
    text = "".join(format(Decimal(n).normalize(), "f") for n in numbers)
    return "".join(ch for ch in text if ch.isdigit()).strip("0") or "0"


def digit_windows(text: str, trigger: re.Pattern, before: int, after: int) -> list[tuple[int, int]]:
    """Stretches of `text` around each `trigger` match (digits): the only places worth scanning."""
    windows: list[list[int]] = []
    for match in trigger.finditer(text):
        start, end = max(0, match.start() - before), min(len(text), match.end() + after)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    return [(start, end) for start, end in windows]


def scan_rules(text: str, rules, trigger: re.Pattern, before: int, after: int) -> list[tuple]:
    """(start, end, rank, match) for every rule match near a trigger; `rules` holds
    (pattern, locate, build) and `locate(match)` gives the start, or None to reject."""
    candidates: list[tuple] = []
    for window_start, window_end in digit_windows(text, trigger, before, after):
        for rank, (pattern, locate, _) in enumerate(rules):
            for match in pattern.finditer(text, window_start, window_end):
                start = locate(match)
                if start is not None:
                    candidates.append((start, match.end(), rank, match))
    return candidates


def merge_longest(candidates: list[tuple]) -> list[tuple]:
    """Non-overlapping (start, end, rank, ...) candidates: longest first, lower rank on a tie."""
    taken: list[tuple] = []  # sorted by start, never overlapping
    for candidate in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        i = bisect.bisect_left(taken, candidate[0], key=lambda c: c[0])
        if ((i == len(taken) or candidate[1] <= taken[i][0])
                and (i == 0 or taken[i - 1][1] <= candidate[0])):
            taken.insert(i, candidate)
    return taken


def glued(text: str, pos: int, marks: str = "_.,/") -> bool:
    """True where digits at `pos` belong to a word or a code ("A320", "GPT-4", "1,5")."""
    if pos == 0:
        return False
    before = text[pos - 1]
    if before.isalnum() or before in marks:
        return True
    return before in "-−" and pos >= 2 and text[pos - 2].isalpha()


def signed_start(text: str, pos: int, marks: str = "_.,/") -> int | None:
    """Where a numeral at `pos` starts, a minus sign taken in; None when glued to a word."""
    if pos and text[pos - 1] in "-−" and (pos == 1 or text[pos - 2] in SIGN_BEFORE):
        return pos - 1
    return None if glued(text, pos, marks) else pos
