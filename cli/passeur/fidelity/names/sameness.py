"""When two spellings are the same name: folding, transliteration variants and established forms.

* Folded equality: the same name. Case, accents, the kind of space (U+00A0, U+202F), hyphens
  and apostrophe styles do not count ("Bill\u00a0Shuster" = "Bill Shuster", "Unasur" =
  "UNASUR", "Cogeco Câble" = "Cogeco Cable", "Karzaï" = "Karzai").
* Variant: the same name under another romanisation, as French and English write foreign
  names differently ("Moubarak"/"Mubarak", "Netanyahou"/"Netanyahu", "Victor"/"Viktor").
  A checker cannot tell that from a slip, so it reports it as a warning and never edits it.
* Established forms: for places and institutions, every English form the gazetteer lists
  (CLDR territory names through Babel, short forms such as "US", acronym pairs).
"""
from __future__ import annotations

import functools
import re
import unicodedata

from passeur.fidelity.names.gazetteer import lookup_english

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\-‐‑–]+")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})
# French romanisation -> English, applied to folded letters, longest first.
# French endings of place and people names and their English form ("Anatolie" / "Anatolia",
# "Judée" / "Judea", "Caucasiens" / "Caucasians"), and particles a name may go without.
_ENDINGS = {"ie": "ia", "ee": "ea", "iens": "ians", "ien": "ian", "iennes": "ians", "ienne": "ian"}
_ENDING = re.compile(r"(?:iennes|ienne|iens|ien|ie|ee)$")
_OPTIONAL_PARTICLES = frozenset("el al ibn bin ben".split())
_ROMANISATION = [("iy", "y"), ("ij", "i"), ("tch", "ch"), ("sch", "sh"), ("dj", "j"), ("ou", "u"),
                 ("ch", "sh"), ("kh", "h"), ("ph", "f"), ("ck", "k"), ("c", "k"), ("q", "k"),
                 ("w", "v")]


@functools.lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Case, accents, space kinds, hyphens and apostrophe styles folded away."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("đ", "d")
    return _SPACES.sub(" ", plain.casefold().replace(".", "")).strip()


@functools.lru_cache(maxsize=65536)
def variant_key(name: str) -> str:
    """A key equal for two romanisations of one name ("Moubarak" and "Mubarak")."""
    words = []
    for word in fold(name).split():
        word = "".join(c for c in word if c.isalnum())
        if word in _OPTIONAL_PARTICLES:  # "Bashar El Assad" / "Bashar Assad"
            continue
        word = _ENDING.sub(lambda m: _ENDINGS[m.group()], word)
        for french, english in _ROMANISATION:
            word = word.replace(french, english)
        words.append(word[:-1] if word.endswith("e") and len(word) > 3 else word)
    return "".join(words)


def folded_text(text: str) -> tuple[str, list[int]]:
    """`text` folded character by character, and for each folded character its offset in `text`."""
    out: list[str] = []
    offsets: list[int] = []
    for i, char in enumerate(text):
        folded = " " if char.isspace() or char in "-‐‑–" else fold(char)
        for f in folded:
            out.append(f)
            offsets.append(i)
    return "".join(out), offsets


def find_folded(text: str, form: str, folded: tuple[str, list[int]] | None = None) -> list[tuple[int, int]]:
    """Spans of `text` equal to `form` once both are folded, as whole words."""
    target = fold(form)
    if not target:
        return []
    haystack, offsets = folded or folded_text(text)
    spans = []
    for m in re.finditer(rf"(?<!\w){re.escape(target)}(?!\w)", haystack):
        start, end = offsets[m.start()], offsets[m.end() - 1] + 1
        spans.append((start, end))
    return spans


def is_variant(a: str, b: str) -> bool:
    """Another romanisation of the same name (the folded forms differ, the keys do not)."""
    key = variant_key(a)
    return len(key) >= 3 and key == variant_key(b)


def established_forms(target: str) -> list[str]:
    """Every English form the gazetteer gives for an English place or institution name."""
    entry = lookup_english(target)
    if entry is None or not entry.is_name:
        return []
    return [entry.english, *entry.variants]
