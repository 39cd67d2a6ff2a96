"""Older statistical sheets (统计指标 / 单位 / 统计数): every indicator row in order.

Rows are label, unit, value. Parents come from the numbering (一、 > （一） > 1. > 其中), so a row
reads “三、依申请公开情况 > （二）申请办结数 > 1.按时办结数”.
"""

from __future__ import annotations

import re

from extractor.models import Cell, Problem, Span
from extractor.tables.tokens import Token, parse_value, tokenize
from extractor.templates import LegacySpec

_LEVELS = [
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"^\d+[.．、]")),
    (4, re.compile(r"^其中")),
]


def _level(label: str, previous: int) -> int:
    for level, pattern in _LEVELS:
        if pattern.match(label):
            return level
    return 4 if previous >= 4 else previous + 1


def read_legacy(text: str, spec: LegacySpec, start: int = 0) -> tuple[list[Cell], list[Problem]]:
    tokens = tokenize(text, start)
    header = next((i for i, t in enumerate(tokens)
                   if t.kind == "label" and re.sub(r"\s+", "", t.text).endswith((spec.header_end, "历年累计"))), None)
    if header is None:
        return [], [Problem(code="table_missing", message=f"未找到统计表表头“{spec.header_end}”", table="legacy")]
    units = set(spec.units)
    unit_tail = re.compile(r"^(.*\S)\s+(" + "|".join(map(re.escape, sorted(units, key=len, reverse=True))) + r")$")
    cells: list[Cell] = []
    stack: list[tuple[int, str]] = []
    label: list[Token] = []
    unit: Token | None = None
    unit_seen = False
    prev_level = 0
    # Sheets with 本年度 | 历年累计 columns: a row's second value is its cumulative figure.
    cumulative = header is not None and re.sub(r"\s+", "", tokens[header].text).endswith("历年累计")
    last: list[Cell] = []

    def emit(value_tok: Token | None) -> None:
        nonlocal label, unit, unit_seen, prev_level
        own = "".join(t.text for t in label).strip()
        own = re.sub(r"\s+", "", own) if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", own) else own
        level = _level(own, prev_level)
        while stack and stack[-1][0] >= level:
            stack.pop()
        full = " > ".join([s for _, s in stack] + [own])
        raw = value_tok.text if value_tok is not None and value_tok.kind == "value" else ""
        if unit is not None or raw:
            value, kind = parse_value(raw, decimal=unit is not None and "元" in unit.text)
            # The source is the value cell itself (the unit's when the value is missing), as for
            # every other cell: where a reviewer looks to check the number.
            at = value_tok if value_tok is not None and value_tok.kind == "value" else (unit or label[-1])
            src = [at]
            cells.append(Cell(
                key=f"legacy.{len(cells) + 1}", table="legacy", row_label=full,
                col_label="本年度" if cumulative else "统计数",
                value=value, kind=kind, raw=raw,  # type: ignore[arg-type]
                unit=unit.text if unit is not None else None,
                source=Span(start=src[0].start, end=src[-1].end, line=src[0].line),
            ))
            last[:] = [cells[-1]] if raw and cumulative else []
        stack.append((level, own))
        prev_level = level
        label, unit, unit_seen = [], None, False

    for tok in tokens[header + 1:]:
        if tok.kind == "label":
            if label and not unit_seen and tok.text in units:
                unit, unit_seen = tok, True
                continue
            if unit_seen:
                emit(None)  # a row whose value cell is missing: keep the row, value unread
            elif label and any(p.match(tok.text) for _, p in _LEVELS):
                emit(None)  # the label so far was a heading row with no unit and no value
            m = unit_tail.match(tok.text)
            if m and not unit_seen:
                label.append(Token(m.group(1), "label", tok.start, tok.start + len(m.group(1)), tok.line))
                unit = Token(m.group(2), "label", tok.end - len(m.group(2)), tok.end, tok.line)
                unit_seen = True
                continue
            label.append(tok)
        elif not label:
            if last and tok.kind == "value":
                value, kind = parse_value(tok.text, decimal=bool(last[0].unit and "元" in last[0].unit))
                cells.append(last[0].model_copy(update={
                    "key": f"legacy.{len(cells) + 1}", "col_label": "历年累计", "value": value, "kind": kind,
                    "raw": tok.text, "source": Span(start=tok.start, end=tok.end, line=tok.line)}))
                last.clear()
            continue
        elif not unit_seen:
            if tok.kind == "value":
                emit(tok)  # label followed directly by a value: no unit cell
            else:
                unit_seen = True  # an empty unit cell
        else:
            emit(tok)
    if label and unit_seen:
        emit(None)
    if not cells:
        return [], [Problem(code="table_missing", message="统计表中没有可读的指标行", table="legacy")]
    return cells, []
