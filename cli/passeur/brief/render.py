"""Briefing notes and digests as Markdown or JSON (HTML lives in `brief.html`)."""
from __future__ import annotations

import json
import re

from passeur.brief.html import render_html
from passeur.brief.note import BriefNote, Digest, describe_model
from passeur.errors import UsageError
from passeur.fidelity.report import describe_issue
from passeur.text.language import LANGUAGE_NAMES

FORMATS = ("md", "json", "html")
_BLOCK_START = re.compile(r"^(\s*)([#>+*-]|\d+[.)])(?=\s|$)")
_HEADING = re.compile(r"^(#{1,6})(?=\s)")


def render_brief(brief: BriefNote | Digest, fmt: str = "md") -> str:
    """A note or a digest as md, json or html; every format ends with a newline."""
    if fmt == "json":
        return json.dumps(brief.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return render_markdown(brief)
    if fmt == "html":
        return render_html(brief)
    raise UsageError(f"--format {fmt}: choose one of {', '.join(FORMATS)}")


def render_markdown(brief: BriefNote | Digest) -> str:
    if isinstance(brief, BriefNote):
        return "\n".join(note_markdown(brief, level=1)).rstrip() + "\n"
    lines = [f"# Briefing digest: {len(brief.notes)} articles", "", f"*{inert(brief.created)}*", "",
             "## Overall", "", f"**{inert(brief.headline)}**", "", inert(brief.paragraph), "", "## Articles", ""]
    for number, note in enumerate(brief.notes, 1):
        lines.append(f"{number}. {inert(note.title)} — {inert(note.headline)}")
    lines.append("")
    for number, note in enumerate(brief.notes, 1):
        lines += note_markdown(note, level=2, number=number)
    if brief.fidelity.get("unresolved"):
        lines += ["## Digest fidelity", ""]
        lines += [f"- {inert(describe_issue({'where': 'digest', **item}))}" for item in brief.fidelity["unresolved"]]
    return "\n".join(lines).rstrip() + "\n"


def note_markdown(note: BriefNote, *, level: int = 1, number: int | None = None) -> list[str]:
    """A note's lines; `level` is its title's heading level (its sections one below)."""
    top, sub = "#" * level, "#" * (level + 1)
    title = f"{number}. {inert(note.title)}" if number is not None else f"Briefing: {inert(note.title)}"
    french = note.provenance.language == "fr"
    lines = [f"{top} {title}", "",
             f"{sub} Headline", "", inert(note.headline) or "_(none)_", "",
             f"{sub} In brief", "", inert(note.paragraph) or "_(none)_", "",
             f"{sub} Key figures", ""]
    lines += figures_table(note) or ["_No figures in the text._"]
    lines += ["", f"{sub} People and organisations", ""]
    lines += [f"- **People:** {names_line(note.people)}", f"- **Organisations:** {names_line(note.organizations)}", ""]
    lines += [f"{sub} Full summary", "", inert(note.full_summary) or "_(none)_", ""]
    lines += [f"{sub} {'Full translation' if french else 'Full text (English: not translated)'}", ""]
    lines += [inert(as_markdown(note.translation, note.markdown_source, level + 1)), ""]
    lines += ["---", "", f"{sub} Provenance", ""] + provenance_lines(note) + [""]
    return lines


def figures_table(note: BriefNote) -> list[str]:
    """The key figures as a pipe table (pipes escaped); [] when there are none."""
    if not note.key_figures:
        return []
    french = note.provenance.language == "fr"
    head = ["English", "French source", "Sentence"] if french else ["Figure", "Sentence"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for figure in note.key_figures:
        english = figure.english + (" ⚠ unresolved" if figure.status == "unresolved" else "")
        cells = [english, figure.source, figure.sentence] if french else [english, figure.sentence]
        lines.append("| " + " | ".join(inert(escape_cell(cell)) for cell in cells) + " |")
    return lines


def names_line(names) -> str:
    if not names:
        return "none found"
    return inert(", ".join(f"{n.name} ({n.count})" + (f" [{n.source}]" if n.source != n.name else "") for n in names))


def provenance_lines(note: BriefNote) -> list[str]:
    p = note.provenance
    language = f"{LANGUAGE_NAMES.get(p.language, p.language)} ({p.language})"
    lines = [f"- **Source file:** {inert(p.source_file)}", f"- **Detected language:** {language}",
             f"- **Translation model:** {describe_model(p.translation_model, 'none (English input)')}",
             f"- **Summary model:** {describe_model(p.summary_model)}",
             f"- **Date (UTC):** {p.created}",
             f"- **Fidelity:** {p.fidelity_status}"]
    lines += [f"  - {inert(describe_issue(item))}" for item in p.unresolved]
    return lines


def escape_cell(text: str) -> str:
    """Text safe inside a pipe-table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def as_markdown(text: str, markdown_source: bool, level: int) -> str:
    """Put an article's text under a heading of `level`.

    Markdown input keeps its layout, its headings pushed below `level`; plain text gets one
    paragraph per line (a single newline would run lines together in Markdown), with a
    leading character Markdown would read as structure escaped.
    """
    if markdown_source:
        def demote(match: re.Match) -> str:
            return "#" * min(6, len(match.group(1)) + level)

        return "\n".join(_HEADING.sub(demote, line) for line in text.strip("\n").split("\n"))
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    return "\n\n".join(_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), p) for p in paragraphs)



# -- keeping the source's text inert -----------------------------------------------------------
# The note carries text from the source (titles, sentences, names, the translation): raw HTML
# in it (`<script>`, `<img onerror=...>`) and links to `javascript:` must reach a Markdown
# renderer as text, as the HTML brief already escapes them. Code spans and fenced blocks are
# left alone (a renderer shows them as text anyway).
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")
_LINK = re.compile(r"\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.\-]*):")
_DEFINITION = re.compile(r"^(\s{0,3})\[[^\]]*\]:\s*<?\s*([A-Za-z][A-Za-z0-9+.\-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})


def inert(text: str) -> str:
    """Markdown `text` with raw HTML and entities shown as written (`\\<`, `\\&`) and links
    kept only to http(s), mailto, ftp and tel: any other scheme (`javascript:`, `data:`)
    leaves the link as plain text. Everything else (emphasis, safe links) is kept."""
    lines, fence = [], None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence or opening:
            if opening and (fence is None or opening.group(1) == fence):
                fence = None if fence else opening.group(1)
            lines.append(line)
            continue
        lines.append(_inert_line(line))
    return "\n".join(lines)


def _inert_line(line: str) -> str:
    out, last = [], 0
    for span in _CODE_SPAN.finditer(line):
        out += [_inert_prose(line[last:span.start()]), span.group()]
        last = span.end()
    out.append(_inert_prose(line[last:]))
    line = "".join(out)
    definition = _DEFINITION.match(line)
    if definition and definition.group(2).lower() not in SAFE_SCHEMES:
        line = definition.group(1) + "\\" + line[len(definition.group(1)):]
    return line


def _inert_prose(text: str) -> str:
    text = text.replace("<", "\\<").replace("&", "\\&")
    return _LINK.sub(lambda m: m.group() if m.group(1).lower() in SAFE_SCHEMES else "]\\(" + m.group()[2:], text)
