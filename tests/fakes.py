"""Scripted fake engines: planned outputs, so the logic around models can be tested."""
from __future__ import annotations

from typing import Callable, Sequence

from passeur.translation.engine import EngineStats, TranslationEngine


class ScriptedEngine(TranslationEngine):
    """Translates each sentence with `script` (a function or a dict; identity by default).

    `n_best` alternatives come from `alternatives` (sentence -> list of hypotheses) when
    given. Every call is recorded so tests can check batching and order.
    """

    def __init__(self, script: Callable[[str], str] | dict | None = None, *, budget: int = 64,
                 alternatives: dict | None = None) -> None:
        self.script = script or (lambda s: s)
        self.alternatives = alternatives or {}
        self.budget = budget
        self.calls: list[list[str]] = []
        self.stats = EngineStats()

    def translate(self, sentences: Sequence[str], n_best: int = 1) -> list[list[str]]:
        self.calls.append(list(sentences))
        out = []
        for sentence in sentences:
            if not sentence.strip():
                out.append([""])
                continue
            if sentence in self.alternatives:
                out.append(list(self.alternatives[sentence])[: max(1, n_best)])
                continue
            best = self.script[sentence] if isinstance(self.script, dict) else self.script(sentence)
            out.append([best])
        self.stats.segments += sum(1 for s in sentences if s.strip())
        self.stats.source_tokens += sum(self.count_tokens(s) for s in sentences if s.strip())
        self.stats.generated_tokens += sum(self.count_tokens(h[0]) for h in out if h[0])
        return out

    def max_input_tokens(self) -> int:
        return self.budget

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 1

    def describe(self) -> dict:
        return {"engine": "scripted"}
