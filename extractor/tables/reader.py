"""Label-anchored reader: template rows found by their labels, in order, then their values read.

Consecutive label tokens are joined into one label run (labels broken over lines or split over
cells read as one), and every row's values are the run of value tokens right after its label.
Nothing is read by fixed position, so irregular grids, merged cells and PDF lines read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.models import Cell, Problem, Span
from extractor.tables.runs import (
    Relation,
    RowRun,
    ambiguity,
    needs_search,
    one_cell,
    readings,
    resolve,
    settle,
)
from extractor.tables.tokens import Token, parse_value, tokenize
from extractor.templates import ColumnSpec, RowSpec, TableSpec, cell_key, per_spec

_WS = re.compile(r"\s+")
_PREFIX = 5  # shortest start of a label accepted as that label
_UNIT = re.compile(r"[（(](?:单位[:：])?\s*(万元|元|亿元)\s*[）)]")


@dataclass
class Item:
    """A label run (joined label tokens) or a single value/empty token."""

    kind: str  # "label" | "value" | "empty"
    text: str
    tokens: list[Token] = field(default_factory=list)


def _items(tokens: list[Token]) -> list[Item]:
    items: list[Item] = []
    for tok in tokens:
        if tok.kind == "label" and items and items[-1].kind == "label":
            items[-1].text += _WS.sub("", tok.text)
            items[-1].tokens.append(tok)
        else:
            # Value tokens never hold whitespace (they were split on it): only labels need folding.
            items.append(Item(tok.kind, _WS.sub("", tok.text) if tok.kind == "label" else tok.text, [tok]))
    return items


def _values_before(items: list[Item], idx: int) -> list[Item]:
    """The run of value items that ends right before items[idx] (a label)."""
    i = idx
    while i > 0 and items[i - 1].kind != "label":
        i -= 1
    return items[i:idx]


def _values_after(items: list[Item], idx: int) -> list[Item]:
    j = idx
    while j < len(items) and items[j].kind != "label":
        j += 1
    return items[idx:j]


def _fit(values: list[Item], n: int) -> list[Item] | None:
    """Exactly n cells from a run of values, or None when the run cannot be placed unambiguously."""
    vals = list(values)
    while len(vals) > n and vals[0].kind == "empty":
        vals.pop(0)
    while len(vals) > n and vals[-1].kind == "empty":
        vals.pop()
    if len(vals) == n:
        return vals
    filled = [v for v in vals if v.kind == "value"]
    if len(filled) == n:
        return filled
    return None


def _span(tokens: list[Token]) -> Span:
    return Span(start=tokens[0].start, end=tokens[-1].end, line=tokens[0].line)


def _unit_for(col: ColumnSpec, context: str, raw: str) -> str | None:
    if col.unit and col.unit != "auto":
        return col.unit
    if col.unit == "auto":
        m = re.search(r"(万元|亿元|元)$", raw) or _UNIT.search(context)
        return m.group(1) if m else None
    return None


_DIGITS = re.compile(r"[\d.]+")


@dataclass
class _Pending:
    """A row read from run-together digits, waiting for the joint choice among its readings."""

    run: RowRun
    row_label: str
    cols: list[ColumnSpec]
    span: Span
    context: str


@dataclass
class _Layout:
    """What a table spec means for reading, worked out once per spec rather than once per report:
    row patterns, folded labels, cell keys and labels, and a memo of which rows a label run can be
    (reports of one template repeat the same official labels)."""

    rows: list[tuple[RowSpec, list[ColumnSpec]]]
    patterns: list[re.Pattern[str] | None]
    labels: list[str]
    groups: re.Pattern[str] | None
    any: re.Pattern[str]
    keys: list[list[str]]
    row_labels: list[str]
    col_labels: list[list[str]]
    order: dict[str, int]
    matched: dict[str, list[int]] = field(default_factory=dict)


_MEMO_MAX = 20_000  # label runs remembered per table spec; beyond that the memo starts again


@per_spec
def _layout(spec: TableSpec) -> _Layout:
    rows = spec.rows()
    patterns = [r.pattern() for r, _ in rows]
    labels = [_WS.sub("", r.label) for r, _ in rows]
    groups = {_WS.sub("", r.group) for r, _ in rows if r.group}
    return _Layout(
        rows=rows, patterns=patterns, labels=labels,
        groups=re.compile("|".join(map(re.escape, sorted(groups, key=len, reverse=True)))) if groups else None,
        # One search tells whether a label could be any row's: most label runs (headers, prose
        # glued to a table) are none, and need not be tried row by row.
        any=re.compile("|".join(
            [f"(?:{p.pattern})" for p in patterns if p is not None]
            + [re.escape(label[:_PREFIX]) for label in labels if len(label) > _PREFIX]) or "(?!)"),
        keys=[[cell_key(spec.id, r.key, c.key) for c in cols] for r, cols in rows],
        row_labels=[" ".join(x for x in (r.group, r.label) if x) or spec.title for r, _ in rows],
        col_labels=[[" ".join(x for x in (c.group, c.label) if x) for c in cols] for _, cols in rows],
        order={k: i for i, k in enumerate(spec.cell_keys())},
    )


class TableReader:
    def __init__(self, spec: TableSpec, text: str, relations: list[Relation] | None = None) -> None:
        self.spec = spec
        self.text = text
        self.relations = relations or []
        self.layout = _layout(spec)
        self.rows = self.layout.rows
        self.patterns = self.layout.patterns
        self.labels = self.layout.labels
        self.before = False

    def _rows_for(self, text: str) -> list[int]:
        """The template rows a label run could be the label of."""
        memo = self.layout.matched
        hit = memo.get(text)
        if hit is not None:
            return hit
        groups = self.layout.groups
        bare = groups.sub("", text) if groups else text
        if self.layout.any.search(text) or (bare != text and self.layout.any.search(bare)):
            rows = [r for r in range(len(self.rows)) if self._matches(r, text, bare)]
        else:
            rows = []
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[text] = rows
        return rows

    def _matches(self, r_idx: int, text: str, bare: str) -> bool:
        """``bare`` is the text without group labels: a group label (（四）无法提供) centred in its
        merged cell can land inside a wrapped row label."""
        if self._matches_one(r_idx, text):
            return True
        return bare != text and self._matches_one(r_idx, bare)

    def _matches_one(self, r_idx: int, text: str) -> bool:
        """The row's pattern, or the run ending in the start of its official label (a label that a
        PDF line wrapped after its first characters: “4.保护第三” for “4.保护第三方合法权益”)."""
        pattern = self.patterns[r_idx]
        if pattern is None:
            return False
        if pattern.search(text):
            return True
        label = self.labels[r_idx]
        if len(label) <= _PREFIX or label[:_PREFIX] not in text:
            return False
        return any(text.endswith(label[:k]) for k in range(len(label) - 1, _PREFIX - 1, -1))

    def _values(self, items: list[Item], idx: int) -> list[Item]:
        return _values_before(items, idx) if self.before else _values_after(items, idx + 1)

    def _capacity(self, items: list[Item], idx: int) -> int:
        """How many cells the values of the label at idx could fill: a run-together run
        (“0000000”) may hold as many cells as it has digits."""
        return sum(len(v.text) if _DIGITS.fullmatch(v.text) else 1 for v in self._values(items, idx))

    def read(self, start: int, end: int, before: bool = False) -> tuple[list[Cell], list[Problem]]:
        """Cells of the table in text[start:end]. With before=True a row's values are the ones
        just above its label (PDFs whose numbers sit at the top of a tall, wrapped label cell)."""
        self.before = before
        items = _items(tokenize(self.text, start, end))
        cells: list[Cell] = []
        problems: list[Problem] = []
        pending: list[_Pending] = []
        cursor = 0
        # For each label run, the template rows it could be the label of (computed once).
        matches = {i: self._rows_for(item.text) for i, item in enumerate(items) if item.kind == "label"}
        capacity: dict[int, int] = {}  # per label index, worked out when first asked
        layout = self.layout
        for r_idx, (row, cols) in enumerate(self.rows):
            n = len(cols)
            need = max(1, n // 2)
            found: int | None = None
            values: list[Item] = []
            if self.patterns[r_idx] is None:
                # An unlabelled data row: the first run of at least n value cells holding a number.
                i = cursor
                while i < len(items):
                    run = _values_after(items, i) if items[i].kind != "label" else []
                    if any(v.kind == "value" for v in run) and (
                            len(run) >= n or sum(len(v.text) for v in run if v.kind == "value") >= n):
                        found, values = i - 1, run
                        break
                    i += max(1, len(run))
            else:
                for i in range(cursor, len(items)):
                    rows_here = matches.get(i)
                    if not rows_here:
                        continue
                    if i not in capacity:
                        capacity[i] = self._capacity(items, i)
                    if capacity[i] < need:
                        continue
                    if r_idx in rows_here:
                        found, values = i, self._values(items, i)
                        break
                    if min(rows_here) > r_idx and any(v.kind == "value" for v in self._values(items, i)):
                        break  # a later row's label with numbers: this row is absent, do not skip past it
            keys = layout.keys[r_idx]
            if found is None:
                problems.append(Problem(
                    code="row_missing",
                    message=f"{self._name()}：未找到“{row.label or row.key}”行",
                    table=self.spec.id, keys=keys,
                ))
                continue
            fitted = _fit(values, n)
            label_item = items[found] if found >= 0 else None
            chunks = [v.text for v in values if v.kind == "value"]
            row_label = layout.row_labels[r_idx]
            if chunks and all(_DIGITS.fullmatch(c) for c in chunks) and (
                    needs_search(chunks, n) if fitted is None else
                    not all(one_cell(v.text) for v in fitted if v.kind == "value")):
                options = readings(chunks, [c.decimal for c in cols])
                if options:
                    toks = [t for v in values for t in v.tokens]
                    context = label_item.text if label_item else ""
                    pending.append(_Pending(
                        RowRun(keys, options, raw=self.text[toks[0].start:toks[-1].end]),
                        row_label, list(cols), _span(toks), context))
                    cursor = (found if found >= 0 else 0) + 1 + self._advance(r_idx, values)
                    continue
                fitted = None
            if fitted is None:
                toks = [t for v in values for t in v.tokens] or (label_item.tokens if label_item else [])
                problems.append(Problem(
                    code="row_values",
                    message=(f"{self._name()}：“{row.label or row.key}”行读到 "
                             f"{sum(1 for v in values if v.kind == 'value')} 个数值，应为 {n} 个，未读取"),
                    table=self.spec.id, keys=keys, source=_span(toks) if toks else None,
                ))
                cursor = (found if found >= 0 else 0) + 1 + self._advance(r_idx, values)
                continue
            context = label_item.text if label_item else ""
            if label_item is not None and found > 0:
                context = "".join(it.text for it in items[max(0, found - 4):found]) + context
            for col, key, col_label, item in zip(cols, keys, layout.col_labels[r_idx], fitted, strict=True):
                raw = item.tokens[0].text if item.kind == "value" else ""
                value, kind = parse_value(raw, col.decimal)
                cells.append(Cell(
                    key=key, table=self.spec.id, row_label=row_label, col_label=col_label,
                    value=value, kind=kind, raw=raw,  # type: ignore[arg-type]
                    unit=_unit_for(col, context, raw), source=_span(item.tokens),
                ))
            cursor = (found if found >= 0 else 0) + 1 + self._advance(r_idx, values)
        if pending:
            self._settle(pending, cells, problems)
        return cells, problems

    def _settle(self, pending: list[_Pending], cells: list[Cell], problems: list[Problem]) -> None:
        """Choose among the readings of run-together rows jointly, with every row read directly
        as a fixed point; cells the digits still leave open are ambiguous, never guessed."""
        fixed = [RowRun([c.key], [(c.value,)]) for c in cells]
        resolve([p.run for p in pending] + fixed, self.relations)
        order = self.layout.order
        for p in pending:
            settled = settle(p.run)
            for key, col, st in zip(p.run.keys, p.cols, settled, strict=True):
                cells.append(Cell(
                    key=key, table=self.spec.id, row_label=p.row_label,
                    col_label=" ".join(x for x in (col.group, col.label) if x),
                    value=st.value, kind=st.kind, raw=p.run.raw,  # type: ignore[arg-type]
                    unit=_unit_for(col, p.context, ""), source=p.span, reading=st.reading,  # type: ignore[arg-type]
                    inferred_from=st.inferred_from,
                ))
            open_keys, message, candidates = ambiguity(p.run, settled, f"{self._name()}：“{p.row_label}”行")
            if open_keys:
                problems.append(Problem(code="ambiguous", message=message, table=self.spec.id, keys=open_keys,
                                        source=p.span, candidates=candidates))
        cells.sort(key=lambda c: order.get(c.key, len(order)))

    def _advance(self, r_idx: int, values: list[Item]) -> int:
        """How far past the row's label its values reach (none when they stood above it)."""
        return 0 if self.before and self.patterns[r_idx] is not None else len(values)

    def _name(self) -> str:
        return f"“{self.spec.title}”"
