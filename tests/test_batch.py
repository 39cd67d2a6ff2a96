"""`extractor batch`: every input accounted for, no collisions, resume and retry-failed, exit codes."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from extractor.batch.inputs import expand
from extractor.cli import app

from .conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture
def reports(tmp_path, monkeypatch):
    """Two reports with the same file name in different folders, a nested folder, unreadable files."""
    monkeypatch.chdir(tmp_path)
    for sub in ("a", "b", "c/deep"):
        (tmp_path / sub).mkdir(parents=True)
    shutil.copy(EXAMPLES / "wangchuan_2023.txt", tmp_path / "a" / "report.txt")
    shutil.copy(EXAMPLES / "wangchuan_2023_flawed.txt", tmp_path / "b" / "report.txt")
    shutil.copy(EXAMPLES / "lanshan_2020.html", tmp_path / "c" / "deep" / "lanshan.html")
    (tmp_path / "c" / "empty.txt").write_bytes(b"")
    (tmp_path / "c" / "binary.pdf").write_bytes(b"\x00\x01\x02 not a pdf")
    return tmp_path


def run(*args: str):
    return runner.invoke(app, ["batch", *args, "-o", "out", "--no-progress"])


def lines():
    with open("out/reviews.jsonl", encoding="utf-8") as fh:
        return [json.loads(x) for x in fh]


def test_every_input_accounted_for_and_no_two_outputs_collide(reports):
    result = run("a", "b/*.txt", "c", "--memo", "md")
    assert result.exit_code == 2, result.output  # two files could not be read
    assert "error: c/empty.txt:" in result.output and "error: c/binary.pdf:" in result.output
    assert "5 input(s): 3 reviewed, 0 skipped (already done), 2 failed" in result.output
    got = {x["input"]: x for x in lines()}
    assert set(got) == {"a/report.txt", "b/report.txt", "c/deep/lanshan.html", "c/empty.txt", "c/binary.pdf"}
    assert got["b/report.txt"]["review"]["findings"] and not got["a/report.txt"]["review"]["findings"]
    assert got["c/empty.txt"]["status"] == "failed" and got["c/empty.txt"]["error"]
    # one memo per report, the input's relative path kept
    assert (reports / "out/memos/a/report.txt.md").exists() and (reports / "out/memos/b/report.txt.md").exists()
    totals = json.loads((reports / "out/run.json").read_text(encoding="utf-8"))
    assert totals["inputs"] == 5 and totals["reviewed"] == 3 and totals["failed"] == 2
    assert {f["input"] for f in totals["failures"]} == {"c/empty.txt", "c/binary.pdf"}


def test_resume_does_no_work_and_retry_failed_reruns_only_the_failures(reports):
    run("a", "b", "c")
    result = run("a", "b", "c", "--resume")
    assert "0 reviewed, 5 skipped" in result.output, result.output
    assert result.exit_code == 2  # the unreadable inputs are still unreadable: still said
    assert len(lines()) == 5

    (reports / "c" / "empty.txt").write_bytes((EXAMPLES / "songlin_2017.txt").read_bytes())
    result = run("a", "b", "c", "--retry-failed")
    assert "1 reviewed, 3 skipped (already done), 1 failed" in result.output, result.output
    result = runner.invoke(app, ["batch", "--retry-failed", "-o", "out", "--no-progress"])  # from the store alone
    assert "1 input(s): 0 reviewed, 0 skipped (already done), 1 failed" in result.output, result.output
    got = {x["input"]: x for x in lines()}
    assert len(got) == len(lines()) == 5  # the newest line per input, no duplicates
    assert got["c/empty.txt"]["status"] == "ok"

    # an edited report is no longer "done": resume reviews it again
    text = (reports / "a" / "report.txt").read_text(encoding="utf-8")
    (reports / "a" / "report.txt").write_text(text + "\n", encoding="utf-8")
    result = run("a", "b", "c", "--resume")
    assert "1 reviewed, 4 skipped" in result.output, result.output


def test_exit_codes(reports):
    assert run("a").exit_code == 0
    assert run("b").exit_code == 1
    result = run("nothing-here", "a")
    assert result.exit_code == 2 and "nothing-here: no such file" in result.output


def test_output_that_is_a_file_is_a_one_line_error(reports):
    (reports / "out").write_text("x", encoding="utf-8")
    result = run("a")
    assert result.exit_code == 2
    assert "exists and is not a folder" in result.output and "Traceback" not in result.output


def test_worker_processes_give_the_same_results(reports):
    result = run("a", "b", "c", "--workers", "2")
    assert result.exit_code == 2
    parallel = {x["input"]: x.get("fingerprints") for x in lines()}
    shutil.rmtree("out")
    run("a", "b", "c", "--workers", "1")
    assert {x["input"]: x.get("fingerprints") for x in lines()} == parallel


def test_inputs_expand_globs_folders_once_each(reports):
    found, missing = expand(["a", "a/report.txt", "*/report.txt", "c/**/*.html", "none"], cwd=reports)
    assert [i.key for i in found] == ["a/report.txt", "b/report.txt", "c/deep/lanshan.html"]
    assert missing == ["none"]


def test_the_output_folder_is_never_an_input(reports):
    assert run(".").exit_code == 2
    result = run(".")  # out/ now holds reviews.jsonl, memos…: none of it is reviewed
    assert "5 input(s)" in result.output, result.output
