"""Narrative: numeric and qualitative claims the text makes, grounded to character offsets."""
