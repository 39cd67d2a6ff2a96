"""The memo as a Word letter: 仿宋 body and 黑体 headings set for East Asian text (Word otherwise falls
back to its own), page numbers, and document properties that name the sender, not python-docx."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from extractor.memo.model import Memo

# XML 1.0 forbids these; python-docx raises on them, and a crawled report may carry any of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
BODY_FONT, HEADING_FONT = "仿宋", "黑体"
COLORS = {"error": RGBColor(0xC6, 0x28, 0x28), "warning": RGBColor(0xB2, 0x6A, 0x00), "info": RGBColor(0x15, 0x65, 0xC0)}


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _fonts(style: Any, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = east_asian
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)  # a theme font would override the one named here
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), east_asian)


def _page_number(doc: Any) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()
    for tag, attrs in (("w:fldChar", {"w:fldCharType": "begin"}), ("w:instrText", {}),
                       ("w:fldChar", {"w:fldCharType": "end"})):
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        if tag == "w:instrText":
            el.set(qn("xml:space"), "preserve")
            el.text = "PAGE"
        run._r.append(el)
    p.add_run(" —")


def memo_docx(memo: Memo, author: str | None = None) -> bytes:
    doc: Any = Document()
    _fonts(doc.styles["Normal"], BODY_FONT, 14)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, the paper of official letters
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    for name, size in (("Heading 1", 16), ("Heading 2", 14)):
        _fonts(doc.styles[name], HEADING_FONT, size, bold=False)
    _fonts(doc.styles["List Bullet"], BODY_FONT, 12)
    _page_number(doc)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props = doc.core_properties
    props.title = clean(memo.title)
    props.subject = clean(memo.report_title)
    props.author = props.last_modified_by = clean(author or memo.sender)
    props.created = props.modified = now
    props.revision = 1
    props.comments = ""
    props.keywords = "政府信息公开;年度报告;审查意见"

    def para(text: str, style: str | None = None, align: Any = None) -> Any:
        p = doc.add_paragraph(clean(text), style=style)
        if align is not None:
            p.alignment = align
        return p

    title = para("", align=WD_ALIGN_PARAGRAPH.CENTER)
    run = title.add_run(clean(memo.title))
    run.font.size = Pt(20)
    run.font.name = HEADING_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
    para(f"{memo.addressee}：")
    para(memo.opening + memo.summary).paragraph_format.first_line_indent = Pt(28)
    doc.add_heading("发现的问题", level=1)
    if not memo.findings:
        para("无。")
    for f in memo.findings:
        h = doc.add_heading(level=2)
        sev = h.add_run(clean(f"{f.number}、【{f.severity_zh}】"))
        sev.font.color.rgb = COLORS[f.severity]
        h.add_run(clean(f.heading))
        para(f.text).paragraph_format.first_line_indent = Pt(28)
        for effect in f.effects:
            para(effect, style="List Bullet")
        para("依据：")
        for e in f.evidence:
            if e.kind == "quote":
                p = para(f"{e.where}：“", style="List Bullet")
                p.add_run(clean(e.text)).font.highlight_color = WD_COLOR_INDEX.YELLOW
                p.add_run("”")
            else:
                p = para(f"{e.where}，{e.text}：", style="List Bullet")
                p.add_run(clean(e.value)).bold = True
        if memo.internal:
            keys = " · ".join(e.key for e in f.evidence if e.key)
            note = para(f"〔内部〕{f.id} · {f.rule} · {f.message}" + (f" · {keys}" if keys else ""))
            for r in note.runs:
                r.font.size = Pt(9)
    para(memo.closing).paragraph_format.first_line_indent = Pt(28)
    para(memo.formula).paragraph_format.first_line_indent = Pt(28)
    para(memo.sender, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.space_before = Pt(24)
    para(memo.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.add_heading("附一：正文要点", level=1)
    for label, items in memo.narrative:
        if len(items) == 1:
            para(f"{label}：{items[0]}", style="List Bullet")
        else:
            para(f"{label}：", style="List Bullet")
            for i, item in enumerate(items, start=1):
                p = para(f"{i}. {item}")
                p.paragraph_format.left_indent = Pt(36)
                for r in p.runs:
                    r.font.size = Pt(12)
    doc.add_heading("附二：核对情况", level=1)
    for c in memo.checks:
        p = para("", style="List Bullet")
        mark = p.add_run(c.mark + " ")
        mark.bold = True
        if c.status == "held":
            mark.font.color.rgb = RGBColor(0x2E, 0x7D, 0x32)
        elif c.status == "failed":
            mark.font.color.rgb = COLORS["error"]
        p.add_run(clean(f"{c.title}：{c.summary}" + (f"（{c.rule}）" if memo.internal else "")))
    if memo.internal:
        doc.add_heading("附三：工作记录（内部）", level=1)
        for n in memo.notes:
            para(n, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
