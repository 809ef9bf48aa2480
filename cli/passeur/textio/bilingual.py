"""Bilingual files, unit by unit: JSON Lines, TMX 1.4 and XLIFF (1.2 and 2.0).

`read_units` gives each unit's id, French source and English translation in file order:

* `.jsonl`: one JSON object a line, `source` and `translation` (and `id`) keys;
* `.tmx`: each `<tu>`, its French and English `<tuv>` (by `xml:lang`: fr..., en...);
* `.xlf` / `.xliff`: XLIFF 1.2 `<trans-unit>` (`<source>`, `<target>`), XLIFF 2.0 `<segment>`
  inside `<unit>`.

A unit's id is the one the file gives, else its 1-based position. A unit with no
translation yet (no `<target>`, no English variant) has `translation` None. A file that
cannot be read, or is malformed, raises DataFileError naming the file and the line. XML is
read with the standard library's expat parser, which gives every element its line; external
entities are never fetched.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from passeur.errors import DataFileError, InputError
from passeur.textio.reader import check_unicode

FORMATS = {".jsonl": "jsonl", ".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
    root, lines = _parse_xml(path, data)
    reader = _read_tmx if kind == "tmx" else _read_xliff
    return reader(path, root, lines)


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
        for key in ("source", "translation"):
            if row[key] is not None:
                try:
                    check_unicode(row[key])
                except InputError:
                    raise DataFileError(str(path), number, f'"{key}" holds a lone surrogate: not valid Unicode '
                                                           "text") from None
        given = row.get("id")
        unit_id = str(given) if given not in (None, "") else str(len(units) + 1)
        units.append(Unit(unit_id, row["source"], row["translation"], number))
    return units


def _parse_xml(path: Path, data: bytes) -> tuple[ET.Element, dict]:
    """The document's root and each element's line, by expat (no external entity is read)."""
    builder = ET.TreeBuilder()
    lines: dict = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def name(raw: str) -> str:
        return "{" + raw if "}" in raw else raw

    def start(tag, attributes):
        lines[builder.start(name(tag), {name(k): v for k, v in attributes.items()})] = \
            parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        return builder.close(), lines
    except (expat.ExpatError, AssertionError) as error:
        line = getattr(error, "lineno", None)
        reason = expat.errors.messages.get(error.code, str(error)) if hasattr(error, "code") else str(error)
        raise DataFileError(str(path), line, f"malformed XML ({reason})") from error


def _each(element, local: str):
    """`element` and its descendants whose tag, namespace aside, is `local`, in document order."""
    return (e for e in element.iter() if _local(e.tag) == local)


def _child(element, local: str):
    """`element`'s first child (not a deeper descendant) whose tag is `local`, or None."""
    return next((e for e in element if _local(e.tag) == local), None)


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


def _read_tmx(path: Path, root, lines: dict) -> list[Unit]:
    if _local(root.tag) != "tmx":
        raise DataFileError(str(path), lines.get(root), "not a TMX document (no <tmx> root)")
    units = []
    for tu in _each(root, "tu"):
        variants: dict[str, str] = {}
        for tuv in _each(tu, "tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower()
            seg = next(_each(tuv, "seg"), None)
            if seg is None:
                raise DataFileError(str(path), lines.get(tuv), "<tuv> without <seg>")
            variants.setdefault(lang.split("-")[0].split("_")[0], _text(seg))
        if "fr" not in variants:
            raise DataFileError(str(path), lines.get(tu), "<tu> without a French <tuv>")
        given = tu.get("tuid")
        units.append(Unit(given or str(len(units) + 1), variants["fr"], variants.get("en"),
                          lines.get(tu)))
    return units


def _read_xliff(path: Path, root, lines: dict) -> list[Unit]:
    if _local(root.tag) != "xliff":
        raise DataFileError(str(path), lines.get(root), "not an XLIFF document (no <xliff> root)")
    version = root.get("version", "")
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if version.startswith("2") or namespace == _XLIFF_2:
        return _read_xliff2(path, root, lines)
    units = []
    for tu in _each(root, "trans-unit"):
        source = _child(tu, "source")  # its own, not an <alt-trans>'s (a suggestion, not the unit)
        if source is None:
            raise DataFileError(str(path), lines.get(tu), "<trans-unit> without <source>")
        target = _child(tu, "target")
        units.append(Unit(tu.get("id") or str(len(units) + 1), _text(source),
                          None if target is None else _text(target), lines.get(tu)))
    return units


def _read_xliff2(path: Path, root, lines: dict) -> list[Unit]:
    units = []
    for unit in _each(root, "unit"):
        segments = list(_each(unit, "segment"))
        for index, segment in enumerate(segments, 1):
            source = _child(segment, "source")
            if source is None:
                raise DataFileError(str(path), lines.get(segment), "<segment> without <source>")
            target = _child(segment, "target")
            unit_id = unit.get("id")
            if unit_id and len(segments) > 1:
                unit_id = f"{unit_id}/{segment.get('id') or index}"
            units.append(Unit(unit_id or str(len(units) + 1), _text(source),
                              None if target is None else _text(target), lines.get(segment)))
    return units
