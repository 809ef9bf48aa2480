"""Briefing notes and digests as one self-contained HTML file.

Inline CSS only: no script, no font, no image, no link to anything outside the file. The
source and its translation sit side by side, one table row per translated segment, so
that each French sentence faces its English; on a narrow screen the pair stacks, and on
paper it stays side by side with no row split across pages. Every piece of text goes
through html.escape.
"""
from __future__ import annotations

import re
from html import escape

from passeur.brief.note import BriefNote, Digest, KeyFigure, describe_model
from passeur.fidelity.report import describe_issue
from passeur.text.language import LANGUAGE_NAMES

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])(\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")

CSS = """
:root { --ink: #1d2127; --muted: #5b6470; --rule: #d9dde3; --paper: #fbfaf7; --card: #ffffff;
  --accent: #1f5c99; --mark: #fff1b8; --ok: #1e7b45; --warn: #a35b00; --bad: #b3261e;
  --serif: "Iowan Old Style", "Charter", Georgia, "DejaVu Serif", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; }
* { box-sizing: border-box; }
html { font-size: 17px; -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--paper); color: var(--ink); font-family: var(--serif); line-height: 1.55; }
main { max-width: 68rem; margin: 0 auto; padding: 2.5rem 1.5rem 3rem; }
h1, h2, h3, .kicker, th, .badge, footer, nav { font-family: var(--sans); }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.2rem 0 0.8rem; letter-spacing: -0.01em; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 0.8rem; padding-bottom: 0.3rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.2rem 0 0.5rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
p, li { max-width: 72ch; }
.kicker { color: var(--muted); font-size: 0.85rem; margin: 0; text-transform: uppercase; letter-spacing: 0.06em; }
.headline { font-size: 1.3rem; line-height: 1.4; margin: 0 0 1rem; max-width: 60ch; font-weight: 600; }
.lead { font-size: 1.08rem; }
.badge { display: inline-block; font-size: 0.78rem; font-weight: 600; padding: 0.15rem 0.6rem; border-radius: 1rem;
  border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.repaired { color: var(--warn); } .badge.unresolved { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted);
  border-bottom: 2px solid var(--rule); padding: 0.4rem 0.6rem; }
td { vertical-align: top; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--rule); }
table.figures td.figure { font-family: var(--sans); font-weight: 700; white-space: nowrap; }
table.figures td.source-form { white-space: nowrap; color: var(--muted); }
table.figures .sentence-en { display: block; color: var(--muted); font-size: 0.92em; margin-top: 0.2rem; }
tr.unresolved td.figure { color: var(--bad); }
mark { background: var(--mark); color: inherit; padding: 0 0.1em; border-radius: 2px; }
.names { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 0 2rem; }
.names ul { list-style: none; padding: 0; margin: 0; }
.names li { padding: 0.2rem 0; border-bottom: 1px dotted var(--rule); }
.count { font-family: var(--sans); font-size: 0.8rem; color: var(--muted); margin-left: 0.3rem; }
.prose p { margin: 0 0 0.8rem; }
table.aligned { table-layout: fixed; background: var(--card); }
table.aligned col.num { width: 2.4rem; }
table.aligned td { border-bottom: 0; padding-top: 0.25rem; padding-bottom: 0.25rem; }
table.aligned td.source { color: #3d4450; }
table.aligned tr.para td { padding-top: 0.9rem; border-top: 1px solid var(--rule); }
table.aligned td.num { color: var(--muted); font-family: var(--sans); font-size: 0.72rem;
  text-align: right; padding-right: 0.2rem; padding-top: 0.45rem; }
table.aligned tr.para td.num { padding-top: 1.1rem; }
table.aligned td.target { border-left: 1px solid var(--rule); }
.kicker .file { text-transform: none; letter-spacing: 0; }
nav ol { padding-left: 1.4rem; } nav li { margin: 0.3rem 0; } nav a { color: var(--accent); }
article.note { margin-top: 3rem; padding-top: 1rem; border-top: 4px solid var(--ink); }
article.note > header h2 { font-size: 1.6rem; line-height: 1.25; border: 0; margin: 0.2rem 0 0.6rem; padding: 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.88em; }
footer { margin-top: 2.5rem; font-size: 0.85rem; color: var(--muted); border-top: 1px solid var(--rule);
  padding-top: 0.6rem; }
footer h2, footer h3 { font-size: 0.85rem; border: 0; margin: 0.6rem 0 0.4rem; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
footer dt { font-weight: 600; } footer dd { margin: 0; overflow-wrap: anywhere; }
footer ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
@media screen and (max-width: 720px) {
  html { font-size: 16px; } main { padding: 1.2rem 1rem 2rem; } h1 { font-size: 1.6rem; }
  table.aligned, table.aligned tbody, table.aligned tr, table.aligned td,
  table.figures, table.figures tbody, table.figures tr, table.figures td { display: block; width: auto; }
  table.aligned thead, table.figures thead { display: none; }
  table.aligned td, table.figures td { border: 0; padding: 0.15rem 0; }
  table.aligned tr, table.figures tr { padding: 0.5rem 0; border-bottom: 1px solid var(--rule); }
  table.aligned td.num { display: none; }
  table.aligned td.source::before, table.aligned td.target::before, table.figures td.source-form::before {
    content: attr(data-label) " "; font-family: var(--sans); font-size: 0.7rem; color: var(--muted);
    text-transform: uppercase; letter-spacing: 0.05em; }
  table.figures td.figure, table.figures td.source-form { white-space: normal; }
}
@media print {
  @page { margin: 16mm 14mm; }
  html { font-size: 10.5pt; }
  body, table.aligned { background: none !important; color: #000; }
  main { max-width: none; padding: 0; }
  * { box-shadow: none !important; }
  mark { background: none; font-weight: 700; text-decoration: underline; }
  tr, li, dl, .headline { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  table.aligned td.source { color: #000; }
  a, nav a { color: inherit; text-decoration: none; }
  article.note { break-before: page; page-break-before: always; border-top: 0; }
}
"""


def render_html(brief: BriefNote | Digest) -> str:
    """The whole HTML document for a note or a digest."""
    if isinstance(brief, BriefNote):
        title, body = f"Briefing: {brief.title}", note_html(brief, level=1)
    else:
        title, body = f"Briefing digest: {len(brief.notes)} articles", digest_html(brief)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"passeur\">\n<title>{escape(title)}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def digest_html(digest: Digest) -> str:
    markdown = any(note.markdown_source for note in digest.notes)
    parts = ["<header>", f"<p class=\"kicker\">Briefing digest · {escape(digest.created)}</p>",
             f"<h1>{len(digest.notes)} articles at a glance</h1>",
             f"<p class=\"headline\">{inline(digest.headline, markdown)}</p>",
             f"<p class=\"lead\">{inline(digest.paragraph, markdown)}</p>", "</header>",
             "<nav><h2>Articles</h2><ol>"]
    for number, note in enumerate(digest.notes, 1):
        parts.append(f"<li><a href=\"#article-{number}\">{escape(note.title)}</a> — "
                     f"{inline(note.headline, note.markdown_source)} "
                     f"{_badge(note.provenance.fidelity_status)}</li>")
    parts.append("</ol></nav>")
    for number, note in enumerate(digest.notes, 1):
        parts.append(f"<article class=\"note\" id=\"article-{number}\">\n{note_html(note, level=2)}\n</article>")
    unresolved = digest.fidelity.get("unresolved") or []
    parts.append("<footer><h2>Digest</h2><dl>"
                 f"<dt>Overall summary</dt><dd>from each article's headline and paragraph</dd>"
                 f"<dt>Summary model</dt><dd>{escape(describe_model(digest.summary_model))}</dd>"
                 f"<dt>Date (UTC)</dt><dd>{escape(digest.created)}</dd>"
                 f"<dt>Fidelity</dt><dd>{'unresolved' if unresolved else 'ok'}{_issues(unresolved, 'digest')}</dd>"
                 "</dl></footer>")
    return "\n".join(parts)


def note_html(note: BriefNote, *, level: int) -> str:
    """One note; `level` is its title's heading level, its sections one below."""
    h, s = f"h{level}", f"h{level + 1}"
    p = note.provenance
    french, md = p.language == "fr", note.markdown_source
    parts = [f"<header><p class=\"kicker\">Briefing · {escape(_language(p.language))} · "
             f"<span class=\"file\">{escape(p.source_file)}</span></p>",
             f"<{h}>{escape(note.title)}</{h}>", f"<p class=\"headline\">{inline(note.headline, md)}</p>",
             _badge(p.fidelity_status), "</header>",
             f"<section class=\"in-brief\"><{s}>In brief</{s}>"
             f"<p class=\"lead\">{inline(note.paragraph, md)}</p></section>",
             f"<section class=\"key-figures\"><{s}>Key figures</{s}>{figures_html(note)}</section>",
             f"<section class=\"names-section\"><{s}>People and organisations</{s}><div class=\"names\">"
             f"{_names('People', note.people, level + 2)}{_names('Organisations', note.organizations, level + 2)}"
             "</div></section>",
             f"<section class=\"full-summary\"><{s}>Full summary</{s}><div class=\"prose\">"
             f"{_paragraphs(note.full_summary, markdown=md)}</div></section>"]
    if french:
        parts.append(f"<section class=\"translation\"><{s}>Source and translation</{s}>{aligned_html(note)}</section>")
    else:
        text = _paragraphs(note.source_text, by_line=True, markdown=md)
        parts.append(f"<section class=\"translation\"><{s}>Full text (English: not translated)</{s}>"
                     f"<div class=\"prose\" lang=\"en\">{text}</div></section>")
    parts.append(provenance_html(note, level + 1))
    return "\n".join(parts)


def figures_html(note: BriefNote) -> str:
    if not note.key_figures:
        return "<p>No figures in the text.</p>"
    french = note.provenance.language == "fr"
    head = "<th>English</th><th>French source</th><th>Sentence</th>" if french else "<th>Figure</th><th>Sentence</th>"
    rows = [f"<table class=\"figures\"><thead><tr>{head}</tr></thead><tbody>"]
    for figure in note.key_figures:
        rows.append(_figure_row(figure, french))
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _figure_row(figure: KeyFigure, french: bool) -> str:
    status = " class=\"unresolved\"" if figure.status == "unresolved" else ""
    flag = " <span class=\"count\">⚠ unresolved</span>" if figure.status == "unresolved" else ""
    cells = [f"<td class=\"figure\">{escape(figure.english)}{flag}</td>"]
    if french:
        cells.append(f"<td class=\"source-form\" lang=\"fr\" data-label=\"French:\">{escape(figure.source)}</td>")
        sentence = f"<span lang=\"fr\">{_highlight(figure.sentence, figure.source)}</span>"
        if figure.sentence_translation:
            sentence += (f"<span class=\"sentence-en\" lang=\"en\">"
                         f"{_highlight(figure.sentence_translation, figure.english)}</span>")
    else:
        sentence = _highlight(figure.sentence, figure.english)
    cells.append(f"<td class=\"sentence\">{sentence}</td>")
    return f"<tr{status}>{''.join(cells)}</tr>"


def aligned_html(note: BriefNote) -> str:
    """The source and translation side by side: one row per segment, in order."""
    rows = ["<table class=\"aligned\"><colgroup><col class=\"num\"><col class=\"source\"><col class=\"target\">"
            "</colgroup><thead><tr><th class=\"num\" scope=\"col\">#</th>"
            "<th scope=\"col\">Français (source)</th><th scope=\"col\">English</th></tr></thead><tbody>"]
    md = note.markdown_source
    for number, row in enumerate(note.rows, 1):
        css = "seg para" if row.paragraph_start else "seg"
        rows.append(f"<tr class=\"{css}\"><td class=\"num\">{number}</td>"
                    f"<td class=\"source\" lang=\"fr\" data-label=\"FR\">{inline(row.source, md)}</td>"
                    f"<td class=\"target\" lang=\"en\" data-label=\"EN\">{inline(row.translation, md)}</td></tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def provenance_html(note: BriefNote, level: int) -> str:
    p = note.provenance
    tag = f"h{min(level, 6)}"
    translation = describe_model(p.translation_model, "none (English input)")
    return (f"<footer><{tag}>Provenance</{tag}><dl>"
            f"<dt>Source file</dt><dd>{escape(p.source_file)}</dd>"
            f"<dt>Detected language</dt><dd>{escape(_language(p.language))} ({escape(p.language)})</dd>"
            f"<dt>Translation model</dt><dd>{escape(translation)}</dd>"
            f"<dt>Summary model</dt><dd>{escape(describe_model(p.summary_model))}</dd>"
            f"<dt>Date (UTC)</dt><dd>{escape(p.created)}</dd>"
            f"<dt>Fidelity</dt><dd>{escape(p.fidelity_status)}{_issues(p.unresolved)}</dd>"
            "</dl></footer>")


def _names(label: str, names, level: int) -> str:
    tag = f"h{min(level, 6)}"
    if not names:
        return f"<div><{tag}>{label}</{tag}><p>None found.</p></div>"
    items = "".join(f"<li>{escape(n.name)}<span class=\"count\">×{n.count}</span>"
                    + (f" <span class=\"count\" lang=\"fr\">({escape(n.source)})</span>" if n.source != n.name else "")
                    + "</li>" for n in names)
    return f"<div><{tag}>{label}</{tag}><ul>{items}</ul></div>"


def _issues(items: list[dict], where: str | None = None) -> str:
    if not items:
        return ""
    lines = "".join(f"<li>{escape(describe_issue({'where': where, **i} if where else i))}</li>" for i in items)
    return f"<ul>{lines}</ul>"


def _badge(status: str) -> str:
    return f"<span class=\"badge {escape(status)}\">Fidelity: {escape(status)}</span>"


def _paragraphs(text: str, by_line: bool = False, markdown: bool = False) -> str:
    """Text as <p> elements: blank lines separate paragraphs (every line does with by_line)."""
    blocks = text.split("\n") if by_line else text.split("\n\n")
    return "".join(f"<p>{inline(' '.join(b.split()), markdown)}</p>" for b in blocks if b.strip()) or "<p>(none)</p>"


def inline(text: str, markdown: bool = False) -> str:
    """Text escaped; from a Markdown source, its bold, italics and code shown as such and its
    links reduced to their text (the page links to nothing outside itself)."""
    html = escape(text)
    if not markdown:
        return html
    html = _LINK.sub(r"\1", html)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _STRONG.sub(r"<strong>\2</strong>", html)
    return _EM.sub(r"<em>\2</em>", html)


def _highlight(sentence: str, form: str) -> str:
    """The sentence escaped, its first occurrence of `form` in <mark>."""
    at = sentence.find(form) if form else -1
    if at < 0:
        return escape(sentence)
    end = at + len(form)
    return f"{escape(sentence[:at])}<mark>{escape(form)}</mark>{escape(sentence[end:])}"


def _language(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
