"""`extractor batch` with the model backend: the real openai + instructor stack against a scripted
server; tokens and cost reach run.json and the store; resume keys on the backend and model."""

from __future__ import annotations

import json
import shutil
import sqlite3

from typer.testing import CliRunner

from extractor.cli import app

from .conftest import EXAMPLES
from .scripted import Script, completion

SECRET = "sk-test-batch-0123456789"


def test_batch_with_a_scripted_model(tmp_path, monkeypatch):
    import extractor.review as review_mod

    script = Script(completion({"claims": []}))
    real = review_mod.make_backend
    monkeypatch.setattr(review_mod, "make_backend",
                        lambda name, settings, http_client=None: real(name, settings, http_client=script.client()))
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    for name in ("wangchuan_2023.txt", "lanshan_2020.txt", "songlin_2017.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "empty.txt").write_bytes(b"")
    model = ["--backend", "openai", "--model", "m", "--base-url", "http://model.test/v1", "--api-key", SECRET,
             "--concurrency", "2"]
    result = CliRunner().invoke(app, ["batch", ".", "-o", "out", "--no-progress", *model])
    assert result.exit_code == 2, result.output
    assert "4 input(s): 3 reviewed, 0 skipped (already done), 1 failed" in result.output
    assert len(script.requests) == 3
    totals = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert (totals["requests"], totals["prompt_tokens"], totals["completion_tokens"]) == (3, 360, 180)
    db = sqlite3.connect("out/review.db")
    assert db.execute("SELECT backend, model, prompt_tokens FROM runs").fetchone() == ("openai", "m", 360)
    assert SECRET not in (tmp_path / "out" / "reviews.jsonl").read_text(encoding="utf-8")

    again = CliRunner().invoke(app, ["batch", ".", "-o", "out", "--no-progress", "--resume", *model])
    assert "0 reviewed, 4 skipped" in again.output and len(script.requests) == 3
    # the rules backend did not review these: resuming with it reviews them again
    rules = CliRunner().invoke(app, ["batch", ".", "-o", "out", "--no-progress", "--resume", "--backend", "rules"])
    assert "3 reviewed, 0 skipped (already done), 1 failed" in rules.output, rules.output
