"""Figures: French extraction (span, kind, house-style target, value) and English recognition."""
from __future__ import annotations

import csv
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passeur.fidelity.entry import FIGURE_KINDS
from passeur.fidelity.figures.values import format_value
from passeur.fidelity.figures.en import find_figures
from passeur.fidelity.figures.fr import extract_figures

DATA = Path(__file__).parent / "data"
ROWS = list(csv.DictReader((DATA / "figures.tsv").open(encoding="utf-8"), delimiter="\t"))
CASES = [json.loads(line) for line in (DATA / "check_cases.jsonl").open(encoding="utf-8")]


# -- the dev set ------------------------------------------------------------------------------

@pytest.mark.parametrize("row", ROWS, ids=[r["source"] for r in ROWS])
def test_dev_set_row_is_extracted_exactly(row):
    entries = extract_figures(row["sentence"])
    assert [(e.source, e.kind, e.target) for e in entries] == [(row["source"], row["kind"], row["target"])]
    entry = entries[0]
    assert row["sentence"][entry.start:entry.end] == row["source"]


@pytest.mark.parametrize("row", ROWS, ids=[r["target"] for r in ROWS])
def test_dev_set_target_reads_back_as_the_same_value(row):
    expected = extract_figures(row["sentence"])[0].value
    mentions = find_figures(row["target"])
    assert [(m.text, m.value) for m in mentions] == [(row["target"], expected)]
    assert not mentions[0].extra["nonstandard"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_check_case_sources_give_their_figure_entries(case):
    got = [(e.kind, e.source, e.target) for e in extract_figures(case["source_fr"])]
    expected = [(e["kind"], e["source"], e["target"]) for e in case["source_entries"]
                if e["kind"] in FIGURE_KINDS]
    assert got == expected


def test_seed_article_gives_the_gold_figures():
    text = (DATA / "seed.fr.txt").read_text(encoding="utf-8")
    gold = json.loads((DATA / "seed.gold.json").read_text(encoding="utf-8"))["entries"]
    expected = {(e["kind"], e["source"], e["target"]) for e in gold if e["kind"] in FIGURE_KINDS}
    entries = extract_figures(text)
    assert {(e.kind, e.source, e.target) for e in entries} == expected
    assert all(text[e.start:e.end] == e.source for e in entries)


def test_extraction_is_fast_on_the_seed_article():
    text = (DATA / "seed.fr.txt").read_text(encoding="utf-8")
    extract_figures(text)
    best = min(_seconds(extract_figures, text, 20) for _ in range(5))
    per_thousand_words = best / len(text.split()) * 1000
    assert per_thousand_words < 0.005


def _seconds(function, argument, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function(argument)
    return (time.perf_counter() - start) / repeat


# -- French: tricky cases ---------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("Le PIB a reculé de -0,5 % sur la période.", [("-0,5 %", "-0.5%")]),
    ("Il a dirigé l'entreprise de 2015-2018.", [("2015", "2015"), ("2018", "2018")]),
    ("Le GPT-4.5 et l'A320 pendant le Covid-19.", []),
    ("Il est arrivé en octobre dernier.", []),
    ("Rendez-vous en juin.", []),
    ("La version 3.5 est sortie.", [("3.5", "3.5")]),
    ("Publié le 22/04/2024 à 15h30.", [("22/04/2024", "April 22, 2024"), ("15h30", "15:30")]),
    ("Il a fait −3 °C cette nuit.", [("−3 °C", "-3°C")]),
    ("François Ier a régné au XVIe siècle.", [("XVIe siècle", "16th century")]),
    ("Un budget de 5 k€ pour 3 millions de tonnes.",
     [("5 k€", "€5,000"), ("3 millions de tonnes", "3 million tonnes")]),
    ("Le ticket vaut US$ 12, soit 12 $US.", [("US$ 12", "$12"), ("12 $US", "$12")]),
    ("Le dollar vaut 1,08 euro.", [("1,08 euro", "€1.08")]),
    ("Il mesure 1 020,50 mètres.", [("1 020,50 mètres", "1,020.50 metres")]),
    ("Le 1er est arrivé 2ème, le 3e 11e.", [("1er", "1st"), ("2ème", "2nd"), ("3e", "3rd"), ("11e", "11th")]),
    ("Le chiffre d'affaires atteint 1.250.000 €.", [("1.250.000 €", "€1,250,000")]),
    ("La Bourse a pris 1 point de pourcentage.", [("1 point de pourcentage", "1 percentage point")]),
    ("Le contrat vaut 2 Mrd € au total.", [("2 Mrd €", "€2 billion")]),
    ("La dette atteint 3 billions d’euros.", [("3 billions d’euros", "€3 trillion")]),
    ("Il a gagné 450 livres sterling.", [("450 livres sterling", "£450")]),
    ("Elle a lu 450 livres.", [("450", "450")]),
    ("Le 11 décembre 2014, à 9 h, tout a changé.", [("11 décembre 2014", "December 11, 2014"), ("9 h", "9:00")]),
    ("Les 2000 salariés ont voté.", [("2000", "2000")]),
    ("La dette dépasse 3 000 milliards d’euros.", [("3 000 milliards d’euros", "€3 trillion")]),
    ("Soit 2 500 millions d'habitants.", [("2 500 millions", "2.5 billion")]),
    ("Dans les années 1990 et les années 80.", [("années 1990", "1990s"), ("années 80", "1980s")]),
    ("Il roulait à 130 km/h.", [("130 km/h", "130 km/h")]),
])
def test_tricky_french_figures(sentence, expected):
    entries = extract_figures(sentence)
    assert [(e.source, e.target) for e in entries] == expected
    for entry in entries:
        assert sentence[entry.start:entry.end] == entry.source


