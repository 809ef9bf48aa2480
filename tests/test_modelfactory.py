"""The tiny test models: they build in seconds, load through the Auto* classes and behave.

The opus-size benchmark model is only built with PASSEUR_TEST_OPUS_SIZE=1 (~300 MB, seconds).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")

import fixture_corpus as corpus  # tests/ is on sys.path (conftest)
import modelfactory as mf

from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer  # noqa: E402

# MarianTokenizer warns on every load when sacremoses is not installed; it is optional.
pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses:UserWarning")

@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """Tiny models generate ~10x faster on one thread on a small, shared CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("passeur-models")


@pytest.fixture(scope="module")
def random_marian(models_dir) -> Path:
    return mf.build_random_marian(models_dir / "random-marian")


@pytest.fixture(scope="module")
def copy_marian(models_dir) -> Path:
    return mf.build_copy_marian(models_dir / "copy-marian")


@pytest.fixture(scope="module")
def causal_lm(models_dir) -> Path:
    return mf.build_tiny_causal_lm(models_dir / "tiny-causal-lm")


@pytest.fixture(scope="module")
def copy_pair(copy_marian):
    tok = AutoTokenizer.from_pretrained(copy_marian)
    model = AutoModelForSeq2SeqLM.from_pretrained(copy_marian).eval()
    return tok, model


def _translate(tok, model, texts: list[str], *, beams: int, batch_size: int = 16, **gen) -> list[str]:
    out: list[str] = []
    for i in range(0, len(texts), batch_size):
        enc = tok(texts[i : i + batch_size], return_tensors="pt", padding=True)
        with torch.no_grad():
            ids = model.generate(**enc, num_beams=beams, **gen)
        out += tok.batch_decode(ids, skip_special_tokens=True)
    return out


def _mixed_lengths(texts: list[str], seed: int = 0) -> list[str]:
    """Shuffle so every padded batch mixes short and long sentences."""
    texts = list(texts)
    random.Random(seed).shuffle(texts)
    return texts


# --------------------------------------------------------------------------- fixture text


def test_fixture_corpus_is_varied_and_deterministic():
    fr, en = corpus.french_corpus(), corpus.english_corpus()
    assert len(corpus.FRENCH_SENTENCES) >= 80 and len(corpus.ENGLISH_SENTENCES) >= 80
    assert corpus.french_sentences(50, 3) == corpus.french_sentences(50, 3)
    assert corpus.french_sentences(50, 3) != corpus.french_sentences(50, 4)
    text = "\n".join(fr)
    for needle in ("’", "€", "$", "£", "¥", "%", "°C", "é", "à", "ç", "Œ", "«", corpus.NBSP, corpus.NNBSP,
                   "Elon Musk", "OpenAI", "xAI", "97,4 milliards de dollars", "1er", "XXIe siècle", "15 h 30"):
        assert needle in text, needle
    assert any(ch.isdigit() for ch in "".join(en))
    assert len(set(fr)) > 1000


def test_copy_sentences_are_deterministic_and_short():
    assert mf.copy_sentences(40, seed=1) == mf.copy_sentences(40, seed=1)
    assert mf.copy_sentences(40, seed=1) != mf.copy_sentences(40, seed=2)
    assert len(mf.copy_sentences(500, seed=0, language="both")) == 500
    assert all(len(s) <= 120 for s in mf.copy_sentences(500, seed=0))
    assert mf.copy_sentences(None) == [s for s in corpus.FRENCH_SENTENCES if len(s) <= 120]
    long = mf.long_sentence(800, seed=0)
    assert len(long) >= 800 and long.endswith(".") and long.count(". ") == 0
    assert not any(ch in long for ch in "?!…«»")


# --------------------------------------------------------------------------- random Marian


