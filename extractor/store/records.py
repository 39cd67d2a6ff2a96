"""What the store keeps of one review, built in the worker process: the JSON line (the review's
own ``model_dump`` shape, compact, already UTF-8), the findings with their fingerprints, a few
document fields and the rows of the store's cells, claims, narrative and checks tables. The single
writing process only hands them on (to SQLite, to the JSON Lines file), so it does little per report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from extractor.store.fingerprint import fingerprint


def _scalar(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str) else json.dumps(value, ensure_ascii=False)


def content_rows(doc: int, review: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the store's cells, claims, narrative and checks tables for one review."""
    narrative = review.get("narrative") or {}
    return {
        "cells": _cell_rows(doc, review["cells"]),
        "claims": [(doc, c["metric"], c["kind"], _scalar(c.get("value")), c.get("qualifier"),
                    ",".join(c.get("cells") or []), c["quote"], c["start"], c["end"], c.get("extractor"))
                   for c in review["claims"]],
        "narrative": [(doc, kind, i, item.get("summary") or item.get("name"), item.get("category") or item.get("kind"),
                       item["quote"], item["start"], item["end"])
                      for kind in ("problems", "improvements", "channels") for i, item in enumerate(narrative.get(kind) or [])],
        "checks": [(doc, c["rule"], c["status"], c["checked"], c["failed"], c.get("detail")) for c in review["checks"]],
    }


def _cell_rows(doc: int, cells: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    # Table ids, row and column labels, kinds and units repeat from cell to cell: each is made one
    # object, which pickle sends once, so the writing process unpickles half as much.
    seen: dict[Any, Any] = {}
    share = seen.setdefault
    rows = []
    for c in cells:
        src = c.get("source") or {}
        table, row, col, kind, unit = c["table"], c["row_label"], c["col_label"], c["kind"], c.get("unit")
        rows.append((doc, c["key"], c.get("name"), share(table, table), share(row, row), share(col, col),
                     _scalar(c["value"]), share(kind, kind), c["raw"], share(unit, unit),
                     src.get("start"), src.get("end"), src.get("line")))
    return rows


def finding_content(f: dict[str, Any]) -> tuple[Any, ...]:
    """What the store's findings table keeps of a finding besides its document, fingerprint, status
    and runs: rule, severity, message, expected, found, evidence (JSON)."""
    return (f["rule"], f["severity"], f["message"], _scalar(f.get("expected")), _scalar(f.get("found")),
            json.dumps(f.get("evidence") or [], ensure_ascii=False))


def agency_key(name: str | None) -> str | None:
    """An office's name for matching across years: letters and digits only (spaces, punctuation
    and full-width brackets differ between years of the same office)."""
    if not name:
        return None
    return "".join(ch for ch in name if ch.isalnum()) or None


@dataclass
class ReviewRecord:
    """One report's outcome; ``error`` is set when the file could not be reviewed."""

    input: str
    path: str
    sha256: str
    error: str | None = None
    seconds: float = 0.0
    text: str = ""
    document: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    problems: int = 0
    findings: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)  # fingerprint, finding_content
    line: bytes = b""                     # the JSON line, UTF-8, without its newline
    document_id: int | None = None        # reserved by the store before the review, when known
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict, repr=False)
    memo: str | bytes | None = field(default=None, repr=False)

    @classmethod
    def of_review(cls, input_key: str, path: str, review_json: str, text: str, seconds: float,
                  document_id: int | None = None) -> ReviewRecord:
        """From ``review.model_dump_json()``: the line embeds it as it is, without re-encoding; the
        store's rows are built here when the document's id is known (in the worker, not the writer)."""
        review = json.loads(review_json)
        doc = review["document"]
        findings = [(fingerprint(input_key, f), finding_content(f)) for f in review["findings"]]
        head = json.dumps({"input": input_key, "path": path, "sha256": doc["sha256"], "status": "ok",
                           "fingerprints": [fp for fp, _ in findings]}, ensure_ascii=False, separators=(",", ":"))
        return cls(input=input_key, path=path, sha256=doc["sha256"], seconds=seconds, text=text,
                   document={k: v for k, v in doc.items() if k != "spans"},
                   usage=review["extraction"].get("usage", {}), problems=len(review["problems"]),
                   findings=findings, line=(head[:-1] + ',"review":' + review_json + "}").encode("utf-8"),
                   document_id=document_id,
                   rows=content_rows(document_id, review) if document_id is not None else {})

    @classmethod
    def failed(cls, input_key: str, path: str, sha256: str, reason: str, seconds: float = 0.0) -> ReviewRecord:
        line = json.dumps({"input": input_key, "path": path, "sha256": sha256, "status": "failed", "error": reason},
                          ensure_ascii=False, separators=(",", ":"))
        return cls(input=input_key, path=path, sha256=sha256, error=reason, seconds=seconds, line=line.encode("utf-8"))

    @property
    def ok(self) -> bool:
        return self.error is None

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for _, (_rule, severity, *_rest) in self.findings:
            out[severity] = out.get(severity, 0) + 1
        return out
