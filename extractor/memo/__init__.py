"""The discrepancy memo: one model (``model.py``) rendered as Markdown, a self-contained HTML page and
DOCX in the same order; JSON is the review itself, keys included."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from extractor.memo.model import Memo, MemoOptions, TableView, build_memo
from extractor.reconcile.findings import SEVERITY_ORDER, Finding
from extractor.review import Review

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["RENDERERS", "MemoOptions", "build_memo", "render_docx", "render_html", "render_json",
           "render_markdown", "format_for", "parse_date"]

_TEMPLATES = str(Path(__file__).parent / "templates")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_escape(value: object) -> str:
    """Report text is data, not markup: no raw HTML, no Markdown syntax survives from a report."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


@cache
def _html_env() -> Environment:
    """Jinja is imported for the HTML memo only: the Markdown memo, the default of `review`, is
    written below without it (importing Jinja and compiling a template cost ~40 ms of start-up)."""
    from jinja2 import Environment, FileSystemLoader

    return Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def shown_findings(review: Review, severity: str) -> list[Finding]:
    limit = SEVERITY_ORDER[severity]
    return [f for f in review.findings if SEVERITY_ORDER[f.severity] <= limit]


def _options(severity: str, options: MemoOptions | None) -> MemoOptions:
    return replace(options or MemoOptions(), severity=severity)


def render_markdown(review: Review, severity: str = "info", options: MemoOptions | None = None) -> str:
    return markdown(build_memo(review, _options(severity, options)))


def markdown(m: Memo) -> str:
    """The letter in Markdown, every value from the report passed through md_escape."""
    e = md_escape
    out = [f"# {e(m.title)}", "", f"{e(m.addressee)}：", "", f"{e(m.opening)}{e(m.summary)}", "", "## 发现的问题"]
    if not m.findings:
        out += ["", "无。"]
    for f in m.findings:
        out += ["", f"### {e(f.number)}、【{e(f.severity_zh)}】{e(f.heading)}", "", e(f.text)]
        if f.effects:
            out += ["", *(f"- {e(effect)}" for effect in f.effects)]
        out += ["", "依据："]
        for ev in f.evidence:
            if ev.kind == "quote":
                out.append(f"- {e(ev.where)}：“{e(ev.text)}”")
            else:
                out.append(f"- {e(ev.where)}，{e(ev.text)}：{e(ev.value)}")
        if m.internal:
            keys = "".join(f" · {e(ev.key)}" for ev in f.evidence if ev.key)
            out.append(f"- 〔内部〕{e(f.id)} · {e(f.rule)} · {e(f.message)}{keys}")
    out += ["", e(m.closing), "", e(m.formula), "", e(m.sender), e(m.date), "", "## 附一：正文要点"]
    for label, items in m.narrative:
        if len(items) == 1:
            out.append(f"- {e(label)}：{e(items[0])}")
        else:
            out.append(f"- {e(label)}：")
            out += [f"  {i}. {e(item)}" for i, item in enumerate(items, start=1)]
    out += ["", "## 附二：核对情况"]
    for c in m.checks:
        out.append(f"- {e(c.mark)} {e(c.title)}：{e(c.summary)}" + (f"（{e(c.rule)}）" if m.internal else ""))
    if m.internal:
        out += ["", "## 附三：工作记录（内部）", *(f"- {e(note)}" for note in m.notes)]
    return "\n".join(out) + "\n"


def render_html(review: Review, severity: str = "info", options: MemoOptions | None = None) -> str:
    from extractor.memo.source import source_html

    memo = build_memo(review, _options(severity, options))
    source = source_html(review, memo)
    return _html_env().get_template("memo.html.j2").render(m=memo, source=source, table_html=table_html)


def table_html(t: TableView) -> Markup:
    """Column groups (法人或其他组织, 行政复议 …) as a header row over their columns, as on the form."""
    split = [c.rsplit(" ", 1) if " " in c else ["", c] for c in t.columns]
    grouped = any(g for g, _ in split)
    top, bottom = [], []
    i = 0
    while i < len(split):
        group = split[i][0]
        j = i
        while j < len(split) and split[j][0] == group:
            j += 1
        if not group:
            top += [f'<th rowspan="2">{escape(label)}</th>' if grouped else f"<th>{escape(label)}</th>"
                    for _, label in split[i:j]]
        else:
            top.append(f'<th colspan="{j - i}">{escape(group.replace("/", "—"))}</th>')
            bottom += [f"<th>{escape(label)}</th>" for _, label in split[i:j]]
        i = j
    corner = '<th class="rl" rowspan="2"></th>' if grouped else '<th class="rl"></th>'
    head = f"<tr>{corner}{''.join(top)}</tr>" + (f'<tr class="sub">{"".join(bottom)}</tr>' if grouped else "")
    body = []
    for label, cells in t.rows:
        tds = "".join(f'<td id="{cid}" class="{cls}">{escape(v)}</td>' if cid else "<td></td>" for cid, v, cls in cells)
        body.append(f'<tr><th class="rl">{escape(label)}</th>{tds}</tr>')
    return Markup(f'<div class="tbl"><div class="cap">{escape(t.title)}</div><table><thead>{head}</thead>'
                  f'<tbody>{"".join(body)}</tbody></table></div>')


def render_json(review: Review, severity: str = "info", options: MemoOptions | None = None) -> str:
    data = review.model_dump(mode="json")
    data["findings"] = [f.model_dump(mode="json") for f in shown_findings(review, severity)]
    data["summary"] = review.counts()
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_docx(review: Review, severity: str = "info", options: MemoOptions | None = None) -> bytes:
    from extractor.memo.docx import memo_docx

    memo: Memo = build_memo(review, _options(severity, options))
    return memo_docx(memo, author=(options.sender if options else None))


RENDERERS: dict[str, Callable[..., str | bytes]] = {
    "md": render_markdown, "html": render_html, "json": render_json, "docx": render_docx}
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".json": "json"}


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--date {text!r}: expected YYYY-MM-DD") from None


def format_for(path: Path | None, explicit: str | None) -> str:
    """`-f` when given, else the `-o` file's extension, else Markdown."""
    if explicit:
        return explicit
    if path is not None:
        return SUFFIXES.get(path.suffix.lower(), "md")
    return "md"
