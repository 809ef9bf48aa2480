"""Choosing and building the translation engine for a set of options."""
from __future__ import annotations

from .engine import TranslationEngine
from .errors import UsageError
from .models import DEFAULT_TRANSLATION_MODEL, resolve_model

BACKENDS = ("auto", "transformers", "ctranslate2")


def create_translation_engine(
    model: str | None = None,
    *,
    backend: str = "auto",
    device: str = "auto",
    beam_size: int = 4,
) -> TranslationEngine:
    """Resolve the model (fetching it if allowed) and wrap it in the chosen backend.

    The model itself is loaded lazily, on the first sentence to translate.
    """
    if backend not in BACKENDS:
        raise UsageError(f"--backend {backend}: choose one of {', '.join(BACKENDS)}")
    if beam_size < 1 or beam_size > 32:
        raise UsageError(f"--beam-size {beam_size}: use a number from 1 to 32")
    resolved = resolve_model(model or DEFAULT_TRANSLATION_MODEL)
    from .marian import MarianEngine

    return MarianEngine(
        resolved.path, name=resolved.name, revision=resolved.revision, device=device, beam_size=beam_size
    )
