"""passeur: French (and English) text to faithful English, every name and figure exact.

The API is importable without click and without loading any model:

    import passeur
    result = passeur.translate_text("Sam Altman a rejeté l'offre.")
    print(result.translation)

Heavy libraries (torch, transformers, spaCy) are imported on first use only.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "translate_text"]


def translate_text(text: str, **options):
    """Translate French text to English, keeping layout. See `passeur.api.translate_text`."""
    from passeur.api import translate_text as _translate_text

    return _translate_text(text, **options)
