"""What `--fix` writes in place of a wrong figure: the source's value in the text's own style.

Only the part that is wrong changes: "14 percent" for 13 % becomes "13 percent", "HUF 15,000"
becomes "HUF 10,000", "$97.4 million" for 97,4 milliards becomes "$97.4 billion", "April 26"
becomes "April 25". Where the kind, the currency or the unit differs, or the form is a French
leftover, the whole span becomes the house-style target.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Hashable

from passeur.fidelity.figures.values import EN_SCALE_WORDS, EN_SCALES, group_thousands, parse_english_number

_NUMERAL = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+(?:\.\d+)?")
_SCALE_NAMES = "|".join(sorted(EN_SCALES, key=len, reverse=True))  # the reader's own table
_SCALE = re.compile(rf"[ \u00a0-]?(?:{_SCALE_NAMES})s?(?![\w'’])", re.IGNORECASE)
_SINGLE_AMOUNT = ("money", "percent", "points", "number", "quantity", "decade")


def repair(found: str, found_value: Hashable, expected_value: Hashable, target: str,
           nonstandard: bool = False) -> str:
    """The text to put in place of `found` so that it states `expected_value`."""
    kind = found_value[0]
    if expected_value[0] == "number" and kind in ("money", "quantity"):  # the unit, added, stays
        expected_value = (*found_value[:-1], expected_value[-1])
    swapped = None if nonstandard else swap_scale(found, found_value, expected_value)
    if swapped is not None:
        return swapped
    if nonstandard or kind != expected_value[0] or found_value[1:-1] != expected_value[1:-1] \
            and kind in ("money", "quantity"):
        return target
    if kind == "date":
        return _repair_date(found, found_value, expected_value) or target
    if kind not in _SINGLE_AMOUNT:
        return target
    numerals = list(_NUMERAL.finditer(found))
    if len(numerals) != 1:
        return target
    numeral = numerals[0]
    written = parse_english_number(numeral.group())
    found_amount, expected_amount = Decimal(found_value[-1]), Decimal(expected_value[-1])
    if not written or found_amount < 0 or expected_amount < 0:
        return target
    ratio = (found_amount / written).normalize()
    if ratio != 1 and ratio not in (Decimal(10) ** p for p in (3, 6, 9, 12)):
        return target
    candidate = (expected_amount / ratio).normalize()
    if (ratio == 1 and candidate < 10 ** 6) or (candidate >= 1 and -candidate.as_tuple().exponent <= 3):
        return found[:numeral.start()] + _styled(candidate, numeral.group()) + found[numeral.end():]
    scale = _SCALE.match(found, numeral.end())
    end = scale.end() if scale else numeral.end()
    for power in (12, 9, 6):
        short = (expected_amount / Decimal(10) ** power).normalize()
        if short >= 1 and -short.as_tuple().exponent <= 3:
            return found[:numeral.start()] + _styled(short, numeral.group()) + " " + EN_SCALE_WORDS[power] + found[end:]
    if expected_amount < 10 ** 6:  # no scale word: the digits, grouped
        return found[:numeral.start()] + group_thousands(expected_amount) + found[end:]
    return target


# A scale word after a space, or an abbreviation glued to the digits ("5bn", "€5m").
_SCALE_WORD = re.compile(rf"(?<![^\W\d_])({_SCALE_NAMES})(s?)(?![\w'’])", re.IGNORECASE)
_ABBREVIATIONS = {3: "k", 6: "m", 9: "bn", 12: "tn"}


def swap_scale(found: str, found_value: Hashable, expected_value: Hashable) -> str | None:
    """`found` with its one scale word put right ("five million Euro" -> "five billion Euro",
    "4,488.88 billion" -> "4,488.88 million"), when only the scale differs; else None."""
    implied = expected_value[0] == "number" and found_value[0] in ("money", "quantity")
    if not implied and (found_value[0] != expected_value[0] or found_value[1:-1] != expected_value[1:-1]):
        return None
    found_amount, expected_amount = Decimal(found_value[-1]), Decimal(expected_value[-1])
    if not found_amount or not expected_amount:
        return None
    ratio = (found_amount / expected_amount).normalize()
    shift = next((p for p in (-9, -6, -3, 3, 6, 9) if ratio == Decimal(10) ** p), None)
    words = [m for m in _SCALE_WORD.finditer(found)  # a one-letter one only glued to digits ("5m", not "m")
             if len(m.group(1)) > 1 or found[max(0, m.start() - 1):m.start()].isdigit()]
    if shift is None or len(words) != 1:
        return None
    word = words[0]
    power = EN_SCALES[word.group(1).lower()] - shift
    if power not in EN_SCALE_WORDS:
        return None
    abbreviated = word.group(1).lower() not in (*EN_SCALE_WORDS.values(), "milliard")
    new = (_ABBREVIATIONS if abbreviated else EN_SCALE_WORDS)[power] + word.group(2)
    if word.group(1)[:1].isupper():
        new = new.capitalize()
    return found[:word.start()] + new + found[word.end():]


def _styled(amount: Decimal, like: str) -> str:
    """`amount` written as `like` is: grouped with commas (or a space) if it was, as many decimals."""
    decimals = len(like.partition(".")[2])
    if decimals and -amount.as_tuple().exponent <= decimals:
        amount = amount.quantize(Decimal(1).scaleb(-decimals))
    text = format(amount, "f")
    if "," in like:
        text = group_thousands(amount)
    elif space := next((c for c in like if c in " \u00a0\u202f"), None):  # "10 573": grouped by a space
        text = group_thousands(amount).replace(",", space)
    return text


def _repair_date(found: str, found_value: Hashable, expected_value: Hashable) -> str | None:
    """Put the expected day or year in place of the found one (a month name stays as is)."""
    _, year_f, month_f, day_f = found_value
    _, year_e, month_e, day_e = expected_value
    if month_f != month_e and month_e is not None:
        return None
    out = found
    if year_e is not None and year_f is not None and year_e != year_f:
        out, count = re.subn(rf"(?<!\d){year_f}(?!\d)", str(year_e), out)
        if count != 1:
            return None
    if day_e is not None and day_f is not None and day_e != day_f:
        out, count = re.subn(rf"(?<!\d){day_f}(?!\d)", str(day_e), out, count=1)
        if count != 1:
            return None
    return out if out != found else None
