"""Searching a text for a pattern only where its matches can start.

A pattern that starts with a look-behind, a repeat or a group gives the regex engine nothing to
skip ahead on: it is tried at every position of the text. When every match is known to start
close to something a literal-first pattern finds at once, trying it only there gives the same
matches at a fraction of the cost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def finditer_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), for a pattern that never matches empty and whose every match starts
    at one of `starts`, given in ascending order (a position at or before one already tried, as
    from overlapping windows, is skipped).

    Each start is tried in turn, never inside a match already found: the same leftmost,
    non-overlapping matches as finditer, since a match at a position does not depend on where
    the search began (look-behinds and ^ still see the whole text)."""
    pos = 0  # where finditer would go on searching: after the last match or the last position tried
    for p in starts:
        if p < pos:
            continue
        m = pattern.match(text, p)
        pos = m.end() if m else p + 1
        if m:
            yield m
