"""Which language a text is in (py3langid: a small model shipped inside the wheel)."""
from __future__ import annotations

import functools
import io
import lzma
import os
import re
import shutil
import tempfile
from pathlib import Path

from passeur.errors import UnsupportedLanguageError, UsageError
from passeur.models.store import cache_dir

LANGUAGE_NAMES = {
    "fr": "French", "en": "English", "es": "Spanish", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ca": "Catalan", "ro": "Romanian", "pl": "Polish",
    "ru": "Russian", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "tr": "Turkish",
}
_WORD = re.compile(r"[^\W\d_]{2,}")
_SAMPLE_CHARS = 20000


@functools.lru_cache(maxsize=1)
def _identifier():
    """py3langid's model, read from an uncompressed copy in passeur's cache.

    The wheel ships the model LZMA-compressed: decompressing it took a second of every
    one-shot call, before anything else could start. The copy holds the same arrays as .npy
    files; the two large tables are mapped from disk, so only the rows a text touches are
    read (60 MB less memory). Same arrays, same rankings.
    """
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    folder = _uncompressed_model(Path(MODEL_DIR) / MODEL_FILE)
    if folder is None:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    data = {name: np.load(folder / f"{name}.npy", mmap_mode="r" if name in _MAPPED else None, allow_pickle=False)
            for name in _ARRAYS}
    return LanguageIdentifier(data["ptc"], np.asarray(data["pc"]), data["classes"].tolist(), data["nextmove"],
                              data["out_feat"].tolist(), norm_probs=True, tk_row=data["nextmove_row"].tolist())


_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_MAPPED = ("ptc", "nextmove")


def _uncompressed_model(source: Path) -> Path | None:
    """The folder of .npy files holding py3langid's model (written once); None if it cannot be."""
    import numpy as np

    stamp = source.stat()
    folder = cache_dir("langid") / f"model-{stamp.st_size}-{stamp.st_mtime_ns}"
    if (folder / "out_feat.npy").exists():
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".model-", dir=folder.parent))
    except OSError:
        return None
    try:
        with lzma.open(source) as packed, np.load(io.BytesIO(packed.read()), allow_pickle=False) as data:
            if not set(_ARRAYS) <= set(data.files):
                return None
            for name in _ARRAYS:
                np.save(scratch / f"{name}.npy", data[name], allow_pickle=False)
        os.rename(scratch, folder)
    except OSError:
        return folder if (folder / "out_feat.npy").exists() else None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


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
