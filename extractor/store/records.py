"""What the store keeps of one review, built in the worker process from ``review.model_dump`` so
the writing process only inserts rows (the batch's single writer stays cheap)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from extractor.store.fingerprint import fingerprint


def agency_key(name: str | None) -> str | None:
    """An office's name for matching across years: spaces and punctuation out, and the old county
    prefix (平潭县…) kept, since a renamed office is a different series."""
    if not name:
        return None
    return "".join(ch for ch in name if ch.isalnum()) or None


@dataclass
class ReviewRecord:
    """One report's outcome: ``review`` is the Review as JSON (``None`` when the file failed)."""

    input: str
    path: str
    sha256: str
    review: dict[str, Any] | None = None
    text: str = ""
    error: str | None = None
    seconds: float = 0.0
    findings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    memo: str | bytes | None = field(default=None, repr=False)

    @classmethod
    def of_review(cls, input_key: str, path: str, review: dict[str, Any], text: str, seconds: float) -> ReviewRecord:
        rec = cls(input=input_key, path=path, sha256=review["document"]["sha256"], review=review, text=text,
                  seconds=seconds)
        rec.findings = [(fingerprint(input_key, f), f) for f in review["findings"]]
        return rec

    @property
    def ok(self) -> bool:
        return self.review is not None

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for _, f in self.findings:
            out[f["severity"]] = out.get(f["severity"], 0) + 1
        return out

    def json_line(self) -> str:
        """The JSON Lines record: compact, the review's own shape under ``review``."""
        head: dict[str, Any] = {"input": self.input, "path": self.path, "sha256": self.sha256,
                                "status": "ok" if self.ok else "failed"}
        if not self.ok:
            head["error"] = self.error
            return json.dumps(head, ensure_ascii=False, separators=(",", ":"))
        head["fingerprints"] = [fp for fp, _ in self.findings]
        head["review"] = self.review
        return json.dumps(head, ensure_ascii=False, separators=(",", ":"))
