"""Find the figures in an English text (a translation or a summary), value by value.

Every value-equivalent spelling counts ("$97.4 billion", "97.4 billion dollars",
"US$97.4bn"); French leftovers are recognised too ("3.3 milliard euros", "97,4", "12 €",
"20 h 45") and marked `extra["nonstandard"]`, so that a checker can call them altered.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

from passeur.fidelity.entry import Mention
from passeur.fidelity.figures.context import ambiguous_group, shared_units, with_amount
from passeur.fidelity.figures.fr import extract_figures
from passeur.fidelity.figures.spelled import convert
from passeur.fidelity.figures.values import (EN_SCALES, FRENCH_SPACES, glued, is_decimal_comma, merge_longest,
                                             month_names, ordinal_suffix, parse_english_number, scaled, scan_rules,
                                             signed_start)

S = "[ \u00a0\u202f]"
OS = S + "?"
NUM = (r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?"
       r"|\d+[.,]\d+|\d+)(?!\d|[.,]\d)")
SCALE = (rf"(?:(?:{S}|-)(?P<scale>(?i:thousand|million|billion|trillion|milliard)s?)(?!\w)"
         rf"|(?P<abbr>k|m|b)(?![\w'’])|{OS}(?P<abbr2>bn|tn|trn|mn|mln)(?![\w'’]))")
_PREFIXES = {"US$": "USD", "US $": "USD", "C$": "CAD", "$": "USD", "€": "EUR", "£": "GBP",
             "¥": "JPY", "CHF": "CHF", "USD": "USD", "EUR": "EUR", "GBP": "GBP",
             "JPY": "JPY", "CAD": "CAD", "CNY": "CNY"}
CUR_PREFIX = r"(?:US ?\$|C\$|\$|€|£|¥|CHF|USD|EUR|GBP|JPY|CAD|CNY)"
_WORDS = [("us dollar", "USD"), ("canadian dollar", "CAD"), ("dollar", "USD"), ("euro", "EUR"),
          ("pound", "GBP"), ("sterling", "GBP"), ("yen", "JPY"), ("yuan", "CNY"),
          ("swiss franc", "CHF"), ("franc", "CHF")]
CUR_WORD = (r"(?i:(?:US|Canadian) dollars?|dollars?|euros?|pounds?(?: sterling)?|sterling"
            r"|yen|yuan|Swiss francs?|francs?)(?!\w)")
FRENCH_CUR_WORD = r"(?:de |d['’] ?)(?:dollars|euros|livres sterling|yens|francs suisses)(?!\w)"
CUR_SUFFIX = r"(?:\$US|US\$|\$|€|£|¥)"  # after the amount: a French leftover
_UNITS = {
    "km²": "km²", "km2": "km²", "sq km": "km²", "square kilometres": "km²",
    "square kilometers": "km²", "m²": "m²", "square metres": "m²", "square meters": "m²",
    "km/h": "km/h", "kph": "km/h", "kilometres per hour": "km/h", "kilometers per hour": "km/h",
    "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km",
    "metres": "m", "meters": "m", "metre": "m", "meter": "m", "cm": "cm", "centimetres": "cm",
    "centimeters": "cm", "mm": "mm", "millimetres": "mm", "millimeters": "mm", "kg": "kg",
    "kilograms": "kg", "kilogrammes": "kg", "kilos": "kg", "kilo": "kg", "g": "g",
    "grams": "g", "grammes": "g", "t": "t", "tonnes": "t", "tonne": "t", "metric tons": "t",
    "tons": "t", "ton": "t", "l": "l", "litres": "l", "liters": "l", "litre": "l",
    "liter": "l", "ha": "ha", "hectares": "ha", "hectare": "ha", "°C": "°C", "° C": "°C",
    "degrees Celsius": "°C", "degrees C": "°C", "degrees": "°C", "degree": "°C", "°": "°C",
    "°F": "°F", "degrees Fahrenheit": "°F", "kW": "kW", "MW": "MW", "GW": "GW",
    "megawatts": "MW", "gigawatts": "GW", "kWh": "kWh", "MWh": "MWh", "GWh": "GWh",
    "TWh": "TWh", "Mt": "Mt", "GB": "GB", "MB": "MB", "TB": "TB",
    "miles": "mi", "mile": "mi", "feet": "ft", "foot": "ft", "ft": "ft", "inches": "in",
    "lbs": "lb", "lb": "lb", "mph": "mph", "gallons": "gal", "acres": "acre",
    "square miles": "sq mi", "litre": "l", "liter": "l", "meter": "m", "metre": "m",
    "kilometre": "km", "kilometer": "km", "centimetre": "cm", "centimeter": "cm",
    "millimetre": "mm", "millimeter": "mm",
}
_UNIT_ALT = "|".join(re.escape(u).replace(r"\ ", S) for u in sorted(_UNITS, key=len, reverse=True))
_MONTHS = month_names("en")
_MONTH_KEYS = {m.lower(): i + 1 for i, m in enumerate(_MONTHS)}
_MONTH_KEYS.update({m[:3].lower(): i + 1 for i, m in enumerate(_MONTHS)})
_MONTH_KEYS["sept"] = 9
MONTH = "(?:" + "|".join(list(_MONTHS) + [m[:3] for m in _MONTHS] + ["Sept"]) + r")(?:\.|(?!\w))"

MONEY_PREFIX = re.compile(rf"(?P<cur>{CUR_PREFIX}){OS}(?P<num>{NUM})(?:{SCALE})?")
TAILS = (
    rf"(?:{SCALE})?(?:"
    rf"(?:{S}|-)(?P<word>{CUR_WORD})|{S}(?P<frword>{FRENCH_CUR_WORD})|{OS}(?P<sym>{CUR_SUFFIX})"
    rf"|{OS}(?P<pct>%)|{S}(?P<pctword>(?i:percent|per cent)|pct)(?!\w)"
    rf"|{S}(?P<pts>percentage points?)(?!\w)"
    rf"|{S}(?P<frpct>pour cent|points? de pourcentage)(?!\w)"
    rf"|(?:(?:{OS}|-)(?P<unit>{_UNIT_ALT})|{S}(?P<metre>m))(?![\w²/'’])"
    rf"|(?![^\W\d_]))")
NUMERAL_LED = re.compile(rf"(?P<num>{NUM}){TAILS}")
_SPELLED_SCALED = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                   "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# "a billion dollars", "two million people": a spelled number before a large scale.
SPELLED_LED = re.compile(
    "(?P<num>" + "|".join(n for w in _SPELLED_SCALED for n in (w, w.capitalize())) + ")"
    rf"(?=(?:{S}(?:(?i:million|billion|trillion)s?(?!\w)|(?i:percent|per cent)(?!\w))"
    rf"|(?:{S}|-)(?:{_UNIT_ALT})(?![\w²/'’]))){TAILS}")
DECADE = re.compile(r"(?P<decade>\d{3}0)['’]?s(?!\w)|(?<![\w'’])['’]?(?P<short>[1-9]0)['’]?s(?!\w)"
                    r"|(?<![\w-])(?P<word>(?i:twenties|thirties|forties|fifties|sixties|seventies|eighties|"
                    r"nineties))(?!\w)")
_DECADE_WORDS = {w: 1900 + 10 * (i + 2) for i, w in enumerate(
    "twenties thirties forties fifties sixties seventies eighties nineties".split())}
YEAR = rf"(?:,?{S}(?P<year>\d{{4}}))"
MONTH_DAY = re.compile(
    rf"(?P<month>{MONTH}){S}(?:the{S})?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d){YEAR}?(?!\w)")
DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:{S}of)?{S}(?P<month>{MONTH}){YEAR}?(?!\w)")
MONTH_YEAR = re.compile(rf"(?P<month>{MONTH}){YEAR}(?!\w)")
NUMERIC_DATE = re.compile(r"(?P<day>\d{1,2})\.(?P<nmonth>\d{1,2})\.(?P<year>\d{4})(?![\w.]\w)")
TIME = re.compile(
    r"(?P<h>\d{1,2})(?::(?P<m>\d{2})|(?:\.(?P<m2>\d{2}))?(?=\s?[ap]\.?m\b))"
    r"(?:\s?(?P<ampm>[ap])\.?m\b\.?)?"
    rf"|(?P<fh>\d{{1,2}}){OS}h(?:{OS}(?P<fm>\d{{2}}))?(?![^\W_])")
ORDINAL = re.compile(
    r"(?P<n>\d+)(?P<suf>st|nd|rd|th|ème|er|re|e)(?!\w)(?:[ -](?P<century>(?i:century|centuries)))?")
_SPELLED_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve "
                    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
_SPELLED_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                     "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                     "nineteenth twentieth").split()
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
SPELLED = re.compile(r"\b(?:" + "|".join(_SPELLED_NUMBERS + _SPELLED_ORDINALS + list(_TENS))
                     + r")\b", re.IGNORECASE)
_TRIGGER = re.compile(r"\d+|million|billion|trillion|(?i:percent|per cent|ties\b)")
_BEFORE, _AFTER = 16, 50
_MARKS = "_.,/:"  # "9:30" holds no "30" of its own


def find_figures(text: str, *, spelled: bool = False) -> list[Mention]:
    """Every figure in English `text`, in text order, overlaps merged (the longest wins).

    With `spelled`, numbers in words count too ("forty percent", "six hundred billion
    dollars", read by `text2num`), and so do small spelled-out numbers and ordinals ("two",
    "sixth") and durations in hours ("1.5 hours" for 1 h 30): a bare one is marked
    `extra["spelled"]`: it can confirm a figure but is too common to be reported.
    Ambiguous groups ("350.000") and units shared in a range ("30 to 40%") give a mention
    `extra["alternatives"]`, other values it may stand for.
    """
    converted = convert(text, "en") if spelled else None
    read = converted.text if converted is not None else text
    candidates = scan_rules(read, _RULES, _TRIGGER, _BEFORE, _AFTER)
    if spelled:  # "two-litre", "four percent": no digit brings them into a scan window
        led = next(i for i, rule in enumerate(_RULES) if rule[0] is SPELLED_LED)
        candidates += [(start, m.end(), led, m) for m in SPELLED_LED.finditer(read)
                       if (start := _locate_spelled(m)) is not None]
        rank = len(_RULES)
        candidates += [(m.start(), m.end(), rank, m) for m in SPELLED.finditer(read)]
        candidates += [(m.start(), m.end(), rank + 1, m) for m in HOURS.finditer(read)]
    mentions = []
    for start, _, rank, match in merge_longest(candidates):
        build = _RULES[rank][2] if rank < len(_RULES) else _EXTRA_BUILDERS[rank - len(_RULES)]
        mention = build(match, start)
        if mention is not None:
            mentions.append(mention)
    mentions = _take_french_leftovers(read, mentions)
    mentions = [_signed(read, m) for m in mentions]
    _add_alternatives(read, mentions)
    if converted is not None and converted.regions:
        mentions = [_from_words(m, converted) for m in mentions]
    return mentions


_BELOW_ZERO = re.compile(r"\s+below\s+(?:zero|0|freezing)\b", re.IGNORECASE)
_MINUS = re.compile(r"\bminus\s+$", re.IGNORECASE)


def _signed(text: str, mention: Mention) -> Mention:
    """"9 degrees below zero", "minus 3": a temperature below zero is negative."""
    value = mention.value
    if value[0] != "quantity" and not (value[0] == "number" and _MINUS.search(text, 0, mention.start)):
        return mention
    below = _BELOW_ZERO.match(text, mention.end) or _MINUS.search(text, max(0, mention.start - 8), mention.start)
    if below is None or value[-1] <= 0:
        return mention
    return Mention(mention.kind, mention.text, mention.start, mention.end, (*value[:-1], -value[-1]),
                   dict(mention.extra))


def _add_alternatives(text: str, mentions: list[Mention]) -> None:
    shared = shared_units([(m.start, m.end, m.text, m.value) for m in mentions], text, "en")
    for i, mention in enumerate(mentions):
        alternatives = list(shared.get(i, ()))
        group = ambiguous_group(mention.text) if mention.value[0] in _AMOUNTS else None
        if group is not None and group[0] == "." and not mention.extra.get("nonstandard"):
            numeral = NUMERAL_IN.search(mention.text).group()
            scale = mention.value[-1] / parse_english_number(numeral)
            alternatives.append(with_amount(mention.value, group[1] * scale))
        if alternatives:
            mention.extra["alternatives"] = tuple(alternatives)


def _from_words(mention: Mention, converted) -> Mention:
    start, end = converted.to_original(mention.start, mention.end)
    extra = dict(mention.extra)
    kind = mention.value[0]
    if converted.from_words(mention.start, mention.end):
        extra["words"] = True  # never rewritten by a repair: words are not a slip of digits
        if kind == "ordinal" or kind == "number" and abs(mention.value[1]) < 1000:
            extra["spelled"] = True
    return Mention(mention.kind, converted.original[start:end], start, end, mention.value, extra)


HOURS = re.compile(r"(?P<n>\d{1,2}(?:\.\d+)?)(?:[ \u00a0-])hours?(?![\w])")
_AMOUNTS = ("money", "percent", "points", "number", "quantity")
NUMERAL_IN = re.compile(r"\d[\d,.]*")


def _build_hours(match: re.Match, start: int) -> Mention | None:
    hours = Decimal(match.group("n"))
    if hours > 24:
        return None
    minutes = (hours - int(hours)) * 60
    if minutes != minutes.to_integral():
        return None
    return Mention("time", match.group(), start, match.end(), ("time", int(hours), int(minutes)),
                   extra={"nonstandard": False, "spelled": True})


# French left in an English text ("8,3 M€", "3 mars 2025", "320 mètres"): read whole, so a
# repair replaces the whole French span, not just the digits inside it.
_FRENCH_MARK = re.compile(
    r"\d,\d|M€|Md€|\bMds?\b|\bMrds?\b|milliard|\bmillions? d|\bmètres?\b|\bkilomètres?\b|pour cent|"
    r"points? de pourcentage|\bsiècle\b|\d(?:er|re|ème|e)\b|\d\s?h\s?\d\d|"
    r"\b(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b"
)


def _take_french_leftovers(text: str, mentions: list[Mention]) -> list[Mention]:
    """Replace English readings that lie inside a longer French figure by the French one."""
    if not _FRENCH_MARK.search(text):
        return mentions

    french = [Mention(e.kind, e.source, e.start, e.end, e.value, {"nonstandard": True, "french": True})
              for e in extract_figures(text) if _FRENCH_MARK.search(e.source)]
    kept = []
    for mention in mentions:
        covering = [f for f in french if f.start <= mention.start and mention.end <= f.end
                    and (f.end - f.start) > (mention.end - mention.start)]
        if not covering:
            kept.append(mention)
    spans = [(m.start, m.end) for m in kept]
    kept += [f for f in french if not any(a < f.end and f.start < b for a, b in spans)]
    return sorted(kept, key=lambda m: m.start)


def _locate_spelled(match: re.Match) -> int | None:
    """A number in words before a unit counts from two up ("a degree", "une t" are no figures)."""
    if match.groupdict().get("unit") and match.group("num").lower() in ("a", "an", "one"):
        return None
    return _locate_numeral(match)


def _locate_numeral(match: re.Match) -> int | None:
    return signed_start(match.string, match.start("num"), _MARKS)
def _locate_prefixed(match: re.Match) -> int | None:
    start = match.start()
    return None if start and match.string[start - 1].isalpha() else start


def _locate_plain(match: re.Match) -> int | None:
    return None if glued(match.string, match.start(), _MARKS) else match.start()


def _mention(match: re.Match, start: int, kind: str, value, nonstandard: bool = False) -> Mention:
    text = match.string[start:match.end()]
    nonstandard = nonstandard or any(space in text for space in FRENCH_SPACES)
    return Mention(kind=kind, text=text, start=start, end=match.end(), value=value,
                   extra={"nonstandard": nonstandard})


def _amount(match: re.Match, negative: bool) -> tuple[Decimal, bool]:
    """The scaled amount, and whether its spelling is a French leftover."""
    numeral = match.group("num")
    groups = match.groupdict()
    word, abbr = groups.get("scale"), groups.get("abbr") or groups.get("abbr2")
    power = EN_SCALES[word.lower().rstrip("s")] if word else (EN_SCALES[abbr] if abbr else 0)
    if numeral.lower() in _SPELLED_SCALED:
        amount = scaled(Decimal(_SPELLED_SCALED[numeral.lower()]), power)
    else:
        amount = scaled(parse_english_number(numeral), power)
    if negative:
        amount = -amount
    french = (is_decimal_comma(numeral)
              or bool(word and word.lower().startswith("milliard")))
    return amount, french


def _build_money_prefixed(match: re.Match, start: int) -> Mention:
    amount, french = _amount(match, negative=False)
    currency = _PREFIXES[match.group("cur")]
    return _mention(match, start, "money", ("money", currency, amount), french)


def _build_numeral_led(match: re.Match, start: int) -> Mention | None:
    groups = match.groupdict()
    amount, french = _amount(match, negative=start < match.start("num"))
    if groups["word"] or groups["frword"] or groups["sym"]:
        currency = _currency(groups["word"] or groups["frword"] or groups["sym"])
        return _mention(match, start, "money", ("money", currency, amount),
                        french or bool(groups["frword"] or groups["sym"]))
    if groups["pct"] or groups["pctword"]:
        return _mention(match, start, "percent", ("percent", amount), french)
    if groups["pts"] or groups["frpct"]:
        kind = "percent" if groups["frpct"] and "cent" in groups["frpct"] else "points"
        return _mention(match, start, "percent", (kind, amount), french or bool(groups["frpct"]))
    if groups["unit"] or groups["metre"]:
        unit = _UNITS[re.sub(S, " ", groups["unit"])] if groups["unit"] else "m"
        return _mention(match, start, "quantity", ("quantity", unit, amount), french)
    numeral = match.group("num")
    if (numeral.isdigit() and len(numeral) == 4 and 1000 <= amount <= 2199
            and match.end() == match.end("num")):
        return _mention(match, start, "date", ("date", int(numeral), None, None))
    mention = _mention(match, start, "number", ("number", amount), french)
    if (groups.get("scale") or groups.get("abbr") or groups.get("abbr2")) and numeral[:1].isdigit():
        mention.extra["scaled"] = True  # "6 billion", "6bn": an amount, written in figures
    return mention


def _currency(spelling: str) -> str:
    spelling = spelling.lower()
    if spelling in ("$us", "us$", "$", "€", "£", "¥"):
        return _PREFIXES.get(spelling.upper(), _PREFIXES.get(spelling, "USD"))
    for french, code in (("livres", "GBP"), ("yens", "JPY"), ("suisses", "CHF")):
        if french in spelling:
            return code
    return next(code for stem, code in _WORDS if stem in spelling)


def _build_date(match: re.Match, start: int) -> Mention | None:
    groups = match.groupdict()
    raw_day, raw_year = groups.get("day"), groups["year"]
    day = int(raw_day) if raw_day else None
    if day is not None and not 1 <= day <= 31:
        return None
    if groups.get("nmonth"):
        month = int(groups["nmonth"])
        if not 1 <= month <= 12:
            return None
    else:
        month = _MONTH_KEYS[groups["month"].rstrip(".").lower()]
    return _mention(match, start, "date", ("date", int(raw_year) if raw_year else None, month, day))


def _locate_decade(match: re.Match) -> int | None:
    if match.group("decade") and glued(match.string, match.start(), _MARKS) and not \
            match.string[:match.start()].lower().endswith(("mid-", "early-", "late-", "pre-", "post-")):
        return None
    return match.start()


def _build_decade(match: re.Match, start: int) -> Mention:
    if match.group("word"):
        decade = _DECADE_WORDS[match.group("word").lower()]
    else:
        decade = int(match.group("decade") or 1900 + int(match.group("short")))
    return _mention(match, start, "date", ("decade", decade))


def _build_time(match: re.Match, start: int) -> Mention | None:
    groups = match.groupdict()
    if groups["fh"]:
        hour, minute, french = int(groups["fh"]), int(groups["fm"] or 0), True
    elif groups["m"] or groups["m2"] or groups["ampm"]:
        hour, minute, french = int(groups["h"]), int(groups["m"] or groups["m2"] or 0), False
    else:
        return None
    if groups["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if groups["ampm"] == "p" else 0)
    if hour > 24 or minute > 59:
        return None
    return _mention(match, start, "time", ("time", hour, minute), french)


def _build_ordinal(match: re.Match, start: int) -> Mention | None:
    n = int(match.group("n"))
    if match.group("suf") in ("st", "nd", "rd") and match.group("suf") != ordinal_suffix(n) \
            and not match.group("century"):
        return None  # "7st" is seven stone (a weight), "4nd" no English ordinal: not a figure read wrong
    nonstandard = match.group("suf") != ordinal_suffix(n)
    kind = "century" if match.group("century") else "ordinal"
    return _mention(match, start, "ordinal", (kind, n), nonstandard)


def _build_spelled(match: re.Match, start: int) -> Mention:
    word = match.group(0).lower()
    if word in _SPELLED_ORDINALS:
        value = ("ordinal", _SPELLED_ORDINALS.index(word) + 1)
    elif word in _TENS:
        value = ("number", Decimal(_TENS[word]))
    else:
        value = ("number", Decimal(_SPELLED_NUMBERS.index(word)))
    return Mention(kind=value[0], text=match.group(0), start=start, end=match.end(), value=value,
                   extra={"nonstandard": False, "spelled": True})


_Locate = Callable[[re.Match], "int | None"]
_Rule = tuple[re.Pattern, _Locate, Callable[[re.Match, int], "Mention | None"]]
_EXTRA_BUILDERS = (lambda match, start: _build_spelled(match, start), _build_hours)
_RULES: list[_Rule] = [  # on equal spans, the earlier rule wins
    (MONEY_PREFIX, _locate_prefixed, _build_money_prefixed),
    (MONTH_DAY, _locate_plain, _build_date), (DAY_MONTH, _locate_plain, _build_date),
    (MONTH_YEAR, _locate_plain, _build_date), (NUMERIC_DATE, _locate_plain, _build_date),
    (NUMERAL_LED, _locate_numeral, _build_numeral_led),
    (SPELLED_LED, _locate_spelled, _build_numeral_led), (DECADE, _locate_decade, _build_decade),
    (TIME, _locate_plain, _build_time),
    (ORDINAL, _locate_plain, _build_ordinal),
]
