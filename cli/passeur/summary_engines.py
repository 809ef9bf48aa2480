"""Summary engines: turn one summary request into text.

Three engines behind one small interface:

  instruct    an instruction-tuned causal LM, prompted through its chat template
  seq2seq     a Hugging Face summarization model (BART, T5, Pegasus families)
  extractive  no model: ranks the source's sentences and keeps the best, deterministically
              (in passeur.extractive, also importable from here)

Engines know nothing of glossaries, checks or chunking: the summarizer renders the prompt,
sizes the request, checks the answer and asks again. torch and transformers are imported
inside the methods that need them, so importing passeur stays fast.
"""
from __future__ import annotations

import abc
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .engine import EngineStats
from .errors import ModelUnavailableError, UsageError

ENGINES = ("instruct", "seq2seq", "extractive")
DEFAULT_SEQ2SEQ_MODEL = "sshleifer/distilbart-cnn-12-6"
# Longest prompt an instruct model is given on CPU; longer articles are chunked.
DEFAULT_INSTRUCT_CONTEXT = 4096
_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)


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


# -- model engines ----------------------------------------------------------------------------
class _HFEngine(SummaryEngine):
    """Shared loading for the transformers engines."""

    auto_class = "AutoModelForCausalLM"

    def __init__(self, model_dir: str | Path, *, name: str | None = None, revision: str = "",
                 device: str = "auto") -> None:
        super().__init__()
        self.model_dir = Path(model_dir)
        self.name = name or str(model_dir)
        self.revision = revision
        self.requested_device = device
        self.device: str | None = None
        self._model = None
        self._tokenizer = None
        self._limit: int | None = None
        self.load_seconds = 0.0

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            from .marian import quiet_transformers

            quiet_transformers()
            self._tokenizer = self._guard_load(lambda: AutoTokenizer.from_pretrained(self.model_dir))
        return self._tokenizer

    def load(self):
        """Load the model once; later calls return it."""
        if self._model is None:
            started = time.perf_counter()
            import torch
            import transformers

            from .marian import pick_device, quiet_transformers, set_cpu_threads

            quiet_transformers()
            self.device = pick_device(self.requested_device)
            dtype = torch.float32
            if self.device == "cuda":  # chat models are trained in bfloat16; float16 can overflow
                dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
            auto = getattr(transformers, self.auto_class)
            model = self._guard_load(lambda: auto.from_pretrained(self.model_dir, dtype=dtype))
            model.eval()
            if self.device == "cpu":
                set_cpu_threads()
            self._model = model.to(self.device)
            self.load_seconds = time.perf_counter() - started
        return self._model

    def _guard_load(self, loader):
        try:
            return loader()
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailableError(
                f"model {self.name} cannot be loaded from {self.model_dir} ({reason}): "
                f"run `passeur models pull {self.name}` or pass --model /path/to/model-folder"
            ) from None

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def _position_limit(self) -> int:
        if self._limit is None:
            from transformers import AutoConfig

            config = self._guard_load(lambda: AutoConfig.from_pretrained(self.model_dir))
            attrs = ("max_position_embeddings", "n_positions", "max_sequence_length")
            values = [getattr(config, a, None) for a in attrs]
            limit = next((v for v in values if isinstance(v, int) and v > 0), None)
            if limit is None:
                limit = getattr(self.tokenizer, "model_max_length", 0) or 0
                limit = limit if 0 < limit < 1_000_000 else 512
            self._limit = limit
        return self._limit

    def _bad_words(self, avoid: tuple[str, ...]) -> list[list[int]] | None:
        ids = []
        for phrase in avoid:
            for variant in (phrase, " " + phrase):
                tokens = self.tokenizer(variant, add_special_tokens=False)["input_ids"]
                if tokens and tokens not in ids:
                    ids.append(tokens)
        return ids or None

    def describe(self) -> dict:
        return {"engine": self.kind, "model": self.name, "revision": self.revision,
                "device": self.device or self.requested_device}


