"""What a batch does after the last report: checks across years, then the summary and batch memo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from extractor.store import ReviewStore


def crossyear_step(store: ReviewStore, run_id: int, totals: Any) -> None:
    from extractor.reconcile.crossyear import run_crossyear

    tally = run_crossyear(store, run_id)
    totals.notes.append(f"across years: {tally['pairs']} pair(s) of consecutive years, {tally['findings']} finding(s) "
                        f"({tally['new']} new, {tally['gone']} gone)")


def default_steps() -> list[Callable[[ReviewStore, int, Any], None]]:
    return [crossyear_step]
