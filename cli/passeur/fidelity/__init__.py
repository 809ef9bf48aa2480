"""Names and figures: extract them from the source, check the English against them, repair, report."""
