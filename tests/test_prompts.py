"""Prompt templates: the packaged ones load, bad ones fail with file and line, user folders override."""
from __future__ import annotations

from pathlib import Path

import pytest

from passeur.fidelity.entry import Entry
from passeur.errors import DataFileError, ExitCode
from passeur.summary.prompts import (ENV_VAR, TEMPLATE_NAMES, default_prompt_dir, format_glossary, load_prompts,
                             load_template, parse_template)

REPO_PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


def same_templates(folder: Path, reference: Path) -> bool:
    """Installed (wheel) or source checkout: the templates are the repo's, byte for byte."""
    names = sorted(p.name for p in reference.glob("*.txt"))
    return names and all((folder / n).read_bytes() == (reference / n).read_bytes() for n in names)


def test_packaged_templates_load_and_ask_for_exact_forms():
    prompts = load_prompts(environ={})
    assert set(prompts.templates) == set(TEMPLATE_NAMES)
    for name in ("one_line", "paragraph", "full", "combine"):
        template = prompts[name]
        assert "glossary" in template.variables
        assert [m.role for m in template.messages] == ["system", "user"]
        assert "exactly" in template.messages[-1].text
    assert same_templates(default_prompt_dir(), REPO_PROMPTS)  # the packaged copy, or the repo's own


def test_render_fills_every_variable_and_keeps_braces_in_values():
    template = load_prompts(environ={})["one_line"]
    messages = template.render(text="Prices {rose} by 3%.", glossary="- Lumora", max_words=30, shape="one sentence")
    user = messages[-1]["content"]
    assert "Prices {rose} by 3%." in user and "- Lumora" in user and "at most 30 words" in user
    assert "{" not in messages[0]["content"]


def test_missing_variable_names_file_and_line(tmp_path):
    path = tmp_path / "paragraph.txt"
    path.write_text("# comment\n[system]\nBe brief.\n[user]\nSummarize:\n{text}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_template("paragraph", path)
    error = caught.value
    assert error.path == str(path) and error.line == 4  # the [user] message that lacks it
    assert "missing variable {glossary}" in str(error)
    assert str(error).startswith(f"{path}:4: ")
    assert error.exit_code == ExitCode.USAGE


def test_unknown_variable_names_file_and_line(tmp_path):
    path = tmp_path / "one_line.txt"
    path.write_text("[user]\nSummarize {text}\nwith {glossary}\nin {max_wrds} words\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_template("one_line", path)
    assert caught.value.line == 4
    assert "unknown variable {max_wrds}" in str(caught.value)
    assert "{max_words}" in str(caught.value)  # says what is allowed


@pytest.mark.parametrize("line", ["{text!r}", "{text:>10}", "{text.upper}", "{0}", "an open { brace"])
def test_malformed_fields_are_errors_with_line(line):
    raw = "[user]\n{text} {glossary}\n" + line + "\n"
    with pytest.raises(DataFileError) as caught:
        parse_template("one_line", raw, "x.txt")
    assert caught.value.line == 3


def test_literal_braces_and_plain_file_without_roles():
    template = parse_template("one_line", "Answer as JSON {{\"s\": ...}}.\n{text}\n{glossary}\n", "plain.txt")
    assert [m.role for m in template.messages] == ["user"]
    rendered = template.render(text="T", glossary="G")[0]["content"]
    assert rendered.startswith('Answer as JSON {"s": ...}.')


def test_user_folder_overrides_one_tier_only(tmp_path):
    (tmp_path / "one_line.txt").write_text("[user]\nMY OWN PROMPT {glossary}\n{text}\n", encoding="utf-8")
    prompts = load_prompts(tmp_path, environ={})
    assert prompts["one_line"].path == str(tmp_path / "one_line.txt")
    assert "MY OWN PROMPT" in prompts["one_line"].render(text="x", glossary="g")[0]["content"]
    for name in ("paragraph", "full", "combine", "retry"):
        assert same_templates(Path(prompts[name].path).parent, REPO_PROMPTS)


def test_environment_variable_names_the_user_folder(tmp_path):
    (tmp_path / "full.txt").write_text("{text}\n{glossary}\n{sections}\n", encoding="utf-8")
    prompts = load_prompts(environ={ENV_VAR: str(tmp_path)})
    assert prompts["full"].path == str(tmp_path / "full.txt")
    assert prompts["one_line"].path != str(tmp_path / "one_line.txt")


def test_bad_user_template_fails_at_load(tmp_path):
    (tmp_path / "combine.txt").write_text("[user]\n{summaries}\n{glossary}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"combine.txt:\d+: missing variable \{shape\}"):
        load_prompts(tmp_path, environ={})


def test_missing_user_folder_is_an_error(tmp_path):
    with pytest.raises(DataFileError, match="prompt folder does not exist"):
        load_prompts(tmp_path / "nope", environ={})


def test_glossary_lists_exact_targets_once():
    entries = [Entry("money", "97,4 milliards de dollars", "$97.4 billion", count=2),
               Entry("person", "Elon Musk", "Elon Musk"), Entry("person", "Musk", "Elon Musk"),
               Entry("place", "États-Unis", "United States")]
    assert format_glossary(entries).splitlines() == ["- $97.4 billion", "- Elon Musk", "- United States"]
    assert format_glossary([]) == "- (none)"
