"""Hostile and careless input (issue 12): each reproduction of the issue, as a test.

Batch cases are in test_batch_hostile.py, output files in test_writer.py, the property-based
suite in test_fuzz.py.
"""
import io
import json
import os
import sqlite3
import time

import pytest
from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.cli import Environment, cli
from passeur.errors import InputError
from passeur.fidelity.termbase import load_termbase, parse_termbase
from passeur.memory.store import TranslationMemory
from passeur.models.store import resolve_model
from passeur.summary.prompts import parse_template
from passeur.textio.reader import decode_bytes, read_input
from passeur.translation.pipeline import translate_document


def run(args, stdin=b"", engine=None, environ=None):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(stdin), out, err, environ or {},
                      make_translation_engine=(lambda model, **kw: engine) if engine else None)
    result = CliRunner().invoke(cli, args, obj=env)
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, out.getvalue(), err.getvalue()


def wrap(text):
    return f"EN[{text}]"


# -- 4. the glossary matcher and Turkish dotless ı --------------------------------------------------
def test_dotless_i_in_the_text_is_no_keyerror(tmp_path):
    """Defect 4: `Aydin,Aydin` and "Mehmet Aydın" was a KeyError in the glossary matcher."""
    glossary = tmp_path / "g.csv"
    glossary.write_text("Aydin,Aydin\n", encoding="utf-8")
    text = "Le maire Mehmet Aydın a signé."
    code, out, err = run(["translate", "--glossary", str(glossary), "--source-lang", "fr"], text.encode(),
                         ScriptedEngine(wrap))
    assert code == 0 and out == f"EN[{text}]" and "Traceback" not in err
    termbase = load_termbase(glossary)
    assert termbase.find(text) == []  # ı is another letter than i: not the glossary's term
    assert [e.source for e in termbase.find("AYDIN, aydin et Aydin.")] == ["AYDIN"]
    assert [e.source for e in termbase.occurrences("AYDIN, aydin et Aydin.")] == ["AYDIN", "aydin", "Aydin"]


@pytest.mark.parametrize("term, text, found", [
    ("Straße", "la STRASSE et la straße", ["STRASSE", "straße"]),
    ("İzmir", "à İzmir, à İZMİR, à IZMIR", ["İzmir"]),
    ("ﬁnance", "la ﬁnance et la finance", ["ﬁnance", "finance"]),
    ("conseil régional", "le Conseil\n  Régional", ["Conseil\n  Régional"]),
    ("l'IA", "de l’IA", ["l’IA"]),
    ("IA", "l'IA, IAs, SIA", ["IA"]),
])
def test_case_folding_spacing_and_apostrophes_map_back_to_the_text(term, text, found):
    termbase = parse_termbase(f"{term};X\n")
    entries = termbase.occurrences(text)
    assert [e.source for e in entries] == found
    assert all(text[e.start:e.end] == e.source for e in entries)


# -- 17. a 100,000-row glossary ---------------------------------------------------------------------------
def test_a_100000_row_glossary_is_matched_like_a_small_one(tmp_path):
    """Defect 17: one giant regex alternation (13.6 s to load). The speed goal is measured by
    bench/large_glossary.py; here: the big glossary finds exactly what the small one does."""
    rows = [f"terme{i:06d} numéro {i % 97},term {i}" for i in range(100_000)]
    rows += ["conseil régional,regional council", "jeune pousse,start-up"]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    big = load_termbase(path)
    small = parse_termbase("conseil régional,regional council\njeune pousse,start-up\nterme054321 numéro 1,term 54321\n")
    text = "Le Conseil régional aide la jeune pousse (terme054321 numéro 1, terme054321 numéro 2)."
    assert len(big) == 100_002
    found = [(e.source, e.target, e.start) for e in big.find(text)]
    assert found == [(e.source, e.target, e.start) for e in small.find(text)] and len(found) == 3


# -- 7. a damaged translation memory ------------------------------------------------------------------------
def damage_rows(path):
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE segments SET hypotheses = '{not json'")


