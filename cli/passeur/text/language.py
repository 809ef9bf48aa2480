"""Which language a text is in (py3langid: a small model shipped inside the wheel)."""
from __future__ import annotations

import functools
import re

from passeur.errors import UnsupportedLanguageError, UsageError

LANGUAGE_NAMES = {
    "fr": "French", "en": "English", "es": "Spanish", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ca": "Catalan", "ro": "Romanian", "pl": "Polish",
    "ru": "Russian", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "tr": "Turkish",
}
_WORD = re.compile(r"[^\W\d_]{2,}")
_SAMPLE_CHARS = 20000


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """The most likely language code of `text` and its probability.

    Short or ambiguous texts (too few words to tell) are decided between French and
    English only, since those are the two passeur handles.
    """
    sample = text[:_SAMPLE_CHARS]
    words = _WORD.findall(sample)
    if not words:
        return "und", 0.0
    ranked = _identifier().rank(sample)
    best, probability = ranked[0]
    if best in {"fr", "en"}:
        return best, float(probability)
    confident = probability >= 0.6 and len(words) >= 8
    if confident:
        return best, float(probability)
    scores = dict(ranked)
    choice = "fr" if scores.get("fr", 0.0) >= scores.get("en", 0.0) else "en"
    return choice, float(scores.get(choice, 0.0))


def resolve_language(text: str, requested: str) -> str:
    """The source language to use: the one asked for, or the detected one (fr or en)."""
    if requested not in {"auto", "fr", "en"}:
        raise UsageError(f"--source-lang {requested}: passeur handles fr and en (or auto)")
    if requested != "auto":
        return requested
    language, _ = detect_language(text)
    if language in {"fr", "en", "und"}:
        return "fr" if language == "und" else language
    name = LANGUAGE_NAMES.get(language, language)
    raise UnsupportedLanguageError(
        f"the input looks like {name} ({language}), not French or English: "
        f"pass --source-lang fr to translate it anyway, or --model a model that translates {name}"
    )
