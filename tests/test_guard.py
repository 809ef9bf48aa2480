"""The glossary guard end to end, with a scripted engine that makes every classic mistake."""
import io
import json

import pytest
from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.cli import Environment, cli
from passeur.fidelity.guard import GlossaryGuard
from passeur.translation.pipeline import translate_document

SOURCE = (
    "Un consortium dirigé par Elon Musk, via sa société xAI, a proposé 97,4 milliards de dollars pour OpenAI.\n"
    "Sam Altman a refusé l’offre.\n"
    "OpenAI était valorisée 157 milliards de dollars en octobre.\n"
)
FAULTY = {
    "Un consortium dirigé par Elon Musk, via sa société xAI, a proposé 97,4 milliards de dollars pour OpenAI.":
        "A consortium led by Elon Musk, through his company, offered $97.5 billion for OpenAI.",
    "Sam Altman a refusé l’offre.": "Sam Altmann refused the offer.",
    "OpenAI était valorisée 157 milliards de dollars en octobre.":
        "OpenAI was valued at 157 million dollars in October, up from $12 billion.",
}


@pytest.fixture(scope="module")
def guarded():
    guard = GlossaryGuard(ScriptedEngine(FAULTY))
    return translate_document(SOURCE, guard, source_lang="fr")


def test_altered_figures_and_names_are_repaired_in_place(guarded):
    text = guarded.translation
    assert "$97.4 billion" in text and "97.5" not in text
    assert "Sam Altman refused" in text and "Altmann" not in text
    # the scale put right in the text's own style ("157 million dollars" -> "157 billion dollars")
    assert "157 billion dollars" in text and "157 million" not in text


def test_what_cannot_be_repaired_is_reported(guarded):
    fidelity = guarded.fidelity
    assert fidelity["ok"] is False
    problems = {(u["status"], u["kind"], u["source"] or u["found"], u["severity"])
                for u in fidelity["unresolved"]}
    assert problems == {("unexpected", "money", "$12 billion", "error")}
    warnings = {(u["status"], u["kind"], u["source"], u["severity"]) for u in fidelity["warnings"]}
    assert ("missing", "organization", "xAI", "warning") in warnings  # uncertain: never fatal
    statuses = {e["source"]: e["status"] for e in fidelity["entries"]}
    assert statuses["97,4 milliards de dollars"] == "repaired"
    assert statuses["Sam Altman"] == "repaired"
    assert statuses["xAI"] == "warning"
    assert statuses["Elon Musk"] == "applied"


def test_a_hypothesis_holding_every_form_is_preferred():
    sentence = "Sam Altman a rejeté 97,4 milliards de dollars."
    engine = ScriptedEngine(alternatives={sentence: [
        "Sam Altmann rejected 97.4 billion.", "Sam Altman rejected $97.4 billion."]})
    result = translate_document(sentence, GlossaryGuard(engine), source_lang="fr")
    assert result.translation == "Sam Altman rejected $97.4 billion."
    assert result.fidelity["ok"] and result.fidelity["status"] == "ok"


def test_strict_exits_3_and_still_writes_the_translation(tmp_path):
    source = tmp_path / "a.fr.txt"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "a.en.txt"
    err = io.StringIO()
    env = Environment(io.BytesIO(), io.StringIO(), err, {},
                      make_translation_engine=lambda model, **kw: ScriptedEngine(FAULTY))
    result = CliRunner().invoke(cli, ["translate", str(source), "-o", str(out), "--strict"], obj=env)
    assert result.exit_code == 3
    assert "$97.4 billion" in out.read_text()
    assert "$12 billion" in err.getvalue() and "xAI" not in err.getvalue()  # a warning is not fatal


def test_json_has_glossary_and_fidelity(tmp_path):
    out = io.StringIO()
    env = Environment(io.BytesIO(SOURCE.encode()), out, io.StringIO(), {},
                      make_translation_engine=lambda model, **kw: ScriptedEngine(FAULTY))
    result = CliRunner().invoke(cli, ["translate", "--format", "json", "--source-lang", "fr"], obj=env)
    assert result.exit_code == 0
    data = json.loads(out.getvalue())
    assert {"source_language", "translation", "segments", "glossary", "fidelity"} <= set(data)
    assert {"kind": "money", "source": "97,4 milliards de dollars", "target": "$97.4 billion", "count": 1} in data["glossary"]
    assert data["fidelity"]["status"] == "unresolved"
    fidelity = data["fidelity"]
    assert {item["severity"] for item in fidelity["unresolved"]} == {"error"}
    assert {item["severity"] for item in fidelity["warnings"]} == {"warning"}


