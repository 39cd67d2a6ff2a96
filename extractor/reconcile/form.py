"""Completeness and form: the parts present, tables complete, part 五 with substance."""

from __future__ import annotations

import re

from extractor.metadata import parse_date
from extractor.models import Cell, ParsedReport, Problem
from extractor.reconcile.cells import CellMaps
from extractor.reconcile.findings import Check, Evidence, Finding
from extractor.templates import TableSpec, TemplateSpec, load_templates

_BARE = re.compile(r"^[\s（）()一二三四五六、.．]*(无|暂无|没有|无。|暂无。)?[。.\s]*$")


def check(report: ParsedReport, maps: CellMaps | None = None) -> tuple[list[Finding], list[Check]]:
    text = report.text
    findings: list[Finding] = []
    checks: list[Check] = []
    spec = load_templates().get(report.document.template or "")
    gov = spec is not None and bool(spec.tables)

    if not gov or spec is None:
        checks.append(Check(rule="form.sections", title="", status="not_applicable", detail="旧版报告的结构各地不一"))
    else:
        present = {s.key for s in report.sections}
        missing = [s for s in spec.sections if s.key not in present]
        checks.append(Check(rule="form.sections", title="", status="fail" if missing else "pass",
                            checked=len(spec.sections), failed=len(missing)))
        if missing:
            findings.append(Finding(
                rule="form.sections", severity="warning",
                message="报告缺少以下部分（或其标题未能识别）：" + "、".join(f"{s.number}、{s.title}" for s in missing) + "。",
                expected="六部分齐全", found=f"缺 {len(missing)} 部分",
            ))

    findings += _tables(report, spec, checks, (maps or CellMaps.of(report)).derived)

    section = report.section("problems")
    if section is None:
        checks.append(Check(rule="form.problems", title="", status="insufficient_data", detail="未找到第五部分"))
    else:
        # The signature block (agency, date) after the last part is not part 五's content.
        lines = [ln for ln in text[section.start:section.end].split("\n")
                 if ln.strip() and not (len(ln.strip()) <= 40 and (parse_date(ln) or ln.strip() == report.document.agency))]
        body = "\n".join(lines)
        bare = bool(_BARE.match(body)) or len(re.sub(r"\s", "", body)) < 6
        checks.append(Check(rule="form.problems", title="", status="fail" if bare else "pass", checked=1, failed=int(bare)))
        if bare:
            findings.append(Finding(
                rule="form.problems", severity="warning",
                message="第五部分“存在的主要问题及改进情况”为空或仅写“无”，未说明存在的问题及改进情况，请予补充。",
                expected="列明主要问题及改进措施", found=body.strip() or "（空）",
                evidence=[Evidence.of_quote(text, section.heading.start, section.heading.end)],
            ))
    return findings, checks


def _present(report: ParsedReport, table: TableSpec) -> bool:
    """Whether a table's heading or any of its row labels is in the report at all."""
    if report.section(table.section) is not None:
        return True
    compact = re.sub(r"\s+", "", report.text)
    return any(r.match and re.search(r.match, compact) for r, _ in table.rows()[:3])


def _tables(report: ParsedReport, spec: TemplateSpec | None, checks: list[Check], blanks: dict[str, Cell]) -> list[Finding]:
    """A table missing from the report is the office's to mend; a table or row the tool could not
    read is the tool's limit: said plainly (未能读取), never blamed on the office."""
    text = report.text
    out: list[Finding] = []
    tables = spec.tables if spec else []
    problems = [p for p in report.problems if p.table]
    missing: list[str] = []
    unread: list[str] = []
    read = {c.table for c in report.cells}  # one pass over the cells, not one per table
    for t in tables:
        if t.id in read:
            continue
        (unread if _present(report, t) else missing).append(t.title)
    if spec is not None and spec.legacy is not None and "legacy" not in read:
        sheet = re.search(spec.legacy.header, text) is not None
        (unread if sheet else missing).append("统计表")
    absent_rows: list[Problem] = []
    unread_rows: list[Problem] = []
    for p in problems:
        table = spec.table(p.table or "") if spec else None
        if p.code != "row_missing" or table is None or table.title in unread:
            if p.code not in ("table_missing", "ambiguous") and not (table and table.title in unread):
                unread_rows.append(p)
            continue
        row = next((r for r, cols in table.rows() if any(k.startswith(f"{table.id}.{r.key}.") or
                                                         k == f"{table.id}.{r.key}" for k in p.keys)), None)
        section = report.section(table.section)
        region = text[section.start:section.end] if section else text
        if row is not None and row.match and not re.search(row.match, re.sub(r"\s+", "", region)):
            absent_rows.append(p)
        else:
            unread_rows.append(p)
    ambiguous = [p for p in problems if p.code == "ambiguous"]
    failed = len(missing) + len(absent_rows)
    status = "fail" if failed else ("insufficient_data" if unread or unread_rows or ambiguous else "pass")
    detail = []
    if unread or unread_rows:
        detail.append(f"{len(unread) + len(unread_rows)} 处未能读取")
    if ambiguous:
        detail.append(f"{sum(len(p.keys) for p in ambiguous)} 个单元格数字连写无法确定")
    checks.append(Check(rule="form.tables", title="", status=status,  # type: ignore[arg-type]
                        checked=len(tables) or 1, failed=failed, detail="；".join(detail) or None))
    legacy_only = spec is not None and spec.legacy is not None
    for name in missing:
        out.append(Finding(
            rule="form.tables", severity="warning" if legacy_only else "error",
            message=f"报告中未见“{name}”（既未见该部分标题，也未见表内各行），请核实是否遗漏。",
            expected="表格齐全", found="缺失",
        ))
    if absent_rows:
        out.append(Finding(
            rule="form.tables", severity="warning",
            message="对照规定格式，统计表格中" + "；".join(p.message.split("：", 1)[-1] for p in absent_rows[:6]) + "。",
            expected="按模板列出各行", found=f"缺 {len(absent_rows)} 行",
        ))
    if blanks:
        rows = "、".join(f"“{c.row_label.split(' > ')[-1]}”" for c in list(blanks.values())[:6])
        out.append(Finding(
            rule="form.tables", severity="warning",
            message=(f"表格有 {len(blanks)} 处合计栏空白而各分项已填（{rows}等），合计未填不等于零；"
                     "相关核对已按各分项之和计算，请补填合计。"),
            expected="合计栏填写", found=f"{len(blanks)} 处空白",
            evidence=[Evidence.of_cell(c) for c in list(blanks.values())[:6]],
        ))
    for name in unread:
        out.append(Finding(
            rule="form.tables", severity="info",
            message=f"本次审查未能读取表格“{name}”的数据（系审查工具所限，并非报告的问题），相关核对未能进行。",
            expected="表格可读", found="未能读取",
        ))
    if unread_rows or ambiguous:
        shown = unread_rows + ambiguous
        out.append(Finding(
            rule="form.tables", severity="info",
            message=(f"表格有 {len(unread_rows)} 行未能读取、{sum(len(p.keys) for p in ambiguous)} 个单元格因数字连写"
                     "无法确定（系审查工具所限，并非报告的问题），相关单元格未参与核对：")
                    + "；".join(p.message for p in shown[:5]) + ("……" if len(shown) > 5 else ""),
            expected="每行数值可读", found=f"{sum(len(p.keys) for p in shown)} 个单元格未读",
            evidence=[Evidence.of_quote(text, p.source.start, p.source.end) for p in shown if p.source][:5],
        ))
    return out
