"""Completeness and form: the parts present, tables complete, part 五 with substance."""

from __future__ import annotations

import re

from extractor.metadata import parse_date
from extractor.models import ParsedReport
from extractor.reconcile.findings import Check, Evidence, Finding
from extractor.templates import load_templates

_BARE = re.compile(r"^[\s（）()一二三四五六、.．]*(无|暂无|没有|无。|暂无。)?[。.\s]*$")


def check(report: ParsedReport) -> tuple[list[Finding], list[Check]]:
    text = report.text
    findings: list[Finding] = []
    checks: list[Check] = []
    spec = load_templates().get(report.document.template or "")
    gov = spec is not None and bool(spec.tables)

    if not gov or spec is None:
        checks.append(Check(rule="form.sections", title="", status="not_applicable", detail="旧版报告的部分因地而异"))
    else:
        present = {s.key for s in report.sections}
        missing = [s for s in spec.sections if s.key not in present]
        checks.append(Check(rule="form.sections", title="", status="fail" if missing else "pass",
                            checked=len(spec.sections), failed=len(missing)))
        if missing:
            findings.append(Finding(
                rule="form.sections", severity="warning",
                message="报告缺少以下部分（或标题无法识别）：" + "、".join(f"{s.number}、{s.title}" for s in missing) + "。",
                expected="六部分齐全", found=f"缺 {len(missing)} 部分",
            ))

    table_problems = [p for p in report.problems if p.table]
    tables = spec.tables if spec else []
    empty_tables = [t for t in tables if not any(c.table == t.id for c in report.cells)]
    if spec is not None and spec.legacy is not None and not any(c.table == "legacy" for c in report.cells):
        empty_tables_names = ["统计表"]
    else:
        empty_tables_names = [t.title for t in empty_tables]
    checks.append(Check(rule="form.tables", title="", status="fail" if table_problems or empty_tables_names else "pass",
                        checked=len(tables) or 1, failed=len(table_problems)))
    for name in empty_tables_names:
        findings.append(Finding(
            rule="form.tables", severity="error", message=f"未找到表格“{name}”或其中没有任何可读数据。",
            expected="表格齐全", found="缺失",
        ))
    partial = [p for p in table_problems if p.code != "table_missing" and not any(t.id == p.table for t in empty_tables)]
    if partial:
        keys = [k for p in partial for k in p.keys]
        findings.append(Finding(
            rule="form.tables", severity="warning",
            message=f"表格有 {len(partial)} 行未能读取（缺失或数值个数不符），相关单元格未参与核对：" + "；".join(p.message for p in partial[:5]) + ("……" if len(partial) > 5 else ""),
            expected="每行数值齐全", found=f"{len(keys)} 个单元格未读",
            evidence=[Evidence.of_quote(text, p.source.start, p.source.end) for p in partial if p.source][:5],
        ))

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
                message="第五部分“存在的主要问题及改进情况”为空或仅写“无”，未说明问题及改进。",
                expected="列明主要问题及改进措施", found=body.strip() or "（空）",
                evidence=[Evidence.of_quote(text, section.heading.start, section.heading.end)],
            ))
    return findings, checks
