"""HTML to text: paragraphs as lines, tables flattened one cell a line (the copied-text layout).

Every distinct cell is written once, in document order, so a cell spanning rows or columns is
neither lost nor counted twice; the table reader then reads by labels and order, not positions.

The tree is lxml's own (no BeautifulSoup layer: it was about half the time) and it is walked with
an explicit stack, so no nesting depth can exhaust Python's recursion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from extractor.errors import ReportError
from extractor.ingest.flatten import TableWriter

_SKIP = {"script", "style", "noscript", "head", "template", "iframe", "object", "svg", "button", "select"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "form", "center", "dl", "dt", "dd",
    "caption", "figure", "figcaption", "address", "hr", "title", "body", "tr",
}
_WS = re.compile(r"[ \t\r\n\f]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
_NEWLINE = object()  # a stack marker: end the current line here


def _fold(text: str | None) -> str:
    """A text node as the walk writes it: whitespace runs folded, nothing if only whitespace."""
    folded = _WS.sub(" ", text) if text else ""
    return folded if folded.strip() else ""


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not a nested table's), through thead/tbody/tfoot."""
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child if tr.tag == "tr"]
    return rows


def _children(node: etree._Element) -> Iterator[object]:
    """What walking a node means, in order: its text, then each child followed by its tail."""
    if node.text:
        yield node.text
    for child in node:
        yield child
        if child.tail:
            yield child.tail


class _Walker:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def walk(self, node: etree._Element) -> None:
        stack: list[object] = list(_children(node))[::-1]
        while stack:
            item = stack.pop()
            if item is _NEWLINE:
                self.newline()
            elif isinstance(item, str):
                text = _fold(item)
                if text:
                    self.parts.append(text)
            else:
                stack += self._expand(item)

    def _expand(self, el: etree._Element) -> list[object]:
        """The stack items (reversed) an element stands for; tables are written on the spot."""
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            return []
        name = tag.lower()
        if name in _SKIP:
            return []
        if name == "br":
            self.parts.append("\n")
            return []
        if name == "table":
            self.newline()
            return [_NEWLINE, *self._table(el)[::-1]]
        inner = list(_children(el))
        if name in _BLOCK:
            return [_NEWLINE, *inner[::-1], _NEWLINE]
        return inner[::-1]

    def _table(self, table: etree._Element) -> list[object]:
        cells_by_row = [[c for c in tr if c.tag in ("td", "th")] for tr in _rows(table)]
        if next(table.iterdescendants("table"), None) is not None:
            # A layout table holding the real table in one of its cells: read its content as blocks.
            items: list[object] = []
            for row in cells_by_row:
                for cell in row:
                    items += [_NEWLINE, *_children(cell), _NEWLINE]
            return items
        writer = TableWriter()
        for row in cells_by_row:
            writer.row([self.cell_text(cell) for cell in row])
        self.parts.append(writer.text())
        return []

    def cell_text(self, cell: etree._Element) -> str:
        # Most cells are text alone, or one paragraph or span of text: written here as the walk
        # would write them, without a walker and its stack per cell.
        if not len(cell):
            return _fold(cell.text)
        if len(cell) == 1:
            child = cell[0]
            tag = child.tag
            if (isinstance(tag, str) and not len(child) and tag.lower() not in _SKIP
                    and tag.lower() not in ("br", "table") and not (cell.text or "").strip()
                    and not (child.tail or "").strip()):
                text = _fold(child.text)
                return text + "\n" if text and tag.lower() in _BLOCK else text
        inner = _Walker()
        inner.walk(cell)
        return "".join(inner.parts)


def html_to_text(markup: str) -> str:
    # lxml refuses a str that declares its own encoding; the text is already decoded.
    markup = _XML_DECL.sub("", markup, count=1)
    # huge_tree lifts libxml2's nesting limit from 256 to 2,048 levels (deeply unclosed <font> tags
    # happen in real pages); beyond that libxml2 drops the content, so the page is refused.
    # etree's own parser, not lxml.html's: that one looks up a Python element class for every
    # element the walk touches, which cost about a third of the time, for methods not used here.
    parser = etree.HTMLParser(huge_tree=True)
    try:
        doc = etree.fromstring(markup, parser)
    except (etree.ParserError, ValueError):  # nothing but whitespace or comments: no text
        return ""
    if doc is None:
        return ""
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise ReportError("HTML nested deeper than the parser's limit of 2,048 levels: what lies deeper "
                          "would be lost; save the page's text instead")
    body = doc.find("body")
    root = body if body is not None else doc
    title_el = doc.find(".//title")
    title = "".join(title_el.itertext()).strip() if title_el is not None else ""
    walker = _Walker()
    walker.walk(root)
    text = "".join(walker.parts)
    lines = "\n".join(line.rstrip(" ") for line in text.split("\n"))
    if title and title not in lines[:500]:
        lines = title + "\n" + lines
    return re.sub(r"\n{3,}", "\n\n", lines).strip("\n") + "\n"
