"""Bilingual files, unit by unit: JSON Lines, TMX 1.4 and XLIFF (1.2 and 2.0).

`read_units` gives each unit's id, French source and English translation in file order:

* `.jsonl`: one JSON object a line, `source` and `translation` (and `id`) keys;
* `.tmx`: each `<tu>`, its French and English `<tuv>` (by `xml:lang`: fr..., en...);
* `.xlf` / `.xliff`: XLIFF 1.2 `<trans-unit>` (`<source>`, `<target>`), XLIFF 2.0 `<segment>`
  inside `<unit>`.

A unit's id is the one the file gives, else its 1-based position. A unit with no
translation yet (no `<target>`, no English variant) has `translation` None. A file that
cannot be read, or is malformed, raises DataFileError naming the file and the line. XML is
parsed with lxml (line numbers for every element; entities are never resolved, nothing is
fetched).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from passeur.errors import DataFileError, InputError

FORMATS = {".jsonl": "jsonl", ".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XLIFF_1 = "urn:oasis:names:tc:xliff:document:1.2"
_XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"


@dataclass(frozen=True)
class Unit:
    """One translation unit: its id, French source, English translation (None: untranslated)."""

    id: str
    source: str
    translation: str | None
    line: int = 0


def read_units(path: str | Path) -> list[Unit]:
    """Every unit of a bilingual file, in file order (see the module docstring)."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(str(path), f"not a bilingual file ({path.suffix or 'no extension'})",
                         "use .jsonl, .tmx, .xlf or .xliff")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), error.strerror or "cannot be read") from error
    if kind == "jsonl":
        return _read_jsonl(path, data)
    root = _parse_xml(path, data)
    return _read_tmx(path, root) if kind == "tmx" else _read_xliff(path, root)


def _read_jsonl(path: Path, data: bytes) -> list[Unit]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise DataFileError(str(path), line, "not UTF-8 text") from error
    units = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataFileError(str(path), number, f"not a JSON object ({error.msg})") from error
        if not isinstance(row, dict) or not isinstance(row.get("source"), str) \
                or not isinstance(row.get("translation"), (str, type(None))):
            raise DataFileError(str(path), number,
                                'each line needs "source" and "translation" strings')
        given = row.get("id")
        unit_id = str(given) if given not in (None, "") else str(len(units) + 1)
        units.append(Unit(unit_id, row["source"], row["translation"], number))
    return units


def _parse_xml(path: Path, data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise DataFileError(str(path), line, f"malformed XML ({error.msg})") from error


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element) -> str:
    """The text of a segment: its own text and what follows inline codes, not the codes."""
    parts = [element.text or ""]
    for child in element:
        if _local(child.tag) in ("g", "pc", "mrk", "hi", "sub"):  # markup around real text
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _read_tmx(path: Path, root) -> list[Unit]:
    if _local(root.tag) != "tmx":
        raise DataFileError(str(path), root.sourceline, "not a TMX document (no <tmx> root)")
    units = []
    for tu in root.iter("{*}tu"):
        variants: dict[str, str] = {}
        for tuv in tu.iter("{*}tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower()
            seg = next(tuv.iter("{*}seg"), None)
            if seg is None:
                raise DataFileError(str(path), tuv.sourceline, "<tuv> without <seg>")
            variants.setdefault(lang.split("-")[0].split("_")[0], _text(seg))
        if "fr" not in variants:
            raise DataFileError(str(path), tu.sourceline, "<tu> without a French <tuv>")
        given = tu.get("tuid")
        units.append(Unit(given or str(len(units) + 1), variants["fr"], variants.get("en"),
                          tu.sourceline))
    return units


def _read_xliff(path: Path, root) -> list[Unit]:
    if _local(root.tag) != "xliff":
        raise DataFileError(str(path), root.sourceline, "not an XLIFF document (no <xliff> root)")
    version = root.get("version", "")
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if version.startswith("2") or namespace == _XLIFF_2:
        return _read_xliff2(path, root)
    units = []
    for tu in root.iter("{*}trans-unit"):
        source = next(tu.iter("{*}source"), None)
        if source is None:
            raise DataFileError(str(path), tu.sourceline, "<trans-unit> without <source>")
        target = next(tu.iter("{*}target"), None)
        units.append(Unit(tu.get("id") or str(len(units) + 1), _text(source),
                          None if target is None else _text(target), tu.sourceline))
    return units


def _read_xliff2(path: Path, root) -> list[Unit]:
    units = []
    for unit in root.iter("{*}unit"):
        segments = list(unit.iter("{*}segment"))
        for index, segment in enumerate(segments, 1):
            source = next(segment.iter("{*}source"), None)
            if source is None:
                raise DataFileError(str(path), segment.sourceline, "<segment> without <source>")
            target = next(segment.iter("{*}target"), None)
            unit_id = unit.get("id")
            if unit_id and len(segments) > 1:
                unit_id = f"{unit_id}/{segment.get('id') or index}"
            units.append(Unit(unit_id or str(len(units) + 1), _text(source),
                              None if target is None else _text(target), segment.sourceline))
    return units
