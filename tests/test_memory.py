"""The translation memory: hits and misses, keys, the real model path, concurrency, errors, CLI."""
import io
import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

import modelfactory
from fakes import ScriptedEngine
from passeur.cli import Environment, cli
from passeur.memory.engine import MemoryEngine
from passeur.memory.store import (TranslationMemory, TranslationMemoryError, fingerprint_options,
                            memory_path, normalise_segment)
from passeur.translation.pipeline import translate_document

TEXT = (
    "Le conseil a approuvé le budget mardi.\n\n"
    "La ministre a salué un accord historique. Les syndicats restent prudents.\n\n"
    "Le conseil a approuvé le budget mardi.\n"
)


class DescribedEngine(ScriptedEngine):
    """A scripted engine that describes itself like a real backend (model, revision, beam size)."""

    def __init__(self, *args, model="org/model", revision="abc123", beam_size=4, device="auto", **kwargs):
        super().__init__(*args, **kwargs)
        self.info = {"engine": "transformers", "model": model, "revision": revision, "device": device,
                     "beam_size": beam_size, "int8": False}

    def describe(self):
        return dict(self.info)


def english(sentence):
    return f"EN[{sentence}]"


@pytest.fixture
def store(tmp_path):
    with TranslationMemory(tmp_path / "tm" / "memory.sqlite3") as memory:
        yield memory


# -- hits and misses --------------------------------------------------------------------------
def test_second_run_comes_entirely_from_memory(store):
    first_inner = ScriptedEngine(english)
    first = translate_document(TEXT, MemoryEngine(first_inner, store), source_lang="fr")
    assert first_inner.calls and first.stats["segments"] == 4
    second_inner = ScriptedEngine(english)
    engine = MemoryEngine(second_inner, store)
    second = translate_document(TEXT, engine, source_lang="fr")
    assert second_inner.calls == []
    assert second.translation == first.translation
    assert engine.stats.cached_segments == engine.stats.segments == 4
    assert engine.stats.source_tokens == engine.stats.generated_tokens == 0


def test_only_misses_reach_the_model_in_one_call_in_order(store):
    MemoryEngine(ScriptedEngine(english), store).translate(["Un.", "Trois."])
    inner = ScriptedEngine(english)
    engine = MemoryEngine(inner, store)
    out = engine.translate(["Un.", "Deux.", "", "Trois.", "Quatre.", "Deux."])
    assert inner.calls == [["Deux.", "Quatre."]]
    assert out == [[english("Un.")], [english("Deux.")], [""], [english("Trois.")], [english("Quatre.")],
                   [english("Deux.")]]
    assert inner.stats.segments == 5 and inner.stats.cached_segments == 3  # 2 hits + 1 repeat


def test_fewer_hypotheses_stored_than_asked_is_a_miss(store):
    alternatives = {"Bonjour.": ["Hello.", "Good morning.", "Hi.", "Good day."]}
    MemoryEngine(ScriptedEngine(alternatives=alternatives), store).translate(["Bonjour."], n_best=1)
    inner = ScriptedEngine(alternatives=alternatives)
    engine = MemoryEngine(inner, store)
    assert engine.translate(["Bonjour."], n_best=4) == [["Hello.", "Good morning.", "Hi.", "Good day."]]
    assert inner.calls == [["Bonjour."]]
    assert engine.translate(["Bonjour."], n_best=2) == [["Hello.", "Good morning."]]
    assert engine.translate(["Bonjour."], n_best=4) == [["Hello.", "Good morning.", "Hi.", "Good day."]]
    assert len(inner.calls) == 1


def test_options_fingerprint_separates_beam_sizes_models_and_revisions(store):
    MemoryEngine(DescribedEngine(english), store).translate(["Bonjour."], n_best=4)

    def calls_for(**info):
        inner = DescribedEngine(english, **info)
        MemoryEngine(inner, store).translate(["Bonjour."], n_best=1)
        return len(inner.calls)

    assert calls_for() == 0  # n_best 1 under beam 4: the same beams, the stored row has 4 >= 1
    assert calls_for(device="cpu") == 0  # where it runs is not an option
    assert calls_for(beam_size=5) == 1
    assert calls_for(beam_size=1) == 1
    assert calls_for(model="org/other") == 1
    assert calls_for(revision="def456") == 1
    assert store.summarize()["entries"] == 5


def test_n_best_beyond_the_beam_size_widens_the_beam_and_the_key():
    four, _ = fingerprint_options({"model": "m", "beam_size": 4, "device": "cpu"}, 1)
    assert four == fingerprint_options({"model": "m", "beam_size": 4, "device": "cuda"}, 4)[0]
    assert four != fingerprint_options({"model": "m", "beam_size": 4}, 8)[0]
    assert fingerprint_options({"beam_size": 4}, 8)[0] == fingerprint_options({"beam_size": 8}, 8)[0]


