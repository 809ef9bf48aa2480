"""The shipped gazetteer: capitalised French names and terms with their established English form.

`data/gazetteer.tsv` holds places and institutions (kinds place, organization, product) and
capitalised words that are not names (kinds nationality, event, common). It is read once, on
first use. Lookups ignore case, accents, hyphens and the apostrophe style.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from passeur.fidelity.entry import NAME_KINDS

GAZETTEER_PATH = Path(__file__).resolve().parents[2] / "data" / "gazetteer.tsv"
NON_NAME_KINDS = ("nationality", "event", "common")

_WORD = re.compile(r"\w+")
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)'\s*", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:le|la|les|l')\s*", re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:au|aux|du|des|de|en|a|le|la|les)\s+|[ld]')+")


@dataclass(frozen=True)
class GazetteerEntry:
    """One row: the French form, its English form, its kind, other English spellings."""

    french: str
    english: str
    kind: str
    variants: tuple[str, ...] = ()

    @property
    def is_name(self) -> bool:
        return self.kind in NAME_KINDS


@dataclass(frozen=True)
class GazetteerMatch:
    """A gazetteer form found in a text, at [start, end)."""

    start: int
    end: int
    entry: GazetteerEntry

    @property
    def text(self) -> str:
        return self.entry.french


@dataclass
class _Index:
    french: dict[str, GazetteerEntry]
    english: dict[str, GazetteerEntry]
    caps: dict[str, tuple[bool, ...]]  # key -> which words must be capitalised in a text
    first_words: frozenset[str]
    max_words: int


def normalize_key(name: str) -> str:
    """A lookup key: accents stripped, casefolded, one apostrophe style, hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u02bc", "'").replace("-", " ")
    return " ".join(plain.casefold().split())


def _strip_article(key: str) -> str:
    return _ARTICLE.sub("", key, count=1)


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    french: dict[str, GazetteerEntry] = {}
    english: dict[str, GazetteerEntry] = {}
    caps: dict[str, tuple[bool, ...]] = {}
    for raw in GAZETTEER_PATH.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        variants = tuple(v for v in fields[3].split("|") if v) if len(fields) > 3 else ()
        entry = GazetteerEntry(fields[0], fields[1], fields[2], variants)
        key = normalize_key(entry.french)
        pattern = tuple(w[0].isupper() for w in _WORD.findall(entry.french))
        french.setdefault(key, entry)
        caps.setdefault(key, pattern)
        bare = _strip_article(key)
        if bare != key and bare not in french:  # "au Caire" -> "Caire" -> Le Caire
            french[bare] = entry
            caps[bare] = pattern[len(pattern) - len(bare.split()):]
        for form in (entry.english, *variants):  # a name wins over a non-name ("France", "Hexagone")
            old = english.get(normalize_key(form))
            if old is None or (entry.is_name and not old.is_name):
                english[normalize_key(form)] = entry
    first_words = frozenset(_WORD.findall(k)[0] for k in french)
    max_words = max(len(_WORD.findall(k)) for k in french)
    return _Index(french, english, caps, first_words, max_words)


def _inflections(key: str) -> list[str]:
    """French plural and feminine forms back to the masculine singular ("chinoises" -> "chinois")."""
    forms = [key]
    stem = key[:-1] if key.endswith(("s", "x")) else key
    forms.append(stem)
    if stem.endswith("nne"):
        forms.append(stem[:-2])
    if stem.endswith("e"):
        forms.append(stem[:-1])
    return forms


def lookup(name: str) -> GazetteerEntry | None:
    """The gazetteer row for a French name or term, any kind; None if unknown.

    Tries the name as given, then without a leading elision, article or preposition, then with an article
    ("Caire" finds "Le Caire"), then French plural and feminine endings ("Américaines").
    """
    table = _index().french
    key = normalize_key(name)
    bare = _LEADING.sub("", _ELISION.sub("", key, count=1))
    for candidate in (key, bare):
        if candidate in table:
            return table[candidate]
    for article in ("le ", "la ", "les ", "l'"):
        if article + bare in table:
            return table[article + bare]
    for form in _inflections(bare)[1:]:
        entry = table.get(form)
        if entry is not None and entry.kind == "nationality":
            return entry
    return None


def lookup_place(name: str) -> tuple[str, str] | None:
    """(English name, kind) for a place or institution with an established English name."""
    entry = lookup(name)
    if entry is None or not entry.is_name:
        return None
    return entry.english, entry.kind


def lookup_english(name: str) -> GazetteerEntry | None:
    """The gazetteer row whose English form (or an English variant) is `name`; None if unknown."""
    return _index().english.get(normalize_key(name))


def find_in_text(text: str) -> list[GazetteerMatch]:
    """Every gazetteer form in a French text, longest first at each position, not overlapping.

    A word capitalised in the gazetteer must be capitalised in the text ("Maison Blanche"
    matches, "maison blanche" does not); the other words may be either.
    """
    index = _index()
    words = list(_WORD.finditer(text))
    found: list[GazetteerMatch] = []
    position = 0
    while position < len(words):
        match = None
        if normalize_key(words[position].group()) in index.first_words:
            match = _longest_at(text, words, position, index)
        if match is None:
            position += 1
            continue
        found.append(match[0])
        position = match[1]
    return found


def _longest_at(text: str, words: list[re.Match], i: int, index: _Index) -> tuple[GazetteerMatch, int] | None:
    best = None
    for j in range(i, min(len(words), i + index.max_words)):
        if j > i and not _joins(text[words[j - 1].end():words[j].start()]):
            break
        key = normalize_key(text[words[i].start():words[j].end()])
        pattern = index.caps.get(key)
        if pattern is None or len(pattern) != j - i + 1:
            continue
        if all(w.group()[0].isupper() for w, cap in zip(words[i:j + 1], pattern) if cap):
            best = (GazetteerMatch(words[i].start(), words[j].end(), index.french[key]), j + 1)
    return best


def _joins(gap: str) -> bool:
    """Whether the characters between two words keep them in one name (space, hyphen, apostrophe)."""
    return gap in ("-", "'", "\u2019") or (gap.strip() == "" and "\n" not in gap and len(gap) <= 2)
