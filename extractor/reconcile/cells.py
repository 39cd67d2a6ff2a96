"""The report's cell lookups, built once per run of the rules and read by each of them: rebuilding
them in every rule cost more than several of the rules themselves."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.models import Cell, ParsedReport
from extractor.reconcile.derived import derived_cells


@dataclass(frozen=True)
class CellMaps:
    """Shared by the rules: read them, never change them (copy first, as check_claims does)."""

    every: dict[str, Cell]  # report.cell_map(): by key and by a legacy row's name
    reliable: dict[str, Cell]  # report.reliable_cell_map()
    derived: dict[str, Cell]  # derived_cells(report): blank totals computed from their filled parts

    @classmethod
    def of(cls, report: ParsedReport) -> CellMaps:
        every = report.cell_map()
        reliable = report.reliable_cell_map(every)
        return cls(every, reliable, derived_cells(report, reliable))
