"""One memo model, built once from a review and rendered to Markdown, HTML and DOCX in the same order:
the letter's header, the findings by importance, the narrative summary, what was checked, the closing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from extractor.memo.wording import Namer, effect_line, fmt_number, number_zh, quoted, statement, tidy
from extractor.reconcile.findings import RULES, SEVERITY_ORDER, Check, Evidence, Finding
from extractor.review import Review

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
READABLE_KINDS = {"number", "zero"}
STAFFING_ZH = {"dedicated": "专职", "part_time": "兼职", "unspecified": "未说明"}


@dataclass
class MemoOptions:
    sender: str | None = None
    addressee: str | None = None
    date: dt.date | None = None
    deadline: str | None = None
    internal: bool = False
    severity: str = "info"


@dataclass
class EvidenceItem:
    kind: str  # quote | cell
    where: str  # 第3页（全文第41行） / 原文第41行
    text: str  # the quote (inner “” already turned to ‘’), or the cell's printed name
    value: str = ""  # a cell's value as shown, or 无法识别
    anchor: str = ""  # where the HTML source highlights it
    cell_id: str = ""  # the HTML table cell it opens
    key: str = ""  # internal notes only
    before: str = ""
    after: str = ""


@dataclass
class MemoFinding:
    number: str  # 一、二 …
    id: str  # F1 (anchors, internal notes)
    rule: str
    severity: str
    severity_zh: str
    heading: str
    text: str
    effects: list[str]
    evidence: list[EvidenceItem]
    message: str  # the rule's own wording, kept for the internal notes


@dataclass
class CheckLine:
    status: str  # held | failed | partial | none
    mark: str
    title: str
    summary: str
    rule: str


@dataclass
class TableView:
    """A table as printed: row labels down, column labels across, values where the reader put them."""

    id: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[tuple[str, str, str]]]]  # row label, cells (html id, shown value, css class)


@dataclass
class Memo:
    title: str
    report_title: str
    addressee: str
    sender: str
    date: str
    deadline: str
    opening: str
    summary: str
    findings: list[MemoFinding]
    narrative: list[tuple[str, list[str]]]
    checks: list[CheckLine]
    closing: str
    internal: bool
    formula: str = "特此函告。"  # the letter's closing formula, its own paragraph before the signature
    notes: list[str] = field(default_factory=list)  # internal: file, hash, template, extraction
    tables: list[TableView] = field(default_factory=list)


def importance(f: Finding) -> tuple[int, int, int]:
    """A privacy leak must be taken down today; then errors that change a conclusion; then the rest."""
    return (0 if f.rule == "privacy.personal_data" else 1, SEVERITY_ORDER[f.severity],
            list(RULES).index(f.rule) if f.rule in RULES else len(RULES))


def cell_dom_id(key: str) -> str:
    return "c-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in key)


def _where(e: Evidence, review: Review) -> str:
    page = f"第{e.page}页" if e.page else ""
    line = f"第{e.line}行" if e.line else ""
    if review.document.format == "pdf" and page:
        return f"{page}（全文{line}）" if line else page
    return f"原文{line}" if line else "原文"


def _evidence(review: Review, namer: Namer, f: Finding) -> list[EvidenceItem]:
    out = []
    cells = namer.cells
    for i, e in enumerate(f.evidence):
        anchor = f"{f.id}-{i}" if e.start is not None and e.end is not None and e.end > e.start else ""
        if e.kind == "quote":
            start, end = e.start or 0, e.end or 0
            before = review.text[max(0, start - 24):start].split("\n")[-1]
            after = review.text[end:end + 24].split("\n")[0]
            out.append(EvidenceItem("quote", _where(e, review), quoted(e.quote or "")[1:-1], anchor=anchor, before=before,
                                    after=after))
            continue
        cell = cells.get(e.key or "")
        readable = cell is not None and cell.kind in READABLE_KINDS and e.value is not None
        value = fmt_number(e.value) if readable else ("空白" if cell is not None and cell.kind == "blank" else "无法识别")
        out.append(EvidenceItem("cell", _where(e, review), namer.evidence_cell(e), value, anchor=anchor,
                                cell_id=cell_dom_id(cell.key) if cell else "", key=e.key or ""))
    return out


def _check_line(c: Check) -> CheckLine:
    title = RULES[c.rule].title if c.rule in RULES else c.title
    unchecked = (f"；另有{c.detail}" if c.detail[:1].isdigit() else f"；{c.detail}") if c.detail else ""
    held = c.checked - c.failed
    if c.status == "pass" and not c.detail:
        return CheckLine("held", "✓", title, f"已核对 {c.checked} 项，均相符" if c.checked > 1 else "已核对，相符", c.rule)
    if c.status == "pass":
        return CheckLine("partial", "△", title, f"已核对 {c.checked} 项，均相符{unchecked}", c.rule)
    if c.status == "fail" and c.checked <= 1:
        return CheckLine("failed", "✗", title, f"已核对{c.checked}项，不符{unchecked}", c.rule)
    if c.status == "fail":
        tally = f"已核对 {c.checked} 项，相符 {held} 项，不符 {c.failed} 项" if held >= 0 else f"不符 {c.failed} 项"
        return CheckLine("failed", "✗", title, tally + unchecked, c.rule)
    if c.status == "insufficient_data":
        return CheckLine("none", "？", title, f"未能核对（{c.detail or '所需数据空白或未读出'}）", c.rule)
    return CheckLine("none", "–", title, f"不适用（{c.detail}）" if c.detail else "不适用", c.rule)


def _tidy_check(c: CheckLine) -> CheckLine:
    c.summary = tidy(c.summary)
    return c


def _narrative(review: Review) -> list[tuple[str, list[str]]]:
    n = review.narrative
    org = n.organization
    parts = ["设有领导小组" + (f"，{org.head_title}任组长" if org.head_title else "") if org.leading_group else "未提及领导小组"]
    if org.office:
        parts.append(f"日常工作由{org.office}负责")
    if org.staffing:
        parts.append(f"工作人员：{STAFFING_ZH.get(org.staffing, org.staffing)}")
    channels = "、".join(c.name + (f"（{c.count}）" if c.count is not None else "") for c in n.channels) or "未识别"
    improvements = [i.summary + (f"（对应问题{'、'.join(str(a + 1) for a in i.answers)}）" if i.answers else "")
                    for i in n.improvements]
    out = [("组织机构", ["；".join(parts)]), ("公开渠道", [channels]),
           ("存在的问题", [p.summary for p in n.problems] or ["未识别"]),
           ("改进措施", improvements or ["未识别"])]
    unanswered = n.unanswered()
    if n.problems and unanswered:
        out.append(("未见对应改进措施的问题", ["问题" + "、".join(str(i + 1) for i in unanswered)]))
    return out


def _tables(review: Review, namer: Namer, involved: dict[str, list[str]]) -> list[TableView]:
    by_table: dict[str, list] = {}
    for c in review.cells:
        by_table.setdefault(c.table, []).append(c)
    out = []
    for table, cells in by_table.items():
        title = namer.table_name(table)
        spec_table = namer.spec.table(table) if namer.spec else None
        if spec_table is not None:
            title += f"　{spec_table.title}"
        legacy = table == "legacy"
        columns: list[str] = ["统计数"] if legacy else []
        rows: dict[str, list[tuple[str, str, str]]] = {}
        col_index: dict[str, int] = {}
        grid: dict[str, dict[int, tuple[str, str, str]]] = {}
        for c in cells:
            row = Namer.row_name(c) if not legacy else c.row_label.replace(" > ", "—")
            col = "统计数" if legacy else c.col_label
            if col not in col_index:
                col_index[col] = len(col_index)
                if not legacy:
                    columns.append(col)
            shown = (fmt_number(c.value) if c.kind in READABLE_KINDS and c.value is not None
                     else "" if c.kind == "blank" else "/" if c.kind == "not_applicable" else "？")
            cls = "hl" if c.key in involved else ("unread" if shown == "？" else "")
            grid.setdefault(row, {})[0 if legacy else col_index[col]] = (cell_dom_id(c.key), shown, cls)
        for row, by_col in grid.items():
            rows[row] = [by_col.get(i, ("", "", "")) for i in range(len(columns))]
        out.append(TableView(table, title, columns, list(rows.items())))
    return out


def build_memo(review: Review, options: MemoOptions | None = None) -> Memo:
    o = options or MemoOptions()
    d = review.document
    namer = Namer(review)
    limit = SEVERITY_ORDER[o.severity]
    shown = sorted((f for f in review.findings if SEVERITY_ORDER[f.severity] <= limit), key=importance)
    findings = []
    involved: dict[str, list[str]] = {}
    for i, f in enumerate(shown, start=1):
        evidence = _evidence(review, namer, f)
        for e in evidence:
            if e.key:
                involved.setdefault(namer.cells[e.key].key if e.key in namer.cells else e.key, []).append(f.id)
        findings.append(MemoFinding(
            number=number_zh(i), id=f.id, rule=f.rule, severity=f.severity, severity_zh=SEVERITY_ZH[f.severity],
            heading=RULES[f.rule].problem if f.rule in RULES else f.rule, text=statement(namer, f),
            effects=[effect_line(namer, x) for x in f.effects] if f.rule == "identity.table" and len(f.effects) > 1 else [],
            evidence=evidence, message=f.message,
        ))
    report_title = d.title or "政府信息公开工作年度报告"
    addressee = o.addressee or d.agency or "报告单位"
    sender = o.sender or "政府信息公开工作主管部门"
    date = o.date or dt.date.today()
    date_zh = f"{date.year}年{date.month}月{date.day}日"
    deadline = namer.humanize(o.deadline or "")  # 2026-12-10 is written 2026年12月10日
    counts = review.counts()
    n_errors = sum(1 for f in shown if f.severity == "error")
    hidden = counts["error"] + counts["warning"] + counts["info"] - len(findings)
    also = f"（另有{hidden}项较次要的问题，本函未列出）" if hidden > 0 else ""
    if findings and all(f.severity == "info" for f in shown):
        # only notes (e.g. cells this review could not read): nothing for the office to correct
        summary = f"未发现需要更正的问题，另有{len(findings)}项情况提请注意{also}。现将审查意见函告如下。"
        closing = "上述情况供你单位参考。请继续做好政府信息公开工作年度报告的编制和公开工作。"
    elif findings:
        kinds = ("" if not n_errors or len(findings) == 1 else "，均为错误" if n_errors == len(findings)
                 else f"，其中错误{n_errors}项")
        summary = f"共发现需要更正或说明的问题{len(findings)}项{kinds}{also}。现将审查意见函告如下。"
        closing = ("请对上述问题逐项核实，" + (f"于{deadline}前" if deadline else "尽快") +
                   "更正报告（报告已公开的，请同步更新公开版本），或书面说明理由，并将处理情况函复我单位。")
    else:
        summary = f"未发现需要更正的问题{also}。"
        closing = "请继续做好政府信息公开工作年度报告的编制和公开工作。"
    opening = f"我单位对你单位发布的《{report_title}》进行了审查，将报告正文与所附统计表格逐项作了核对，"
    notes = []
    if o.internal:
        x = review.extraction
        notes = [f"文件：{d.path}（{d.format}，sha256 {d.sha256[:12]}）",
                 f"模板：{d.template or '未识别'}；年度：{d.year or '未识别'}；成文日期：{d.report_date or '未找到'}"
                 + (f"；文号：{d.doc_number}" if d.doc_number else ""),
                 f"抽取方式：{x.backend}" + (f"（模型 {x.model}，提示词 {x.prompt_version}）" if x.model else "")
                 + (f"；模型不可用，已改用规则：{x.fallback}" if x.fallback else "")
                 + (f"；未经原文证实而舍弃的模型输出 {len(x.dropped)} 项" if x.dropped else "")]
        notes += [f"{p.code}: {p.message}" for p in review.problems]
    return Memo(
        title=f"关于《{report_title}》的审查意见", report_title=report_title, addressee=addressee, sender=sender,
        date=date_zh, deadline=deadline, opening=opening, summary=summary, findings=findings,
        narrative=_narrative(review), checks=[_tidy_check(_check_line(c)) for c in review.checks], closing=closing,
        internal=o.internal, notes=notes, tables=_tables(review, namer, involved),
    )