def test_source_is_normalised_nfc_and_whitespace(store):
    composed = "Élodie a vu la fête à Orléans."
    MemoryEngine(ScriptedEngine(english), store).translate([composed])
    inner = ScriptedEngine(english)
    variant = "  " + unicodedata.normalize("NFD", composed).replace(" ", " \t\n ") + " "
    assert MemoryEngine(inner, store).translate([variant]) == [[english(composed)]]
    assert inner.calls == []
    assert normalise_segment(variant) == composed


def test_final_translation_is_kept_and_hits_counted(store):
    engine = MemoryEngine(ScriptedEngine(english), store)
    engine.translate(["Un.", "Deux."], n_best=4)
    engine.remember_final("Un.", "One.")
    engine.end_document()
    MemoryEngine(ScriptedEngine(english), store).translate(["Un."], n_best=4)
    rows = {row["source"]: row for row in store.entries()}
    assert rows["Un."]["final"] == "One." and rows["Deux."]["final"] is None
    assert rows["Un."]["hits"] == 1 and rows["Deux."]["hits"] == 0
    assert rows["Un."]["hypotheses"] == [english("Un.")]


def test_describe_and_forwarding(store):
    inner = DescribedEngine(english, budget=17)
    engine = MemoryEngine(inner, store)
    assert engine.describe()["memory"] == str(store.path) and engine.describe()["model"] == "org/model"
    assert engine.max_input_tokens() == 17 and engine.count_tokens("a b c") == 4
    assert engine.stats is inner.stats


def test_schema_version_table(store):
    store.connect()
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- the real model path ------------------------------------------------------------------
def test_copy_model_through_marian_memory_and_guard_is_byte_identical(copy_model, store):
    from passeur.fidelity.guard import GlossaryGuard
    from passeur.translation.marian import MarianEngine

    sentences = [s for s in modelfactory.copy_sentences(12, seed=3) if not any(c.isdigit() for c in s)][:5]
    text = "\n\n".join(sentences[:3]) + "\n\nSam Altman a rejeté 97,4 milliards de dollars.\n\n" + sentences[3] + "\n"

    def run():
        marian = MarianEngine(copy_model, name=str(copy_model), revision="local-1", device="cpu", beam_size=2)
        result = translate_document(text, GlossaryGuard(MemoryEngine(marian, store)), source_lang="fr")
        return marian, result

    first_model, first = run()
    assert first_model._model is not None and first.stats["source_tokens"] > 0
    assert "$97.4 billion" in first.translation
    second_model, second = run()
    assert second_model._model is None  # every segment a hit: the model never loaded
    assert second.translation.encode() == first.translation.encode()
    assert second_model.stats.cached_segments == second_model.stats.segments == first.stats["segments"]
    assert second_model.stats.generated_tokens == 0
    finals = {row["source"]: row["final"] for row in store.entries()}
    assert finals["Sam Altman a rejeté 97,4 milliards de dollars."] == "Sam Altman a rejeté $97.4 billion."


# -- several processes ---------------------------------------------------------------------
WORKER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {tests!r})
    from fakes import ScriptedEngine
    from passeur.memory.engine import MemoryEngine
    from passeur.memory.store import TranslationMemory
    first, other, count, start = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

    def meet(name, mine, theirs):  # a barrier between the two processes
        open(f"{{start}}.{{name}}.{{mine}}", "w").close()
        while not os.path.exists(f"{{start}}.{{name}}.{{theirs}}"):
            time.sleep(0.001)

    meet("ready", first, other)
    engine = MemoryEngine(ScriptedEngine(lambda s: s.upper()), TranslationMemory({path!r}))
    sentences = [f"Phrase numéro {{i}}." for i in range(first, first + count)]
    for k in range(0, count, 4):
        if k == count // 2:
            meet("half", first, other)  # so the second halves surely run at the same time
        window = sentences[k:k + 4]
        engine.translate(window, n_best=4)
        for s in window:
            engine.remember_final(s, s.upper() + "!")
    engine.close()