def test_random_marian_loads_with_real_tokenizer(random_marian):
    tok = AutoTokenizer.from_pretrained(random_marian)
    model = AutoModelForSeq2SeqLM.from_pretrained(random_marian).eval()
    assert type(tok).__name__ == "MarianTokenizer"
    assert type(model).__name__ == "MarianMTModel"
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "config.json",
                 "generation_config.json", "model.safetensors"):
        assert (random_marian / name).is_file(), name

    cfg, gen = model.config, model.generation_config
    vocab = json.loads((random_marian / "vocab.json").read_text(encoding="utf-8"))
    assert cfg.vocab_size == len(vocab) == len(tok)
    assert vocab["</s>"] == 0 == cfg.eos_token_id == tok.eos_token_id
    assert vocab["<unk>"] == 1 == tok.unk_token_id
    assert vocab["<pad>"] == len(vocab) - 1 == cfg.pad_token_id == tok.pad_token_id
    assert gen.decoder_start_token_id == cfg.pad_token_id
    assert gen.bad_words_ids == [[cfg.pad_token_id]]
    assert gen.num_beams == 4 and gen.max_length == 64
    assert cfg.max_position_embeddings == tok.model_max_length == mf.RANDOM_MARIAN_MAX_POSITIONS
    assert (cfg.d_model, cfg.encoder_layers, cfg.decoder_layers) == (64, 2, 2)

    # The sentencepiece models were trained on fixture text: no <unk> in French or English.
    fr = "L’offre d’Elon Musk : 97,4 milliards de dollars, soit 12,5 % de plus qu’en 2015 (1 500 €)."
    ids = tok(fr).input_ids
    assert tok.unk_token_id not in ids and ids[-1] == tok.eos_token_id
    en_ids = tok(text_target="The shareholders welcomed the $97.4 billion offer.").input_ids
    assert tok.unk_token_id not in en_ids
    assert tok.decode(en_ids, skip_special_tokens=True) == "The shareholders welcomed the $97.4 billion offer."

    texts = [fr, "Où est la gare ?"]
    enc = tok(texts, return_tensors="pt", padding=True)
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=8)
    decoded = tok.batch_decode(out, skip_special_tokens=True)
    assert len(decoded) == 2 and all(isinstance(s, str) for s in decoded)
    assert out[0, 0].item() == cfg.pad_token_id  # decoder starts from <pad>


# --------------------------------------------------------------------------- copy Marian


def test_copy_marian_loads(copy_pair, copy_marian):
    tok, model = copy_pair
    assert type(tok).__name__ == "MarianTokenizer" and type(model).__name__ == "MarianMTModel"
    assert (copy_marian / "source.spm").read_bytes() == (copy_marian / "target.spm").read_bytes()
    assert model.config.max_position_embeddings == tok.model_max_length == mf.COPY_MAX_POSITIONS
    assert model.generation_config.max_length == mf.COPY_MAX_POSITIONS
    stamp = mf.read_stamp(copy_marian)
    assert stamp["kind"] == "copy-marian" and stamp["position_margin"] > 0.5


def test_copy_marian_copies_exposed_sentences_greedy_and_beam(copy_pair):
    tok, model = copy_pair
    texts = _mixed_lengths(mf.copy_sentences(None, language="both") + mf.copy_sentences(40, seed=0))
    assert max(len(tok(t).input_ids) for t in texts) <= mf.COPY_MAX_TOKENS
    for beams in (1, 4):
        out = _translate(tok, model, texts, beams=beams)
        wrong = [(a, b) for a, b in zip(texts, out) if a != b]
        assert not wrong, f"beam {beams}: {wrong[:3]}"


def test_copy_marian_copies_held_out_and_odd_text(copy_pair):
    tok, model = copy_pair
    held_out = corpus.french_sentences(40, seed=424242) + corpus.english_sentences(16, seed=424242)
    odd = [
        "1\u00a0500 € et 12,5\u202f% : vraiment ?",
        "« Nous ne sommes pas à vendre », a répondu Altman.",
        "Zürich, Kraków, Ærøskøbing — ça passe !",
        "日本語のテキスト 🙂 et Ελληνικά",
        "x",
        "$97.4 billion, £450, ¥92 billion, CHF 310 million",
        "line\nbreak",
    ]
    texts = _mixed_lengths(held_out + odd, seed=1)
    out = _translate(tok, model, texts, beams=4)
    wrong = [(a, b) for a, b in zip(texts, out) if a != b]
    assert not wrong, wrong[:3]


