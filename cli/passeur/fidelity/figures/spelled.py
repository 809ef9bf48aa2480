"""Numbers written in words, read by `text2num` (`alpha2digit`), with the way back to the text.

`alpha2digit` rewrites a text with its number words as digits ("cinquante et un millions
d'habitants" -> "51000000 d'habitants", "forty percent" -> "40 percent"). It leaves alone
what may be no number: isolated small numbers ("un homme", "deux pays", "one man"), so the
figure readers run on its output and map each span back to the words it came from.
"""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

# A number word that starts a number (a scale word alone, "2 milliards", "pour cent", is none).
_WORDS = {
    "fr": re.compile(r"(?<!\w)(?:z[ée]ro|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|"
                     r"treize|quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|"
                     r"septante|octante|huitante|nonante|(?<!pour )cents?|mil|"
                     r"milli[eè]me|millioni[eè]me|milliardi[eè]me)(?:i[èe]me)?(?!\w)", re.IGNORECASE),
    "en": re.compile(r"(?<!\w)(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                     r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|"
                     r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)(?!\w)", re.IGNORECASE),
}
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_ZERO = re.compile(r"(?<![\w'’])z[ée]ro(?![\w'’])", re.IGNORECASE)  # alone, too: "taux zéro"
# "et" inside a French number only in "vingt et un" ... "soixante et onze": any other (a
# range, "deux cent et quatre cent mille"; "millions et une") is two numbers, not one.
_ODD_ET = re.compile(r"(?:(?<!vingt)(?<!trente)(?<!quarante)(?<!cinquante)(?<!soixante)(?<=\w)\s+et\s+"
                     r"|(?<=\w)\s+et\s+(?!un\b|une\b|onze\b|uni[eè]me))", re.IGNORECASE)
# A scale word alone is no number: "des milliards", "millions of people", "a thousand" (the
# "a" is read by the figure rules).
_BARE_SCALE = re.compile(r"(?:milliers|millions|milliards|billions|thousands?|millions?|billions?|"
                         r"trillions?|hundreds)", re.IGNORECASE)
_LOW_ORDINAL = re.compile(r"(?:premi(?:er|ère)|secon(?:d|de)|deuxième|troisième)s?", re.IGNORECASE)
_SIGN = re.compile(r"(?<!\w)(plus|moins)\s+$", re.IGNORECASE)
_NOT_A_SIGN = re.compile(r"(?<!\w)(?:au|du|de|des|non|pas|ne|n'|le|la|les|en|un|une|bien|beaucoup|"
                         r"encore|ou|rien|guère|jamais|deux|fois)\s*$", re.IGNORECASE)
_AFTER_DIGITS = re.compile(r"(?:\d|pour|per)\s*$", re.IGNORECASE)
_BOUNDARIES = ".!?;:\n"
_SCALE_ONLY = re.compile(r"(?:cents?|milles?|millions?|milliards?|hundreds?|thousands?|millions?|"
                         r"billions?|trillions?|[\s\d.,]+)+", re.IGNORECASE)


