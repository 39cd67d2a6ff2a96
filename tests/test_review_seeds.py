"""The seeds reviewed: the labelled findings are found, consistent reports get no error at all."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.review import review_file

from .conftest import EXAMPLES, load_case, seed_path

CASES = [("000", "seed_000_xiji_2021"), ("001", "seed_001_beigong_2021"), ("002", "seed_002_xipo_2021"),
         ("003", "seed_003_xiji_2018"), ("004", "seed_004_xihongmen_2024")]


def _matches(finding, gold) -> bool:
    if finding.rule != gold["rule"] or finding.severity != gold["severity"]:
        return False
    keys = {e.key for e in finding.evidence if e.kind == "cell"}
    cell_map_names = set(gold.get("cells", []))
    quotes = "".join(e.quote or "" for e in finding.evidence)
    return (not cell_map_names or bool(cell_map_names & keys) or any(n in finding.message for n in cell_map_names)) and (
        "quote" not in gold or gold["quote"] in quotes)


@pytest.mark.parametrize(("prefix", "case"), CASES)
def test_seed_findings_match_labels(prefix, case):
    rv = review_file(seed_path(prefix))
    gold = load_case(case)["findings"]
    errors = [f for f in rv.findings if f.severity == "error"]
    for g in gold:
        assert any(_matches(f, g) for f in rv.findings), (g, [f.message for f in rv.findings])
    # Precision: every error raised is one a reviewer labelled.
    for f in errors:
        assert any(_matches(f, g) for g in gold), f.message


def test_2024_report_69_against_63_with_both_places():
    rv = review_file(seed_path("004"))
    f = next(f for f in rv.findings if f.rule == "claim.numeric")
    assert (f.found, f.expected, f.severity) == (69, 63, "error")
    quote, cell = f.evidence[0], f.evidence[1]
    assert quote.quote is not None and "69件" in quote.quote and rv.text[quote.start:quote.end] == quote.quote
    assert cell.key == "t3.new.total" and cell.value == 63 and cell.line is not None


def test_every_quote_is_verbatim_at_its_offsets():
    paths = [p for p in (EXAMPLES.glob("*.txt"))]
    from .conftest import SEEDS

    paths += sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    assert paths
    for path in paths:
        rv = review_file(path)
        for f in rv.findings:
            for e in f.evidence:
                if e.kind == "quote":
                    assert rv.text[e.start:e.end] == e.quote, (path, f.id)
        for c in rv.claims:
            assert rv.text[c.start:c.end] == c.quote
            if c.kind == "numeric":
                assert any(ch.isdigit() or ch in "零〇一二两三四五六七八九十百千万" for ch in c.quote)
        for ch in rv.narrative.channels + rv.narrative.problems + rv.narrative.improvements:
            assert rv.text[ch.start:ch.end] == ch.quote


runner = CliRunner()


@pytest.mark.parametrize(("fmt", "needle"), [("md", "的审查意见\n\n"), ("html", "<mark"), ("json", '"findings"')])
def test_review_cli_formats_and_exit_codes(fmt, needle):
    result = runner.invoke(app, ["review", str(seed_path("004")), "--format", fmt])
    assert result.exit_code == 1
    assert needle in result.stdout
    clean = runner.invoke(app, ["review", str(EXAMPLES / "wangchuan_2023.txt"), "--format", fmt])
    assert clean.exit_code == 0


def test_review_docx_and_severity_filter(tmp_path):
    out = tmp_path / "memo.docx"
    result = runner.invoke(app, ["review", str(seed_path("003")), "-f", "docx", "-o", str(out)])
    assert result.exit_code == 1
    from docx import Document

    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "郭洋" in text and "【错误】" in text
    md = runner.invoke(app, ["review", str(seed_path("003")), "--severity", "error"]).stdout
    assert md.count("【错误】") == 5 and "【警告】" not in md


def test_review_unreadable_file_exit_2(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    result = runner.invoke(app, ["review", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"error: {bad}:")


def test_html_memo_escapes_report_text(wangchuan):
    from extractor.ingest import load_bytes
    from extractor.memo import render_html
    from extractor.parse import parse_ingested
    from extractor.review import review_report
    from extractor.synth import render_text

    r = wangchuan.model_copy(deep=True)
    r.paragraphs["overview"] = [*r.paragraphs["overview"], "<script>alert(1)</script>申请人王小明申请公开预算。"]
    rv = review_report(parse_ingested(load_bytes(render_text(r).encode(), "x.txt")))
    page = render_html(rv)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    f = next(f for f in rv.findings if f.rule == "privacy.personal_data")
    assert f'id="{f.id}-0"' in page and f'href="#{f.id}-0"' in page


def test_openai_backend_without_endpoint_is_a_clear_error(monkeypatch):
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "EXTRACTOR_MODEL", "OPENAI_MODEL", "EXTRACTOR_BASE_URL", "EXTRACTOR_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    result = runner.invoke(app, ["review", str(EXAMPLES / "wangchuan_2023.txt"), "--backend", "openai"])
    assert result.exit_code == 2
    assert "needs a model" in result.stderr
    result = runner.invoke(app, ["review", str(EXAMPLES / "wangchuan_2023.txt"), "--backend", "openai", "--model", "m"])
    assert result.exit_code == 2 and "needs an endpoint" in result.stderr
    auto = runner.invoke(app, ["review", str(EXAMPLES / "wangchuan_2023.txt"), "-f", "json"])
    assert auto.exit_code == 0 and json.loads(auto.stdout)["extraction"]["backend"] == "rules"


def test_several_files_one_bad(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    outdir = tmp_path / "memos"
    result = runner.invoke(app, ["review", str(bad), str(EXAMPLES / "wangchuan_2023_flawed.txt"),
                                 str(EXAMPLES / "wangchuan_2023.txt"), "-o", str(outdir)])
    assert result.exit_code == 2
    assert sorted(p.name for p in outdir.iterdir()) == ["wangchuan_2023.md", "wangchuan_2023_flawed.md"]
    assert f"error: {bad}: empty file" in result.stderr


def test_readme_first_command_runs():
    result = runner.invoke(app, ["review", str(EXAMPLES / "wangchuan_2023_flawed.txt"), "--exit-zero"])
    assert result.exit_code == 0
    assert result.stdout.count("【错误】") == 5


def test_gb18030_crlf_fullwidth_copy_reviews_the_same(tmp_path):
    original = seed_path("004").read_text(encoding="utf-8")
    fullwidth = original.replace("69件", "６９件")
    variant = tmp_path / "gbk.txt"
    variant.write_bytes(fullwidth.replace("\n", "\r\n").encode("gb18030"))
    rv = review_file(variant)
    base = review_file(seed_path("004"))
    assert [(c.key, c.value) for c in rv.cells] == [(c.key, c.value) for c in base.cells]
    f = next(f for f in rv.findings if f.rule == "claim.numeric")
    q = f.evidence[0]
    decoded = variant.read_bytes().decode("gb18030")
    assert decoded[q.start:q.end].replace("６９", "69") == q.quote  # offsets index the original text
