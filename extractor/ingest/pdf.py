"""PDF text layer in reading order (pdfplumber).

Real reports often have borderless or merged-row tables on which ruling-line detection fails,
so the text layer is the primary reading; the table reader anchors on labels, not on lines.
"""

from __future__ import annotations

import io
import logging
import re
from itertools import accumulate

import pdfplumber
import pypdfium2 as pdfium

from extractor.config import Limits, limits
from extractor.errors import ReportError

logging.getLogger("pdfminer").setLevel(logging.ERROR)

_CID = re.compile(r"\(cid:\d{1,6}\)")


def _pdfium_text(data: bytes, path: str, limit: Limits, read: bool = True) -> list[str]:
    """Open with PDFium first: it counts pages without reading them and tells a password from a
    broken file. Its own text is the reading of last resort (see pdf_to_text)."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReportError("PDF is encrypted: it needs a password to open; save an unprotected copy", path) from None
        return []  # pdfminer recovers some files PDFium will not open: let it try
    try:
        if len(doc) > limit.pages:
            raise ReportError(f"PDF has {len(doc):,} pages, over the {limit.pages:,} limit "
                              "(raise it with --limit pages=N or EXTRACTOR_LIMIT_PAGES)", path)
        out: list[str] = []
        for page in doc if read else ():
            textpage = page.get_textpage()
            out.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return out
    finally:
        doc.close()


def _unreadable_glyphs(text: str) -> bool:
    codes = sum(len(m) for m in _CID.findall(text))
    return codes > 0.2 * max(1, sum(1 for ch in text if not ch.isspace()))


def pdf_to_text(data: bytes, path: str, limit: Limits | None = None, page_starts: list[int] | None = None) -> str:
    """``page_starts``, when given, receives each page's offset in the text (evidence cites pages)."""
    limit = limit or limits()
    _pdfium_text(data, path, limit, read=False)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > limit.pages:
                raise ReportError(f"PDF has {len(pdf.pages):,} pages, over the {limit.pages:,} limit "
                                  "(raise it with --limit pages=N or EXTRACTOR_LIMIT_PAGES)", path)
            pages = []
            for page in pdf.pages:
                pages.append(page.extract_text(x_tolerance=1.5, y_tolerance=3) or "")
                page.close()  # frees the page's layout objects: memory stays flat over long files
    except ReportError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise ReportError(f"unreadable PDF ({type(exc).__name__})", path) from None
    text = "\n".join(pages)
    if _unreadable_glyphs(text):
        # pdfminer found no Unicode map for the fonts (an odd encryption of font names does this
        # too); PDFium's mapping sometimes still reads them, in drawing order.
        pages = _pdfium_text(data, path, limit)
        text = "\n".join(pages)
        if _unreadable_glyphs(text) or sum(1 for ch in text if not ch.isspace()) < 20:
            raise ReportError("PDF text is glyph codes without characters ((cid:NNN)): its fonts carry no "
                              "Unicode map; export it again with embedded fonts or OCR it", path)
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
