"""The narrow interface every translation engine implements, and the counters it keeps.

Engines translate lists of plain sentences; they know nothing of documents, glossaries
or caches. Wrappers (glossary guard, translation memory) implement the same interface
around another engine.
"""
from __future__ import annotations

import abc
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence


@dataclass
class EngineStats:
    """What an engine did: counted from the real run, reported by `--stats`."""

    segments: int = 0
    source_tokens: int = 0
    generated_tokens: int = 0
    seconds: float = 0.0  # translating, model loading apart
    cached_segments: int = 0
    load_seconds: float = 0.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        data["load_seconds"] = round(self.load_seconds, 3)
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

    def prepare(self, sentences: Sequence[str] = (), n_best: int = 1) -> None:
        """Get ready to translate `sentences`: load the model now if they will need it (a
        wrapper may overlap the load with other work). Nothing to do by default."""

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


class EngineWrapper(TranslationEngine):
    """An engine around another engine, with the same interface (glossary guard, translation
    memory, a shared model's per-job view): what a wrapper does not change goes to `inner`.

    `stats` are the inner engine's unless the wrapper sets its own.
    """

    def __init__(self, inner: TranslationEngine) -> None:
        self.inner = inner

    @property
    def stats(self) -> EngineStats:
        return self.__dict__.get("_own_stats") or self.inner.stats

    @stats.setter
    def stats(self, value: EngineStats) -> None:
        self.__dict__["_own_stats"] = value

    def translate(self, sentences: Sequence[str], n_best: int = 1) -> list[list[str]]:
        return self.inner.translate(sentences, n_best=n_best)

    def max_input_tokens(self) -> int:
        return self.inner.max_input_tokens()

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def describe(self) -> dict:
        return self.inner.describe()

    def prepare(self, sentences: Sequence[str] = (), n_best: int = 1) -> None:
        self.inner.prepare(sentences, n_best)

    def begin_document(self, text: str) -> None:
        self.inner.begin_document(text)

    def end_document(self) -> dict:
        return self.inner.end_document()

    def remember_final(self, source: str, translation: str) -> None:
        self.inner.remember_final(source, translation)


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
        self._tokenizer = None

    kind = "model"

    def max_input_tokens(self) -> int:
        return max(8, min(MAX_INPUT_TOKENS, self._position_limit() // 2))

    def prepare(self, sentences: Sequence[str] = (), n_best: int = 1) -> None:
        self.load()

    @abc.abstractmethod
    def load(self):
        """Load the model once; later calls return it."""

    def describe(self) -> dict:
        return {"engine": self.kind, "model": self.name, "revision": self.revision,
                "device": self.device or self.requested_device}

    @staticmethod
    def _begin_run(sentences: Sequence[str], empty) -> tuple[list[int], list, float]:
        """The indices of the sentences with text, the results with `empty` for every
        sentence (blank ones keep it), and the start time of the run."""
        return [i for i, s in enumerate(sentences) if s.strip()], [list(empty) for _ in sentences], time.perf_counter()

    def _count_run(self, lengths: dict[int, int], started: float) -> None:
        """Count one translate call: its segments (by their token lengths) and its time."""
        self.stats.segments += len(lengths)
        self.stats.source_tokens += sum(lengths.values())
        self.stats.seconds += time.perf_counter() - started

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
