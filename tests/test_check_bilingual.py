"""`passeur check --bilingual`: every unit of a JSON Lines, TMX or XLIFF file, in one process."""
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from passeur.cli import Environment, cli
from passeur.errors import DataFileError
from passeur.textio.bilingual import read_units

CLEAN = ("Sam Altman a rejeté l'offre de 97,4 milliards de dollars.",
         "Sam Altman rejected the $97.4 billion offer.")
WRONG = ("OpenAI était valorisée 157 milliards de dollars en octobre 2024.",
         "OpenAI was valued at $175 billion in October 2024.")
VARIANT = ("Hosni Moubarak a démissionné en 2011.", "Hosni Mubarak resigned in 2011.")

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="test" creationtoolversion="1" datatype="plaintext" segtype="sentence"
          adminlang="en" srclang="fr-FR" o-tmf="test"/>
  <body>
    <tu tuid="t1">
      <tuv xml:lang="fr-FR"><seg>{0}</seg></tuv>
      <tuv xml:lang="en-GB"><seg>{1}</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="fr"><seg>{2}</seg></tuv>
      <tuv xml:lang="en"><seg>{3}</seg></tuv>
    </tu>
  </body>
</tmx>
""".format(*CLEAN, *WRONG)

XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="fr" target-language="en" datatype="plaintext" original="job.txt">
    <body>
      <trans-unit id="u1"><source>{0}</source><target>{1}</target></trans-unit>
      <trans-unit id="u2"><source>{2}</source><target>{3}</target></trans-unit>
      <trans-unit id="u3"><source>Le chantier a commencé.</source></trans-unit>
    </body>
  </file>
</xliff>
""".format(*CLEAN, *WRONG)

XLIFF_20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fr" trgLang="en">
  <file id="f1">
    <unit id="a"><segment><source>{0}</source><target>{1}</target></segment></unit>
    <unit id="b"><segment id="s1"><source>{2}</source><target>{3}</target></segment>
                 <segment id="s2"><source>{4}</source><target>{5}</target></segment></unit>
  </file>
