"""What the pages show, read through the store's public interface: the store has no per-report
decision counts or series view, so they are put together here from ``documents()`` and
``findings()`` (one pass over each, fine for a district's few hundred reports)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from extractor.store import FindingFilter, ReviewStore

SORTS = {
    "input": lambda r: (r["input"],),
    "office": lambda r: (r["agency"] or "\uffff", r["year"] or 0),
    "year": lambda r: (r["year"] or 0, r["agency"] or ""),
    "errors": lambda r: (-(r["errors"] or 0), -(r["warnings"] or 0), r["input"]),
    "undecided": lambda r: (-r["undecided"], r["input"]),
}


@dataclass(frozen=True)
class BatchQuery:
    office: str = ""
    year: int | None = None
    rule: str = ""
    severity: str = ""
    undecided: bool = False
    sort: str = "input"

    @classmethod
    def of(cls, params: Any) -> BatchQuery:
        year = (params.get("year") or "").strip()
        sort = params.get("sort") or "input"
        return cls(office=(params.get("office") or "").strip(), year=int(year) if year.isdigit() else None,
                   rule=params.get("rule") or "", severity=params.get("severity") or "",
                   undecided=params.get("undecided") in ("1", "on", "true"), sort=sort if sort in SORTS else "input")


def standing(store: ReviewStore) -> list[dict[str, Any]]:
    return store.findings(FindingFilter(status="standing"))


def batch_rows(store: ReviewStore, q: BatchQuery, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per report with its decision counts; a rule, severity or undecided filter keeps the
    reports with a standing finding that meets all three."""
    per_doc: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in found:
        per_doc[f["document_id"]].append(f)
    rows = []
    for d in store.documents():
        mine = per_doc.get(d["id"], [])
        decided = Counter(f["decision"] for f in mine if f["decision"])
        row = {**d, "findings": len(mine), "accepted": decided["accepted"], "dismissed": decided["dismissed"],
               "undecided": sum(1 for f in mine if not f["decision"]),
               "crossyear": sum(1 for f in mine if f["scope"] == "crossyear")}
        if q.office and q.office not in (d["agency"] or "") and q.office not in d["input"]:
            continue
        if q.year is not None and d["year"] != q.year:
            continue
        # rule, severity and "undecided only" speak of one finding together: an undecided
        # privacy finding, not a privacy finding and some other undecided one
        if (q.rule or q.severity or q.undecided) and not any(
                (not q.rule or f["rule"] == q.rule) and (not q.severity or f["severity"] == q.severity)
                and (not q.undecided or not f["decision"]) for f in mine):
            continue
        rows.append(row)
    return sorted(rows, key=SORTS[q.sort])


def counts_by(found: list[dict[str, Any]], field: str) -> list[tuple[str, int]]:
    return Counter(str(f[field] or "（机关未识别）") for f in found).most_common()


def report_findings(store: ReviewStore, document_id: int, input_key: str) -> list[dict[str, Any]]:
    """Standing findings of one report (its own, then those across years), errors first. The
    store's document filter is a substring match, so it narrows the query and the id decides."""
    order = {"error": 0, "warning": 1, "info": 2}
    mine = [f for f in store.findings(FindingFilter(status="standing", document=input_key))
            if f["document_id"] == document_id]
    return sorted(mine, key=lambda f: (f["scope"] != "report", order.get(f["severity"], 3), f["id"]))


def series(store: ReviewStore, agency_key: str) -> list[dict[str, Any]]:
    """The office's reviewed reports by year (a page and its text copy for one year both shown)."""
    docs = [d for d in store.documents() if d["agency_key"] == agency_key and d["status"] == "ok"]
    return sorted(docs, key=lambda d: (d["year"] or 0, d["input"]))
