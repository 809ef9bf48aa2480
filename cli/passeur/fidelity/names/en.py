"""Candidate names in an English text (a translation or a summary), found by rules.

No English model is available offline, so this reads capitalisation: runs of capitalised
words, mixed-case brands ("xAI") and acronyms, less what English capitalises without it
being a name (sentence starts, months, weekdays, demonyms, titles, common acronyms). It
prefers missing a name to inventing one: the checker reports what it finds as `unexpected`
when the source does not support it.
"""
from __future__ import annotations

import re

from passeur.fidelity.entry import Mention
from passeur.fidelity.names import gazetteer
from passeur.fidelity.names.rules import PRODUCT_MARKERS, sentence_starts

MONTHS_AND_DAYS = frozenset("""
    January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
""".split())
# Capitalised at a sentence start, or in mid-sentence, without being a name.
FUNCTION_WORDS = frozenset("""
    A An The This That These Those It Its He She They We You I His Her Their Our My Your Him Them Us
    In On At For With By From Of To Into Onto Over Under About After Before During Since Until Through
    Via Across Against Among Between Despite Without Within Around Near Off Per Toward Towards Upon
    And But Or Nor So Yet If When While Where Whereas Because Although Though As Than Then Thus Hence
    Also However Meanwhile Moreover Furthermore Nevertheless Still Even Only Just Indeed Instead
    There Here What Which Who Whom Whose Why How All Both Each Every Some Any No Not None Many Much
    More Most Few Several Such Other Another One Two Three Four Five Six Seven Eight Nine Ten
    First Second Third Last Next New Old According Asked Yes Is Are Was Were Be Been Has Have Had
    Do Does Did Will Would Can Could May Might Must Shall Should Let Mr Mrs Ms Dr Prof Sir Madam
""".split())
# Titles before a name: left out at the start of a run ("President Donald Trump"), and the
# first group also splits a run ("OpenAI CEO Sam Altman").
SPLITTING_TITLES = frozenset("""
    President Minister Chancellor Senator Governor Mayor Chairman Chairwoman CEO CFO COO CTO
    Spokesman Spokeswoman Spokesperson Founder Co-founder Cofounder Commissioner Ambassador
    Congressman Congresswoman Mr Mrs Ms Dr Prof
""".split())
TITLES = SPLITTING_TITLES | frozenset("""
    Vice Prime King Queen Prince Princess Pope Secretary Judge Sheikh Emir Sultan Emperor Sir Dame
    Lord Lady Professor Doctor Captain Colonel Lieutenant Sergeant Inspector Deputy Chief Head
""".split())
COMMON_ACRONYMS = frozenset("""
    AI CEO CEOs CFO COO CTO GDP VAT NGO NGOs SME SMEs GMO DNA RNA HIV AIDS IPO TV PC GPS USB SUV SUVs
    EV EVs CO2 ID OK PhD MBA FAQ PDF URL IT HR PR AM PM BC AD UTC GMT GW MW kW kWh MWh GWh TWh
""".split())
UNITS_AND_MISC = frozenset("Celsius Fahrenheit Internet Web Earth Sun Moon God Euro Euros".split())
ORG_WORDS = frozenset("""
    Group Inc Corp Corporation Ltd LLC PLC Co Bank Project Management Capital Holdings Partners Fund
    Agency Office Institute University College School Foundation Association Council Commission
    Committee Ministry Department Party Company Airlines Airways Motors Technologies Systems Labs
    Ventures Studios Media Industries Energy Pharma Society Union League Federation Court Parliament
    Assembly Senate Congress Authority Board Service Services Network Press Times News Club Team
""".split())
# Capitalised for the institution it names, never a name alone.
COMMON_NOUNS = frozenset("""
    Government Governments State States Cabinet Army Navy Police Church Administration Opposition
    Presidency Ministry Parliament Constitution Treasury Crown Capital Internet Web
""".split())
BELIEFS = frozenset("""
    Shiite Shiites Shia Sunni Sunnis Muslim Muslims Christian Christians Catholic Catholics Jewish
    Jew Jews Islamic Islamist Islamists Protestant Orthodox Buddhist Hindu Zionist Republican
    Republicans Democrat Democrats Democratic Socialist Socialists Conservative Conservatives
    Liberal Liberals Communist Communists Green Greens
""".split())
_CONTRACTION = re.compile(r"(?:I|You|We|They|He|She|It|That|There|What|Who|Let|Here|Where|How)"
                          r"['’](?:m|ve|d|ll|re|s)", re.IGNORECASE)
