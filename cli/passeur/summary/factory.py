"""Builds the summary engine a command asks for (`--engine`, `--model`)."""
from __future__ import annotations

from passeur.errors import UsageError
from passeur.models.store import DEFAULT_SUMMARY_MODEL, resolve_model
from passeur.summary.engine import SummaryEngine
from passeur.summary.extractive import ExtractiveEngine
from passeur.summary.hf import DEFAULT_INSTRUCT_CONTEXT, InstructEngine, Seq2SeqEngine

ENGINES = ("instruct", "seq2seq", "extractive")
DEFAULT_SEQ2SEQ_MODEL = "sshleifer/distilbart-cnn-12-6"


def create_summary_engine(kind: str = "instruct", model: str | None = None, *, device: str = "auto",
                          max_context: int | None = None) -> SummaryEngine:
    """Resolve the model (a folder or a Hub id, fetched if allowed) and wrap it in the engine.

    The model itself loads on the first request. Raises ModelUnavailableError (one line,
    naming the model, `passeur models pull NAME` and `--model PATH`) when it is not on disk.
    """
    if kind not in ENGINES:
        raise UsageError(f"--engine {kind}: choose one of {', '.join(ENGINES)}")
    if kind == "extractive":
        if model:
            raise UsageError("--engine extractive uses no model: drop --model or choose --engine instruct|seq2seq")

        return ExtractiveEngine()

    name = model or (DEFAULT_SUMMARY_MODEL if kind == "instruct" else DEFAULT_SEQ2SEQ_MODEL)
    resolved = resolve_model(name)
    options = {"name": resolved.name, "revision": resolved.revision, "device": device}
    if kind == "instruct":
        return InstructEngine(resolved.path, max_context=max_context or DEFAULT_INSTRUCT_CONTEXT, **options)
    return Seq2SeqEngine(resolved.path, **options)
