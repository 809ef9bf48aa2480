"""`passeur brief`: briefing notes and digests in md, json and html, offline.

Translation is a scripted engine (through Environment.make_translation_engine) behind the
real glossary guard; summaries come from `--engine extractive` (no model). The HTML test
that opens the page in headless Chromium is skipped when /usr/bin/chromium is absent
(Debian: `apt-get install -y chromium`).
"""
import io
import json
import os
import re
import struct
import subprocess
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.cli import Environment, cli

CHROMIUM = "/usr/bin/chromium"
STAMP = "2023-11-14T22:13:20Z"
EN_SAMPLE = Path(__file__).parent / "data" / "summary_sample.en.txt"

FR = """Musk propose 97,4 milliards de dollars pour OpenAI

Un consortium dirigé par Elon Musk a proposé 97,4 milliards de dollars pour acquérir OpenAI. \
Sam Altman, le PDG d’OpenAI, a rejeté cette offre.
Musk a cofondé OpenAI en 2015 et a quitté l’entreprise en 2018.
La valorisation d’OpenAI a atteint 157 milliards de dollars.
Le 12 février 2025, un message « <b>non</b> | merci » a circulé chez Baron Capital Group.
"""
EN = {
    "Musk propose 97,4 milliards de dollars pour OpenAI": "Musk offers $97.4 billion for OpenAI",
    "Un consortium dirigé par Elon Musk a proposé 97,4 milliards de dollars pour acquérir OpenAI.":
        "A consortium led by Elon Musk offered $97.4 billion to buy OpenAI.",
    "Sam Altman, le PDG d’OpenAI, a rejeté cette offre.": "Sam Altman, the CEO of OpenAI, rejected the offer.",
    "Musk a cofondé OpenAI en 2015 et a quitté l’entreprise en 2018.":
        "Musk co-founded OpenAI in 2015 and left the company in 2018.",
    "La valorisation d’OpenAI a atteint 157 milliards de dollars.": "OpenAI's valuation reached $157 billion.",
    "Le 12 février 2025, un message « <b>non</b> | merci » a circulé chez Baron Capital Group.":
        "On February 12, 2025, a message « <b>no</b> | thanks » went round Baron Capital Group.",
}
SEGMENTS = len(EN)


def translate(sentence: str) -> str:
    return EN.get(sentence, sentence)


def run(args, stdin=b"", script=translate, environ=None, command="brief"):
    out, err = io.StringIO(), io.StringIO()
    engine = ScriptedEngine(script)
    env = Environment(io.BytesIO(stdin), out, err, {"SOURCE_DATE_EPOCH": "1700000000", **(environ or {})},
                      make_translation_engine=lambda model, **kw: engine)
    result = CliRunner().invoke(cli, [command, *args], obj=env)
    return result, out.getvalue(), err.getvalue()


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "musk_openai.fr.txt"
    path.write_text(FR, encoding="utf-8")
    return path


