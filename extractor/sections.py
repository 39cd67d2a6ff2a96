"""The parts of a report: headings found by the template's section patterns, in order."""

from __future__ import annotations

import re

from extractor.models import Section, Span
from extractor.templates import SectionSpec, per_spec

_NUMBERING = re.compile(r"^\s*(?:表[一二三四五六]\s*[、.．:：]?\s*|[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分[、：:]?|\d+[、.．])\s*")
_HEADING_MAX = 32
# A heading inside a long line (a crawled page whose body is one line): a top-level number, then a
# title that one of the template's part patterns accepts (which “统一、规范” never is).
_INLINE = re.compile(r"(?<![一二三四五六七八九十第])([一二三四五六七八九十]{1,2})\s*[、.．]\s*")
_HARD_STOP = re.compile(r"[\d。；;]")
_STOP = re.compile(r"[（(，,。；;：:\d\s]")


def _inline_title(text: str, at: int, pattern: re.Pattern[str]) -> int | None:
    """End of the heading title that starts at ``at`` and matches ``pattern``, or None."""
    window = text[at:at + _HEADING_MAX + 8].split("\n", 1)[0]
    stop = _STOP.search(window)
    bounded = window[:stop.start()] if stop else window
    for length in range(len(bounded), 1, -1):
        # The longest title that the pattern ends at: a title pattern with no “$” would otherwise
        # swallow the first sentence of the part.
        if any(m.end() == length for m in pattern.finditer(bounded[:length])):
            return at + length
    window = _HARD_STOP.split(window, 1)[0]
    for length in range(2, len(window) + 1):
        if pattern.search(window[:length]):
            return at + length
    return None


_WS = re.compile(r"\s+")
@per_spec
def _patterns(specs: list[SectionSpec]) -> tuple[list[tuple[SectionSpec, re.Pattern[str]]], re.Pattern[str]]:
    """The specs' heading patterns compiled once per template, and one pattern any of them would
    match: most short lines are table cells, headings of nothing."""
    patterns = [(s, re.compile(s.match)) for s in specs]
    return patterns, re.compile("|".join(f"(?:{s.match})" for s in specs) or "(?!)")


def find_sections(text: str, specs: list[SectionSpec]) -> list[Section]:
    """One section per spec, the first heading that matches after the previous one found."""
    patterns, anyone = _patterns(specs)
    found: list[tuple[SectionSpec, int, int, int, int]] = []  # spec, heading start/end, line, body start
    taken: set[str] = set()
    end = -1
    for line_no, line in enumerate(text.split("\n"), start=1):
        start = end + 1
        end = start + len(line)
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.isdigit():  # a table's value (most short lines): no numbering, no whitespace
            if len(stripped) <= _HEADING_MAX and anyone.search(stripped):
                title = stripped
            else:
                continue
        elif len(stripped) > _HEADING_MAX + 8:
            for m in _INLINE.finditer(text, start, end):
                for spec, pattern in patterns:
                    if spec.key in taken:
                        continue
                    stop = _inline_title(text, m.end(), pattern)
                    if stop is not None:
                        found.append((spec, m.start(), stop, line_no, stop))
                        taken.add(spec.key)
                        break
            continue
        else:
            numbered = _NUMBERING.match(stripped)
            title = stripped[numbered.end():] if numbered else stripped
            title = _WS.sub("", title).rstrip("。：:")
            if not title or len(title) > _HEADING_MAX or not anyone.search(title):
                continue
        for spec, pattern in patterns:
            if spec.key in taken or not pattern.search(title):
                continue
            lead = len(line) - len(line.lstrip())
            found.append((spec, start + lead, start + lead + len(stripped), line_no, end + 1))
            taken.add(spec.key)
            break
    found.sort(key=lambda f: f[1])
    sections = []
    for i, (spec, h_start, h_end, line_no, body) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else len(text)
        sections.append(Section(
            key=spec.key, title=text[h_start:h_end],
            heading=Span(start=h_start, end=h_end, line=line_no),
            start=min(body, stop), end=stop,
        ))
    return sections
