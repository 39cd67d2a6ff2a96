"""Claims against cells: exact claims must equal, qualified claims must fall in their range."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from extractor.models import Cell, ParsedReport
from extractor.narrative.metrics import assertion, metric
from extractor.narrative.schema import Claim
from extractor.reconcile.cells import CellMaps
from extractor.reconcile.findings import Evidence, Finding
from extractor.templates import expand


@dataclass
class ClaimOutcome:
    claim: Claim
    status: str  # pass | fail | insufficient_data | not_applicable
    finding: Finding | None = None


def _cells_for(claim: Claim, cells: dict[str, Cell], report: ParsedReport) -> list[Cell] | None:
    """The claim's cells, or None when any is blank, ambiguous or was never read (a row the
    reader could not place): a sum over part of a group is not the group's total."""
    unread = {k for p in report.problems for k in p.keys}
    found = [cells.get(k) for k in claim.cells]
    if not claim.cells or any(c is None or c.value is None for c in found) or unread & set(claim.cells):
        return None
    return [c for c in found if c is not None]


def _total(cells: list[Cell]) -> Decimal:
    return sum((Decimal(c.value) for c in cells if c.value is not None), Decimal(0))


def _n(x: Decimal) -> int | Decimal:
    return int(x) if x == x.to_integral_value() else x


def cell_ref(c: Cell) -> str:
    label = c.row_label.split(" > ")[-1] + (f" / {c.col_label}" if c.table != "legacy" else "")
    return f"{c.name or c.key}（{label}）"


def _expr(cells: list[Cell]) -> str:
    if len(cells) == 1:
        return cell_ref(cells[0])
    nonzero = [c for c in cells if c.value]
    shown = nonzero or cells[:2]
    return " + ".join(cell_ref(c) for c in shown) + ("" if nonzero else " 等")


def check_numeric(claim: Claim, report: ParsedReport, cells: dict[str, Cell]) -> ClaimOutcome:
    if not claim.cells:
        return ClaimOutcome(claim, "not_applicable")
    if claim.qualifier == "累计":
        return ClaimOutcome(claim, "not_applicable")
    found = _cells_for(claim, cells, report)
    if found is None or claim.value is None:
        return ClaimOutcome(claim, "insufficient_data")
    computed = _total(found)
    value = Decimal(claim.value)
    low = claim.low if claim.low is not None else value
    high = claim.high
    inside = low <= computed and (high is None or computed <= high)
    if inside:
        return ClaimOutcome(claim, "pass")
    m = metric(claim.metric)
    quote = Evidence.of_quote(report.text, claim.start, claim.end)
    name = m.text if m else claim.metric
    tolerance = "0（精确数）" if claim.qualifier is None else f"区间 [{_n(low)}, {'∞' if high is None else _n(high)}]（“{claim.qualifier}”）"
    template = report.document.template or ""
    for alt in (m.alternates.get(template, []) if m else []):
        keys = expand(alt, list(cells))
        alt_cells = [cells.get(k) for k in keys]
        if all(c is not None and c.value is not None for c in alt_cells):
            alt_total = _total([c for c in alt_cells if c is not None])
            if low <= alt_total and (high is None or alt_total <= high):
                return ClaimOutcome(claim, "fail", Finding(
                    rule="claim.numeric", severity="warning",
                    message=(f"正文称{name}{claim.value}{claim.unit or ''}，表格 {_expr(found)} 为 {_n(computed)}；"
                             f"但与 {' + '.join(keys)} = {_n(alt_total)} 相符，正文可能采用了不同口径，请核实。"),
                    expected=_n(computed), found=claim.value, tolerance=tolerance,
                    effects=[f"读法一：{_expr(found)} = {_n(computed)}（不符）", f"读法二：{' + '.join(keys)} = {_n(alt_total)}（相符）"],
                    evidence=[quote] + [Evidence.of_cell(c) for c in found] + [Evidence.of_cell(c) for c in alt_cells if c is not None],
                ))
    severity = "error"
    inferred = [c for c in found if not c.certain]
    if claim.qualifier is not None:
        # A rounded claim just outside its range is worth a look; far outside is a contradiction.
        step = (high - low) if high is not None else max(value / 10, Decimal(1))
        gap = (low - computed) if computed < low else (computed - high if high is not None else Decimal(0))
        severity = "warning" if gap <= step else "error"
    note = ""
    if inferred:
        # Run-together digits read by the form's identities: likely, not certain.
        severity = "warning"
        note = "（表格数字连写，该值系按勾稽关系推定，请核对原表）"
    elif any(c.reading == "derived" for c in found):
        note = "（表格总计栏空白，按该行各栏之和计算）"
    return ClaimOutcome(claim, "fail", Finding(
        rule="claim.numeric", severity=severity,  # type: ignore[arg-type]
        message=(f"正文称{name}{'“' + claim.qualifier + '”' if claim.qualifier else ''}{claim.value}{claim.unit or ''}，"
                 f"而表格 {_expr(found)} 为 {_n(computed)}{note}。"),
        expected=_n(computed), found=claim.value, tolerance=tolerance,
        evidence=[quote] + [Evidence.of_cell(c) for c in found],
    ))


def check_qualitative(claim: Claim, report: ParsedReport, cells: dict[str, Cell]) -> ClaimOutcome:
    if not claim.cells:
        return ClaimOutcome(claim, "not_applicable")
    found = _cells_for(claim, cells, report)
    if found is None:
        return ClaimOutcome(claim, "insufficient_data")
    total = _total(found)
    if total == 0:
        return ClaimOutcome(claim, "pass")
    spec = assertion(claim.metric)
    template = report.document.template or ""
    severity = spec.severity.get(template, "error") if spec else "error"
    if any(not c.certain for c in found):
        severity = "warning"
    note = f"（{spec.note}）" if spec and spec.note and severity != "error" else ""
    nonzero = [c for c in found if c.value]
    return ClaimOutcome(claim, "fail", Finding(
        rule="claim.qualitative", severity=severity,  # type: ignore[arg-type]
        message=(f"正文称“{claim.quote}”（{spec.text if spec else claim.metric}），"
                 f"但表格 {' + '.join(cell_ref(c) for c in nonzero)} = {_n(total)}{note}。"),
        expected=0, found=_n(total), tolerance="0",
        evidence=[Evidence.of_quote(report.text, claim.start, claim.end)] + [Evidence.of_cell(c) for c in nonzero],
    ))


def check_claims(report: ParsedReport, claims: list[Claim], maps: CellMaps | None = None) -> list[ClaimOutcome]:
    maps = maps or CellMaps.of(report)
    cells = {**maps.reliable, **maps.derived}  # a new dict: the maps are shared by the other rules
    out = []
    for claim in claims:
        check = check_numeric if claim.kind == "numeric" else check_qualitative
        out.append(check(claim, report, cells))
    return out


def merge(outcomes: list[ClaimOutcome]) -> list[Finding]:
    """Several quotes saying the same wrong thing about the same cells are one finding."""
    merged: dict[tuple, Finding] = {}
    for o in outcomes:
        f = o.finding
        if f is None:
            continue
        key = (f.rule, o.claim.metric, str(o.claim.value), tuple(o.claim.cells))
        if key in merged:
            merged[key].evidence.insert(1, f.evidence[0])
        else:
            merged[key] = f
    return list(merged.values())
