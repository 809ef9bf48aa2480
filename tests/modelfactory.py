"""Tiny real models for passeur's tests, built locally in seconds (nothing is downloaded).

Every ``build_*`` function writes a folder that the real loading code reads with
``AutoTokenizer.from_pretrained(folder)`` and ``AutoModelForSeq2SeqLM`` /
``AutoModelForCausalLM.from_pretrained(folder)``. Builds are deterministic (fixed seeds) and
idempotent: a folder that already holds a complete build of the same kind, factory version,
parameters and transformers version is returned at once, so a session can cache builds in a
folder such as ``.pytest_cache/passeur-models/``. A build is written to a temporary sibling
folder and renamed into place, so an interrupted build never looks complete and parallel
workers cannot see half a folder.

=========================================  =====================================================
``build_random_marian(dest)``              random MarianMT (d_model 64, 2+2 layers) with a real
                                           MarianTokenizer: source.spm trained on French fixture
                                           text, target.spm on English, one joint vocab.json.
``build_copy_marian(dest)``                MarianMT that copies its input exactly (any text of
                                           up to ``COPY_MAX_TOKENS`` pieces), greedy or beam.
``build_tiny_causal_lm(dest)``             random Qwen2 causal LM (hidden 64, 2 layers) with a
                                           byte-level BPE tokenizer and a ChatML chat template.
``build_opus_size_random_marian(dest)``    random model with the exact opus-mt-fr-en shape
                                           (~75M parameters, ~300 MB): benchmarks only.
=========================================  =====================================================

How the copy model copies
-------------------------
It is not trained: its weights are *constructed* (``_construct_copy_weights``), which makes
the copy exact for every input rather than for 99% of them, independent of the machine, and
the build take about a second. Marian adds fixed sinusoidal position vectors P(s) to the
scaled token embeddings. The token embeddings avoid a few reserved coordinates (the fastest
and the slowest sin/cos pairs) and are orthogonal to every P(s) and to the all-ones vector in
the others. Both self-attentions and both feed-forward blocks write zeros (post-LN keeps the
residual). The decoder's cross-attention reads only the reserved coordinates, through sparse
+-1 rows: its score for (decoder t, encoder s) is a positive multiple of K(t - s) - A, with
K(0) > A > K(anything else), so decoder position t attends to encoder position t whatever the
tokens; its values are the token part, which the tied output layer maps back to the token's
id. Decoder position t therefore emits source token t, and the ``</s>`` the tokenizer appends
ends the output. Checked: exact in fp32, bf16, torch dynamic int8 (``quantize_dynamic``) and
CTranslate2 (fp32 and int8; pass ``max_decoding_length`` <= 127 there).

The tokenizer (sentencepiece unigram, ``identity`` normalisation, ``byte_fallback``, digits
split) is lossless except for whitespace: runs of spaces collapse and leading/trailing spaces
go. So ``decode(generate(encode(text))) == text`` for any text without those, as long as it
encodes to at most ``COPY_MAX_TOKENS`` (127) pieces; longer inputs must be split by the caller
(positions beyond ``max_position_embeddings`` = 128 do not exist, generating past them raises).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import random
import re
import shutil
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import sys

if str(Path(__file__).parent) not in sys.path:  # bench/ scripts import this file too
    sys.path.insert(0, str(Path(__file__).parent))
import fixture_corpus as corpus  # noqa: E402

FACTORY_VERSION = 1
STAMP_NAME = "passeur-modelfactory.json"
SEED = 1234

# Marian conventions (as in Helsinki-NLP/opus-mt-*): </s> = 0, <unk> = 1, <pad> = last id;
# <pad> is also the decoder start token.
EOS, UNK = "</s>", "<unk>"
PAD = "<pad>"

COPY_MAX_POSITIONS = 128
COPY_MAX_TOKENS = COPY_MAX_POSITIONS - 1  # source pieces, not counting the </s> the tokenizer adds
RANDOM_MARIAN_MAX_POSITIONS = 256

OPUS_FR_EN_SHAPE = dict(
    vocab_size=59514, d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
    decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048, max_position_embeddings=512,
)

CHATML_TEMPLATE = (
    "{%- if messages and messages[0]['role'] == 'system' -%}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' -}}"
    "{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}"
    "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' -}}"
    "{%- set loop_messages = messages -%}"
    "{%- endif -%}"
    "{%- for message in loop_messages -%}"
    "{%- if message['role'] not in ['user', 'assistant'] -%}"
    "{{- raise_exception('Conversation roles must be system (first), user or assistant') -}}"
    "{%- endif -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{- '<|im_start|>assistant\\n' -}}"
    "{%- endif -%}"
)


# --------------------------------------------------------------------------- caching helpers


def _transformers_version() -> str:
    from importlib.metadata import version

    return version("transformers")


def _stamp(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": kind,
        "factory_version": FACTORY_VERSION,
        "params": params,
        "transformers": _transformers_version(),
    }


def read_stamp(dest: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The build stamp of ``dest`` (kind, version, parameters, build seconds), or None."""
    try:
        return json.loads((Path(dest) / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(dest: str | os.PathLike[str], kind: str, params: dict[str, Any] | None = None) -> bool:
    """Whether ``dest`` holds a finished build of ``kind`` by this factory version and transformers
    version (and, when given, these build parameters)."""
    stamp = read_stamp(dest)
    if not stamp:
        return False
    want = _stamp(kind, params or {})
    if params is None:
        del want["params"]
    return all(stamp.get(k) == v for k, v in want.items())


def _cached_build(dest: str | os.PathLike[str], kind: str, params: dict[str, Any],
                  builder: Callable[[Path], dict[str, Any] | None]) -> Path:
    """Run ``builder(tmp)`` unless ``dest`` already holds this build; move the result to ``dest``."""
    import time

    dest = Path(dest)
    if is_complete(dest, kind, params):
        return dest
    if dest.exists() and any(dest.iterdir()) and read_stamp(dest) is None:
        raise FileExistsError(f"{dest} exists, is not empty and was not written by modelfactory")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    try:
        start = time.perf_counter()
        with _quiet_transformers():
            extra = builder(tmp) or {}
        stamp = _stamp(kind, params)
        stamp["build_seconds"] = round(time.perf_counter() - start, 3)
        stamp.update(extra)
        (tmp / STAMP_NAME).write_text(json.dumps(stamp, indent=2, ensure_ascii=False), encoding="utf-8")
        if dest.exists():
            if is_complete(dest, kind, params):  # another process finished first
                return dest
            old = dest.parent / f".{dest.name}.{uuid.uuid4().hex[:8]}.old"
            try:
                dest.rename(old)
            except OSError:
                pass
            else:
                shutil.rmtree(old, ignore_errors=True)
        try:
            tmp.rename(dest)
        except OSError:
            if is_complete(dest, kind, params):
                return dest
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' logs, progress bars and warnings during a build, then restore them."""
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


# --------------------------------------------------------------------------- sentencepiece


def train_sentencepiece(sentences: Iterable[str], vocab_size: int, *, byte_fallback: bool,
                        normalization: str = "nmt_nfkc") -> bytes:
    """Train a unigram sentencepiece model in memory, Marian-style ids: </s> = 0, <unk> = 1.

    Deterministic (one thread, no shuffling). Returns the serialized model proto.
    """
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_writer=buf,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        byte_fallback=byte_fallback,
        split_digits=True,
        normalization_rule_name=normalization,
        eos_id=0,
        eos_piece=EOS,
        unk_id=1,
        unk_piece=UNK,
        bos_id=-1,
        pad_id=-1,
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return buf.getvalue()


def _spm_pieces(proto: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=proto)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _write_marian_tokenizer(folder: Path, source_proto: bytes, target_proto: bytes, vocab: dict[str, int],
                            *, model_max_length: int, source_lang: str, target_lang: str) -> None:
    """The files of a Helsinki-NLP/opus-mt-* tokenizer, written the way the Hub has them."""
    (folder / "source.spm").write_bytes(source_proto)
    (folder / "target.spm").write_bytes(target_proto)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")
    config = {
        "tokenizer_class": "MarianTokenizer",
        "source_lang": source_lang,
        "target_lang": target_lang,
        "unk_token": UNK,
        "eos_token": EOS,
        "pad_token": PAD,
        "model_max_length": model_max_length,
        "separate_vocabs": False,
        "sp_model_kwargs": {},
        "clean_up_tokenization_spaces": False,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    special = {"eos_token": EOS, "unk_token": UNK, "pad_token": PAD}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2), encoding="utf-8")


def _joint_vocab(*piece_lists: list[str], size: int | None = None) -> dict[str, int]:
    """vocab.json: the pieces of each list in order (first wins), padded to ``size``, <pad> last."""
    vocab: dict[str, int] = {}
    for pieces in piece_lists:
        for piece in pieces:
            if piece not in vocab:
                vocab[piece] = len(vocab)
    if size is not None:
        if len(vocab) + 1 > size:
            raise ValueError(f"{len(vocab) + 1} pieces do not fit a vocabulary of {size}")
        i = 0
        while len(vocab) < size - 1:
            vocab[f"▁<filler{i:05d}>"] = len(vocab)
            i += 1
    vocab[PAD] = len(vocab)
    assert vocab[EOS] == 0 and vocab[UNK] == 1
    return vocab


def _marian_generation_config(pad_id: int, *, max_length: int, num_beams: int, forced_eos: bool = True):
    from transformers import GenerationConfig

    kwargs: dict[str, Any] = dict(
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        pad_token_id=pad_id,
        bad_words_ids=[[pad_id]],
        max_length=max_length,
        num_beams=num_beams,
        renormalize_logits=True,
    )
    if forced_eos:
        kwargs["forced_eos_token_id"] = 0
    return GenerationConfig(**kwargs)


def _marian_config(vocab_size: int, pad_id: int, **shape: Any):
    from transformers import MarianConfig

    return MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        bos_token_id=0,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        architectures=["MarianMTModel"],
        **shape,
    )


