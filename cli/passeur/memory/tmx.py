"""TMX 1.4: the translation memory exchange format that CAT tools (OmegaT, Trados) import.

`render_tmx` writes one `<tu>` per memory entry: the French segment and the English
translation (the final one chosen by the glossary guard when known, else the model's best
hypothesis), with the model and its revision as `<prop>`s. `read_tmx` reads the pairs back.
"""
from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from typing import Iterable

from passeur import __version__

SOURCE_LANG = "fr"
TARGET_LANG = "en"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot hold at all, even escaped (C0 controls but tab, CR, LF; lone
# surrogates; U+FFFE/U+FFFF): dropped from the export, since a CAT tool would refuse the file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_tmx(entries: Iterable[dict], *, created: float | None = None) -> str:
    """The TMX 1.4 document (a string) for `entries` as `TranslationMemory.entries()` yields them."""
    header = ET.Element("header", {
        "creationtool": "passeur", "creationtoolversion": __version__, "datatype": "plaintext",
        "segtype": "sentence", "adminlang": "en", "srclang": SOURCE_LANG, "o-tmf": "passeur",
        "creationdate": tmx_date(time.time() if created is None else created),
    })
    chunks = ['<?xml version="1.0" encoding="UTF-8"?>\n', '<tmx version="1.4">\n',
              "  " + ET.tostring(header, encoding="unicode") + "\n", "  <body>\n"]
    for entry in entries:
        chunks.append("    " + ET.tostring(_unit(entry), encoding="unicode") + "\n")
    chunks.append("  </body>\n</tmx>\n")
    return "".join(chunks)


def _unit(entry: dict) -> ET.Element:
    attributes = {"creationdate": tmx_date(entry["created"]), "changedate": tmx_date(entry["created"]),
                  "usagecount": str(entry.get("hits", 0))}
    if entry.get("used"):
        attributes["lastusagedate"] = tmx_date(entry["used"])
    unit = ET.Element("tu", attributes)
    final = entry.get("final")
    props = [("x-passeur-model", entry["model"]), ("x-passeur-revision", entry.get("revision")),
             ("x-passeur-origin", "final" if final is not None else "model")]
    for kind, value in (p for p in props if p[1]):
        ET.SubElement(unit, "prop", {"type": kind}).text = clean_text(value)
    hypotheses = entry.get("hypotheses") or [""]
    for lang, text in ((SOURCE_LANG, entry["source"]), (TARGET_LANG, final if final is not None else hypotheses[0])):
        variant = ET.SubElement(unit, "tuv", {_XML_LANG: lang})
        ET.SubElement(variant, "seg").text = clean_text(text)
    return unit


def read_tmx(text: str) -> list[dict]:
    """The units of a TMX document: {"fr": ..., "en": ..., "props": {type: value}} each."""
    root = ET.fromstring(text)
    units = []
    for unit in root.iter("tu"):
        item = {"props": {p.get("type"): p.text or "" for p in unit.findall("prop")}}
        for variant in unit.findall("tuv"):
            lang = (variant.get(_XML_LANG) or variant.get("lang") or "").lower()
            seg = variant.find("seg")
            item[lang] = "".join(seg.itertext()) if seg is not None else ""
        units.append(item)
    return units


def tmx_date(seconds: float) -> str:
    """A TMX date: UTC, YYYYMMDDThhmmssZ."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


def clean_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot represent."""
    return _NOT_XML.sub("", text)
