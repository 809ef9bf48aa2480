"""The checker: names and figures compared both ways, issues in the `check --json` shape, fixes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from passeur.fidelity.checker import check, covers, entry_value, fix
from passeur.fidelity.entry import FIGURE_KINDS, Entry, Mention
from passeur.fidelity.figures.values import month_names
from passeur.fidelity.figures.fr import extract_figures

DATA = Path(__file__).parent / "data"
CASES = [json.loads(line) for line in (DATA / "check_cases.jsonl").open(encoding="utf-8")]
FIELDS = ("status", "kind", "source", "expected", "found")

# A stand-in for passeur.fidelity.names.en.find_names_en, so that these tests do not depend on it: runs of
# capitalised words, less a lone capitalised word opening a sentence, month names, and a few
# capitalised common words (demonyms, "AI") that are not names.
NOT_NAMES = set(month_names("en")) | {"AI", "American", "Korean", "French", "British", "Japanese"}
_CAPITALISED = re.compile(r"[A-ZÀ-Ý][\w-]*")


def capitalised_runs(text: str) -> list[Mention]:
    runs: list[list[re.Match]] = []
    for word in _CAPITALISED.finditer(text):
        if runs and re.fullmatch(r"\s+(?:(?:of|for|de)\s+)?", text[runs[-1][-1].end():word.start()]):
            runs[-1].append(word)
        else:
            runs.append([word])
    mentions = []
    for run in runs:
        start, end = run[0].start(), run[-1].end()
        opens_sentence = start == 0 or re.search(r"[.!?]\s*$", text[:start])
        if len(run) == 1 and (opens_sentence or run[0].group() in NOT_NAMES):
            continue
        mentions.append(Mention("person", text[start:end], start, end))
    return mentions


def entries_of(case: dict) -> list[Entry]:
    return [Entry(kind=e["kind"], source=e["source"], target=e["target"],
                  aliases=tuple(e.get("aliases", ()))) for e in case["source_entries"]]


def issues_of(result) -> list[dict]:
    return [{name: issue.to_json()[name] for name in FIELDS} for issue in result.issues]


def run_case(case: dict, entries: list[Entry]):
    return check(entries, case["text_en"], summary=case["mode"] == "summary",
                 english_names=capitalised_runs(case["text_en"]))


# -- the dev set ------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dev_case_gives_exactly_the_expected_issues(case):
    result = run_case(case, entries_of(case))
    assert result.ok is case["expected_ok"]
    assert issues_of(result) == case["expected_issues"]
    for issue in result.issues:
        if issue.found is not None:
            assert case["text_en"][issue.start:issue.end] == issue.found


@pytest.mark.parametrize("case", [c for c in CASES if c["fixed_en"] is not None],
                         ids=[c["id"] for c in CASES if c["fixed_en"] is not None])
def test_dev_case_fix_gives_the_repaired_text(case):
    result = run_case(case, entries_of(case))
    assert fix(case["text_en"], result) == case["fixed_en"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dev_case_with_extracted_figure_entries(case):
    """Figures straight from extract_figures (with their values and offsets) give the same."""
    names = [e for e in entries_of(case) if e.kind not in FIGURE_KINDS]
    result = check(names + extract_figures(case["source_fr"]), case["text_en"],
                   summary=case["mode"] == "summary",
                   english_names=capitalised_runs(case["text_en"]), source_text=case["source_fr"])
    assert sorted(map(str, issues_of(result))) == sorted(map(str, case["expected_issues"]))


def test_parallel_fixture_sentences_have_no_figure_issues():
    from fixture_corpus import ENGLISH_SENTENCES, FRENCH_SENTENCES

    for french, english in zip(FRENCH_SENTENCES, ENGLISH_SENTENCES):
        assert check(extract_figures(french), english, english_names=[]).issues == [], english


# -- JSON shape -------------------------------------------------------------------------------

def test_json_has_the_check_shape():
    case = next(c for c in CASES if c["id"] == "d13")
    result = run_case(case, entries_of(case))
    assert result.to_json() == {"ok": False, "issues": [
        {"kind": "money", "source": "3,3 milliards d'euros", "expected": "€3.3 billion",
         "status": "altered", "found": "3.3 milliard euros", "severity": "error"}]}
    fixed = fix(case["text_en"], result)
    assert result.to_json(fixed=fixed)["fixed"] == case["fixed_en"]
    assert json.loads(json.dumps(result.to_json())) == result.to_json()


def test_ok_text_gives_ok_json():
    result = check(extract_figures("Il a payé 12 €."), "He paid €12.")
    assert result.ok and result.to_json() == {"ok": True, "issues": []}


# -- figures: tricky cases --------------------------------------------------------------------

def figure_issues(source_fr: str, text_en: str, summary: bool = False) -> list[tuple]:
    result = check(extract_figures(source_fr), text_en, summary=summary, english_names=[])
    return [(i.status, i.source, i.expected, i.found) for i in result.issues]


@pytest.mark.parametrize("text_en", [
    "It offered $97.4 billion.", "It offered 97.4 billion dollars.", "It offered US$97.4bn.",
    "It offered USD 97.4 billion.", "It offered $97,400,000,000.",
])
def test_value_equivalent_spellings_are_fine(text_en):
    assert figure_issues("Il a offert 97,4 milliards de dollars.", text_en) == []


@pytest.mark.parametrize("text_en, found", [
    ("It offered $97.5 billion.", "$97.5 billion"), ("It offered $97.4 million.", "$97.4 million"),
    ("It offered $974 billion.", "$974 billion"), ("It offered €97.4 billion.", "€97.4 billion"),
    ("It offered 97,4 billion dollars.", "97,4 billion dollars"),
    ("It offered 97.4 billion.", "97.4 billion"),
])
def test_other_values_or_french_spellings_are_altered(text_en, found):
    assert figure_issues("Il a offert 97,4 milliards de dollars.", text_en) == [
        ("altered", "97,4 milliards de dollars", "$97.4 billion", found)]


def test_fix_repairs_several_altered_figures_in_one_pass():
    source = "Le 3 mars, il a payé 1 500 € pour 12,5 % des parts."
    text = "On March 3, he paid 1 500 € for 12.6% of the shares."
    result = check(extract_figures(source), text, english_names=[])
    assert [i.found for i in result.issues] == ["1 500 €", "12.6%"]
    assert fix(text, result) == "On March 3, he paid €1,500 for 12.5% of the shares."


def test_a_date_may_lose_its_year_in_a_summary_but_not_in_a_translation():
    source = "La loi a été promulguée le 22 avril 2024."
    assert figure_issues(source, "The law was enacted on April 22.", summary=True) == []
    assert figure_issues(source, "The law was enacted on April 22.") == [
        ("altered", "22 avril 2024", "April 22, 2024", "April 22")]
    assert figure_issues(source, "The law was enacted on April 22, 2024, in full.") == []


def test_a_year_may_be_written_as_a_number_and_a_repeated_figure_counts_once():
    source = "En 2018, puis encore en 2018, il a vendu 8 voitures."
    assert figure_issues(source, "In 2018 he sold eight cars.") == []


def test_an_omitted_figure_is_missing_in_a_translation_only():
    source = "Il a planté 4 700 arbres et 6 000 fleurs."
    assert figure_issues(source, "He planted 4,700 trees and flowers.") == [
        ("missing", "6 000", "6,000", None)]
    assert figure_issues(source, "He planted 4,700 trees and flowers.", summary=True) == []


def test_an_unrelated_new_figure_in_a_summary_is_unexpected_not_altered():
    source = "Le groupe emploie 34 personnes et investit 700 millions d’euros."
    assert figure_issues(source, "The group invests €700 million and creates 1,000 jobs.",
                         summary=True) == [("unexpected", None, None, "1,000")]


def test_entry_values_come_from_targets_when_entries_carry_none():
    assert entry_value(Entry("money", "36 billions de dollars", "$36 trillion")) == (
        "money", "USD", extract_figures("36 billions de dollars")[0].value[2])
    assert entry_value(Entry("date", "2018", "2018")) == ("date", 2018, None, None)


def test_covers_allows_an_added_year_and_a_year_written_as_number():
    assert covers(("date", None, 6, 16), ("date", 2024, 6, 16))
    assert not covers(("date", 2024, 6, 16), ("date", None, 6, 16))
    assert covers(("date", 2000, None, None), ("number", extract_figures("2 000")[0].value[1]))


# -- names ------------------------------------------------------------------------------------

def name_issues(entries: list[Entry], text: str, **options) -> list[tuple]:
    result = check(entries, text, english_names=capitalised_runs(text), **options)
    return [(i.status, i.kind, i.expected, i.found) for i in result.issues]


def test_untranslated_place_is_altered_and_fixed():
    entries = [Entry("place", "Maison Blanche", "White House")]
    text = "It was announced at the Maison Blanche yesterday."
    assert name_issues(entries, text) == [("altered", "place", "White House", "Maison Blanche")]
    result = check(entries, text, english_names=[])
    assert fix(text, result) == "It was announced at the White House yesterday."


def test_aliases_count_and_case_variants_are_the_same_name():
    entries = [Entry("person", "Elon Musk", "Elon Musk", aliases=("Musk",))]
    assert name_issues(entries, "Then Musk left.") == []
    assert name_issues([Entry("organization", "OpenAI", "OpenAI")], "He left Openai.") == []


def test_a_second_misspelt_occurrence_is_altered_too():
    entries = [Entry("person", "Sam Altman", "Sam Altman")]
    text = "Sam Altman spoke first; later Sam Altmann replied."
    assert name_issues(entries, text) == [("altered", "person", "Sam Altman", "Sam Altmann")]


def test_short_names_are_not_matched_loosely():
    entries = [Entry("person", "Musk", "Musk"), Entry("place", "Paris", "Paris")]
    assert name_issues(entries, "The mask was sold in Pairs.", summary=True) == [
        ("unexpected", "person", None, "Pairs")]


def test_a_name_supported_by_the_source_text_is_not_unexpected():
    text = "Singer Inès Valrose met Marc Duval."
    entries = [Entry("person", "Inès Valrose", "Inès Valrose")]
    assert name_issues(entries, text, summary=True) == [("unexpected", "person", None, "Marc Duval")]
    assert name_issues(entries, text, summary=True,
                       source_text="Inès Valrose a rencontré Marc Duval.") == []


def test_english_names_may_be_plain_strings():
    entries = [Entry("person", "Inès Valrose", "Inès Valrose")]
    result = check(entries, "Inès Valrose met Marc Duval.", summary=True,
                   english_names=["Inès Valrose", "Marc Duval"])
    assert [(i.status, i.found, i.start) for i in result.issues] == [("unexpected", "Marc Duval", 17)]


def test_digits_inside_a_found_name_are_not_figures():
    entries = [Entry("product", "Boeing 737", "Boeing 737")]
    assert name_issues(entries, "The Boeing 737 is back.") == []
