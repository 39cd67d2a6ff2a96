"""DOCX to text: paragraphs and tables in document order, tables one cell a line."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from extractor.config import Limits
from extractor.errors import ReportError
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


def check_archive(data: bytes, limit: Limits) -> None:
    """Refuse a zip bomb from its directory, before anything is inflated. The sizes it declares
    are binding: zipfile stops inflating an entry at its declared size (and fails its CRC)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > limit.docx_entries:
            raise ReportError(f"DOCX archive holds {len(entries):,} files, over the {limit.docx_entries:,} limit "
                              "(raise it with --limit docx_entries=N or EXTRACTOR_LIMIT_DOCX_ENTRIES)")
        inflated = sum(e.file_size for e in entries)
        if inflated > limit.docx_inflated:
            raise ReportError(f"DOCX archive inflates to {inflated / 1e6:,.0f} MB, over the "
                              f"{limit.docx_inflated / 1e6:,.0f} MB limit "
                              "(raise it with --limit docx_inflated=N or EXTRACTOR_LIMIT_DOCX_INFLATED)")


def docx_to_text(data: bytes, limit: Limits) -> str:
    check_archive(data, limit)
    doc: Any = Document(io.BytesIO(data))
    out: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text + "\n")
        elif isinstance(block, Table):
            out.append(_table_text(block, {}))
    return "".join(out)
