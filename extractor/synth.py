"""Synthetic reports rendered from a template spec: the same content as text, HTML, DOCX and PDF.

Used to write the project's own examples and eval cases, and by tests to check that every
format parses to identical cells. Tables are laid out like the official forms: multi-level
headers with merged cells, group labels spanning their rows.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, Field

from extractor.ingest.flatten import TableWriter
from extractor.templates import ColumnSpec, TableSpec, TemplateSpec, cell_key, load_templates

Value = int | Decimal | str | None


class SynthReport(BaseModel):
    template: str
    agency: str
    year: int
    title: str | None = None
    doc_number: str | None = None
    paragraphs: dict[str, list[str]] = Field(default_factory=dict, description="section key -> paragraphs")
    values: dict[str, Value] = Field(default_factory=dict, description="cell key -> value; None or '' blank")
    legacy_rows: list[tuple[str, str, Value]] = Field(default_factory=list, description="label, unit, value")
    date: str | None = None
    fill_zero: bool = Field(default=False, description="cells not listed in values are 0")

    def spec(self) -> TemplateSpec:
        return load_templates()[self.template]

    def all_values(self) -> dict[str, Value]:
        if not self.fill_zero:
            return dict(self.values)
        keys = [k for t in self.spec().tables for k in t.cell_keys()]
        return {k: self.values.get(k, 0) for k in keys}

    def heading_title(self) -> str:
        return self.title or f"{self.agency}{self.year}年政府信息公开工作年度报告"


@dataclass
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


Grid = list[list[GridCell]]


def _fmt(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _header_rows(columns: list[ColumnSpec], lead: list[str]) -> Grid:
    """Multi-level header: a column's group path (``a/b``) becomes merged cells above its label."""
    paths = [(c.group.split("/") if c.group else []) + [c.label] for c in columns]
    depth = max(len(p) for p in paths)
    rows: Grid = [[] for _ in range(depth)]
    rows[0] += [GridCell(text, rowspan=depth) for text in lead]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) <= level:
                i += 1
            elif len(path) == level + 1:
                rows[level].append(GridCell(path[level], rowspan=depth - level))
                i += 1
            else:
                j = i + 1
                while j < len(paths) and len(paths[j]) > level + 1 and paths[j][: level + 1] == path[: level + 1]:
                    j += 1
                rows[level].append(GridCell(path[level], colspan=j - i))
                i = j
    return rows


def table_grid(table: TableSpec, values: dict[str, Value]) -> Grid:
    grid: Grid = []
    multi_block = len(table.blocks) > 1
    for block in table.blocks:
        labelled = any(r.match for r in block.rows)
        has_groups = any(r.group for r in block.rows)
        lead = (["信息内容"] if multi_block else ["", ""] if has_groups else [""]) if labelled else []
        width = len(lead) + len(block.columns)
        if block.caption:
            grid.append([GridCell(block.caption, colspan=width)])
        grid += _header_rows(block.columns, lead)
        rows = block.rows
        i = 0
        while i < len(rows):
            row = rows[i]
            out: list[GridCell] = []
            if has_groups:
                if row.group:
                    span = 1
                    while i + span < len(rows) and not rows[i + span].group and re.match(r"\d", rows[i + span].label):
                        span += 1
                    out.append(GridCell(row.group, rowspan=span))
                    out.append(GridCell(row.label))
                elif re.match(r"\d", row.label):
                    out.append(GridCell(row.label))
                else:
                    out.append(GridCell(row.label, colspan=2))
            elif labelled:
                out.append(GridCell(row.label))
            for col in row.columns or block.columns:
                out.append(GridCell(_fmt(values.get(cell_key(table.id, row.key, col.key)))))
            grid.append(out)
            i += 1
    return grid


def legacy_grid(rows: list[tuple[str, str, Value]]) -> Grid:
    grid: Grid = [[GridCell("统计指标"), GridCell("单位"), GridCell("统计数")]]
    grid += [[GridCell(label), GridCell(unit), GridCell(_fmt(value))] for label, unit, value in rows]
    return grid


def _blocks(report: SynthReport) -> list[tuple[str, str | Grid]]:
    """The document as a sequence of ("p", text) and ("table", grid), in reading order."""
    spec = report.spec()
    out: list[tuple[str, str | Grid]] = []
    if report.doc_number:
        out.append(("p", report.doc_number))
    out.append(("p", report.heading_title()))
    tables = {t.section: t for t in spec.tables}
    values = report.all_values()
    for section in spec.sections:
        paras = report.paragraphs.get(section.key)
        table = tables.get(section.key)
        if paras is None and table is None:
            continue
        out.append(("p", f"{section.number}、{section.title}" if section.number else section.title))
        for p in paras or []:
            out.append(("p", p))
        if table is not None:
            out.append(("table", table_grid(table, values)))
    if report.legacy_rows:
        out.append(("p", "政府信息公开情况统计表"))
        out.append(("p", f"（{report.year}年度）"))
        out.append(("table", legacy_grid(report.legacy_rows)))
    out.append(("p", report.agency))
    if report.date:
        out.append(("p", report.date))
    return out


