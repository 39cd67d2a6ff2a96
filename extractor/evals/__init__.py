"""Eval suites on labelled reports: `extractor eval`."""
