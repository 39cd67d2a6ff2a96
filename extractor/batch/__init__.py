"""``extractor batch``: many reports into one output folder (store, JSON Lines, totals, summary)."""
