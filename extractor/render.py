"""Output of ``extractor parse``: JSON (per CONTRACT.md), CSV (one row per cell), a terminal table."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from rich.table import Table

from extractor.models import ParsedReport


def to_json(report: ParsedReport, indent: int | None = 2) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=indent)


CSV_FIELDS = ["path", "key", "table", "row_label", "col_label", "value", "kind", "raw", "unit", "start", "end", "line"]


def to_csv(reports: list[ParsedReport], header: bool = True) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(CSV_FIELDS)
    for report in reports:
        for c in report.cells:
            src = c.source
            writer.writerow([
                report.document.path, c.key, c.table, c.row_label, c.col_label,
                "" if c.value is None else c.value, c.kind, c.raw, c.unit or "",
                src.start if src else "", src.end if src else "", src.line if src else "",
            ])
    return buf.getvalue()


def print_table(report: ParsedReport, console: Console) -> None:
    d = report.document
    console.print(f"[bold]{d.path}[/bold]  {d.agency or '（机关未知）'} · {d.year or '年度未知'} · "
                  f"template {d.template} · {len(report.cells)} cells · {len(report.problems)} problems")
    by_table: dict[str, list] = {}
    for c in report.cells:
        by_table.setdefault(c.table, []).append(c)
    for table_id, cells in by_table.items():
        t = Table(title=table_id, show_lines=False, title_justify="left")
        t.add_column("key", style="cyan", no_wrap=True)
        t.add_column("row")
        t.add_column("column")
        t.add_column("value", justify="right")
        t.add_column("line", justify="right", style="dim")
        for c in cells:
            shown = "—" if c.value is None else str(c.value)
            t.add_row(c.key, c.row_label, c.col_label + (f"（{c.unit}）" if c.unit else ""), shown,
                      str(c.source.line) if c.source else "")
        console.print(t)
    for p in report.problems:
        console.print(f"[yellow]problem[/yellow] {p.code}: {p.message}")
