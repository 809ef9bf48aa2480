"""Briefing notes: what a reader in a hurry needs from one article, or a digest of several.

A note is built from the checked translation and the tiered summaries (`summary.source.summarize_source`):
headline (one-line tier), paragraph, key figures (English form, French form, the sentence
each comes from), people and organisations (from the glossary), full summary, the full
translation sentence-aligned with its source, and provenance (file, language, models and
revisions, date, fidelity). The data lives in `brief.note`; rendering is `brief.render`'s job; nothing here formats text.

Several notes make a digest. Its overall summary is a summary of the articles' one-line and
paragraph tiers joined, not of the translations joined: those tiers are already checked
English, short enough to fit any model's context in one request (no chunking over a morning's
folder), every article weighs the same whatever its length, and every name and figure the
digest may state is in that text, so the digest is checked against it.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from passeur.brief.note import AlignedRow, BriefNote, Digest, KeyFigure, NamedEntity, Provenance
from passeur.errors import InputError
from passeur.fidelity.figures.en import find_figures
from passeur.fidelity.figures.fr import extract_figures
from passeur.fidelity.names.en import find_names_en
from passeur.summary.prompts import load_prompts
from passeur.summary.source import summarize_source
from passeur.summary.summarizer import summarize
from passeur.text.segmenter import sentence_spans
from passeur.textio.display import printable

PEOPLE_KINDS = ("person", "organization")
_TITLE_MAX_WORDS = 16


# -- building -----------------------------------------------------------------------------------
def build_brief(sources: Sequence, *, translator, summary_engine, prompts: str | None = None,
                glossary: str | None = None, source_lang: str = "auto", created: str | None = None,
                on_note: Callable[[Any], Any] | None = None) -> "BriefNote | Digest":
    """A note for one input; a digest (overall summary, then a note each) for several.

    `on_note(source)` may return a context manager yielding an `on_progress` callback (a
    progress bar), entered around each note.
    """
    import contextlib

    created = created or utc_now()
    notes = []
    for source in sources:
        with (on_note(source) if on_note else contextlib.nullcontext()) as on_progress:
            notes.append(build_note(source, translator=translator, summary_engine=summary_engine, prompts=prompts,
                                    glossary=glossary, source_lang=source_lang, created=created,
                                    on_progress=on_progress))
    if len(notes) == 1:
        return notes[0]
    return build_digest(notes, summary_engine=summary_engine, prompts=prompts, created=created)


def build_note(source, *, translator, summary_engine, prompts: str | None = None, glossary: str | None = None,
               source_lang: str = "auto", created: str | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> BriefNote:
    """The briefing note for one input (a reader.SourceText: name and text).

    `translator` is a translation engine or a function building one (called only for French
    input); `summary_engine` is built once by the caller, so a batch loads models once.
    """

    if not source.text.strip():
        raise InputError(source.name, "is empty: nothing to brief")
    summary, translation = summarize_source(source.text, tiers="all", summary_engine=summary_engine,
                                          translator=translator, glossary=glossary, prompts=prompts,
                                          source_lang=source_lang, on_progress=on_progress)
    language = translation.source_language if translation is not None else "en"
    english = translation.translation if translation is not None else source.text
    if language == "fr":
        rows = align_segments(source.text, translation.segments)
        figures = find_key_figures_fr(source.text, rows, translation.fidelity)
        people, organizations = find_named_fr(translation.glossary)
    else:
        rows = []  # nothing was translated: the text is shown once
        figures = find_key_figures_en(source.text)
        people, organizations = find_named_en(source.text)
    translation_fidelity = translation.fidelity if translation is not None else {}
    summary_fidelity = summary.fidelity.to_json()
    status, unresolved = assess_fidelity(translation_fidelity, summary_fidelity)
    shown = printable(source.name)  # a file name's byte that is not UTF-8 cannot be written as text
    provenance = Provenance(
        source_file=shown, language=language,
        translation_model=dict(translation.engine) if translation is not None and language == "fr" else {},
        summary_model=_describe(summary_engine), created=created or utc_now(),
        fidelity_status=status, unresolved=unresolved)
    return BriefNote(
        title=find_title(english, shown), headline=(summary.one_line or "").strip(),
        paragraph=(summary.paragraph or "").strip(), key_figures=figures, people=people,
        organizations=organizations, full_summary=(summary.full or "").strip(), translation=english,
        source_text=source.text, rows=rows, provenance=provenance,
        markdown_source=is_markdown(source.name, source.text),
        fidelity={"translation": translation_fidelity, "summary": summary_fidelity})


def build_digest(notes: Sequence[BriefNote], *, summary_engine, prompts: str | None = None,
                 created: str | None = None) -> Digest:
    """One digest of several notes: an overall headline and paragraph, then every note."""

    joined = "\n\n".join(f"{note.headline}\n\n{note.paragraph}".strip() for note in notes).strip()
    if joined:
        result = summarize(joined, tiers=("one_line", "paragraph"), engine=summary_engine,
                           prompts=load_prompts(prompts))
        headline, paragraph, fidelity = result.one_line or "", result.paragraph or "", result.fidelity.to_json()
    else:
        headline, paragraph, fidelity = "", "", {"ok": True, "unresolved": []}
    return Digest(headline=headline.strip(), paragraph=paragraph.strip(), notes=list(notes),
                  summary_model=_describe(summary_engine), created=created or utc_now(), fidelity=fidelity)


# -- the pieces ---------------------------------------------------------------------------------
def align_segments(text: str, segments: Sequence[dict]) -> list[AlignedRow]:
    """Locate each translated segment in the source, in order; note where a new line starts.

    Wrapped lines were joined by a space before translation, so whitespace runs match any
    whitespace. A segment that cannot be located keeps its row, without a position.
    """
    rows: list[AlignedRow] = []
    cursor = 0
    for segment in segments:
        source = segment.get("source", "")
        if not source.strip():
            continue
        pattern = r"\s+".join(re.escape(word) for word in source.split())
        match = re.compile(pattern).search(text, cursor)
        if match is None:
            rows.append(AlignedRow(source, segment.get("translation", ""), paragraph_start=not rows))
            continue
        starts_line = not rows or "\n" in text[cursor:match.start()]
        rows.append(AlignedRow(source, segment.get("translation", ""), match.start(), match.end(), starts_line))
        cursor = match.end()
    return rows


def find_key_figures_fr(text: str, rows: Sequence[AlignedRow], fidelity: dict | None = None) -> list[KeyFigure]:
    """Every distinct figure of a French text, with its English form and first sentence."""

    statuses = {(e.get("kind"), e.get("source")): e.get("status", "") for e in (fidelity or {}).get("entries", [])}
    spans = None
    figures: dict[tuple, KeyFigure] = {}
    for entry in extract_figures(text):
        key = (entry.kind, entry.source, entry.value)
        if key in figures:
            figures[key].count += 1
            continue
        row = next((r for r in rows if r.start <= entry.start < r.end), None)
        if row is not None:
            sentence, sentence_en = row.source, row.translation
        else:
            spans = spans if spans is not None else sentence_spans(text, "fr")
            sentence, sentence_en = _sentence_at(text, spans, entry.start), ""
        figures[key] = KeyFigure(entry.kind, entry.target, entry.source, sentence.strip(), sentence_en.strip(),
                                 status=statuses.get((entry.kind, entry.source), ""))
    return list(figures.values())


def find_key_figures_en(text: str) -> list[KeyFigure]:
    """Every distinct figure of an English text (no source form: there was no translation)."""

    spans = sentence_spans(text, "en")
    figures: dict[tuple, KeyFigure] = {}
    for mention in find_figures(text):
        key = (mention.kind, mention.text)
        if key in figures:
            figures[key].count += 1
            continue
        figures[key] = KeyFigure(mention.kind, mention.text, "", _sentence_at(text, spans, mention.start).strip())
    return list(figures.values())


def find_named_fr(glossary: Sequence[dict]) -> tuple[list[NamedEntity], list[NamedEntity]]:
    """People and organisations from a translation's glossary, most mentioned first."""
    named = [NamedEntity(e["kind"], e.get("target") or e["source"], e["source"], int(e.get("count", 1)),
                         list(e.get("aliases", []))) for e in glossary if e.get("kind") in PEOPLE_KINDS]
    return _split_kinds(named)


