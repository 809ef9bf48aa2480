"""The translation memory: a SQLite store of model outputs, the engine wrapper that reuses them, TMX export."""