def test_values_distinguish_percent_from_points_and_years_from_numbers():
    (percent,) = extract_figures("Il a pris 3 %.")
    (points,) = extract_figures("Il a pris 3 points de pourcentage.")
    assert percent.value == ("percent", Decimal(3)) and points.value == ("points", Decimal(3))
    (year,) = extract_figures("En 2018, tout a changé.")
    (count,) = extract_figures("Plus de 2000 personnes.")
    assert year.kind == "date" and year.value == ("date", 2018, None, None)
    assert count.kind == "number" and count.value == ("number", Decimal(2000))


def test_french_billion_is_english_trillion_in_value_too():
    (entry,) = extract_figures("Une dette de 36 billions de dollars.")
    assert entry.value == ("money", "USD", Decimal("36e12"))
    assert entry.target == "$36 trillion"


# -- English ----------------------------------------------------------------------------------

BILLIONS = ("money", "USD", Decimal("97.4e9"))


@pytest.mark.parametrize("text, value", [
    ("$97.4 billion", BILLIONS), ("97.4 billion dollars", BILLIONS), ("US$97.4bn", BILLIONS),
    ("€1,020", ("money", "EUR", Decimal(1020))), ("1,020 euros", ("money", "EUR", Decimal(1020))),
    ("3.6 percent", ("percent", Decimal("3.6"))), ("3.6%", ("percent", Decimal("3.6"))),
    ("3.6 per cent", ("percent", Decimal("3.6"))),
    ("June 16", ("date", None, 6, 16)), ("16 June 2024", ("date", 2024, 6, 16)),
    ("June 16, 2024", ("date", 2024, 6, 16)), ("October 2024", ("date", 2024, 10, None)),
    ("9:30", ("time", 9, 30)), ("9:30 pm", ("time", 21, 30)), ("6th", ("ordinal", 6)),
    ("13°C", ("quantity", "°C", Decimal(13))), ("2.8 million", ("number", Decimal("2.8e6"))),
    ("2.8m", ("number", Decimal("2.8e6"))), ("2015", ("date", 2015, None, None)),
    ("19th century", ("century", 19)), ("6 percentage points", ("points", Decimal(6))),
    ("CHF 310 million", ("money", "CHF", Decimal("310e6"))), ("£450", ("money", "GBP", Decimal(450))),
])
def test_english_spellings_give_the_value(text, value):
    mentions = find_figures(text)
    assert [(m.text, m.value) for m in mentions] == [(text, value)]
    assert not mentions[0].extra["nonstandard"]


