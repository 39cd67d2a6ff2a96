"""Split a text range into cell tokens with offsets.

A line may hold one cell (copied text), several tab-separated cells (Word), or a label followed by
space-separated numbers (a PDF text layer); all become the same tokens. A lone tab is an explicit
empty cell; a truly empty line only separates rows and yields nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

TokenKind = Literal["label", "value", "empty"]

_NUM = r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?"
_NA = r"[/／\\—–\-－─]{1,3}"
MONEY_UNIT = r"(?:万元|亿元|元)"
COUNT_UNIT = r"(?:件|条|个|项|次|人)"
_VAL = rf"(?:(?:{_NUM})(?:{MONEY_UNIT}|{COUNT_UNIT})?|{_NA})"
VALUE_RE = re.compile(rf"^(?:{_VAL}|无)$")
_TRAILING = re.compile(rf"^(.*?\S)((?:\s+{_VAL})+)\s*$")
_ALL_VALUES = re.compile(rf"^{_VAL}(?:\s+{_VAL})+$")
_WORD = re.compile(r"\S+")
# A digit in what would be a row's label, other than an item number (“1.”), means several rows run
# together on this line.
_LABEL_DIGIT = re.compile(r"\d(?![\d.．、])")


@dataclass(slots=True)
class Token:
    text: str
    kind: TokenKind
    start: int
    end: int
    line: int


def _piece_tokens(piece: str, offset: int, line: int, out: list[Token]) -> None:
    stripped = piece.strip()
    lead = len(piece) - len(piece.lstrip())
    if not stripped:
        return
    start = offset + lead
    if VALUE_RE.match(stripped):
        out.append(Token(stripped, "value", start, start + len(stripped), line))
        return
    if _ALL_VALUES.match(stripped):
        for w in _WORD.finditer(stripped):
            out.append(Token(w.group(), "value", start + w.start(), start + w.end(), line))
        return
    m = _TRAILING.match(stripped)
    if m and not _LABEL_DIGIT.search(m.group(1)):
        label = m.group(1)
        out.append(Token(label, "label", start, start + len(label), line))
        base = start + m.start(2)
        for w in _WORD.finditer(m.group(2)):
            out.append(Token(w.group(), "value", base + w.start(), base + w.end(), line))
        return
    if _GLUED.search(stripped):
        _glued_tokens(stripped, start, line, out)
        return
    out.append(Token(stripped, "label", start, start + len(stripped), line))


# Crawled text runs a table's cells together with its labels (“新收政府信息公开申请数量320000032”,
# “…0000000 5.属于三类内部…”): a run of digits between two labels is one row's values.
_GLUED = re.compile(r"[^\d\s.,．、%][ ]*\d|\d[ ]*[^\d\s.,．、%]")
_RUN = re.compile(r"\d(?:[\d ]|[.](?=\d))*")
_YEAR_AFTER = re.compile(r"((?:19|20)\d\d)\s?年")
# Digits right before “.”/“．”/“、” and a label are the next row's item number (“5.属于…”).
_ITEM = re.compile(r"[.．、](?=\s*[^\d\s])")


def _glued_tokens(piece: str, start: int, line: int, out: list[Token]) -> None:
    label_from = 0
    depth = 0
    scanned = 0
    for m in _RUN.finditer(piece):
        a, b = m.start(), len(m.group().rstrip()) + m.start()
        # A number inside brackets belongs to its label (“（不同渠道公开相同信息计1条）”).
        segment = piece[scanned:a]
        depth = max(0, depth + segment.count("（") + segment.count("(") - segment.count("）") - segment.count(")"))
        scanned = a
        if depth:
            continue
        year = _YEAR_AFTER.search(piece, a, m.end() + 2)
        if year is not None and year.start(1) > a and year.end() >= m.end():
            # Prose glued to a table's last row (“…20000022025年，我局…”): the year is not a cell.
            b = year.start(1)
        elif _ITEM.match(piece, m.end()):
            # An item number is 1-9, or 10, 20… when the last digit is 0 (no item is numbered 0).
            width = 2 if piece[b - 1] == "0" and b - a >= 2 and piece[b - 2] in "123456789" else 1
            b -= width
            if not piece[a:b].strip():
                continue  # the whole run is an item number: it stays in the label
        if piece[label_from:a].strip():
            _label(piece, label_from, a, start, line, out)
        for w in _WORD.finditer(piece, a, b):
            out.append(Token(w.group(), "value", start + w.start(), start + w.end(), line))
        label_from = b
    if piece[label_from:].strip():
        _label(piece, label_from, len(piece), start, line, out)


def _label(piece: str, a: int, b: int, start: int, line: int, out: list[Token]) -> None:
    seg = piece[a:b]
    lead = len(seg) - len(seg.lstrip())
    text = seg.strip()
    out.append(Token(text, "label", start + a + lead, start + a + lead + len(text), line))


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    tokens: list[Token] = []
    pos = start
    line_no = text.count("\n", 0, start) + 1
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        line = text[pos:stop]
        if line.isdecimal():  # one number on its own line, the commonest line of copied tables
            tokens.append(Token(line, "value", pos, stop, line_no))
            pos = stop + 1
            line_no += 1
            continue
        # A Markdown table row (“| 规章 | 0 | 0 | 0 |”, from a converter) is cells as a tab row is.
        sep = "|" if line.lstrip().startswith("|") and line.count("|") >= 3 else "\t"
        if sep in line:
            pieces = line.split(sep)
            if sep == "|" and not pieces[-1].strip():
                pieces.pop()  # the text after a closing bar is not a cell
            offset = pos
            for idx, piece in enumerate(pieces):
                if idx == 0 and not piece.strip():
                    offset += len(piece) + 1
                    continue  # the text before a leading tab or bar is not a cell
                if piece.isdecimal():
                    tokens.append(Token(piece, "value", offset, offset + len(piece), line_no))
                elif not piece.strip():
                    tokens.append(Token("", "empty", offset, offset, line_no))
                else:
                    _piece_tokens(piece, offset, line_no, tokens)
                offset += len(piece) + 1
        elif line.strip():
            _piece_tokens(line, pos, line_no, tokens)
        pos = stop + 1
        line_no += 1
    return tokens


_UNIT_TAIL = re.compile(rf"(?:{MONEY_UNIT}|{COUNT_UNIT})$")
_SIGNED_DIGIT = re.compile(r"^[-+]?\d")


@lru_cache(maxsize=8192)
def parse_value(raw: str, decimal: bool = False) -> tuple[int | Decimal | None, str]:
    """(value, kind) of a value token; kind is number, zero, blank, not_applicable or text.
    Cached: a table's values are mostly the same few (“0”, “1”, “/”), and the result is immutable."""
    s = _UNIT_TAIL.sub("", raw.strip().replace(",", ""))
    if not s:
        return None, "blank"
    if VALUE_RE.match(s) and not _SIGNED_DIGIT.match(s):
        return None, "not_applicable"
    try:
        value: int | Decimal = Decimal(s) if (decimal or "." in s) else int(s)
    except (ValueError, InvalidOperation):
        return None, "text"
    return value, ("zero" if value == 0 else "number")