def _save_model(model, folder: Path) -> None:
    model.save_pretrained(folder)


# --------------------------------------------------------------------------- random Marian


def _fr_en_spm(vocab_fr: int, vocab_en: int) -> tuple[bytes, bytes]:
    source = train_sentencepiece(corpus.french_corpus(), vocab_fr, byte_fallback=False)
    target = train_sentencepiece(corpus.english_corpus(), vocab_en, byte_fallback=False)
    return source, target


def build_random_marian(dest: str | os.PathLike[str]) -> Path:
    """Random tiny MarianMT fr->en (d_model 64, 2+2 layers, 4 heads) with a real MarianTokenizer.

    source.spm is trained on the French fixture corpus, target.spm on the English one (unigram,
    ``nmt_nfkc`` like opus-mt); vocab.json joins both (``separate_vocabs`` false, as in
    opus-mt-fr-en), ``</s>`` = 0, ``<unk>`` = 1, ``<pad>`` = last id = decoder start.
    max_position_embeddings and model_max_length are 256; generation_config.json has opus-mt's
    settings (beam 4, pad banned, forced ``</s>``) but ``max_length`` 64, because a random model
    rarely emits ``</s>``. Its output is gibberish; use it to test loading, batching and plumbing.
    """
    params = dict(d_model=64, layers=2, heads=4, ffn=128, vocab_fr=700, vocab_en=700,
                  max_positions=RANDOM_MARIAN_MAX_POSITIONS, max_length=64, seed=SEED)

    def build(tmp: Path) -> dict[str, Any]:
        import torch
        from transformers import MarianMTModel

        source, target = _fr_en_spm(params["vocab_fr"], params["vocab_en"])
        vocab = _joint_vocab(_spm_pieces(source), _spm_pieces(target))
        pad_id = vocab[PAD]
        _write_marian_tokenizer(tmp, source, target, vocab, model_max_length=params["max_positions"],
                                source_lang="fr", target_lang="en")
        torch.manual_seed(params["seed"])
        config = _marian_config(
            len(vocab), pad_id, d_model=params["d_model"], encoder_layers=params["layers"],
            decoder_layers=params["layers"], encoder_attention_heads=params["heads"],
            decoder_attention_heads=params["heads"], encoder_ffn_dim=params["ffn"],
            decoder_ffn_dim=params["ffn"], max_position_embeddings=params["max_positions"],
        )
        model = MarianMTModel(config).eval()
        model.generation_config = _marian_generation_config(pad_id, max_length=params["max_length"], num_beams=4)
        _save_model(model, tmp)
        return {"vocab_size": len(vocab)}

    return _cached_build(dest, "random-marian", params, build)


