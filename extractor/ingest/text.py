"""Decode bytes of any Chinese encoding and normalise the text without changing its length.

Normalisation is length-preserving on purpose: every offset into the normalised text is also the
offset of the same character in the decoded original, so quotes and cells point back exactly.
"""

from __future__ import annotations

import codecs
import re

from extractor.errors import ReportError

# Full-width digits, letters and common ASCII punctuation fold to ASCII; CJK punctuation
# such as （）、，。 is kept because report labels are written with it.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FOLD.update({0xFF0E: ord("."), 0xFF05: ord("%"), 0xFF0B: ord("+"), 0xFF0D: ord("-"), 0xFF0F: ord("/")})
for _space in ("\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u200b", "\ufeff", "\u202f", "\x0b", "\x0c"):
    _FOLD[ord(_space)] = ord(" ")
_FOLD[ord("\r")] = ord("\n")


_FOLD_CHARS = {chr(k): chr(v) for k, v in _FOLD.items()}
# str.translate looks every character up in the table; most characters of a report fold to
# themselves, so only the few that do not are visited.
_FOLDABLE = re.compile("[" + "".join(map(re.escape, sorted(_FOLD_CHARS))) + "]")


def normalise(text: str) -> str:
    """Fold full-width digits and odd spaces to ASCII; CRLF becomes ' \\n' so lengths stay equal."""
    return _FOLDABLE.sub(lambda m: _FOLD_CHARS[m.group()], text.replace("\r\n", " \n"))


# Control characters other than tab, newline, CR, VT and FF, and the private-use area: what a
# binary file decoded as text is full of (one regex pass, not a Python loop over characters).
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\ue000-\uf8ff]")


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    bad = len(_BINARY.findall(sample)) + sample.count("\ufffd")
    return bad / len(sample) > 0.02


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding). Tries BOMs, strict UTF-8, UTF-16 by NUL pattern, GB18030, then detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    head = data[:4000]
    if len(head) >= 4 and head.count(0) > len(head) // 4:
        # UTF-16 without BOM: NULs sit on the odd (LE) or even (BE) bytes for ASCII-range text.
        enc = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            raise ReportError("binary content (NUL bytes), not a text report", path) from None
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text, enc
    from charset_normalizer import from_bytes  # only for other encodings: costs ~30 ms to import

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReportError("binary or undecodable content: no Chinese text encoding fits", path)
    text = str(best)
    if _looks_binary(text):
        raise ReportError("binary or undecodable content: no Chinese text encoding fits", path)
    return text, best.encoding
