"""PDF text layer in reading order (pdfplumber).

Real reports often have borderless or merged-row tables on which ruling-line detection fails,
so the text layer is the primary reading; the table reader anchors on labels, not on lines.
"""

from __future__ import annotations

import io
import logging
from itertools import accumulate

import pdfplumber

from extractor.errors import ReportError

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def pdf_to_text(data: bytes, path: str, page_starts: list[int] | None = None) -> str:
    """``page_starts``, when given, receives each page's offset in the text (evidence cites pages)."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text(x_tolerance=1.5, y_tolerance=3) or "" for page in pdf.pages]
    except ReportError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise ReportError(f"unreadable PDF ({type(exc).__name__})", path) from None
    text = "\n".join(pages)
    if page_starts is not None:
        page_starts += accumulate((len(p) + 1 for p in pages[:-1]), initial=0)
    if sum(1 for ch in text if not ch.isspace()) < 20:
        raise ReportError("PDF has no text layer (scanned); OCR is not supported", path)
    return text


def pdf_tables_text(data: bytes) -> str:
    """The second reading: text outside ruled tables in reading order, each detected table
    flattened one cell a line in its place. Used when the text layer leaves rows unplaced."""
    from extractor.ingest.flatten import TableWriter

    parts: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
            top = 0.0
            for table in tables:
                if table.bbox[1] > top:
                    parts.append(page.crop((0, top, page.width, table.bbox[1]), strict=False).extract_text() or "")
                writer = TableWriter()
                for row in table.extract():
                    writer.row([cell or "" for cell in row])
                parts.append(writer.text())
                top = table.bbox[3]
            if top < page.height:
                parts.append(page.crop((0, top, page.width, page.height), strict=False).extract_text() or "")
    return "\n".join(p for p in parts if p)
