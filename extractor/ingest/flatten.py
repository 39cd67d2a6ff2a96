"""The one-cell-a-line layout shared by every table source (HTML, DOCX, PDF tables).

A row is its cells, each on a line starting with a tab (an empty cell is a lone tab); rows are
separated by a blank line. This is the layout of text copied out of a browser or Word, so
the table reader has a single input form whatever the file type.
"""

from __future__ import annotations


class TableWriter:
    def __init__(self) -> None:
        self.rows: list[str] = []

    def row(self, cells: list[str]) -> None:
        cleaned = ["\n".join(ln.strip() for ln in c.split("\n") if ln.strip()) for c in cells]
        if not any(cleaned):
            return  # stray all-blank rows carry nothing and would only shift the reading
        self.rows.append("\n".join("\t" + c for c in cleaned))

    def text(self) -> str:
        return "\n" + "\n\n".join(self.rows) + "\n\n" if self.rows else ""
