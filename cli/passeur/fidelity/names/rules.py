"""The word lists and patterns the French and English name finders share: cue words that
say what kind of name follows, words that are never names, and where sentences start."""
from __future__ import annotations

import re

# Lowercase nouns that say what the next (or apposed) name is: "le groupe Kestrel".
PERSON_CUES = frozenset("""
    président présidente ministre chef pdg patron patronne directeur directrice dirigeant dirigeante
    fondateur fondatrice cofondateur cofondatrice porte-parole sénateur sénatrice député députée maire
    juge avocat avocate procureur procureure chanteur chanteuse acteur actrice comédien comédienne
    réalisateur réalisatrice écrivain écrivaine auteur autrice romancier romancière journaliste
    joueur joueuse entraîneur sélectionneur attaquant attaquante athlète grimpeur grimpeuse skieur
    skieuse cycliste coureur coureuse nageur nageuse investisseur investisseuse économiste analyste
    chercheur chercheuse professeur professeure scientifique artiste musicien musicienne pianiste
    rappeur rappeuse milliardaire entrepreneur entrepreneuse pape roi reine prince princesse
    chancelier chancelière ambassadeur ambassadrice commissaire gouverneur candidat candidate
    militant militante architecte styliste philosophe historien historienne sociologue médecin
    docteur capitaine général généralissime secrétaire vice-président vice-présidente m. mme mlle
""".split())

ORGANIZATION_CUES = frozenset("""
    société entreprise firme groupe compagnie start-up startup constructeur fabricant armateur
    coopérative banque assureur opérateur laboratoire cabinet fonds éditeur géant chaîne journal
    quotidien hebdomadaire magazine agence club équipe parti syndicat association ong université
    institut école enseigne distributeur transporteur consortium conglomérat holding filiale label
    studio brasseur exploitant énergéticien pétrolier équipementier promoteur régulateur organisation
    organisme fédération ligue fondation ministère tribunal concurrent rival leader spécialiste
    producteur négociant minier sidérurgiste chimiste projet programme initiative pousse revue
""".split())

PRODUCT_CUES = frozenset("""
    plateforme application appli logiciel réseau messagerie chatbot assistant modèle smartphone
    téléphone tablette ordinateur console jeu voiture véhicule berline avion appareil médicament
    vaccin molécule moteur navigateur service série film album satellite fusée lanceur puce
    processeur marque montre casque cryptomonnaie robot
""".split())

ALL_CUES = PERSON_CUES | ORGANIZATION_CUES | PRODUCT_CUES


# Words that end the look-back for a cue noun: "le consortium d'Elon Musk" says nothing of Musk.
DETERMINERS = frozenset("le la les l' l’ un une ce cet cette ces son sa ses leur leurs notre nos mon ma mes".split())

FUNCTION_WORDS = DETERMINERS | frozenset("""
    de d' d’ du des au aux à en dans par pour sur sous avec sans chez entre vers et ou mais qui que qu'
    qu’ dont où il elle ils elles on nous vous se s' s’ est a ont sont été être avoir ne n' n’ pas plus
    très derrière devant contre après avant depuis pendant selon via malgré parmi près loin hors dès
    lors comme notamment même aussi donc car puis ainsi tel telle tels telles
""".split())


# "le PDG d'Engie", "les salariés de Renault": the name after "de" employs someone.
# A person name that is surely no person: a people ("Afro-Américains"), a day ("Mardi dernier").
PEOPLE_ENDINGS = ("ains", "aines", "iens", "iennes", "oises", "aises")
CALENDAR_AND_FUNCTION = FUNCTION_WORDS | frozenset(
    "lundi mardi mercredi jeudi vendredi samedi dimanche dernier dernière prochain prochaine".split())
EMPLOYER_NOUNS = frozenset("pdg salariés employés actionnaires filiale siège conseil direction patron".split())

PRONOUNS = frozenset("""
    je tu il elle nous vous ils elles on ce cela ça ceci celui celle ceux qui que quoi quel quelle quels quelles
""".split())


# After "à X", "près de X", "la ville de X", a name tagged as a place is one.
LOCATIVE_WORDS = frozenset("à au aux en dans vers depuis près large sur outre".split())

