"""`extractor review` with no model configured starts light: it imports neither the model stack nor
what only other commands use, and its event-loop-free path gives what ``review_many`` gives."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.config import use_limits

from .conftest import EXAMPLES, runaway_inputs

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_review_without_a_model_imports_only_what_it_uses():
    code = ("import sys; from typer.testing import CliRunner; from extractor.cli import app; "
            f"r = CliRunner().invoke(app, ['review', {str(EXAMPLES / 'wangchuan_2023.txt')!r}, '--exit-zero']); "
            "heavy = ('openai', 'instructor', 'charset_normalizer', 'asyncio', 'jinja2', 'rich', "
            "'extractor.cli_batch', 'extractor.cli_serve', 'extractor.narrative.llm', "
            "'extractor.narrative.grounding', 'extractor.narrative.cache', 'extractor.store'); "
            "print(r.exit_code, sorted(m for m in sys.modules if m.startswith(heavy)))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "EXTRACTOR_"))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert out.stdout.strip() == "0 []", out.stdout + out.stderr


def test_commands_registered_later_are_listed_and_run():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    names = re.findall(r"│ (\w+)\s", result.stdout)
    assert names[-6:] == ["parse", "review", "eval", "batch", "serve", "findings"]
    assert "Did you mean 'batch'" in runner.invoke(app, ["batc"]).output
    result = runner.invoke(app, ["findings", "list", "--store", "/nonexistent/out"])
    assert result.exit_code == 2 and "no review store here" in result.stderr


def test_a_runaway_report_stops_and_the_others_are_reviewed(monkeypatch, tmp_path):
    text = (EXAMPLES / "wangchuan_2023.txt").read_text(encoding="utf-8")
    slow, good = runaway_inputs(monkeypatch, tmp_path, text)
    try:
        result = runner.invoke(app, ["review", str(slow), str(good), "-o", str(tmp_path / "memos"),
                                     "--limit", "seconds=0.3"])
    finally:
        use_limits(None)  # --limit sets the limits in force; leave none behind for other tests
    assert result.exit_code == 2
    assert f"error: {slow}: review stopped after the time budget of 0.3 s" in result.stderr
    assert (tmp_path / "memos" / "good.md").is_file() and not (tmp_path / "memos" / "slow.md").exists()
