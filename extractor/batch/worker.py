"""One report in a worker process: review with the rules backend and hand back a ReviewRecord.
Templates and vocabulary are loaded once per process (before the fork when possible), never per
report; a failure is a record with its reason, never an exception that stops the pool."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from extractor.errors import ReportError, TemplateError
from extractor.store.records import ReviewRecord


class FatalTemplateError(Exception):
    """A broken schemas/ file concerns every report: the batch stops and says so."""


def warm() -> None:
    """Load what every review needs, so forked workers inherit it."""
    from extractor.narrative.metrics import load_assertions, load_metrics
    from extractor.templates import load_templates

    load_templates()
    load_metrics()
    load_assertions()


def file_sha256(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def failure(key: str, path: str, reason: str, seconds: float = 0.0) -> ReviewRecord:
    return ReviewRecord.failed(key, path, file_sha256(path), reason, seconds)


def review_one(item: tuple[str, str, int | None], memo: str | None = None) -> ReviewRecord:
    """``memo``: also render the per-report memo in this format (md, html, docx, json)."""
    from extractor.review import review_file

    key, path, document_id = item
    t0 = time.perf_counter()
    try:
        review = review_file(path)
    except ReportError as exc:
        return failure(key, path, exc.reason, time.perf_counter() - t0)
    except TemplateError as exc:
        raise FatalTemplateError(str(exc)) from None
    except Exception as exc:  # a bug on one report must not cost the batch its other results
        return failure(key, path, f"internal error ({type(exc).__name__}: {str(exc)[:120]}); please report it",
                       time.perf_counter() - t0)
    rec = ReviewRecord.of_review(key, path, review.model_dump_json(), review.text, time.perf_counter() - t0,
                                 document_id)
    if memo is not None:
        from extractor.memo import RENDERERS

        rec.memo = RENDERERS[memo](review, "info")
    return rec