def test_the_guard_never_edits_on_a_warning():
    """Another romanisation ("Mubarak") and an organisation's English name are warnings: the
    model's text stays as it is, and the document is ok."""
    sentence = "Hosni Moubarak a quitté la Banque mondiale en 2011."
    engine = ScriptedEngine({sentence: "Hosni Mubarak left the Bank in 2011."})
    result = translate_document(sentence, GlossaryGuard(engine), source_lang="fr")
    assert result.translation == "Hosni Mubarak left the Bank in 2011."
    assert result.fidelity["ok"] is True and result.fidelity["unresolved"] == []
    assert {w["severity"] for w in result.fidelity["warnings"]} == {"warning"}
    assert {w["kind"] for w in result.fidelity["warnings"]} >= {"person"}


def test_user_glossary_terms_reach_the_output(tmp_path):
    from passeur.api import build_translator

    glossary = tmp_path / "g.csv"
    glossary.write_text("conseil régional,regional council\n", encoding="utf-8")
    seen = []
    engine = ScriptedEngine(lambda s: seen.append(s) or s.replace("Le ", "The ").replace(" a voté", " voted"))
    translator = build_translator(glossary=str(glossary), make_engine=lambda model, **kw: engine)
    result = translate_document("Le Conseil régional a voté. Le conseil régional a voté.", translator,
                                source_lang="fr")
    assert result.translation == "The regional council voted. The regional council voted."
    assert all("régional" not in s for s in seen)
    term = [e for e in result.fidelity["entries"] if e["kind"] == "term"][0]
    assert term["target"] == "regional council" and term["status"] == "applied"


def test_glossary_extract_json_with_user_terms(tmp_path):
    glossary = tmp_path / "g.tsv"
    glossary.write_text("Maison Blanche\tthe White House (Washington)\n", encoding="utf-8")
    out = io.StringIO()
    env = Environment(io.BytesIO("Le président a parlé à la Maison Blanche le 3 mars 2025.".encode()), out,
                      io.StringIO(), {})
    result = CliRunner().invoke(cli, ["glossary", "extract", "--json", "--glossary", str(glossary)], obj=env)
    assert result.exit_code == 0
    data = json.loads(out.getvalue())
    assert data["language"] == "fr"
    assert {"kind": "term", "source": "Maison Blanche", "target": "the White House (Washington)", "count": 1} in data["entries"]
    assert {"kind": "date", "source": "3 mars 2025", "target": "March 3, 2025", "count": 1} in data["entries"]
    assert not any(e["kind"] == "place" for e in data["entries"])


def test_malformed_glossary_is_exit_2_with_file_and_line(tmp_path):
    glossary = tmp_path / "bad.csv"
    glossary.write_text("a,b\nc\n", encoding="utf-8")
    err = io.StringIO()
    env = Environment(io.BytesIO(b"Bonjour."), io.StringIO(), err, {},
                      make_translation_engine=lambda model, **kw: ScriptedEngine())
    result = CliRunner().invoke(cli, ["translate", "--glossary", str(glossary)], obj=env)
    assert result.exit_code == 2 and f"{glossary}:2" in err.getvalue()


def test_french_figures_left_in_the_output_are_replaced_whole():
    sentence = "La fondatrice vise 8,3 M€ le 3 mars 2025 pour un quai de 320 mètres."
    result = translate_document(sentence, GlossaryGuard(ScriptedEngine()), source_lang="fr")
    assert result.translation == "La fondatrice vise €8.3 million le March 3, 2025 pour un quai de 320 metres."
    assert result.fidelity["ok"]


def test_guard_loads_the_model_while_names_are_extracted_then_translates(monkeypatch):
    """The model loads during the extraction; the translation waits for it (no competing)."""
    import threading

    from passeur.fidelity import guard as guard_module

    events, release = [], threading.Event()

    def slow_extraction(text, termbase=None):
        release.wait(5)
        events.append("glossary")
        return []

    class LoadingEngine(ScriptedEngine):
        def prepare(self, sentences=(), n_best=1):
            events.append("load")
            release.set()

        def translate(self, sentences, n_best=1):
            events.append("translate")
            return super().translate(sentences, n_best=n_best)

    monkeypatch.setattr(guard_module, "extract_glossary", slow_extraction)
    guard = GlossaryGuard(LoadingEngine())
    guard.begin_document("Le ministre a parlé.")
    assert guard.translate_one(["Le ministre a parlé."]) == ["Le ministre a parlé."]
    assert events == ["load", "glossary", "translate"]
    guard.translate_one(["Encore."])  # the glossary is there: no second wait, no reload
    assert events == ["load", "glossary", "translate", "translate"]
