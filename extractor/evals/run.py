"""Run a suite: every case reviewed and scored, metrics aggregated, thresholds and a baseline."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from extractor.errors import ReportError
from extractor.evals.cases import Case, SuiteConfig
from extractor.evals.score import CaseResult, Counts, score
from extractor.ingest import load_bytes
from extractor.narrative.llm import ModelBackend
from extractor.parse import parse_ingested
from extractor.review import review_report_async


class SuiteResult(BaseModel):
    suite: str
    backend: str
    created: float = Field(default_factory=time.time)
    cases: list[CaseResult]
    metrics: dict[str, int | float | None] = Field(default_factory=dict)
    per_rule: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    per_severity: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    narrative: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)
    failures: list[str] = Field(default_factory=list, description="metrics below their threshold")
    mutation: dict[str, Any] | None = None


async def _run_case(case: Case, backend: ModelBackend | None) -> CaseResult:
    if not case.available():
        return CaseResult(name=case.name, status="skipped", reason="report file absent", description=case.description)
    started = time.perf_counter()
    try:
        data, name = case.materialise()
        report = parse_ingested(load_bytes(data, name))
    except ReportError as exc:
        return CaseResult(name=case.name, status="error", reason=exc.line(), description=case.description)
    rv = await review_report_async(report, backend)
    return score(case, rv, started)


def _summary(counts: Counts) -> dict[str, float | int | None]:
    return {"tp": counts.tp, "fp": counts.fp, "fn": counts.fn, "precision": counts.precision,
            "recall": counts.recall, "f1": counts.f1}


def aggregate(results: list[CaseResult]) -> tuple[dict[str, int | float | None], dict, dict, dict]:
    ok = [r for r in results if r.status == "ok"]
    cells_total = sum(r.cells_total for r in ok)
    findings, claims = Counts(), Counts()
    per_rule: dict[str, Counts] = {}
    per_sev: dict[str, Counts] = {}
    narrative: dict[str, Counts] = {}
    for r in ok:
        findings.add(r.findings)
        if r.claims:
            claims.add(r.claims)
        for k, c in r.per_rule.items():
            per_rule.setdefault(k, Counts()).add(c)
        for k, c in r.per_severity.items():
            per_sev.setdefault(k, Counts()).add(c)
        for k, c in r.narrative.items():
            narrative.setdefault(k, Counts()).add(c)
    n_all = Counts()
    for c in narrative.values():
        n_all.add(c)
    metrics: dict[str, int | float | None] = {
        "cases": len(results), "cases_run": len(ok),
        "cell_accuracy": (sum(r.cells_correct for r in ok) / cells_total) if cells_total else None,
        "document_accuracy": (sum(1 for r in ok if not r.document_errors) / len(ok)) if ok else None,
        "claim_precision": claims.precision, "claim_recall": claims.recall, "claim_f1": claims.f1,
        "finding_precision": findings.precision, "finding_recall": findings.recall, "finding_f1": findings.f1,
        "narrative_f1": n_all.f1,
        "coverage_tables_whole": (sum(1 for r in ok if r.tables_whole) / len(ok)) if ok else None,
        "coverage_cells_read": (sum(r.cells_read for r in ok) / max(1, sum(r.cells_expected for r in ok))),
        "claims_checked": sum(r.claims_checked for r in ok),
        "claims_skipped": sum(r.claims_skipped for r in ok),
        "tokens": sum(r.tokens for r in ok), "cost_usd": round(sum(r.cost_usd for r in ok), 6),
        "latency_s": round(sum(r.latency_s for r in ok), 3),
    }
    return (metrics, {k: _summary(v) for k, v in sorted(per_rule.items())},
            {k: _summary(v) for k, v in per_sev.items()}, {k: _summary(v) for k, v in narrative.items()})


def check_thresholds(metrics: dict[str, int | float | None], thresholds: dict[str, float]) -> list[str]:
    failures = []
    for key, minimum in thresholds.items():
        value = metrics.get(key)
        if value is None or value < minimum:
            failures.append(f"{key} = {value if value is None else round(value, 4)} < {minimum}")
    return failures


def run_suite(name: str, config: SuiteConfig, cases: list[Case], backend: ModelBackend | None,
              concurrency: int = 4) -> SuiteResult:
    from extractor.narrative.llm import gather_limited

    results = asyncio.run(gather_limited([_run_case(c, backend) for c in cases], concurrency))
    metrics, per_rule, per_sev, narrative = aggregate(results)
    return SuiteResult(
        suite=name, backend="openai" if backend else "rules", cases=results, metrics=metrics,
        per_rule=per_rule, per_severity=per_sev, narrative=narrative, thresholds=config.thresholds,
        failures=check_thresholds(metrics, config.thresholds),
    )


def compare(current: SuiteResult, baseline: SuiteResult) -> dict[str, Any]:
    """Paired comparison: which cases and which findings changed, not only the averages."""
    base = {c.name: c for c in baseline.cases}
    improved, regressed, changed = [], [], []
    for case in current.cases:
        old = base.get(case.name)
        if old is None or case.status != "ok" or old.status != "ok":
            continue
        delta = {
            "cells_wrong": len(case.cell_errors) - len(old.cell_errors),
            "findings_missed": case.findings.fn - old.findings.fn,
            "findings_wrong": case.findings.fp - old.findings.fp,
        }
        new_f = sorted(set(case.found) - set(old.found))
        gone_f = sorted(set(old.found) - set(case.found))
        entry = {"case": case.name, "delta": delta, "new_findings": new_f, "gone_findings": gone_f}
        if new_f or gone_f or any(delta.values()):
            changed.append(entry)
        worse = sum(v for v in delta.values() if v > 0)
        better = -sum(v for v in delta.values() if v < 0)
        if worse > better:
            regressed.append(entry)
        elif better > worse:
            improved.append(entry)
    metric_delta = {k: (None if current.metrics.get(k) is None or baseline.metrics.get(k) is None
                        else round(float(current.metrics[k]) - float(baseline.metrics[k]), 4))  # type: ignore[arg-type]
                    for k in current.metrics}
    return {"metric_delta": metric_delta, "improved": improved, "regressed": regressed, "changed": changed}


def load_result(path: Path) -> SuiteResult:
    return SuiteResult.model_validate(json.loads(path.read_text(encoding="utf-8")))
