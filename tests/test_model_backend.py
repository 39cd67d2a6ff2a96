"""The model backend through the real openai + instructor stack against scripted HTTP responses."""

from __future__ import annotations

import asyncio
import json

import pytest

from extractor.config import ModelSettings
from extractor.ingest import load_bytes
from extractor.narrative.cache import Cache
from extractor.narrative.llm import ModelBackend
from extractor.parse import parse_ingested
from extractor.review import review_report_async
from extractor.synth import render_text

from .scripted import Script, completion, status, timeout

SECRET = "sk-test-DO-NOT-LEAK-1234567890"
EXTRA = "本年度受理的申请中，获准公开的有二十五件。"


@pytest.fixture
def report(wangchuan):
    r = wangchuan.model_copy(deep=True)
    r.paragraphs["overview"] = [*r.paragraphs["overview"], EXTRA]
    return parse_ingested(load_bytes(render_text(r).encode("utf-8"), "model.txt"))


GOOD = {
    "organization": {"leading_group": True, "head_title": "党工委副书记", "office": "党政综合办公室",
                     "staffing": "dedicated", "quote": "街道成立了由党工委副书记任组长的政务公开工作领导小组"},
    "channels": [{"name": "“望川发布”微信公众号", "kind": "wechat", "count": 400,
                  "quote": "通过“望川发布”微信公众号发布400条"}],
    "problems": [{"summary": "政策解读形式单一", "category": "内容", "quote": "政策解读形式较为单一"}],
    "improvements": [{"summary": "丰富解读形式", "category": "内容", "quote": "丰富图解、视频等解读形式", "answers": [0]}],
    "claims": [
        {"metric": "requests.new", "value": 48, "unit": "件", "qualifier": None, "quote": "2023年共新收政府信息公开申请48件"},
        {"metric": "outcome.granted", "value": 25, "unit": "件", "qualifier": None, "quote": "获准公开的有二十五件"},
    ],
}


def settings(tmp_path, **kw) -> ModelSettings:
    base = {"model": "scripted-model", "base_url": "http://model.test/v1", "api_key": SECRET, "max_retries": 1,
            "timeout": 5.0, "price_in_per_mtok": 1.0, "price_out_per_mtok": 2.0}
    base.update(kw)
    return ModelSettings.from_env(**base)


def run(report, script: Script, tmp_path, **kw):
    backend = ModelBackend(settings(tmp_path, **kw), http_client=script.client(), cache=Cache(tmp_path / "c.sqlite3"))
    return asyncio.run(review_report_async(report, backend))


def test_good_response_grounded_and_merged(report, tmp_path):
    script = Script(completion(GOOD))
    rv = run(report, script, tmp_path)
    x = rv.extraction
    assert (x.backend, x.model, x.cached, x.fallback) == ("openai", "scripted-model", False, None)
    assert x.usage.requests == 1 and x.usage.prompt_tokens == 120 and x.usage.completion_tokens == 60
    assert x.usage.cost_usd == pytest.approx((120 * 1.0 + 60 * 2.0) / 1e6)
    assert x.prompt_version and x.prompt_version.startswith("narrative-")
    both = next(c for c in rv.claims if c.metric == "requests.new")
    assert both.extractor == "rules+model"
    model_only = next(c for c in rv.claims if c.extractor == "model")
    assert rv.text[model_only.start:model_only.end] == "获准公开的有二十五件"
    f = next(f for f in rv.findings if f.rule == "claim.numeric")
    assert (f.found, f.expected) == (25, 23)
    assert rv.narrative.organization.head_title == "党工委副书记"
    assert rv.narrative.improvements[0].answers == [0]
    # Only the prose is sent, never the tables, and Chinese goes unescaped.
    sent = script.requests[0].content.decode("utf-8")
    assert "指标编号" in sent and "\\u6307" not in sent
    user = script.bodies[0]["messages"][-1]["content"]
    assert "获准公开的有二十五件" in user and "本年制发件数" not in user and "（七）总计" not in user


