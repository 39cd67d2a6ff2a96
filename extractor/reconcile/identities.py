"""Identities generated from the template spec, blanks handled explicitly, one finding per root cause."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from extractor.models import Cell, ParsedReport
from extractor.narrative.metrics import expand
from extractor.reconcile.findings import Evidence, Finding
from extractor.templates import TemplateSpec, load_templates


@dataclass
class Instance:
    id: str
    text: str
    left: list[str]
    right: list[str]


@dataclass
class Outcome:
    instance: Instance
    status: str  # pass | fail | insufficient_data
    left_sum: int | Decimal = 0
    right_sum: int | Decimal = 0


def instances(spec: TemplateSpec) -> list[Instance]:
    keys = [k for t in spec.tables for k in t.cell_keys()]
    out: list[Instance] = []
    for ident in spec.identities:
        lefts = [ident.left] if isinstance(ident.left, str) else list(ident.left)
        each = ident.each or {}
        bindings: list[dict[str, str]] = [{}]
        if "rows" in each:
            table = spec.table(each["rows"])
            bindings = [{"row": r.key} for r, _ in table.rows()] if table else []
        elif "cols" in each:
            table = spec.table(each["cols"])
            bindings = [{"col": c.key} for c in table.blocks[0].columns] if table else []
        elif "values" in each:
            bindings = [{each.get("as", "v"): v} for v in each["values"]]
        for b in bindings:
            left = expand([p.format(**b) for p in lefts], keys)
            right = expand([p.format(**b) for p in ident.right], keys)
            label = ",".join(b.values())
            out.append(Instance(id=f"{ident.id}[{label}]" if label else ident.id, text=ident.text, left=left, right=right))
    return out


def evaluate(report: ParsedReport) -> list[Outcome]:
    spec = load_templates().get(report.document.template or "")
    if spec is None:
        return []
    cells = report.reliable_cell_map()
    outcomes = []
    for inst in instances(spec):
        involved = [cells.get(k) for k in inst.left + inst.right]
        if any(c is None or c.value is None for c in involved):
            outcomes.append(Outcome(inst, "insufficient_data"))
            continue
        lsum = sum(cells[k].value for k in inst.left)  # type: ignore[misc]
        rsum = sum(cells[k].value for k in inst.right)  # type: ignore[misc]
        outcomes.append(Outcome(inst, "pass" if lsum == rsum else "fail", lsum, rsum))
    return outcomes


def _fmt(keys: list[str], cells: dict[str, Cell]) -> str:
    return " + ".join(f"{k}({cells[k].value})" for k in keys if cells[k].value) or "0"


def findings(report: ParsedReport, outcomes: list[Outcome]) -> list[Finding]:
    cells = report.cell_map()
    failing = [o for o in outcomes if o.status == "fail"]
    # A cell whose one corrected value would mend two or more broken identities is their single cause.
    suggestions: dict[tuple[str, object], list[Outcome]] = defaultdict(list)
    for o in failing:
        diff = o.left_sum - o.right_sum
        for k in o.instance.left:
            suggestions[(k, cells[k].value - diff)].append(o)  # type: ignore[operator]
        for k in o.instance.right:
            suggestions[(k, cells[k].value + diff)].append(o)  # type: ignore[operator]
    out: list[Finding] = []
    remaining = list(failing)
    while True:
        best = max(
            ((key, group) for key, group in suggestions.items() if len([g for g in group if g in remaining]) >= 2),
            key=lambda kv: len([g for g in kv[1] if g in remaining]), default=None,
        )
        if best is None:
            break
        (key, suggested), group = best
        group = [g for g in group if g in remaining]
        cell = cells[key]
        effects = [f"{g.instance.text}（{g.instance.id}）：{g.left_sum} ≠ {g.right_sum}" for g in group]
        out.append(Finding(
            rule="identity.table", severity="error",
            message=(f"表格单元格 {key}（{cell.row_label} / {cell.col_label}）填写为 {cell.value}，"
                     f"使 {len(group)} 处勾稽关系不成立；若为 {suggested} 则全部成立。"),
            expected=suggested, found=cell.value, tolerance="0", effects=effects,  # type: ignore[arg-type]
            evidence=[Evidence.of_cell(cell)] + [
                Evidence.of_cell(cells[k]) for g in group for k in g.instance.left if k != key
            ],
        ))
        remaining = [o for o in remaining if o not in group]
    for o in remaining:
        inst = o.instance
        involved = [cells[k] for k in inst.left + inst.right]
        shown = [c for c in involved if c.value or c.key in inst.left]
        out.append(Finding(
            rule="identity.table", severity="error",
            message=(f"{inst.text}不成立（{inst.id}）：{_fmt(inst.left, cells)} = {o.left_sum}，"
                     f"而 {_fmt(inst.right, cells)} = {o.right_sum}，相差 {o.left_sum - o.right_sum}。"),
            expected=o.right_sum, found=o.left_sum, tolerance="0",
            effects=[f"{inst.text}（{inst.id}）"],
            evidence=[Evidence.of_cell(c) for c in shown],
        ))
    return out
