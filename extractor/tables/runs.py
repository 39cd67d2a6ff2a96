"""Readings of run-together digits, and the choice among them by the form's identities.

Crawled text loses the boundaries between cells: “320000032” is a row of seven cells. A row's run
(whitespace-separated chunks of digits) is split into the row's cells in every way the digits allow
(no leading zeros; a chunk never spans two cells' boundary with a space inside a number; blank
cells only when the digits are too few). Rows with several readings are then narrowed by the
identities the form states, each identity on its own, and only when some combination satisfies it:
an identity that no reading satisfies is the report's own break and narrows nothing. What remains
ambiguous stays ambiguous: those cells are never given a value.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

Value = int | Decimal | None
Reading = tuple[Value, ...]

MAX_READINGS = 512  # per row: more than this and the row is not read at all
MAX_COMBINATIONS = 20000  # per identity: the joint search stays small and bounded
_MAX_DIGITS = 7  # no cell of these tables holds ten million
_NUMBER = re.compile(r"0|[1-9]\d*")
_DECIMAL = re.compile(r"(?:0|[1-9]\d*)\.\d{1,4}")


_ONE_CELL = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,4})?")


def needs_search(chunks: list[str], n: int) -> bool:
    """Whether the chunks are run together, not simply one cell each. Single-digit chunks too few
    for the row are cells that are missing, not digits to split: the row is not read."""
    if len(chunks) < n and all(len(c) == 1 for c in chunks):
        return False
    return len(chunks) != n or not all(map(one_cell, chunks))


def one_cell(chunk: str) -> bool:
    """A chunk that is one number as written (no leading zero, at most four decimals)."""
    return _ONE_CELL.fullmatch(chunk) is not None


@lru_cache(maxsize=4096)
def _splits(chunk: str, decimal: bool) -> dict[int, list[list[Value]]]:
    """Every reading of one chunk, by the number of cells it makes (the same runs, “0000000”,
    recur in every report: cached; callers never change what it returns)."""
    out: dict[int, list[list[Value]]] = {}

    def walk(pos: int, acc: list[Value]) -> None:
        if pos == len(chunk):
            out.setdefault(len(acc), []).append(list(acc))
            return
        for width in range(1, min(len(chunk) - pos, _MAX_DIGITS + 5) + 1):
            piece = chunk[pos:pos + width]
            if decimal and _DECIMAL.fullmatch(piece):
                acc.append(Decimal(piece))
            elif _NUMBER.fullmatch(piece) and width <= _MAX_DIGITS:
                acc.append(int(piece))
            elif piece.startswith("0") and width > 1:
                break  # a leading zero only ever stands alone
            else:
                continue
            walk(pos + width, acc)
            acc.pop()

    walk(0, [])
    return out


def readings(chunks: list[str], decimals: list[bool]) -> list[Reading]:
    """Every reading of the chunks as len(decimals) cells, with as few blank cells as possible.
    A chunk never spans two cells' boundary with a number split by its space, so the readings
    are the chunks' own readings put side by side (a small dynamic programme over the chunks)."""
    n = len(decimals)
    if not chunks or len(chunks) > n:
        return []
    per_chunk = [_splits(c, any(decimals)) for c in chunks]
    partial: dict[int, list[list[Value]]] = {0: [[]]}
    for options in per_chunk:
        nxt: dict[int, list[list[Value]]] = {}
        for have, prefixes in partial.items():
            for k, parts in options.items():
                if have + k > n:
                    continue
                bucket = nxt.setdefault(have + k, [])
                for prefix in prefixes:
                    for part in parts:
                        bucket.append(prefix + part)
                        if len(bucket) > MAX_READINGS:
                            return []
        partial = nxt
    for filled in range(n, 0, -1):
        found: list[Reading] = []
        for values in partial.get(filled, []):
            for slots in itertools.combinations(range(n), n - filled):
                cells: list[Value] = []
                it = iter(values)
                for i in range(n):
                    cells.append(None if i in slots else next(it))
                if all(decimals[i] or not isinstance(v, Decimal) for i, v in enumerate(cells)):
                    found.append(tuple(Decimal(v) if decimals[i] and isinstance(v, int) else v
                                       for i, v in enumerate(cells)))
                if len(found) > MAX_READINGS:
                    return []
        if found:
            return sorted(set(found), key=found.index)
    return []