def test_markdown_note_holds_every_section(article):
    result, out, err = run([str(article), "--engine", "extractive"])
    assert result.exit_code == 0, err
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert headings == ["# Briefing: Musk offers $97.4 billion for OpenAI", "## Headline", "## In brief",
                        "## Key figures", "## People and organisations", "## Full summary", "## Full translation",
                        "## Provenance"]
    section = lambda name: out.split(f"## {name}\n\n", 1)[1].split("\n## ", 1)[0]  # noqa: E731
    assert section("Headline").strip() and len(section("In brief").split()) >= 20
    # key figures: English form, French source form, the French sentence it comes from
    assert "| English | French source | Sentence |" in out
    # (the first sentence that holds it: here the title)
    assert "| $97.4 billion | 97,4 milliards de dollars | Musk propose 97,4 milliards de dollars pour OpenAI |" in out
    assert "| $157 billion | 157 milliards de dollars | La valorisation d’OpenAI a atteint" in out
    assert "| 2015 | 2015 | Musk a cofondé OpenAI en 2015" in out
    assert "« \\<b>non\\</b> \\| merci »" in out  # a pipe inside a cell is escaped, raw HTML is inert
    rows = [line for line in section("Key figures").splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 5  # header + 97.4bn, 2015, 2018, 157bn, February 12, 2025 (97.4bn once)
    assert all(len(re.split(r"(?<!\\)\|", row)) == 5 for row in rows)  # three cells each
    names = section("People and organisations")
    assert "Elon Musk (3)" in names and "Sam Altman (1)" in names
    assert "**Organisations:** OpenAI (5)" in names and "Baron Capital Group" in names
    assert "A consortium led by Elon Musk offered $97.4 billion to buy OpenAI." in section("Full translation")
    footer = section("Provenance")
    assert f"**Source file:** {article}" in footer and "French (fr)" in footer
    assert "**Translation model:** scripted" in footer and "**Summary model:** extractive (no model)" in footer
    assert f"**Date (UTC):** {STAMP}" in footer and "**Fidelity:** ok" in footer


def test_json_has_every_section(article):
    result, out, err = run([str(article), "--engine", "extractive", "--format", "json"])
    assert result.exit_code == 0, err
    data = json.loads(out)
    assert data["kind"] == "brief"
    for key in ("title", "headline", "paragraph", "key_figures", "people", "organizations", "full_summary",
                "translation", "source_text", "aligned", "provenance", "fidelity"):
        assert data[key], key
    figure = data["key_figures"][0]
    assert figure["english"] == "$97.4 billion" and figure["source"] == "97,4 milliards de dollars"
    assert figure["sentence"].startswith("Musk propose") and figure["sentence_translation"].startswith("Musk offers")
    assert figure["count"] == 2 and figure["status"] == "applied"
    assert [p["name"] for p in data["people"]] == ["Elon Musk", "Sam Altman"]
    assert {o["name"] for o in data["organizations"]} == {"OpenAI", "Baron Capital Group"}
    assert len(data["aligned"]) == SEGMENTS and data["aligned"][1]["translation"] == EN[data["aligned"][1]["source"]]
    provenance = data["provenance"]
    assert provenance["source_file"] == str(article) and provenance["language"] == "fr"
    assert provenance["translation_model"]["engine"] == "scripted"
    assert provenance["summary_model"]["engine"] == "extractive"
    assert provenance["created"] == STAMP and provenance["fidelity_status"] == "ok" and provenance["unresolved"] == []
    assert set(data["fidelity"]) == {"translation", "summary"}


def test_json_names_the_tiers_as_summarize_does_and_keeps_the_old_keys(article):
    result, out, err = run([str(article), "--engine", "extractive", "--format", "json"])
    assert result.exit_code == 0, err
    data = json.loads(out)
    result, out, err = run(["--engine", "extractive", "--format", "json", str(article)], command="summarize")
    assert result.exit_code == 0, err
    summary = json.loads(out)
    for tier in ("one_line", "paragraph", "full"):
        assert data[tier] and data[tier] == summary[tier], tier
    assert data["headline"] == data["one_line"] and data["full_summary"] == data["full"]
    result, out, _ = run([str(article), str(EN_SAMPLE), "--engine", "extractive", "--format", "json"])
    overall = json.loads(out)["overall"]
    assert overall["one_line"] and overall["one_line"] == overall["headline"]


def test_several_inputs_give_a_digest_overall_first(article):
    result, out, err = run([str(article), str(EN_SAMPLE), "--engine", "extractive"])
    assert result.exit_code == 0, err
    lines = out.splitlines()
    assert lines[0] == "# Briefing digest: 2 articles"
    overall, first, second = (lines.index(h) for h in ("## Overall", "## 1. Musk offers $97.4 billion for OpenAI",
                                                       next(x for x in lines if x.startswith("## 2. "))))
    assert overall < first < second
    assert lines.count("### Key figures") == 2 and lines.count("### Provenance") == 2
    assert "| Figure | Sentence |" in out  # the English article: no source form to show
    assert "**Translation model:** none (English input)" in out
    result, out, _ = run([str(article), str(EN_SAMPLE), "--engine", "extractive", "--format", "json"])
    data = json.loads(out)
    assert data["kind"] == "digest" and data["overall"]["headline"] and data["overall"]["paragraph"]
    assert [a["provenance"]["language"] for a in data["articles"]] == ["fr", "en"]
    assert data["articles"][1]["key_figures"] and data["articles"][1]["aligned"] == []


def test_html_is_one_self_contained_file_with_aligned_escaped_rows(article):
    result, out, err = run([str(article), "--engine", "extractive", "--format", "html"])
    assert result.exit_code == 0, err
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    lowered = out.lower()
    for external in ("<link", "src=", "<script", "@import", "url(", "http://", "https://"):
        assert external not in lowered, external
    rows = re.findall(r'<tr class="seg[^"]*">.*?</tr>', out, re.S)
    assert len(rows) == SEGMENTS
    import html

    pairs = [tuple(html.unescape(c) for c in re.findall(r'<td class="(?:source|target)"[^>]*>(.*?)</td>', row))
             for row in rows]
    assert pairs == list(EN.items())  # in order, each French segment facing its English
    assert "&lt;b&gt;non&lt;/b&gt;" in out and "<b>non</b>" not in out
    assert "@media print" in out and "@media screen and (max-width" in out


def test_html_opens_in_headless_chromium(article, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    page = tmp_path / "brief.html"
    result, _, err = run([str(article), "--engine", "extractive", "-o", str(page)])
    assert result.exit_code == 0, err
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1200,900",
                        page.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.exists(), "chromium wrote no screenshot"
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (1200, 900)
    colors = Counter(pixels)
    background, count = colors.most_common(1)[0]
    ink = 1 - count / len(pixels)
    dark = sum(1 for p in pixels if sum(p[:3]) < 200) / len(pixels)
    assert 0.02 < ink < 0.6 and dark > 0.005, (ink, dark)  # text on a page, not blank, not a solid block
    assert len(colors) > 50


def test_strict_writes_the_note_then_exits_3(article, tmp_path):
    dropped = lambda s: translate(s).replace("Sam Altman", "The boss")  # noqa: E731  a name goes missing
    target = tmp_path / "note.md"
    result, out, err = run([str(article), "--engine", "extractive", "--strict", "-o", str(target)], script=dropped)
    assert result.exit_code == 3 and "Sam Altman" in err
    note = target.read_text(encoding="utf-8")
    assert "**Fidelity:** unresolved" in note and "translation missing person 'Sam Altman'" in note
    result, _, _ = run([str(article), "--engine", "extractive", "-o", str(target)], script=dropped)
    assert result.exit_code == 0  # without --strict the same note is a success


def test_format_follows_the_output_extension_and_stats_go_to_stderr(article, tmp_path):
    page = tmp_path / "note.html"
    result, out, err = run([str(article), "--engine", "extractive", "-o", str(page), "--stats"])
    assert result.exit_code == 0 and out == ""
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    stats = json.loads(err.strip().splitlines()[-1])
    assert stats["segments"] == SEGMENTS and stats["summary"]["segments"] >= 3
    assert {"source_tokens", "generated_tokens", "seconds"} <= set(stats)


def test_stdin_empty_inputs_and_options_that_do_not_apply(article, tmp_path):
    result, out, _ = run(["--engine", "extractive", "--format", "json"], stdin=FR.encode("utf-8"))
    assert result.exit_code == 0 and json.loads(out)["provenance"]["source_file"] == "<stdin>"
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result, out, err = run([str(empty), "--engine", "extractive"])
    assert result.exit_code == 0 and out == "" and err == f"passeur: {empty}: empty input: nothing to brief; no output written\n"
    result, out, err = run([str(empty), str(article), "--engine", "extractive"])
    assert result.exit_code == 0 and out.startswith("# Briefing: ") and "empty.txt: empty" in err
    result, _, _ = run([str(article), "--tier", "one-line"])
    assert result.exit_code == 2  # a brief always holds every tier


def test_a_real_model_folder_is_named_in_the_provenance(article, copy_model):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(b""), out, err, {})
    result = CliRunner().invoke(cli, ["brief", str(article), "--engine", "extractive", "--format", "json",
                                         "--translation-model", str(copy_model), "--beam-size", "1",
                                         "--device", "cpu"], obj=env)
    assert result.exit_code in (0, 3), err
    data = json.loads(out.getvalue())
    model = data["provenance"]["translation_model"]
    assert str(copy_model) in model["model"] and "revision" in model and model["device"] == "cpu"
    assert len(data["aligned"]) == SEGMENTS and data["provenance"]["language"] == "fr"


def test_brief_note_api_for_batch(article):
    from passeur.api import build_translator
    from passeur.brief.build import build_note
    from passeur.brief.note import BriefNote
    from passeur.brief.render import render_brief
    from passeur.summary.extractive import ExtractiveEngine
    from passeur.textio.reader import read_input

    translator = build_translator(make_engine=lambda model, **kw: ScriptedEngine(translate))
    summary_engine = ExtractiveEngine()
    source = read_input(str(article))
    note = build_note(source, translator=translator, summary_engine=summary_engine, created=STAMP)
    assert isinstance(note, BriefNote) and note.headline and len(note.rows) == SEGMENTS
    text = render_brief(build_note(source, translator=translator, summary_engine=summary_engine), "md")
    assert text.startswith("# Briefing: Musk offers $97.4 billion for OpenAI\n")
    assert json.loads(render_brief(build_note(source, translator=lambda: translator, summary_engine=summary_engine),
                                   "json"))["headline"] == note.headline


def test_alignment_survives_wrapped_lines_and_cells_are_escaped():
    from passeur.brief.render import as_markdown, escape_cell
    from passeur.brief.build import align_segments

    text = "Titre\n\nUne phrase coupée\nen deux lignes. Une autre.\nFin."
    rows = align_segments(text, [{"source": "Titre", "translation": "Title"},
                                 {"source": "Une phrase coupée en deux lignes.", "translation": "One."},
                                 {"source": "Une autre.", "translation": "Two."}, {"source": "", "translation": ""},
                                 {"source": "Fin.", "translation": "End."}])
    assert [(r.translation, r.paragraph_start) for r in rows] == [("Title", True), ("One.", True), ("Two.", False),
                                                                  ("End.", True)]
    assert text[rows[1].start:rows[1].end] == "Une phrase coupée\nen deux lignes."
    assert escape_cell("a | b\nc") == "a \\| b c"
    assert as_markdown("# Title\nText", False, 2) == "\\# Title\n\nText"
    assert as_markdown("# Title\n\nText", True, 2) == "### Title\n\nText"


# -- a tiny PNG reader (zlib + struct): 8-bit RGB or RGBA, not interlaced -----------------------------
def read_png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    channels = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    previous, pixels = bytearray(stride), []
    for y in range(height):
        offset = y * (stride + 1)
        kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        pixels.extend(tuple(line[x:x + channels]) for x in range(0, stride, channels))
        previous = line
    return width, height, pixels
