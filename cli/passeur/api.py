"""The importable API: what the CLI calls, usable from Python without click."""
from __future__ import annotations

from .engine import TranslationEngine
from .translator import TranslationResult, translate_document


def translate_text(
    text: str,
    *,
    model: str | None = None,
    engine: TranslationEngine | None = None,
    backend: str = "auto",
    source_lang: str = "auto",
    beam_size: int = 4,
    device: str = "auto",
) -> TranslationResult:
    """Translate French `text` to English, keeping its layout; English comes back unchanged.

    Pass `engine` to reuse a loaded engine across calls (the model loads once per engine);
    otherwise one is built from `model` (a Hub id or a local folder; default opus-mt-fr-en).
    """
    if engine is None:
        from .backends import create_translation_engine

        engine = create_translation_engine(model, backend=backend, device=device, beam_size=beam_size)
    return translate_document(text, engine, source_lang=source_lang)
