"""The discrepancy memo: Markdown, a self-contained HTML page, DOCX, and JSON (jinja2 templates)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from extractor.reconcile.findings import RULES, SEVERITY_ORDER, Finding
from extractor.review import Review
from extractor.templates import load_templates

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"pass": "一致", "fail": "不符", "not_applicable": "不适用", "insufficient_data": "数据不足"}
STATUS_MARK = {"pass": "✓", "fail": "✗", "not_applicable": "–", "insufficient_data": "？"}

_env = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False), trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)
_env.filters["add1"] = lambda i: i + 1


@dataclass
class Segment:
    text: str
    ids: list[str] = field(default_factory=list)
    anchor: str = ""
    cls: str = ""


def shown_findings(review: Review, severity: str) -> list[Finding]:
    limit = SEVERITY_ORDER[severity]
    return [f for f in review.findings if SEVERITY_ORDER[f.severity] <= limit]


def segments(review: Review, findings: list[Finding]) -> list[Segment]:
    """The source text cut at every evidence span, so each span is a linkable highlight."""
    spans = []
    for f in findings:
        for i, e in enumerate(f.evidence):
            if e.start is not None and e.end is not None and e.end > e.start:
                spans.append((e.start, e.end, f"{f.id}-{i}", f.id, "cell" if e.kind == "cell" else ""))
    spans.sort()
    out: list[Segment] = []
    pos = 0
    text = review.text
    for start, end, anchor, fid, cls in spans:
        if start < pos:  # overlapping evidence: the earlier highlight already covers it
            if out and out[-1].ids and fid not in out[-1].ids:
                out[-1].ids.append(fid)
            continue
        out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], [fid], anchor, cls))
        pos = end
    out.append(Segment(text[pos:]))
    return out


def _context(review: Review, severity: str) -> dict[str, object]:
    template = load_templates().get(review.document.template or "")
    shown = shown_findings(review, severity)
    return {
        "d": review.document, "counts": review.counts(), "shown": shown, "severity": severity,
        "severity_zh": SEVERITY_ZH, "status_zh": STATUS_ZH, "status_mark": STATUS_MARK,
        "template_name": template.name if template else review.document.template,
        "rule_title": lambda r: RULES[r].problem if r in RULES else r,
        "checks": review.checks, "narrative": review.narrative, "unanswered": review.narrative.unanswered(),
        "x": review.extraction,
    }


def render_markdown(review: Review, severity: str = "info") -> str:
    return _env.get_template("memo.md.j2").render(**_context(review, severity))


def render_html(review: Review, severity: str = "info") -> str:
    ctx = _context(review, severity)
    ctx["segments"] = segments(review, ctx["shown"])  # type: ignore[arg-type]
    return _env.get_template("memo.html.j2").render(**ctx)


def render_json(review: Review, severity: str = "info") -> str:
    data = review.model_dump(mode="json")
    data["findings"] = [f.model_dump(mode="json") for f in shown_findings(review, severity)]
    data["summary"] = review.counts()
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_docx(review: Review, severity: str = "info") -> bytes:
    """What reviewers send back: the same content as the Markdown memo, as a Word document."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    d = review.document
    counts = review.counts()
    doc = Document()
    doc.add_heading("政府信息公开工作年度报告审查意见", level=1)
    for label, value in (("报告", d.title or "（标题未识别）"), ("机关", d.agency or "（未识别）"),
                         ("年度", str(d.year or "（未识别）")), ("成文日期", d.report_date or "（未找到）"),
                         ("结论", f"错误 {counts['error']} 项，警告 {counts['warning']} 项，提示 {counts['info']} 项")):
        p = doc.add_paragraph()
        p.add_run(f"{label}：").bold = True
        p.add_run(value)
    doc.add_heading("一、发现的问题", level=2)
    shown = shown_findings(review, severity)
    if not shown:
        doc.add_paragraph("未发现问题。")
    colors = {"error": RGBColor(0xC6, 0x28, 0x28), "warning": RGBColor(0xB2, 0x6A, 0x00), "info": RGBColor(0x15, 0x65, 0xC0)}
    for f in shown:
        h = doc.add_paragraph()
        run = h.add_run(f"{f.id}【{SEVERITY_ZH[f.severity]}】{RULES[f.rule].problem}")
        run.bold = True
        run.font.color.rgb = colors[f.severity]
        doc.add_paragraph(f.message)
        if f.found is not None or f.expected is not None:
            doc.add_paragraph(f"报告所填/所述：{f.found if f.found is not None else '—'}；应为：{f.expected if f.expected is not None else '—'}"
                              + (f"；容差：{f.tolerance}" if f.tolerance else ""), style="List Bullet")
        for effect in f.effects:
            doc.add_paragraph(f"影响：{effect}", style="List Bullet")
        for e in f.evidence:
            line = (f"原文第 {e.line} 行（字符 {e.start}–{e.end}）：“{e.quote}”" if e.kind == "quote"
                    else f"表格 {e.key}（{e.label}）= {e.value if e.value is not None else '空白'}")
            para = doc.add_paragraph(line, style="List Bullet")
            for r in para.runs:
                r.font.size = Pt(9.5)
    doc.add_heading("二、已核对的事项", level=2)
    for c in review.checks:
        doc.add_paragraph(f"{STATUS_MARK[c.status]} {c.title}：{STATUS_ZH[c.status]}"
                          + (f"（核对 {c.checked} 项）" if c.checked else "") + (f"；{c.detail}" if c.detail else ""),
                          style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


RENDERERS: dict[str, Callable[[Review, str], str | bytes]] = {"md": render_markdown, "html": render_html, "json": render_json, "docx": render_docx}
