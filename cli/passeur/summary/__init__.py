"""Tiered summaries: the engine interface and its engines, prompts, shapes, checks, and the summarizer that drives them."""
