"""The memo: one model in three renderings, office wording without keys, evidence a reader can find."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from extractor.cli import app
from extractor.evals.cases import load_suite
from extractor.ingest import load_bytes
from extractor.memo import render_docx, render_html, render_json, render_markdown
from extractor.memo.model import MemoOptions, build_memo
from extractor.parse import parse_ingested
from extractor.review import Review, review_file, review_report
from extractor.synth import render_text

from .conftest import EXAMPLES, ROOT, seed_path

runner = CliRunner()
FLAWED = EXAMPLES / "wangchuan_2023_flawed.txt"
# A canonical key (t3.granted.natural_person), an identity id (t3.row_total[granted]) or a rule id.
KEY = re.compile(r"\b(?:t[234]|legacy)\.[a-z0-9_]|\b(?:identity|claim|narrative|privacy|form|date)\.[a-z_]+\b")


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def _visible_html(page: str) -> str:
    """Text a reader sees: ids and hrefs are addresses, not prose."""
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return re.sub(r"<[^>]+>", "", body)


@pytest.fixture(scope="module")
def suite_reviews() -> list[tuple[str, Review]]:
    _, cases = load_suite(ROOT / "evals")
    out = []
    for case in cases:
        if case.available():
            data, name = case.materialise()
            out.append((case.path.stem, review_report(parse_ingested(load_bytes(data, name)))))
    assert len(out) >= 18
    return out


def test_no_canonical_key_in_any_memo_of_the_eval_suite(suite_reviews):
    leaks = []
    n_findings = 0
    for name, rv in suite_reviews:
        n_findings += len(rv.findings)
        for fmt, text in (("md", render_markdown(rv)), ("html", _visible_html(render_html(rv))),
                          ("docx", _docx_text(render_docx(rv)))):
            m = KEY.search(text)
            if m:
                leaks.append(f"{name} {fmt}: …{text[max(0, m.start() - 40):m.end() + 30]}…")
    assert n_findings >= 30  # the suite's planted contradictions are all in these memos
    assert not leaks, "\n".join(leaks)
    # JSON keeps them: it is the machine-readable record.
    data = json.loads(render_json(suite_reviews[0][1] if suite_reviews[0][1].findings else review_file(FLAWED)))
    assert any(e.get("key") for f in data["findings"] for e in f["evidence"]) or data["cells"][0]["key"]


def test_internal_memo_keeps_the_keys():
    rv = review_file(FLAWED)
    md = render_markdown(rv, options=MemoOptions(internal=True)).replace("\\_", "_")  # Markdown-escaped
    assert "t3.granted.natural_person" in md and "identity.table" in md


def test_cells_are_named_by_their_printed_labels_and_findings_say_both_sides():
    rv = review_file(FLAWED)
    md = render_markdown(rv)
    assert "表三“（一）予以公开”行“自然人”列填报为21" in md
    assert "该数应为20" in md
    assert "报告正文称“2023年共新收政府信息公开申请50件”，而表三“一、本年新收政府信息公开申请数量”行“总计”列填报为48，相差2" in md
    # qualitative: the sentence and the figure that contradicts it, not "所填：1；应为：0"
    assert "报告正文称“未发生政府信息公开行政诉讼”，但表四“行政诉讼—未经复议直接起诉—总计”列填报为1" in md
    assert "应为：0" not in md and "报告所填/所述" not in md


def test_findings_ordered_by_importance_privacy_first():
    memo = build_memo(review_file(FLAWED))
    assert memo.findings[0].rule == "privacy.personal_data"
    assert [f.number for f in memo.findings[:3]] == ["一", "二", "三"]
    assert all(f.severity == "error" for f in memo.findings)


def test_three_renderings_have_the_same_sections_in_the_same_order():
    rv = review_file(FLAWED)
    heads = ["发现的问题", "附一：正文要点", "附二：核对情况"]
    md, html, docx = render_markdown(rv), _visible_html(render_html(rv)), _docx_text(render_docx(rv))
    for text in (md, html, docx):
        positions = [text.index(h) for h in heads]
        assert positions == sorted(positions)
        assert text.index("一、【错误】正文泄露个人信息") < text.index("二、【错误】表格勾稽关系不成立")


def test_checks_tick_only_when_everything_of_that_kind_was_checked_and_held():
    _, cases = load_suite(ROOT / "evals")
    case = next(c for c in cases if c.path.stem == "own_18_table_cut_txt")
    data, name = case.materialise()
    memo = build_memo(review_report(parse_ingested(load_bytes(data, name))))
    identity = next(c for c in memo.checks if c.rule == "identity.table")
    assert identity.mark != "✓" and "未核对" in identity.summary and "均相符" in identity.summary
    for c in memo.checks:
        if c.mark == "✓":
            assert "未" not in c.summary and "不符" not in c.summary


def test_o_docx_writes_a_word_letter_without_f(tmp_path):
    out = tmp_path / "x.docx"
    result = runner.invoke(app, ["review", str(FLAWED), "-o", str(out), "--from", "云溪区政务公开办",
                                 "--date", "2024-02-01", "--deadline", "2024年3月1日"])
    assert result.exit_code == 1, result.stderr
    assert out.read_bytes()[:2] == b"PK"
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "青禾市云溪区望川街道办事处：" in text  # addressee: the reporting office
    assert "云溪区政务公开办" in text and "2024年2月1日" in text
    assert "请对上述问题逐项核实，于2024年3月1日前更正报告" in text
    assert "附一：正文要点" in text
    assert doc.core_properties.author == "云溪区政务公开办"
    assert doc.core_properties.title.startswith("关于《青禾市云溪区望川街道办事处")
    assert doc.core_properties.created.year >= 2024
    rfonts = doc.styles["Normal"].element.rPr.rFonts
    assert rfonts.get(qn("w:eastAsia")) == "仿宋"
    assert doc.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml  # page numbers
    html_out = tmp_path / "x.html"
    assert runner.invoke(app, ["review", str(FLAWED), "-o", str(html_out), "--exit-zero"]).exit_code == 0
    assert html_out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_bad_date_option_is_one_line_error():
    result = runner.invoke(app, ["review", str(FLAWED), "--date", "2024-13-01"])
    assert result.exit_code == 2 and result.stderr.startswith("error: --date")


def test_pdf_evidence_carries_page_numbers():
    _, cases = load_suite(ROOT / "evals")
    case = next(c for c in cases if c.path.stem == "own_04_wangchuan_flawed_pdf")
    data, name = case.materialise()
    rv = review_report(parse_ingested(load_bytes(data, name)))
    evidence = [e for f in rv.findings for e in f.evidence]
    assert evidence and all(e.page and e.page >= 1 for e in evidence if e.start is not None)
    assert max(e.page or 0 for e in evidence) >= 2  # the tables sit on a later page than the prose
    starts = rv.document.page_starts
    for e in evidence:
        if e.start is not None:
            assert starts[e.page - 1] <= e.start  # type: ignore[operator]
    md = render_markdown(rv)
    assert re.search(r"第\d+页（全文第\d+行）", md)
    assert json.loads(render_json(rv))["findings"][0]["evidence"][0]["page"] >= 1


def test_text_evidence_says_line_not_page():
    md = render_markdown(review_file(FLAWED))
    assert "原文第7行：“王建国”" in md and "页" not in md.split("## 附一")[0]


def _hostile_review(wangchuan, extra: str) -> Review:
    r = wangchuan.model_copy(deep=True)
    r.paragraphs["overview"] = [*r.paragraphs["overview"], extra]
    return review_report(parse_ingested(load_bytes(render_text(r).encode(), "x.txt")))


def test_markdown_escapes_report_text(wangchuan):
    rv = _hostile_review(wangchuan, '<img src=x onerror=alert(1)>申请人王小明申请公开**预算**[链接](http://x)。')
    rv.document.title = '<img src=x onerror=alert(1)>[链接](http://x)年度报告'
    md = render_markdown(rv)
    assert "<img" not in md and "&lt;img" in md
    assert "](http" not in md
    assert "王小明" in md
    html = render_html(rv)
    assert "<img" not in html and "&lt;img" in html


def test_docx_drops_control_characters(wangchuan):
    rv = review_file(FLAWED)
    rv = rv.model_copy(deep=True)
    rv.document.title = "报告\x0b标题\x01"
    rv.findings[-1].message = "成文日期\x07有误。"
    data = render_docx(rv)  # python-docx raises ValueError on these unless they are removed
    text = _docx_text(data)
    assert "报告标题" in text and "\x0b" not in text and "\x01" not in text


def test_unknown_cell_kind_is_unreadable_not_a_number():
    rv = review_file(FLAWED).model_copy(deep=True)
    f = next(f for f in rv.findings if f.rule == "identity.table")
    cell = next(c for c in rv.cells if c.key == f.evidence[0].key)
    object.__setattr__(cell, "kind", "ambiguous")
    memo = build_memo(rv)
    item = next(e for mf in memo.findings for e in mf.evidence if e.key == cell.key)
    assert item.value == "无法识别"


def test_html_shows_tables_with_the_cells_highlighted_and_links_open_them():
    rv = review_file(FLAWED)
    page = render_html(rv)
    assert '<td id="c-t3-granted-natural_person" class="hl">21</td>' in page
    assert 'href="#c-t3-granted-natural_person"' in page
    assert "<table>" in page and "自然人</th>" in page
    # the quote keeps its context and its highlight in the source
    f = next(f for f in rv.findings if f.rule == "claim.numeric")
    assert f'<mark id="{f.id}-0"' in page


def test_same_cause_row_and_column_totals_are_one_finding():
    from extractor.reconcile.findings import Evidence, Finding, group_by_cause

    def cell(key, value):
        return Evidence(kind="cell", key=key, value=value)

    row = Finding(rule="identity.table", severity="error", message="m1", expected=24, found=25,
                  effects=["各类申请人之和等于总计（t3.row_total[result_total]）"],
                  evidence=[cell("t3.result_total.total", 25), cell("t3.result_total.natural_person", 20)])
    col = Finding(rule="identity.table", severity="error", message="m2", expected=24, found=25,
                  effects=["办理结果各项之和等于（七）总计（t3.result_sum[total]）"],
                  evidence=[cell("t3.result_total.total", 25), cell("t3.granted.total", 10)])
    other = Finding(rule="identity.table", severity="error", message="m3", expected=3, found=5,
                    effects=["x（t3.row_total[new]）"], evidence=[cell("t3.new.total", 5)])
    expected_effects = row.effects + col.effects
    out = group_by_cause([row, col, other])
    assert len(out) == 2
    assert out[0].effects == expected_effects and out[0].related == ["m2"]
    assert [e.key for e in out[0].evidence] == ["t3.result_total.total", "t3.result_total.natural_person",
                                                 "t3.granted.total"]


def test_seed_memos_read_as_letters():
    rv = review_file(seed_path("003"))
    md = render_markdown(rv, options=MemoOptions(sender="通州区政务公开办"))
    assert md.index("正文泄露个人信息") < md.index("表格勾稽关系不成立")
    assert "统计表“三、依申请公开情况—（三）申请答复数”行填报为6，而各分项合计为5，相差1" in md
    assert "legacy." not in md and "通州区政务公开办" in md


def test_memo_docs_script_exists():
    assert (ROOT / "docs" / "make_images.sh").exists()
    for png in (ROOT / "docs").glob("*.png"):
        assert png.stat().st_size < 300_000, png


def test_bundled_example_memo_date_is_configurable():
    memo = build_memo(review_file(FLAWED), MemoOptions(date=__import__("datetime").date(2024, 1, 5)))
    assert memo.date == "2024年1月5日"


def test_same_cause_finding_reads_as_one_correction():
    from extractor.reconcile.findings import Evidence, Finding

    rv = review_file(FLAWED).model_copy(deep=True)
    cells = {c.key: c for c in rv.cells}
    rv.findings = [Finding(
        id="F1", rule="identity.table", severity="error", message="m1", expected=43, found=44, related=["m2"],
        effects=["各类申请人之和等于总计（t3.row_total[result_total]）", "办理结果各项之和等于（七）总计（t3.result_sum[total]）"],
        evidence=[Evidence.of_cell(cells["t3.result_total.total"]), Evidence.of_cell(cells["t3.granted.total"])])]
    f = build_memo(rv).findings[0]
    assert f.text.startswith("表内2处勾稽关系不成立，差额均为1，且都涉及表三“（七）总计”行“总计”列")
    assert f.effects == ["表三“（七）总计”行：各类申请人之和等于总计，不成立",
                         "表三“总计”列：办理结果各项之和等于（七）总计，不成立"]
