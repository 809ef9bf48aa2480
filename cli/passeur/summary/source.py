"""Summaries of a French or English source: French is translated first (through the engine
stack the caller hands in, glossary guard included), the checked English is what gets
summarized, and the source's names and figures are what the summaries are checked against."""
from __future__ import annotations

from typing import Callable

from passeur.fidelity.termbase import load_termbase
from passeur.summary.prompts import load_prompts
from passeur.summary.summarizer import TIERS, SummaryResult, summarize
from passeur.text.language import resolve_language
from passeur.translation.engine import TranslationEngine
from passeur.translation.pipeline import TranslationResult, translate_document


def wanted_tiers(tiers: str | list[str] | None) -> list[str]:
    """"all" (or None) is every tier; a name is that tier; a list stays as it is."""
    if tiers in ("all", None):
        return list(TIERS)
    return [tiers] if isinstance(tiers, str) else list(tiers)


def summarize_source(
    text: str,
    *,
    summary_engine,
    translator: TranslationEngine | Callable[[], TranslationEngine],
    tiers: str | list[str] = "all",
    glossary: str | None = None,
    prompts: str | None = None,
    source_lang: str = "auto",
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[SummaryResult, TranslationResult | None]:
    """Summarize `text` in English tiers; returns `(SummaryResult, TranslationResult | None)`.

    `translator` may be an engine or a function building one (called only for French input,
    so English input never loads a translation model).
    """
    wanted = wanted_tiers(tiers)
    prompt_set = load_prompts(prompts)  # checked before any model loads
    language = resolve_language(text, source_lang)
    translation = None
    entries: list = []
    if language == "fr":
        if not isinstance(translator, TranslationEngine):
            translator = translator()
        translation = translate_document(text, translator, source_lang="fr")
        entries = list(getattr(translator, "glossary", None) or [])
        text_en = translation.translation
    else:
        text_en = text
        if glossary:
            entries = load_termbase(glossary).find(text)
    result = summarize(text_en, tiers=wanted, engine=summary_engine, prompts=prompt_set,
                       glossary_entries=entries, on_progress=on_progress)
    return result, translation
