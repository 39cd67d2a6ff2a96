"""What a batch does after the last report: checks across years, then the summary and batch memo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from extractor.store import ReviewStore


def crossyear_step(store: ReviewStore, run_id: int, totals: Any) -> None:
    from extractor.reconcile.crossyear import run_crossyear

    tally = run_crossyear(store, run_id)
    totals.notes.append(f"across years: {tally['pairs']} pair(s) of consecutive years, {tally['findings']} finding(s) "
                        f"({tally['new']} new, {tally['gone']} gone)")


def summary_step(out: Path) -> Callable[[ReviewStore, int, Any], None]:
    def step(store: ReviewStore, run_id: int, totals: Any) -> None:
        from extractor.summary import memo, table

        rows = table.rows(store)
        table.write_csv(rows, out / "summary.csv")
        table.write_xlsx(rows, out / "summary.xlsx")
        data = memo.build(store, rows)
        (out / "batch-memo.md").write_text(memo.render_markdown(data), encoding="utf-8")
        (out / "batch-memo.html").write_text(memo.render_html(data), encoding="utf-8")
        (out / "batch-memo.docx").write_bytes(memo.render_docx(data))

    return step


def default_steps(out: Path) -> list[Callable[[ReviewStore, int, Any], None]]:
    return [crossyear_step, summary_step(out)]
