"""Scoring one case: cells, claims, findings, narrative fields, against its gold labels."""

from __future__ import annotations

import difflib
import time
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from extractor.evals.cases import Case, GoldClaim, GoldFinding
from extractor.narrative.schema import Claim
from extractor.reconcile.findings import Finding
from extractor.review import Review


class Counts(BaseModel):
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


class CaseResult(BaseModel):
    name: str
    status: str = "ok"  # ok | skipped | error
    reason: str | None = None
    description: str = ""
    format: str | None = None
    cells_total: int = 0
    cells_correct: int = 0
    cell_errors: list[dict[str, Any]] = Field(default_factory=list)
    claims: Counts | None = None
    missed_claims: list[str] = Field(default_factory=list)
    wrong_claims: list[str] = Field(default_factory=list)
    findings: Counts = Field(default_factory=Counts)
    per_rule: dict[str, Counts] = Field(default_factory=dict)
    per_severity: dict[str, Counts] = Field(default_factory=dict)
    missed_findings: list[str] = Field(default_factory=list)
    wrong_findings: list[str] = Field(default_factory=list)
    found: list[str] = Field(default_factory=list, description="signatures of every finding raised")
    narrative: dict[str, Counts] = Field(default_factory=dict)
    document_errors: list[str] = Field(default_factory=list)
    tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    # Coverage: what the tool could read and check, beside how right it was.
    tables_whole: bool = True
    cells_read: int = 0
    cells_expected: int = 0
    claims_checked: int = 0
    claims_skipped: int = 0


def signature(f: Finding) -> str:
    keys = sorted({e.key for e in f.evidence if e.kind == "cell" and e.key})
    return f"{f.rule}/{f.severity}" + (f"[{','.join(keys[:3])}]" if keys else "")


def finding_matches(f: Finding, g: GoldFinding) -> bool:
    if f.rule != g.rule or f.severity != g.severity:
        return False
    if g.cells:
        keys = {e.key for e in f.evidence if e.kind == "cell"}
        if not (set(g.cells) & keys) and not any(c in f.message for c in g.cells):
            return False
    if g.quote:
        quotes = "".join(e.quote or "" for e in f.evidence) + f.message
        if g.quote not in quotes:
            return False
    return True


def claim_matches(c: Claim, g: GoldClaim) -> bool:
    if c.metric != g.metric:
        return False
    if g.value is not None and (c.value is None or Decimal(str(c.value)) != Decimal(str(g.value))):
        return False
    return not g.quote or g.quote in c.quote or c.quote in g.quote


def _similar(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def _match_texts(predicted: list[str], gold: list[str]) -> Counts:
    used: set[int] = set()
    tp = 0
    for g in gold:
        hit = next((i for i, p in enumerate(predicted) if i not in used and _similar(p, g)), None)
        if hit is not None:
            used.add(hit)
            tp += 1
    return Counts(tp=tp, fp=len(predicted) - len(used), fn=len(gold) - tp)


def _eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except Exception:
        return a == b


def score(case: Case, rv: Review, started: float) -> CaseResult:
    res = CaseResult(name=case.name, description=case.description, format=rv.document.format)
    _coverage(res, rv)
    for key, want in case.document.items():
        got = getattr(rv.document, key, None)
        if got != want:
            res.document_errors.append(f"{key}: expected {want!r}, got {got!r}")
    gold_cells = case.gold_cells()
    if gold_cells is not None:
        cells = rv.cells and {c.key: c.value for c in rv.cells}
        for key, want in gold_cells.items():
            res.cells_total += 1
            got = cells.get(key, "<unread>") if cells else "<unread>"
            if got != "<unread>" and _eq(got, want):
                res.cells_correct += 1
            else:
                res.cell_errors.append({"key": key, "expected": str(want), "got": str(got)})
    if case.claims is not None:
        predicted = [c for c in rv.claims]
        used: set[int] = set()
        counts = Counts()
        for g in case.claims:
            hit = next((i for i, c in enumerate(predicted) if i not in used and claim_matches(c, g)), None)
            if hit is None:
                counts.fn += 1
                res.missed_claims.append(f"{g.metric}={g.value} “{g.quote or ''}”")
            else:
                used.add(hit)
                counts.tp += 1
        for i, c in enumerate(predicted):
            if i not in used:
                counts.fp += 1
                res.wrong_claims.append(f"{c.metric}={c.value} “{c.quote}”")
        res.claims = counts
    used_f: set[int] = set()
    for gf in case.findings:
        hit = next((i for i, f in enumerate(rv.findings) if i not in used_f and finding_matches(f, gf)), None)
        rule = res.per_rule.setdefault(gf.rule, Counts())
        sev = res.per_severity.setdefault(gf.severity, Counts())
        if hit is None:
            res.findings.fn += 1
            rule.fn += 1
            sev.fn += 1
            res.missed_findings.append(f"{gf.rule}/{gf.severity} {gf.cells or ''} {gf.quote or ''}".strip())
        else:
            used_f.add(hit)
            res.findings.tp += 1
            rule.tp += 1
            sev.tp += 1
    for i, f in enumerate(rv.findings):
        res.found.append(signature(f))
        if i in used_f:
            continue
        res.findings.fp += 1
        res.per_rule.setdefault(f.rule, Counts()).fp += 1
        res.per_severity.setdefault(f.severity, Counts()).fp += 1
        res.wrong_findings.append(f"{signature(f)} {f.message[:80]}")
    if case.narrative is not None:
        n = rv.narrative
        if "channels" in case.narrative:
            res.narrative["channels"] = _match_texts([c.name for c in n.channels], case.narrative["channels"])
        if "problems" in case.narrative:
            res.narrative["problems"] = _match_texts([p.quote for p in n.problems], case.narrative["problems"])
        if "improvements" in case.narrative:
            res.narrative["improvements"] = _match_texts([p.quote for p in n.improvements], case.narrative["improvements"])
        for key, want in case.narrative.get("organization", {}).items():
            got = getattr(n.organization, key, None)
            ok = _similar(str(got), str(want)) if isinstance(want, str) else got == want
            res.narrative.setdefault("organization", Counts()).add(Counts(tp=int(ok), fn=int(not ok)))
    x = rv.extraction
    res.tokens = x.usage.prompt_tokens + x.usage.completion_tokens
    res.cost_usd = x.usage.cost_usd
    res.latency_s = round(time.perf_counter() - started, 4)
    return res


def _coverage(res: CaseResult, rv: Review) -> None:
    from extractor.templates import load_templates

    spec = load_templates().get(rv.document.template or "")
    expected = {k for t in spec.tables for k in t.cell_keys()} if spec and spec.tables else {c.key for c in rv.cells}
    unread = {k for p in rv.problems for k in p.keys}
    read = {c.key for c in rv.cells if c.kind != "ambiguous"} - unread
    res.cells_expected = len(expected)
    res.cells_read = len(read & expected)
    res.tables_whole = bool(expected) and not any(p.table for p in rv.problems) and res.cells_read == len(expected)
    checks = {c.rule: c for c in rv.checks}
    for rule in ("claim.numeric", "claim.qualitative"):
        c = checks.get(rule)
        mine = [x for x in rv.claims if x.kind == rule.split(".")[1]]
        if c is not None:
            res.claims_checked += c.checked
            res.claims_skipped += len(mine) - c.checked
