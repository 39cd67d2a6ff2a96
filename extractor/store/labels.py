"""Reviewers' decisions as an eval suite (evals/README.md's format), so their verdicts on real
reports measure the tool's precision rule by rule: a report becomes a case when every finding
standing on it has a decision; accepted findings are its labels, dismissed ones are false alarms."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from extractor.store.base import FindingFilter, ReviewStore


def _label(f: dict[str, Any]) -> dict[str, Any]:
    cells = sorted({e["key"] for e in f["evidence"] if e.get("kind") == "cell" and e.get("key")})
    quote = next((e["quote"] for e in f["evidence"] if e.get("kind") == "quote" and e.get("quote")), None)
    out: dict[str, Any] = {"rule": f["rule"], "severity": f["severity"]}
    if cells:
        out["cells"] = cells
    if quote:
        out["quote"] = quote
    return out


def export(store: ReviewStore, target: Path) -> tuple[int, dict[str, tuple[int, int]]]:
    """Write TARGET/suite.yaml and TARGET/cases/*.yaml; return the cases written and, per rule,
    (accepted, dismissed) over every decided finding."""
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in store.findings(FindingFilter(status="standing")):
        if f["scope"] == "report":
            by_doc[f["input"]].append(f)
    precision: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cases = target / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    written = 0
    for input_key, found in sorted(by_doc.items()):
        for f in found:
            if f["decision"]:
                precision[f["rule"]][0 if f["decision"] == "accepted" else 1] += 1
        if any(not f["decision"] for f in found):
            continue
        path = Path(found[0]["path"]).resolve()
        case = {
            "description": f"reviewers' decisions on {input_key} ({found[0]['agency'] or '?'} {found[0]['year'] or ''})",
            "report": str(path),
            "optional": True,
            "document": {k: found[0][k] for k in ("template", "year") if found[0][k] is not None},
            "findings": [_label(f) for f in found if f["decision"] == "accepted"],
        }
        name = re.sub(r"[^\w.-]+", "_", input_key).strip("_")[-80:]
        (cases / f"{name}.yaml").write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
        written += 1
    suite = target / "suite.yaml"
    if not suite.exists():
        suite.write_text("# Exported by `extractor findings export-labels`: reviewers' decisions as labels.\n"
                         'cases: "cases/*.yaml"\nthresholds: {}\n', encoding="utf-8")
    return written, {rule: (a, d) for rule, (a, d) in precision.items()}