@dataclass
class RowRun:
    """One table row: its cell keys and the readings still possible."""

    keys: list[str]
    readings: list[Reading]
    raw: str = ""
    inferred_by: list[str] = field(default_factory=list)
    initial: list[Reading] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.initial = list(self.readings)


@dataclass
class Relation:
    id: str
    left: list[str]
    right: list[str]
    op: str = "eq"  # eq: sum(left) == sum(right); ge: sum(left) >= sum(right)

    def holds(self, values: dict[str, Value]) -> bool:
        """True when it holds or cannot be decided (a blank or absent cell)."""
        try:
            left = [values[k] for k in self.left]
            right = [values[k] for k in self.right]
        except KeyError:
            return True
        if any(v is None for v in left + right):
            return True
        lsum = sum(left)  # type: ignore[arg-type]
        rsum = sum(right)  # type: ignore[arg-type]
        return lsum >= rsum if self.op == "ge" else lsum == rsum


def resolve(rows: list[RowRun], relations: list[Relation]) -> None:
    """Narrow each row's readings by the relations, in place, until nothing changes."""
    where: dict[str, RowRun] = {k: r for r in rows for k in r.keys}
    changed = True
    rounds = 0
    while changed and rounds < 6:
        changed = False
        rounds += 1
        for rel in relations:
            involved: dict[int, RowRun] = {}  # by identity: rows compare by value, slowly
            for k in rel.left + rel.right:
                row = where.get(k)
                if row is not None:
                    involved.setdefault(id(row), row)
            open_rows = [r for r in involved.values() if len(r.readings) > 1]
            if not open_rows:
                continue
            size = 1
            for r in open_rows:
                size *= len(r.readings)
            if size > MAX_COMBINATIONS:
                continue
            fixed: dict[str, Value] = {}
            for r in involved.values():
                if len(r.readings) == 1:
                    fixed.update(zip(r.keys, r.readings[0], strict=True))
            kept: list[set[Reading]] = [set() for _ in open_rows]
            for combo in itertools.product(*(r.readings for r in open_rows)):
                values = dict(fixed)
                for r, reading in zip(open_rows, combo, strict=True):
                    values.update(zip(r.keys, reading, strict=True))
                if rel.holds(values):
                    for i, reading in enumerate(combo):
                        kept[i].add(reading)
            if not kept[0]:
                continue  # no reading satisfies it: the report's own break, it narrows nothing
            for r, keep in zip(open_rows, kept, strict=True):
                if len(keep) < len(r.readings):
                    r.readings = [x for x in r.readings if x in keep]
                    if rel.id not in r.inferred_by:
                        r.inferred_by.append(rel.id)
                    changed = True


@dataclass
class Settled:
    value: Value
    kind: str  # number, zero, blank or ambiguous
    reading: str  # split: one reading from the digits alone; inferred: chosen by identities
    inferred_from: list[str]


def settle(row: RowRun) -> list[Settled]:
    """Per cell, what the readings left: a value all remaining readings agree on, or ambiguous."""
    out = []
    for i in range(len(row.keys)):
        now = {r[i] for r in row.readings}
        if len(now) > 1:
            out.append(Settled(None, "ambiguous", "split", []))
            continue
        value = next(iter(now))
        kind = "blank" if value is None else ("zero" if value == 0 else "number")
        certain = len({r[i] for r in row.initial}) == 1
        out.append(Settled(value, kind, "split" if certain else "inferred", [] if certain else list(row.inferred_by)))
    return out


def ambiguity(row: RowRun, settled: list[Settled], where: str) -> tuple[list[str], str, list[list[Value]]]:
    """The keys a row leaves open, the message saying so, and the readings still possible."""
    open_keys = [k for k, st in zip(row.keys, settled, strict=True) if st.kind == "ambiguous"]
    message = (f"{where}的数字连写为“{row.raw}”，可有 {len(row.readings)} 种读法，"
               f"{len(open_keys)} 个单元格无法确定")
    return open_keys, message, [list(r) for r in row.readings[:12]]
