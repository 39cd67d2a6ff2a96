"""The summary table: one row per report (office, year, template, counts by severity, key cells,
derived indicators, what could not be read), as CSV with a UTF-8 BOM (so Excel shows Chinese) and
as XLSX with a second sheet giving each indicator's formula."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from extractor.store import ReviewStore
from extractor.summary.indicators import ALL_KEYS, INDICATORS, KEY_CELLS, derive, key_cells

BASE = ["input", "office", "year", "template", "status", "errors", "warnings", "info", "unread_rows", "unreadable"]
HEADERS = {"input": "文件", "office": "机关", "year": "年度", "template": "模板", "status": "状态",
           "errors": "错误", "warnings": "警告", "info": "提示", "unread_rows": "未能读取的表格行数",
           "unreadable": "无法读取的原因"}


def columns() -> list[str]:
    return BASE + list(KEY_CELLS) + [i.id for i in INDICATORS]


def rows(store: ReviewStore) -> list[dict[str, Any]]:
    docs = store.documents()
    values = store.cell_values(ALL_KEYS)
    new_by_office: dict[tuple[str, int], Any] = {}
    keyed = {}
    for d in docs:
        keyed[d["id"]] = key_cells(values.get(d["id"], {}))
        if d["agency_key"] and d["year"] and keyed[d["id"]]["new"] is not None:
            new_by_office.setdefault((d["agency_key"], d["year"]), keyed[d["id"]]["new"])
    out = []
    for d in docs:
        k = keyed[d["id"]]
        last = new_by_office.get((d["agency_key"], d["year"] - 1)) if d["agency_key"] and d["year"] else None
        ok = d["status"] == "ok"
        out.append({"input": d["input"], "office": d["agency"], "year": d["year"], "template": d["template"],
                    "status": d["status"], "errors": d["errors"] if ok else None,
                    "warnings": d["warnings"] if ok else None, "info": d["infos"] if ok else None,
                    "unread_rows": d["problems"] if ok else None, "unreadable": None if ok else d["error"],
                    **k, **(derive(k, last) if ok else {})})
    return out


def header_labels() -> list[str]:
    formulas = {i.id: f"{i.title} = {i.formula}" for i in INDICATORS}
    return [HEADERS.get(c) or formulas.get(c) or c for c in columns()]


def write_csv(data: list[dict[str, Any]], target: Path) -> None:
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header_labels())
        for row in data:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns()])


def write_xlsx(data: list[dict[str, Any]], target: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet("summary")
    bold = book.add_format({"bold": True, "text_wrap": True})
    share = book.add_format({"num_format": "0.0%"})
    cols = columns()
    shares = {i.id for i in INDICATORS}
    for j, label in enumerate(header_labels()):
        sheet.write(0, j, label, bold)
    for i, row in enumerate(data, start=1):
        for j, c in enumerate(cols):
            value = row.get(c)
            if value is not None:
                sheet.write(i, j, value, share if c in shares else None)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(len(data), 1), len(cols) - 1)
    notes = book.add_worksheet("indicators")
    for j, label in enumerate(["indicator", "title", "formula"]):
        notes.write(0, j, label, bold)
    for i, ind in enumerate(INDICATORS, start=1):
        notes.write_row(i, 0, [ind.id, ind.title, ind.formula])
    for i, (column, keys) in enumerate(KEY_CELLS.items(), start=len(INDICATORS) + 2):
        notes.write_row(i, 0, [column, "cell", " or ".join(keys)])
    book.close()
