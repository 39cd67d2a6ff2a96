"""DOCX to text: paragraphs and tables in document order, tables one cell a line."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from extractor.ingest.flatten import TableWriter


def _table_text(table: Table, seen: dict[int, object]) -> str:
    writer = TableWriter()
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            # python-docx repeats a merged cell in every grid slot it covers; write it once.
            # The element is kept in `seen` so its id cannot be reused by another proxy.
            tc_id = id(cell._tc)
            if tc_id in seen:
                continue
            seen[tc_id] = cell._tc
            parts = [p.text for p in cell.paragraphs]
            parts += [_table_text(t, seen) for t in cell.tables]
            cells.append("\n".join(parts))
        writer.row(cells)
    return writer.text()


def docx_to_text(data: bytes) -> str:
    doc: Any = Document(io.BytesIO(data))
    out: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text + "\n")
        elif isinstance(block, Table):
            out.append(_table_text(block, {}))
    return "".join(out)
