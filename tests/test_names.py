"""Names in French text (spaCy + rules), the gazetteer, and candidate names in English text."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from passeur.fidelity.names import gazetteer
from passeur.fidelity.entry import NAME_KINDS
from passeur.fidelity.names.en import find_names_en
from passeur.fidelity.names.fr import extract_names
from passeur.fidelity.names.nlp import load_nlp

DATA = Path(__file__).parent / "data"
SEED = (DATA / "seed.fr.txt").read_text(encoding="utf-8")
GOLD = [e for e in json.loads((DATA / "seed.gold.json").read_text(encoding="utf-8"))["entries"] if e["kind"] in NAME_KINDS]
CASES = [json.loads(line) for line in (DATA / "check_cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def _names(text):
    return {(e.kind, e.source, e.target) for e in extract_names(text)}


@pytest.fixture(scope="module")
def seed_entries():
    return extract_names(SEED)


# ---------------------------------------------------------------- the seed article


def test_seed_every_gold_name_found_with_kind_target_and_aliases(seed_entries):
    got = {(e.kind, e.source, e.target, e.aliases) for e in seed_entries}
    for gold in GOLD:
        assert (gold["kind"], gold["source"], gold["target"], tuple(gold.get("aliases", ()))) in got


def test_seed_no_spurious_name(seed_entries):
    gold = {(g["kind"], g["source"], g["target"]) for g in GOLD}
    assert {(e.kind, e.source, e.target) for e in seed_entries} == gold
    assert len(seed_entries) == len(GOLD)


def test_seed_spans_point_at_the_first_occurrence(seed_entries):
    for entry in seed_entries:
        assert SEED[entry.start:entry.end] == entry.source
        assert entry.start == SEED.index(entry.source) or entry.source == "X"


def test_seed_counts_include_aliases(seed_entries):
    by_source = {e.source: e for e in seed_entries}
    musk = by_source["Elon Musk"]
    assert musk.count == SEED.count("Musk")  # every "Musk" is Elon Musk
    assert by_source["Sam Altman"].count == SEED.count("Altman")
    assert by_source["OpenAI"].count == SEED.count("OpenAI")
    assert by_source["États-Unis"].count == 2


# ---------------------------------------------------------------- the dev-set cases


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_check_case_names_are_exactly_the_source_entries(case):
    expected = {(e["kind"], e["source"], e["target"]) for e in case["source_entries"] if e["kind"] in NAME_KINDS}
    assert _names(case["source_fr"]) == expected


# ---------------------------------------------------------------- rules


@pytest.mark.parametrize(
    "text, source",
    [
        ("Le Royaume-Uni a publié les chiffres de l’Office for National Statistics.", "Office for National Statistics"),
        ("La valorisation d’OpenAI a atteint 157 milliards de dollars.", "OpenAI"),
        ("L’armateur Nautilia a commandé 16 navires.", "Nautilia"),
        ("Les ventes ont reculé, selon l'Insee, au deuxième trimestre.", "Insee"),
        ("Elle a vu qu’Elon Musk avait raison.", "Elon Musk"),
    ],
)
def test_elision_is_left_out_of_the_name(text, source):
    sources = {e.source for e in extract_names(text)}
    assert source in sources
    assert not any(s[:2].lower() in ("l’", "l'", "d’", "d'", "qu") and s != "L’Oréal" for s in sources)


def test_capital_l_apostrophe_of_a_brand_is_kept_in_mid_sentence():
    assert "L’Oréal" in {e.source for e in extract_names("Les ventes de L’Oréal progressent en Asie.")}


def test_a_later_surname_is_an_alias_of_the_full_name():
    text = "Christine Lagarde a parlé jeudi. Selon Lagarde, l’inflation recule. Mme Lagarde est confiante."
    (lagarde,) = [e for e in extract_names(text) if e.kind == "person"]
    assert (lagarde.source, lagarde.aliases, lagarde.count) == ("Christine Lagarde", ("Lagarde",), 3)


def test_a_surname_with_a_particle_is_an_alias():
    text = "Le ministre Bruno Le Maire a réagi. Le Maire a toutefois appelé à la prudence."
    (person,) = [e for e in extract_names(text) if e.kind == "person"]
    assert person.source == "Bruno Le Maire" and person.aliases == ("Le Maire",) and person.count == 2


@pytest.mark.parametrize(
    "text",
    [
        "Toutefois, les marchés restent prudents. Depuis mardi, rien ne bouge.",
        "Les ministres des Finances de la zone euro se réunissent lundi.",
        "Les Américains et les Européens consomment plus d’énergie que les Chinois.",
        "L’IA générative inquiète le PDG et les salariés.",
        "Au XXIe siècle, la Coupe du monde et les Jeux olympiques coûtent cher.",
        "Il a déclaré : « Nous verrons bien. » Puis il est parti.",
        "# Une start-up nantaise lève des fonds\n\nLe projet avance.",
        "Le terrain a été vendu 6,4 M€ en 2023.",
    ],
)
def test_common_words_headings_quotes_and_figures_are_no_names(text):
    assert extract_names(text) == []


@pytest.mark.parametrize(
    "text, name, kind",
    [
        ("Le constructeur ferroviaire Ferrovia a livré 34 rames.", "Ferrovia", "organization"),
        ("La chanteuse Inès Valrose a donné 8 concerts.", "Inès Valrose", "person"),
        ("Sam Altman a ironisé sur la plateforme X en mars.", "X", "product"),
        ("La société pionnière derrière ChatGPT a été fondée en 2015.", "ChatGPT", "product"),
        ("Musk dirige xAI, une entreprise concurrente.", "xAI", "organization"),
        ("Ce projet, baptisé The Stargate Project, a été annoncé.", "The Stargate Project", "organization"),
        ("L’investisseuse juge l’offre de Musk contradictoire.", "Musk", "person"),
        ("L’épreuve s’est disputée à Innsbruck samedi.", "Innsbruck", "place"),
    ],
)
def test_kind_comes_from_cue_nouns_shape_and_context(text, name, kind):
    assert (kind, name) in {(e.kind, e.source) for e in extract_names(text)}


def test_mixed_case_brands_and_acronyms_are_caught():
    text = "Il compare ChatGPT, xAI, TotalEnergies et la SNCF."
    sources = {e.source for e in extract_names(text)}
    assert {"ChatGPT", "xAI", "TotalEnergies", "SNCF"} <= sources


def test_places_and_institutions_are_translated_through_the_gazetteer():
    text = "La Banque centrale européenne, à Francfort, a écrit aux États-Unis, au Caire et à Dunkerque."
    targets = {e.source: (e.kind, e.target) for e in extract_names(text)}
    assert targets == {
        "Banque centrale européenne": ("organization", "European Central Bank"),
        "Francfort": ("place", "Frankfurt"),
        "États-Unis": ("place", "United States"),
        "Caire": ("place", "Cairo"),
        "Dunkerque": ("place", "Dunkirk"),
    }


def test_empty_text_has_no_names():
    assert extract_names("") == [] and extract_names("  \n") == []


def test_spacy_is_loaded_once_and_not_at_import():
    assert load_nlp() is load_nlp()
    code = "import sys, passeur.fidelity.names.fr, passeur.fidelity.names.en, passeur.fidelity.termbase; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- gazetteer


@pytest.mark.parametrize(
    "name, expected",
    [
        ("États-Unis", ("United States", "place")),
        ("etats-unis", ("United States", "place")),
        ("ÉTATS UNIS", ("United States", "place")),
        ("aux États-Unis", ("United States", "place")),
        ("l’Union européenne", ("European Union", "organization")),
        ("l'Union Européenne", ("European Union", "organization")),
        ("la Maison Blanche", ("White House", "place")),
        ("Massif central", ("Massif Central", "place")),
        ("Côte d’Ivoire", ("Ivory Coast", "place")),
        ("au Caire", ("Cairo", "place")),
        ("Nations unies", ("United Nations", "organization")),
        ("Assemblée nationale", ("National Assembly", "organization")),
        ("Montréal", ("Montreal", "place")),
        ("Nowhereville", None),
        ("IA", None),  # known, but no name
        ("Américaines", None),
    ],
)
def test_lookup_place(name, expected):
    assert gazetteer.lookup_place(name) == expected


def test_lookup_knows_what_is_no_name():
    assert gazetteer.lookup("Américaines").kind == "nationality"
    assert gazetteer.lookup("Jeux olympiques").kind == "event"
    assert gazetteer.lookup_english("Americans").kind == "nationality"
    assert gazetteer.lookup_english("United Kingdom").french == "Royaume-Uni"
    assert gazetteer.lookup_english("UK").french == "Royaume-Uni"


def test_find_in_text_wants_the_capitals_the_gazetteer_has():
    text = "La maison blanche du village. La Maison Blanche a réagi, en mer du Nord."
    found = [(text[m.start:m.end], m.entry.english) for m in gazetteer.find_in_text(text)]
    assert found == [("Maison Blanche", "White House"), ("mer du Nord", "North Sea")]


def test_gazetteer_file_is_well_formed():
    rows = [line.split("\t") for line in gazetteer.GAZETTEER_PATH.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    kinds = set(NAME_KINDS) | set(gazetteer.NON_NAME_KINDS)
    assert len(rows) > 300
    assert all(3 <= len(r) <= 4 and r[0].strip() == r[0] and r[0] and r[1] and r[2] in kinds for r in rows)


# ---------------------------------------------------------------- English text


def _supported(mention, case):
    """A mention is supported when it is a name target of the source, or a word-wise part of one."""
    for entry in case["source_entries"]:
        words, target = mention.text.split(), entry["target"].split()
        if entry["kind"] in NAME_KINDS and any(target[i:i + len(words)] == words for i in range(len(target))):
            return True
    return False


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_find_names_en_flags_only_unsupported_names(case):
    found_in_issues = {i["found"] for i in case["expected_issues"] if i["found"]}
    for mention in find_names_en(case["text_en"]):
        assert _supported(mention, case) or mention.text in found_in_issues, mention
        assert case["text_en"][mention.start:mention.end] == mention.text


def test_find_names_en_finds_the_unsupported_producer():
    case = next(c for c in CASES if c["id"] == "d23")
    mentions = {m.text: m.kind for m in find_names_en(case["text_en"])}
    assert mentions["Marc Duval"] == "person"
    assert "Inès Valrose" in mentions and "Singer Inès Valrose" not in mentions


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The European Central Bank met in Frankfurt on Thursday.", {"European Central Bank", "Frankfurt"}),
        ("French Finance Minister Bruno Le Maire spoke in March.", {"Bruno Le Maire"}),
        ("OpenAI CEO Sam Altman met Tesla boss Elon Musk.", {"OpenAI", "Sam Altman", "Tesla", "Elon Musk"}),
        ("Analysts expect the AI boom to lift GDP. I agree, said an economist.", set()),
        ("American and Korean investors bought shares on Monday.", set()),
        ("Economist Jean-Paul Martin of BNP Paribas was cautious.", {"Jean-Paul Martin", "BNP Paribas"}),
        ("It was 13°C in Innsbruck, where the Olympic Games were held.", {"Innsbruck"}),
        ("Lumora Wins Big Contract In The North\nThe contract went to Lumora.", {"Lumora"}),
    ],
)
def test_find_names_en_rules(text, expected):
    assert {m.text for m in find_names_en(text)} == expected


def test_find_names_en_kind_guesses():
    kinds = {m.text: m.kind for m in find_names_en(
        "Shares of Baron Capital Group rose, said Marc Duval, as the United States and xAI watched.")}
    assert kinds == {"Baron Capital Group": "organization", "Marc Duval": "person",
                     "United States": "place", "xAI": "organization"}
