"""Briefing notes: the data a note holds, how one is built from a translation and its summaries, and how it renders."""
