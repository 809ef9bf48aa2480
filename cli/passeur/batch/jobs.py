"""The jobs `passeur batch` runs on each file, and the one model they share.

`SharedModel` loads the translation model once and lets one forward pass run at a time;
each worker thread gets its own engine stack (glossary guard, memory) on top of it
(`per_thread`). `translate_job` and `brief_job` turn a source file into an output text.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from passeur.batch.runner import Job, JobOutput, OnProgress, Stopped
from passeur.brief.build import build_note
from passeur.brief.render import render_brief
from passeur.textio.reader import SourceText
from passeur.translation.engine import EngineStats, EngineWrapper, TranslationEngine
from passeur.translation.pipeline import translate_document

COUNTS = ("segments", "source_tokens", "generated_tokens", "cached_segments")  # the engine counts a file reports


# -- engines and jobs --------------------------------------------------------------------------
class SharedModel:
    """One model engine for the whole run, built on first use, one call at a time.

    Each worker gets its own `view()` (own stats, so per-file counts stay exact) and wraps
    it in its own glossary guard / memory; the lock serialises model calls and the tokenizer
    (not thread-safe), and the model is never loaded twice.
    """

    def __init__(self, build: Callable[[], TranslationEngine], stop: threading.Event | None = None) -> None:
        self._build, self._engine, self._lock = build, None, threading.RLock()
        self._stop = stop or threading.Event()

    def model(self) -> TranslationEngine:
        with self._lock:
            if self._engine is None:
                self._engine = self._build()
            return self._engine

    def view(self, *_args, **_options) -> "_ModelView":
        return _ModelView(self.model(), self._lock, self._stop)


class _ModelView(EngineWrapper):
    """One job's view of the shared model: calls take the model's lock; counts are the job's own.
    Once the run is stopping (`stop` set), no new model call starts: a worker waiting for its
    turn raises `Stopped` instead of running a whole window."""

    def __init__(self, inner: TranslationEngine, lock, stop: threading.Event) -> None:
        super().__init__(inner)
        self._lock, self._stop, self.stats = lock, stop, EngineStats()

    def prepare(self, sentences=(), n_best: int = 1) -> None:
        with self._lock:  # one thread loads the shared model; the others wait for it
            self.inner.prepare(sentences, n_best)

    def translate(self, sentences, n_best: int = 1):
        if self._stop.is_set():
            raise Stopped()
        with self._lock:
            if self._stop.is_set():
                raise Stopped()
            before = self.inner.stats.to_json()
            started = time.perf_counter()
            hypotheses = self.inner.translate(sentences, n_best=n_best)
            after = self.inner.stats.to_json()
        for key in COUNTS:
            setattr(self.stats, key, getattr(self.stats, key) + after[key] - before[key])
        self.stats.seconds += time.perf_counter() - started
        return hypotheses

    def max_input_tokens(self) -> int:
        with self._lock:
            return self.inner.max_input_tokens()

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self.inner.count_tokens(text)

    def describe(self) -> dict:
        with self._lock:
            return self.inner.describe()

    # Document hooks stay with the job's own stack: the shared model serves several documents at once.
    def begin_document(self, text: str) -> None:
        pass

    def end_document(self) -> dict:
        return {}

    def remember_final(self, source: str, translation: str) -> None:
        pass


def per_thread(build: Callable[[], TranslationEngine]) -> Callable[[], TranslationEngine]:
    """`build` called once per worker thread, lazily; `.current()` is this thread's (or None),
    `.close_all()` closes what was built."""
    local, built = threading.local(), []

    def get() -> TranslationEngine:
        if getattr(local, "stack", None) is None:
            local.stack = build()
            built.append(local.stack)
        return local.stack

    def close_all() -> None:
        for stack in built:
            engine = stack
            while engine is not None:  # close every layer that holds a resource (a memory)
                if callable(getattr(engine, "close", None)):
                    engine.close()
                engine = getattr(engine, "inner", None)

    get.close_all = close_all
    get.current = lambda: getattr(local, "stack", None)
    return get


def translate_job(stack: Callable[[], TranslationEngine], *, source_lang: str = "auto", strict: bool = False) -> Job:
    """A Job that translates a file with this thread's engine stack, keeping its layout."""

    def job(source: SourceText, on_progress: OnProgress | None) -> JobOutput:
        result = translate_document(source.text, stack(), source_lang=source_lang, on_progress=on_progress)
        unresolved = result.fidelity.get("unresolved", [])
        problem = f"--strict: {len(unresolved)} name(s) or figure(s) could not be guaranteed" if strict and unresolved else ""
        note = "already English: copied unchanged" if result.source_language == "en" else ""
        return JobOutput(result.translation, dict(result.stats), note, problem)

    return job


def brief_job(stack, summary_engine: Callable[[], object], *, strict: bool = False, **options) -> Job:
    """A Job that writes a file's briefing note (Markdown) with `passeur.brief.build`.

    `stack` is this thread's translator (built only for French input), `summary_engine()`
    the one summary engine of the run; `options` go to `briefing.build_note` (prompts,
    glossary, source_lang, created).
    """

    def job(source: SourceText, on_progress: OnProgress | None) -> JobOutput:
        before = _counts(stack.current())
        note = build_note(source, translator=stack, summary_engine=summary_engine(), on_progress=on_progress,
                          **options)
        after = _counts(stack.current())
        stats = {key: after[key] - before[key] for key in after}
        problem = f"--strict: {len(note.unresolved)} name(s) or figure(s) could not be guaranteed" \
            if strict and note.unresolved else ""
        return JobOutput(render_brief(note, "md"), stats, problem=problem)

    return job


def _counts(engine) -> dict:
    stats = engine.stats.to_json() if engine is not None else {}
    return {key: stats.get(key, 0) for key in COUNTS}