def build_opus_size_random_marian(dest: str | os.PathLike[str]) -> Path:
    """Random model with the exact Helsinki-NLP/opus-mt-fr-en architecture, for benchmarks only.

    6+6 layers, d_model 512, 8 heads, FFN 2048, swish, vocab 59,514 (about 74.6M parameters,
    ~300 MB of fp32 safetensors), max_position_embeddings 512, generation_config as opus-mt
    (beam 4, max_length 512). The tokenizer is the random model's fr/en sentencepiece pair with
    vocab.json padded by filler pieces to 59,514 entries; speed does not depend on weight values.
    Takes a few seconds and ~300 MB of disk: keep it out of the default test run.
    """
    params = dict(OPUS_FR_EN_SHAPE, vocab_fr=700, vocab_en=700, max_length=512, seed=SEED)

    def build(tmp: Path) -> dict[str, Any]:
        import torch
        from transformers import MarianMTModel

        source, target = _fr_en_spm(params["vocab_fr"], params["vocab_en"])
        vocab = _joint_vocab(_spm_pieces(source), _spm_pieces(target), size=OPUS_FR_EN_SHAPE["vocab_size"])
        pad_id = vocab[PAD]
        _write_marian_tokenizer(tmp, source, target, vocab, model_max_length=512,
                                source_lang="fr", target_lang="en")
        torch.manual_seed(params["seed"])
        shape = dict(OPUS_FR_EN_SHAPE)
        shape.pop("vocab_size")
        config = _marian_config(len(vocab), pad_id, **shape)
        model = MarianMTModel(config).eval()
        model.generation_config = _marian_generation_config(pad_id, max_length=params["max_length"], num_beams=4)
        _save_model(model, tmp)
        return {"vocab_size": len(vocab), "parameters": sum(p.numel() for p in model.parameters())}

    return _cached_build(dest, "opus-size-random-marian", params, build)


