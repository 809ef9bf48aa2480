"""The importable API: what the CLI calls, usable from Python without click."""
from __future__ import annotations

import os
from typing import Callable

from .engine import TranslationEngine
from .errors import UnresolvedError
from .translator import TranslationResult, translate_document


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
        from .termbase import load_termbase

        termbase = load_termbase(glossary)
    if make_engine is None:
        from .backends import create_translation_engine as make_engine
    engine = make_engine(model, backend=backend, device=device, beam_size=beam_size)
    if tm is not None:
        from .memory import MemoryEngine, TranslationMemory

        engine = MemoryEngine(engine, TranslationMemory(tm))
    if not guard:
        return engine
    from .guard import GlossaryGuard

    return GlossaryGuard(engine, termbase=termbase)


def translate_text(
    text: str,
    *,
    model: str | None = None,
    engine: TranslationEngine | None = None,
    glossary: str | None = None,
    strict: bool = False,
    backend: str = "auto",
    source_lang: str = "auto",
    beam_size: int = 4,
    device: str = "auto",
) -> TranslationResult:
    """Translate French `text` to English, keeping layout, names and figures exact.

    English comes back unchanged. Pass `engine` (e.g. from `build_translator`) to reuse a
    loaded model across calls. With `strict`, raise UnresolvedError when a name or figure
    could not be guaranteed (the result is attached to the error as `.result`).
    """
    if engine is None:
        engine = build_translator(model, glossary=glossary, backend=backend, device=device, beam_size=beam_size)
    result = translate_document(text, engine, source_lang=source_lang)
    if strict and result.fidelity.get("unresolved"):
        error = UnresolvedError(describe_unresolved(result.fidelity["unresolved"]))
        error.result = result
        raise error
    return result


def describe_unresolved(items: list[dict]) -> str:
    """A header, then one line per name or figure that could not be guaranteed."""
    lines = [f"{len(items)} name(s) or figure(s) could not be guaranteed:"]
    for item in items:
        segment = f" in: {item['segment']}" if item.get("segment") else ""
        lines.append(f"  {describe_issue(item)}{segment}")
    return "\n".join(lines)


def describe_issue(item: dict) -> str:
    """One line for an unresolved item, whichever stage it comes from."""
    where = item.get("where", "")
    if item.get("tier"):
        where += f" ({item['tier'].replace('_', '-')})"
    what = item.get("source") or item.get("found") or ""
    parts = [where, item.get("status", ""), item.get("kind", ""), repr(what) if what else ""]
    details = []
    if item.get("expected"):
        details.append(f"expected {item['expected']!r}")
    if item.get("found") and item.get("found") != what:
        details.append(f"found {item['found']!r}")
    line = " ".join(p for p in parts if p)
    return line + (f" ({', '.join(details)})" if details else "")



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
    from .language import resolve_language
    from .prompts import load_prompts
    from .summarizer import TIERS, summarize

    wanted = list(TIERS) if tiers in ("all", None) else [tiers] if isinstance(tiers, str) else list(tiers)
    prompt_set = load_prompts(prompts)  # checked before any model loads
    language = resolve_language(text, source_lang)
    translation = None
    entries: list = []
    if language == "fr":
        if translator is None:
            translator = build_translator(translation_model, glossary=glossary, backend=backend, device=device,
                                          beam_size=beam_size)
        elif not isinstance(translator, TranslationEngine):
            translator = translator()
        translation = translate_document(text, translator, source_lang="fr")
        entries = list(getattr(translator, "glossary", None) or [])
        text_en = translation.translation
    else:
        text_en = text
        if glossary:
            from .termbase import load_termbase

            entries = load_termbase(glossary).find(text)
    if summary_engine is None:
        from .summary_engines import create_summary_engine

        summary_engine = create_summary_engine(engine, summary_model, device=device)
    result = summarize(text_en, tiers=wanted, engine=summary_engine, prompts=prompt_set,
                       glossary_entries=entries, on_progress=on_progress)
    unresolved = list(result.unresolved) + (translation.fidelity.get("unresolved", []) if translation else [])
    if strict and unresolved:
        error = UnresolvedError(f"{len(unresolved)} name(s) or figure(s) in the summaries or their translation "
                                "could not be guaranteed (see the fidelity section: --format json)")
        error.result = (result, translation)
        raise error
    return result, translation
