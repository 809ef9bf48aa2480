"""What `passeur batch` runs on each file, as a recipe of plain values.

A local run builds the job from it once, in this process; `--executor ray` sends it to
every Ray worker, which builds its own job from it (its own model load). One recipe and
one way of building it, so both executors make the same outputs from the same options.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from passeur.api import build_translator, create_summary_engine, create_translation_engine
from passeur.batch import jobs as jobs_mod
from passeur.batch.runner import Job


@dataclass(frozen=True)
class JobRecipe:
    what: str  # translate | brief
    model: str | None
    engine_options: dict = field(default_factory=dict)  # backend, device, beam_size
    glossary: str | None = None
    tm: str | None = None  # the translation memory file; None: no memory
    source_lang: str = "auto"
    strict: bool = False
    summary: dict | None = None  # --what brief: engine, summary_model, device, prompts
    created: str | None = None  # --what brief: the date stamped on every note

    def build(self, make_engine: Callable | None = None, make_summary_engine: Callable | None = None,
              stop: threading.Event | None = None) -> tuple[Job, Callable[[], None]]:
        """The job (safe to call from several threads) and a `close()` for what it opened.

        The model loads on the first file that needs it. `make_engine(model, **options)` and
        `make_summary_engine(kind, model, device=...)` default to passeur's own factories;
        once `stop` is set, no new model call starts (the run is being interrupted).
        """
        make_engine = make_engine or create_translation_engine
        model_engine = jobs_mod.SharedModel(lambda: make_engine(self.model, **self.engine_options), stop)
        stacks = jobs_mod.per_thread(lambda: build_translator(
            self.model, glossary=self.glossary, make_engine=model_engine.view, tm=self.tm, **self.engine_options))
        if self.what != "brief":
            return jobs_mod.translate_job(stacks, source_lang=self.source_lang, strict=self.strict), stacks.close_all
        make_summary_engine = make_summary_engine or create_summary_engine
        summary, built = self.summary or {}, []

        def summary_engine():
            if not built:  # one summary engine per job, built on the first note
                built.append(make_summary_engine(summary["engine"], summary["summary_model"], device=summary["device"]))
            return built[0]

        job = jobs_mod.brief_job(stacks, summary_engine, strict=self.strict, prompts=summary["prompts"],
                                 glossary=self.glossary, source_lang=self.source_lang, created=self.created)
        return job, stacks.close_all
