"""Years and dates, read from the document (never from the file name)."""

from __future__ import annotations

import datetime as dt
import re

from extractor.metadata import parse_date
from extractor.models import ParsedReport
from extractor.reconcile.findings import Check, Evidence, Finding
from extractor.reconcile.scan import finditer_at

_PERIOD = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:至|到|—|-|－|~)\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
# A period's first date ends with this 日, 8 to 10 characters from the period's start: found in
# one fast scan, it is where _PERIOD is tried (the engine would try it at every position).
_PERIOD_DAY = re.compile(r"日\s*(?:至|到|—|-|－|~)")
_CUTOFF = re.compile(r"截[止至]到?\s*(\d{4})年12月31日")
_SHEET = re.compile(r"[（(]\s*(\d{4})\s*年度?\s*[）)]")


def _periods(text: str) -> list[re.Match[str]]:
    """_PERIOD.finditer(text), tried only where a first date can start."""
    starts = (p for d in _PERIOD_DAY.finditer(text) for p in range(d.start() - 10, d.start() - 7))
    return list(finditer_at(_PERIOD, text, starts))


def _year_mentions(report: ParsedReport, periods: list[re.Match[str]]) -> list[tuple[str, int, int, int]]:
    """(what, year, start, end) for each place that states the year reported on."""
    text = report.text
    out = []
    d = report.document
    if d.year is not None and "title" in d.spans and d.title and re.search(r"\d{4}", d.title):
        s = d.spans["title"]
        out.append(("标题", int(re.search(r"(\d{4})", d.title).group(1)), s.start, s.end))  # type: ignore[union-attr]
    overview = report.section("overview")
    if overview is not None:
        body = text[overview.start:overview.end]
        lead = len(body) - len(body.lstrip())
        m = re.match(r"(\d{4})年[，,]", body[lead:])
        if m:
            out.append(("正文首句", int(m.group(1)), overview.start + lead, overview.start + lead + len(m.group()) - 1))
    for m in _SHEET.finditer(text):
        out.append(("统计表", int(m.group(1)), m.start(), m.end()))
    for m in _CUTOFF.finditer(text):
        out.append(("截止日期", int(m.group(1)), m.start(), m.end()))
    for m in periods:
        out.append(("报告期", int(m.group(1)), m.start(), m.end()))
    return out


def check(report: ParsedReport) -> tuple[list[Finding], list[Check]]:
    text = report.text
    d = report.document
    findings: list[Finding] = []
    checks: list[Check] = []

    periods = _periods(text)
    mentions = _year_mentions(report, periods)
    if d.year is None or not mentions:
        checks.append(Check(rule="date.year", title="", status="insufficient_data", detail="报告年度无法从文中确定"))
    else:
        wrong = [m for m in mentions if m[1] != d.year]
        checks.append(Check(rule="date.year", title="", status="fail" if wrong else "pass",
                            checked=len(mentions), failed=len(wrong)))
        if wrong:
            base = next((m for m in mentions if m[1] == d.year), mentions[0])
            findings.append(Finding(
                rule="date.year", severity="error",
                message=(f"报告年度不一致：{base[0]}为 {base[1]} 年，而"
                         + "，".join(f"{w[0]}为 {w[1]} 年" for w in wrong) + "，请核实。"),
                expected=d.year, found=wrong[0][1],
                evidence=[Evidence.of_quote(text, base[2], base[3])] + [Evidence.of_quote(text, w[2], w[3]) for w in wrong],
            ))

    if d.year is None or d.report_date is None:
        checks.append(Check(rule="date.issued", title="", status="insufficient_data",
                            detail="未找到成文日期" if d.report_date is None else "报告年度未知"))
    else:
        issued = dt.date.fromisoformat(d.report_date)
        end = dt.date(d.year, 12, 31)
        early = issued <= end
        checks.append(Check(rule="date.issued", title="", status="fail" if early else "pass", checked=1, failed=int(early)))
        if early:
            span = d.spans.get("report_date")
            findings.append(Finding(
                rule="date.issued", severity="error",
                message=f"成文日期 {d.report_date} 不晚于所报告年度（{d.year} 年）的结束日 {end.isoformat()}，报告期尚未结束即已成文。",
                expected=f"晚于 {end.isoformat()}", found=d.report_date,
                evidence=[Evidence.of_quote(text, span.start, span.end)] if span else [],
            ))

    if not periods or d.year is None:
        checks.append(Check(rule="date.period", title="", status="not_applicable", detail="正文未写明报告期"))
    else:
        bad = []
        for m in periods:
            a, b = parse_date(m.group()[: m.group().find("日") + 1]), parse_date(m.group()[m.group().find("日") + 1:])
            if a is None or b is None:
                continue
            if (a, b) != (dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)):
                bad.append((m, a, b))
        checks.append(Check(rule="date.period", title="", status="fail" if bad else "pass",
                            checked=len(periods), failed=len(bad)))
        for m, a, b in bad:
            findings.append(Finding(
                rule="date.period", severity="warning",
                message=f"正文所述报告期为 {a.isoformat()} 至 {b.isoformat()}，并非 {d.year} 年完整年度，请核实。",
                expected=f"{d.year}-01-01 至 {d.year}-12-31", found=f"{a.isoformat()} 至 {b.isoformat()}",
                evidence=[Evidence.of_quote(text, m.start(), m.end())],
            ))
    return findings, checks
