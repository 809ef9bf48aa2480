"""The CTranslate2 backend: a Hugging Face Marian folder, converted once, run with int8 on CPU.

The first use converts the model folder to CTranslate2's format and caches it on disk
(`$PASSEUR_CACHE/ct2`, else the user cache dir); later runs, in any process, load the
cached copy. Conversion happens in a temporary folder renamed into place, under a file
lock, so concurrent processes never see a half-written model.

Inputs are tokenized like the model's MarianTokenizer, without transformers or torch
(`tokenizer.MarianSentencePiece`; other tokenizers through transformers), sorted by length
and cut into batches by a token budget; outputs come back in input order. Only the first
conversion of a model imports transformers (`passeur models pull` does it ahead).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

from passeur.errors import PasseurError, UsageError
from passeur.models.hf import count_cpu_threads, quiet_transformers
from passeur.models.store import cache_dir
from passeur.translation.engine import ModelEngine, plan_batches
from passeur.translation.tokenizer import HuggingFacePieces, MarianSentencePiece, read_json, supports_marian_layout

SUPPORTED_MODEL_TYPES = ("marian",)  # source tokens in, target tokens out, no language prefix
_CONVERTER_REVISION = "1"  # bump to invalidate cached conversions made by older code
_SOURCE_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "vocab.json",
                 "source.spm", "target.spm", "target_vocab.json", "tokenizer.json", "tokenizer_config.json")


class ConversionError(PasseurError):
    """The model folder could not be converted to CTranslate2 (use the transformers backend)."""


def supports(model_dir: str | Path) -> bool:
    """True when this backend can translate the model in `model_dir`."""
    return read_json(Path(model_dir) / "config.json").get("model_type") in SUPPORTED_MODEL_TYPES


def is_installed() -> bool:
    """True when the ctranslate2 package can be imported."""
    import importlib.util

    return importlib.util.find_spec("ctranslate2") is not None


def pick_device(device: str) -> str:
    """'auto' is CUDA when CTranslate2 sees a GPU, else CPU; an explicit 'cuda' is checked."""
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        return "cuda" if gpus > 0 else "cpu"
    if device == "cuda" and gpus == 0:
        raise UsageError("--device cuda: no CUDA GPU is available to CTranslate2 (use --device cpu or auto)")
    if device not in ("cpu", "cuda"):
        raise UsageError(f"--device {device}: choose auto, cpu or cuda")
    return device


def pick_compute_type(device: str, requested: str | None) -> str:
    """int8 on CPU, float16 on CUDA unless asked otherwise; checked against the hardware."""
    import ctranslate2

    wanted = requested or ("float16" if device == "cuda" else "int8")
    supported = ctranslate2.get_supported_compute_types(device)
    if wanted not in supported:
        raise UsageError(f"compute type {wanted} is not supported on {device} here (supported: {', '.join(sorted(supported))})")
    return wanted


def cache_root() -> Path:
    """Where converted models live: $PASSEUR_CACHE/ct2, else the user cache dir."""
    return cache_dir("ct2")


def conversion_key(model_dir: Path, quantization: str) -> str:
    """Hash of what the converted model depends on: the folder, its files' sizes and mtimes,
    the CTranslate2 version and the quantization."""
    import ctranslate2

    digest = hashlib.sha256()
    digest.update(f"{model_dir.resolve()}|{ctranslate2.__version__}|{quantization}|{_CONVERTER_REVISION}".encode())
    for name in _SOURCE_FILES:
        path = model_dir / name
        if path.exists():
            stat = path.stat()
            digest.update(f"|{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def converted_path(model_dir: str | Path, quantization: str) -> Path:
    """The cache folder the conversion of `model_dir` with `quantization` goes to."""
    model_dir = Path(model_dir).resolve()
    label = "".join(c if c.isalnum() or c in "-_." else "-" for c in _model_label(model_dir))[:60]
    return cache_root() / f"{label}-{quantization}-{conversion_key(model_dir, quantization)}"


def ensure_converted(model_dir: str | Path, quantization: str = "int8") -> Path:
    """Convert `model_dir` once (cached, atomic, safe across processes); return the CT2 folder."""
    target = converted_path(model_dir, quantization)
    if (target / "model.bin").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(target.parent / f".{target.name}.lock"):
        if (target / "model.bin").exists():  # another process finished it while we waited
            return target
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            convert_model(Path(model_dir), scratch / "model", quantization)
            os.rename(scratch / "model", target)
        except OSError:
            if not (target / "model.bin").exists():
                raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def convert_model(model_dir: Path, output_dir: Path, quantization: str) -> None:
    """Run CTranslate2's Transformers converter on a local folder (quietly, low memory)."""
    from ctranslate2.converters import TransformersConverter


    quiet_transformers()
    try:
        TransformersConverter(str(model_dir), low_cpu_mem_usage=True).convert(
            str(output_dir), quantization=quantization, force=True
        )
    except (ValueError, KeyError, NotImplementedError) as exc:
        raise ConversionError(
            f"model {model_dir} cannot be converted to CTranslate2 ({exc}); use --backend transformers"
        ) from None
    source = {"model_dir": str(model_dir.resolve()), "quantization": quantization}
    (output_dir / "passeur-source.json").write_text(json.dumps(source, indent=2) + "\n", encoding="utf-8")


