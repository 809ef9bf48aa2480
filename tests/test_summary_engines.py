"""Summary engines: extractive on the sample, and tiny random models through the real loading code.

The tiny chat model is conftest's `chat_model` (tests/modelfactory.py: a random Qwen2 with a
ChatML template, 1,024 positions). The tiny models' text is random: those tests check plumbing
(prompts rendered, chat template applied, chunks summarized and combined, shapes enforced or
reported), never quality.
"""
from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from passeur.fidelity.entry import Entry
from passeur.errors import ModelUnavailableError, UsageError
from passeur.summary.prompts import load_prompts
from passeur.summary.summarizer import summarize
from passeur.summary.extractive import ExtractiveEngine
from passeur.summary.selection import split_units
from passeur.summary.engine import SummaryRequest
from passeur.summary.factory import create_summary_engine
from passeur.summary.hf import InstructEngine, Seq2SeqEngine
from passeur.summary.shape import TIERS, check_shape, count_words, shape_for, split_sentences

DATA = Path(__file__).parent / "data"
SAMPLE = (DATA / "summary_sample.en.txt").read_text(encoding="utf-8")
PROMPTS = load_prompts(environ={})
GLOSSARY = [Entry("organization", "Lumora", "Lumora"), Entry("money", "€2.4 billion", "€2.4 billion")]


def no_check(text):
    return []


# -- extractive -------------------------------------------------------------------------------------
def extract_all(text: str) -> dict:
    result = summarize(text, engine=ExtractiveEngine(), prompts=PROMPTS, checker=no_check)
    return result.to_json()


def test_extractive_gives_every_tier_in_shape():
    data = extract_all(SAMPLE)
    for tier in TIERS:
        assert check_shape(tier, data[tier], SAMPLE) == [], tier
    assert count_words(data["one_line"]) <= 30 and len(split_sentences(data["one_line"])) == 1
    assert 60 <= count_words(data["paragraph"]) <= 150 and "\n" not in data["paragraph"]
    assert count_words(data["full"]) <= 700 * 35 // 100
    assert data["full"].count("\n\n") == 4  # one paragraph per section
    assert data["fidelity"]["ok"] and not data["fidelity"]["regenerated"] and not data["fidelity"]["shape"]


def test_extractive_is_deterministic_and_copies_source_sentences():
    first, second = extract_all(SAMPLE), extract_all(SAMPLE)
    assert first == second
    source = {s.text for s in split_sentences(SAMPLE)}
    for tier in TIERS:
        for sentence in split_sentences(first[tier]):
            assert sentence.text in source
    assert first["one_line"].startswith("The Dutch energy company Lumora has won a €2.4 billion contract")


def test_extractive_keeps_document_order_and_skips_headings():
    units = split_units(SAMPLE)
    assert all(u.text != "Money and jobs" for u in units)
    positions = [SAMPLE.index(u.text) for u in units]
    assert positions == sorted(positions)
    positions = [SAMPLE.index(s.text) for s in split_sentences(extract_all(SAMPLE)["paragraph"])]
    assert positions == sorted(positions)


def test_extractive_on_a_short_text_without_headings():
    text = "Lumora won the contract on Tuesday. The farm will float on a lake. Parliament votes in June."
    data = extract_all(text)
    for tier in TIERS:
        assert check_shape(tier, data[tier], text) == [], (tier, data[tier])
    assert data["one_line"] == "Lumora won the contract on Tuesday."


def test_extractive_when_no_sentence_is_short_enough_for_one_line():
    long = ("The Dutch energy company Lumora, which is based in Utrecht, has won a contract worth €2.4 billion, "
            "the government said on Tuesday, to build a floating solar farm that will cover 1,100 hectares of water.")
    engine = ExtractiveEngine()
    shape = shape_for("one_line", long)
    line = engine.generate(SummaryRequest("one_line", long, min_words=shape.min_words, max_words=shape.max_words))
    assert count_words(line) <= 30 and line.endswith(".") and long.startswith(line[:-1])