@pytest.mark.parametrize("text, found, value", [
    ("a budget of 3.3 milliard euros next year", "3.3 milliard euros", ("money", "EUR", Decimal("3.3e9"))),
    ("it cost 97,4 billion dollars", "97,4 billion dollars", BILLIONS),
    ("a ticket at 12 € only", "12 €", ("money", "EUR", Decimal(12))),
    ("planted 4\u00a0700 trees", "4\u00a0700", ("number", Decimal(4700))),
    ("kick-off at 20 h 45", "20 h 45", ("time", 20, 45)),
    ("up 17,6\u202f%", "17,6\u202f%", ("percent", Decimal("17.6"))),
])
def test_french_leftovers_in_english_are_marked_nonstandard(text, found, value):
    (mention,) = find_figures(text)
    assert (mention.text, mention.value, mention.extra["nonstandard"]) == (found, value, True)


def test_digits_grouped_by_a_space_are_a_value_equal_form():
    """"10 573" (SI style) states 10,573: right as it stands, never restyled."""
    (mention,) = find_figures("The basket cost 10 573 forints.")
    assert (mention.text, mention.value, mention.extra["nonstandard"]) == (
        "10 573", ("number", Decimal(10573)), False)


def test_a_bare_number_is_a_number_and_spelled_ones_come_only_on_request():
    text = "The rate will be cut to 1.7 on August 1, the sixth cut in two years."
    assert [(m.text, m.kind) for m in find_figures(text)] == [("1.7", "number"), ("August 1", "date")]
    spelled = [m for m in find_figures(text, spelled=True) if m.extra.get("spelled")]
    assert [(m.text, m.value) for m in spelled] == [("sixth", ("ordinal", 6)), ("two", ("number", Decimal(2)))]


def test_codes_are_not_figures_and_decades_are_dates():
    assert find_figures("GPT-4.5 flew on an A320 after Covid-19.") == []
    assert [(m.text, m.value) for m in find_figures("In the 1990s and the ’80s.")] == [
        ("1990s", ("decade", 1990)), ("’80s", ("decade", 1980))]


def test_spelled_numbers_before_a_large_scale_are_figures_in_both_languages():
    (fr,) = extract_figures("Il a levé un milliard de dollars.")
    assert (fr.source, fr.target) == ("un milliard de dollars", "$1 billion")
    for text in ("He raised a billion dollars.", "He raised one billion dollars."):
        assert [m.value for m in find_figures(text)] == [fr.value]
    assert extract_figures("Une dizaine de personnes, aucune victime.") == []
    assert find_figures("A thousand thanks, an issue.") == []


@pytest.mark.parametrize("value, text", [
    (BILLIONS, "$97.4 billion"), (("money", "CHF", Decimal("310e6")), "CHF 310 million"),
    (("percent", Decimal("12.5")), "12.5%"), (("points", Decimal(3)), "3 percentage points"),
    (("date", None, 3, 1), "March 1"), (("date", 2014, 12, 11), "December 11, 2014"),
    (("time", 9, 0), "9:00"), (("century", 21), "21st century"), (("ordinal", 2), "2nd"),
    (("quantity", "°C", Decimal(20)), "20°C"), (("number", Decimal(1500)), "1,500"),
])
def test_format_value_writes_house_style(value, text):
    assert format_value(value) == text
    assert find_figures(text)[0].value == value


# -- property: any French amount reads back as the same value in English ----------------------

