"""The narrative schema is exported to schemas/ and kept current; the live model test."""

from __future__ import annotations

import json
import os

import pytest

from extractor.narrative.schema import NarrativeExtraction

from .conftest import ROOT, seed_path


def test_exported_json_schema_is_current():
    exported = json.loads((ROOT / "schemas" / "narrative.schema.json").read_text(encoding="utf-8"))
    assert exported == NarrativeExtraction.model_json_schema(), "refresh it: python -m extractor.narrative.schema"


def test_metric_enum_matches_vocabulary():
    from extractor.narrative.metrics import load_metrics

    enum = NarrativeExtraction.model_json_schema()["$defs"]["ModelClaim"]["properties"]["metric"]["enum"]
    assert {m.id for m in load_metrics()} <= set(enum)


@pytest.mark.skipif(not os.environ.get("EXTRACTOR_LIVE_MODEL")
                    or not (os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY")),
                    reason="live model test: set EXTRACTOR_LIVE_MODEL and OPENAI_BASE_URL / OPENAI_API_KEY")
def test_live_model_reviews_a_seed(tmp_path):
    from extractor.config import ModelSettings
    from extractor.review import make_backend, review_file

    os.environ.setdefault("EXTRACTOR_CACHE_DIR", str(tmp_path))
    settings = ModelSettings.from_env(model=os.environ["EXTRACTOR_LIVE_MODEL"], use_cache=False)
    backend = make_backend("openai", settings)
    rv = review_file(seed_path("004"), backend)
    assert rv.extraction.backend == "openai", rv.extraction.fallback
    assert rv.extraction.usage.requests >= 1
    for c in rv.claims:
        assert rv.text[c.start:c.end] == c.quote
    assert any(f.rule == "claim.numeric" and f.found == 69 for f in rv.findings)
