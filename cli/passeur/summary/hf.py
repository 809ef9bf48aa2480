"""The transformers summary engines: an instruction-tuned causal LM prompted through its chat
template (`instruct`), and seq2seq summarizers such as BART, T5 and Pegasus (`seq2seq`).

torch and transformers are imported inside the methods that need them, so importing
passeur stays fast; models load on the first request.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from passeur.errors import ModelUnavailableError, UsageError
from passeur.models.hf import pick_device, quiet_transformers, set_cpu_threads
from passeur.summary.engine import SummaryEngine, SummaryRequest

# Longest prompt an instruct model is given on CPU; longer articles are chunked.
DEFAULT_INSTRUCT_CONTEXT = 4096
_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)


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


            quiet_transformers()
            self._tokenizer = self._guard_load(lambda: AutoTokenizer.from_pretrained(self.model_dir))
        return self._tokenizer

    def load(self):
        """Load the model once; later calls return it."""
        if self._model is None:
            started = time.perf_counter()
            import torch
            import transformers


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
