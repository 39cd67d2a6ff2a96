"""Page furniture that is not the report: leaked Word styling, comment residue, PDF page numbers,
Markdown table rules. Blanked with spaces of the same length (newlines kept), so every offset into
the cleaned text is still the offset into the original and every quote still stands where it was.

Patterns are bounded (no unbounded repetition across a whole document) so blanking stays linear.
"""

from __future__ import annotations

import re

# Each pattern with a plain string that must occur for it to match: most reports have no
# furniture, and a substring test is far cheaper than a regex scan.
_PATTERNS = [
    # Word's “Normal 0 7.8 磅 0 2 false false false EN-US ZH-CN X-NONE” preamble and its style block.
    ("Normal", re.compile(r"Normal\s+0\s+[\d.]+\s*磅[^{}\n]{0,200}?(?:X-NONE|MicrosoftInternetExplorer4)")),
    ("Style", re.compile(r"/\*\s*Style Definitions\s*\*/")),
    ("mso-", re.compile(r"[\w.#:-]{0,60}\s{0,3}\{\s*mso-[^{}]{0,4000}\}")),
    # Conditional comments and comment residue of Word's HTML (<!--[if !supportLists]-->).
    ("<!", re.compile(r"<!--\[if[^\]\n]{0,60}\]-->|<!\[endif\]-->|<!--[^\n]{0,200}?-->|<!\[if[^\]\n]{0,60}\]>")),
    # A PDF's page number on its own line: “- 1 -”, “— 2 —”, “第 3 页 共 9 页”.
    ("", re.compile(r"(?m)^[ \t]*(?:[-—－–]\s*\d{1,4}\s*[-—－–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)[ \t]*$")),
    # A Markdown table's rule line (|---|:---:|).
    ("---", re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*(?::?-{3,}:?)?[ \t]*$")),
]


def blank_furniture(text: str) -> str:
    """The text with page furniture replaced by spaces (same length, newlines kept)."""
    spans: list[tuple[int, int]] = []
    for needle, pattern in _PATTERNS:
        if needle in text:
            spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
