"""What the words around figures add to them, in French and in English.

* Shared units: in a range or a list the unit, currency or scale is often written once, at
  the end ("entre 12 et 16 milles roubles", "81, 84 et 89 pour cent", "30 to 40%", "0.5 - 1
  billion", "7 to 9 a.m."), or the head once, at the start ("années 1990 et 2000", "1er et 2
  novembre"). Each bare figure of such a run gets the reading with the shared part as an
  alternative value.
* Ambiguous groups: "2,700" in French text is 2.7 by the rules and 2,700 by habit (news
  translated from English keeps commas); "350.000" in English text is 350 or 350,000. Both
  readings are accepted.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Hashable, Sequence

from passeur.fidelity.figures.values import parse_english_number

_JOINERS = {"fr": re.compile(r"\s*(?:,|et|à|ou|-|–|/)\s*(?:de\s+|à\s+)?", re.IGNORECASE),
            "en": re.compile(r"\s*(?:,|and|to|or|-|–|/)\s*(?:(?:plus|minus)\s+|\+)?", re.IGNORECASE)}
_NUMERAL = re.compile(r"\d[\d  \u00a0\u202f.,]*")
_AMBIGUOUS = re.compile(r"(?<![\d.,])\d{1,3}([.,])\d{3}(?![\d.,])")
_TAIL_UNITS = ("money", "percent", "points", "quantity", "number", "time")


def shared_units(figures: Sequence[tuple[int, int, str, Hashable]], text: str,
                 language: str) -> dict[int, list[Hashable]]:
    """Alternative values for figures that share a unit or head with a neighbour.

    `figures` are (start, end, written span, value) in text order; the result maps an index
    to the values it may also have.
    """
    joiner = _JOINERS[language]
    alternatives: dict[int, list[Hashable]] = {}
    # A tail unit spreads leftwards ("12 et 16 milles"), through lists ("81, 84 et 89 pour cent").
    carrier = None
    for i in range(len(figures) - 1, -1, -1):
        start, end, written, value = figures[i]
        if carrier is not None and joiner.fullmatch(text, end, figures[carrier][0]) \
                and _bare(value):
            alt = _apply_tail(value, figures[carrier], alternatives.get(carrier))
            if alt is not None:
                alternatives[i] = [alt]
                carrier = i
                continue
        carrier = i if _carries_tail(value, written) else None
    # A head spreads rightwards ("années 1990 et 2000", "1er et 2 novembre" is the other way).
    for i in range(len(figures) - 1):
        start, end, written, value = figures[i]
        nxt = figures[i + 1]
        if not joiner.fullmatch(text, end, nxt[0]):
            continue
        if value[0] == "decade" and _bare(nxt[3]):
            amount = int(nxt[3][-1]) if nxt[3][0] == "number" else nxt[3][1]
            if amount is not None and amount % 10 == 0:
                alternatives.setdefault(i + 1, []).append(("decade", amount if amount > 100 else 1900 + amount))
        if value[0] == "date" and value[3] is not None and _bare(nxt[3]):  # "November 1 and 2"
            day = _integer(nxt[3])
            if day is not None and 1 <= day <= 31:
                alternatives.setdefault(i + 1, []).append(("date", value[1], value[2], day))
        if value[0] == "ordinal" and nxt[3][0] == "date" and nxt[3][3] is not None:
            alternatives.setdefault(i, []).append(("date", nxt[3][1], nxt[3][2], value[1]))
        if value[0] in ("number", "date") and _bare(value) and nxt[3][0] == "date" and nxt[3][3]:
            day = _integer(value)
            if day is not None and 1 <= day <= 31:
                alternatives.setdefault(i, []).append(("date", nxt[3][1], nxt[3][2], day))
    return alternatives


def _bare(value: Hashable) -> bool:
    return value[0] == "number" or (value[0] == "date" and value[2] is None and value[3] is None)


def _integer(value: Hashable) -> int | None:
    amount = value[1] if value[0] == "date" else value[-1]
    try:
        return int(amount) if Decimal(amount) == Decimal(amount).to_integral() else None
    except (TypeError, ValueError):
        return None


def _carries_tail(value: Hashable, written: str) -> bool:
    if value[0] == "number":  # a scale word: "16 milles", "1 billion"
        numeral = _NUMERAL.search(written)
        return numeral is not None and not written[numeral.end():].strip() == ""
    return value[0] in _TAIL_UNITS


def _apply_tail(value: Hashable, carrier: tuple, carried: list | None) -> Hashable | None:
    _, _, written, tail = carrier
    if carried:  # the carrier is itself bare: it passes on what it got
        tail = carried[0]
        factor = _factor(tail, carrier[3])
    else:
        factor = _factor(tail, None, written)
    if factor is None:
        return None
    amount = Decimal(value[1]) if value[0] == "number" else Decimal(value[1])
    amount *= factor
    kind = tail[0]
    if kind == "money":
        return ("money", tail[1], amount)
    if kind == "quantity":
        return ("quantity", tail[1], amount)
    if kind in ("percent", "points", "number"):
        return (kind, amount)
    if kind == "time" and factor == 1 and amount == amount.to_integral():
        hour = int(amount)
        return ("time", hour + 12 if tail[1] >= 12 and hour < 12 else hour, 0)
    return None


def _factor(tail: Hashable, bare: Hashable | None, written: str | None = None) -> Decimal | None:
    """The scale a tail applies: the tail's amount over the numeral written in it."""
    if tail[0] == "time":
        return Decimal(1)
    if bare is not None:
        return Decimal(tail[-1]) / Decimal(bare[-1] if bare[0] == "number" else bare[1])
    numeral = _NUMERAL.search(written or "")
    if numeral is None:
        return None
    digits = re.sub(r"[^\d]", "", numeral.group().split(",")[0].split(".")[0]) or "0"
    try:
        written_value = parse_english_number(numeral.group().strip(" .,\u00a0\u202f"))
    except Exception:  # noqa: BLE001 - a French numeral: read its integer part
        written_value = Decimal(digits)
    if not written_value:
        return None
    factor = (Decimal(tail[-1]) / written_value).normalize()
    return factor if abs(factor) in (Decimal(10) ** p for p in (0, 3, 6, 9, 12)) else None


def ambiguous_group(written: str) -> tuple[str, Decimal] | None:
    """("," or ".", the numeral's value read the other way) for "2,700" or "350.000"."""
    match = _AMBIGUOUS.search(written)
    if match is None or len(_NUMERAL.findall(written)) != 1:
        return None
    return match.group(1), Decimal(match.group().replace(",", "").replace(".", ""))


def with_amount(value: Hashable, amount: Decimal) -> Hashable:
    """`value` with another amount (the last field of every amount-carrying value)."""
    return (*value[:-1], amount)
