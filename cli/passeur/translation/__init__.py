"""Translation engines behind one narrow interface (CTranslate2, transformers), the wrapper base, and the document pipeline."""