def test_copy_marian_padding_does_not_change_outputs(copy_pair):
    tok, model = copy_pair
    short, long = "Bonjour.", mf.copy_sentences(None)[4]
    alone = _translate(tok, model, [short], beams=4) + _translate(tok, model, [long], beams=4)
    together = _translate(tok, model, [short, long], beams=4)
    assert alone == together == [short, long]


def test_copy_marian_n_best_puts_the_copy_first(copy_pair):
    tok, model = copy_pair
    text = "Sam Altman a rejeté l’offre de 97,4 milliards de dollars."
    enc = tok([text], return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**enc, num_beams=4, num_return_sequences=4, output_scores=True,
                             return_dict_in_generate=True)
    hyps = tok.batch_decode(out.sequences, skip_special_tokens=True)
    assert hyps[0] == text and len(hyps) == 4
    assert out.sequences_scores[0] > out.sequences_scores[1]


def test_copy_marian_handles_the_longest_input(copy_pair):
    tok, model = copy_pair
    rng = random.Random(7)
    special = {tok.pad_token_id, tok.eos_token_id, tok.unk_token_id}
    ids = [i for i in (rng.randrange(len(tok)) for _ in range(400)) if i not in special][: mf.COPY_MAX_TOKENS]
    enc = {"input_ids": torch.tensor([ids + [tok.eos_token_id]]),
           "attention_mask": torch.ones(1, len(ids) + 1, dtype=torch.long)}
    with torch.no_grad():
        greedy = model.generate(**enc, num_beams=1)
    assert greedy[0, 1 : 1 + len(ids)].tolist() == ids

    long = mf.long_sentence(800, seed=0)
    assert len(tok(long).input_ids) > mf.COPY_MAX_POSITIONS  # must be split before translation
    clauses = long.rstrip(".").split(", ")
    assert ", ".join(_translate(tok, model, clauses, beams=4)) + "." == long


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:torch.quantize_per_tensor:UserWarning")
def test_copy_marian_survives_dynamic_int8(copy_marian):
    tok = AutoTokenizer.from_pretrained(copy_marian)
    model = AutoModelForSeq2SeqLM.from_pretrained(copy_marian).eval()
    qmodel = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    texts = _mixed_lengths(mf.copy_sentences(24, seed=5, language="both"))
    assert _translate(tok, qmodel, texts, beams=4) == texts


# --------------------------------------------------------------------------- causal LM


def test_tiny_causal_lm_chat_template_and_generate(causal_lm):
    tok = AutoTokenizer.from_pretrained(causal_lm)
    model = AutoModelForCausalLM.from_pretrained(causal_lm).eval()
    assert type(model).__name__ == "Qwen2ForCausalLM"
    assert tok.is_fast
    assert tok.eos_token == "<|im_end|>" and tok.pad_token == "<|endoftext|>"
    assert model.config.eos_token_id == tok.eos_token_id
    assert tok.model_max_length == model.config.max_position_embeddings == 1024
    gen = model.generation_config
    assert gen.do_sample is False and tok.eos_token_id in gen.eos_token_id

    messages = [
        {"role": "system", "content": "You summarize French news in English."},
        {"role": "user", "content": "Résume : Elon Musk a proposé 97,4 milliards de dollars pour OpenAI."},
    ]
    prompt = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    assert prompt.startswith("<|im_start|>system\nYou summarize French news in English.<|im_end|>\n")
    assert "<|im_start|>user\nRésume : Elon Musk" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")
    default_system = tok.apply_chat_template(messages[1:], add_generation_prompt=False, tokenize=False)
    assert default_system.startswith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>")
    assert not default_system.endswith("assistant\n")

    # transformers 5: apply_chat_template(..., return_tensors="pt") returns a BatchEncoding.
    enc = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
    assert set(enc.keys()) >= {"input_ids", "attention_mask"}
    assert tok.decode(enc["input_ids"][0]) == prompt
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=12)
    assert out.shape[1] > enc["input_ids"].shape[1]
    text = tok.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True)
    assert isinstance(text, str)

    s = "L’offre de 97,4 milliards de dollars — 12 € ou $97.4 billion."
    assert tok.decode(tok(s).input_ids) == s  # byte-level BPE is lossless