# --------------------------------------------------------------------------- copy Marian


def _copy_spm(vocab_size: int) -> bytes:
    lines = corpus.french_corpus() + corpus.english_corpus()
    return train_sentencepiece(lines, vocab_size, byte_fallback=True, normalization="identity")


def _construct_copy_weights(model, *, seed: int, token_norm: float, value_gain: float, logit_gain: float,
                            attention_margin: float, high_pairs: int = 16, low_pairs: int = 4) -> dict[str, Any]:
    """Set the weights of a 1+1-layer, 1-head MarianMTModel so that it copies its input.

    Marian's position vector P(s) has sin(s*w_i) in coordinate i and cos(s*w_i) in coordinate
    d/2 + i, w_i = 10000**(-2i/d). Reserved coordinates: the ``high_pairs`` fastest (sin, cos)
    pairs H and the ``low_pairs`` slowest pairs L (w*127 < 0.03). Token embeddings live in the
    other coordinates, orthogonal to every P(s) restricted to them and to the all-ones vector,
    so LayerNorm of "scaled token + P(s)" is (token + P(s) - mu(s)) / sigma(s) with the token
    part never touching H or L, and never touching the output logits' position part.

    Cross-attention reads only H and L, with sparse +-1 rows (exact in int8):
      phi_H = x_H - x_sin(slowest)  = (P_H(s) - ~0) / sigma(s)      (the LayerNorm mean cancels)
      phi_L = x_cos(l) - x_sin(l)   = (~1) / sigma(s)                for each slow pair l
    score(t, s) ~ [phi_H(t).phi_H(s) - (A/|L|) sum_l phi_l(t) phi_l(s)] = [K(t-s) - ~A] / (sigma_t sigma_s)
    with K(D) = sum_{i in H} cos(w_i D): K(0) = |H| > A > max K(D != 0). The diagonal is positive
    and every other entry negative, so the per-position LayerNorm scales, whatever the tokens,
    cannot move the argmax: decoder position t attends to encoder position t. Values are the
    token part, scaled by ``value_gain`` so it outweighs the decoder's previous token; the tied
    output layer maps it back to its id.
    """
    import numpy as np
    import torch

    cfg = model.config
    d, n_pos = cfg.d_model, cfg.max_position_embeddings
    vocab_size, pad_id = cfg.vocab_size, cfg.pad_token_id
    half = d // 2
    eps = model.model.encoder.layers[0].self_attn_layer_norm.eps
    scale = math.sqrt(d) if cfg.scale_embedding else 1.0
    head_dim = d // cfg.decoder_attention_heads
    if cfg.decoder_attention_heads != 1 or 2 * high_pairs + low_pairs > head_dim:
        raise ValueError("the copy construction needs one cross-attention head wide enough for its features")

    # The exact position table the model uses (recomputed by from_pretrained, never saved).
    pos = model.model.encoder.embed_positions.weight.detach().double().numpy()  # (n_pos, d)
    high = list(range(high_pairs)) + [half + i for i in range(high_pairs)]
    slow = list(range(half - low_pairs, half))
    slow_sin, slow_cos = slow, [half + i for i in slow]
    anchor = half - 1  # sin of the slowest frequency: |P| < 0.014 for s < 128
    reserved = set(high) | set(slow_sin) | set(slow_cos)
    free = [j for j in range(d) if j not in reserved]

    # Token space: free coordinates, orthogonal to every P(s) and to the all-ones vector there.
    m = np.vstack([pos[:, free], np.ones((1, len(free)))])
    _, sv, vt = np.linalg.svd(m, full_matrices=True)
    rank = int((sv > sv[0] * 1e-9).sum())
    tok_basis = np.zeros((len(free) - rank, d))
    tok_basis[:, free] = vt[rank:]
    if tok_basis.shape[0] < 64:
        raise ValueError("d_model too small for the number of positions")

    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((vocab_size, tok_basis.shape[0])) @ tok_basis
    emb *= token_norm / np.linalg.norm(emb, axis=1, keepdims=True)
    emb[pad_id] = 0.0
    unit = np.delete(emb, pad_id, axis=0)
    unit = unit / np.linalg.norm(unit, axis=1, keepdims=True)
    cos = unit @ unit.T
    np.fill_diagonal(cos, -1.0)
    max_cos = float(cos.max())

    # Feature rows (in LayerNorm-output coordinates).
    rows_h = np.zeros((len(high), d))
    for k, j in enumerate(high):
        rows_h[k, j] = 1.0
        rows_h[k, anchor] -= 1.0
    rows_l = np.zeros((low_pairs, d))
    for k, (js, jc) in enumerate(zip(slow_sin, slow_cos)):
        rows_l[k, jc], rows_l[k, js] = 1.0, -1.0
    f_h = pos @ rows_h.T  # features times sigma(s); the LayerNorm mean cancels in every row
    f_l = pos @ rows_l.T
    kernel, slow_kernel = f_h @ f_h.T, (f_l @ f_l.T) / low_pairs
    best = (-np.inf, 0.0)
    for a in np.linspace(0.5 * high_pairs, 1.0 * high_pairs, 2001):
        s0 = kernel - a * slow_kernel
        off = s0 - np.diag(np.full(n_pos, np.inf))
        margin = min(float(np.diag(s0).min()), float(-off.max()))
        if margin > best[0]:
            best = (margin, float(a))
    margin, a = best
    if margin <= 0:
        raise AssertionError("position matching is ambiguous")
    # LayerNorm scale sigma(s) of an encoder state (tokens are orthogonal to P(s) and zero-mean).
    centred = pos - pos.mean(axis=1, keepdims=True)
    sigma = np.sqrt(((scale * token_norm) ** 2 + (centred ** 2).sum(axis=1)) / d + eps)
    # Smallest pre-softmax gap: 2 * margin * gain**2 / (sqrt(head_dim) * sigma_max**2) >= attention_margin.
    gain = math.sqrt(attention_margin * math.sqrt(head_dim) * sigma.max() ** 2 / (2 * margin))
    w_q = np.zeros((d, d))
    w_k = np.zeros((d, d))
    n_h = len(high)
    w_q[:n_h], w_k[:n_h] = rows_h * gain, rows_h * gain
    w_q[n_h : n_h + low_pairs] = -rows_l * gain * math.sqrt(a / low_pairs)
    w_k[n_h : n_h + low_pairs] = rows_l * gain * math.sqrt(a / low_pairs)
    tok_proj = tok_basis.T @ tok_basis

    def t(array):
        return torch.tensor(np.asarray(array), dtype=torch.float32)

    with torch.no_grad():
        model.model.shared.weight.copy_(t(emb))
        model.final_logits_bias.zero_()
        for layer in list(model.model.encoder.layers) + list(model.model.decoder.layers):
            # self-attention and feed-forward write zeros; post-LN keeps the residual
            layer.self_attn.out_proj.weight.zero_()
            layer.self_attn.out_proj.bias.zero_()
            layer.fc2.weight.zero_()
            layer.fc2.bias.zero_()
            for ln in (layer.self_attn_layer_norm, layer.final_layer_norm):
                ln.weight.fill_(1.0)
                ln.bias.zero_()
        for layer in model.model.decoder.layers:
            attn = layer.encoder_attn
            attn.q_proj.weight.copy_(t(w_q))
            attn.k_proj.weight.copy_(t(w_k))
            attn.v_proj.weight.copy_(t(tok_proj * value_gain))
            attn.out_proj.weight.copy_(torch.eye(d))
            for lin in (attn.q_proj, attn.k_proj, attn.v_proj, attn.out_proj):
                lin.bias.zero_()
            layer.encoder_attn_layer_norm.weight.fill_(1.0)
            layer.encoder_attn_layer_norm.bias.zero_()
            layer.final_layer_norm.weight.fill_(logit_gain)
    return {
        "position_margin": round(margin, 4),
        "position_threshold": round(a, 4),
        "attention_gain": round(gain, 4),
        "token_dims": int(tok_basis.shape[0]),
        "max_token_cosine": round(max_cos, 4),
    }