class InstructEngine(_HFEngine):
    """A chat model: the prompt goes through the tokenizer's chat template, then generate()."""

    kind = "instruct"
    auto_class = "AutoModelForCausalLM"

    def __init__(self, model_dir: str | Path, *, max_context: int = DEFAULT_INSTRUCT_CONTEXT, **options) -> None:
        super().__init__(model_dir, **options)
        self.max_context = max_context

    def context_tokens(self) -> int:
        return min(self.max_context, self._position_limit())

    def text_budget(self, messages: tuple[dict, ...], max_new_tokens: int) -> int:
        overhead = len(self.encode_prompt(messages)["input_ids"][0]) if messages else 0
        return self.context_tokens() - overhead - max_new_tokens - 8

    def encode_prompt(self, messages: tuple[dict, ...]):
        """The chat template applied to `messages`, tokenized, ready for generate()."""
        tokenizer = self.tokenizer
        if not getattr(tokenizer, "chat_template", None):
            raise ModelUnavailableError(
                f"model {self.name} has no chat template, so it is not an instruct model: "
                "use --engine seq2seq for a summarization model, or pick a chat model with --model"
            )
        return tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True,
            enable_thinking=False,
        )

    def generate(self, request: SummaryRequest) -> str:
        import torch

        started = time.perf_counter()
        model = self.load()
        inputs = self.encode_prompt(request.messages).to(self.device)
        prompt_length = inputs["input_ids"].shape[1]
        limit = self._position_limit()
        max_new = max(1, min(request.max_new_tokens, limit - prompt_length))
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.eos_token_id
        with torch.inference_mode():
            out = model.generate(
                **inputs, max_new_tokens=max_new, do_sample=False, num_beams=1,
                repetition_penalty=1.05, bad_words_ids=self._bad_words(request.avoid), pad_token_id=pad,
                suppress_tokens=self._markup_ids(model), temperature=None, top_p=None, top_k=None,
            )
        new = out[0, prompt_length:]
        self.stats.segments += 1
        self.stats.source_tokens += prompt_length
        self.stats.generated_tokens += int(new.shape[0])
        self.stats.seconds += time.perf_counter() - started
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        return _THINK.sub("", text).strip()


    def _markup_ids(self, model) -> list[int] | None:
        """Special tokens other than end-of-text: chat markup never belongs in a summary."""
        tokenizer = self.tokenizer
        special = set(tokenizer.all_special_ids)
        special |= {i for i, token in tokenizer.added_tokens_decoder.items() if getattr(token, "special", False)}
        eos = model.generation_config.eos_token_id
        keep = set(eos if isinstance(eos, (list, tuple)) else [eos]) | {tokenizer.eos_token_id}
        return sorted(special - keep) or None


class Seq2SeqEngine(_HFEngine):
    """A summarization model: the text goes in (with a task prefix for T5), the summary comes out."""

    kind = "seq2seq"
    auto_class = "AutoModelForSeq2SeqLM"

    def context_tokens(self) -> int:
        limit = getattr(self.tokenizer, "model_max_length", 0) or 0
        if not 0 < limit < 1_000_000:
            limit = self._position_limit()
        return limit - 2

    def text_budget(self, messages: tuple[dict, ...], max_new_tokens: int) -> int:
        return self.context_tokens() - self.count_tokens(self._prefix()) - 2

    def _prefix(self) -> str:
        model = self.load()
        params = getattr(model.config, "task_specific_params", None) or {}
        prefix = (params.get("summarization") or {}).get("prefix")
        if prefix is None and getattr(model.config, "model_type", "") in ("t5", "mt5", "umt5", "longt5"):
            prefix = "summarize: "
        return prefix or ""

    def generate(self, request: SummaryRequest) -> str:
        import torch

        started = time.perf_counter()
        model = self.load()
        inputs = self.tokenizer(self._prefix() + request.text, return_tensors="pt", truncation=False).to(self.device)
        length = inputs["input_ids"].shape[1]
        if length > self.context_tokens() + 2:  # the summarizer chunks first; never truncate silently
            raise UsageError(f"{length} tokens for a model that reads {self.context_tokens()}: chunk the input first")
        max_new = max(8, min(request.max_new_tokens, int(request.max_words * 1.6) + 8, self._position_limit() - 2))
        min_new = max(1, min(max_new - 1, int(request.min_words * 1.2)))
        with torch.inference_mode():
            out = model.generate(**inputs, max_new_tokens=max_new, min_new_tokens=min_new,
                                 bad_words_ids=self._bad_words(request.avoid))
        self.stats.segments += 1
        self.stats.source_tokens += length
        self.stats.generated_tokens += int(out.shape[1])
        self.stats.seconds += time.perf_counter() - started
        return self.tokenizer.decode(out[0], skip_special_tokens=True).strip()


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
        from .extractive import ExtractiveEngine

        return ExtractiveEngine()
    from .models import DEFAULT_SUMMARY_MODEL, resolve_model

    name = model or (DEFAULT_SUMMARY_MODEL if kind == "instruct" else DEFAULT_SEQ2SEQ_MODEL)
    resolved = resolve_model(name)
    options = {"name": resolved.name, "revision": resolved.revision, "device": device}
    if kind == "instruct":
        return InstructEngine(resolved.path, max_context=max_context or DEFAULT_INSTRUCT_CONTEXT, **options)
    return Seq2SeqEngine(resolved.path, **options)


def __getattr__(name: str):
    """`ExtractiveEngine` lives in passeur.extractive; it is reachable from here too."""
    if name in ("ExtractiveEngine", "rank_sentences"):
        from . import extractive

        return getattr(extractive, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