""")


def test_two_processes_share_one_memory(tmp_path):
    path = tmp_path / "shared.sqlite3"
    script = WORKER.format(tests=str(Path(__file__).parent), path=str(path))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(first), str(200 - first), "400",
                               str(tmp_path / "sync")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for first in (0, 200)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with TranslationMemory(path) as memory:
        assert memory.integrity() == "ok"
        rows = {row["source"]: row for row in memory.entries()}
    assert len(rows) == 600
    for i in range(600):
        row = rows[f"Phrase numéro {i}."]
        assert row["hypotheses"] == [f"PHRASE NUMÉRO {i}."] and row["final"] == f"PHRASE NUMÉRO {i}.!"


# -- errors -----------------------------------------------------------------------------------
def test_damaged_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "memory.sqlite3"
    path.write_bytes(b"this is not a database, " * 100)
    with pytest.raises(TranslationMemoryError) as info:
        MemoryEngine(ScriptedEngine(), TranslationMemory(path))
    message = str(info.value)
    assert str(path) in message and "\n" not in message and info.value.exit_code == 2


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE photos (id INTEGER)").connection.commit()
    with pytest.raises(TranslationMemoryError, match="another program"):
        TranslationMemory(path).connect()
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("photos",)]


def test_a_newer_schema_is_refused(store):
    store.connect()
    conn = sqlite3.connect(store.path)
    conn.execute("INSERT INTO schema_version VALUES (99, 0)")
    conn.commit()
    store.close()
    with pytest.raises(TranslationMemoryError, match="newer"):
        TranslationMemory(store.path).connect()


def test_unwritable_path_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(TranslationMemoryError) as info:
        TranslationMemory(blocker / "sub" / "memory.sqlite3").connect()
    assert "--no-tm" in str(info.value) and "\n" not in str(info.value) and str(blocker) in str(info.value)


def test_a_writer_holding_the_lock_is_waited_for(store):
    import threading

    store.connect()
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    releaser.start()
    started = time.perf_counter()
    MemoryEngine(ScriptedEngine(english), store).translate(["Attendre son tour."])
    assert time.perf_counter() - started >= 0.4
    releaser.join()
    assert [row["source"] for row in store.entries()] == ["Attendre son tour."]


def test_memory_path_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("PASSEUR_TM", raising=False)
    monkeypatch.delenv("PASSEUR_CACHE", raising=False)
    assert memory_path("x.db", {"PASSEUR_TM": "y.db"}) == Path("x.db")
    assert memory_path(None, {"PASSEUR_TM": "y.db"}) == Path("y.db")
    assert memory_path(None, {"PASSEUR_CACHE": str(tmp_path)}) == tmp_path / "memory.sqlite3"
    assert memory_path(None, {}).name == "memory.sqlite3" and "passeur" in str(memory_path(None, {}))
    monkeypatch.setenv("PASSEUR_TM", str(tmp_path / "env.db"))
    assert memory_path(None, {}) == tmp_path / "env.db"
    assert memory_path(tmp_path, {}) == tmp_path / "memory.sqlite3"  # a folder: the file in it


# -- the tm command -------------------------------------------------------------------------
ROOT = cli


def run_tm(args, environ=None, isatty=False, input=None):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(), out, err, environ or {}, stderr_isatty=isatty)
    result = CliRunner().invoke(ROOT, ["tm", *args], obj=env, input=input)
    return result, out.getvalue(), err.getvalue()


def filled(path):
    with TranslationMemory(path) as memory:
        MemoryEngine(DescribedEngine(english), memory).translate(["Un.", "Deux."])
        MemoryEngine(DescribedEngine(english, model="org/other"), memory).translate(["Trois."])
    return path


def test_tm_stats_json(tmp_path):
    path = filled(tmp_path / "m.sqlite3")
    result, out, err = run_tm(["stats", "--json", "--tm", str(path)])
    assert result.exit_code == 0, err
    stats = json.loads(out)
    assert stats["entries"] == 3 and stats["hits"] == 0 and stats["size_bytes"] > 0 and stats["exists"]
    assert {m["model"]: m["entries"] for m in stats["models"]} == {"org/model": 2, "org/other": 1}
    result, out, _ = run_tm(["stats"], environ={"PASSEUR_TM": str(path)})
    assert result.exit_code == 0 and "entries   3" in out and "org/other" in out


def test_tm_stats_of_a_memory_not_created_yet_creates_nothing(tmp_path):
    result, out, _ = run_tm(["stats", "--json", "--tm", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 0 and json.loads(out)["entries"] == 0 and not (tmp_path / "none.sqlite3").exists()


def test_tm_clear_asks_or_needs_yes(tmp_path):
    path = filled(tmp_path / "m.sqlite3")
    result, _, err = run_tm(["clear", "--tm", str(path)])
    assert result.exit_code == 2 and "--yes" in err
    result, _, _ = run_tm(["clear", "--tm", str(path)], isatty=True, input="n\n")
    assert result.exit_code == 2
    assert TranslationMemory(path).summarize()["entries"] == 3
    result, out, _ = run_tm(["clear", "--yes", "--model", "org/other", "--tm", str(path)])
    assert result.exit_code == 0 and "cleared 1" in out
    result, out, _ = run_tm(["clear", "--tm", str(path)], isatty=True, input="y\n")
    assert result.exit_code == 0 and "cleared 2" in out
    assert TranslationMemory(path).summarize()["entries"] == 0


def test_tm_commands_on_a_damaged_file_exit_2(tmp_path):
    path = tmp_path / "m.sqlite3"
    path.write_bytes(b"\x00garbage" * 512)
    for args in (["stats"], ["export"], ["clear", "--yes"]):
        result, _, err = run_tm([*args, "--tm", str(path)])
        assert result.exit_code == 2 and str(path) in err and err.count("\n") == 1, (args, err)


# -- translate --tm ------------------------------------------------------------------------------
def test_translate_second_run_from_memory_via_cli(tmp_path):
    source = tmp_path / "a.fr.txt"
    source.write_text(TEXT, encoding="utf-8")
    outputs, engines, stats = [], [], []
    for _ in range(2):
        engine = ScriptedEngine(english)
        engines.append(engine)
        out, err = io.StringIO(), io.StringIO()
        env = Environment(io.BytesIO(), out, err, {}, make_translation_engine=lambda model, **kw: engine)
        result = CliRunner().invoke(cli, ["translate", str(source), "--source-lang", "fr", "--stats",
                                          "--tm", str(tmp_path / "m.sqlite3")], obj=env)
        assert result.exit_code == 0, err.getvalue()
        outputs.append(out.getvalue())
        stats.append(json.loads([l for l in err.getvalue().splitlines() if l.startswith("{")][0]))
    assert outputs[0] == outputs[1] and engines[1].calls == []
    assert stats[1]["segments"] == 4 and stats[1].get("cached_segments") == 4
    result = CliRunner().invoke(cli, ["translate", str(source), "--source-lang", "fr", "--no-tm"],
                                obj=Environment(io.BytesIO(), io.StringIO(), io.StringIO(), {},
                                                make_translation_engine=lambda model, **kw: engines[0]))
    assert result.exit_code == 0 and len(engines[0].calls) == 2


def test_a_document_served_from_memory_never_loads_the_model(store):
    """The guard readies the model while it extracts names; the memory readies it only when a
    sentence is missing from it."""

    class Loading(ScriptedEngine):
        loads = 0

        def prepare(self, sentences=(), n_best=1):
            Loading.loads += 1

    engine = MemoryEngine(Loading(lambda s: s.upper()), store)
    engine.translate(["Le port de Lorient.", "La pluie tombe."], n_best=4)
    engine.prepare(["Le port de Lorient.", "La pluie tombe."], 4)
    assert Loading.loads == 0  # every sentence is in the memory
    engine.prepare(["Le port de Lorient.", "Une phrase nouvelle."], 4)
    assert Loading.loads == 1


def test_prepare_and_translate_look_the_same_sentences_up_once(tmp_path):
    """The look-up made to decide whether the model must load serves the translate call."""

    class Counting(TranslationMemory):
        lookups = 0

        def lookup(self, *args, **kwargs):
            Counting.lookups += 1
            return super().lookup(*args, **kwargs)

    with Counting(tmp_path / "memory.sqlite3") as memory:
        engine = MemoryEngine(ScriptedEngine(english), memory)
        engine.translate(["Le port de Lorient."], n_best=4)
        Counting.lookups = 0
        engine.prepare(["Le port de Lorient."], 4)
        assert engine.translate(["Le port de Lorient."], n_best=4)[0][0] == english("Le port de Lorient.")
        assert Counting.lookups == 1


def test_the_guard_readies_the_model_for_the_sentences_it_will_translate(store):
    """With a user glossary the model sees its terms put in: the memory must be asked about
    those sentences, or a document fully in memory loads the model all the same."""
    from concurrent.futures import Future

    from passeur.fidelity.guard import GlossaryGuard
    from passeur.fidelity.termbase import parse_termbase

    class Loading(ScriptedEngine):
        loads = 0

        def prepare(self, sentences=(), n_best=1):
            Loading.loads += 1
            if not extraction.done():
                extraction.set_result([])  # the names are extracted while the model loads

    source = "Le conseil régional a voté."
    guard = GlossaryGuard(MemoryEngine(Loading(english), store),
                          termbase=parse_termbase("conseil régional,regional council\n"))
    extraction = Future()
    guard._glossary = extraction  # still being extracted when the first sentence comes
    guard.translate([source])
    assert Loading.loads == 1  # nothing in the memory yet: the model is readied
    extraction = Future()
    guard._glossary = extraction
    threading.Timer(0.2, extraction.set_result, [[]]).start()  # the extraction ends on its own
    guard.translate([source])
    assert Loading.loads == 1  # all in the memory now: the model stays where it is