SPACES = [" ", "\u00a0", "\u202f"]
CURRENCIES = {  # code: (symbols after, words, symbols before)
    "EUR": (["€"], ["euros"], ["€"]),
    "USD": (["$", "$US"], ["dollars"], ["$", "US$"]),
    "GBP": (["£"], ["livres sterling"], ["£"]),
    "JPY": (["¥"], ["yens"], ["¥"]),
    "CHF": (["CHF"], ["francs suisses"], ["CHF "]),
}
SCALES = {"": 0, "mille": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9,
          "billion": 12, "billions": 12}
ABBREVIATIONS = {"k": 3, "M": 6, "Md": 9, "Mds": 9, "Mrd": 9}


@st.composite
def french_numerals(draw):
    whole = draw(st.integers(0, 9_999_999))
    decimals = draw(st.one_of(st.just(""), st.from_regex(r"\A[0-9]{1,2}\Z")))
    digits = str(whole)
    mark = draw(st.sampled_from(SPACES + [".", ""])) if whole >= 1000 else ""
    if mark:
        head = len(digits) % 3 or 3
        digits = mark.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])
    numeral = digits + ("," + decimals if decimals else "")
    return numeral, Decimal(f"{whole}.{decimals}" if decimals else str(whole))


@st.composite
def french_amounts(draw):
    numeral, amount = draw(french_numerals())
    code = draw(st.sampled_from(sorted(CURRENCIES)))
    after, words, before = CURRENCIES[code]
    style = draw(st.sampled_from(["symbol after", "word after", "symbol before", "abbreviation"]))
    scale = draw(st.sampled_from(sorted(SCALES)))
    space = draw(st.sampled_from(SPACES if scale else SPACES + [""]))
    power = SCALES[scale]
    scaled = numeral + (" " + scale if scale else "")
    if style == "symbol after":
        text = scaled + space + draw(st.sampled_from(after))
    elif style == "word after":
        word = draw(st.sampled_from(words))
        joiner = (draw(st.sampled_from(["d'", "d’"])) if word[0] in "aeiou" else "de ") if scale else ""
        text = scaled + " " + joiner + word
    elif style == "symbol before":
        text = draw(st.sampled_from(before)) + scaled
    else:
        abbreviation = draw(st.sampled_from(sorted(ABBREVIATIONS)))
        power = ABBREVIATIONS[abbreviation]
        text = numeral + space + abbreviation + space + draw(st.sampled_from(after))
    return text, ("money", code, amount.scaleb(power))


@settings(max_examples=400, deadline=None)
@given(french_amounts())
def test_any_french_amount_round_trips_to_its_english_form(sample):
    text, value = sample
    sentence = f"Le montant atteint {text} cette année."
    (entry,) = extract_figures(sentence)
    assert (entry.source, entry.kind, entry.value) == (text, "money", value)
    (mention,) = find_figures(f"The amount reaches {entry.target} this year.")
    assert mention.text == entry.target and mention.value == value
    assert not mention.extra["nonstandard"]


@settings(max_examples=200, deadline=None)
@given(french_numerals(), st.sampled_from(["%", " %", "\u202f%", " pour cent", "", " millions"]))
def test_any_french_number_or_percent_round_trips(sample, suffix):
    numeral, amount = sample
    text = numeral + suffix
    (entry,) = extract_figures(f"On compte {text} au total.")
    assert entry.source == text
    (mention,) = find_figures(f"There are {entry.target} in all.")
    assert mention.text == entry.target and mention.value == entry.value
    stated = entry.value[1] if entry.kind == "date" else entry.value[-1]  # "1962" is a year
    assert stated == (amount * 1000000 if "millions" in suffix else amount)


def test_a_weight_in_stone_is_no_ordinal():
    """"7st" (seven stone) is not a misspelt "7th": it is no ordinal, and so never 'repaired'."""
    from passeur.fidelity.figures.en import find_figures

    assert not [m for m in find_figures("The girl weighed 7st when she was admitted.") if m.kind == "ordinal"]
    assert [m.value for m in find_figures("He finished 7th and then 21st.") if m.kind == "ordinal"] == \
        [("ordinal", 7), ("ordinal", 21)]
