"""A hostile model or server: no invented finding, no leaked key, no endless wait, no huge answer kept.

Each attack is driven through the real openai + instructor stack against scripted HTTP answers;
each asserts what reaches the review (claims, findings, memo, cache, logs), not internals.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest

from extractor.ingest import load_bytes
from extractor.memo import RENDERERS
from extractor.narrative.cache import Cache
from extractor.narrative.llm import ModelBackend, http_module
from extractor.parse import parse_ingested
from extractor.review import review_report, review_report_async
from extractor.synth import render_text

from .scripted import Script, completion
from .test_model_backend import EXTRA, GOOD, SECRET, settings

http = http_module()


@pytest.fixture
def report(wangchuan):
    r = wangchuan.model_copy(deep=True)
    r.paragraphs["overview"] = [*r.paragraphs["overview"], EXTRA]
    return parse_ingested(load_bytes(render_text(r).encode("utf-8"), "model.txt"))


def _answer(*claims: dict) -> dict:
    return {**GOOD, "claims": list(claims)}


def _run(report, script: Script, tmp_path, **kw):
    backend = ModelBackend(settings(tmp_path, **kw), http_client=script.client(), cache=Cache(tmp_path / "c.sqlite3"))
    return asyncio.run(review_report_async(report, backend))


def _error_findings(rv) -> list[tuple[str, object, object]]:
    return sorted((f.rule, f.found, f.expected) for f in rv.findings if f.severity == "error")


def _no_model_finding(report, rv) -> None:
    """The model added no error the rules backend does not raise on its own."""
    assert _error_findings(rv) == _error_findings(review_report(report))


def test_value_inside_a_year_is_not_a_value(report, tmp_path):
    # “2” stands in “2023” as a substring; the table's 48 would have made it an error.
    claim = {"metric": "requests.new", "value": 2, "unit": "件", "quote": "2023年共新收政府信息公开申请48件"}
    rv = _run(report, Script(completion(_answer(claim))), tmp_path, reasks=0)
    assert not any(c.extractor == "model" and c.value == 2 for c in rv.claims)
    assert "没有数值 2" in rv.extraction.dropped[0].reason
    _no_model_finding(report, rv)


def test_value_inside_a_larger_number_is_not_a_value(report, tmp_path):
    claim = {"metric": "proactive.total", "value": 126, "unit": "条", "quote": "全年主动公开政府信息1260条"}
    rv = _run(report, Script(completion(_answer(claim))), tmp_path, reasks=0)
    assert [d.item["value"] for d in rv.extraction.dropped] == [126]
    _no_model_finding(report, rv)


def test_true_number_given_to_another_metric_is_dropped(report, tmp_path):
    # The quote is true and holds 48, but it speaks of applications, not administrative review.
    claim = {"metric": "review.total", "value": 48, "unit": "件", "quote": "2023年共新收政府信息公开申请48件"}
    rv = _run(report, Script(completion(_answer(claim))), tmp_path, reasks=0)
    assert not any(c.metric == "review.total" and c.extractor != "rules" for c in rv.claims)
    assert "未说到指标 review.total" in rv.extraction.dropped[0].reason
    _no_model_finding(report, rv)


def test_qualitative_claim_must_say_what_it_claims(report, tmp_path):
    claim = {"metric": "no_review", "quote": "严格执行保密审查制度"}
    rv = _run(report, Script(completion(_answer(claim))), tmp_path, reasks=0)
    assert not any(c.metric == "no_review" and c.extractor == "model" for c in rv.claims)
    _no_model_finding(report, rv)


@pytest.mark.parametrize("quote, metric, value", [("政府信息公开", "no_requests", None), ("2件", "normative_docs.issued", 2)])
def test_short_quote_occurring_many_times_is_dropped(report, tmp_path, quote, metric, value):
    assert report.text.count(quote) > 1
    claim = {"metric": metric, "value": value, "unit": "件", "quote": quote}
    rv = _run(report, Script(completion(_answer(claim))), tmp_path, reasks=0)
    assert [d.item["quote"] for d in rv.extraction.dropped] == [quote]
    _no_model_finding(report, rv)


def test_a_repeated_quote_cannot_be_placed(wangchuan, tmp_path):
    r = wangchuan.model_copy(deep=True)
    r.paragraphs["overview"] = [*r.paragraphs["overview"], EXTRA, EXTRA]
    report = parse_ingested(load_bytes(render_text(r).encode("utf-8"), "twice.txt"))
    claim = {"metric": "outcome.granted", "value": 25, "unit": "件", "quote": "获准公开的有二十五件"}
    rv = _run(report, Script(completion(_answer(claim))), tmp_path, reasks=0)
    assert "出现2次" in rv.extraction.dropped[0].reason
    assert not any(c.extractor == "model" for c in rv.claims)


def test_a_phrasing_outside_the_vocabulary_still_counts(report, tmp_path):
    # 获准公开 is not in metrics.yaml, names no other metric and shares 公开 with 予以公开: kept.
    claim = {"metric": "outcome.granted", "value": 25, "unit": "件", "quote": "获准公开的有二十五件"}
    rv = _run(report, Script(completion(_answer(claim))), tmp_path, reasks=0)
    assert rv.extraction.dropped == []
    assert any(c.extractor == "model" and c.value == 25 for c in rv.claims)


def test_oversized_answer_is_refused_unread_and_never_resent(report, tmp_path):
    huge = {"metric": "requests.new", "value": 48, "unit": "件", "quote": "申" * 3_000_000}
    script = Script(completion(_answer(huge)))
    rv = _run(report, script, tmp_path, max_retries=1)
    assert rv.extraction.backend == "rules"
    assert "AnswerTooLarge" in (rv.extraction.fallback or "")
    assert all(len(json.dumps(b)) < 100_000 for b in script.bodies)  # the answer never went back
    memo = RENDERERS["json"](rv, "info")
    assert len(memo) < 1_000_000
    _no_model_finding(report, rv)


def test_key_echoed_in_an_error_reaches_no_log_and_no_message(report, tmp_path, caplog):
    def echo(request):
        return http.Response(401, json={"error": {"message": f"Incorrect API key provided: {SECRET}", "type": "auth"}})

    caplog.set_level(logging.DEBUG)
    rv = _run(report, Script(echo), tmp_path, max_retries=0)
    assert rv.extraction.backend == "rules" and rv.extraction.fallback
    assert SECRET not in rv.extraction.fallback
    assert SECRET not in caplog.text
    assert "Incorrect API key" in caplog.text or "401" in caplog.text  # the log lines are there, redacted


def test_key_echoed_in_the_answer_reaches_no_memo_and_no_cache(report, tmp_path):
    answer = json.loads(json.dumps(GOOD))
    answer["problems"][0]["summary"] = f"密钥是 {SECRET}"
    answer["channels"][0]["name"] = SECRET
    rv = _run(report, Script(completion(answer)), tmp_path)
    for fmt in ("json", "md", "html"):
        assert SECRET not in str(RENDERERS[fmt](rv, "info"))
    with Cache(tmp_path / "c.sqlite3").db as db:
        stored = " ".join(row[0] for row in db.execute("SELECT value FROM extraction"))
    assert stored and SECRET not in stored


def test_a_server_that_never_answers_costs_the_deadline_only(report, tmp_path):
    async def never(request):
        await asyncio.sleep(30)

    t0 = time.perf_counter()
    rv = _run(report, Script(never), tmp_path, deadline=0.5, timeout=30.0, max_retries=3)
    assert time.perf_counter() - t0 < 5
    assert rv.extraction.backend == "rules"
    assert "deadline of 0.5 s" in (rv.extraction.fallback or "")


def test_an_endless_streamed_answer_is_cut_at_the_cap(report, tmp_path):
    sent = []

    def endless(request):
        async def body():
            for _ in range(10_000):  # 1 GB if it were read to the end
                sent.append(1)
                yield b" " * 100_000

        return http.Response(200, content=body(), headers={"content-type": "application/json"})

    rv = _run(report, Script(endless), tmp_path, max_retries=0, max_answer_bytes=500_000)
    assert rv.extraction.backend == "rules" and "AnswerTooLarge" in (rv.extraction.fallback or "")
    assert len(sent) < 50  # stopped reading a little past the cap, on each attempt