def build_copy_marian(dest: str | os.PathLike[str]) -> Path:
    """MarianMT (d_model 256, 1+1 layers) whose translation of any text is that same text.

    Shared sentencepiece vocabulary (unigram, ~1000 pieces with byte fallback, ``identity``
    normalisation, trained on the French + English fixture corpus), the same spm written as
    source.spm and target.spm. Exact for every input of at most ``COPY_MAX_TOKENS`` (127)
    pieces, greedy or beam search, alone or in padded batches; max_position_embeddings,
    model_max_length and generation ``max_length`` are 128. See the module docstring.
    """
    params = dict(d_model=256, layers=1, heads=1, ffn=64, vocab=1000, max_positions=COPY_MAX_POSITIONS,
                  token_norm=0.5, value_gain=12.0, logit_gain=6.0, attention_margin=40.0, high_pairs=16,
                  low_pairs=4, seed=SEED)

    def build(tmp: Path) -> dict[str, Any]:
        import torch
        from transformers import MarianMTModel

        proto = _copy_spm(params["vocab"])
        vocab = _joint_vocab(_spm_pieces(proto))
        pad_id = vocab[PAD]
        _write_marian_tokenizer(tmp, proto, proto, vocab, model_max_length=params["max_positions"],
                                source_lang="fr", target_lang="fr")
        torch.manual_seed(params["seed"])
        config = _marian_config(
            len(vocab), pad_id, d_model=params["d_model"], encoder_layers=params["layers"],
            decoder_layers=params["layers"], encoder_attention_heads=params["heads"],
            decoder_attention_heads=params["heads"], encoder_ffn_dim=params["ffn"],
            decoder_ffn_dim=params["ffn"], max_position_embeddings=params["max_positions"],
        )
        model = MarianMTModel(config).eval()
        info = _construct_copy_weights(
            model, seed=params["seed"], token_norm=params["token_norm"], value_gain=params["value_gain"],
            logit_gain=params["logit_gain"], attention_margin=params["attention_margin"],
            high_pairs=params["high_pairs"], low_pairs=params["low_pairs"],
        )
        model.generation_config = _marian_generation_config(
            pad_id, max_length=params["max_positions"], num_beams=4, forced_eos=False)
        _save_model(model, tmp)
        return {"vocab_size": len(vocab), **info}

    return _cached_build(dest, "copy-marian", params, build)


