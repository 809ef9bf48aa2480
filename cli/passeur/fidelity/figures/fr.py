"""Find every figure in a French text, with its exact span, its value and its English form.

Rules, not a model: a figure is digits with what makes them a figure (a currency, a scale
word, a percent sign, a month, an hour mark, an ordinal suffix, a unit). Each pattern
proposes candidates; where spans overlap the longest wins ("97,4 milliards de dollars"
is one money figure, not a number inside it). Spans leave out articles and prepositions.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Callable

from passeur.fidelity.entry import Entry
from passeur.fidelity.figures.context import ambiguous_group, shared_units, with_amount
from passeur.fidelity.figures.spelled import convert
from passeur.fidelity.figures.values import (FR_SCALE_ABBREVIATIONS, FR_SCALES, date_target, english_numeral,
                                             english_scaled, format_value, glued, group_thousands,
                                             merge_longest, money_target,
                                             month_names, ordinal_suffix, parse_french_number, scaled, scan_rules,
                                             signed_start)

S = "[ \u00a0\u202f]"  # one space of any of the three kinds
OS = S + "?"
APOS = "['’]"
# A numeral, grouped by spaces or dots or not. Patterns start with a digit or a literal so that
# the regex engine can skip ahead fast; what may not come before a figure is checked in code.
NUM = (r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
       r"|\d+[.,]\d+|\d+)(?!\d|[.,]\d)")
SCALE = r"(?:milles?|millions?|milliards?|billions?)(?!\w)"
SCALE_ABBR = r"(?:Mds|Mrds|Mrd|Md|M|k)"
CUR_SYMBOL = r"(?:\$US|US\$|\$|€|£|¥|CHF|USD|EUR|GBP|JPY|CAD)(?![^\W\d_])"
CUR_WORD = (r"(?:dollars?(?:" + S + r"(?:américains|US|canadiens))?|euros?|livres?" + S
            + r"sterling|yens?|yuans?|francs?" + S + r"suisses)(?![^\W\d_])")
MONTH = "(?:" + "|".join(month_names("fr")) + ")"
MONTH_ANY = "(?:" + "|".join(n for m in month_names("fr") for n in (m, m.capitalize())) + ")"

_SYMBOLS = {"$US": "USD", "US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
            "CHF": "CHF", "USD": "USD", "EUR": "EUR", "GBP": "GBP", "JPY": "JPY", "CAD": "CAD"}
_WORDS = {"dollar": "USD", "euro": "EUR", "livre": "GBP", "yen": "JPY", "yuan": "CNY",
          "franc": "CHF"}

MONEY_PREFIX = re.compile(rf"(?P<cur>{CUR_SYMBOL}){OS}(?P<num>{NUM})(?:{S}(?P<scale>{SCALE}))?")
MONEY_TAIL = (rf"(?:{S}(?P<scale>{SCALE})|{OS}(?P<abbr>{SCALE_ABBR})(?={OS}[$€£¥CU]))?"
              rf"(?:{S}de{S}|{S}d{APOS}{OS}|{OS})(?:(?P<sym>{CUR_SYMBOL})|(?P<word>{CUR_WORD}))")
PERCENT_TAIL = (rf"{OS}(?:(?P<pct>%|pour(?:{S}|-)?cents?(?!\w)|pourcents?(?!\w))"
                rf"|(?P<pts>points?{S}de{S}pourcentage(?!\w)))")
DAY_MONTH = re.compile(
    rf"(?P<day>1er|1ᵉʳ|\d{{1,2}}){S}(?P<month>{MONTH})(?:{S}(?P<year>\d{{4}})(?!\d))?(?!\w)")
MONTH_YEAR = re.compile(rf"(?P<month>{MONTH_ANY}){S}(?P<year>\d{{4}})(?!\w)")
NUMERIC_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})(?![\w/])")
TIME = re.compile(rf"(?P<h>\d{{1,2}})(?:{OS}h(?:{OS}(?P<m>\d{{2}}))?(?![^\W_])"
                  rf"|{S}heures?(?:{S}(?P<hm>\d{{2}})(?!\d))?"
                  rf"(?:{S}(?P<pm>du{S}soir|de{S}l{APOS}après-midi)|{S}du{S}matin)?(?!\w))")
ORDINAL = re.compile(
    rf"(?P<n>\d+|[IVXLC]+)(?P<suf>ème|eme|ère|er|re|nde|nd|ᵉʳ|ʳᵉ|ᵉ|e|è)"
    rf"(?!\w)(?:{S}(?P<century>siècles?)(?!\w))?")
UNITS = {  # French unit -> (canonical unit, English form)
    "km²": ("km²", "km²"), "km2": ("km²", "km²"), "m²": ("m²", "m²"), "m2": ("m²", "m²"),
    "km/h": ("km/h", "km/h"), "km": ("km", "km"), "cm": ("cm", "cm"), "mm": ("mm", "mm"),
    "m": ("m", "m"), "kg": ("kg", "kg"), "mg": ("mg", "mg"), "g": ("g", "g"), "t": ("t", "t"),
    "l": ("l", "l"), "L": ("l", "l"), "cl": ("cl", "cl"), "ml": ("ml", "ml"),
    "ha": ("ha", "ha"), "°C": ("°C", "°C"), "°F": ("°F", "°F"), "°": ("°C", "°C"),
    "kW": ("kW", "kW"), "MW": ("MW", "MW"), "GW": ("GW", "GW"), "kWh": ("kWh", "kWh"),
    "MWh": ("MWh", "MWh"), "GWh": ("GWh", "GWh"), "TWh": ("TWh", "TWh"), "Mt": ("Mt", "Mt"),
    "Go": ("GB", "GB"), "Mo": ("MB", "MB"), "To": ("TB", "TB"),
    "kilomètres carrés": ("km²", "square kilometres"),
    "mètres carrés": ("m²", "square metres"),
    "kilomètres par heure": ("km/h", "kilometres per hour"),
    "kilomètres": ("km", "kilometres"), "kilomètre": ("km", "kilometre"),
    "mètres": ("m", "metres"), "mètre": ("m", "metre"),
    "centimètres": ("cm", "centimetres"), "millimètres": ("mm", "millimetres"),
    "kilogrammes": ("kg", "kilograms"), "kilos": ("kg", "kilos"), "grammes": ("g", "grams"),
    "tonnes": ("t", "tonnes"), "tonne": ("t", "tonne"), "litres": ("l", "litres"),
    "litre": ("l", "litre"), "centimètre": ("cm", "centimetre"), "millimètre": ("mm", "millimetre"),
    "kilogramme": ("kg", "kilogram"), "gramme": ("g", "gram"), "kilo": ("kg", "kilo"),
    "hectares": ("ha", "hectares"), "hectare": ("ha", "hectare"),
    "degrés Celsius": ("°C", "°C"), "degrés": ("°C", "°C"), "degré": ("°C", "°C"),
    "mégawatts": ("MW", "megawatts"), "gigawatts": ("GW", "gigawatts"),
}
_UNIT_ALT = "|".join(re.escape(u).replace(r"\ ", S) for u in sorted(UNITS, key=len, reverse=True))
QUANTITY_TAIL = (rf"(?:{S}(?P<qscale>{SCALE}){S}(?:de{S}|d{APOS}{OS}))?{OS}"
                 rf"(?P<unit>{_UNIT_ALT})(?![\w²/'’])")
NUMBER_TAIL = rf"(?:{S}(?P<nscale>{SCALE}))?(?![^\W\d_])"
# One pattern for every figure that starts with its numeral; the first tail that fits wins
# (each is longer than the ones after it).
NUMERAL_LED = re.compile(
    rf"(?P<num>{NUM})(?:{MONEY_TAIL}|{PERCENT_TAIL}|{QUANTITY_TAIL}|{NUMBER_TAIL})")
_SPELLED = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
            "sept": 7, "huit": 8, "neuf": 9, "dix": 10}
# "un milliard de dollars", "deux millions de tonnes": a spelled number before a large scale.
SPELLED_LED = re.compile(
    r"(?P<num>" + "|".join(n for w in _SPELLED for n in (w, w.capitalize())) + ")"
    rf"(?={S}(?:(?:millions?|milliards?|billions?)(?!\w)|pour(?:{S}|-)?cents?(?!\w)|%"
    rf"|(?:{_UNIT_ALT})(?![\w²/'’])))"
    rf"(?:{MONEY_TAIL}|{PERCENT_TAIL}|{QUANTITY_TAIL}|{NUMBER_TAIL})")
DECADE = re.compile(rf"[Aa]nnées{S}(?P<decade>\d{{4}}|[1-9]0)(?!\d)")
_COUNT_BEFORE = re.compile(
    r"(?:\b(?:les|des|ces|ses|leurs|nos|vos|aux|plus de|moins de|près de|environ|quelque)"
    r")[ \u00a0\u202f]*$", re.IGNORECASE)
_TRIGGER = re.compile(r"\d+|siècle|milli|billion|cent|%")
_BEFORE, _AFTER = 30, 60  # a figure starts < 30 characters before its digits, ends < 60 after
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def extract_figures(text: str) -> list[Entry]:
    """Every figure in `text`, one Entry per occurrence, in text order, overlaps merged.

    Numbers in words are read too ("cinquante et un millions", "vingt pour cent"); a bare one
    is kept from ten up, as uncertain (its absence is a warning: "dix ans" may be "a decade").
    """
    converted = convert(text, "fr")
    read = converted.text
    candidates = scan_rules(read, _RULES, _TRIGGER, _BEFORE, _AFTER) + _spelled_led(read)
    entries = [_RULES[rank][2](match, start) for start, _, rank, match in merge_longest(candidates)]
    entries = [_half_more(entry, read) for entry in entries]
    shared = shared_units([(e.start, e.end, e.source, e.value) for e in entries], read, "fr")
    out = []
    for i, entry in enumerate(entries):
        alternatives = list(shared.get(i, ()))
        weekday = _WEEKDAY_BEFORE.search(read, max(0, entry.start - 12), entry.start)
        if weekday and entry.value[0] == "number" and 1 <= entry.value[1] <= 31:  # "vendredi 24"
            alternatives.append(("date", None, None, int(entry.value[1])))
        group = ambiguous_group(entry.source) if entry.value[0] in _AMOUNTS else None
        if group is not None and group[0] == ",":  # "2,700": 2.7 by the rules, 2,700 by habit
            scale = entry.value[-1] / parse_french_number(_NUMERAL_IN.search(entry.source).group())
            other = with_amount(entry.value, group[1] * scale)
            if scale == 1:  # no scale word: the English habit is likelier; target it
                alternatives.append(entry.value)
                entry = replace(entry, value=other, target=format_value(other))
            else:
                alternatives.append(other)
        if alternatives:
            entry = replace(entry, alternatives=tuple(alternatives))
        if converted.regions:
            entry = _from_words(entry, converted)
        if entry is not None:
            out.append(entry)
    return out


_AMOUNTS = ("money", "percent", "points", "number", "quantity")


def _spelled_led(text: str) -> list[tuple]:
    """"deux litres", "trois pour cent" anywhere (no digit brings them into a scan window)."""
    rank = next(i for i, rule in enumerate(_RULES) if rule[0] is SPELLED_LED)
    return [(start, m.end(), rank, m) for m in SPELLED_LED.finditer(text)
            if (start := _locate_spelled(m)) is not None]
_WEEKDAY_BEFORE = re.compile(r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+$", re.IGNORECASE)
_NUMERAL_IN = re.compile(NUM)
_HALF = re.compile(rf"{S}et{S}demie?(?!\w)")


def _half_more(entry: Entry, text: str) -> Entry:
    """"2 millions et demi": half a unit (of the scale, else of the amount's own) more."""
    half = _HALF.match(text, entry.end)
    if half is None or entry.value[0] not in ("money", "number", "quantity"):
        return entry
    amount = entry.value[-1]
    unit = next((Decimal(10) ** p for p in (12, 9, 6, 3) if amount % Decimal(10) ** p == 0), Decimal(1))
    value = (*entry.value[:-1], amount + unit / 2)
    return replace(entry, source=text[entry.start:half.end()], end=half.end(), value=value,
                   target=format_value(value))


def _from_words(entry: Entry, converted) -> Entry | None:
    """An entry read from `converted.text`, put back on the original words."""
    start, end = converted.to_original(entry.start, entry.end)
    if not converted.from_words(entry.start, entry.end):
        return replace(entry, start=start, end=end)
    source = converted.original[start:end]
    kind = entry.value[0]
    bare = kind in ("number", "ordinal", "time") or (kind == "date" and entry.value[2] is None)
    if kind == "number" and abs(entry.value[1]) < 10:
        return None
    bare = bare and (kind != "number" or abs(entry.value[1]) < 100)
    return replace(entry, source=source, start=start, end=end, target=format_value(entry.value),
                   certain=not bare)


# Locators: where a candidate figure starts (a minus sign taken in), None to reject it.

def _locate_spelled(match: re.Match) -> int | None:
    """A number in words before a unit counts from two up ("a degree", "une t" are no figures)."""
    if match.groupdict().get("unit") and match.group("num").lower() in ("un", "une"):
        return None
    return _locate_numeral(match)


def _locate_numeral(match: re.Match) -> int | None:
    return signed_start(match.string, match.start("num"))


def _locate_money(match: re.Match) -> int | None:
    start = match.start()  # symbol first: "$12", "CHF 310 millions"
    return None if start and match.string[start - 1].isalpha() else start


def _locate_date(match: re.Match) -> int | None:
    groups = match.groupdict()
    month = groups["month"]
    if month.isdigit() and not 1 <= int(month) <= 12:
        return None
    day = groups.get("day")
    if day and day.isdigit() and not 1 <= int(day) <= 31:
        return None
    return None if glued(match.string, match.start()) else match.start()


def _locate_decade(match: re.Match) -> int | None:
    if not match.group("decade").endswith("0") or glued(match.string, match.start()):
        return None
    return match.start()


def _locate_time(match: re.Match) -> int | None:
    if int(match.group("h")) > 24 or int(match.group("m") or match.group("hm") or 0) > 59:
        return None
    return None if glued(match.string, match.start()) else match.start()


def _locate_ordinal(match: re.Match) -> int | None:
    if not match.group("n").isdigit() and not match.group("century"):
        return None  # "François Ier", "la Ve République": left to the model
    return None if glued(match.string, match.start()) else match.start()


# Builders: the Entry of an accepted candidate.

def _entry(match: re.Match, start: int, kind: str, target: str, value) -> Entry:
    return Entry(kind=kind, source=match.string[start:match.end()], target=target,
                 start=start, end=match.end(), value=value)


def _signed_numeral(match: re.Match, start: int) -> str:
    numeral = match.group("num")
    numeral = str(_SPELLED.get(numeral.lower(), numeral))  # "deux" -> "2"
    return ("-" if start < match.start("num") else "") + numeral


def _currency(symbol: str | None, word: str | None) -> str:
    if symbol:
        return _SYMBOLS[symbol]
    word = word.lower()
    if "canadiens" in word:
        return "CAD"
    return next(code for stem, code in _WORDS.items() if word.startswith(stem))


def _scale_power(match: re.Match) -> int:
    groups = match.groupdict()
    word = groups.get("scale") or groups.get("qscale") or groups.get("nscale")
    if word:
        return FR_SCALES[word.lower()]
    if groups.get("abbr"):
        return FR_SCALE_ABBREVIATIONS[groups["abbr"]]
    return 0


def _build_numeral_led(match: re.Match, start: int) -> Entry:
    groups = match.groupdict()
    if groups["sym"] or groups["word"]:
        return _build_money(match, start)
    if groups.get("pct") or groups.get("pts"):
        return _build_percent(match, start)
    if groups["unit"]:
        return _build_quantity(match, start)
    return _build_number(match, start)


def _build_money(match: re.Match, start: int) -> Entry:
    groups = match.groupdict()
    numeral = match.group("num") if groups.get("cur") else _signed_numeral(match, start)
    power = _scale_power(match)
    currency = _currency(groups.get("cur") or groups.get("sym"), groups.get("word"))
    amount = scaled(parse_french_number(numeral), power)
    if power == 3 and not groups.get("scale"):  # 5 k€ -> €5,000
        target = money_target(currency, group_thousands(amount))
    else:
        target = money_target(currency, english_scaled(numeral, power))
    return _entry(match, start, "money", target, ("money", currency, amount))


def _build_percent(match: re.Match, start: int) -> Entry:
    numeral = _signed_numeral(match, start)
    amount, english = parse_french_number(numeral), english_numeral(numeral)
    if match.group("pts"):
        unit = " percentage point" if numeral == "1" else " percentage points"
        return _entry(match, start, "percent", english + unit, ("points", amount))
    return _entry(match, start, "percent", english + "%", ("percent", amount))


def _build_date(match: re.Match, start: int) -> Entry:
    groups = match.groupdict()
    raw_day, raw_month, raw_year = groups.get("day"), groups["month"], groups.get("year")
    year = int(raw_year) if raw_year else None
    if raw_month.isdigit():
        month = int(raw_month)
    else:
        month = month_names("fr").index(raw_month.lower()) + 1
    day = None if raw_day is None else (int(raw_day) if raw_day.isdigit() else 1)  # 1er
    return _entry(match, start, "date", date_target(year, month, day), ("date", year, month, day))


def _build_decade(match: re.Match, start: int) -> Entry:
    decade = int(match.group("decade"))
    decade += 1900 if decade < 100 else 0
    return _entry(match, start, "date", f"{decade}s", ("decade", decade))


def _build_time(match: re.Match, start: int) -> Entry:
    hour, minute = int(match.group("h")), int(match.group("m") or match.group("hm") or 0)
    if match.group("pm") and hour < 12:
        hour += 12
    return _entry(match, start, "time", f"{hour}:{minute:02d}", ("time", hour, minute))


def _build_ordinal(match: re.Match, start: int) -> Entry:
    raw = match.group("n")
    n = int(raw) if raw.isdigit() else _roman(raw)
    if match.group("century"):
        word = " centuries" if match.group("century").endswith("s") else " century"
        return _entry(match, start, "ordinal", f"{n}{ordinal_suffix(n)}{word}", ("century", n))
    return _entry(match, start, "ordinal", f"{n}{ordinal_suffix(n)}", ("ordinal", n))


def _roman(numeral: str) -> int:
    total = 0
    for i, letter in enumerate(numeral):
        value = _ROMAN[letter]
        following = _ROMAN[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _build_quantity(match: re.Match, start: int) -> Entry:
    numeral = _signed_numeral(match, start)
    canonical, english_unit = UNITS[re.sub(S, " ", match.group("unit"))]
    power = _scale_power(match)
    amount = scaled(parse_french_number(numeral), power)
    body = english_scaled(numeral, power)
    glue = "" if english_unit.startswith("°") and not power else " "
    return _entry(match, start, "quantity", body + glue + english_unit,
                  ("quantity", canonical, amount))


def _build_number(match: re.Match, start: int) -> Entry:
    numeral = _signed_numeral(match, start)
    power = _scale_power(match)
    amount = scaled(parse_french_number(numeral), power)
    if (not power and len(numeral) == 4 and numeral.isdigit() and 1000 <= amount <= 2199
            and not _COUNT_BEFORE.search(match.string, max(0, start - 12), start)):
        return _entry(match, start, "date", numeral, ("date", int(numeral), None, None))
    target = english_scaled(numeral, power)
    return _entry(match, start, "number", target, ("number", amount))


_Rule = tuple[re.Pattern, Callable[[re.Match], "int | None"], Callable[[re.Match, int], Entry]]
_RULES: list[_Rule] = [  # on equal spans, the earlier rule wins
    (MONEY_PREFIX, _locate_money, _build_money),
    (NUMERAL_LED, _locate_numeral, _build_numeral_led),
    (SPELLED_LED, _locate_spelled, _build_numeral_led), (DECADE, _locate_decade, _build_decade),
    (DAY_MONTH, _locate_date, _build_date),
    (MONTH_YEAR, _locate_date, _build_date), (NUMERIC_DATE, _locate_date, _build_date),
    (TIME, _locate_time, _build_time), (ORDINAL, _locate_ordinal, _build_ordinal),
]
