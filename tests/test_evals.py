"""`extractor eval`: the shipped suite passes its thresholds; baselines compare case by case."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from extractor.cli import app
from extractor.evals.cases import load_case, load_suite
from extractor.evals.run import compare, load_result, run_suite

from .conftest import ROOT

runner = CliRunner()
SUITE = ROOT / "evals"


def test_shipped_suite_passes_thresholds_with_mutation_sample(tmp_path):
    saved = tmp_path / "result.json"
    html = tmp_path / "report.html"
    result = runner.invoke(app, ["eval", str(SUITE), "--mutate", "1", "--seed", "7", "--save", str(saved)])
    assert result.exit_code == 0, result.output
    data = json.loads(saved.read_text(encoding="utf-8"))
    own = [c for c in data["cases"] if c["name"].startswith("own_")]
    assert len(own) >= 15 and all(c["status"] == "ok" for c in own)
    assert {c["format"] for c in own} == {"text", "html", "docx", "pdf"}
    assert data["metrics"]["cell_accuracy"] == 1.0
    assert data["mutation"]["planted"] > 20 and data["mutation"]["clean"] > 20
    assert data["failures"] == []
    out = runner.invoke(app, ["eval", str(SUITE), "-f", "html", "-o", str(html)])
    assert out.exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "问题发现的召回率" in page and "own_03_wangchuan_flawed_txt" in page


def test_every_rule_has_a_labelled_case():
    from extractor.reconcile.findings import RULES

    _, cases = load_suite(SUITE)
    labelled = {f.rule for c in cases if c.name.startswith("own_") for f in c.findings}
    assert labelled == set(RULES)
    templates = {c.document.get("template") for c in cases if c.name.startswith("own_")}
    assert templates == {"gov2021", "gov2019", "legacy"}


def test_baseline_comparison_is_paired(tmp_path):
    suite = tmp_path / "suite"
    (suite / "cases").mkdir(parents=True)
    (suite / "suite.yaml").write_text("cases: 'cases/*.yaml'\nthresholds: {finding_recall: 0.99}\n", encoding="utf-8")
    case = (SUITE / "cases" / "own_13_dates_txt.yaml").read_text(encoding="utf-8")
    case = case.replace("../../examples/", str(ROOT / "examples") + "/")
    (suite / "cases" / "dates.yaml").write_text(case, encoding="utf-8")
    shutil.copy(SUITE / "cases" / "own_05_lanshan_clean_txt.yaml", suite / "cases" / "clean.yaml")
    clean = (suite / "cases" / "clean.yaml").read_text(encoding="utf-8").replace("../../examples/", str(ROOT / "examples") + "/")
    (suite / "cases" / "clean.yaml").write_text(clean, encoding="utf-8")
    base = tmp_path / "base.json"
    assert runner.invoke(app, ["eval", str(suite), "--save", str(base)]).exit_code == 0
    # A worse tool: pretend the baseline also found a finding that the current run now misses.
    worse = case.replace("rule: date.period, severity: warning", "rule: date.period, severity: error")
    (suite / "cases" / "dates.yaml").write_text(worse, encoding="utf-8")
    result = runner.invoke(app, ["eval", str(suite), "--baseline", str(base), "-f", "json"])
    assert result.exit_code == 1  # finding_recall fell below its threshold
    data = json.loads(result.stdout)
    comparison = data["comparison"]
    assert [e["case"] for e in comparison["regressed"]] == ["dates"]
    assert comparison["metric_delta"]["finding_recall"] < 0
    assert "below threshold" in result.stderr


def test_optional_case_with_absent_report_is_skipped(tmp_path):
    path = tmp_path / "absent.yaml"
    path.write_text("report: ../nowhere/report.txt\noptional: true\nfindings: []\n", encoding="utf-8")
    case = load_case(path)
    from extractor.evals.cases import SuiteConfig

    result = run_suite("t", SuiteConfig(), [case], None)
    assert result.cases[0].status == "skipped"


def test_load_result_round_trip(tmp_path):
    config, cases = load_suite(SUITE)
    result = run_suite("s", config, [c for c in cases if c.name == "own_05_lanshan_clean_txt"], None)
    path = tmp_path / "r.json"
    path.write_text(result.model_dump_json(), encoding="utf-8")
    again = load_result(path)
    assert compare(result, again)["changed"] == []
