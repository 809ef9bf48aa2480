"""The transformers backend: any Hugging Face seq2seq translation model (MarianMT first).

Loaded lazily on first use. Sentences are sorted by length and batched by a token
budget, so padding stays small, then put back in order.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from passeur.errors import ModelUnavailableError
from passeur.models.hf import pick_device, quiet_transformers, set_cpu_threads
from passeur.translation.engine import ModelEngine, plan_batches


class MarianEngine(ModelEngine):
    """Translate with transformers' `generate()` on a local model folder."""

    kind = "transformers"

    def __init__(
        self,
        model_dir: str | Path,
        *,
        batch_tokens: int = 4096,
        max_batch_size: int = 16,
        int8: bool = False,
        **identity,  # name, revision, device, beam_size: see ModelEngine
    ) -> None:
        super().__init__(model_dir, **identity)
        self.batch_tokens = batch_tokens
        self.max_batch_size = max_batch_size
        self.int8 = int8
        self._model = None
        self._limit: int | None = None

    # -- loading -----------------------------------------------------------------
    @property
    def tokenizer(self):
        if self._tokenizer is None:
            quiet_transformers()
            from transformers import AutoTokenizer

            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.model_dir)
            except Exception as exc:  # a broken folder: bad JSON, missing vocabulary...
                raise _unloadable(self.name, exc) from None
        return self._tokenizer

    def load(self):
        """Load the model once; later calls return it."""
        if self._model is None:
            started = time.perf_counter()
            import torch
            from transformers import AutoModelForSeq2SeqLM

            self.device = pick_device(self.requested_device)
            dtype = torch.float16 if self.device == "cuda" else torch.float32
            quiet_transformers()
            try:
                model = AutoModelForSeq2SeqLM.from_pretrained(self.model_dir, dtype=dtype)
            except Exception as exc:
                raise _unloadable(self.name, exc) from None
            model.eval()
            if self.device == "cpu":
                set_cpu_threads()
                if self.int8:
                    model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            model.to(self.device)
            self._model = model
            self.stats.load_seconds += time.perf_counter() - started
        return self._model

    # -- TranslationEngine -----------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def describe(self) -> dict:
        return {**super().describe(), "beam_size": self.beam_size, "int8": self.int8}

    def translate(self, sentences: Sequence[str], n_best: int = 1) -> list[list[str]]:
        todo, results, _ = self._begin_run(sentences, [""])
        if not todo:
            return results
        model = self.load()
        started = time.perf_counter()  # loading is counted apart, in stats.load_seconds
        lengths = {i: self.count_tokens(sentences[i]) for i in todo}
        for batch in plan_batches(todo, lengths, self.batch_tokens, self.max_batch_size):
            outputs = self._generate([sentences[i] for i in batch], max(lengths[i] for i in batch), n_best, model)
            for i, hyps in zip(batch, outputs):
                results[i] = hyps
        self._count_run(lengths, started)
        return results

    # -- internals ------------------------------------------------------------------
    def _generate(self, texts: list[str], longest: int, n_best: int, model) -> list[list[str]]:
        import torch

        beams = max(self.beam_size, n_best)
        inputs = self.tokenizer(texts, return_tensors="pt", padding=True).to(self.device)
        max_new = min(self._position_limit(), int(longest * 2.5) + 16)
        with torch.inference_mode():
            out = model.generate(
                **inputs,
                num_beams=beams,
                num_return_sequences=n_best,
                max_new_tokens=max_new,
                do_sample=False,
            )
        pad = self.tokenizer.pad_token_id
        best_rows = out[::n_best]
        start = model.generation_config.decoder_start_token_id
        self.stats.generated_tokens += int(((best_rows != pad) & (best_rows != start)).sum())
        decoded = self.tokenizer.batch_decode(out, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return [decoded[k * n_best : (k + 1) * n_best] for k in range(len(texts))]

    def _position_limit(self) -> int:
        if self._limit is None:
            from transformers import AutoConfig

            try:
                config = AutoConfig.from_pretrained(self.model_dir)
            except Exception as exc:
                raise _unloadable(self.name, exc) from None
            self._limit = int(getattr(config, "max_position_embeddings", 512) or 512)
        return self._limit


def _unloadable(name: str, exc: Exception):

    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return ModelUnavailableError(f"model {name} could not be loaded: {reason}")
