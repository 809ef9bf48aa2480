"""Choosing and building the translation engine for a set of options."""
from __future__ import annotations

from passeur.errors import UsageError
from passeur.models.store import DEFAULT_TRANSLATION_MODEL, resolve_model
from passeur.translation import ct2 as ct2_engine
from passeur.translation.ct2 import CT2Engine
from passeur.translation.engine import TranslationEngine
from passeur.translation.marian import MarianEngine

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
    options = dict(name=resolved.name, revision=resolved.revision, device=device, beam_size=beam_size)
    if choose_backend(backend, resolved.path) == "ctranslate2":
        return CT2Engine(resolved.path, **options)

    return MarianEngine(resolved.path, **options)


def preconvert(model_dir, device: str = "auto"):
    """Convert a model folder for CTranslate2 now, when the default backend would use it (what
    `passeur models pull` does, so the first translation does not wait for it, nor import
    transformers); the converted folder, or None when CTranslate2 does not handle the model."""
    if choose_backend("auto", model_dir) != "ctranslate2":
        return None
    chosen = ct2_engine.pick_device(device)
    return ct2_engine.ensure_converted(model_dir, ct2_engine.pick_compute_type(chosen, None))


def choose_backend(backend: str, model_dir) -> str:
    """auto: CTranslate2 (int8 on CPU, float16 on GPU; about 10x the speed of plain
    transformers here) when it is installed and handles the model, else transformers."""

    usable = ct2_engine.is_installed() and ct2_engine.supports(model_dir)
    if backend == "ctranslate2" and not usable:
        reason = "it is not installed (pip install ctranslate2)" if not ct2_engine.is_installed() else \
            "it does not handle this model type (Marian models only)"
        raise UsageError(f"--backend ctranslate2: {reason}; use --backend transformers")
    if backend == "auto":
        return "ctranslate2" if usable else "transformers"
    return backend
