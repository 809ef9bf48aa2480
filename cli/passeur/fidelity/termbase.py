"""The user glossary (`--glossary FILE`): source and target terms that override everything.

The file is CSV or TSV, source term then target term, extra columns ignored (DeepL exports
add the two language codes), UTF-8 with or without a BOM, `#` comment lines and blank lines
allowed; the delimiter (tab, comma or semicolon) is sniffed. A malformed file raises
DataFileError naming the file and the line.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from passeur.errors import DataFileError
from passeur.fidelity.entry import Entry

MAX_FIELD_BYTES = 1024  # DeepL's limit for one glossary term
DELIMITERS = {"\t": "tab", ",": "comma", ";": "semicolon"}
_HEADER_SOURCE = {"source", "source term", "source_term", "term", "fr", "french", "français", "francais"}
_HEADER_TARGET = {"target", "target term", "target_term", "translation", "en", "english", "anglais"}
_APOSTROPHES = "'\u2019\u02bc"


@dataclass(frozen=True)
class Term:
    """One glossary line: the source term, its target, and where it was defined."""

    source: str
    target: str
    line: int


class Termbase:
    """The terms of one glossary file, ready to be found in a text."""

    def __init__(self, terms: Sequence[Term], path: str = "") -> None:
        self.terms = list(terms)
        self.path = path
        self._by_key = {_key(t.source): t for t in self.terms}
        self._pattern = _compile(self.terms) if self.terms else None

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.terms)

    def find(self, text: str) -> list[Entry]:
        """Each term found in `text`, once, as an Entry of kind "term" (first occurrence, count).

        Matching ignores case and the apostrophe style and respects word boundaries; an
        elided article before the term ("l'IA", "d’OpenAI") is left out; where terms
        overlap, the one starting first wins, then the longest.
        """
        found: dict[str, list[re.Match]] = {}
        for m in self._matches(text):
            found.setdefault(_key(m.group()), []).append(m)
        entries = []
        for key, matches in found.items():
            term = self._by_key[key]
            first = matches[0]
            aliases = tuple(dict.fromkeys(m.group() for m in matches if m.group() != first.group()))
            entries.append(
                Entry("term", first.group(), term.target, first.start(), first.end(), aliases=aliases, count=len(matches))
            )
        return sorted(entries, key=lambda e: e.start)

    def occurrences(self, text: str) -> list[Entry]:
        """Every occurrence of every term, in order, one Entry each (count 1): for replacing them."""
        return [
            Entry("term", m.group(), self._by_key[_key(m.group())].target, m.start(), m.end())
            for m in self._matches(text)
        ]

    def override(self, entries: Iterable[Entry], text: str) -> list[Entry]:
        """The terms found in `text`, plus `entries` (names, figures) that no term replaces.

        A user term overrides an entry with the same source or whose first occurrence
        lies inside one of the term's occurrences.
        """
        spans = [(m.start(), m.end()) for m in self._matches(text)]
        terms = self.find(text)
        keys = {_key(t.source) for t in terms} | {_key(a) for t in terms for a in t.aliases}
        kept = [
            e for e in entries
            if _key(e.source) not in keys and not any(s <= e.start and e.end <= t for s, t in spans)
        ]
        return sorted(terms + kept, key=lambda e: e.start)

    def _matches(self, text: str) -> list[re.Match]:
        return list(self._pattern.finditer(text)) if self._pattern is not None else []


def load_termbase(path: str | os.PathLike) -> Termbase:
    """Read and check a glossary file; DataFileError (exit 2) names the file and the line."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise DataFileError(name, None, "no such glossary file") from None
    except IsADirectoryError:
        raise DataFileError(name, None, "is a directory, not a glossary file") from None
    except OSError as error:
        raise DataFileError(name, None, f"cannot read the glossary file ({error.strerror})") from None
    return parse_termbase(_decode(data, name), name)


def parse_termbase(text: str, path: str = "<glossary>") -> Termbase:
    """Parse glossary text (already decoded); `path` is used in error messages."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if _is_data(line)]
    if not lines:
        return Termbase([], path)
    delimiter = _sniff(lines)
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for position, (number, line) in enumerate(lines):
        fields = _split(line, delimiter, path, number)
        if position == 0 and _is_header(fields):
            continue
        term = _check(fields, delimiter, path, number)
        key = _key(term.source)
        if key in seen:
            reason = f"duplicate source term '{term.source}' (first defined on line {seen[key]})"
            raise DataFileError(path, number, reason)
        seen[key] = number
        terms.append(term)
    return Termbase(terms, path)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        bad = data[error.start]
        raise DataFileError(path, line, f"not valid UTF-8 (byte 0x{bad:02x}); save the glossary as UTF-8") from None


def _is_data(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _sniff(lines: list[tuple[int, str]]) -> str:
    """Tab if any line has one; else the comma or semicolon that splits the most lines in two."""
    if any("\t" in line for _, line in lines):
        return "\t"
    sample = [line for _, line in lines[:50]]
    counts = {d: sum(len(next(csv.reader([line], delimiter=d))) >= 2 for line in sample) for d in (",", ";")}
    return ";" if counts[";"] > counts[","] else ","


def _split(line: str, delimiter: str, path: str, number: int) -> list[str]:
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    try:
        fields = next(csv.reader([line], delimiter=delimiter, quoting=quoting, strict=True))
    except csv.Error as error:
        reason = f"cannot read this line as {DELIMITERS[delimiter]}-separated values ({error})"
        raise DataFileError(path, number, reason) from None
    return [field.strip() for field in fields]


def _is_header(fields: list[str]) -> bool:
    return len(fields) >= 2 and fields[0].lower() in _HEADER_SOURCE and fields[1].lower() in _HEADER_TARGET


def _check(fields: list[str], delimiter: str, path: str, number: int) -> Term:
    if len(fields) < 2:
        reason = f"expected two columns, source term then target term, separated by a {DELIMITERS[delimiter]}; found one"
        raise DataFileError(path, number, reason)
    for column, value in (("source", fields[0]), ("target", fields[1])):
        if not value:
            raise DataFileError(path, number, f"empty {column} term")
        size = len(value.encode("utf-8"))
        if size > MAX_FIELD_BYTES:
            reason = f"{column} term is {size} bytes long; the limit is {MAX_FIELD_BYTES} bytes"
            raise DataFileError(path, number, reason)
    return Term(fields[0], fields[1], number)


def _key(term: str) -> str:
    """Terms are the same whatever their case, apostrophe style or spacing."""
    for apostrophe in _APOSTROPHES[1:]:
        term = term.replace(apostrophe, "'")
    return " ".join(term.casefold().split())


def _compile(terms: Sequence[Term]) -> re.Pattern:
    """One pattern for all terms, longest first, so that the longest wins at each position."""
    parts = [_term_pattern(t.source) for t in sorted(terms, key=lambda t: -len(t.source))]
    return re.compile("|".join(parts), re.IGNORECASE)


def _term_pattern(source: str) -> str:
    body = ""
    for chunk in re.split(r"(\s+|['\u2019\u02bc])", source):
        if not chunk:
            continue
        if chunk.isspace():
            body += r"\s+"
        elif chunk in _APOSTROPHES:
            body += f"[{_APOSTROPHES}]"
        else:
            body += re.escape(chunk)
    before = r"(?<!\w)" if re.match(r"\w", source) else ""
    after = r"(?!\w)" if re.search(r"\w$", source) else ""
    return f"{before}(?:{body}){after}"