def find_named_en(text: str) -> tuple[list[NamedEntity], list[NamedEntity]]:
    """People and organisations an English text names (by rules), most mentioned first."""

    counted: dict[tuple[str, str], NamedEntity] = {}
    for mention in find_names_en(text):
        if mention.kind not in PEOPLE_KINDS:
            continue
        key = (mention.kind, mention.text)
        if key in counted:
            counted[key].count += 1
        else:
            counted[key] = NamedEntity(mention.kind, mention.text, mention.text)
    return _split_kinds(_fold_short_forms(list(counted.values())))


def _fold_short_forms(named: list[NamedEntity]) -> list[NamedEntity]:
    """Count "Van Dalen" into "Sofie van Dalen" (same kind, the last words of a longer name)."""
    kept = []
    for entity in named:
        words = entity.name.lower().split()
        longer = next((other for other in named if other is not entity and other.kind == entity.kind
                       and len(other.name.split()) > len(words)
                       and other.name.lower().split()[-len(words):] == words), None)
        if longer is None:
            kept.append(entity)
        else:
            longer.count += entity.count
            longer.aliases.append(entity.name)
    return kept


def _split_kinds(named: list[NamedEntity]) -> tuple[list[NamedEntity], list[NamedEntity]]:
    order = sorted(range(len(named)), key=lambda i: (-named[i].count, i))
    ranked = [named[i] for i in order]
    return [n for n in ranked if n.kind == "person"], [n for n in ranked if n.kind == "organization"]


