"""The translation memory as an engine wrapper: segments already in the memory never reach
the model; new outputs (and the final form the guard chose) are written back."""
from __future__ import annotations

import time
from typing import Sequence

from passeur.memory.store import TranslationMemory, fingerprint_options, model_key, normalise_segment
from passeur.translation.engine import EngineWrapper, TranslationEngine


class MemoryEngine(EngineWrapper):
    """Wraps a TranslationEngine: segments already in `memory` never reach the model.

    Shares the inner engine's stats: `segments` counts every segment, `cached_segments` the
    ones served from memory; tokens and model time are what the model really did.
    """

    def __init__(self, inner: TranslationEngine, memory: TranslationMemory) -> None:
        super().__init__(inner)
        self.memory = memory
        description = inner.describe()  # taken before the model loads: the key must not change after
        self.model = model_key(str(description.get("model") or description.get("engine") or type(inner).__name__))
        self.revision = str(description.get("revision") or "")
        self._description = description
        self._recent: dict[str, str] = {}  # normalised source -> options of the last translate call
        self._finals: dict[str, dict[str, str]] = {}  # options -> {source: final}, written in batches
        self._awaiting: set[str] = set()  # segments of the last call whose final is not known yet
        self._prepared: tuple | None = None  # ((sentences, n_best), look-up) of the last prepare
        memory.connect()  # fail now (unwritable, damaged) rather than after the model has loaded

    def prepare(self, sentences: Sequence[str] = (), n_best: int = 1) -> None:
        """The model is readied only when some of `sentences` are not in the memory (the look-up
        is kept for the translate call on the same sentences that follows)."""
        if not sentences:
            self.inner.prepare(sentences, n_best)
            return
        request = (tuple(sentences), max(1, n_best))
        self._prepared = (request, self._look_up(*request))
        if self._prepared[1][-1]:
            self.inner.prepare(sentences, n_best)

    def _look_up(self, sentences: Sequence[str], n_best: int):
        """(options, described, keys, wanted, served, misses) for `sentences`: what the memory
        serves (key -> hypotheses) and what the model must translate (key -> sentence)."""
        options, described = fingerprint_options(self._description, n_best)
        keys = [normalise_segment(s) if s.strip() else "" for s in sentences]
        wanted = [k for k in keys if k]
        found = self.memory.lookup(self.model, self.revision, options, wanted) if wanted else {}
        served = {k: hyps[:n_best] for k, (hyps, stored_n) in found.items() if stored_n >= n_best and hyps}
        misses: dict[str, str] = {}  # key -> the first sentence with it (what the model sees)
        for key, sentence in zip(keys, sentences):
            if key and key not in served:
                misses.setdefault(key, sentence)
        return options, described, keys, wanted, served, misses

    def translate(self, sentences: Sequence[str], n_best: int = 1) -> list[list[str]]:
        started = time.perf_counter()
        n_best = max(1, n_best)
        prepared, self._prepared = self._prepared, None
        request = (tuple(sentences), n_best)
        looked_up = prepared[1] if prepared and prepared[0] == request else self._look_up(*request)
        options, described, keys, wanted, served, misses = looked_up
        model_seconds = 0.0
        fresh: dict[str, list[str]] = {}
        if misses:
            before = time.perf_counter()
            outputs = self.inner.translate(list(misses.values()), n_best=n_best)
            model_seconds = time.perf_counter() - before
            fresh = {key: hyps for key, hyps in zip(misses, outputs)}
        self.memory.record(self.model, self.revision, options, description=described,
                           stored={k: (h, n_best) for k, h in fresh.items()}, hits=list(served),
                           finals=self._finals.pop(options, {}))
        self._flush_finals()
        self._recent = {key: options for key in wanted}
        self._awaiting = set(self._recent)
        results = [(served.get(k) or fresh.get(k) or [""]) if k else [""] for k in keys]
        from_memory = len(wanted) - len(misses)
        self.stats.segments += from_memory
        self.stats.cached_segments += from_memory
        self.stats.seconds += time.perf_counter() - started - model_seconds
        return [list(hyps) for hyps in results]

    def remember_final(self, source: str, translation: str) -> None:
        key = normalise_segment(source)
        if not key:
            return
        options = self._recent.get(key) or fingerprint_options(self._description, 1)[0]
        self._finals.setdefault(options, {})[key] = translation
        self._awaiting.discard(key)
        if not self._awaiting:  # every segment of the last call has its final: one write for all
            self._flush_finals()

    def end_document(self) -> dict:
        self._flush_finals()
        return self.inner.end_document()

    def describe(self) -> dict:
        return {**self.inner.describe(), "memory": str(self.memory.path)}

    def close(self) -> None:
        """Write the finals still buffered and close the database."""
        self._flush_finals()
        self.memory.close()

    def _flush_finals(self) -> None:
        while self._finals:
            options, finals = self._finals.popitem()
            self.memory.record(self.model, self.revision, options, finals=finals)
