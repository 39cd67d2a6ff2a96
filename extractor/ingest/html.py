"""HTML to text: paragraphs as lines, tables flattened one cell a line (the copied-text layout).

Every distinct cell is written once, in document order, so a cell spanning rows or columns is
neither lost nor counted twice; the table reader then reads by labels and order, not positions.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from extractor.ingest.flatten import TableWriter

_SKIP = {"script", "style", "noscript", "head", "template", "iframe", "object", "svg", "button", "select"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "form", "center", "dl", "dt", "dd",
    "caption", "figure", "figcaption", "address", "hr", "title", "body", "tr",
}
_WS = re.compile(r"[ \t\r\n\f]+")


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows (not a nested table's), through thead/tbody/tfoot."""
    rows: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child.children if isinstance(tr, Tag) and tr.name == "tr"]
    return rows


class _Walker:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is not NavigableString:  # comments, CDATA, doctype
                    continue
                text = _WS.sub(" ", str(child))
                if text.strip():
                    self.parts.append(text)
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _SKIP:
                continue
            if name == "br":
                self.parts.append("\n")
            elif name == "table":
                self.newline()
                self.table(child)
                self.newline()
            elif name in _BLOCK:
                self.newline()
                self.walk(child)
                self.newline()
            else:
                self.walk(child)

    def table(self, table: Tag) -> None:
        cells_by_row = [[c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")] for tr in _rows(table)]
        if table.find("table") is not None:
            # A layout table holding the real table in one of its cells: read its content as blocks.
            for row in cells_by_row:
                for cell in row:
                    self.newline()
                    self.walk(cell)
                    self.newline()
            return
        writer = TableWriter()
        for row in cells_by_row:
            writer.row([self.cell_text(cell) for cell in row])
        self.parts.append(writer.text())

    def cell_text(self, cell: Tag) -> str:
        inner = _Walker()
        inner.walk(cell)
        return "".join(inner.parts)


def html_to_text(markup: str) -> str:
    soup = BeautifulSoup(markup, "lxml")
    root = soup.body or soup
    walker = _Walker()
    title = soup.title.get_text(strip=True) if soup.title else ""
    walker.walk(root)
    text = "".join(walker.parts)
    body = "\n".join(line.rstrip(" ") for line in text.split("\n"))
    if title and title not in body[:500]:
        body = title + "\n" + body
    return re.sub(r"\n{3,}", "\n\n", body).strip("\n") + "\n"
