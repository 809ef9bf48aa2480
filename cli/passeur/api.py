"""The importable API: what the CLI calls, usable from Python without click.

This is the façade: the commands call what is named in `__all__` and nothing below it (the
I/O edge, `textio`, and the batch runner excepted), so the subsystems can change behind it.
"""
from __future__ import annotations

import os
from typing import Callable

from passeur.brief.build import build_brief, utc_now
from passeur.brief.render import render_brief
from passeur.errors import UnresolvedError
from passeur.fidelity.checker import check, fix
from passeur.fidelity.glossary import extract_glossary
from passeur.fidelity.guard import GlossaryGuard
from passeur.fidelity.report import describe_unresolved
from passeur.fidelity.termbase import load_termbase
from passeur.fidelity.units import check_pair, check_units
from passeur.memory.engine import MemoryEngine
from passeur.memory.store import TranslationMemory, choose_memory, memory_path
from passeur.memory.tmx import render_tmx
from passeur.models.store import (DEFAULT_SUMMARY_MODEL, DEFAULT_TRANSLATION_MODEL, list_cached, pull_model,
                                  resolve_model)
from passeur.summary.factory import create_summary_engine
from passeur.summary.source import summarize_source
from passeur.text.language import resolve_language
from passeur.translation.backends import create_translation_engine, preconvert
from passeur.translation.engine import TranslationEngine
from passeur.translation.pipeline import TranslationResult, translate_document

__all__ = [
    # building engines
    "build_translator", "create_translation_engine", "create_summary_engine", "TranslationEngine",
    # translating, summarizing, briefing
    "translate_text", "translate_document", "TranslationResult", "summarize_text", "build_brief", "render_brief",
    "utc_now", "resolve_language",
    # names and figures
    "check", "check_pair", "check_units", "fix", "extract_glossary", "load_termbase", "describe_unresolved",
    # translation memory
    "choose_memory", "memory_path", "TranslationMemory", "render_tmx",
    # models
    "DEFAULT_TRANSLATION_MODEL", "DEFAULT_SUMMARY_MODEL", "list_cached", "pull_model", "resolve_model", "preconvert",
]


def build_translator(
    model: str | None = None,
    *,
    glossary: str | None = None,
    guard: bool = True,
    backend: str = "auto",
    device: str = "auto",
    beam_size: int = 4,
    make_engine: Callable[..., TranslationEngine] | None = None,
    tm: str | os.PathLike | None = None,
) -> TranslationEngine:
    """The engine stack for translating: model engine, translation memory, glossary guard.

    `tm` is a translation memory file (None: no memory).

    `glossary` is a user glossary file (CSV/TSV); it is read and checked here, before any
    model loads. The model itself loads lazily, on the first sentence.
    """
    termbase = None
    if glossary:
        termbase = load_termbase(glossary)
    engine = (make_engine or create_translation_engine)(model, backend=backend, device=device, beam_size=beam_size)
    if tm is not None:
        engine = MemoryEngine(engine, TranslationMemory(tm))
    if not guard:
        return engine

    return GlossaryGuard(engine, termbase=termbase)


def translate_text(text: str, *, engine: TranslationEngine | None = None, strict: bool = False,
                   source_lang: str = "auto", **options) -> TranslationResult:
    """Translate French `text` to English, keeping layout, names and figures exact.

    `options` are `build_translator`'s (model, glossary, backend, device, beam_size), used
    when no `engine` is given.

    English comes back unchanged. Pass `engine` (e.g. from `build_translator`) to reuse a
    loaded model across calls. With `strict`, raise UnresolvedError when a name or figure
    could not be guaranteed (the result is attached to the error as `.result`).
    """
    if engine is None:
        engine = build_translator(**options)
    result = translate_document(text, engine, source_lang=source_lang)
    if strict and result.fidelity.get("unresolved"):
        error = UnresolvedError(describe_unresolved(result.fidelity["unresolved"]))
        error.result = result
        raise error
    return result


def summarize_text(
    text: str,
    *,
    tiers: str | list[str] = "all",
    engine: str = "instruct",
    summary_model: str | None = None,
    summary_engine=None,
    translator: TranslationEngine | Callable[[], TranslationEngine] | None = None,
    translation_model: str | None = None,
    glossary: str | None = None,
    prompts: str | None = None,
    source_lang: str = "auto",
    strict: bool = False,
    device: str = "auto",
    beam_size: int = 4,
    backend: str = "auto",
    on_progress: Callable[[int, int], None] | None = None,
):
    """Summarize French or English `text` in English tiers (one_line, paragraph, full).

    French input is translated first, through the glossary guard; the checked English is
    what gets summarized, and the source's names and figures are what the summaries are
    checked against. `translator` may be an engine or a function building one (called only
    for French input, so English input never loads a translation model).
    Returns `(SummaryResult, TranslationResult | None)`.
    """
    if summary_engine is None:
        summary_engine = create_summary_engine(engine, summary_model, device=device)
    if translator is None:
        def translator() -> TranslationEngine:
            return build_translator(translation_model, glossary=glossary, backend=backend, device=device,
                                    beam_size=beam_size)
    result, translation = summarize_source(text, tiers=tiers, summary_engine=summary_engine, translator=translator,
                                           glossary=glossary, prompts=prompts, source_lang=source_lang,
                                           on_progress=on_progress)
    unresolved = list(result.unresolved) + (translation.fidelity.get("unresolved", []) if translation else [])
    if strict and unresolved:
        error = UnresolvedError(f"{len(unresolved)} name(s) or figure(s) in the summaries or their translation "
                                "could not be guaranteed (see the fidelity section: --format json)")
        error.result = (result, translation)
        raise error
    return result, translation