LOCATIVE = frozenset("in at near from off across outside inside around into toward towards".split())
# "of" and "for" join a name only in a run holding words like these: "Bank of England",
# "Bay of Biscay", "European Network of Transmission System Operators for Electricity".
PLACE_HEADS = frozenset("""
    Gulf Sea Strait Cape Isle Island Islands Bay City Port Lake Mount River Republic Kingdom
""".split())
OF_HEADS = PLACE_HEADS | frozenset("""
    House Chamber Palace Statue Church Museum Duke Duchess Queen King Prince Princess Order Academy
""".split())
# A word ending like this before a name at a sentence start is a role: "Singer Inès Valrose".
ROLE_ENDINGS = ("er", "or", "ist", "ess", "man", "woman", "ent", "ant", "eur")
GIVEN_NAMES_LIKE_ROLES = frozenset("""
    Peter Walter Oliver Christopher Jennifer Heather Alexander Esther Roger Xavier Javier Olivier
    Didier Homer Victor Hector Igor Nestor Connor Trevor Eleanor Taylor Laurent Vincent Clement Florent
    Brent Kent Bryant Grant Vivant Armand Fernand Bertrand Gunther Gunter Jasper Luther Archer Tucker
""".split())
JOINERS = frozenset("of for the de du des von van der den di da del and &".split()) - {"and"}

_TOKEN = re.compile(r"[^\W_]+(?:[-'’&.][^\W_]+)*")
BRAND = re.compile(r"^(?:[a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*)$")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]+$")
_POSSESSIVE = re.compile(r"['’]s$")
_HEADING_SMALL_WORDS = frozenset("a an and or in on to at by with as of for the".split())

Token = tuple[int, int, str]  # start, end, word (a possessive "'s" left out)


def find_names_en(text: str) -> list[Mention]:
    """Candidate names of people, organizations, places and products in an English text.

    Each Mention has a kind guess, the exact span, and `extra["sentence_initial"]`.
    A role word before a name at a sentence start is left out ("Singer Inès Valrose"
    gives "Inès Valrose"), and so are titles ("President Donald Trump" gives "Donald Trump").
    In a Title Case Heading only names confirmed elsewhere count.
    """
    starts = sentence_starts(text)
    headings = _heading_lines(text)
    tokens = [_trim_possessive(m) for m in _TOKEN.finditer(text)]
    confirmed: dict[str, set[int]] = {}  # capitalised words in mid-sentence, and where
    for start, _, word in tokens:
        if start not in starts and _is_capitalised(word) and not _inside(start, headings):
            confirmed.setdefault(word, set()).add(start)
    mentions: list[Mention] = []
    for run in _runs(text, tokens):
        for part in _split_at_titles(run, confirmed):
            mention = _to_mention(text, part, starts, confirmed)
            if mention is None:
                continue
            trusted = mention.extra["known"] or _elsewhere(mention.text, mention.start, confirmed)
            if trusted or not _inside(mention.start, headings):
                mentions.append(mention)
    return mentions


def _elsewhere(word: str, offset: int, confirmed: dict[str, set[int]]) -> bool:
    """Whether `word` is written with a capital in mid-sentence somewhere other than `offset`."""
    return bool(confirmed.get(word, set()) - {offset})


def _trim_possessive(m: re.Match) -> Token:
    word = _POSSESSIVE.sub("", m.group())
    return m.start(), m.start() + len(word), word


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() or bool(BRAND.match(word))


