"""review: parse -> claims (rules backend, optionally a model) -> rules -> findings and checks."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from extractor.config import ModelSettings, limits
from extractor.errors import ReportError, TemplateError
from extractor.limits import Budget
from extractor.models import Cell, DocumentInfo, Extraction, ParsedReport, Problem, Section
from extractor.narrative.rules import extract_claims, extract_narrative
from extractor.narrative.schema import Claim, Narrative
from extractor.parse import parse_file
from extractor.reconcile import run_rules
from extractor.reconcile.findings import Check, Finding

if TYPE_CHECKING:
    # The model backend (and its grounding) are imported where a backend is used: a rules-only
    # review never pays their start-up.
    from extractor.narrative.llm import ModelBackend


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
    """The rules backend only: no model, no network."""
    return build_review(report, extract_claims(report), extract_narrative(report))


async def review_report_async(report: ParsedReport, backend: ModelBackend | None,
                              budget: Budget | None = None) -> Review:
    """Rules claims always; model claims merged in when a backend is given. A failing endpoint
    leaves the review to the rules backend and the output says why. The time budget covers the
    synchronous work only (the model has its own deadline)."""
    within = budget.running if budget is not None else nullcontext
    with within():
        rule_claims = extract_claims(report)
        rule_narrative = extract_narrative(report)
        if backend is None:
            return build_review(report, rule_claims, rule_narrative)
    from extractor.narrative.grounding import merge_claims, merge_narrative
    from extractor.narrative.llm import ModelUnavailable

    try:
        model_claims, model_narrative, info = await backend.extract(report)
    except ModelUnavailable as exc:
        info = Extraction(backend="rules", model=backend.settings.model, prompt_version=backend.prompt_version,
                          fallback=str(exc))
        with within():
            return build_review(report, rule_claims, rule_narrative, info)
    with within():
        return build_review(report, merge_claims(rule_claims, model_claims),
                            merge_narrative(rule_narrative, model_narrative), info)


def review_file(path: str | Path, backend: ModelBackend | None = None) -> Review:
    report = parse_file(path)
    if backend is None:
        return review_report(report)
    import asyncio

    return asyncio.run(review_report_async(report, backend))


async def review_many(paths: list[Path], backend: ModelBackend | None, concurrency: int) -> list[Review | ReportError]:
    """Many reports, model calls concurrent within a limit; a bad file is a result, not a stop."""
    from extractor.narrative.llm import gather_limited

    async def one(path: Path) -> Review | ReportError:
        try:
            budget = Budget(limits().seconds, str(path))
            with budget.running():
                report = parse_file(path)
            return await review_report_async(report, backend, budget)
        except Exception as exc:
            return _as_result(exc, path)

    return await gather_limited([one(p) for p in paths], concurrency)


def review_many_rules(paths: list[Path]) -> list[Review | ReportError]:
    """``review_many`` with no model, without an event loop (asyncio alone is ~30 ms of imports):
    nothing awaits, so each report runs to its end in turn, as it would there."""
    results: list[Review | ReportError] = []
    for path in paths:
        try:
            budget = Budget(limits().seconds, str(path))
            with budget.running():
                results.append(review_report(parse_file(path)))
        except Exception as exc:
            results.append(_as_result(exc, path))
    return results


def _as_result(exc: Exception, path: Path) -> ReportError:
    """A report that failed, as its result: a bug on one report must not cost the others theirs.
    A broken schemas/ file concerns every report, so it is raised: stop and say so."""
    if isinstance(exc, ReportError):
        return exc
    if isinstance(exc, TemplateError):
        raise exc
    return ReportError(f"internal error ({type(exc).__name__}: {str(exc)[:120]}); please report it", str(path))


def make_backend(name: str, settings: ModelSettings, http_client: Any = None) -> ModelBackend | None:
    """`auto` uses the model when one is configured, the rules otherwise."""
    if name == "rules" or (name == "auto" and not settings.configured):
        return None
    from extractor.narrative.llm import ModelBackend, ModelUnavailable

    if not settings.model:
        raise ModelUnavailable("the openai backend needs a model: pass --model or set EXTRACTOR_MODEL")
    if not (settings.base_url or settings.api_key):
        raise ModelUnavailable("the openai backend needs an endpoint: pass --base-url (or set OPENAI_BASE_URL) "
                               "or an API key (--api-key / OPENAI_API_KEY)")
    return ModelBackend(settings, http_client=http_client)
