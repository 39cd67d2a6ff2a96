"""The key cells and derived indicators of the summary table, each indicator with its formula.
Templates name the same quantity differently; the sheet of a legacy report is mapped by its
named keys (schemas/templates/legacy.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# column -> cell key per template family (first found wins)
KEY_CELLS: dict[str, tuple[str, ...]] = {
    "new": ("t3.new.total", "legacy.requests.received"),
    "carried_over": ("t3.carried_over.total",),
    "granted": ("t3.granted.total", "legacy.answers.granted"),
    "partial": ("t3.partial.total", "legacy.answers.partial"),
    "not_held": ("t3.unavailable.not_held.total", "legacy.answers.not_exist"),
    "result_total": ("t3.result_total.total", "legacy.answers.total"),
    "carried_forward": ("t3.carried_forward.total",),
    "review_total": ("t4.review.total", "legacy.review.total"),
    "review_corrected": ("t4.review.corrected", "legacy.review.corrected"),
    "suit_total": ("t4.suit_direct.total", "legacy.suit.total"),
    "suit_corrected": ("t4.suit_direct.corrected", "legacy.suit.corrected"),
    "suit_after_review_total": ("t4.suit_after_review.total",),
    "suit_after_review_corrected": ("t4.suit_after_review.corrected",),
    "normative_in_force": ("t2.normative_docs.in_force",),
}
ALL_KEYS = sorted({k for keys in KEY_CELLS.values() for k in keys})


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    formula: str


INDICATORS = [
    Indicator("disclosure_share", "予以公开及部分公开占比", "(granted + partial) / result_total"),
    Indicator("not_held_share", "本机关不掌握占比", "not_held / result_total"),
    Indicator("review_correction_rate", "行政复议纠错率", "review_corrected / review_total"),
    Indicator("litigation_correction_rate", "行政诉讼纠错率",
              "(suit_corrected + suit_after_review_corrected) / (suit_total + suit_after_review_total)"),
    Indicator("applications_vs_last_year", "新收申请较上年变化", "new / new (same office, previous year) − 1"),
]


def key_cells(cells: dict[str, Any]) -> dict[str, Any]:
    """column -> value (None when the report has no such cell or it is not a number)."""
    out = {}
    for column, keys in KEY_CELLS.items():
        out[column] = next((cells[k] for k in keys if cells.get(k) is not None), None)
    return out


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or not den:
        return None
    return round(num / den, 4)


def _add(*values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def derive(k: dict[str, Any], last_year_new: float | None) -> dict[str, float | None]:
    both = None if k["granted"] is None or k["partial"] is None else k["granted"] + k["partial"]
    return {
        "disclosure_share": _ratio(both, k["result_total"]),
        "not_held_share": _ratio(k["not_held"], k["result_total"]),
        "review_correction_rate": _ratio(k["review_corrected"], k["review_total"]),
        "litigation_correction_rate": _ratio(_add(k["suit_corrected"], k["suit_after_review_corrected"]),
                                             _add(k["suit_total"], k["suit_after_review_total"])),
        "applications_vs_last_year": None if k["new"] is None or not last_year_new
        else round(k["new"] / last_year_new - 1, 4),
    }
