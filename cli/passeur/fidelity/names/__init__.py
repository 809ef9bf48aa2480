"""Names of people, organisations, places and products: the French finder (spaCy plus rules), the English one, the gazetteer."""
