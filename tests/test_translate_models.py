"""The real loading and generation path, on tiny models built during the test run."""
import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import modelfactory
from passeur.api import build_translator, translate_text
from passeur.cli import Environment, cli
from passeur.translation.pipeline import translate_document


def plain_sentences(n, seed=0):
    """Copyable French sentences without figures (the guard would rightly rewrite those)."""
    pool = [s for s in modelfactory.copy_sentences(n * 4, seed=seed) if not any(c.isdigit() for c in s)]
    return pool[:n]


@pytest.fixture(scope="module")
def copier(copy_model):
    # Greedy: the constructed copy model gives an early end-of-sentence a little weight after
    # some guillemets, which a beam search that stops at its first finished hypotheses takes.
    return build_translator(str(copy_model), guard=False, beam_size=1)


def test_order_kept_across_batches_of_mixed_lengths(copy_model):
    from passeur.translation.marian import MarianEngine

    engine = MarianEngine(copy_model, beam_size=2, batch_tokens=300, max_batch_size=5)
    rng = random.Random(3)
    sentences = modelfactory.copy_sentences(60, seed=1)
    rng.shuffle(sentences)
    assert engine.translate_one(sentences) == sentences
    assert engine.stats.segments == 60 and engine.stats.generated_tokens > 0


def test_paragraph_structure_is_preserved(copier):
    s = plain_sentences(8, seed=2)
    text = (f"# {s[0]}\n\n{s[1]} {s[2]}\n\n- {s[3]}\n- {s[4]}\n\n   {s[5]}\n\n\n> {s[6]}\n"
            f"1. {s[7]} `code_span()` https://example.org/x\n")
    assert translate_document(text, copier, source_lang="fr").translation == text


def test_five_thousand_words_come_back_complete(copier):
    sentences = plain_sentences(400, seed=4)
    paragraphs, words = [], 0
    while words < 5000:
        chunk = " ".join(sentences[len(paragraphs) * 5 % 395:][:5])
        paragraphs.append(chunk)
        words += len(chunk.split())
    text = "\n\n".join(paragraphs) + "\n"
    result = translate_document(text, copier, source_lang="fr")
    assert result.translation == text
    assert result.stats["segments"] >= len(paragraphs)


def test_a_600_word_sentence_without_punctuation_comes_back_complete(copier, copy_model):
    words = " ".join(plain_sentences(120, seed=5)).replace(".", "").replace(",", "").split()
    text = " ".join(words[:600])
    assert len(text.split()) == 600
    result = translate_document(text, copier, source_lang="fr")
    assert result.translation == text
    assert result.stats["segments"] > 1  # it had to be split to fit the model
    assert copier.describe()["engine"] == "ctranslate2"  # the default backend


def test_guard_on_the_copy_model_rewrites_french_figures_to_house_style(copy_model):
    result = translate_text("Sam Altman a rejeté 97,4 milliards de dollars.", model=str(copy_model),
                            source_lang="fr")
    assert "$97.4 billion" in result.translation and "Sam Altman" in result.translation
    assert result.fidelity["ok"]


def test_random_model_loads_through_the_same_path_and_gives_n_best(random_model):
    engine = build_translator(str(random_model), guard=False, beam_size=3)
    sentences = modelfactory.copy_sentences(6, seed=7)
    hyps = engine.translate(sentences, n_best=3)
    assert len(hyps) == 6 and all(len(h) == 3 for h in hyps)
    assert engine.describe()["model"] == str(random_model)


def test_cli_translate_with_local_model_folder_to_file(copy_model, tmp_path):
    source = tmp_path / "in.fr.txt"
    text = "\n\n".join(plain_sentences(3, seed=8)) + "\n"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.en.txt"
    err = io.StringIO()
    env = Environment(io.BytesIO(), io.StringIO(), err, {})
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(out), "--model", str(copy_model),
                                      "--source-lang", "fr", "--stats"], obj=env)
    assert result.exit_code == 0, err.getvalue()
    assert out.read_text(encoding="utf-8") == text
    assert '"segments": 3' in err.getvalue()


def test_stdin_to_stdout_through_a_real_pipe(copy_model):
    text = "\n".join(plain_sentences(4, seed=9)) + "\n"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "passeur", "translate", "--model", str(copy_model),
                           "--source-lang", "fr"], input=text.encode(), capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode() == text
    assert proc.stderr == b""  # stderr is not a terminal: no progress bar, no log


def test_broken_model_folder_is_exit_5(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "config.json").write_text("{not json", encoding="utf-8")
    err = io.StringIO()
    env = Environment(io.BytesIO("Bonjour à tous, voici une phrase.".encode()), io.StringIO(), err, {})
    result = CliRunner().invoke(cli, ["translate", "--model", str(folder), "--source-lang", "fr"], obj=env)
    assert result.exit_code == 5, err.getvalue()
    assert "broken" in err.getvalue() and "Traceback" not in err.getvalue()


REAL = Path(os.environ.get("PASSEUR_REAL_MODEL", ""))


@pytest.mark.real_model
def test_real_default_model_translates_the_seed_like_sample():
    from passeur.models.store import DEFAULT_TRANSLATION_MODEL, find_cached

    folder = REAL if str(REAL) not in ("", ".") and REAL.exists() else None
    cached = folder or (find_cached(DEFAULT_TRANSLATION_MODEL) and find_cached(DEFAULT_TRANSLATION_MODEL).path)
    if not cached:
        pytest.skip("the real opus-mt-fr-en weights are not on disk (passeur models pull Helsinki-NLP/opus-mt-fr-en)")
    text = (Path(__file__).parent / "data" / "seed.fr.txt").read_text(encoding="utf-8")
    result = translate_text(text, model=str(cached))
    for form in ("$97.4 billion", "Sam Altman", "Elon Musk", "OpenAI", "xAI", "Baron Capital Group", "White House"):
        assert form in result.translation
    assert result.translation.count("\n") == text.count("\n")


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_stats_count_the_load_apart_from_the_translation(random_model, backend):
    """--stats: load_seconds is the model's loading on both backends (it was 0.0 on the
    transformers one, whose loading was counted as translating)."""
    from passeur.api import build_translator

    engine = build_translator(str(random_model), backend=backend, guard=False)
    result = translate_document("Le conseil régional a voté jeudi.", engine, source_lang="fr")
    assert result.stats["load_seconds"] > 0
    again = translate_document("Le port de Lorient a grandi.", engine, source_lang="fr")
    assert again.stats["load_seconds"] == 0  # loaded once
