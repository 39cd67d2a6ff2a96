"""Identities generated from the template spec, blanks handled explicitly, one finding per root cause."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from extractor.models import Cell, ParsedReport
from extractor.reconcile.cells import CellMaps
from extractor.reconcile.findings import Evidence, Finding
from extractor.templates import Instance, TemplateSpec, instances, load_templates


@dataclass
class Outcome:
    instance: Instance
    status: str  # pass | fail | insufficient_data
    left_sum: int | Decimal = 0
    right_sum: int | Decimal = 0


def _legacy_instances(report: ParsedReport, spec: TemplateSpec, cells: dict[str, Cell]) -> list[Instance]:
    """A sheet's identities per value column, over the indicators this sheet lists (a province that
    has no 传真 row has no 传真 term), and every cumulative figure at least its year's."""
    out: list[Instance] = []
    for inst in instances(spec):
        for suffix, note in (("", ""), (".cumulative", "（历年累计）")):
            left = [k + suffix for k in inst.left]
            right = [k + suffix for k in inst.right if k + suffix in cells]
            if right and all(k in cells for k in left):
                out.append(Instance(inst.id + suffix, inst.text + note, left, right, inst.op))
    for c in report.cells:
        if c.table == "legacy" and c.key.endswith(".cumulative"):
            year = c.key[: -len(".cumulative")]
            label = c.row_label.split(" > ")[-1]
            out.append(Instance(f"legacy.cumulative[{label}]", "历年累计不小于本年度", [c.key], [year], "ge"))
    return out


def evaluate(report: ParsedReport, maps: CellMaps | None = None) -> list[Outcome]:
    spec = load_templates().get(report.document.template or "")
    if spec is None:
        return []
    maps = maps or CellMaps.of(report)
    # The values an identity may use, looked up once per cell rather than once per identity it is
    # in: a blank is not a zero, and a value chosen among readings of run-together digits is not
    # certain enough to accuse on.
    usable = {k: c.value for k, c in maps.reliable.items() if c.value is not None and c.certain}
    outcomes = []
    for inst in _legacy_instances(report, spec, maps.every) if spec.legacy is not None else instances(spec):
        try:
            left = [usable[k] for k in inst.left]
            right = [usable[k] for k in inst.right]
        except KeyError:
            outcomes.append(Outcome(inst, "insufficient_data"))
            continue
        lsum = sum(left)
        rsum = sum(right)
        held = lsum >= rsum if inst.op == "ge" else lsum == rsum
        outcomes.append(Outcome(inst, "pass" if held else "fail", lsum, rsum))
    return outcomes


def _fmt(keys: list[str], cells: dict[str, Cell]) -> str:
    return " + ".join(f"{k}({cells[k].value})" for k in keys if cells[k].value) or "0"


def findings(report: ParsedReport, outcomes: list[Outcome], maps: CellMaps | None = None) -> list[Finding]:
    cells = (maps or CellMaps.of(report)).every
    failing = [o for o in outcomes if o.status == "fail"]
    # A cell whose one corrected value would mend two or more broken identities is their single cause.
    suggestions: dict[tuple[str, object], list[Outcome]] = defaultdict(list)
    for o in failing:
        if o.instance.op != "eq":
            continue
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
