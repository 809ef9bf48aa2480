"""The CTranslate2 path's tokenizer: MarianTokenizer's ids and texts, without transformers or torch.

tests/data/news_fr_sample.txt holds lines of the public WMT news test sets newstest2013 and
news-test2008 (French side): every line with typographic punctuation that Moses' normaliser
would rewrite (« », ’, no-break spaces, " :"), and every 40th line of the rest.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from passeur.translation.tokenizer import MarianSentencePiece, supports_marian_layout

DATA = Path(__file__).parent / "data"
EDGE_CASES = ["", "   ", "a </s> b", "<unk>x", "x<pad>y", ">>fr<< Bonjour", "a\nb\tc", "  lead and trail  ",
              "\u00a0espaces\u00a0insécables\u00a0", "« Oui » , dit-il : 1\u00a0500 € …", "l’homme d’État"]


def sentences() -> list[str]:
    news = (DATA / "news_fr_sample.txt").read_text(encoding="utf-8").splitlines()
    seed = [line for line in (DATA / "seed.fr.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    return news + seed + EDGE_CASES


@pytest.fixture(scope="module")
def tokenizers(random_model):
    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sacremoses is installed: MarianTokenizer must not warn
        reference = MarianTokenizer.from_pretrained(str(random_model))
    return MarianSentencePiece(random_model), reference


def test_ids_equal_marian_tokenizer(tokenizers):
    ours, reference = tokenizers
    texts = sentences()
    assert len(texts) > 300
    for text in texts:
        assert ours.encode(text) == reference(text)["input_ids"], text
    assert any(reference.unk_token_id in ours.encode(text) for text in texts)  # unknown pieces are covered too


def test_decoding_equals_batch_decode(tokenizers):
    ours, reference = tokenizers
    rng = random.Random(0)
    encoded = [reference(t)["input_ids"] for t in sentences()]
    special = [reference.eos_token_id, reference.pad_token_id, reference.unk_token_id]
    for _ in range(500):
        ids = list(rng.choice(encoded)) + [rng.choice(special) for _ in range(rng.randint(0, 2))]
        ids += [rng.randrange(len(ours.vocab)) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.3:
            rng.shuffle(ids)
        expected = reference.batch_decode([ids], skip_special_tokens=True, clean_up_tokenization_spaces=False)[0]
        assert ours.decode([ours.piece(i) for i in ids]) == expected


def test_supports_only_shared_vocabulary_marian_folders(random_model, tmp_path):
    assert supports_marian_layout(random_model)
    assert not supports_marian_layout(tmp_path)
    for name in ("source.spm", "target.spm", "vocab.json"):
        (tmp_path / name).write_bytes((Path(random_model) / name).read_bytes())
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"separate_vocabs": True}), encoding="utf-8")
    assert not supports_marian_layout(tmp_path)


def test_ct2_path_imports_neither_torch_nor_transformers(random_model, tmp_path):
    pytest.importorskip("ctranslate2")
    env = dict(os.environ, PASSEUR_CACHE=str(tmp_path / "cache"))
    convert = f"from passeur.translation.ct2 import ensure_converted; ensure_converted({str(random_model)!r}, 'int8')"
    subprocess.run([sys.executable, "-c", convert], check=True, env=env, capture_output=True)
    run = ("import sys; from passeur.translation.ct2 import CT2Engine; "
           f"e = CT2Engine({str(random_model)!r}, device='cpu', beam_size=2); "
           "out = e.translate_one(['Le président a parlé.']); "
           "print(len(out), [m for m in ('torch', 'transformers') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["1", "[]"]


def test_no_sacremoses_warning_on_either_backend(random_model, tmp_path):
    env = dict(os.environ, PASSEUR_CACHE=str(tmp_path / "cache"))
    for backend in ("transformers", "ctranslate2"):
        done = subprocess.run([sys.executable, "-W", "always", "-m", "passeur", "translate", "--model", str(random_model),
                               "--backend", backend, "--no-tm"], input="Le président a parlé.\n",
                              capture_output=True, text=True, env=env)
        assert done.returncode in (0, 3), done.stderr[-1500:]
        assert done.stdout.strip() and "sacremoses" not in done.stderr
