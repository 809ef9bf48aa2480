"""The CTranslate2 backend on tiny local models: conversion, cache, translation, n-best, stats."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from passeur.translation.engine import plan_batches

pytest.importorskip("ctranslate2")

from passeur.translation import ct2 as ct2_engine
from passeur.translation.ct2 import CT2Engine, ensure_converted  # noqa: E402
from passeur.translation.engine import TranslationEngine  # noqa: E402


@pytest.fixture(scope="module")
def random_model(tmp_path_factory) -> Path:
    from modelfactory import build_random_marian

    return build_random_marian(tmp_path_factory.mktemp("random-marian") / "model")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PASSEUR_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "ct2"


def test_import_is_light():
    code = ("import sys, passeur, passeur.translation.ct2, passeur.api, passeur.cli; "
            "heavy = [m for m in ('torch', 'ctranslate2', 'transformers') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_float32_translation_matches_the_model(copy_model):
    """The copy model copies exactly in fp32: any conversion error would show here."""
    from modelfactory import copy_sentences

    sentences = copy_sentences(12, seed=3)
    engine = CT2Engine(copy_model, device="cpu", compute_type="float32", beam_size=4)
    assert isinstance(engine, TranslationEngine)
    assert engine.translate_one(sentences) == sentences


def test_translates_in_order_with_empty_sentences(random_model):
    engine = CT2Engine(random_model, device="cpu", beam_size=2)
    sentences = ["Le ministre a parlé mardi.", "", "Les prix ont baissé de 8 % en un an, selon l'Insee.", "  "]
    out = engine.translate(sentences)
    assert len(out) == 4
    assert out[1] == [""] and out[3] == [""]
    assert all(len(hyps) == 1 and isinstance(hyps[0], str) for hyps in out)
    # each sentence alone gives what it gave in the batch (batching and sorting keep order)
    assert engine.translate_one([sentences[2]]) == [out[2][0]]


def test_n_best_is_distinct_and_sorted(random_model):
    engine = CT2Engine(random_model, device="cpu", beam_size=2)
    scored = engine.translate_scored(["Le ministre a parlé mardi.", "Elon Musk a quitté OpenAI en 2018."], n_best=3)
    for hyps in scored:
        assert len(hyps) == 3  # beam widened to n_best
        texts = [t for t, _ in hyps]
        scores = [s for _, s in hyps]
        assert len(set(texts)) == 3
        assert scores == sorted(scores, reverse=True)
    plain = engine.translate(["Le ministre a parlé mardi.", "Elon Musk a quitté OpenAI en 2018."], n_best=3)
    assert [[t for t, _ in hyps] for hyps in scored] == plain


def test_stats_come_from_the_run(random_model):
    from modelfactory import write_generation_config

    folder = random_model.parent / "fixed-length"
    if not folder.exists():
        import shutil

        shutil.copytree(random_model, folder)
    write_generation_config(folder, min_new_tokens=5, max_new_tokens=5)
    engine = CT2Engine(folder, device="cpu", beam_size=2)
    sentences = ["Le ministre a parlé mardi.", "", "Les syndicats appellent à la grève."]
    engine.translate(sentences)
    assert engine.stats.segments == 2
    assert engine.stats.source_tokens == sum(engine.count_tokens(s) for s in sentences if s)
    assert engine.stats.generated_tokens == 2 * 5  # forced length, no end token
    assert engine.stats.seconds > 0
    assert engine.describe()["engine"] == "ctranslate2"
    assert engine.describe()["compute_type"] == "int8"
    assert engine.max_input_tokens() == 128  # min(200, 256 positions / 2)


def test_conversion_is_cached_and_reused(random_model, cache_dir, monkeypatch):
    first = CT2Engine(random_model, device="cpu")
    first.translate(["Bonjour."])
    converted = [p for p in cache_dir.iterdir() if p.is_dir()]
    assert [p.name for p in converted] == [first.ct2_dir.name]
    assert (first.ct2_dir / "model.bin").exists()
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".") and p.is_dir()]  # no temp folder left

    def fail(*args, **kwargs):
        raise AssertionError("converted a second time")

    monkeypatch.setattr(ct2_engine, "convert_model", fail)
    second = CT2Engine(random_model, device="cpu")
    assert second.translate(["Bonjour."]) == first.translate(["Bonjour."])
    assert second.ct2_dir == first.ct2_dir


def test_cache_key_follows_files_and_quantization(random_model):
    int8 = ct2_engine.converted_path(random_model, "int8")
    assert ct2_engine.converted_path(random_model, "float32") != int8
    config = random_model / "config.json"
    stat = config.stat()
    os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    try:
        assert ct2_engine.converted_path(random_model, "int8") != int8
    finally:
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_concurrent_conversions_convert_once(random_model, cache_dir, monkeypatch):
    calls = []
    original = ct2_engine.convert_model

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(ct2_engine, "convert_model", counting)
    results, errors = [], []

    def work():
        try:
            results.append(ensure_converted(random_model, "int8"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(calls) == 1
    assert len(set(results)) == 1 and (results[0] / "model.bin").exists()


def test_plan_batches_sorts_and_respects_the_budget():
    lengths = {0: 5, 1: 40, 2: 12, 3: 39, 4: 6, 5: 100}
    batches = plan_batches(list(lengths), lengths, batch_tokens=80)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert batches[0] == [5]  # alone: over budget by itself
    for batch in batches:
        assert lengths[batch[0]] * len(batch) <= 80 or len(batch) == 1
        assert [lengths[i] for i in batch] == sorted((lengths[i] for i in batch), reverse=True)


def test_unsupported_device_is_a_usage_error(random_model):
    from passeur.errors import UsageError

    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("a GPU is present")
    with pytest.raises(UsageError, match="cuda"):
        CT2Engine(random_model, device="cuda").translate(["Bonjour."])


def test_supports_only_marian(random_model, tmp_path):
    assert ct2_engine.supports(random_model)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2"}))
    assert not ct2_engine.supports(tmp_path)


def test_models_pull_converts_for_ctranslate2(random_model, cache_dir, monkeypatch, copy_model):
    """`passeur models pull` leaves the CTranslate2 conversion in the cache: the first
    translation loads it without converting (nor importing transformers)."""
    import io

    from click.testing import CliRunner

    from passeur.cli import Environment, cli
    from passeur.commands import models as models_command
    from passeur.models.store import ResolvedModel

    pulled = {"Helsinki-NLP/opus-mt-fr-en": random_model, "someone/copy": copy_model}
    monkeypatch.setattr(models_command, "pull_model", lambda name, progress=False: ResolvedModel(name, Path(pulled[name]), "rev"))
    for name, folder in pulled.items():
        out, err = io.StringIO(), io.StringIO()
        result = CliRunner().invoke(cli, ["models", "pull", name], obj=Environment(io.BytesIO(b""), out, err, {}))
        assert result.exit_code == 0, result.output + err.getvalue()
        assert out.getvalue().strip() == str(folder) and err.getvalue() == ""
        assert (ct2_engine.converted_path(folder, "int8") / "model.bin").exists()
    assert len(list(cache_dir.glob("*/model.bin"))) == 2


def test_preconvert_leaves_models_ctranslate2_does_not_handle(chat_model, cache_dir):
    from passeur.api import preconvert

    assert preconvert(chat_model) is None
    assert not cache_dir.exists() or not list(cache_dir.glob("*/model.bin"))


def test_both_backends_count_threads_alike(monkeypatch):
    """One rule for CTranslate2 and torch: PASSEUR_THREADS, else the physical cores this
    process may use; an empty PASSEUR_THREADS is unset (the torch path raised ValueError)."""
    from passeur.models.hf import count_cpu_threads

    monkeypatch.setenv("PASSEUR_THREADS", "3")
    assert count_cpu_threads() == 3
    monkeypatch.setenv("PASSEUR_THREADS", "")
    assert 1 <= count_cpu_threads() <= (os.cpu_count() or 1)