def assess_fidelity(translation: dict, summary: dict) -> tuple[str, list[dict]]:
    """Overall status (ok, repaired, unresolved) and every unresolved item, tagged with where."""
    unresolved = [{"where": "translation", **item} for item in translation.get("unresolved", [])]
    unresolved += [{"where": "summary", **item} for item in summary.get("unresolved", [])]
    if unresolved:
        return "unresolved", unresolved
    repaired = translation.get("status") == "repaired" or any(summary.get(k) for k in ("repaired", "dropped"))
    return ("repaired" if repaired else "ok"), []


def find_title(english: str, name: str) -> str:
    """The article's first line when it reads as a heading, else the file's name."""
    for line in english.split("\n"):
        line = line.strip().lstrip("#").strip()
        if not line:
            continue
        if len(line.split()) <= _TITLE_MAX_WORDS and line[-1:] not in ".!?:;…»\"”":
            return line
        break
    base = os.path.basename(name)
    return base or name


def is_markdown(name: str, text: str = "") -> bool:
    """A Markdown source: by its name, else (stdin) by a heading line in it."""
    return name.lower().endswith((".md", ".markdown")) or bool(re.search(r"(?m)^#{1,6} \S", text))


def _sentence_at(text: str, spans: Sequence[tuple[int, int]], offset: int) -> str:
    for start, end in spans:
        if start <= offset < end:
            return text[start:end]
    return ""


def _describe(engine: Any) -> dict:
    describe = getattr(engine, "describe", None)
    return dict(describe()) if callable(describe) else {}


def utc_now(environ=None) -> str:
    """The date stamped on a note: now, in UTC, ISO 8601; SOURCE_DATE_EPOCH when set (reproducible)."""
    epoch = str((os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "")).strip()
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
