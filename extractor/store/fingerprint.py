"""A finding's identity across runs: its document, its rule and its evidence (cell keys and values,
quotes), never offsets, ids or wording, so an edit elsewhere in the report or a reworded message
keeps the reviewer's decision attached, while a changed cell makes the finding new."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _evidence_key(ev: dict[str, Any]) -> list[Any]:
    if ev.get("kind") == "cell":
        return ["cell", ev.get("document"), ev.get("key"), ev.get("value")]
    return ["quote", ev.get("document"), ev.get("quote")]


def fingerprint(document: str, finding: dict[str, Any]) -> str:
    """16 hex digits of sha256 over document, rule and the sorted evidence."""
    evidence = sorted((_evidence_key(e) for e in finding.get("evidence") or []), key=json.dumps)
    if not evidence:  # a finding with no evidence (a missing part) is known by what it says is missing
        evidence = [["found", finding.get("found")], ["effects", sorted(finding.get("effects") or [])]]
    payload = json.dumps([document, finding["rule"], evidence], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