PLACE_NOUNS = frozenset("""
    ville village commune région département province capitale port aéroport gare préfecture maire
    habitants environs banlieue centre nord sud est ouest pays île côte frontière métropole quartier
""".split())

ORG_WORDS = frozenset("""
    Group Groupe Management Capital Partners Holding Holdings Inc Corp Corporation Ltd LLC SA SAS AG
    GmbH Bank Banque Project Projet Foundation Fondation Institute Institut Office Agency Agence
    Association University Université Company Technologies Systems Labs Ventures Airlines Airways
    Motors Energy Industries Pharma Media Fund Fonds Council Conseil Commission Committee Comité
    Ministry Ministère Department Party Parti Club Society Société Compagnie Studios Ligue League
""".split())

PRODUCT_MARKERS = re.compile(r"GPT|Phone|Pad\b|Book\b|OS\b|Pilot\b|Bot\b|-\d|\d$")

NOT_ACRONYMS = frozenset("""
    CO2 PS OK USD EUR GBP JPY CHF HT TTC KM KG TV PC GPS USB CD DVD QR SMS ID BD
    kWh MWh GWh TWh kW MW GW mAh dB kHz MHz GHz Mds Mrd
""".split())


# Capitalised "L'" that belongs to the name even at the start of a sentence.
NAMES_WITH_ARTICLE = frozenset("Oréal Équipe Express Obs Humanité Opinion Occitane".split())

PARTICLES = frozenset("de du des d' d’ la le les l' l’ van von der den di da dos del y of for the and & et".split())

# An elided article or pronoun glued to the next word: "l’", "d’", "qu’", "jusqu’".
ELISION = re.compile(r"^(?:[lLdDjJmMnNsStTcC]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’]")

# Articles and prepositions a name span may start with, left out of the name.
LEADING_LOWER = re.compile(r"^(?:(?:le|la|les|de|du|des|au|aux|un|une|à|en)\s+|[ld]['’]\s*)+")

# Titles, honorifics and determiners before a person's name: never part of it.
TITLE_WORDS = (
    r"M\.", r"MM\.", "Mme", "Mmes", "Mlle", "Melle", "Dr", "Dre", "Pr", "Me", "Mgr", "Président", "Présidente",
    "Professeure?", "Docteure?", "Monsieur", "Madame", "Mademoiselle", "Maître", "Monseigneur", "Roi", "Reine",
    "Pape", "Prince", "Princesse", "Sénateur", "Sénatrice", "Général", "Colonel", "Capitaine", r"Premier\s+ministre",
    "Ministre", "Une?", "Ce", "Cet", "Cette", "Ces", "Son", "Sa", "Ses", "Leurs?",
)
TITLES = re.compile(r"^(?:" + "|".join(TITLE_WORDS) + r")\s+")

QUOTES = "«»“”\"„"

PUNCT = re.compile(r"^[\s«»“”\"„'’(),.;:!?—–-]+")

BRAND = re.compile(r"(?<![\w'’-])(?:[a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*)(?![\w-])")

ACRONYM = re.compile(r"(?<![\w'’-])[A-Z][A-Z&]{1,5}(?![\w'’-])")

ROMAN = re.compile(r"^(?=[IVXLCDM]+$)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")

ROMAN_ORDINAL = re.compile(r"^[IVXLCDM]+(?:e|er|ère|ème|es)$")

SENTENCE_START = re.compile(
    r"(?:(?:^|\n)\s*(?:#+\s+|[-*•]\s+|\d+[.)]\s+)?|[.!?…:]\s+|[«“\"(]\s*|(?<=\s)[—–-]\s+)(?=\S)"
)

PORTFOLIO = re.compile(r"minist(?:re|res|ère)s?\s+(?:de\s+la\s+|de\s+l['’]\s*|des\s+|du\s+|de\s+)$")

SCORE = re.compile(r"\s+\d+\s*[-–]\s*\d+$")  # "l'Olympique de Marseille 2-1"

CAP_WORD = re.compile(r"[^\W\d_][\w]*(?:[-’'][\w]+)*")


def sentence_starts(text: str) -> set[int]:
    """Offsets where a sentence, a line or a quotation begins: a capital there says little."""
    return {m.end() for m in SENTENCE_START.finditer(text)}