def test_a_memory_row_with_bad_json_is_a_miss_not_a_traceback(tmp_path):
    """Defect 7: invalid JSON in a row was a traceback in translate and tm export."""
    memory = tmp_path / "m.sqlite3"
    source = "Le port de Lorient a reçu trois navires."
    args = ["translate", "--tm", str(memory), "--source-lang", "fr"]
    assert run(args, source.encode(), ScriptedEngine(wrap))[0] == 0
    damage_rows(memory)
    engine = ScriptedEngine(wrap)
    code, out, err = run(args, source.encode(), engine)
    assert code == 0 and out == f"EN[{source}]" and len(engine.calls) == 1, err  # redone by the model
    damage_rows(memory)
    code, out, err = run(["tm", "export", "--tm", str(memory)])
    assert code == 0 and "<tu" not in out and out.rstrip().endswith("</tmx>")
    assert err == f"passeur: {memory}: 1 damaged segment(s) could not be read and were left out\n"


def test_batch_with_a_damaged_memory_row_redoes_the_segment(tmp_path):
    root, memory = tmp_path / "in", tmp_path / "m.sqlite3"
    root.mkdir()
    (root / "a.fr.txt").write_text("Le port de Lorient a reçu trois navires.", encoding="utf-8")
    args = ["batch", str(root), str(tmp_path / "out"), "--tm", str(memory), "--source-lang", "fr", "--json"]
    assert run(args, engine=ScriptedEngine(wrap))[0] == 0
    damage_rows(memory)
    code, out, err = run([*args, "--force"], engine=ScriptedEngine(wrap))
    assert code == 0 and json.loads(out)["files"][0]["status"] == "ok", err


def test_tm_clear_replaces_a_malformed_memory(tmp_path):
    """Defect 7: `tm clear --yes` on a malformed memory said "cleared 302 segment(s)" and left it malformed."""
    path = tmp_path / "m.sqlite3"
    with TranslationMemory(path) as memory:
        memory.record("m", "r", "o", stored={f"phrase numéro {i} " * 5: ([f"sentence {i}"], 1) for i in range(302)})
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[4096] ^= 0xFF  # the first page after the header: a b-tree page type SQLite cannot read
    data[4097] ^= 0x5A
    path.write_bytes(bytes(data))
    code, _, err = run(["tm", "stats", "--tm", str(path)])
    assert code == 2 and "damaged" in err and "tm clear --yes" in err and err.count("\n") == 1
    code, out, err = run(["tm", "clear", "--yes", "--tm", str(path)])
    assert code == 0 and out == f"{path} was damaged: replaced it with a new, empty memory\n", err
    with TranslationMemory(path, create=False) as memory:
        assert memory.integrity() == "ok" and memory.summarize()["entries"] == 0
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)


def test_tm_clear_never_deletes_a_file_that_is_not_a_memory(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"my precious notes " * 300)
    code, _, err = run(["tm", "clear", "--yes", "--tm", str(path)])
    assert code == 2 and path.read_bytes() == b"my precious notes " * 300 and err.count("\n") == 1


def test_a_full_disk_under_the_memory_says_so(tmp_path, monkeypatch):
    """Defect 16: a full disk under the memory said "...delete the file"."""
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    error = memory._error(sqlite3.OperationalError("database or disk is full"))
    assert error.exit_code == 6 and "no space left" in str(error) and "--no-tm" in str(error)
    assert "delete the file" not in str(error)


# -- 8. a lone surrogate in the jsonl stream ----------------------------------------------------------------
def test_a_lone_surrogate_answers_its_line_and_the_stream_goes_on():
    """Defect 8: `{"text":"Le port \\ud800."}` killed the stream with a traceback."""
    lines = b'{"text": "Le port \\ud800."}\n{"text": "Bonjour.", "id": "\\udfff"}\n{"text": "Le port de Lorient."}\n'
    code, out, err = run(["translate", "--format", "jsonl", "--source-lang", "fr"], lines, ScriptedEngine(wrap))
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["line"] for a in answers] == [1, 2, 3]
    assert "lone surrogate" in answers[0]["error"] and "lone surrogate" in answers[1]["error"]
    assert answers[2]["translation"] == "EN[Le port de Lorient.]"
    assert code == 2 and err.count("\n") == 1


