"""Fixture text for the tiny test models: French and English sentences written for passeur.

Nothing here is copied from elsewhere. The hand-written sentences cover the things passeur
cares about (names, figures, currencies, dates, percentages, ordinals, times, accents,
typographic apostrophes and French spacing before ``: ; ! ?``); the template generators
recombine the same material into as many deterministic sentences as a build needs.

Everything is a pure function of its arguments (``random.Random(seed)``), so model builds that
train on this text are reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

NBSP = "\u00a0"  # no-break space, used by French to group digits (1 500) and before : ; ! ?
NNBSP = "\u202f"  # narrow no-break space, same uses

# --------------------------------------------------------------------------- hand-written

FRENCH_SENTENCES: tuple[str, ...] = (
    "Elon Musk a proposé 97,4 milliards de dollars pour racheter OpenAI.",
    "Sam Altman, le PDG d’OpenAI, a rejeté l’offre dès le lendemain.",
    "Musk a cofondé OpenAI en 2015 et l’a quittée en 2018.",
    "Le consortium comprend xAI et Baron Capital Group.",
    "The Stargate Project prévoit d’investir 500 milliards de dollars aux États-Unis.",
    "OpenAI était valorisée 157 milliards de dollars en octobre 2024.",
    "ChatGPT compte plus de 300 millions d’utilisateurs chaque semaine.",
    "Le conseil d’administration se réunira le 3 mars à 15 h 30.",
    "La Maison Blanche a salué l’annonce jeudi soir.",
    "Microsoft détient une part importante du capital de l’entreprise.",
    "Le ticket de métro passe à 2,35 € dès lundi.",
    "La ville a cédé le terrain pour 6,4 M€.",
    "Le chantier naval a décroché une commande de 1,7 Md€.",
    "Un billet pour la finale se revend jusqu’à 450 £ sur internet.",
    "Le groupe a racheté sa filiale japonaise pour 92 milliards de yens.",
    "La société suisse a réalisé un bénéfice de 310 millions de francs suisses.",
    "Le chômage des jeunes atteint 17,6 % dans la région.",
    "Le candidat sortant est crédité de 41 pour cent des voix.",
    "La part des seniors en emploi a gagné 6 points de pourcentage.",
    "Le salon a accueilli 64 200 visiteurs en quatre jours.",
    "La région compte 5.300 exploitations agricoles.",
    "La capitale compte 2,9 millions d’habitants.",
    "Les organisateurs attendent 70 mille participants.",
    "La loi a été promulguée le 22 avril 2024.",
    "Le 1er janvier, les tarifs augmenteront de 3,5 %.",
    "C’est la 2e fois que l’entreprise change de PDG.",
    "Au XXIe siècle, l’intelligence artificielle transforme l’économie.",
    "Il fait 20 °C à Bordeaux et 14 °C à Lille.",
    "Le tunnel mesure 3,5 km de long.",
    "Le train part à 9 h et arrive à 12 h 45.",
    "Vraiment ? Personne ne s’y attendait !",
    "Trois questions se posent : qui paie, combien, et quand ?",
    "« Nous ne sommes pas à vendre », a répondu Altman.",
    "Selon Le Monde, la transaction pourrait échouer.",
    "La Commission européenne suit le dossier de près.",
    "Les investisseurs de Wall Street restent prudents.",
    "Marie Curie a reçu le prix Nobel en 1903 puis en 1911.",
    "Jean-Pierre Lefèvre dirige la coopérative depuis 2019.",
    "Émilie Dubois a été nommée directrice financière.",
    "François Hollande et Angela Merkel se sont rencontrés à Berlin.",
    "L’usine de Toulouse emploie 1 200 salariés.",
    "Le budget atteint 12,5 milliards d’euros cette année.",
    "Les ventes ont progressé de 8 % au troisième trimestre.",
    "Le prix du baril a chuté à 74,30 $ mardi.",
    "La start-up lyonnaise a levé 25 millions d’euros.",
    "Le projet a pris du retard à cause de la pluie.",
    "Où se trouve la gare la plus proche ?",
    "Nous avons rendez-vous à l’hôtel de ville à 18 h.",
    "Les élèves rentrent en classe le 2 septembre.",
    "L’été dernier, la sécheresse a touché 60 départements.",
    "Google, Meta et Amazon investissent massivement dans les centres de données.",
    "Le gouvernement a présenté son plan lundi matin.",
    "Il a déclaré : « L’offre est ridicule. »",
    "Le patron de Tesla n’a pas commenté la décision.",
    "La cour d’appel de Paris rendra son arrêt en juin.",
    "Ce rachat serait le plus important de l’histoire du secteur.",
    "Les salariés ont voté la grève à 72 %.",
    "L’entreprise a été fondée à Marseille en 1987.",
    "Anthropic et Mistral AI sont aussi dans la course.",
    "Le Royaume-Uni et le Japon ont signé un accord commercial.",
    "Une réunion est prévue à Genève le 14 novembre.",
    "Le musée du Louvre a accueilli 8,7 millions de visiteurs.",
    "Cette décision a surpris les analystes.",
    "Les négociations reprendront après l’été.",
    "Le taux d’inflation est retombé à 2,1 % en mai.",
    "La dette publique dépasse 3 000 milliards d’euros.",
    "L’équipe de Lyon a gagné 3 à 1 samedi.",
    "Les prix de l’immobilier baissent à Nantes et à Rennes.",
    "Il pleuvra demain sur la Bretagne et la Normandie.",
    "Le ministre de l’Économie s’exprimera à 20 h.",
    "Le nouveau modèle est 40 % plus rapide que le précédent.",
    "Une enquête a été ouverte par le parquet de Lyon.",
    "Le réseau compte désormais 15 000 bornes de recharge.",
    "Les exportations vers la Chine ont reculé de 4,2 %.",
    "Le festival de Cannes s’ouvre le 13 mai.",
    "Œuvres, cœurs et sœurs : l’orthographe française est riche.",
    "À Noël, les magasins ouvrent aussi le dimanche.",
    "Ça ne change rien pour les clients.",
    "Ils ont dû négocier pendant 36 heures.",
    "La réunion a duré moins d’une heure.",
)

ENGLISH_SENTENCES: tuple[str, ...] = (
    "Elon Musk offered $97.4 billion to buy OpenAI.",
    "Sam Altman, the CEO of OpenAI, rejected the offer the next day.",
    "Musk co-founded OpenAI in 2015 and left it in 2018.",
    "The consortium includes xAI and Baron Capital Group.",
    "The Stargate Project plans to invest $500 billion in the United States.",
    "OpenAI was valued at $157 billion in October 2024.",
    "ChatGPT has more than 300 million users every week.",
    "The board will meet on March 3 at 15:30.",
    "The White House welcomed the announcement on Thursday evening.",
    "Microsoft holds a large stake in the company.",
    "The metro ticket rises to €2.35 from Monday.",
    "The city sold the land for €6.4 million.",
    "The shipyard won an order worth €1.7 billion.",
    "A ticket for the final is being resold for up to £450 online.",
    "The group bought its Japanese subsidiary for ¥92 billion.",
    "The Swiss company made a profit of CHF 310 million.",
    "Youth unemployment reached 17.6% in the region.",
    "The outgoing candidate is credited with 41% of the vote.",
    "The share of older workers in employment rose by 6 percentage points.",
    "The fair welcomed 64,200 visitors in four days.",
    "The region has 5,300 farms.",
    "The capital has 2.9 million inhabitants.",
    "The organisers expect 70 thousand participants.",
    "The law was enacted on April 22, 2024.",
    "On January 1st, prices will rise by 3.5%.",
    "It is the 2nd time that the company has changed its CEO.",
    "In the 21st century, artificial intelligence is transforming the economy.",
    "It is 20°C in Bordeaux and 14°C in Lille.",
    "The tunnel is 3.5 km long.",
    "The train leaves at 9:00 and arrives at 12:45.",
    "Really? Nobody expected it!",
    "Three questions arise: who pays, how much, and when?",
    "\"We are not for sale,\" Altman replied.",
    "According to Le Monde, the deal could fail.",
    "The European Commission is following the case closely.",
    "Investors on Wall Street remain cautious.",
    "Marie Curie won the Nobel Prize in 1903 and again in 1911.",
    "Jean-Pierre Lefèvre has run the cooperative since 2019.",
    "Émilie Dubois was appointed chief financial officer.",
    "François Hollande and Angela Merkel met in Berlin.",
    "The Toulouse plant employs 1,200 people.",
    "The budget reaches €12.5 billion this year.",
    "Sales grew by 8% in the third quarter.",
    "The price of a barrel fell to $74.30 on Tuesday.",
    "The Lyon start-up raised €25 million.",
    "The project was delayed because of the rain.",
    "Where is the nearest station?",
    "We have an appointment at the town hall at 18:00.",
    "Pupils go back to school on September 2.",
    "Last summer, the drought hit 60 departments.",
    "Google, Meta and Amazon are investing heavily in data centres.",
    "The government presented its plan on Monday morning.",
    "He said: \"The offer is ridiculous.\"",
    "The head of Tesla did not comment on the decision.",
    "The Paris Court of Appeal will rule in June.",
    "This takeover would be the largest in the history of the sector.",
    "The employees voted for the strike by 72%.",
    "The company was founded in Marseille in 1987.",
    "Anthropic and Mistral AI are also in the race.",
    "The United Kingdom and Japan signed a trade agreement.",
    "A meeting is planned in Geneva on November 14.",
    "The Louvre welcomed 8.7 million visitors.",
    "This decision surprised analysts.",
    "Negotiations will resume after the summer.",
    "The inflation rate fell back to 2.1% in May.",
    "Public debt exceeds €3 trillion.",
    "The Lyon team won 3-1 on Saturday.",
    "Property prices are falling in Nantes and Rennes.",
    "It will rain tomorrow in Brittany and Normandy.",
    "The Minister of the Economy will speak at 20:00.",
    "The new model is 40% faster than the previous one.",
    "An investigation was opened by the Lyon prosecutor's office.",
    "The network now has 15,000 charging points.",
    "Exports to China fell by 4.2%.",
    "The Cannes festival opens on May 13.",
    "Works, hearts and sisters: French spelling is rich.",
    "At Christmas, shops also open on Sundays.",
    "That changes nothing for customers.",
    "They had to negotiate for 36 hours.",
    "The meeting lasted less than an hour.",
)

# --------------------------------------------------------------------------- template material

PEOPLE = (
    "Elon Musk", "Sam Altman", "Marie Curie", "Jean-Pierre Lefèvre", "Émilie Dubois",
    "Chloé Martin", "Hélène Garnier", "Noël Bérard", "Zoé Lambert", "Karim Benali",
    "Aïcha Diallo", "Søren Kierkegaard", "Greg Brockman", "Ilya Sutskever", "Satya Nadella",
    "Christine Lagarde", "Thierry Breton", "Mira Murati", "José García", "Ngozi Okonjo-Iweala",
)
ORGS = (
    "OpenAI", "xAI", "Baron Capital Group", "The Stargate Project", "Microsoft", "Tesla",
    "ChatGPT", "Mistral AI", "Anthropic", "Google", "Meta", "Amazon", "Airbus", "TotalEnergies",
    "BNP Paribas", "L’Oréal", "SNCF", "Vinalys", "Crédit Agricole", "Nvidia",
)
CITIES_FR = (
    "Paris", "Bordeaux", "Lyon", "Marseille", "Toulouse", "Lille", "Nantes", "Genève",
    "Bruxelles", "Montréal", "Berlin", "Londres", "New York", "Tokyo", "Québec", "Saint-Étienne",
)
CITIES_EN = (
    "Paris", "Bordeaux", "Lyon", "Marseille", "Toulouse", "Lille", "Nantes", "Geneva",
    "Brussels", "Montreal", "Berlin", "London", "New York", "Tokyo", "Quebec", "Saint-Étienne",
)
PLACES_FR = tuple(f"à {c}" for c in CITIES_FR) + (
    "aux États-Unis", "en Chine", "au Japon", "au Royaume-Uni", "en Île-de-France", "en Europe",
)
PLACES_EN = tuple(f"in {c}" for c in CITIES_EN) + (
    "in the United States", "in China", "in Japan", "in the United Kingdom", "in Île-de-France",
    "in Europe",
)
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
VERBS_FR = ("a annoncé", "a confirmé", "a démenti", "a révélé", "a critiqué", "a salué",
            "a précisé", "a reconnu", "a expliqué", "a rappelé")
VERBS_EN = ("announced", "confirmed", "denied", "revealed", "criticised", "welcomed",
            "specified", "acknowledged", "explained", "recalled")
THINGS_FR = ("le contrat", "l’accord", "la fusion", "le rachat", "la levée de fonds",
             "le nouveau modèle", "la hausse des prix", "l’enquête", "le projet", "la grève",
             "l’offre", "le budget", "la réforme", "l’usine", "le réseau")
THINGS_EN = ("the contract", "the agreement", "the merger", "the takeover", "the fundraising",
             "the new model", "the price rise", "the investigation", "the project", "the strike",
             "the offer", "the budget", "the reform", "the plant", "the network")
CONNECTORS_FR = ("Selon", "D’après", "Pour", "Comme l’a rappelé", "Contrairement à")
EXTRA_FR = (
    "mais", "et", "ou", "donc", "car", "ni", "puis", "aussi", "déjà", "encore", "très", "trop",
    "peu", "beaucoup", "hier", "aujourd’hui", "demain", "bientôt", "ensuite", "enfin", "depuis",
    "pendant", "avant", "après", "chez", "sans", "sous", "sur", "vers", "entre", "contre",
    "l’État", "l’économie", "l’entreprise", "l’histoire", "l’année", "l’été", "l’hiver",
    "qu’il", "qu’elle", "jusqu’à", "lorsqu’on", "d’abord", "s’il", "n’est", "c’était",
    "société", "marché", "croissance", "bénéfice", "chiffre", "d’affaires", "salariés",
    "résultats", "trimestre", "année", "semaine", "mois", "journée", "presse", "réseau",
    "données", "électricité", "énergie", "numérique", "sécurité", "santé", "éducation",
    "régions", "départements", "communes", "élus", "député", "sénat", "ministère",
    "président", "présidente", "directeur", "directrice", "fondateur", "actionnaires",
    "investisseurs", "clients", "utilisateurs", "chercheurs", "ingénieurs", "étudiants",
    "grand", "petite", "nouveau", "nouvelle", "ancien", "dernière", "premier", "première",
    "important", "forte", "faible", "rapide", "lente", "célèbre", "européen", "française",
    "américaine", "mondial", "local", "public", "privée", "ouvert", "fermée", "prêt", "sûr",
    "être", "avoir", "faire", "dire", "pouvoir", "aller", "voir", "savoir", "vouloir", "venir",
    "devoir", "prendre", "trouver", "donner", "parler", "aimer", "passer", "mettre", "créer",
    "Où", "Quand", "Pourquoi", "Comment", "Combien", "Qui", "Quoi", "Ça", "Ç", "À", "É", "È",
    "Ê", "Ô", "Î", "Œ", "œ", "æ", "ë", "ï", "ü", "ÿ", "ù", "û", "ç", "â", "à", "è", "ê", "ô", "î",
)
EXTRA_EN = (
    "but", "and", "or", "so", "because", "nor", "then", "also", "already", "still", "very",
    "too", "little", "much", "yesterday", "today", "tomorrow", "soon", "next", "finally",
    "since", "during", "before", "after", "without", "under", "over", "towards", "between",
    "against", "the State", "the economy", "the company", "history", "the year", "summer",
    "winter", "it's", "doesn't", "won't", "isn't", "they're", "we've", "company", "market",
    "growth", "profit", "revenue", "employees", "results", "quarter", "week", "month", "day",
    "press", "data", "electricity", "energy", "digital", "security", "health", "education",
    "regions", "councillors", "senate", "ministry", "president", "director", "founder",
    "shareholders", "investors", "customers", "users", "researchers", "engineers", "students",
    "large", "small", "new", "former", "last", "first", "important", "strong", "weak", "fast",
    "slow", "famous", "European", "French", "American", "global", "local", "public", "private",
    "open", "closed", "ready", "sure", "be", "have", "do", "say", "can", "go", "see", "know",
    "want", "come", "must", "take", "find", "give", "speak", "like", "put", "create",
    "Where", "When", "Why", "How", "Who", "What", "summary", "briefing", "translation",
)


def _frnum(value: float, decimals: int, rng: random.Random) -> str:
    """A number written the French way: decimal comma; thousands grouped by a (no-break) space or a dot."""
    text = f"{value:,.{decimals}f}"  # 12,345.6
    integer, _, frac = text.partition(".")
    sep = rng.choice((" ", NBSP, NNBSP, ".", ""))
    integer = integer.replace(",", sep)
    return integer + ("," + frac if frac else "")


def _ennum(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _amount(rng: random.Random) -> tuple[float, int]:
    decimals = rng.choice((0, 0, 1, 1, 2))
    magnitude = rng.choice((1, 10, 100, 1000, 10000, 100000))
    value = round(rng.uniform(1, 10) * magnitude, decimals)
    return value, decimals


def _money_fr(rng: random.Random) -> str:
    value, dec = _amount(rng)
    n = _frnum(value, dec, rng)
    small = _frnum(round(rng.uniform(1, 999), 1), 1, rng)
    return rng.choice((
        f"{n} €", f"{n} $", f"{n} £", f"{n} ¥", f"{n} CHF", f"{n} euros", f"{n} dollars",
        f"{small} millions d’euros", f"{small} milliards de dollars", f"{small} M€",
        f"{small} Md€", f"{small} Mds $", f"{small} millions de livres sterling",
        f"{small} milliards de yens", f"{small} millions de francs suisses",
        f"{small} billions de dollars", f"{small} mille euros", f"{small} millions d'euros",
    ))


def _money_en(rng: random.Random) -> str:
    value, dec = _amount(rng)
    n = _ennum(value, dec)
    small = _ennum(round(rng.uniform(1, 999), 1), 1)
    return rng.choice((
        f"€{n}", f"${n}", f"£{n}", f"¥{n}", f"CHF {n}", f"{n} euros", f"{n} dollars",
        f"€{small} million", f"${small} billion", f"£{small} million", f"¥{small} billion",
        f"CHF {small} million", f"${small} trillion", f"US${small}bn", f"{small} thousand euros",
    ))


def _date_fr(rng: random.Random) -> str:
    day = rng.randint(1, 28)
    d = "1er" if day == 1 else str(day)
    month = rng.choice(MONTHS_FR)
    year = rng.randint(1950, 2030)
    return rng.choice((f"le {d} {month} {year}", f"le {d} {month}", f"en {month} {year}",
                       f"{rng.choice(DAYS_FR)} {d} {month}", f"en {year}", f"{month} dernier"))


def _date_en(rng: random.Random) -> str:
    day = rng.randint(1, 28)
    month = rng.choice(MONTHS_EN)
    year = rng.randint(1950, 2030)
    return rng.choice((f"on {month} {day}, {year}", f"on {month} {day}", f"in {month} {year}",
                       f"on {rng.choice(DAYS_EN)}, {month} {day}", f"in {year}", f"last {month}"))


def _time_fr(rng: random.Random) -> str:
    h, m = rng.randint(0, 23), rng.choice((0, 15, 30, 45, 5, 50))
    return rng.choice((f"{h} h {m:02d}", f"{h}h{m:02d}", f"{h} h"))


def _percent_fr(rng: random.Random) -> str:
    v = _frnum(round(rng.uniform(0, 99), rng.choice((0, 1))), rng.choice((0, 1)), rng)
    return rng.choice((f"{v} %", f"{v}{NBSP}%", f"{v} pour cent", f"{v} points de pourcentage"))


def _percent_en(rng: random.Random) -> str:
    v = _ennum(round(rng.uniform(0, 99), 1), rng.choice((0, 1)))
    return rng.choice((f"{v}%", f"{v} percent", f"{v} percentage points"))


def _edition_fr(rng: random.Random) -> str:
    n = rng.randint(1, 40)
    return "1re" if n == 1 else rng.choice((f"{n}e", f"{n}ème"))


def _quarter_fr(rng: random.Random) -> str:
    return rng.choice(("1er", "2e", "3e", "4e", "2ème", "3ème", "premier", "dernier"))


def _century_fr(rng: random.Random) -> str:
    return rng.choice(("XIXe siècle", "XXe siècle", "XXIe siècle", "XVIIIe siècle"))


def _quantity_fr(rng: random.Random) -> str:
    v = _frnum(round(rng.uniform(0, 500), 1), rng.choice((0, 1)), rng)
    return rng.choice((f"{v} km", f"{v} °C", f"{v} kg", f"{v} m²", f"{v} MW", f"{v} Go", f"{v} tonnes"))


def _quantity_en(rng: random.Random) -> str:
    v = _ennum(round(rng.uniform(0, 500), 1), rng.choice((0, 1)))
    return rng.choice((f"{v} km", f"{v}°C", f"{v} kg", f"{v} m²", f"{v} MW", f"{v} GB", f"{v} tonnes"))


def _de(name: str) -> str:
    """French "de" before a name, elided before a vowel: "de Google", "d’OpenAI"."""
    return f"d’{name}" if name[:1] in "AEIOUYÉÈÎÔÂ" else f"de {name}"


def _french_template(rng: random.Random) -> str:
    p, o, pl, city = rng.choice(PEOPLE), rng.choice(ORGS), rng.choice(PLACES_FR), rng.choice(CITIES_FR)
    v, t = rng.choice(VERBS_FR), rng.choice(THINGS_FR)
    templates = (
        lambda: f"{p} {v} {t} {_date_fr(rng)}.",
        lambda: f"{o} a investi {_money_fr(rng)} {pl} {_date_fr(rng)}.",
        lambda: f"Le chiffre d’affaires {_de(o)} a progressé de {_percent_fr(rng)}.",
        lambda: f"{rng.choice(CONNECTORS_FR)} {p}, {t} coûtera {_money_fr(rng)}.",
        lambda: f"La réunion entre {p} et {rng.choice(PEOPLE)} aura lieu à {city} à {_time_fr(rng)}.",
        lambda: f"« {t.capitalize()} est une erreur », a estimé {p}.",
        lambda: f"{o} emploie {_frnum(rng.randint(10, 250000), 0, rng)} personnes {pl}.",
        lambda: f"C’est la {_edition_fr(rng)} édition du salon organisé par {o}.",
        lambda: f"Au {_century_fr(rng)}, {o} n’existait pas encore.",
        lambda: f"Le site {_de(city)} se trouve à {_frnum(round(rng.uniform(0, 90), 1), 1, rng)} km du centre.",
        lambda: f"La mesure relevée à {city} {_date_fr(rng)} est de {_quantity_fr(rng)}.",
        lambda: f"Pourquoi {o} a-t-il {rng.choice(('refusé', 'accepté', 'reporté'))} {t} ?",
        lambda: f"{p} : « Nous visons {_percent_fr(rng)} de parts de marché ! »",
        lambda: f"{t.capitalize()} {_de(o)} ({_money_fr(rng)}) a été validé {_date_fr(rng)}.",
        lambda: f"D’après {o}, {_frnum(rng.randint(1, 99), 0, rng)} % des clients {pl} utilisent déjà le service.",
        lambda: f"Au {_quarter_fr(rng)} trimestre, {o} a dégagé {_money_fr(rng)} de bénéfice.",
        lambda: " ".join(rng.choice(EXTRA_FR) for _ in range(rng.randint(3, 12))).capitalize() + ".",
    )
    return rng.choice(templates)()


def _english_template(rng: random.Random) -> str:
    p, o, pl, city = rng.choice(PEOPLE), rng.choice(ORGS), rng.choice(PLACES_EN), rng.choice(CITIES_EN)
    v, t = rng.choice(VERBS_EN), rng.choice(THINGS_EN)
    templates = (
        lambda: f"{p} {v} {t} {_date_en(rng)}.",
        lambda: f"{o} invested {_money_en(rng)} {pl} {_date_en(rng)}.",
        lambda: f"{o}'s revenue grew by {_percent_en(rng)}.",
        lambda: f"According to {p}, {t} will cost {_money_en(rng)}.",
        lambda: f"The meeting between {p} and {rng.choice(PEOPLE)} will take place in {city} at {rng.randint(0, 23)}:{rng.choice((0, 15, 30, 45)):02d}.",
        lambda: f"\"{t.capitalize()} is a mistake,\" said {p}.",
        lambda: f"{o} employs {_ennum(rng.randint(10, 250000), 0)} people {pl}.",
        lambda: f"It is the {rng.choice(('1st', '2nd', '3rd', '4th', '21st', '32nd'))} edition of the fair organised by {o}.",
        lambda: f"The {city} site is {_ennum(round(rng.uniform(0, 90), 1), 1)} km from the centre.",
        lambda: f"The reading taken in {city} {_date_en(rng)} was {_quantity_en(rng)}.",
        lambda: f"Why did {o} {rng.choice(('refuse', 'accept', 'postpone'))} {t}?",
        lambda: f"{p}: \"We are aiming for a {_percent_en(rng)} market share!\"",
        lambda: f"{t.capitalize()} by {o} ({_money_en(rng)}) was approved {_date_en(rng)}.",
        lambda: f"The {p} briefing: {o} reported {_money_en(rng)} in profit, up {_percent_en(rng)}.",
        lambda: f"In short, {o} {v} {t} and {p} will lead it.",
        lambda: " ".join(rng.choice(EXTRA_EN) for _ in range(rng.randint(3, 12))).capitalize() + ".",
    )
    return rng.choice(templates)()


def french_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` French sentences generated from templates (deterministic in ``seed``)."""
    rng = random.Random(f"fr-{seed}")
    return [_french_template(rng) for _ in range(n)]


def english_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` English sentences generated from templates (deterministic in ``seed``)."""
    rng = random.Random(f"en-{seed}")
    return [_english_template(rng) for _ in range(n)]


def french_corpus(n_generated: int = 1500, seed: int = 0) -> list[str]:
    """The hand-written French sentences plus ``n_generated`` template sentences."""
    return list(FRENCH_SENTENCES) + french_sentences(n_generated, seed)


def english_corpus(n_generated: int = 1500, seed: int = 0) -> list[str]:
    """The hand-written English sentences plus ``n_generated`` template sentences."""
    return list(ENGLISH_SENTENCES) + english_sentences(n_generated, seed)


def fixture_words(seed: int = 0) -> list[str]:
    """Every distinct whitespace-separated word of the French and English corpora (sorted)."""
    words: set[str] = set()
    for s in french_corpus(seed=seed) + english_corpus(seed=seed):
        words.update(s.split())
    return sorted(words)


def iter_corpus_lines(seed: int = 0) -> Iterator[str]:
    yield from french_corpus(seed=seed)
    yield from english_corpus(seed=seed)
