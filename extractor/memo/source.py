"""The report as a reader saw it, for the HTML memo: prose with the quoted spans highlighted, and each
table drawn as a table (row and column labels kept in view) in the place where it stood."""

from __future__ import annotations

from markupsafe import Markup, escape

from extractor.memo.model import Memo
from extractor.review import Review


def _table_ranges(review: Review) -> list[tuple[int, int, str]]:
    """Where each table's one-cell-a-line text runs: from its header (short lines above the first
    value) to its last value."""
    text = review.text
    spans: dict[str, list[int]] = {}
    for c in review.cells:
        if c.source is not None:
            s = spans.setdefault(c.table, [c.source.start, c.source.end])
            s[0], s[1] = min(s[0], c.source.start), max(s[1], c.source.end)
    headings = sorted(s.heading.end for s in review.sections)
    out = []
    for table, (start, end) in spans.items():
        floor = max([h for h in headings if h <= start], default=0)
        pos = text.rfind("\n", 0, start) + 1
        while pos > floor:
            prev = text.rfind("\n", 0, pos - 1) + 1
            line = text[prev:pos - 1].strip()
            if len(line) > 40 or "。" in line or prev < floor:
                break
            pos = prev
        out.append((max(pos, floor), end, table))
    out.sort()
    merged: list[tuple[int, int, str]] = []
    for r in out:
        if merged and r[0] < merged[-1][1]:
            continue  # overlapping readings (a table inside another's layout cell): keep the first
        merged.append(r)
    return merged


def source_html(review: Review, memo: Memo) -> Markup:
    from extractor.memo import table_html

    text = review.text
    marks = sorted((e_start, e_end, anchor, fid) for fid, e_start, e_end, anchor in _quote_spans(review, memo))
    tables = {t.id: t for t in memo.tables}
    events: list[tuple[int, int, str, str]] = [(s, e, "mark", f"{a}|{fid}") for s, e, a, fid in marks]
    events += [(s, e, "table", t) for s, e, t in _table_ranges(review) if t in tables]
    events.sort()
    out: list[str] = []
    pos = 0
    for start, end, kind, ref in events:
        if start < pos:
            continue  # overlaps what is already shown
        out.append(str(escape(text[pos:start])))
        if kind == "table":
            out.append(f"</pre>{table_html(tables[ref])}<pre class=\"source\">")
        else:
            anchor, fid = ref.split("|")
            out.append(f'<mark id="{anchor}" title="{fid}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(str(escape(text[pos:])))
    shown = {t for _, _, k, t in events if k == "table"}
    rest = "".join(str(table_html(t)) for t in memo.tables if t.id not in shown)
    return Markup(f'<pre class="source">{"".join(out)}</pre>{rest}')


def _quote_spans(review: Review, memo: Memo) -> list[tuple[str, int, int, str]]:
    by_id = {f.id: f for f in review.findings}
    out = []
    for mf in memo.findings:
        f = by_id[mf.id]
        for item, e in zip(mf.evidence, f.evidence, strict=True):
            if item.anchor and e.start is not None and e.end is not None:
                out.append((mf.id, e.start, e.end, item.anchor))
    return out
