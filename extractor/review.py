"""review: parse -> claims (rules backend, optionally a model) -> rules -> findings and checks."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from extractor.models import Cell, DocumentInfo, ParsedReport, Problem, Section
from extractor.narrative.rules import extract_claims, extract_narrative
from extractor.narrative.schema import Claim, Narrative
from extractor.parse import parse_file
from extractor.reconcile import run_rules
from extractor.reconcile.findings import Check, Finding


class Usage(BaseModel):
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, other: Usage) -> None:
        self.requests += other.requests
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost_usd += other.cost_usd


class Dropped(BaseModel):
    """An item the model gave that the source text does not prove: never a finding."""

    item: dict[str, object]
    reason: str


class Extraction(BaseModel):
    backend: str = "rules"
    model: str | None = None
    prompt_version: str | None = None
    schema_version: str | None = None
    cached: bool = False
    fallback: str | None = Field(default=None, description="why the model was not used, when it failed")
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    dropped: list[Dropped] = Field(default_factory=list)


class Review(BaseModel):
    document: DocumentInfo
    sections: list[Section]
    cells: list[Cell]
    problems: list[Problem]
    claims: list[Claim]
    narrative: Narrative
    findings: list[Finding]
    checks: list[Check]
    extraction: Extraction
    text: str = Field(default="", exclude=True, repr=False)

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out


def build_review(report: ParsedReport, claims: list[Claim], narrative: Narrative,
                 extraction: Extraction | None = None) -> Review:
    findings, checks = run_rules(report, claims)
    return Review(
        document=report.document, sections=report.sections, cells=report.cells, problems=report.problems,
        claims=claims, narrative=narrative, findings=findings, checks=checks,
        extraction=extraction or Extraction(), text=report.text,
    )


def review_report(report: ParsedReport) -> Review:
    return build_review(report, extract_claims(report), extract_narrative(report))


def review_file(path: str | Path) -> Review:
    return review_report(parse_file(path))