def test_the_api_refuses_a_lone_surrogate_with_an_input_error():
    with pytest.raises(InputError, match="lone surrogate"):
        translate_document("Le port \ud800 de Lorient.", ScriptedEngine(wrap))


# -- 9. a local model's weights rewritten -----------------------------------------------------------------------
def test_rewriting_a_local_models_weights_makes_a_new_revision(tmp_path):
    """Defect 9: a local folder's revision was config.json's mtime: new weights, old outputs."""
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"weights one")
    before = resolve_model(str(folder)).revision
    stamp = os.stat(folder / "config.json").st_mtime_ns
    (folder / "model.safetensors").write_bytes(b"weights two, longer")
    os.utime(folder / "config.json", ns=(stamp, stamp))
    after = resolve_model(str(folder)).revision
    assert before.startswith("local-") and after != before
    assert resolve_model(str(folder)).revision == after  # stable while nothing changes


def test_new_weights_are_not_served_old_outputs_from_the_memory(tmp_path, copy_model):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(copy_model, folder)
    memory = tmp_path / "m.sqlite3"
    args = ["translate", "--model", str(folder), "--tm", str(memory), "--source-lang", "fr", "--stats"]
    assert run(args, b"Le port de Lorient.")[0] == 0
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes())  # rewritten: a new mtime, maybe new values
    time.sleep(0.01)
    code, _, err = run(args, b"Le port de Lorient.")
    assert code == 0 and json.loads(err.strip().splitlines()[-1])["cached_segments"] == 0


# -- 11. raw HTML in the Markdown brief ------------------------------------------------------------------------
HOSTILE = ("Le maire <script>alert(1)</script> a signé <img src=x onerror=alert(2)>. "
           "Voir [x](javascript:alert(3)) et [y](https://exemple.fr/a?b=1&c=2).\n\n"
           "[r]: javascript:alert(4)\n\n<div onclick=alert(5)>bloc</div>\n")


def test_the_markdown_brief_keeps_the_sources_html_inert(tmp_path):
    """Defect 11: `<script>`, `<img onerror>` and `[x](javascript:...)` went through raw."""
    from markdown_it import MarkdownIt

    source = tmp_path / "h.fr.md"
    source.write_text(HOSTILE, encoding="utf-8")
    code, out, err = run(["brief", str(source), "--engine", "extractive", "--source-lang", "fr"],
                         engine=ScriptedEngine())
    assert code == 0, err
    renderer = MarkdownIt("commonmark")
    renderer.validateLink = lambda url: True  # no help from the renderer: the note itself must be inert
    html = renderer.render(out).lower()
    for bad in ("<script", "<img", "<div", 'href="javascript:'):
        assert bad not in html
    assert "&lt;script&gt;" in html and 'href="https://exemple.fr/a?b=1&amp;c=2"' in html


# -- 14. unresolved names and figures in text mode ------------------------------------------------------------------
def test_unresolved_figures_warn_on_stderr_in_text_mode():
    """Defect 14: exit 0 and nothing on stderr unless --format json or --strict."""
    engine = ScriptedEngine(lambda s: "The buyer paid a large sum.")
    source = "Jean Dupont a payé 97,4 milliards de dollars.".encode()
    code, out, err = run(["translate", "--source-lang", "fr"], source, engine)
    assert code == 0 and out and err.count("\n") == 1
    assert err.startswith("passeur: warning: ") and "could not be guaranteed" in err and "--format json" in err
    code, _, err = run(["translate", "--source-lang", "fr", "--format", "json"], source, ScriptedEngine(engine.script))
    assert code == 0 and err == ""
    code, _, err = run(["translate", "--source-lang", "fr", "--strict"], source, ScriptedEngine(engine.script))
    assert code == 3 and "warning" not in err


# -- 15. empty input, every command alike -------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["translate"], ["summarize", "--engine", "extractive"],
                                     ["brief", "--engine", "extractive"]])
