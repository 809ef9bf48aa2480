"""The summary engine interface: turn one summary request into text.

Three engines sit behind it (`summary.factory` builds them):

  instruct    an instruction-tuned causal LM, prompted through its chat template (summary.hf)
  seq2seq     a Hugging Face summarization model: BART, T5, Pegasus families (summary.hf)
  extractive  no model: picks the source's own sentences, lead first (summary.extractive)

Engines know nothing of glossaries, checks or chunking: the summarizer renders the prompt,
sizes the request, checks the answer and asks again.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass

from passeur.translation.engine import EngineStats


@dataclass(frozen=True)
class SummaryRequest:
    """What to summarize and how long the answer may be.

    `text` is what the summary is about (an article, a chunk, or the joined summaries of
    chunks); `messages` is the rendered chat prompt for engines that take one; `avoid`
    lists strings the answer must not contain (names or figures the source does not support).
    """

    tier: str
    text: str
    messages: tuple[dict, ...] = ()
    min_words: int = 1
    max_words: int = 150
    max_new_tokens: int = 256
    avoid: tuple[str, ...] = ()
    attempt: int = 0


class SummaryEngine(abc.ABC):
    """Generate one summary for one request. Models load lazily, on first use."""

    kind: str = "engine"
    # True when every sentence the engine returns is copied whole from the text it was given:
    # such output is never "finished" (no cut-off last sentence to drop) nor asked for again
    verbatim: bool = False

    def __init__(self) -> None:
        self.stats = EngineStats()

    @abc.abstractmethod
    def generate(self, request: SummaryRequest) -> str:
        """The summary text for `request` (may be out of shape: the caller checks)."""

    @abc.abstractmethod
    def context_tokens(self) -> int:
        """The longest input, in tokens, the engine takes in one request."""

    @abc.abstractmethod
    def count_tokens(self, text: str) -> int:
        """How many input tokens `text` takes."""

    def text_budget(self, messages: tuple[dict, ...], max_new_tokens: int) -> int:
        """How many tokens of text fit in one request, given the prompt around it (without
        the text) and the room the answer needs."""
        overhead = sum(self.count_tokens(m.get("content", "")) + 8 for m in messages)
        return self.context_tokens() - overhead - max_new_tokens

    def describe(self) -> dict:
        return {"engine": self.kind}
