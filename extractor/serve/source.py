"""The report's source as the page shows it: running text cut at every quoted span (each a
highlight that names its findings), and each table's region replaced by a grid built from the
cells read there, with the cells a finding cites marked. Offsets are the store's, which are the
decoded original's, so a highlight is exactly the text the finding quotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Piece:
    text: str
    findings: list[int] = field(default_factory=list)
    anchor: str = ""


@dataclass
class Grid:
    table: str
    columns: list[str]
    rows: list[tuple[str, list[dict[str, Any] | None]]]


@dataclass
class Block:
    kind: str                      # "text" or "table"
    pieces: list[Piece] = field(default_factory=list)
    grid: Grid | None = None


def _own(ev: dict[str, Any], input_key: str) -> bool:
    """Evidence of this report (cross-year findings also cite the other year's report)."""
    return ev.get("document") in (None, input_key)


def cell_marks(findings: list[dict[str, Any]], input_key: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for f in findings:
        for ev in f["evidence"]:
            if ev.get("kind") == "cell" and ev.get("key") and _own(ev, input_key):
                out.setdefault(ev["key"], []).append(f["id"])
    return out


def _grid(table: str, cells: list[dict[str, Any]], marks: dict[str, list[int]]) -> Grid:
    columns: list[str] = []
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for c in sorted(cells, key=lambda c: c["start"]):  # rows and columns in the order the report has them
        col = c["col_label"] or ""
        if col not in columns:
            columns.append(col)
        rows.setdefault(c["row_label"] or "", {})[col] = {**c, "findings": marks.get(c["key"], [])}
    return Grid(table, columns, [(label, [by_col.get(col) for col in columns]) for label, by_col in rows.items()])


def _table_regions(cells: list[dict[str, Any]]) -> list[tuple[int, int, str, list[dict[str, Any]]]]:
    """(start, end, table, cells) per table, in text order; a table whose cells interleave with
    another's stays text (its cells are still findable by their line)."""
    by_table: dict[str, list[dict[str, Any]]] = {}
    for c in cells:
        if c.get("start") is not None and c.get("end") is not None:
            by_table.setdefault(c["table_id"], []).append(c)
    regions = sorted((min(c["start"] for c in cs), max(c["end"] for c in cs), t, cs) for t, cs in by_table.items())
    out: list[tuple[int, int, str, list[dict[str, Any]]]] = []
    for region in regions:
        if out and region[0] < out[-1][1]:
            continue
        out.append(region)
    return out


def _pieces(text: str, start: int, end: int, spans: list[tuple[int, int, int, str]]) -> list[Piece]:
    out: list[Piece] = []
    pos = start
    for s, e, fid, anchor in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s < pos:  # overlapping quotes: the earlier highlight already shows this text
            if out and out[-1].findings and fid not in out[-1].findings:
                out[-1].findings.append(fid)
            continue
        out.append(Piece(text[pos:s]))
        out.append(Piece(text[s:e], [fid], anchor))
        pos = e
    out.append(Piece(text[pos:end]))
    return [p for p in out if p.text]


def blocks(text: str, cells: list[dict[str, Any]], findings: list[dict[str, Any]], input_key: str) -> list[Block]:
    """Text and table blocks in the report's order. A table a finding quotes text inside of stays
    text (with its cited cells marked there too), so every quote is shown where it stands."""
    quotes, cited = [], []
    for f in findings:
        for i, ev in enumerate(f["evidence"]):
            if not (_own(ev, input_key) and isinstance(ev.get("start"), int) and isinstance(ev.get("end"), int)
                    and ev["end"] > ev["start"]):
                continue
            if ev.get("kind") == "quote":
                quotes.append((ev["start"], ev["end"], f["id"], f"q{f['id']}-{i}"))
            elif ev.get("key"):
                cited.append((ev["start"], ev["end"], f["id"], f"c-{ev['key']}"))
    spans = sorted(quotes + cited)
    marks = cell_marks(findings, input_key)
    out: list[Block] = []
    pos = 0
    for start, end, table, table_cells in _table_regions(cells):
        if any(s < end and e > start for s, e, _, _ in quotes):
            continue
        out.append(Block("text", _pieces(text, pos, start, spans)))
        out.append(Block("table", grid=_grid(table, table_cells, marks)))
        pos = end
    out.append(Block("text", _pieces(text, pos, len(text), spans)))
    return [b for b in out if b.kind == "table" or b.pieces]
