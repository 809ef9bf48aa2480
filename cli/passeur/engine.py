"""The narrow interface every translation engine implements, and the counters it keeps.

Engines translate lists of plain sentences; they know nothing of documents, glossaries
or caches. Wrappers (glossary guard, translation memory) implement the same interface
around another engine.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, asdict
from pathlib import Path
from typing import Sequence


@dataclass
class EngineStats:
    """What an engine did: counted from the real run, reported by `--stats`."""

    segments: int = 0
    source_tokens: int = 0
    generated_tokens: int = 0
    seconds: float = 0.0
    cached_segments: int = 0

    def to_json(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


class TranslationEngine(abc.ABC):
    """Translate sentences. Implementations load their model lazily, on first use."""

    stats: EngineStats

    @abc.abstractmethod
    def translate(self, sentences: Sequence[str], n_best: int = 1) -> list[list[str]]:
        """Return, for each sentence in order, up to `n_best` hypotheses, best first.

        Every inner list has at least one element. Empty sentences translate to "".
        """

    @abc.abstractmethod
    def max_input_tokens(self) -> int:
        """The longest input, in model tokens, that the engine translates well."""

    @abc.abstractmethod
    def count_tokens(self, text: str) -> int:
        """The number of model tokens `text` takes as an input."""

    def describe(self) -> dict:
        """Model id, revision, backend and device, for provenance and `--format json`."""
        return {"engine": type(self).__name__}

    def begin_document(self, text: str) -> None:
        """Called before a document's sentences are translated (wrappers use it)."""

    def end_document(self) -> dict:
        """Called after; returns the wrapper's report on the document (fidelity), if any."""
        return {}

    def remember_final(self, source: str, translation: str) -> None:
        """Told, by a wrapper above, the final form chosen for `source` (a memory keeps it)."""

    def translate_one(self, sentences: Sequence[str]) -> list[str]:
        """Convenience: the best hypothesis for each sentence."""
        return [hyps[0] for hyps in self.translate(sentences, n_best=1)]


# Inputs longer than this are split before they reach the model: opus-mt models translate
# long inputs badly well before their 512-position limit.
MAX_INPUT_TOKENS = 200


class ModelEngine(TranslationEngine):
    """What the engines running a local model folder share: identity, options, input budget."""

    def __init__(self, model_dir: str | Path, *, name: str | None = None, revision: str = "",
                 device: str = "auto", beam_size: int = 4) -> None:
        self.model_dir = Path(model_dir)
        self.name = name or str(model_dir)
        self.revision = revision
        self.requested_device = device
        self.beam_size = beam_size
        self.stats = EngineStats()
        self.device: str | None = None
        self.load_seconds = 0.0
        self._tokenizer = None

    def max_input_tokens(self) -> int:
        return max(8, min(MAX_INPUT_TOKENS, self._position_limit() // 2))

    @abc.abstractmethod
    def _position_limit(self) -> int:
        """The model's number of positions (max_position_embeddings)."""


def plan_batches(indices: list[int], lengths: dict[int, int], batch_tokens: int,
                 max_batch_size: int | None = None) -> list[list[int]]:
    """Sort by length (longest first) and cut so that longest x count stays within the budget
    (and, when given, count within `max_batch_size`): padding stays small, order is restored
    by the caller."""
    ordered = sorted(indices, key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    for i in ordered:
        current = batches[-1] if batches else None
        fits = current is not None and lengths[current[0]] * (len(current) + 1) <= batch_tokens
        if fits and (max_batch_size is None or len(current) < max_batch_size):
            current.append(i)
        else:
            batches.append([i])
    return batches
