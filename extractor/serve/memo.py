"""The memo of one report built from the findings a reviewer accepted, on request. The store
keeps findings but not the whole review (sections, claims, effects, tolerances); the batch's
reviews.jsonl next to the store has it, so the review is read back from there, its findings cut
to the accepted fingerprints, and handed to the memo renderers ``extractor review`` uses."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.memo import RENDERERS
from extractor.review import Review

JSONL = "reviews.jsonl"  # the batch runner's file name (extractor.batch.runner.JSONL)
MEDIA = {"md": ("text/markdown; charset=utf-8", ".md"), "html": ("text/html; charset=utf-8", ".html"),
         "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")}


class MemoUnavailable(Exception):
    """One line for the reviewer: why this report's memo cannot be built."""


def _line_for(jsonl: Path, input_key: str) -> dict[str, object]:
    # Lines start with {"input":…, so a prefix test skips decoding every other report's review.
    prefix = '{"input":' + json.dumps(input_key, ensure_ascii=False) + ","
    try:
        with jsonl.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(prefix):
                    data: dict[str, object] = json.loads(line)
                    return data
    except OSError as exc:
        raise MemoUnavailable(f"{jsonl}: cannot read the batch's reviews ({exc.strerror})") from None
    raise MemoUnavailable(f"{input_key}: not in {jsonl}")


def accepted_memo(out_dir: Path, input_key: str, text: str, accepted: set[str], fmt: str) -> str | bytes:
    """The memo in ``fmt`` (md, html, docx) with only the report's own findings whose fingerprint
    is in ``accepted`` (cross-year findings cite two reports and are reviewed on the office page)."""
    line = _line_for(out_dir / JSONL, input_key)
    if line.get("status") != "ok":
        raise MemoUnavailable(f"{input_key}: the report could not be read, there is no memo")
    review = Review.model_validate(line["review"])
    review.text = text
    fingerprints = line.get("fingerprints")
    if not isinstance(fingerprints, list):
        raise MemoUnavailable(f"{input_key}: the batch's line for it has no fingerprints; rerun the batch")
    review.findings = [f for fp, f in zip(fingerprints, review.findings, strict=False) if fp in accepted]
    return RENDERERS[fmt](review, "info")