def render_text(report: SynthReport) -> str:
    parts: list[str] = []
    for kind, content in _blocks(report):
        if kind == "p":
            parts.append(str(content) + "\n")
        else:
            assert isinstance(content, list)
            writer = TableWriter()
            for row in content:
                writer.row([c.text for c in row])
            parts.append(writer.text())
    return "".join(parts)


def render_html(report: SynthReport) -> str:
    body: list[str] = []
    for kind, content in _blocks(report):
        if kind == "p":
            body.append(f"<p>{html_lib.escape(str(content))}</p>")
            continue
        assert isinstance(content, list)
        rows = []
        for row in content:
            cells = []
            for c in row:
                attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                cells.append(f"<td{attrs}>{html_lib.escape(c.text) if c.text else '&nbsp;'}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        body.append('<table border="1">' + "".join(rows) + "</table>")
    title = html_lib.escape(report.heading_title())
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>td{{border:1px solid #999}}</style><script>var x = '规章 99';</script></head>"
            f"<body>{''.join(body)}</body></html>")


def _occupancy(grid: Grid) -> tuple[list[list[tuple[int, int, GridCell]]], int]:
    """Place each cell at (row, col) taking spans into account; returns placements and width."""
    taken: set[tuple[int, int]] = set()
    placed: list[list[tuple[int, int, GridCell]]] = []
    width = 0
    for r, row in enumerate(grid):
        col = 0
        out = []
        for cell in row:
            while (r, col) in taken:
                col += 1
            out.append((r, col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, col + dc))
            col += cell.colspan
            width = max(width, col)
        placed.append(out)
    return placed, max([width] + [c + 1 for (_, c) in taken])


def render_docx(report: SynthReport) -> bytes:
    from docx import Document

    doc = Document()
    for kind, content in _blocks(report):
        if kind == "p":
            doc.add_paragraph(str(content))
            continue
        assert isinstance(content, list)
        placed, width = _occupancy(content)
        table = doc.add_table(rows=len(content), cols=width)
        for row in placed:
            for r, c, cell in row:
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = cell.text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render_pdf(report: SynthReport, values_valign: str = "MIDDLE") -> bytes:
    """values_valign="TOP" puts numbers above their wrapped labels' last lines, as some offices'
    PDFs do; the text layer then reads them out of order."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=15, wordWrap="CJK")
    small = ParagraphStyle("small", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    story: list = []
    for kind, content in _blocks(report):
        if kind == "p":
            story.append(Paragraph(html_lib.escape(str(content)), body))
            continue
        assert isinstance(content, list)
        placed, width = _occupancy(content)
        data: list[list] = [["" for _ in range(width)] for _ in content]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                 ("FONTSIZE", (0, 0), (-1, -1), 7), ("VALIGN", (0, 0), (-1, -1), values_valign)]
        for row in placed:
            for r, c, cell in row:
                data[r][c] = Paragraph(html_lib.escape(cell.text), small) if len(cell.text) > 6 else cell.text
                if cell.rowspan > 1 or cell.colspan > 1:
                    style.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
        label_cols = sum(1 for cell in content[-1] if cell.text and not re.fullmatch(r"[-\d.,/—]*", cell.text))
        avail = 170 * 2.83
        first = 90.0 if width > 8 else 120.0
        widths = [first] * max(1, label_cols) + [max(18.0, (avail - first * max(1, label_cols)) / max(1, width - max(1, label_cols)))] * (width - max(1, label_cols))
        if values_valign != "MIDDLE":
            labels_valign = "BOTTOM" if values_valign == "TOP" else "TOP"
            value_cols = sum(1 for cell in content[-1] if re.fullmatch(r"[-\d.,/—]*", cell.text) and cell.text)
            style.append(("VALIGN", (0, 0), (max(1, width - value_cols) - 1, -1), labels_valign))
            style.append(("TOPPADDING", (0, 0), (max(1, width - value_cols) - 1, -1), 12))
        story.append(Spacer(1, 4))
        story.append(Table(data, colWidths=widths[:width], style=TableStyle(style), repeatRows=0))
        story.append(Spacer(1, 4))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=30, rightMargin=30, topMargin=40, bottomMargin=40).build(story)
    return buf.getvalue()


RENDERERS: dict[str, Callable[[SynthReport], str | bytes]] = {"txt": render_text, "html": render_html, "docx": render_docx, "pdf": render_pdf}


def load_synth(path: str) -> SynthReport:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return SynthReport.model_validate(yaml.safe_load(fh))


def write(report: SynthReport, stem: str, formats: list[str]) -> list[str]:
    written = []
    for fmt in formats:
        out = RENDERERS[fmt](report)
        target = f"{stem}.{fmt}"
        if isinstance(out, bytes):
            with open(target, "wb") as fh:
                fh.write(out)
        else:
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(str(out))
        written.append(target)
    return written


if __name__ == "__main__":
    import sys

    for spec_path in sys.argv[1:]:
        stem = spec_path.rsplit(".", 1)[0]
        print("\n".join(write(load_synth(spec_path), stem, ["txt", "html"])))
