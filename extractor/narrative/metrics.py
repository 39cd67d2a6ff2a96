"""The metric vocabulary (schemas/metrics.yaml) and how a metric resolves to cells per template."""

from __future__ import annotations

import re
from functools import cache

import yaml
from pydantic import BaseModel, Field, ValidationError

from extractor.config import schemas_dir
from extractor.errors import TemplateError
from extractor.templates import load_yaml


class Metric(BaseModel):
    id: str
    text: str
    patterns: list[str]
    units: list[str]
    cells: dict[str, list[str]] = Field(default_factory=dict)
    alternates: dict[str, list[list[str]]] = Field(default_factory=dict)
    excludes: list[str] = Field(default_factory=list, description="a clause matching one of these is not "
                                "about this metric alone (a combined subject: 予以公开及部分公开)")

    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(tuple(self.patterns))

    def excluded(self, clause: str) -> bool:
        return any(p.search(clause) for p in _compile(tuple(self.excludes)))


class Assertion(BaseModel):
    """A qualitative claim: “no lawsuits”, “all answered on time” — the cells must sum to zero."""

    id: str
    text: str
    patterns: list[str]
    cells: dict[str, list[str]] = Field(default_factory=dict)
    severity: dict[str, str] = Field(default_factory=dict)
    note: str | None = None

    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(tuple(self.patterns))


@cache
def _compile(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


@cache
def _vocabulary() -> tuple[tuple[Metric, ...], tuple[Assertion, ...], tuple[re.Pattern[str], ...]]:
    path = schemas_dir() / "metrics.yaml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        metrics = tuple(Metric.model_validate(m) for m in data["metrics"])
        assertions = tuple(Assertion.model_validate(a) for a in data.get("qualitative", []))
        others = tuple(re.compile(p) for p in data.get("other_subjects", []))
        for m in metrics:
            m.compiled()
        for a in assertions:
            a.compiled()
    except (OSError, yaml.YAMLError, ValidationError, KeyError, re.error) as exc:
        raise TemplateError(f"{path}: invalid metric vocabulary: {exc}") from exc
    return metrics, assertions, others


def other_subjects() -> tuple[re.Pattern[str], ...]:
    """Clauses whose numbers count something other than the disclosure work (hotline calls,
    public complaints, documents by category): no metric is given to them."""
    return _vocabulary()[2]


def load_metrics() -> tuple[Metric, ...]:
    return _vocabulary()[0]


def load_assertions() -> tuple[Assertion, ...]:
    return _vocabulary()[1]


def assertion(assertion_id: str) -> Assertion | None:
    return next((a for a in load_assertions() if a.id == assertion_id), None)


def metric(metric_id: str) -> Metric | None:
    return next((m for m in load_metrics() if m.id == metric_id), None)


