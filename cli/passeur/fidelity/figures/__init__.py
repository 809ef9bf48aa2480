"""Figures (money, percentages, numbers, dates, times, ordinals, quantities) as values: French and English readers."""