# -- importing stays light ----------------------------------------------------------------------------
def test_importing_the_summary_modules_does_not_import_torch():
    code = ("import sys, passeur.summary.summarizer, passeur.summary.engine, passeur.summary.factory, passeur.summary.hf, passeur.summary.prompts, passeur.summary.shape,"
            " passeur.summary.extractive, passeur.summary.checks;"
            "print(json.dumps(sorted(m for m in ('torch', 'transformers') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", "import json;" + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


# -- choosing and loading engines ----------------------------------------------------------------------
def test_factory_checks_engine_and_model(monkeypatch):
    with pytest.raises(UsageError, match="choose one of instruct, seq2seq, extractive"):
        create_summary_engine("abstractive")
    with pytest.raises(UsageError, match="uses no model"):
        create_summary_engine("extractive", "some/model")
    assert isinstance(create_summary_engine("extractive"), ExtractiveEngine)


def test_uncached_hub_model_offline_is_one_clear_line(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError) as caught:
        create_summary_engine("instruct", "passeur-tests/no-such-instruct-model")
    message = str(caught.value)
    assert "\n" not in message and "passeur-tests/no-such-instruct-model" in message
    assert "passeur models pull passeur-tests/no-such-instruct-model" in message and "--model" in message
    assert caught.value.exit_code == 5


def test_missing_folder_is_model_unavailable(tmp_path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        create_summary_engine("seq2seq", str(tmp_path / "nope" / "model"))


# -- tiny models -------------------------------------------------------------------------------------
SPECIAL = ["<pad>", "<unk>", "<s>", "</s>"]


def _word_tokenizer(dest: Path):
    """A word-level tokenizer over the sample and the prompts, saved to `dest` (for a tiny BART)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    prompt_files = sorted(Path(PROMPTS["full"].path).parent.glob("*.txt"))
    corpus = SAMPLE + "".join(p.read_text(encoding="utf-8") for p in prompt_files)
    words = sorted(set(re.findall(r"\w+|[^\w\s]", corpus)))
    vocab = {w: i for i, w in enumerate(SPECIAL + [w for w in words if w not in SPECIAL])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    backend.decoder = decoders.WordPiece(prefix="##")
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>", unk_token="<unk>", bos_token="<s>",
                                        eos_token="</s>")
    tokenizer.save_pretrained(dest)
    return vocab


@pytest.fixture(scope="module")
def tiny_bart(tmp_path_factory) -> Path:
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    dest = tmp_path_factory.mktemp("tiny-bart")
    vocab = _word_tokenizer(dest)
    torch.manual_seed(0)
    config = BartConfig(vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1,
                        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                        decoder_ffn_dim=64, max_position_embeddings=160, pad_token_id=0, bos_token_id=2,
                        eos_token_id=3, decoder_start_token_id=3, forced_eos_token_id=3)
    BartForConditionalGeneration(config).save_pretrained(dest)
    return dest


LINE_BREAKS = ("\n", "\n\n", "\n\n\n", ".\n", ".\n\n")
ASSISTANT_TURN = re.compile(r"<\|im_start\|>\s*assistant\s*$")


class RecordingInstruct(InstructEngine):
    """The real engine, remembering what it was asked and what the chat template made of it.

    `cap` bounds the tokens generated per request: a random model never stops on its own,
    and its text is noise anyway (this keeps the test fast).
    """

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requests, self.prompts_seen, self.cap = [], [], cap

    def generate(self, request):
        self.requests.append(request)
        self.prompts_seen.append(self.tokenizer.decode(self.encode_prompt(request.messages)["input_ids"][0]))
        if self.cap:  # also ban bare line breaks, the random model's favourite (through the real `avoid`)
            request = dataclasses.replace(request, max_new_tokens=min(self.cap, request.max_new_tokens),
                                          avoid=request.avoid + LINE_BREAKS)
        return super().generate(request)


def test_instruct_engine_loads_lazily_and_applies_the_chat_template(chat_model):
    engine = RecordingInstruct(chat_model, name="tiny")
    assert engine._model is None  # nothing loaded until asked
    messages = tuple(PROMPTS["one_line"].render(text="Lumora won the contract.", glossary="- Lumora", max_words=30,
                                                shape="one sentence"))
    answer = engine.generate(SummaryRequest("one_line", "Lumora won the contract.", messages, max_new_tokens=12))
    assert isinstance(answer, str)  # random weights: maybe only whitespace, but decoded text
    seen = engine.prompts_seen[0]
    assert re.match(r"<\|im_start\|>\s*system", seen) and ASSISTANT_TURN.search(seen)
    assert "Lumora won the contract" in seen and "at most 30 words" in seen
    assert engine.stats.segments == 1 and 0 < engine.stats.generated_tokens <= 12
    assert engine.describe()["engine"] == "instruct" and engine.describe()["device"] == "cpu"


def test_instruct_engine_via_factory_and_summarize_with_chunks(chat_model, monkeypatch):
    factory_engine = create_summary_engine("instruct", str(chat_model), device="cpu", max_context=1000)
    assert isinstance(factory_engine, InstructEngine) and factory_engine.context_tokens() == 1000
    engine = RecordingInstruct(chat_model, name="tiny", device="cpu", max_context=1000, cap=24)
    text = "\n".join(SAMPLE.splitlines()[:9])  # three sections, about 380 words
    result = summarize(text, engine=engine, prompts=PROMPTS, glossary_entries=GLOSSARY, checker=no_check)
    combined = [r for r in engine.requests if "Summaries of the parts" in r.messages[-1]["content"]]
    direct = [r for r in engine.requests if r.text == text]
    parts = [r for r in engine.requests if r not in combined and r not in direct]
    assert len(parts) >= 2, "the sample does not fit 1000 tokens with the full prompt: it must be chunked"
    assert all(r.tier == "full" for r in parts)
    assert "full" in {r.tier for r in combined}  # one-line and paragraph need less room: may fit whole
    assert {r.tier for r in combined + direct} == set(TIERS)
    assert all(engine.count_tokens(r.text) < engine.count_tokens(text) for r in parts)
    assert all(r.text in text for r in parts)
    assert "".join(r.text for r in parts).count("Lumora, based in Utrecht") >= 1  # nothing left out
    assert all("- €2.4 billion" in r.messages[-1]["content"] for r in engine.requests)
    assert all(ASSISTANT_TURN.search(p) for p in engine.prompts_seen)
    data = result.to_json()
    shape_reported = {entry["tier"] for entry in data["fidelity"]["shape"]}
    for tier in TIERS:
        assert isinstance(data[tier], str)
        assert tier in shape_reported or check_shape(tier, data[tier], text) == []
    assert count_words(data["one_line"]) <= 30
    assert "\n" not in data["paragraph"] and count_words(data["paragraph"]) <= 150
    assert count_words(data["full"]) <= count_words(text) * 35 // 100
    assert data["fidelity"]["regenerated"], "random text is out of shape: each tier is asked again once"


def test_model_without_chat_template_is_refused(tiny_bart):
    engine = InstructEngine(tiny_bart, name="tiny-bart")
    with pytest.raises(ModelUnavailableError, match="no chat template"):
        engine.generate(SummaryRequest("one_line", "x", ({"role": "user", "content": "x"},)))


def test_broken_model_folder_is_model_unavailable(chat_model, tmp_path):
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (tmp_path / name).write_bytes((chat_model / name).read_bytes())
    engine = create_summary_engine("instruct", str(tmp_path))
    with pytest.raises(ModelUnavailableError) as caught:
        engine.generate(SummaryRequest("one_line", "x", ({"role": "user", "content": "x"},)))
    assert "cannot be loaded" in str(caught.value) and "\n" not in str(caught.value)


def test_seq2seq_engine_summarizes_in_chunks_that_fit(tiny_bart):
    engine = create_summary_engine("seq2seq", str(tiny_bart), device="cpu")
    assert isinstance(engine, Seq2SeqEngine) and engine.context_tokens() <= 160
    text = "\n".join(SAMPLE.splitlines()[:6])  # about 260 words: several chunks for a 160-token model
    result = summarize(text, tiers=["one-line"], engine=engine, prompts=PROMPTS, checker=no_check)
    assert isinstance(result.one_line, str) and count_words(result.one_line) <= 30
    assert result.paragraph is None
    assert engine.stats.segments >= 4  # chunks, then combining
    assert engine.stats.source_tokens / engine.stats.segments <= 160  # every input fit: nothing truncated


def test_extractive_summaries_pass_passeurs_own_checker():
    pytest.importorskip("passeur.fidelity.checker")
    result = summarize(SAMPLE, engine=ExtractiveEngine(), prompts=PROMPTS)  # the default checker
    fidelity = result.to_json()["fidelity"]
    assert fidelity["checked"] and fidelity["ok"]
    assert not any(fidelity[k] for k in ("repaired", "dropped", "regenerated", "unresolved", "shape"))


@pytest.mark.real_model
@pytest.mark.slow
def test_default_instruct_model_summarizes_the_sample_in_shape():
    from passeur.models.store import DEFAULT_SUMMARY_MODEL, find_cached

    if find_cached(DEFAULT_SUMMARY_MODEL) is None:
        pytest.skip(f"{DEFAULT_SUMMARY_MODEL} is not on disk (passeur models pull {DEFAULT_SUMMARY_MODEL})")
    engine = create_summary_engine("instruct", DEFAULT_SUMMARY_MODEL, device="cpu")
    result = summarize(SAMPLE, engine=engine, prompts=PROMPTS, glossary_entries=GLOSSARY)
    data = result.to_json()
    assert data["fidelity"]["ok"], data["fidelity"]
    for tier in TIERS:
        assert count_words(data[tier]) <= shape_for(tier, SAMPLE).max_words
    assert "Lumora" in data["one_line"]
