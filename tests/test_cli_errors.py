"""Bad inputs: exit code 2, a one-line message naming the file, and nothing written."""
import io

import pytest
from click.testing import CliRunner

from passeur.cli import Environment, cli
from fakes import ScriptedEngine


def run(args, stdin=b"", engine=None, tmp_path=None):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(stdin), out, err, {},
                      make_translation_engine=(lambda model, **kw: engine) if engine else None)
    result = CliRunner().invoke(cli, args, obj=env)
    return result, out.getvalue(), err.getvalue() + result.output


@pytest.fixture
def engine():
    return ScriptedEngine(lambda s: f"EN[{s}]")


def test_missing_file_exit_2_and_nothing_written(tmp_path, engine):
    out = tmp_path / "out.txt"
    result, stdout, stderr = run(["translate", str(tmp_path / "absent.txt"), "-o", str(out)], engine=engine)
    assert result.exit_code == 2
    assert "absent.txt: no such file" in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert not out.exists() and stdout == ""
    assert engine.calls == []


def test_directory_as_input(tmp_path, engine):
    result, _, stderr = run(["translate", str(tmp_path)], engine=engine)
    assert result.exit_code == 2 and "is a directory" in stderr and "passeur batch" in stderr


def test_binary_input(tmp_path, engine):
    binary = tmp_path / "photo.fr.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = tmp_path / "o.txt"
    result, _, stderr = run(["translate", str(binary), "-o", str(out)], engine=engine)
    assert result.exit_code == 2 and "photo.fr.txt" in stderr and "binary" in stderr
    assert not out.exists()


def test_undecodable_bytes(tmp_path, engine):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D] * 30))
    result, _, stderr = run(["translate", str(bad)], engine=engine)
    assert result.exit_code == 2 and "bad.txt" in stderr


def test_latin1_input_is_decoded_not_refused(tmp_path, engine):
    src = tmp_path / "latin1.txt"
    src.write_bytes("Élodie a vu la fête à Orléans.".encode("latin-1"))
    result, stdout, _ = run(["translate", str(src), "--source-lang", "fr"], engine=engine)
    assert result.exit_code == 0
    assert stdout == "EN[Élodie a vu la fête à Orléans.]"


def test_output_that_is_an_input(tmp_path, engine):
    src = tmp_path / "a.txt"
    src.write_text("Bonjour tout le monde.")
    result, _, stderr = run(["translate", str(src), "-o", str(src)], engine=engine)
    assert result.exit_code == 2 and "also an input" in stderr
    assert src.read_text() == "Bonjour tout le monde."


def test_one_bad_input_among_good_ones_writes_nothing(tmp_path, engine):
    good = tmp_path / "good.txt"
    good.write_text("Bonjour.")
    out = tmp_path / "out.txt"
    result, _, _ = run(["translate", str(good), str(tmp_path / "missing.txt"), "-o", str(out)], engine=engine)
    assert result.exit_code == 2 and not out.exists() and engine.calls == []


def test_empty_input_gives_empty_output(engine):
    result, stdout, _ = run(["translate"], stdin=b"", engine=engine)
    assert result.exit_code == 0 and stdout == "" and engine.calls == []


def test_unsupported_language_is_exit_2(engine):
    german = "Der Hund schläft im Haus, und die Katze spielt im Garten mit dem Ball.".encode()
    result, _, stderr = run(["translate"], stdin=german, engine=engine)
    assert result.exit_code == 2 and "German" in stderr and "--model" in stderr


def test_english_passes_through_and_says_so(engine):
    text = b"The committee approved the new budget on Tuesday after a long debate.\n"
    result, stdout, stderr = run(["translate"], stdin=text, engine=engine)
    assert result.exit_code == 0 and stdout == text.decode()
    assert "already English" in stderr and engine.calls == []


def test_missing_model_is_exit_5_one_line(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Bonjour à tous.")
    result, _, stderr = run(["translate", str(src), "--model", str(tmp_path / "no-model")])
    assert result.exit_code == 5 and "no-model" in stderr and "Traceback" not in stderr


def test_offline_hub_model_is_exit_5_naming_both_ways_out(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    src = tmp_path / "a.txt"
    src.write_text("Bonjour à tous.")
    result, _, stderr = run(["translate", str(src), "--model", "Helsinki-NLP/opus-mt-fr-en"])
    assert result.exit_code == 5
    assert "passeur models pull Helsinki-NLP/opus-mt-fr-en" in stderr and "--model" in stderr


def test_stats_line(engine):
    result, stdout, stderr = run(["translate", "--stats", "--source-lang", "fr"], stdin="Une phrase. Une autre.".encode(),
                                 engine=engine)
    import json
    line = [l for l in stderr.splitlines() if l.startswith("{")][0]
    stats = json.loads(line)
    assert stats["segments"] == 2 and stats["source_tokens"] > 0 and set(stats) >= {"generated_tokens", "seconds"}


def test_stats_line_when_streaming(engine):
    """--format jsonl --stats: the same totals line on stderr once the stream ends."""
    import json
    result, stdout, stderr = run(["translate", "--format", "jsonl", "--stats", "--source-lang", "fr"],
                                 stdin="Une phrase.\nUne autre. Et une troisième.\n".encode(), engine=engine)
    assert result.exit_code == 0 and len(stdout.splitlines()) == 2
    (line,) = [l for l in stderr.splitlines() if l.startswith("{")]
    assert json.loads(line)["segments"] == 3