def _heading_lines(text: str) -> list[tuple[int, int]]:
    """Lines Written In Title Case, without a final full stop: their capitals prove nothing."""
    spans = []
    offset = 0
    for line in text.splitlines(keepends=True):
        words = [w for w in _TOKEN.findall(line) if w[:1].isalpha() and w.lower() not in _HEADING_SMALL_WORDS]
        title_case = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)
        if title_case and not line.strip().endswith((".", "!", "?", ":")):
            spans.append((offset, offset + len(line)))
        offset += len(line)
    return spans


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _runs(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Runs of capitalised words separated by one space, joined by "of", "for", "de", "&"."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for i, token in enumerate(tokens):
        word, before = token[2], text[token[0] - 1:token[0]]
        capitalised = _is_capitalised(word) and before not in ("°", "º") and not before.isdigit()  # 13°C
        joiner = word in JOINERS and i + 1 < len(tokens) and _is_capitalised(tokens[i + 1][2])
        if word in ("of", "for") and not any(t[2] in ORG_WORDS | OF_HEADS for t in current):
            joiner = False  # "Jean-Paul Martin of BNP Paribas" is two names
        if current and text[current[-1][1]:token[0]] == " " and (capitalised or joiner):
            current.append(token)
            continue
        if current:
            runs.append(current)
        current = [token] if capitalised else []
    if current:
        runs.append(current)
    return [r for r in (_strip_joiners(r) for r in runs) if r]


def _strip_joiners(run: list[Token]) -> list[Token]:
    while run and run[-1][2] in JOINERS:
        run = run[:-1]
    return run


def _split_at_titles(run: list[Token], confirmed: dict[str, set[int]]) -> list[list[Token]]:
    """"OpenAI CEO Sam Altman" is two names; in "French Finance Minister Bruno Le Maire" the
    words before the title describe the office and are left out unless they hold a known name."""
    parts: list[list[Token]] = [[]]
    for i, token in enumerate(run):
        if i > 0 and token[2] in SPLITTING_TITLES and i + 1 < len(run):
            parts.append([])
        parts[-1].append(token)
    return [p for i, p in enumerate(parts) if p and (i == len(parts) - 1 or _holds_a_name(p, confirmed))]


def _holds_a_name(part: list[Token], confirmed: dict[str, set[int]]) -> bool:
    for start, _, word in part:
        known = gazetteer.lookup_english(word)
        if BRAND.match(word) or (ACRONYM.match(word) and word not in COMMON_ACRONYMS):
            return True
        if (known is not None and known.is_name) or (_elsewhere(word, start, confirmed) and not _is_not_name(word)):
            return True
    return False


def _to_mention(text: str, run: list[Token], starts: set[int], confirmed: dict[str, set[int]]) -> Mention | None:
    """The name in a run of capitalised words, or None if there is none."""
    sentence_initial = run[0][0] in starts
    if sentence_initial and len(run) > 1 and _is_role(run[0][2], _elsewhere(run[0][2], run[0][0], confirmed)):
        run, sentence_initial = run[1:], False
    run = _drop_leading(run, sentence_initial)
    dated = False
    while run and _is_filler(run[-1][2]):
        dated = dated or run[-1][2] in MONTHS_AND_DAYS
        run = run[:-1]
    if dated and len(run) == 1 and run[0][0] in starts | _after_article(text, run[0][0]):
        return None  # "Black Friday", "Super Tuesday": a day's name, not a name before a date
    if run and all(_is_demonym(t[2]) or t[2] in BELIEFS for t in run):
        return None  # "Lebanese Shiite"
    if len(run) > 1 and run[-1][2] in COMMON_ACRONYMS and gazetteer.lookup_english(text[run[0][0]:run[-2][1]]):
        run = run[:-1]  # "US GDP"
    if not run or (len(run) == 1 and _is_not_name(run[0][2])):
        return None
    name = text[run[0][0]:run[-1][1]]
    known = gazetteer.lookup_english(name)
    if known is not None and not known.is_name:
        return None
    at_start = run[0][0] in starts
    if len(run) == 1 and at_start and not _stands_alone(run[0][2], known, _elsewhere(name, run[0][0], confirmed)):
        return None
    extra = {"sentence_initial": at_start, "known": known is not None}
    return Mention(_guess_kind(text, run, known), name, run[0][0], run[-1][1], extra=extra)


def _drop_leading(run: list[Token], sentence_initial: bool) -> list[Token]:
    """Leave out leading function words, titles and demonyms ("The", "President", "French")."""
    while run:
        word = run[0][2]
        if word in FUNCTION_WORDS and (sentence_initial or word != "The" or len(run) == 1):
            run = run[1:]
        elif word in TITLES or word in JOINERS or (len(run) > 1 and _is_demonym(word) and run[1][2] in TITLES):
            run = run[1:]
        else:
            break
        sentence_initial = False
    return run


def _after_article(text: str, offset: int) -> set[int]:
    """{offset} when the word at `offset` follows "the", "a" or "on" (the start of a phrase)."""
    before = text[max(0, offset - 4):offset].lower()
    return {offset} if before.endswith(("the ", " a ", "on ", "an ")) else set()


def _is_role(word: str, seen_as_name: bool) -> bool:
    """"Singer", "Shipowner", "Investor" before a name at a sentence start."""
    if word in TITLES:
        return True
    if word in GIVEN_NAMES_LIKE_ROLES or seen_as_name or not word.isalpha() or word.isupper():
        return False
    return word.lower().endswith(ROLE_ENDINGS)


def _is_demonym(word: str) -> bool:
    entry = gazetteer.lookup_english(word)
    return entry is not None and entry.kind == "nationality"


def _is_filler(word: str) -> bool:
    """Words that end no name: months, weekdays, function words ("Paris in", "Oracle on Monday")."""
    return word in MONTHS_AND_DAYS or word in FUNCTION_WORDS or word in JOINERS


def _is_not_name(word: str) -> bool:
    """Capitalised, but no name on its own: months, weekdays, demonyms, titles, common acronyms,
    "I" and its contractions ("I've"), institutions named by a common noun ("Government")."""
    if word in MONTHS_AND_DAYS or word in COMMON_ACRONYMS or word in UNITS_AND_MISC:
        return True
    if _CONTRACTION.fullmatch(word) or word in ORG_WORDS or word in COMMON_NOUNS or word in BELIEFS:
        return True
    if word in FUNCTION_WORDS or word in TITLES:
        return True
    entry = gazetteer.lookup_english(word)
    return entry is not None and not entry.is_name


def _stands_alone(word: str, known: gazetteer.GazetteerEntry | None, seen_as_name: bool) -> bool:
    """A single capitalised word at a sentence start counts only with other evidence."""
    if BRAND.match(word) or (ACRONYM.match(word) and word not in COMMON_ACRONYMS):
        return True
    return (known is not None and known.is_name) or seen_as_name


def _guess_kind(text: str, run: list[Token], known: gazetteer.GazetteerEntry | None) -> str:
    """place or organization from the gazetteer or the name's shape, person for "First Last"."""
    if known is not None:
        return known.kind
    words = [t[2] for t in run]
    if PRODUCT_MARKERS.search(words[-1]):
        return "product"
    if words[0] in PLACE_HEADS and len(words) > 1:
        return "place"
    if any(w in ORG_WORDS for w in words) or any(ACRONYM.match(w) or BRAND.match(w) for w in words):
        return "organization"
    core = [w for w in words if w not in JOINERS]
    title_case = all(p[:1].isupper() and p[1:].islower() for w in core for p in w.split("-"))
    if 2 <= len(core) <= 3 and title_case and "of" not in words and "for" not in words:
        return "person"  # "Marc Duval", "Sofie van Dalen"
    before = text[:run[0][0]].split()[-1:]
    if before and before[0].lower() in LOCATIVE:
        return "place"
    return "organization"