def copy_sentences(n: int | None = None, seed: int = 0, *, max_chars: int = 120,
                   language: str = "fr") -> list[str]:
    """Sentences that the copy model reproduces exactly (checked by tests/test_modelfactory.py).

    The hand-written fixture sentences of ``language`` ("fr", "en" or "both") first, then
    template sentences for ``seed``; only sentences of at most ``max_chars`` characters (every
    character of the fixture text is one vocabulary piece or more, never more than
    ``max_chars`` + 1 pieces, so the default keeps them well under ``COPY_MAX_TOKENS``). With
    ``n`` None, the hand-written ones only. Deterministic in (n, seed).
    """
    if language not in ("fr", "en", "both"):
        raise ValueError("language must be 'fr', 'en' or 'both'")
    hand: list[str] = []
    if language in ("fr", "both"):
        hand += corpus.FRENCH_SENTENCES
    if language in ("en", "both"):
        hand += corpus.ENGLISH_SENTENCES
    out = [s for s in hand if len(s) <= max_chars]
    if n is None:
        return out
    if n <= len(out):
        rng = random.Random(f"copy-{seed}")
        return rng.sample(out, n)
    k = 0
    while len(out) < n:
        batch: list[str] = []
        if language in ("fr", "both"):
            batch += corpus.french_sentences(64, seed=10_000 + 97 * seed + k)
        if language in ("en", "both"):
            batch += corpus.english_sentences(64, seed=10_000 + 97 * seed + k)
        out += [s for s in batch if len(s) <= max_chars and s not in out]
        k += 1
    return out[:n]


_LOWER_FIRST = ("Le ", "La ", "Les ", "Un ", "Une ", "Des ", "Il ", "Ils ", "Elle ", "Ce ", "Cette ", "Selon ",
                "Pour ", "Au ", "Nous ", "On ")