def test_invented_quote_is_dropped_and_never_a_finding(report, tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["claims"].append({"metric": "requests.new", "value": 99, "unit": "件", "quote": "全年共新收申请99件"})
    script = Script(completion(bad))
    rv = run(report, script, tmp_path, reasks=0)
    assert len(rv.extraction.dropped) == 1
    assert "引文不在原文中" in rv.extraction.dropped[0].reason
    assert rv.extraction.dropped[0].item["quote"] == "全年共新收申请99件"
    assert not any(c.value == 99 for c in rv.claims)
    assert all(f.found != 99 for f in rv.findings)
    assert any(c.extractor == "model" for c in rv.claims)  # the good items survive


def test_ungrounded_answer_is_reasked_then_fixed(report, tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["claims"][1]["quote"] = "获准公开的共有二十五件"  # not verbatim
    script = Script(completion(bad), completion(GOOD, prompt_tokens=200, completion_tokens=70))
    rv = run(report, script, tmp_path)
    assert len(script.requests) == 2
    assert "引文不在原文中" in json.dumps(script.bodies[1]["messages"], ensure_ascii=False)
    assert rv.extraction.dropped == []
    u = rv.extraction.usage
    assert (u.requests, u.prompt_tokens, u.completion_tokens) == (2, 320, 130)  # every attempt counted


def test_malformed_first_response_fixed_on_reask(report, tmp_path):
    script = Script(completion('{"claims": [{"metric": "requests.new", "value": "很多"'), completion(GOOD))
    rv = run(report, script, tmp_path)
    assert len(script.requests) == 2
    assert rv.extraction.fallback is None and any(c.extractor == "model" for c in rv.claims)


def test_reasks_stop_at_the_token_budget(report, tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["claims"][1]["quote"] = "获准公开的共有二十五件"
    script = Script(completion(bad))
    rv = run(report, script, tmp_path, reasks=3, token_budget=100)
    assert len(script.requests) == 1  # the first answer already spent the budget: no re-ask
    assert len(rv.extraction.dropped) == 1 and rv.extraction.fallback is None


def test_429_then_success(report, tmp_path):
    script = Script(status(429, **{"retry-after-ms": "10"}), completion(GOOD))
    rv = run(report, script, tmp_path)
    assert len(script.requests) == 2
    assert rv.extraction.backend == "openai" and rv.extraction.usage.requests == 1


def test_timeout_falls_back_to_rules(report, tmp_path):
    script = Script(timeout())
    rv = run(report, script, tmp_path, max_retries=1)
    assert len(script.requests) == 2  # one retry with backoff, then give up
    x = rv.extraction
    assert x.backend == "rules" and "Timeout" in (x.fallback or "")
    assert SECRET not in (x.fallback or "")
    assert any(c.extractor == "rules" for c in rv.claims)
    assert status_of(rv, "claim.numeric") == "pass"


def status_of(rv, rule):
    return next(c.status for c in rv.checks if c.rule == rule)


@pytest.mark.parametrize("mode", ["json", "md_json"])
def test_json_modes_against_a_server_without_tools(report, tmp_path, mode):
    def no_tools(request):
        body = json.loads(request.read())
        if "tools" in body:
            return status(400)(request)
        return Script(completion(GOOD, mode=mode))(request)

    script = Script(no_tools)
    rv = run(report, script, tmp_path, mode=mode)
    assert "tools" not in script.bodies[0]
    assert rv.extraction.fallback is None
    assert any(c.extractor == "model" for c in rv.claims)


def test_cached_second_run_makes_no_request_and_keeps_dropped(report, tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["claims"].append({"metric": "requests.new", "value": 99, "unit": "件", "quote": "全年共新收申请99件"})
    first = Script(completion(bad))
    rv1 = run(report, first, tmp_path, reasks=0)
    second = Script(status(500))
    rv2 = run(report, second, tmp_path, reasks=0)
    assert second.requests == []
    assert rv2.extraction.cached and rv2.extraction.usage.requests == 0
    assert [d.reason for d in rv2.extraction.dropped] == [d.reason for d in rv1.extraction.dropped]
    assert [c.model_dump() for c in rv2.claims] == [c.model_dump() for c in rv1.claims]
    assert SECRET.encode() not in (tmp_path / "c.sqlite3").read_bytes()
    assert SECRET not in rv1.model_dump_json()


def test_no_cache_flag_bypasses(report, tmp_path):
    run(report, Script(completion(GOOD)), tmp_path)
    again = Script(completion(GOOD))
    backend = ModelBackend(settings(tmp_path, use_cache=False), http_client=again.client(), cache=None)
    asyncio.run(review_report_async(report, backend))
    assert len(again.requests) == 1


def test_offsets_exact_with_fullwidth_digits_and_mixed_scripts(tmp_path, wangchuan):
    r = wangchuan.model_copy(deep=True)
    original_sentence = "（七）APP端：“望川e办”App发布信息１２０条，其中政策解读（含图解）３５条。"
    r.paragraphs["overview"] = [*r.paragraphs["overview"], original_sentence]
    raw = render_text(r)
    rep = parse_ingested(load_bytes(raw.encode("utf-8"), "fw.txt"))
    payload = {"channels": [{"name": "“望川e办”App", "kind": "app", "count": 120, "quote": "“望川e办”App发布信息１２０条"}],
               "claims": []}
    rv = run(rep, Script(completion(payload)), tmp_path)
    ch = next(c for c in rv.narrative.channels if c.kind == "app")
    assert raw[ch.start:ch.end] == "“望川e办”App发布信息１２０条"  # offsets index the original text
    assert rv.text[ch.start:ch.end] == ch.quote == "“望川e办”App发布信息120条"


def test_cli_review_with_scripted_endpoint_reports_run_totals(tmp_path, monkeypatch):
    """The CLI path end to end: --backend openai against the scripted server, several files."""
    from typer.testing import CliRunner

    import extractor.review as review_mod
    from extractor.cli import app

    from .conftest import EXAMPLES

    script = Script(completion({"claims": []}))
    real = review_mod.make_backend

    def scripted(name, settings, http_client=None):
        return real(name, settings, http_client=script.client())

    monkeypatch.setattr(review_mod, "make_backend", scripted)
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path))
    files = [str(EXAMPLES / "wangchuan_2023.txt"), str(EXAMPLES / "lanshan_2020.txt")]
    args = ["review", *files, "--backend", "openai", "--model", "m", "--base-url", "http://model.test/v1",
            "--api-key", SECRET, "-f", "json", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(script.requests) == 2
    assert "model run: 2 request(s), 240+120 tokens" in result.stderr
    data = json.loads((tmp_path / "out" / "wangchuan_2023.json").read_text(encoding="utf-8"))
    assert data["extraction"]["backend"] == "openai" and SECRET not in json.dumps(data)
    again = CliRunner().invoke(app, args)
    assert len(script.requests) == 2 and "2 of 2 report(s) from cache" in again.stderr


def test_long_report_split_by_section_one_request_per_part(report, tmp_path):
    from extractor.narrative.llm import chunks

    parts = chunks(report, 300)
    assert len(parts) >= 2
    assert all(sum(len(p["text"]) for p in part) <= 300 or len(part) == 1 for part in parts)
    joined = "".join(p["text"] for part in parts for p in part)
    assert "获准公开的有二十五件" in joined and "本年制发件数" not in joined
    first = {"problems": [{"summary": "解读单一", "quote": "政策解读形式较为单一"}]}
    later = {"improvements": [{"summary": "丰富解读", "quote": "丰富图解、视频等解读形式", "answers": [0]}],
             "problems": [{"summary": "答复不规范", "quote": "依申请公开答复的规范性有待提高"}]}
    script = Script(*([completion({})] * (len(parts) - 2) + [completion(first), completion(later)]))
    rv = run(report, script, tmp_path, chunk_chars=300)
    assert len(script.requests) == len(parts)
    assert rv.extraction.usage.requests == len(parts)
    # Improvement indices are per part: “0” in the last part is that part's first problem.
    assert [p.summary for p in rv.narrative.problems] == ["解读单一", "答复不规范"]
    assert rv.narrative.improvements[0].answers == [1]
