"""The review store: decisions survive reruns by fingerprint, a changed cell makes a finding new,
labels export as an eval suite the eval runner loads."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.store import FindingFilter, StoreError, open_store
from extractor.store.fingerprint import fingerprint

from .conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture
def flawed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES / "wangchuan_2023_flawed.txt", tmp_path / "flawed.txt")
    return tmp_path / "flawed.txt"


def batch(*args: str):
    return runner.invoke(app, ["batch", *args, "-o", "out", "--no-progress", "--workers", "1"])


def by_rule(store, **kw):
    return {f["rule"]: f for f in store.findings(FindingFilter(**kw))}


def test_fingerprint_ignores_offsets_and_wording_not_values():
    f = {"rule": "identity.table", "message": "a", "evidence": [
        {"kind": "cell", "key": "t3.new.total", "value": 48, "start": 10, "end": 12},
        {"kind": "quote", "quote": "新收申请48件", "start": 5, "end": 12}]}
    moved = {**f, "message": "b", "evidence": [{**e, "start": e["start"] + 7} for e in reversed(f["evidence"])]}
    changed = {**f, "evidence": [{**f["evidence"][0], "value": 49}, f["evidence"][1]]}
    assert fingerprint("a.txt", f) == fingerprint("a.txt", moved)
    assert fingerprint("a.txt", f) != fingerprint("a.txt", changed)
    assert fingerprint("a.txt", f) != fingerprint("b.txt", f)


def test_dismissal_survives_a_rerun_and_a_changed_cell_makes_the_finding_new(flawed):
    assert batch("flawed.txt").exit_code == 1
    with open_store("out") as store:
        first = by_rule(store, status="standing")
    assert {"identity.table", "privacy.personal_data"} <= set(first)
    assert {f["status"] for f in first.values()} == {"new"}

    privacy = first["privacy.personal_data"]
    result = runner.invoke(app, ["findings", "dismiss", privacy["fingerprint"][:8], "--note", "化名", "-s", "out",
                                 "--reviewer", "lin"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["findings", "accept", f"#{first['identity.table']['id']}", "-s", "out"])
    assert result.exit_code == 0, result.output

    # the same input again: every finding still stands, decisions kept
    assert batch("flawed.txt").exit_code == 1
    with open_store("out") as store:
        again = by_rule(store, status="standing")
    assert {f["status"] for f in again.values()} == {"open"}
    assert again["privacy.personal_data"]["decision"] == "dismissed"
    assert again["privacy.personal_data"]["note"] == "化名"
    assert again["identity.table"]["decision"] == "accepted"

    # the wrong cell changed (21 -> 22): that finding is new (no decision), the old one gone;
    # the untouched dismissal still holds
    text = flawed.read_text(encoding="utf-8")
    cell = again["identity.table"]["evidence"][0]
    assert text[cell["start"]:cell["end"]] == "21"
    flawed.write_text(text[:cell["start"]] + "22" + text[cell["end"]:], encoding="utf-8")
    assert batch("flawed.txt").exit_code == 1
    with open_store("out") as store:
        now = by_rule(store, status="standing")
        gone = by_rule(store, status="gone")
    assert now["identity.table"]["status"] == "new" and now["identity.table"]["decision"] is None
    assert now["identity.table"]["fingerprint"] != again["identity.table"]["fingerprint"]
    assert gone["identity.table"]["fingerprint"] == again["identity.table"]["fingerprint"]
    assert now["privacy.personal_data"]["status"] == "open"
    assert now["privacy.personal_data"]["decision"] == "dismissed"


def test_exported_labels_load_as_an_eval_case(flawed):
    from extractor.evals.cases import load_suite
    from extractor.evals.run import run_suite

    batch("flawed.txt")
    with open_store("out") as store:
        found = store.findings(FindingFilter(status="standing"))
        for f in found:
            store.decide(str(f["id"]), "dismissed" if f["rule"] == "privacy.personal_data" else "accepted", None, "t")
    result = runner.invoke(app, ["findings", "export-labels", "labels", "-s", "out"])
    assert result.exit_code == 0, result.output
    assert "privacy.personal_data" in result.stdout and "precision 0%" in result.stdout
    config, cases = load_suite(flawed.parent / "labels")
    assert len(cases) == 1
    assert {f.rule for f in cases[0].findings} == {f["rule"] for f in found} - {"privacy.personal_data"}
    suite = run_suite("labels", config, cases, None)
    case = suite.cases[0]
    assert case.status == "ok"
    # the reviewers' verdicts measure precision: every accepted finding found, the dismissed one a false alarm
    assert case.findings.tp == len(found) - 1 and case.findings.fp == 1 and case.findings.fn == 0


def test_store_opens_in_wal_mode_with_a_findings_view(flawed):
    batch("flawed.txt")
    db = sqlite3.connect("out/review.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = db.execute("SELECT input, rule, status FROM findings_view").fetchall()
    assert rows and all(r[0] == "flawed.txt" for r in rows)
    assert db.execute("SELECT count(*) FROM cells").fetchone()[0] > 100
    run = db.execute("SELECT tool_version, rules_version, backend, reviewed FROM runs").fetchone()
    assert run[2] == "rules" and run[3] == 1 and len(run[1]) == 12


def test_unknown_references_and_backends_are_one_line_errors(flawed):
    batch("flawed.txt")
    result = runner.invoke(app, ["findings", "show", "ffffffffff", "-s", "out"])
    assert result.exit_code == 2 and "no such finding" in result.output
    result = runner.invoke(app, ["findings", "list", "-s", "nowhere"])
    assert result.exit_code == 2 and "no review store" in result.output
    with pytest.raises(StoreError, match="only sqlite"):
        open_store("postgresql://db/reviews")