def long_sentence(min_chars: int = 800, seed: int = 0) -> str:
    """One long French sentence (clauses joined by ", ", one final "."), for the splitting path.

    No ``? ! … «`` and no ". " inside, so a sentence splitter sees one sentence. Every clause
    copies exactly, but the whole is far longer than ``COPY_MAX_TOKENS`` pieces (800 characters
    are about 370 pieces), so it must be split before it reaches the copy model.
    """
    rng = random.Random(f"long-{seed}")
    pool = [s for s in corpus.FRENCH_SENTENCES + tuple(corpus.french_sentences(300, seed=900 + seed))
            if not re.search(r"[?!…«»]|\.\s", s)]
    parts: list[str] = []
    while len(", ".join(parts)) + 1 < min_chars:
        s = rng.choice(pool).rstrip(".").strip()
        if parts and s.startswith(_LOWER_FIRST):
            s = s[0].lower() + s[1:]
        parts.append(s)
    return ", ".join(parts) + "."


# --------------------------------------------------------------------------- tiny causal LM


def build_tiny_causal_lm(dest: str | os.PathLike[str], *, max_context: int = 1024) -> Path:
    """Random tiny Qwen2ForCausalLM (hidden 64, 2 layers, 4 heads / 2 KV heads) with a chat template.

    Tokenizer: Qwen2Tokenizer (fast, byte-level BPE with Qwen2's pre-tokenizer) trained on the
    English and French fixture corpus, 1,000 tokens + ``<|endoftext|>`` (pad), ``<|im_start|>``,
    ``<|im_end|>`` (eos); a ChatML ``chat_template`` (system / user / assistant, default system
    prompt, ``add_generation_prompt``). ``max_context`` sets max_position_embeddings and
    model_max_length (the context the product chunks long inputs to). generation_config.json:
    greedy, eos = ``<|im_end|>`` or ``<|endoftext|>``, max_new_tokens 32. Output is gibberish.
    """
    params = dict(hidden=64, layers=2, heads=4, kv_heads=2, intermediate=128, vocab=1000,
                  max_context=max_context, max_new_tokens=32, seed=SEED)

    def build(tmp: Path) -> dict[str, Any]:
        import torch
        from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer

        base = Qwen2Tokenizer()
        lines = corpus.english_corpus() + corpus.french_corpus()
        specials = ["<|im_start|>", "<|im_end|>"]
        tok = base.train_new_from_iterator(
            [lines[i : i + 256] for i in range(0, len(lines), 256)], vocab_size=params["vocab"],
            new_special_tokens=specials, show_progress=False,
        )
        tok.eos_token = "<|im_end|>"
        tok.pad_token = "<|endoftext|>"
        tok.chat_template = CHATML_TEMPLATE
        tok.model_max_length = params["max_context"]
        tok.save_pretrained(tmp)
        vocab_size = len(tok)
        eos_id = tok.convert_tokens_to_ids("<|im_end|>")
        pad_id = tok.convert_tokens_to_ids("<|endoftext|>")
        torch.manual_seed(params["seed"])
        config = Qwen2Config(
            vocab_size=vocab_size, hidden_size=params["hidden"], intermediate_size=params["intermediate"],
            num_hidden_layers=params["layers"], num_attention_heads=params["heads"],
            num_key_value_heads=params["kv_heads"], max_position_embeddings=params["max_context"],
            tie_word_embeddings=True, bos_token_id=pad_id, eos_token_id=eos_id, pad_token_id=pad_id,
            architectures=["Qwen2ForCausalLM"],
        )
        model = Qwen2ForCausalLM(config).eval()
        model.generation_config = GenerationConfig(
            bos_token_id=pad_id, eos_token_id=[eos_id, pad_id], pad_token_id=pad_id, do_sample=False,
            max_new_tokens=params["max_new_tokens"],
        )
        _save_model(model, tmp)
        return {"vocab_size": vocab_size}

    return _cached_build(dest, "tiny-causal-lm", params, build)


# --------------------------------------------------------------------------- benchmark inputs


def write_generation_config(dest: str | os.PathLike[str], **settings: Any) -> None:
    """Update ``dest``'s generation_config.json with ``settings`` (e.g. min/max new tokens fixed,
    so that every path generates exactly as many tokens)."""
    path = Path(dest) / "generation_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config.update(settings)
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")


