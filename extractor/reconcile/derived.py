"""Totals a report left blank while filling their parts: computed, and marked as computed.

A blank 总计 beside filled applicant columns is the form left incomplete, not a zero: claims about
the total are still checked against the sum of the row (the evidence says it was derived), the
identity itself stays insufficient_data, and the blanks are one form finding, not a cascade.
"""

from __future__ import annotations

from functools import cache

from extractor.models import Cell, ParsedReport
from extractor.templates import instances, load_templates


@cache
def _cached_spec_instances(template: str) -> list[tuple[str, list[str]]]:
    spec = load_templates().get(template)
    if spec is None or spec.legacy is not None:
        return []
    return [(i.left[0], i.right) for i in instances(spec) if i.op == "eq" and len(i.left) == 1]


def derived_cells(report: ParsedReport, reliable: dict[str, Cell] | None = None) -> dict[str, Cell]:
    """`reliable` is the report's reliable_cell_map() when the caller has it already."""
    cells = report.reliable_cell_map() if reliable is None else reliable
    out: dict[str, Cell] = {}
    for left, right in _cached_spec_instances(report.document.template or ""):
        total = cells.get(left)
        if total is None or total.kind != "blank" or left in out:
            continue
        parts = [cells.get(k) for k in right]
        if not parts or any(p is None or p.value is None or not p.certain for p in parts):
            continue
        value = sum(p.value for p in parts if p is not None and p.value is not None)
        out[left] = total.model_copy(update={"value": value, "kind": "zero" if value == 0 else "number",
                                             "reading": "derived"})
    return out