def test_empty_input_is_the_same_for_every_command(tmp_path, command):
    """Defect 15: translate and summarize exited 0 silently, brief exited 2."""
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\n")
    out_file = tmp_path / "out.txt"
    verb = command[0]
    engine = ScriptedEngine(wrap)
    code, out, err = run([*command, str(empty), "-o", str(out_file)], engine=engine)
    assert code == 0 and out == "" and not out_file.exists() and engine.calls == []
    assert err == f"passeur: {empty}: empty input: nothing to {verb}; no output written\n"
    code, out, err = run(command, b"", engine)
    assert code == 0 and out == "" and err == f"passeur: <stdin>: empty input: nothing to {verb}; no output written\n"


# -- 16. misleading messages -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_unicode_without_a_bom_is_read_not_called_binary(tmp_path, encoding):
    text = "Bonjour à tous : le port de Lorient a reçu 3 navires.\n"
    path = tmp_path / "u.txt"
    path.write_bytes(text.encode(encoding))
    source = read_input(str(path))
    assert source.text == text and source.encoding == encoding


def test_binary_with_zero_bytes_is_still_binary():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(256)) * 8, "x.bin")


def test_a_symlink_loop_says_so(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    code, _, err = run(["translate", str(tmp_path / "a")], engine=ScriptedEngine(wrap))
    assert code == 2 and "symbolic link loop" in err and "no such file" not in err


@pytest.mark.parametrize("written", ["{text!r}", "{text:>9}", "{text!s:^20}"])
def test_a_prompt_variable_is_quoted_as_written(written):
    with pytest.raises(Exception) as caught:
        parse_template("one_line", f"Résume : {written}\n{{glossary}}\n", "p.txt")
    assert f"bad variable {written}: use a plain {{text}}" in str(caught.value)


@pytest.mark.parametrize("command", [["summarize", "--engine", "extractive"], ["brief", "--engine", "extractive"]])
def test_summarize_and_brief_warn_about_unresolved_figures_too(command):
    source = ("Jean Dupont a payé 97,4 milliards de dollars pour le port de Lorient. "
              "Le conseil a voté le 3 mars 2024 à Lorient.").encode()
    code, out, err = run([*command, "--source-lang", "fr"], source, ScriptedEngine(lambda s: "The buyer paid a sum."))
    assert code == 0 and out
    assert "passeur: warning: " in err and "could not be guaranteed" in err and "--strict" in err


# -- found by the fuzz suite after the issue: a separator control before a list number -------------------------
@pytest.mark.parametrize("command", [["translate", "--source-lang", "fr"], ["summarize", "--engine", "extractive"],
                                     ["brief", "--engine", "extractive"]])
def test_a_separator_control_before_a_number_is_no_traceback(command):
    """pysbd read "\\x1f1." as a numbered-list item and crashed on int("\\x1f1")."""
    source = "Le port\x1f1. de Lorient a reçu 3 navires. Il a grandi.\n".encode()
    code, out, err = run(command, source, ScriptedEngine(wrap))
    assert code == 0 and "Lorient" in out


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_english_input_never_looks_for_the_translation_model(fmt):
    """English passes through: offline, with no model on disk, that is still exit 0."""

    def no_model(model, **kwargs):
        raise AssertionError("the translation model was looked for")

    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(b"The port of Lorient is betting on offshore wind power this year.\n"), out, err, {},
                      make_translation_engine=no_model)
    result = CliRunner().invoke(cli, ["translate", "--format", fmt], obj=env)
    assert result.exit_code == 0, (result.exception, err.getvalue())
    assert "offshore wind power" in out.getvalue()


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_a_file_name_that_is_not_utf8_is_written_escaped_in_the_brief(tmp_path, fmt):
    """Found in review: the raw name (a surrogate escape) went into the note and its writing
    raised UnicodeEncodeError, for `brief -o` and `batch --what brief` alike."""
    source = tmp_path / os.fsdecode(b"caf\xe9.txt")
    source.write_text("The port of Lorient won a 48.5 million euro contract on Tuesday. Work starts in March.\n")
    page = tmp_path / f"note.{fmt}"
    code, _, err = run(["brief", str(source), "--engine", "extractive", "--format", fmt, "-o", str(page)])
    assert code == 0, err
    written = page.read_text(encoding="utf-8")
    assert "caf\\xe9.txt" in (json.loads(written)["title"] if fmt == "json" else written)
