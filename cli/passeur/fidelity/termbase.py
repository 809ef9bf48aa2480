"""The user glossary (`--glossary FILE`): source and target terms that override everything.

The file is CSV or TSV, source term then target term, extra columns ignored (DeepL exports
add the two language codes), UTF-8 with or without a BOM, `#` comment lines and blank lines
allowed; the delimiter (tab, comma or semicolon) is sniffed. A malformed file raises
DataFileError naming the file and the line.
"""
from __future__ import annotations

import csv
import os
import threading
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

    def __init__(self, terms: Sequence[Term], path: str = "", keys: Sequence[str] | None = None) -> None:
        """`keys`, when given, are the terms' `_key`s (the parser has them already)."""
        self.terms = list(terms)
        self.path = path
        self._matcher = TermMatcher(self.terms, keys)

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
        return _entries(self._matcher.matches(text))

    def occurrences(self, text: str) -> list[Entry]:
        """Every occurrence of every term, in order, one Entry each (count 1): for replacing them."""
        return [Entry("term", m.text, m.term.target, m.start, m.end) for m in self._matcher.matches(text)]

    def override(self, entries: Iterable[Entry], text: str) -> list[Entry]:
        """The terms found in `text`, plus `entries` (names, figures) that no term replaces.

        A user term overrides an entry with the same source or whose first occurrence
        lies inside one of the term's occurrences.
        """
        matches = self._matcher.matches(text)
        spans = [(m.start, m.end) for m in matches]
        terms = _entries(matches)
        keys = {_key(t.source) for t in terms} | {_key(a) for t in terms for a in t.aliases}
        kept = [
            e for e in entries
            if _key(e.source) not in keys and not any(s <= e.start and e.end <= t for s, t in spans)
        ]
        return sorted(terms + kept, key=lambda e: e.start)


def _entries(matches) -> list[Entry]:
    """Each term among `matches` once, as an Entry (first occurrence, aliases, count)."""
    found: dict[int, list[_Match]] = {}
    for match in matches:
        found.setdefault(id(match.term), []).append(match)
    entries = []
    for group in found.values():
        first = group[0]
        aliases = tuple(dict.fromkeys(m.text for m in group if m.text != first.text))
        entries.append(Entry("term", first.text, first.term.target, first.start, first.end, aliases=aliases,
                             count=len(group)))
    return sorted(entries, key=lambda e: e.start)


_LOADED: dict[tuple, Termbase] = {}  # (real path, mtime, size) -> its termbase: read-only once built
_LOADING = threading.Lock()


def load_termbase(path: str | os.PathLike) -> Termbase:
    """Read and check a glossary file; DataFileError (exit 2) names the file and the line.

    A file already read and unchanged since (same size and modification time) is not read
    again: each batch worker and each English file of `batch --what brief` asks for it.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)
        key = (os.path.realpath(name), info.st_mtime_ns, info.st_size)
    except OSError:
        key = None  # the reading below says what is wrong
    with _LOADING:
        if key not in _LOADED:
            termbase = _read_termbase(name)
            if key is None:
                return termbase
            _LOADED.clear()  # one glossary per run is the rule: keep the last one only
            _LOADED[key] = termbase
        return _LOADED[key]


def _read_termbase(name: str) -> Termbase:
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
    return Termbase(terms, path, list(seen))


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
    if delimiter == "\t" or '"' not in line:  # no quoting: what the csv module would do, faster
        return [field.strip() for field in line.split(delimiter)]
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
        if len(value) <= MAX_FIELD_BYTES // 4:
            continue  # at most 4 UTF-8 bytes a character: a shorter term is within the limit
        size = len(value.encode("utf-8", "surrogatepass"))
        if size > MAX_FIELD_BYTES:
            reason = f"{column} term is {size} bytes long; the limit is {MAX_FIELD_BYTES} bytes"
            raise DataFileError(path, number, reason)
    return Term(fields[0], fields[1], number)


def _key(term: str) -> str:
    """Terms are the same whatever their case, apostrophe style or spacing."""
    for apostrophe in _APOSTROPHES[1:]:
        term = term.replace(apostrophe, "'")
    return " ".join(term.casefold().split())


class _Match:
    """One occurrence of a term in a text: where, what was written, which term."""

    __slots__ = ("start", "end", "text", "term")

    def __init__(self, start: int, end: int, text: str, term: Term) -> None:
        self.start, self.end, self.text, self.term = start, end, text, term


class TermMatcher:
    """Every glossary term found in a text in one pass (Aho–Corasick, pyahocorasick), in linear
    time whatever the number of terms.

    The text is searched in a normalised copy (case folded, apostrophes as ', each run of
    whitespace as one space) that remembers where each character came from; a match must
    start and end on whole characters of the original and, where the term starts or ends
    with a letter or digit, at a word boundary there. Overlapping matches: the one starting
    first wins, then the longest.
    """

    def __init__(self, terms: Sequence[Term], keys: Sequence[str] | None = None) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        for term, key in zip(terms, keys if keys is not None else map(_key, (t.source for t in terms))):
            self._automaton.add_word(key, (len(key), _is_word(key[0]), _is_word(key[-1]), term))
        if terms:
            self._automaton.make_automaton()
        self._empty = not terms

    def matches(self, text: str) -> list[_Match]:
        if self._empty or not text:
            return []
        folded, origin = _fold(text)
        origin.append(len(text))
        found = []
        for last, (length, word_start, word_end, term) in self._automaton.iter(folded):
            first = last - length + 1
            start, end = origin[first], origin[last + 1]
            if (first and origin[first - 1] == start) or origin[last] == end:
                continue  # inside one character's case folding (ß -> ss)
            if word_start and start and _is_word(text[start - 1]):
                continue
            if word_end and end < len(text) and _is_word(text[end]):
                continue
            found.append(_Match(start, end, text[start:end], term))
        found.sort(key=lambda m: (m.start, m.start - m.end))
        chosen, reached = [], 0
        for match in found:
            if match.start >= reached:
                chosen.append(match)
                reached = match.end
        return chosen


def _fold(text: str) -> tuple[str, list[int]]:
    """The text as terms are keyed (see `_key`), and the index in `text` of each character."""
    out: list[str] = []
    origin: list[int] = []
    in_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not in_space:
                out.append(" ")
                origin.append(index)
            in_space = True
            continue
        in_space = False
        folded = "'" if char in _APOSTROPHES else char.casefold()
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
