"""Ingest: bytes of any supported kind -> one normalised text, decided by content, not extension."""

from __future__ import annotations

import hashlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from extractor.config import Limits, limits
from extractor.errors import ReportError
from extractor.ingest.text import decode, normalise

Format = Literal["text", "html", "docx", "pdf"]

_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|body|table|div|p|meta|head)[\s>/]", re.I)


@dataclass(frozen=True)
class Ingested:
    path: str
    format: Format
    text: str
    sha256: str
    encoding: str | None = None
    raw: bytes | None = None  # kept for a PDF, whose detected tables are a second reading
    page_starts: tuple[int, ...] = ()  # a PDF's page offsets in ``text``


def sniff(data: bytes) -> Format:
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "text"  # rejected below with a specific reason
    probe = data[:8192]
    if b"\x00" in probe[:200] and (probe.startswith((b"\xff\xfe", b"\xfe\xff")) or probe.count(0) > 50):
        try:
            probe = data[:16384].decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return "text"
    return "html" if _HTML_SNIFF.search(probe) else "text"


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n:,} bytes"


def load_bytes(data: bytes, path: str, limit: Limits | None = None) -> Ingested:
    try:
        return _load_bytes(data, path, limit or limits())
    except ReportError as exc:
        if exc.path is None:  # raised by a reader that does not know the file's name
            exc.path = path
        raise


def _load_bytes(data: bytes, path: str, limit: Limits) -> Ingested:
    if len(data) > limit.bytes:
        raise ReportError(f"file is {_mb(len(data))}, over the {_mb(limit.bytes)} limit "
                          "(raise it with --limit bytes=N or EXTRACTOR_LIMIT_BYTES)", path)
    if not data.strip():
        raise ReportError("empty file", path)
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportError("legacy Word/Excel (.doc/.xls) binary is not supported; save it as .docx", path)
    kind = sniff(data)
    encoding: str | None = None
    page_starts: list[int] = []
    if kind == "pdf":
        from extractor.ingest.pdf import pdf_to_text

        text = pdf_to_text(data, path, limit, page_starts)
    elif kind == "docx":
        from extractor.ingest.docx import docx_to_text

        try:
            text = docx_to_text(data, limit)
        except ReportError:
            raise
        except Exception as exc:  # zip/xml errors of every kind: the file is not a Word document
            raise ReportError(f"not a readable .docx ({type(exc).__name__})", path) from None
    else:
        text, encoding = decode(data, path)
        # Markup is longer than its text: the real check is below, this one spares parsing 50 MB.
        if len(text) > limit.chars * (4 if kind == "html" else 1):
            raise _too_long(len(text), limit)
        if kind == "html":
            from extractor.ingest.html import html_to_text

            text = html_to_text(text)
    if len(text) > limit.chars:
        raise _too_long(len(text), limit)
    text = normalise(text)
    if not text.strip():
        raise ReportError("no text in file", path)
    return Ingested(path=path, format=kind, text=text, sha256=digest, encoding=encoding,
                    raw=data if kind == "pdf" else None, page_starts=tuple(page_starts))


def _too_long(n: int, limit: Limits) -> ReportError:
    return ReportError(f"text is {n:,} characters, over the {limit.chars:,} limit "
                       "(raise it with --limit chars=N or EXTRACTOR_LIMIT_CHARS)")


def load(path: str | Path, limit: Limits | None = None) -> Ingested:
    limit = limit or limits()
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end
            raise ReportError("not a regular file", str(path))
        if info.st_size > limit.bytes:
            raise ReportError(f"file is {_mb(info.st_size)}, over the {_mb(limit.bytes)} limit "
                              "(raise it with --limit bytes=N or EXTRACTOR_LIMIT_BYTES)", str(path))
        with p.open("rb") as f:
            data = f.read(limit.bytes + 1)  # the file may have grown since stat
    except FileNotFoundError:
        raise ReportError("no such file", str(path)) from None
    except IsADirectoryError:
        raise ReportError("is a directory, not a file", str(path)) from None
    except OSError as exc:
        raise ReportError(f"cannot read file ({exc.strerror})", str(path)) from None
    return load_bytes(data, str(path), limit)
