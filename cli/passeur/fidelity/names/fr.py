"""Names of people, organizations, places and products in a French text: spaCy plus rules.

`extract_names` finds each name once, with its aliases ("Musk" after "Elon Musk"), its count
and its English target: people, companies, products and brands character for character,
places and institutions through the gazetteer. `names.en.find_names_en` finds candidate
names in an English text; both share `names.rules`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from passeur.fidelity.entry import NAME_KINDS, Entry
from passeur.fidelity.names import gazetteer
from passeur.fidelity.names.nlp import is_common_word, load_nlp
from passeur.fidelity.names.rules import (ACRONYM, ALL_CUES, BRAND, CALENDAR_AND_FUNCTION, CAP_WORD, DETERMINERS,
                                          ELISION, EMPLOYER_NOUNS, PEOPLE_ENDINGS,
                                          FUNCTION_WORDS, LEADING_LOWER, LOCATIVE_WORDS, NAMES_WITH_ARTICLE,
                                          NOT_ACRONYMS, ORG_WORDS, ORGANIZATION_CUES, PARTICLES, PERSON_CUES,
                                          PLACE_NOUNS, PORTFOLIO, PRODUCT_CUES, PRODUCT_MARKERS, PRONOUNS, PUNCT,
                                          QUOTES, ROMAN, ROMAN_ORDINAL, SCORE, TITLES, sentence_starts)

_LABEL_KIND = {"PER": "person", "ORG": "organization", "LOC": "place", "MISC": "organization"}


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
    for pattern in (BRAND, ACRONYM):
        for m in pattern.finditer(text):
            if m.group() not in NOT_ACRONYMS and not ROMAN.match(m.group()) and not _in_caps_line(text, m.start()):
                found.append(_Candidate(m.start(), m.end(), m.group(), "rule", "ORG"))
    found.extend(_capitalised_runs(text, starts))
    return found


def _clean(doc, text: str, ent, starts: set[int]) -> tuple[int, int] | None:
    """The name inside a spaCy entity: no elision, article or title; None if it is no name."""
    start, end = ent.start_char, ent.end_char
    while True:
        head = text[start:end]
        m = ELISION.match(head) or LEADING_LOWER.match(head) or TITLES.match(head) or PUNCT.match(head)
        if m is None or m.end() == 0 or (m.re is ELISION and _keeps_article(head, start, starts)):
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
    score = SCORE.search(text, start, end)
    end = score.start() if score else end
    name = text[start:end]
    if any(q in name for q in QUOTES) or "\n" in name or not (name[0].isupper() or BRAND.match(name)):
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
    words = list(CAP_WORD.finditer(text))
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
    if single and (_is_portfolio(text, cand.start) or ROMAN_ORDINAL.match(cand.text)):
        return False
    if any(c in "€$£¥%°" or c.isdigit() for c in cand.text) and not PRODUCT_MARKERS.search(cand.text):
        return False
    if single and cand.start in starts and not (BRAND.fullmatch(cand.text) or ACRONYM.fullmatch(cand.text)):
        return not is_common_word(cand.text)
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
    return PORTFOLIO.search(before) is not None


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
    if len(words) == 1 and (BRAND.fullmatch(cluster.source) or ACRONYM.fullmatch(cluster.source)):
        votes["organization"] += 2
    if not votes:
        return "person" if _looks_like_person(words) else "organization"
    order = {"person": 0, "organization": 1, "place": 2, "product": 3}
    return min(votes, key=lambda k: (-votes[k], order[k]))


def _surely_a_person(cluster: _Cluster) -> bool:
    """False for a "person" that may be a common word ("Univers", "Mardi dernier"), a title
    ("Dre") or a people ("Afro-Américains"): its issues are warnings."""
    words = [w for w in CAP_WORD.findall(cluster.source) if w.lower() not in PARTICLES]
    if not words or words[0].lower() in ALL_CUES or words[-1].endswith(PEOPLE_ENDINGS):
        return False
    if len(words) > 1:  # "Pierre Brodeur", "Laurent Blanc": common words make names too
        return not any(w.lower() in CALENDAR_AND_FUNCTION for w in words)
    return len(words[0]) >= 3 and not all(is_common_word(p) for p in words[0].split("-"))


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
        entries.append(Entry(kind, cluster.source, target, first[0], first[1], aliases=aliases,
                             count=len(found), certain=kind != "person" or _surely_a_person(cluster)))
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