# --------------------------------------------------------------------------- caching


def _digest(folder: Path) -> dict[str, str]:
    return {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.iterdir())
        if f.is_file() and f.name != mf.STAMP_NAME
    }


def test_builds_are_deterministic(tmp_path, copy_marian, random_marian, causal_lm):
    for kind, first in (("copy-marian", copy_marian), ("random-marian", random_marian), ("tiny-causal-lm", causal_lm)):
        again = mf.BUILDERS[kind](tmp_path / kind)
        assert _digest(again) == _digest(first), kind


def test_builds_are_idempotent_and_atomic(tmp_path, copy_marian):
    stamp_before = (copy_marian / mf.STAMP_NAME).read_text(encoding="utf-8")
    start = time.perf_counter()
    assert mf.build_copy_marian(copy_marian) == copy_marian
    assert time.perf_counter() - start < 0.5
    assert (copy_marian / mf.STAMP_NAME).read_text(encoding="utf-8") == stamp_before
    assert not [p for p in copy_marian.parent.iterdir() if p.name.endswith((".tmp", ".old"))]

    # A stale stamp (older factory version) is rebuilt in place.
    dest = tmp_path / "lm"
    mf.build_tiny_causal_lm(dest)
    stamp = json.loads((dest / mf.STAMP_NAME).read_text(encoding="utf-8"))
    stamp["factory_version"] = -1
    (dest / mf.STAMP_NAME).write_text(json.dumps(stamp), encoding="utf-8")
    assert mf.is_complete(dest, "tiny-causal-lm") is False
    assert mf.is_complete(tmp_path / "nothing-here", "tiny-causal-lm") is False
    mf.build_tiny_causal_lm(dest)
    assert mf.is_complete(dest, "tiny-causal-lm") and not mf.is_complete(dest, "copy-marian")
    assert mf.read_stamp(dest)["factory_version"] == mf.FACTORY_VERSION

    # A folder that modelfactory did not write is never overwritten.
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        mf.build_random_marian(foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_build_test_models_reuses_builds(models_dir, copy_marian, random_marian, causal_lm):
    start = time.perf_counter()
    built = mf.build_test_models(models_dir)
    assert time.perf_counter() - start < 1.0  # all three already built: stamps only
    assert built == {"random-marian": random_marian, "copy-marian": copy_marian, "tiny-causal-lm": causal_lm}
    for path in built.values():
        assert mf.read_stamp(path)["build_seconds"] < 60


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("PASSEUR_TEST_OPUS_SIZE") != "1",
                    reason="~300 MB benchmark model; set PASSEUR_TEST_OPUS_SIZE=1")
def test_opus_size_random_marian(models_dir):
    path = mf.build_opus_size_random_marian(models_dir / "opus-size")
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path).eval()
    cfg = model.config
    assert (cfg.vocab_size, cfg.d_model, cfg.encoder_layers, cfg.decoder_layers) == (59514, 512, 6, 6)
    assert (cfg.encoder_attention_heads, cfg.encoder_ffn_dim, cfg.max_position_embeddings) == (8, 2048, 512)
    assert len(tok) == 59514 and tok.pad_token_id == 59513
    assert 74_000_000 < sum(p.numel() for p in model.parameters()) < 76_000_000
    enc = tok(["Elon Musk a proposé 97,4 milliards de dollars."], return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**enc, num_beams=1, max_new_tokens=4, min_new_tokens=4)
    assert out.shape[1] == 5
    assert isinstance(tok.decode(out[0], skip_special_tokens=True), str)
