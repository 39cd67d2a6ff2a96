"""Older statistical sheets of any province: every indicator row, with its label path, unit and
each value column (统计数; or 本年度 | 历年累计; or 2014年度 | 历年累计).

The header says how many value columns there are. Rows are label, unit, values, in whatever form
the page gave them: one cell a line, space-separated on one line, or run together
(“主动公开文件数条206912106”: the unit glued to the label, the two values to each other). Run-together
values are read by every split the digits allow and narrowed by the sheet's own relations
(历年累计 ≥ 本年度, totals = the sum of their parts); what stays open is ambiguous, never guessed.
Parents come from the numbering (一、 > （一） > 1. > 其中), so a row reads
“三、依申请公开情况 > （二）申请办结数 > 1.按时办结数”.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.models import Cell, Problem, Span
from extractor.tables.runs import Relation, RowRun, ambiguity, needs_search, readings, resolve, settle
from extractor.tables.tokens import Token, parse_value, tokenize
from extractor.templates import IdentitySpec, LegacySpec

_LEVELS = [
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"^(?:其中[:：]?)?\d+\s*[.．、]")),
    (4, re.compile(r"^其中")),
]
_DIGITS = re.compile(r"[\d.]+")
# The end of a sheet: the signature's date, or the page's own furniture after it.
_SHEET_END = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月"
                        r"|附件下载|打印本页|关闭窗口|【\s*打印")
_SENTENCE = re.compile(r"[。；！？]")


@dataclass
class _Row:
    label: list[Token] = field(default_factory=list)
    unit: Token | None = None
    values: list[Token] = field(default_factory=list)


def _level(label: str, previous: int, flat_top: bool) -> int:
    for level, pattern in _LEVELS:
        if pattern.match(label):
            return level
    if flat_top:
        return 1  # sheets whose top rows carry no number: an unnumbered row is a top row
    return 4 if previous >= 4 else previous + 1


def find_header(text: str, spec: LegacySpec, start: int = 0) -> tuple[int, list[str]] | None:
    """(offset where the rows start, the value columns' printed names), or None."""
    m = re.compile(spec.header).search(text, start)
    if m is None:
        return None
    col = re.compile(r"\s*(" + "|".join(spec.columns) + r")")
    names: list[str] = []
    pos = m.end()
    while True:
        c = col.match(text, pos)
        if c is None:
            break
        names.append(re.sub(r"\s+", "", c.group(1)))
        pos = c.end()
    if not names:
        return None
    return pos, names


def _split_unit(tok: Token, units: list[str]) -> tuple[Token, Token | None]:
    text = tok.text
    for u in units:
        if text.endswith(u) and len(text) > len(u) + 1:
            head = text[:-len(u)].rstrip()
            unit_start = tok.end - len(u)
            return (Token(head, "label", tok.start, tok.start + len(head), tok.line),
                    Token(u, "label", unit_start, tok.end, tok.line))
    return tok, None


def _rows(tokens: list[Token], units: list[str]) -> list[_Row]:
    rows: list[_Row] = []
    cur = _Row()
    for tok in tokens:
        if tok.kind == "empty":
            if cur.label and cur.unit is None and not cur.values:
                cur.unit = Token("", "label", tok.start, tok.end, tok.line)  # an empty unit cell
            elif cur.label:
                cur.values.append(tok)
            continue
        if tok.kind == "value":
            if cur.label:
                cur.values.append(tok)
            continue
        if cur.label and cur.unit is None and not cur.values and tok.text.strip() in units:
            cur.unit = tok
            continue
        if cur.label and (cur.values or cur.unit is not None):
            rows.append(cur)
            cur = _Row()
        elif cur.label and any(p.match(tok.text) for _, p in _LEVELS):
            rows.append(cur)  # a heading row: label only
            cur = _Row()
        text = tok.text.strip()
        tail = re.match(r"^(.*\S)\s+(" + "|".join(map(re.escape, units)) + r")$", text)
        if tail and cur.unit is None:
            head = tail.group(1)
            cur.label.append(Token(head, "label", tok.start, tok.start + len(head), tok.line))
            cur.unit = Token(tail.group(2), "label", tok.end - len(tail.group(2)), tok.end, tok.line)
            continue
        cur.label.append(tok)
    if cur.label:
        rows.append(cur)
    for row in rows:
        if row.unit is None and row.values and row.label:
            row.label[-1], row.unit = _split_unit(row.label[-1], units)
    return rows


def read_legacy(text: str, spec: LegacySpec, start: int = 0, identities: list[IdentitySpec] | None = None,
                ) -> tuple[list[Cell], list[Problem]]:
    """Every row of the sheet, named where the template knows the indicator, run-together values
    settled by the sheet's identities (the template's, per column)."""
    header = find_header(text, spec, start)
    if header is None:
        return [], [Problem(code="table_missing", message="未找到统计表表头（指标名称、单位、统计数）", table="legacy")]
    begin, col_names = header
    end_m = _SHEET_END.search(text, begin)
    end = end_m.start() if end_m else len(text)
    ncols = len(col_names)
    units = sorted(spec.units, key=len, reverse=True)
    rows = _rows(tokenize(text, begin, end), units)
    # A sheet ends at its last row with values; prose after it is not a row.
    while rows and not rows[-1].values and rows[-1].unit is None:
        rows.pop()
    cumulative = ncols == 2 and "累计" in col_names[1]
    suffixes = [""] + [(".cumulative" if cumulative and i == 1 else f".c{i + 1}") for i in range(1, ncols)]

    cells: list[Cell] = []
    problems: list[Problem] = []
    stack: list[tuple[int, str]] = []
    prev_level = 0
    flat_top = False
    runs: list[tuple[RowRun, list[Cell]]] = []
    for n, row in enumerate(rows, start=1):
        own = "".join(t.text for t in row.label).strip()
        if _SENTENCE.search(own) or len(own) > 80:
            break  # prose: the sheet has ended
        own = re.sub(r"\s+", "", own) if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", own) else own
        if n == 1:
            flat_top = not any(p.match(own) for _, p in _LEVELS)
        level = _level(own, prev_level, flat_top)
        while stack and stack[-1][0] >= level:
            stack.pop()
        full = " > ".join([s for _, s in stack] + [own])
        stack.append((level, own))
        prev_level = level
        if not any(t.kind == "value" for t in row.values) and not (row.unit and row.unit.text):
            continue  # a heading row: no unit and no value
        keys = [f"legacy.{len(cells) // ncols + 1}{s}" for s in suffixes]
        unit = row.unit.text if row.unit is not None and row.unit.text else None
        decimal = unit is not None and "元" in unit
        chunks = [t.text for t in row.values if t.kind == "value"]
        span_toks = row.values or ([row.unit] if row.unit is not None else row.label[-1:])
        span = Span(start=span_toks[0].start, end=span_toks[-1].end, line=span_toks[0].line)
        row_cells: list[Cell] = []
        direct = row.values
        searched = bool(chunks) and all(_DIGITS.fullmatch(c) for c in chunks) and (
            len(direct) != ncols or needs_search(chunks, ncols))
        for i, (key, name) in enumerate(zip(keys, col_names, strict=True)):
            tok = direct[i] if not searched and i < len(direct) else None
            raw = tok.text if tok is not None and tok.kind == "value" else ""
            value, kind = parse_value(raw, decimal=decimal)
            src = Span(start=tok.start, end=tok.end, line=tok.line) if tok is not None and raw else span
            row_cells.append(Cell(key=key, table="legacy", row_label=full, col_label=name, value=value,
                                  kind=kind, raw=raw, unit=unit, source=src))  # type: ignore[arg-type]
        if searched:
            options = readings(chunks, [decimal] * ncols)
            raw = text[span.start:span.end]
            for c in row_cells:
                c.raw = raw
            if options:
                runs.append((RowRun(keys, options, raw=raw), row_cells))
            else:
                for c in row_cells:
                    c.kind = "ambiguous"
                problems.append(Problem(code="row_values", table="legacy", keys=keys, source=span,
                                        message=f"统计表“{own}”行的数值“{raw}”无法拆分为 {ncols} 列"))
        cells += row_cells
    if not cells:
        return [], [Problem(code="table_missing", message="统计表中没有可读的指标行", table="legacy")]
    name_cells(cells, spec)
    if runs:
        idents = [(i.id, [i.left] if isinstance(i.left, str) else list(i.left), list(i.right))
                  for i in identities or []]
        _settle(runs, cells, problems, relations(cells, idents))
    return cells, problems


def name_cells(cells: list[Cell], spec: LegacySpec) -> None:
    """Stable named keys for the indicators sheets share, by label pattern, first match wins."""
    first_col = [c for c in cells if c.key.count(".") == 1]
    taken: set[str] = set()
    for named in spec.named:
        pattern = re.compile(named.match)
        hit = next((c for c in first_col if c.name is None and pattern.search(c.row_label)), None)
        if hit is None or named.key in taken:
            continue
        taken.add(named.key)
        hit.name = named.key
        for other in cells:
            if other.key.startswith(hit.key + "."):
                other.name = named.key + other.key[len(hit.key):]


def relations(cells: list[Cell], identities: list[tuple[str, list[str], list[str]]]) -> list[Relation]:
    """The sheet's relations over its own keys: each named identity per column, and every
    cumulative figure at least its year's."""
    by_name = {c.name: c.key for c in cells if c.name}
    out: list[Relation] = []
    suffixes = sorted({c.key[len(".".join(c.key.split(".")[:2])):] for c in cells})
    for ident_id, left, right in identities:
        for suffix in suffixes:
            lk = [by_name[k + suffix] for k in left if k + suffix in by_name]
            rk = [by_name[k + suffix] for k in right if k + suffix in by_name]
            if lk and rk and len(lk) == len(left):
                out.append(Relation(f"{ident_id}{suffix}", lk, rk))
    for c in cells:
        if c.key.endswith(".cumulative"):
            out.append(Relation(f"legacy.cumulative[{c.key}]", [c.key], [c.key[: -len('.cumulative')]], "ge"))
    return out


def _settle(runs: list[tuple[RowRun, list[Cell]]], cells: list[Cell], problems: list[Problem],
            rels: list[Relation]) -> None:
    searched = {k for run, _ in runs for k in run.keys}
    fixed = [RowRun([c.key], [(c.value,)]) for c in cells if c.key not in searched]
    resolve([run for run, _ in runs] + fixed, rels)
    for run, row_cells in runs:
        settled = settle(run)
        for cell, st in zip(row_cells, settled, strict=True):
            cell.value, cell.kind, cell.reading = st.value, st.kind, st.reading  # type: ignore[assignment]
            cell.inferred_from = st.inferred_from
        label = row_cells[0].row_label.split(" > ")[-1]
        open_keys, message, candidates = ambiguity(run, settled, f"统计表“{label}”行")
        if open_keys:
            problems.append(Problem(code="ambiguous", table="legacy", keys=open_keys, source=row_cells[0].source,
                                    message=message, candidates=candidates))