@dataclass(frozen=True)
class Converted:
    """A text with its number words as digits, and the regions that changed."""

    original: str
    text: str
    regions: tuple[tuple[int, int, int, int], ...] = ()  # (start, end) here, (start, end) there

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that [start, end) of the converted text comes from."""
        return self._map(start, True), self._map(end, False)

    def from_words(self, start: int, end: int) -> bool:
        """Whether [start, end) of the converted text holds digits that were words."""
        return any(start < c_end and c_start < end for c_start, c_end, _, _ in self.regions)

    def _map(self, position: int, is_start: bool) -> int:
        starts = [r[0] for r in self.regions]
        i = bisect.bisect_right(starts, position) - 1
        if i < 0:
            return position
        c_start, c_end, o_start, o_end = self.regions[i]
        if position < c_end:
            return o_start if is_start or position == c_start else o_end
        return o_end + (position - c_end)


_EN_NUMBER_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                   r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                   r"eighty|ninety|hundred)")
# "four and a half", "24-and-a-half", "one and a half (thousand)": text2num reads no halves, and in
# English the half comes between the number and its unit or scale, so it is read here.
_EN_HALF = re.compile(rf"(?<![\w.,])(?P<num>\d+|{_EN_NUMBER_WORD}(?:[\s-]+(?:and[\s-]+)?{_EN_NUMBER_WORD})*)"
                      r"[\s-]+and[\s-]+a[\s-]+half(?![\w-])", re.IGNORECASE)


def convert(text: str, language: str) -> Converted:
    """`text` with its number words as digits (see the module docstring); in English, a number
    "and a half" as a decimal ("two and a half million" -> "2.5 million")."""
    halves = list(_EN_HALF.finditer(text)) if language == "en" else []
    if not halves:
        return _convert_words(text, language)
    pieces: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    length = done = 0

    def add(part: Converted, offset: int) -> None:
        nonlocal length
        regions.extend((c0 + length, c1 + length, o0 + offset, o1 + offset) for c0, c1, o0, o1 in part.regions)
        pieces.append(part.text)
        length += len(part.text)

    for half in halves:
        digits = _half_digits(half.group("num"))
        if digits is None:
            continue
        add(_convert_words(text[done:half.start()], language), done)
        add(Converted(half.group(), digits, ((0, len(digits), 0, len(half.group())),)), half.start())
        done = half.end()
    add(_convert_words(text[done:], language), done)
    return Converted(text, "".join(pieces), tuple(regions))


def _half_digits(number: str) -> str | None:
    """"4" or "twenty-four" -> "4.5", "24.5"; None if the words are no number text2num reads."""
    if number.isdigit():
        return f"{int(number)}.5"
    from text_to_num import text2num

    try:
        return f"{text2num(' '.join(number.lower().replace('-', ' ').split()), 'en')}.5"
    except ValueError:
        return None


def _convert_words(text: str, language: str) -> Converted:
    words = _WORDS[language]
    if not words.search(text):
        return Converted(text, text)
    from text_to_num import alpha2digit

    pieces: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    length = done = 0
    for match in words.finditer(text):
        if match.start() < done:
            continue
        start = max(text.rfind(mark, 0, match.start()) for mark in _BOUNDARIES) + 1
        ends = [i for i in (text.find(mark, match.end()) for mark in _BOUNDARIES) if i >= 0]
        end = min(ends) + 1 if ends else len(text)
        start = max(start, done)
        pieces.append(text[done:start])
        length += start - done
        # Read apart what an odd "et" separates ("deux cent et quatre cent mille" is a range).
        cut = start
        for part in [*(m.start() for m in _ODD_ET.finditer(text, start, end)), end]:
            piece = text[cut:part]
            out = _ZERO.sub("0", alpha2digit(piece, language)) if piece.strip() else piece
            if out != piece:
                piece = _align(piece, out, cut, length, regions)
            pieces.append(piece)
            length += len(piece)
            cut = part
        done = end
    pieces.append(text[done:])
    return Converted(text, "".join(pieces), tuple(regions))


def _align(original: str, out: str, offset: int, length: int, regions: list) -> str:
    """`original` with the number regions of `out` put in; their offsets added to `regions`."""
    a, b = _tokens(original), _tokens(out)
    matcher = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    pieces: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        written = "".join(t for t, _ in a[i1:i2])
        digits = "".join(t for t, _ in b[j1:j2])
        before = "".join(t for t, _ in a[max(0, i1 - 2):i1])
        if tag == "equal" or not digits.strip() or _LOW_ORDINAL.fullmatch(written.strip()) or (
                _BARE_SCALE.fullmatch(written.strip())) or (
                _SCALE_ONLY.fullmatch(written.strip()) and _AFTER_DIGITS.search(before)):
            pieces.append(written)  # the same, a scale word after digits ("2 millions",
            length += len(written)  # "pour cent"), or "premier", "second": as written
            continue
        o_start = offset + (a[i1][1] if i1 < len(a) else len(original))
        head = original[:o_start - offset]
        sign = _SIGN.search(head)
        if sign and pieces and pieces[-1].endswith(sign.group()) \
                and not _NOT_A_SIGN.search(head, 0, sign.start()):
            pieces[-1] = pieces[-1][:-len(sign.group())]  # "moins quinze" -> -15
            length -= len(sign.group())
            o_start -= len(sign.group())
            written = sign.group() + written
            digits = ("-" if sign.group(1).lower() == "moins" else "+") + digits.lstrip()
        regions.append((length, length + len(digits), o_start, o_start + len(written)))
        pieces.append(digits)
        length += len(digits)
    return "".join(pieces)


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


