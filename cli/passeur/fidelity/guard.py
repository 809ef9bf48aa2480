"""The glossary guard: an engine wrapper that keeps every name and figure exact.

For each sentence it knows the names, figures and user terms the source holds (the
document's glossary), asks the wrapped engine for n-best hypotheses, prefers one that
already holds every expected form, repairs what is altered in place (wrong format, wrong
scale, misspelt name) and records what it could not guarantee. User terms are put into
the sentence in their English form before translation (the user glossary overrides the
model), then verified like everything else.
"""
from __future__ import annotations

import functools
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Sequence

from passeur.fidelity.checker import check, fix
from passeur.fidelity.entry import FIGURE_KINDS, Entry
from passeur.fidelity.figures.fr import extract_figures
from passeur.fidelity.glossary import entries_in, extract_glossary
from passeur.translation.engine import EngineWrapper, TranslationEngine

_RANK = {"applied": 0, "repaired": 1, "warning": 2, "unresolved": 3}


class GlossaryGuard(EngineWrapper):
    """Wraps a TranslationEngine; same interface, plus a fidelity report per document."""

    def __init__(self, inner: TranslationEngine, *, termbase=None, n_best: int = 4) -> None:
        super().__init__(inner)
        self.termbase = termbase
        self.n_best = n_best
        self._glossary: list[Entry] | Future | None = None
        self._status: dict[tuple, str] = {}
        self._unresolved: list[dict] = []
        self._warnings: list[dict] = []

    @property
    def glossary(self) -> list[Entry] | None:
        """The current document's glossary (waits for its extraction to finish)."""
        if isinstance(self._glossary, Future):
            self._glossary = self._glossary.result()
        return self._glossary

    # -- documents -----------------------------------------------------------------------
    def begin_document(self, text: str) -> None:
        """Start extracting the document's glossary, in the background: it overlaps with the
        model's loading (see `translate`)."""

        self._glossary = _background().submit(extract_glossary, text, self.termbase)
        self._status = {}
        self._unresolved = []
        self._warnings = []
        self.inner.begin_document(text)

    def end_document(self) -> dict:
        """The fidelity section: each glossary entry's status, the errors that stay unresolved
        and the warnings (uncertain: listed, never repaired, never fatal)."""
        self.inner.end_document()
        entries = []
        for entry in self.glossary or []:
            status = self._status.get(_key(entry), "unchecked")
            entries.append({**entry.to_json(), "status": status})
        statuses = {item["status"] for item in entries}
        overall = "unresolved" if self._unresolved else "repaired" if "repaired" in statuses else "ok"
        return {"ok": not self._unresolved, "status": overall, "entries": entries,
                "unresolved": list(self._unresolved), "warnings": list(self._warnings)}

    # -- TranslationEngine -----------------------------------------------------------------
    def translate(self, sentences: Sequence[str], n_best: int = 1) -> list[list[str]]:
        model_inputs = [_put_terms(sentence, self.termbase) for sentence in sentences]
        if isinstance(self._glossary, Future) and not self._glossary.done():
            # Load the model while the names are extracted, then translate with every core:
            # translating during the extraction (spaCy's load is a second of Python) makes both
            # compete for the cores and the GIL, and the translation is what a document waits for.
            self.inner.prepare(model_inputs, max(self.n_best, n_best))
            self.glossary  # noqa: B018 - wait for it
        options = self.inner.translate(model_inputs, n_best=max(self.n_best, n_best))
        results = []
        for sentence, model_input, hyps in zip(sentences, model_inputs, options):
            if not sentence.strip():
                results.append([""])
                continue
            best = self._choose(sentence, self._expect(sentence), hyps)
            self.inner.remember_final(model_input, best)
            results.append([best] + [h for h in hyps if h != best][: n_best - 1])
        return results

    def describe(self) -> dict:
        return {**self.inner.describe(), "glossary_guard": True}

    # -- internals ----------------------------------------------------------------------------
    def _expect(self, sentence: str) -> list[Entry]:
        """The names, figures and terms the translation of `sentence` must hold."""

        glossary = self.glossary if self.glossary is not None else extract_glossary(sentence, self.termbase)
        expected = [_document_entry(f, glossary) for f in extract_figures(sentence)]
        return expected + entries_in(sentence, glossary)

    def _choose(self, sentence: str, expected: list[Entry], hyps: list[str]) -> str:

        best = None
        for rank, hyp in enumerate(hyps):
            first = check(expected, hyp, english_names=[])
            repaired = fix(hyp, first) if first.errors else hyp  # errors only: never a warning
            final = check(expected, repaired, english_names=[]) if repaired != hyp else first
            score = (len(final.errors), len(first.errors), len(final.warnings), rank)
            if best is None or score < best[0]:
                best = (score, repaired, first, final)
        _, text, first, final = best
        self._record(sentence, text, expected, first, final)
        return text

    def _record(self, sentence: str, text: str, expected: list[Entry], first, final) -> None:
        def touched(issues, entry):
            return any(i.source == entry.source and i.kind == entry.kind for i in issues)

        for entry in expected:
            status = ("unresolved" if touched(final.errors, entry) else "repaired" if touched(first.errors, entry)
                      else "warning" if touched(final.warnings, entry) else "applied")
            key = _key(entry)
            current = self._status.get(key)
            if current is None or _RANK[status] > _RANK[current]:
                self._status[key] = status
        for issue in final.issues:
            found = self._unresolved if issue.severity == "error" else self._warnings
            found.append({**issue.to_json(), "segment": sentence, "translation": text})


@functools.lru_cache(maxsize=1)
def _background() -> ThreadPoolExecutor:
    """One worker thread for glossary extraction, shared by every guard in the process."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="passeur-glossary")


def _key(entry: Entry) -> tuple:
    if entry.kind in FIGURE_KINDS:
        return (entry.kind, entry.source, entry.value)
    return (entry.kind, entry.target)


def _document_entry(figure: Entry, glossary: list[Entry]) -> Entry:
    """The sentence's figure as the document glossary has it (so statuses add up)."""
    for entry in glossary:
        if entry.kind == figure.kind and entry.source == figure.source and entry.value == figure.value:
            return entry
    return figure


def _put_terms(sentence: str, termbase) -> str:
    """The sentence with each user term replaced by its English target."""
    if termbase is None:
        return sentence
    for term in sorted(termbase.occurrences(sentence), key=lambda t: t.start, reverse=True):
        sentence = sentence[: term.start] + term.target + sentence[term.end :]
    return sentence
