"""Title, agency, year, issuing date and document number, each read from the text or left null."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from extractor.models import Section, Span

_ORG_SUFFIX = r"(?:人民政府|政府|办公室|办公厅|委员会|管理委员会|局|厅|署|院|中心|办事处|街道|镇|乡|公司|馆|所|委)"
_ORG_LINE = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}{_ORG_SUFFIX}$")
_TITLE_AGENCY = re.compile(r"^(?:关于)?(.{2,40}?)[（(]?(\d{4})\s*年度?[）)]?(?:度)?(?:政府)?信息公开")
_YEARISH = re.compile(r"\d{4}|[〇○零一二三四五六七八九]{4}")
_TITLE_END = re.compile(r"(报告|年报)[）)]?$")
_ORG_TAIL = re.compile(rf"{_ORG_SUFFIX}$")
_YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年")
_LEAD_AGENCY = re.compile(rf"^\d{{4}}年[，,、]?\s*(?:全年[，,]?)?([\u4e00-\u9fff]{{1,20}}?{_ORG_SUFFIX}(?:人民政府|政府|办事处)?)")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d+\s*号")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SHEET_YEAR = re.compile(r"[（(]\s*(\d{4})\s*年度?\s*[）)]")


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    report_date: str | None = None
    doc_number: str | None = None
    spans: dict[str, Span] = field(default_factory=dict)


def _cn_small(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGIT[s[1]]
    if s.endswith("十"):
        return _CN_DIGIT[s[0]] * 10
    if "十" in s:
        a, b = s.split("十")
        return _CN_DIGIT[a] * 10 + _CN_DIGIT[b]
    return _CN_DIGIT[s]


def parse_date(s: str) -> dt.date | None:
    """An Arabic or Chinese-numeral date (2021年12月23日, 二〇二二年一月十日), None if invalid."""
    m = _DATE.search(s)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _CN_DATE.search(s)
        if m:
            year = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
            return dt.date(year, _cn_small(m.group(2)), _cn_small(m.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def _nonempty_lines(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    out = []
    pos = start
    line_no = text.count("\n", 0, start) + 1
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append((stripped, pos + lead, line_no))
        pos += len(line) + 1
        line_no += 1
    return out


_CRAWLER_FIELD = re.compile(r"^(标题|题目|发布时间|发布日期|成文日期|文号|发文字号|发布机构|来源|信息来源|栏目|所属栏目|"
                            r"原文链接|本地目录|索引号|分类|浏览次数|页面链接)\s*[:：]\s*")
_FURNITURE = re.compile(r"^(?:=+.*=+|首页\s*[>›].*|当前位置.*|【\s*字体.*|分享到.*|打印本页.*|关闭窗口.*)$")


def _page_furniture(lines: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """A crawler's header (标题: … 发布时间: …) and a page's breadcrumbs are not the report; a
    crawled title keeps its value only (the report's own title, as the page published it)."""
    out = []
    for line, start, no in lines:
        m = _CRAWLER_FIELD.match(line)
        if m and m.group(1) in ("标题", "题目"):
            out.append((line[m.end():], start + m.end(), no))
        elif not m and not _FURNITURE.match(line):
            out.append((line, start, no))
    return out


def _span(text: str, start: int, length: int) -> Span:
    return Span(start=start, end=start + length, line=text.count("\n", 0, start) + 1)


def read_metadata(text: str, sections: list[Section]) -> Metadata:
    meta = Metadata()
    front_end = sections[0].heading.start if sections else min(len(text), 600)
    # A saved web page puts menus and breadcrumbs before the title: look far enough, and ask the
    # title to name a year (“首页 > 政府信息公开 > 年度报告” is not a title).
    front = _page_furniture(_nonempty_lines(text, 0, front_end))[:60]

    # Title: the first line that names the disclosure work; a following line may complete it.
    for i, (line, start, _) in enumerate(front):
        compact = re.sub(r"\s+", "", line)
        if len(compact) <= 60 and not compact.startswith("依据") and ("政府信息公开" in compact or "年度报告" in compact):
            title = compact
            if not _TITLE_END.search(title) and i + 1 < len(front) and len(front[i + 1][0]) <= 12:
                title += re.sub(r"\s+", "", front[i + 1][0])
            if _TITLE_END.search(title) and _YEARISH.search(title):
                meta.title = title
                meta.spans["title"] = _span(text, start, len(line))
                m = _TITLE_AGENCY.match(title)
                if m and _ORG_TAIL.search(m.group(1)) and not m.group(1).startswith("关于"):
                    meta.agency = m.group(1)
                    meta.spans["agency"] = _span(text, start + line.find(m.group(1)[:2]), len(m.group(1)))
                elif i > 0 and _ORG_LINE.match(re.sub(r"\s+", "", front[i - 1][0])):
                    meta.agency = re.sub(r"\s+", "", front[i - 1][0])
                    meta.spans["agency"] = _span(text, front[i - 1][1], len(front[i - 1][0]))
                ym = _YEAR_IN_TITLE.search(title)
                if ym and 1990 <= int(ym.group(1)) <= 2100:
                    meta.year = int(ym.group(1))
                    meta.spans["year"] = meta.spans["title"]
                break

    for line, start, _ in front:
        m = _DOC_NUMBER.search(line)
        if m:
            meta.doc_number = re.sub(r"\s+", "", m.group())
            meta.spans["doc_number"] = _span(text, start + m.start(), len(m.group()))
            break

    # Signature block: the last lines of the document, a short line with an agency or a date.
    tail = _nonempty_lines(text, max(0, len(text) - 800), len(text))[-6:]
    for line, start, _ in tail:
        if len(line) > 60:
            continue
        date = parse_date(line)
        if date and meta.report_date is None:
            m = _DATE.search(line) or _CN_DATE.search(line)
            assert m is not None
            meta.report_date = date.isoformat()
            meta.spans["report_date"] = _span(text, start + m.start(), len(m.group()))
        compact = re.sub(r"\s+", "", line)
        if meta.agency is None and _ORG_LINE.match(compact) and date is None:
            meta.agency = compact
            meta.spans["agency"] = _span(text, start, len(line))
    if meta.report_date is None and meta.title:
        # Some reports put the date right under the title.
        after = [ln for ln in front if ln[1] > meta.spans["title"].start][:3]
        for line, start, _ in after:
            date = parse_date(line)
            if date and len(line) <= 30:
                m = _DATE.search(line) or _CN_DATE.search(line)
                assert m is not None
                meta.report_date = date.isoformat()
                meta.spans["report_date"] = _span(text, start + m.start(), len(m.group()))
                break

    overview = sections[0] if sections else None
    if overview is not None:
        segment = text[overview.start:overview.end]
        body = segment.lstrip()
        offset = overview.start + len(segment) - len(body)
        m = _LEAD_AGENCY.match(body)
        if m and meta.agency is None:
            meta.agency = m.group(1)
            meta.spans["agency"] = _span(text, offset + m.start(1), len(m.group(1)))
        ym = re.match(r"(\d{4})年", body)
        if ym and meta.year is None:
            meta.year = int(ym.group(1))
            meta.spans["year"] = _span(text, offset, len(ym.group()))
    if meta.year is None:
        m = _SHEET_YEAR.search(text)
        if m:
            meta.year = int(m.group(1))
            meta.spans["year"] = _span(text, m.start(), len(m.group()))
    return meta