def make_segments(count_tokens: Callable[[str], int], count: int, *, seed: int = 0, median: int = 28,
                  longest: int = 100) -> list[str]:
    """``count`` French segments whose token lengths follow a news-like (log-normal) spread.

    ``count_tokens(text)`` counts model input tokens; each segment takes words of the fixture
    corpus, in order, until it reaches its drawn length.
    """
    rng = random.Random(seed)
    words = [w.rstrip(".!?") for w in " ".join(corpus.french_sentences(400, seed=seed)).split()]
    segments, position = [], rng.randrange(len(words))
    for _ in range(count):
        target = max(5, min(longest, int(round(rng.lognormvariate(math.log(median), 0.5)))))
        taken: list[str] = []
        while not taken or count_tokens(_as_sentence(taken)) < target:
            taken.append(words[position % len(words)])
            position += 1
        segments.append(_as_sentence(taken))
    return segments


def _as_sentence(words: list[str]) -> str:
    """Words as one sentence: a capital first, one full stop at the end."""
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def build_trained_copy_marian(dest: str | os.PathLike[str], *, steps: int = 600) -> Path:
    """A tiny Marian (d_model 64, 2+2 layers) *trained* to copy French text.

    Trained (not constructed, unlike ``build_copy_marian``) so that its margins look like a
    real model's: a fair test of whether int8 changes outputs. About a minute on one core.
    """
    params = dict(steps=steps, seed=SEED, vocab=300, d_model=64, layers=2, ffn=256)

    def build(tmp: Path) -> dict[str, Any]:
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        sentences = corpus.french_sentences(400, seed=0)
        proto = train_sentencepiece(sentences, params["vocab"], byte_fallback=False)
        vocab = _joint_vocab(_spm_pieces(proto))
        pad_id = vocab[PAD]
        _write_marian_tokenizer(tmp, proto, proto, vocab, model_max_length=COPY_MAX_POSITIONS,
                                source_lang="fr", target_lang="fr")
        tokenizer = MarianTokenizer.from_pretrained(tmp)
        config = _marian_config(len(vocab), pad_id, d_model=params["d_model"], encoder_layers=params["layers"],
                                decoder_layers=params["layers"], encoder_attention_heads=4,
                                decoder_attention_heads=4, encoder_ffn_dim=params["ffn"],
                                decoder_ffn_dim=params["ffn"], max_position_embeddings=COPY_MAX_POSITIONS)
        config.dropout = 0.0
        rng = random.Random(params["seed"])
        words = [w.rstrip(".!?") for w in " ".join(sentences).split()]
        torch.manual_seed(params["seed"])
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # a tiny model: one thread is as fast, and robust to a busy machine
        try:
            model = MarianMTModel(config)
            optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3)
            schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=4e-3, total_steps=steps,
                                                           pct_start=0.15)
            for _ in range(steps):
                texts = []
                for _ in range(64):
                    n = rng.randint(1, 14)
                    start = rng.randrange(len(words) - n)
                    window = words[start : start + n]
                    texts.append(_as_sentence(window) if rng.random() < 0.5 else " ".join(window))
                batch = tokenizer(texts, return_tensors="pt", padding=True)
                labels = batch["input_ids"].masked_fill(batch["input_ids"] == pad_id, -100)
                loss = model(**batch, labels=labels).loss
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
                with torch.no_grad():  # like opus-mt: <pad> (the decoder start) embeds as zeros
                    model.model.shared.weight[pad_id].zero_()
        finally:
            torch.set_num_threads(threads)
        model.eval()
        model.generation_config = _marian_generation_config(pad_id, max_length=COPY_MAX_POSITIONS, num_beams=4)
        _save_model(model, tmp)
        return {"vocab_size": len(vocab)}

    return _cached_build(dest, "trained-copy-marian", params, build)


BUILDERS: dict[str, Callable[[str | os.PathLike[str]], Path]] = {
    "random-marian": build_random_marian,
    "copy-marian": build_copy_marian,
    "tiny-causal-lm": build_tiny_causal_lm,
    "opus-size-random-marian": build_opus_size_random_marian,
    "trained-copy-marian": build_trained_copy_marian,
}


DEFAULT_KINDS = ("random-marian", "copy-marian", "tiny-causal-lm")


def build_test_models(root: str | os.PathLike[str], kinds: Iterable[str] = DEFAULT_KINDS) -> dict[str, Path]:
    """Build (or reuse) each model of ``kinds`` in ``root/<kind>``; returns {kind: folder}."""
    root = Path(root)
    return {kind: BUILDERS[kind](root / kind) for kind in kinds}


def main(argv: list[str] | None = None) -> int:
    """``python tests/modelfactory.py KIND DEST`` builds one model (for benchmarks and by hand)."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(BUILDERS))
    parser.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    path = BUILDERS[args.kind](args.dest)
    print(f"{path}  ({time.perf_counter() - start:.1f}s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