class CT2Engine(ModelEngine):
    """Translate with CTranslate2 on a Hugging Face Marian model folder."""

    kind = "ctranslate2"

    def __init__(
        self,
        model_dir: str | Path,
        *,
        compute_type: str | None = None,
        batch_tokens: int | None = None,
        threads: int | None = None,
        **identity,  # name, revision, device, beam_size: see ModelEngine
    ) -> None:
        super().__init__(model_dir, **identity)
        self.requested_compute_type = compute_type
        self.batch_tokens = batch_tokens
        self.threads = threads
        self.compute_type: str | None = None
        self.ct2_dir: Path | None = None
        self._translator = None
        self._config = read_json(self.model_dir / "config.json")
        self._generation = read_json(self.model_dir / "generation_config.json")
        # The pipeline counts tokens to split long sentences, then translates them: encode once.
        self._encode = functools.lru_cache(maxsize=4096)(self._encode_uncached)

    # -- loading -----------------------------------------------------------------------
    @property
    def tokenizer(self):
        if self._tokenizer is None:
            if supports_marian_layout(self.model_dir):
                self._tokenizer = MarianSentencePiece(self.model_dir)
            else:
                self._tokenizer = HuggingFacePieces(load_tokenizer(self.model_dir))
        return self._tokenizer

    def load(self):
        """Convert (first time only) and load the model; later calls return it."""
        if self._translator is None:
            started = time.perf_counter()
            try:
                import ctranslate2
            except ImportError:
                raise UsageError("the ctranslate2 backend needs `pip install ctranslate2` (or use --backend transformers)") from None
            self.device = pick_device(self.requested_device)
            self.compute_type = pick_compute_type(self.device, self.requested_compute_type)
            self.ct2_dir = ensure_converted(self.model_dir, self.compute_type)
            if self.device == "cpu":
                threads = dict(inter_threads=1, intra_threads=self.threads or count_cpu_threads())
            else:
                threads = dict(inter_threads=1, intra_threads=1)
            self._translator = ctranslate2.Translator(
                str(self.ct2_dir), device=self.device, compute_type=self.compute_type, **threads
            )
            if self.batch_tokens is None:
                self.batch_tokens = 8192 if self.device == "cuda" else 4096  # measured best on CPU, beams 1 and 4
            self.tokenizer  # noqa: B018 - load it now so load time is counted once
            self.stats.load_seconds += time.perf_counter() - started
        return self._translator

    # -- TranslationEngine -------------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        return len(self._encode(text))

    def describe(self) -> dict:
        return {**super().describe(), "compute_type": self.compute_type or self.requested_compute_type or "auto",
                "beam_size": self.beam_size}

    def translate(self, sentences: Sequence[str], n_best: int = 1) -> list[list[str]]:
        return [[text for text, _ in hyps] for hyps in self.translate_scored(sentences, n_best)]

    def translate_scored(self, sentences: Sequence[str], n_best: int = 1) -> list[list[tuple[str, float]]]:
        """Like `translate`, with each hypothesis' score (length-normalised log-probability)."""
        todo, results, _ = self._begin_run(sentences, [("", 0.0)])
        if not todo:
            return results
        translator = self.load()
        started = time.perf_counter()  # loading is counted apart, in stats.load_seconds
        tokens = {i: self._source_tokens(sentences[i]) for i in todo}
        lengths = {i: len(tokens[i]) for i in todo}
        batches = plan_batches(todo, lengths, self.batch_tokens)
        pending = [(batch, self._submit(translator, [tokens[i] for i in batch], n_best)) for batch in batches]
        for batch, (async_results, limit) in pending:
            outputs = [r.result() for r in async_results]
            texts = self._detokenize([hyp for out in outputs for hyp in out.hypotheses])
            cursor = 0
            for i, out in zip(batch, outputs):
                count = len(out.hypotheses)
                results[i] = list(zip(texts[cursor : cursor + count], out.scores))
                cursor += count
                best = len(out.hypotheses[0])
                self.stats.generated_tokens += best + (1 if best < limit else 0)  # + the </s> step
        self._count_run(lengths, started)
        return results

    # -- internals ---------------------------------------------------------------------
    def _submit(self, translator, batch: list[list[str]], n_best: int):
        """Queue one batch (runs while earlier ones are detokenized); returns (results, length cap)."""
        max_len, min_len = self._decoding_lengths(max(len(t) for t in batch))
        results = translator.translate_batch(
            batch,
            asynchronous=True,
            beam_size=max(self.beam_size, n_best),
            num_hypotheses=n_best,
            return_scores=True,
            max_input_length=self._position_limit(),
            max_decoding_length=max_len,
            min_decoding_length=min_len,
            length_penalty=float(self._generation.get("length_penalty", 1.0)),
            no_repeat_ngram_size=int(self._generation.get("no_repeat_ngram_size") or 0),
            repetition_penalty=float(self._generation.get("repetition_penalty") or 1.0),
        )
        return results, max_len

    def _decoding_lengths(self, longest: int) -> tuple[int, int]:
        """(max, min) new tokens: the model's generation config if it fixes them, else a cap
        proportional to the input, as the transformers backend does."""
        limit = self._position_limit()
        fixed = self._generation.get("max_new_tokens")
        max_len = min(limit, int(fixed) if fixed else int(longest * 2.5) + 16)
        min_len = min(max_len, int(self._generation.get("min_new_tokens") or 1))
        return max_len, max(1, min_len)

    def _encode_uncached(self, text: str) -> tuple[int, ...]:
        return tuple(self.tokenizer.encode(text))

    def _source_tokens(self, text: str) -> list[str]:
        return [self.tokenizer.piece(index) for index in self._encode(text)]

    def _detokenize(self, hypotheses: list[list[str]]) -> list[str]:
        return [self.tokenizer.decode(pieces) for pieces in hypotheses]

    def _position_limit(self) -> int:
        return int(self._config.get("max_position_embeddings") or 512)


def load_tokenizer(model_dir: Path):
    """The model's Hugging Face tokenizer; the Marian class directly when it is one (no torch import).
    The engine needs it only for folders without Marian's files; benchmarks use it as the reference."""
    import warnings

    import transformers

    name = read_json(model_dir / "tokenizer_config.json").get("tokenizer_class")
    if not name and (model_dir / "source.spm").exists():
        name = "MarianTokenizer"
    cls = getattr(transformers, name, None) if name == "MarianTokenizer" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses"
        if cls is not None:
            return cls.from_pretrained(str(model_dir))
        return transformers.AutoTokenizer.from_pretrained(str(model_dir))


def _model_label(model_dir: Path) -> str:
    """A readable name for the cache folder: the Hub repo for a Hub snapshot, else the folder name."""
    if model_dir.parent.name == "snapshots" and model_dir.parent.parent.name.startswith("models--"):
        return model_dir.parent.parent.name[len("models--"):]
    return model_dir.name or "model"


@contextmanager
def _file_lock(path: Path):
    """An exclusive lock across processes (POSIX); elsewhere, no lock (the rename stays atomic)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
