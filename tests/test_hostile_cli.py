"""Failures of the tool's own making: one line `error: …`, exit 2 (never 1, which means findings),
and a batch that goes on past them."""

from __future__ import annotations

import os
import shutil

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.config import use_limits

from .conftest import EXAMPLES

runner = CliRunner()
FLAWED = EXAMPLES / "wangchuan_2023_flawed.txt"
CLEAN = EXAMPLES / "wangchuan_2023.txt"


@pytest.fixture(autouse=True)
def _default_limits():
    yield
    use_limits(None)  # --limit sets the limits in force; leave none behind for other tests


def _one_error(result, *needles: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def _copy(tmp_path, source=FLAWED, name="report.txt"):
    target = tmp_path / name
    shutil.copy(source, target)
    return target


def test_output_in_a_missing_folder_fails_before_any_review(tmp_path):
    result = runner.invoke(app, ["review", str(FLAWED), "-o", str(tmp_path / "nope" / "memo.md")])
    _one_error(result, "does not exist")
    assert "error(s)" not in result.stderr  # nothing was reviewed


def test_output_folder_that_is_a_file(tmp_path):
    taken = tmp_path / "memos"
    taken.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["review", str(FLAWED), str(CLEAN), "-o", str(taken)])
    _one_error(result, "exists and is not a folder")


def test_output_that_is_the_input_never_overwrites_it(tmp_path):
    report = _copy(tmp_path)
    before = report.read_bytes()
    result = runner.invoke(app, ["review", str(report), "-o", str(report)])
    _one_error(result, "would overwrite an input report")
    assert report.read_bytes() == before


def test_docx_memo_next_to_an_input_of_that_name_is_refused(tmp_path):
    report = _copy(tmp_path, name="r.txt")
    clash = _copy(tmp_path, name="r.review.docx")  # another input, where r.txt's memo would go
    result = runner.invoke(app, ["review", str(report), str(clash), "-f", "docx", "--exit-zero"])
    assert result.exit_code == 2
    assert "r.review.docx: the memo would overwrite an input report" in result.stderr
    assert clash.read_bytes() == FLAWED.read_bytes()


def test_an_unwritable_memo_costs_that_file_only(tmp_path):
    out = tmp_path / "memos"
    (out / "a.md").mkdir(parents=True)  # a folder where the first memo should go
    a, b = _copy(tmp_path, name="a.txt"), _copy(tmp_path, name="b.txt")
    result = runner.invoke(app, ["review", str(a), str(b), "-o", str(out), "--exit-zero"])
    _one_error(result, "a.md: cannot write the memo")
    assert (out / "b.md").read_text(encoding="utf-8")


def test_unreadable_inputs_do_not_stop_the_batch(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["review", str(tmp_path / "missing.txt"), str(fifo), str(FLAWED), "--exit-zero"])
    assert result.exit_code == 2
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
    assert [e.split(": ")[2] for e in errors] == ["no such file", "not a regular file"]
    assert f"{FLAWED}: " in result.stderr and "error(s)" in result.stderr  # the good file was reviewed


def test_corrupt_cache_is_one_line(tmp_path, monkeypatch):
    (tmp_path / "llm-cache.sqlite3").write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path))
    result = runner.invoke(app, ["review", str(FLAWED), "--backend", "openai", "--model", "m",
                                 "--base-url", "http://127.0.0.1:9/v1"])
    _one_error(result, "model cache unusable", "--no-cache")


def test_cache_folder_that_cannot_be_made(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(blocker / "cache"))
    result = runner.invoke(app, ["review", str(FLAWED), "--backend", "openai", "--model", "m",
                                 "--base-url", "http://127.0.0.1:9/v1"])
    _one_error(result, "cannot create the model cache folder")


def test_memo_that_cannot_be_rendered_costs_that_file_only(tmp_path, monkeypatch):
    import extractor.memo as memo

    real = memo.RENDERERS["md"]

    def render(review, severity, options=None):
        if review.document.path.endswith("a.txt"):
            raise ValueError("simulated renderer failure")
        return real(review, severity, options)

    monkeypatch.setitem(memo.RENDERERS, "md", render)
    a, b = _copy(tmp_path, name="a.txt"), _copy(tmp_path, name="b.txt")
    result = runner.invoke(app, ["review", str(a), str(b)])
    _one_error(result, "a.txt: cannot render the md memo (ValueError")
    assert "b.txt: " in result.stderr and "# " in result.stdout


def test_limits_on_the_command_line(tmp_path):
    result = runner.invoke(app, ["review", str(FLAWED), "--limit", "chars=1k"])
    _one_error(result, "over the 1,000 limit", "--limit chars")
    assert runner.invoke(app, ["review", str(FLAWED), "--limit", "chars=1M", "--exit-zero"]).exit_code == 0
    _one_error(runner.invoke(app, ["parse", str(FLAWED), "--limit", "colour=3"]), "unknown limit 'colour'")
    _one_error(runner.invoke(app, ["parse", str(FLAWED), "--limit", "pages=lots"]), "not a number")


@pytest.mark.parametrize("suite_yaml, case_yaml, needle", [
    ("cases: [unclosed", None, "suite.yaml: invalid suite"),
    ("thresholds: {recall: high}", None, "invalid suite: thresholds.recall"),
    (None, "- just\n- a list", "bad.yaml: invalid eval case: TypeError"),
    (None, "report: {", "bad.yaml: invalid eval case: ParserError"),
])
def test_malformed_eval_suite_is_one_line(tmp_path, suite_yaml, case_yaml, needle):
    (tmp_path / "cases").mkdir()
    if suite_yaml is not None:
        (tmp_path / "suite.yaml").write_text(suite_yaml, encoding="utf-8")
    (tmp_path / "cases" / "bad.yaml").write_text(case_yaml or "report: missing.txt\n", encoding="utf-8")
    _one_error(runner.invoke(app, ["eval", str(tmp_path)]), needle)


def test_eval_output_that_cannot_be_written(tmp_path):
    suite = EXAMPLES.parent / "evals"
    result = runner.invoke(app, ["eval", str(suite), "-f", "json", "-o", str(tmp_path / "no" / "eval.json")])
    _one_error(result, "cannot write")
