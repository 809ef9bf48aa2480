"""--format jsonl: one result per line, streamed."""
import io
import json
import os
import subprocess
import sys

from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.cli import Environment, cli


def run(stdin: bytes, *args):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(stdin), out, err, {},
                      make_translation_engine=lambda model, **kw: ScriptedEngine(lambda s: f"EN[{s}]"))
    result = CliRunner().invoke(cli, ["translate", "--format", "jsonl", "--source-lang", "fr", *args], obj=env)
    return result, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_text_and_json_lines_give_one_result_each_in_order():
    stdin = 'Bonjour à tous.\n{"id": 7, "text": "Une phrase.", "topic": "x"}\n\nDernière ligne.\n'.encode()
    result, lines, _ = run(stdin)
    assert result.exit_code == 0
    assert [l["translation"] for l in lines] == ["EN[Bonjour à tous.]", "EN[Une phrase.]", "EN[Dernière ligne.]"]
    assert lines[1]["id"] == 7 and lines[1]["topic"] == "x" and lines[1]["source"] == "Une phrase."
    assert all("fidelity" in l for l in lines)


def test_bad_lines_get_an_error_object_and_the_stream_goes_on():
    stdin = b'{"id": 1, "text": "Un."}\n{broken json\n{"id": 3}\n\xff\xfe\xfa bad\nDeux.\n'
    result, lines, err = run(stdin)
    assert result.exit_code == 2
    assert [bool(l.get("error")) for l in lines] == [False, True, True, True, False]
    assert lines[-1]["translation"] == "EN[Deux.]"
    assert "3 input line(s)" in err


def test_results_stream_before_input_ends(copy_model):
    """A real pipe: the first result arrives while stdin is still open."""
    proc = subprocess.Popen([sys.executable, "-m", "passeur", "translate", "--format", "jsonl", "--model",
                             str(copy_model), "--source-lang", "fr"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        proc.stdin.write("Le conseil a voté le budget.\n".encode())
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())
        assert first["translation"] == "Le conseil a voté le budget."
        proc.stdin.write(b'{"id": 2, "text": "La ville attend les visiteurs."}\n')
        proc.stdin.close()
        second = json.loads(proc.stdout.readline())
        assert second["id"] == 2
        assert proc.wait(timeout=120) == 0
    finally:
        proc.kill()