</xliff>
""".format(*CLEAN, *VARIANT, *WRONG)


def run(args):
    out, err = io.StringIO(), io.StringIO()
    result = CliRunner().invoke(cli, args, obj=Environment(io.BytesIO(b""), out, err, {}))
    return result, out.getvalue(), err.getvalue() + result.output


def jsonl(tmp_path, rows, name="job.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_gives_one_json_line_per_unit_in_order(tmp_path):
    path = jsonl(tmp_path, [{"id": "a", "source": CLEAN[0], "translation": CLEAN[1]},
                            {"source": WRONG[0], "translation": WRONG[1]},
                            {"id": 7, "source": VARIANT[0], "translation": VARIANT[1]}])
    result, out, err = run(["check", "--bilingual", str(path), "--json"])
    assert result.exit_code == 1, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["ok"]) for r in rows] == [("a", True), ("2", False), ("7", True)]
    assert rows[0]["issues"] == [] and "fixed" not in rows[0]
    assert [(i["status"], i["found"], i["severity"]) for i in rows[1]["issues"]] == [
        ("altered", "$175 billion", "error")]
    assert [i["severity"] for i in rows[2]["issues"]] == ["warning"]


def test_fix_repairs_errors_only(tmp_path):
    path = jsonl(tmp_path, [{"source": WRONG[0], "translation": WRONG[1]},
                            {"source": VARIANT[0], "translation": VARIANT[1]}])
    _, out, _ = run(["check", "--bilingual", str(path), "--json", "--fix"])
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["fixed"] == "OpenAI was valued at $157 billion in October 2024."
    assert rows[1]["fixed"] == VARIANT[1]


def test_text_output_lists_units_with_issues_then_totals(tmp_path):
    path = jsonl(tmp_path, [{"id": "a", "source": CLEAN[0], "translation": CLEAN[1]},
                            {"id": "b", "source": WRONG[0], "translation": WRONG[1]}])
    result, out, _ = run(["check", "--bilingual", str(path)])
    lines = out.splitlines()
    assert result.exit_code == 1
    assert lines == [f"{path}#b: error: altered money '$175 billion', expected '$157 billion' "
                     "(source: '157 milliards de dollars')",
                     "2 unit(s): 1 with errors, 0 with warnings only"]


def test_clean_file_exits_0(tmp_path):
    path = jsonl(tmp_path, [{"source": CLEAN[0], "translation": CLEAN[1]},
                            {"source": VARIANT[0], "translation": VARIANT[1]}])
    result, out, _ = run(["check", "--bilingual", str(path)])
    assert result.exit_code == 0 and out.splitlines()[-1] == "2 unit(s): 0 with errors, 1 with warnings only"


@pytest.mark.parametrize("name, text, ids, oks", [
    ("job.tmx", TMX, ["t1", "2"], [True, False]),
    ("job.xlf", XLIFF_12, ["u1", "u2", "u3"], [True, False, True]),
    ("job.xliff", XLIFF_20, ["a", "b/s1", "b/s2"], [True, True, False]),
])
def test_tmx_and_xliff_units(tmp_path, name, text, ids, oks):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    units = read_units(path)
    assert [u.id for u in units] == ids
    assert (units[0].source, units[0].translation) == CLEAN
    result, out, err = run(["check", "--bilingual", str(path), "--json"])
    assert result.exit_code == 1, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ids
    assert [r["ok"] for r in rows] == oks


def test_an_untranslated_xliff_unit_is_reported_as_such(tmp_path):
    path = tmp_path / "job.xlf"
    path.write_text(XLIFF_12, encoding="utf-8")
    _, out, _ = run(["check", "--bilingual", str(path), "--json"])
    assert json.loads(out.splitlines()[2]) == {"id": "u3", "ok": True, "issues": [], "untranslated": True}


def test_an_alt_trans_suggestion_is_not_the_units_translation(tmp_path):
    path = tmp_path / "job.xlf"
    path.write_text("<xliff version='1.2'><file><body><trans-unit id='u1'><source>Il a payé 150 milliards de "
                    "dollars.</source><alt-trans><source>Il a payé 150 milliards de dollars.</source>"
                    "<target>He paid $150 million.</target></alt-trans></trans-unit></body></file></xliff>",
                    encoding="utf-8")
    result, out, _ = run(["check", "--bilingual", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(out.splitlines()[0]) == {"id": "u1", "ok": True, "issues": [], "untranslated": True}


@pytest.mark.parametrize("name, text, where", [
    ("bad.jsonl", '{"source": "a", "translation": "b"}\n{"source": "a",\n', "bad.jsonl:2:"),
    ("bad.jsonl", '{"source": "a", "translation": "b"}\n["a", "b"]\n', "bad.jsonl:2:"),
    ("bad.jsonl", '{"source": "a", "translation": "b"}\n{"source": "Le port \\ud800", "translation": "b"}\n',
     "bad.jsonl:2:"),  # a lone surrogate: no checker can read it
    ("bad.tmx", "<tmx version='1.4'>\n<body>\n<tu><tuv xml:lang='fr'><seg>a</seg></tuv>\n</body></tmx>\n",
     "bad.tmx:4:"),
    ("bad.xlf", "<xliff version='1.2'><file><body>\n<trans-unit id='1'><target>b</target></trans-unit>\n"
     "</body></file></xliff>\n", "bad.xlf:2:"),
    ("job.csv", "a,b\n", "job.csv: not a bilingual file"),
])
def test_unreadable_or_malformed_files_exit_2_naming_file_and_line(tmp_path, name, text, where):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result, out, err = run(["check", "--bilingual", str(path), "--json"])
    assert result.exit_code == 2 and where in err and out == ""
    assert "Traceback" not in err


def test_missing_file_and_mixed_arguments_exit_2(tmp_path):
    result, _, err = run(["check", "--bilingual", str(tmp_path / "absent.jsonl")])
    assert result.exit_code == 2 and "absent.jsonl" in err
    result, _, err = run(["check", "a.txt", "--bilingual", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2 and "not both" in err
    with pytest.raises(DataFileError):
        read_units(jsonl(tmp_path, [{"source": 1, "translation": "x"}]))


def test_a_real_pipe_gives_json_lines(tmp_path):
    path = jsonl(tmp_path, [{"id": "x", "source": CLEAN[0], "translation": CLEAN[1]}])
    done = subprocess.run([sys.executable, "-m", "passeur", "check", "--bilingual", str(path), "--json"],
                          capture_output=True, text=True, env={**os.environ}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": "x", "ok": True, "issues": []}
