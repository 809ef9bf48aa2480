"""A text's layout, kept apart from its words: what to translate and what to leave as is.

A document is a list of lines. Each line keeps its indentation, its Markdown prefix
(heading hashes, list markers, quote marks) and its trailing spaces; code blocks, code
spans, URLs and link targets are kept verbatim; only the prose pieces go to the engine.
Hard-wrapped plain-text paragraphs (a line that stops mid-sentence, the next one going on
in lower case) are joined into one unit so that sentences reach the model whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|>\s*)*(?:[-*+•–]\s+|\d{1,3}[.)]\s+|[a-zA-Z][.)]\s+)?)")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Kept verbatim inside a line: code spans, autolinks, bare URLs, e-mail addresses, link targets.
_PROTECTED = re.compile(
    r"`+[^`]*`+"
    r"|<https?://[^>]+>"
    r"|\]\([^)]*\)"
    r"|\bhttps?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]"
    r"|\bwww\.[^\s<>()\"']+[^\s<>()\"'.,;:!?]"
    r"|\b[\w.+-]+@[\w-]+\.[\w.-]+\b"
)
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"[.!?:;…»\"”)\]]\s*$")


@dataclass
class Piece:
    """Part of a unit: prose to translate, or text to keep as it is."""

    text: str
    translate: bool
    result: str = ""

    def output(self) -> str:
        return self.result if self.translate else self.text


@dataclass
class Unit:
    """One output line: a kept prefix, pieces, and the kept trailing spaces."""

    prefix: str = ""
    pieces: list[Piece] = field(default_factory=list)
    suffix: str = ""
    verbatim: bool = False  # blank lines, code blocks: no piece is translated

    def output(self) -> str:
        return self.prefix + "".join(p.output() for p in self.pieces) + self.suffix

    def source(self) -> str:
        return self.prefix + "".join(p.text for p in self.pieces) + self.suffix


def parse_document(text: str) -> list[Unit]:
    """Split a text into units, one per output line."""
    units: list[Unit] = []
    in_fence = False
    lines = text.split("\n")
    for raw in lines:
        if _FENCE.match(raw):
            in_fence = not in_fence
            units.append(_verbatim(raw))
            continue
        if in_fence or not raw.strip() or not _LETTER.search(raw) or _is_indented_code(raw, units):
            units.append(_verbatim(raw))
            continue
        prefix = _PREFIX.match(raw).group(1)
        body = raw[len(prefix):]
        stripped = body.rstrip()
        suffix = body[len(stripped):]
        if not prefix and units and _continues(units[-1], stripped):
            _join(units[-1], stripped, suffix)
            continue
        units.append(Unit(prefix=prefix, pieces=split_pieces(stripped), suffix=suffix))
    return units


def render_document(units: list[Unit]) -> str:
    """Join the units' outputs back into a text."""
    return "\n".join(unit.output() for unit in units)


def split_pieces(text: str) -> list[Piece]:
    """Cut a line at its protected spans; prose pieces with no letter are kept too."""
    pieces: list[Piece] = []
    position = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > position:
            pieces.append(_prose(text[position : match.start()]))
        pieces.append(Piece(match.group(0), translate=False))
        position = match.end()
    if position < len(text):
        pieces.append(_prose(text[position:]))
    return pieces


def _prose(text: str) -> Piece:
    return Piece(text, translate=bool(_LETTER.search(text)))


def _verbatim(raw: str) -> Unit:
    return Unit(pieces=[Piece(raw, translate=False)], verbatim=True)


def _is_indented_code(raw: str, units: list[Unit]) -> bool:
    """Four-space indented lines after a blank or code line are Markdown code blocks."""
    if not (raw.startswith("    ") or raw.startswith("\t")):
        return False
    previous = units[-1] if units else None
    return previous is None or previous.verbatim


def _continues(previous: Unit, line: str) -> bool:
    """A hard-wrapped paragraph: the previous line stops mid-sentence, this one goes on in lower case."""
    if previous.verbatim or previous.prefix.strip().startswith("#"):
        return False
    last = previous.pieces[-1].text if previous.pieces else ""
    if not last or _SENTENCE_END.search(last) or previous.suffix:
        return False
    first = line.lstrip()[:1]
    return first.islower()


def _join(previous: Unit, line: str, suffix: str) -> None:
    """Append a wrapped line to the previous unit, with one space between."""
    tail = previous.pieces[-1]
    joined = split_pieces(line)
    if tail.translate and joined and joined[0].translate:
        tail.text = f"{tail.text} {joined[0].text}"
        joined = joined[1:]
    else:
        previous.pieces.append(Piece(" ", translate=False))
    previous.pieces.extend(joined)
    previous.suffix = suffix
