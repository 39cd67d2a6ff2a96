"""Findings and check outcomes: what a reviewer reads, each with evidence checkable in seconds."""

from __future__ import annotations

from bisect import bisect_right
from typing import Literal

from pydantic import BaseModel, Field

from extractor.models import Cell, Number

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "fail", "not_applicable", "insufficient_data"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Evidence(BaseModel):
    kind: Literal["quote", "cell"]
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    line: int | None = None
    key: str | None = None
    label: str | None = None
    value: Number | None = None
    raw: str | None = None
    page: int | None = Field(default=None, description="1-based page of a PDF where the evidence starts")

    @classmethod
    def of_cell(cls, cell: Cell) -> Evidence:
        label = " / ".join(x for x in (cell.row_label, cell.col_label) if x)
        label += _READING_NOTE.get(cell.reading, "")
        return cls(kind="cell", key=cell.key, label=label, value=cell.value, raw=cell.raw,
                   line=cell.source.line if cell.source else None,
                   start=cell.source.start if cell.source else None, end=cell.source.end if cell.source else None)

    @classmethod
    def of_quote(cls, text: str, start: int, end: int) -> Evidence:
        return cls(kind="quote", quote=text[start:end], start=start, end=end, line=text.count("\n", 0, start) + 1)


# How a value was obtained, when it was not read from its own cell: the reviewer must see it.
_READING_NOTE = {"derived": "（空白，按该行各栏之和计算）", "inferred": "（数字连写，按勾稽关系推定）"}


class Finding(BaseModel):
    id: str = ""
    rule: str
    severity: Severity
    message: str
    expected: str | Number | None = None
    found: str | Number | None = None
    tolerance: str | None = None
    effects: list[str] = Field(default_factory=list, description="every check this one cause breaks")
    evidence: list[Evidence] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list,
                               description="messages of the findings merged into this one (same cause)")


def locate_pages(findings: list[Finding], page_starts: list[int]) -> None:
    """A reviewer holding the printed PDF finds evidence by page, not by character offset."""
    if not page_starts:
        return
    for f in findings:
        for e in f.evidence:
            if e.start is not None:
                e.page = bisect_right(page_starts, e.start)


def group_by_cause(findings: list[Finding]) -> list[Finding]:
    """Broken identities left apart by the single-cell step (e.g. a row total and a column total)
    that share a cell and miss by the same amount are one finding listing each effect: a reviewer
    corrects one figure, not two."""
    out: list[Finding] = []
    for f in findings:
        diff = _gap(f)
        keys = {e.key for e in f.evidence if e.kind == "cell"}
        host = next((g for g in out if diff is not None and _gap(g) == diff and len(g.effects) >= 1
                     and g.rule == "identity.table" and f.rule == "identity.table" and g.found != g.expected
                     and len(f.effects) == 1 and keys & {e.key for e in g.evidence if e.kind == "cell"}), None)
        if host is None:
            out.append(f)
            continue
        host.effects += f.effects
        seen = {e.key for e in host.evidence}
        host.evidence += [e for e in f.evidence if e.key not in seen]
        host.related.append(f.message)
    return out


def _gap(f: Finding) -> object:
    if f.rule != "identity.table" or len(f.effects) != 1 or isinstance(f.found, str) or isinstance(f.expected, str):
        return None
    if f.found is None or f.expected is None:
        return None
    return abs(f.found - f.expected)


class Check(BaseModel):
    rule: str
    title: str
    status: Status
    checked: int = 0
    failed: int = 0
    detail: str | None = None


class RuleInfo(BaseModel):
    id: str
    title: str = Field(description="what holds when the check passes (the memo's checklist)")
    problem: str = Field(description="what is wrong when it fails (a finding's heading)")
    severity: Severity


RULES: dict[str, RuleInfo] = {r.id: r for r in [
    RuleInfo(id="identity.table", title="表格勾稽关系成立", problem="表格勾稽关系不成立", severity="error"),
    RuleInfo(id="claim.numeric", title="正文数字与表格一致", problem="正文数字与表格不一致", severity="error"),
    RuleInfo(id="claim.qualitative", title="正文定性表述与表格一致", problem="正文表述与表格不一致", severity="error"),
    RuleInfo(id="narrative.arithmetic", title="正文总数与分项相符", problem="正文总数与分项不符", severity="error"),
    RuleInfo(id="narrative.percentage", title="正文百分比与计数相符", problem="正文百分比与计数不符", severity="error"),
    RuleInfo(id="date.year", title="标题、正文、表格所述年度一致", problem="报告年度前后不一致", severity="error"),
    RuleInfo(id="date.issued", title="成文日期不早于报告期结束", problem="成文日期早于报告期结束", severity="error"),
    RuleInfo(id="date.period", title="报告期为完整年度", problem="报告期不是完整年度", severity="warning"),
    RuleInfo(id="form.sections", title="报告六部分齐全", problem="报告缺少部分", severity="warning"),
    RuleInfo(id="form.tables", title="表格齐全、可读", problem="表格缺失或未能完整读取", severity="warning"),
    RuleInfo(id="form.problems", title="第五部分（问题及改进）有实质内容", problem="第五部分缺少实质内容", severity="warning"),
    RuleInfo(id="privacy.personal_data", title="正文未泄露申请人个人信息", problem="正文泄露个人信息", severity="error"),
]}
