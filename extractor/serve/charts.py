"""Plain horizontal bar charts as inline SVG, drawn on the server: no chart library, nothing to
fetch, and no inline style (the pages' Content-Security-Policy forbids it)."""

from __future__ import annotations

from dataclasses import dataclass

BAR_WIDTH = 260   # pixels for the longest bar
ROW = 22


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: int
    y: int


def bars(counts: list[tuple[str, int]], top: int = 12) -> list[Bar]:
    shown = counts[:top]
    peak = max((v for _, v in shown), default=0) or 1
    return [Bar(label, value, max(2, round(BAR_WIDTH * value / peak)), i * ROW) for i, (label, value) in enumerate(shown)]
