"""`passeur summarize` end to end: the CLI over the summarizer, offline."""
import io
import json
from pathlib import Path

from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.cli import Environment, cli
from passeur.summary.shape import check_shape

SAMPLE = Path(__file__).parent / "data" / "summary_sample.en.txt"


def run(args, stdin=b"", translator=None):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(stdin), out, err, {},
                      make_translation_engine=(lambda model, **kw: translator) if translator else None)
    result = CliRunner().invoke(cli, ["summarize", *args], obj=env)
    return result, out.getvalue(), err.getvalue()


def test_extractive_all_tiers_in_shape_offline():
    result, out, err = run([str(SAMPLE), "--engine", "extractive", "--tier", "all", "--format", "json"])
    assert result.exit_code == 0, err
    data = json.loads(out)
    source = SAMPLE.read_text(encoding="utf-8")
    for tier in ("one_line", "paragraph", "full"):
        assert data[tier] and check_shape(tier, data[tier], source) == []
    assert data["fidelity"]["ok"] and data["source_language"] == "en"


def test_text_and_markdown_renderings():
    result, out, _ = run([str(SAMPLE), "--engine", "extractive", "--format", "md"])
    assert result.exit_code == 0
    assert out.startswith("## One line\n\n") and "## Paragraph" in out and "## Full summary" in out
    result, out, _ = run([str(SAMPLE), "--engine", "extractive", "--tier", "one-line"])
    assert out.count("\n") == 1 and len(out.split()) <= 30


def test_french_input_is_translated_first_and_checked():
    source = ("La société Hydrelia a levé 12 millions d'euros en 2024. " * 1).strip()
    translator = ScriptedEngine(lambda s: "Hydrelia raised 12 billion euros in 2024.")
    result, out, err = run(["--engine", "extractive", "--tier", "one-line", "--format", "json"],
                           stdin=source.encode(), translator=translator)
    assert result.exit_code == 0, err
    data = json.loads(out)
    assert data["source_language"] == "fr"
    # the guard repaired the scale, and only the scale: the text's own style stays
    assert data["one_line"] == "Hydrelia raised 12 million euros in 2024."
    assert translator.calls


def test_instruct_engine_with_a_local_tiny_chat_model(chat_model):
    result, out, err = run([str(SAMPLE), "--engine", "instruct", "--model", str(chat_model), "--format", "json"])
    assert result.exit_code in (0, 3), err
    data = json.loads(out)
    assert all(data[tier] for tier in ("one_line", "paragraph", "full"))
    assert "fidelity" in data


def test_missing_summary_model_is_exit_5(tmp_path):
    result, _, err = run([str(SAMPLE), "--model", str(tmp_path / "absent")])
    assert result.exit_code == 5 and "absent" in err


def test_bad_prompt_folder_is_exit_2_naming_the_file(tmp_path):
    (tmp_path / "one_line.txt").write_text("Summarize {text} with {nonsense}\n{glossary}\n", encoding="utf-8")
    result, _, err = run([str(SAMPLE), "--engine", "extractive", "--prompts", str(tmp_path)])
    assert result.exit_code == 2 and "one_line.txt" in err
