"""Token stream and reader details: PDF-style lines, wrapped labels, unplaceable cells."""

from __future__ import annotations

from extractor.ingest import load_bytes
from extractor.parse import parse_ingested
from extractor.tables.tokens import parse_value, tokenize


def test_tokens_from_every_line_shape():
    text = "\t 19\n\t\n规章\t0\t1\t2\n（一）予以公开 13 0 0 0 0 0 13\n（ 2018 年度）\n结果\n纠正\n"
    toks = [(t.kind, t.text) for t in tokenize(text)]
    assert toks == [
        ("value", "19"), ("empty", ""), ("label", "规章"), ("value", "0"), ("value", "1"), ("value", "2"),
        ("label", "（一）予以公开"), *[("value", v) for v in ["13", "0", "0", "0", "0", "0", "13"]],
        ("label", "（ 2018 年度）"), ("label", "结果"), ("label", "纠正"),
    ]
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text


def test_value_kinds():
    assert parse_value("0") == (0, "zero")
    assert parse_value(" 1,092 ") == (1092, "number")
    assert parse_value("") == (None, "blank")
    assert parse_value("/") == (None, "not_applicable")
    assert parse_value("—") == (None, "not_applicable")
    assert parse_value("-3") == (-3, "number")
    assert str(parse_value("12.50万元")[0]) == "12.50"


def _report(t3_lines: str) -> str:
    return ("测试镇2022年政府信息公开工作年度报告\n一、总体情况\n依法公开。\n二、主动公开政府信息情况\n"
            "本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 1 0 3\n"
            "行政许可 5\n行政处罚 7\n行政强制 0\n行政事业性收费 0\n"
            "三、收到和处理政府信息公开申请情况\n" + t3_lines + "\n五、存在的主要问题及改进情况\n无明显问题。\n")


def test_row_with_too_few_values_is_a_problem_not_zeros():
    report = parse_ingested(load_bytes(_report("一、本年新收政府信息公开申请数量 5 1 0 6\n").encode(), "r.txt"))
    assert "t3.new.total" not in report.cell_map()
    problem = next(p for p in report.problems if p.code == "row_values")
    assert "t3.new.natural_person" in problem.keys
    assert report.text[problem.source.start:problem.source.end].startswith("5")


def test_pdf_wrapped_label_and_values_on_first_line():
    t3 = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
          "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n"
          "三、本年度办理结果 （一）予以 2 0 0 0 0 0 2\n公开\n"
          "（二）部分公开（区分处理的，只计这一 1 0 0 0 0 0 1\n情形，不计其他情形）\n")
    report = parse_ingested(load_bytes(_report(t3).encode(), "r.txt"))
    cells = report.cell_map()
    assert cells["t3.granted.total"].value == 2
    assert cells["t3.partial.total"].value == 1
    assert cells["t2.licensing.decisions"].value == 5


def test_missing_row_does_not_swallow_the_next():
    # 上年结转 is absent: the reader must not take 予以公开's numbers for it.
    t3 = ("一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3\n"
          "（一）予以公开 2 0 0 0 0 0 2\n")
    report = parse_ingested(load_bytes(_report(t3).encode(), "r.txt"))
    cells = report.cell_map()
    assert "t3.carried_over.total" not in cells
    assert cells["t3.granted.total"].value == 2
    assert any(p.code == "row_missing" and "t3.carried_over.total" in p.keys for p in report.problems)


def test_values_above_their_labels_are_read_as_such():
    rows = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"]
    t3 = "自然人 法人或其他组织 总计\n3 0 0 0 0 0 3\n" + rows[0] + "\n1 0 0 0 0 0 1\n" + rows[1] + "\n"
    report = parse_ingested(load_bytes(_report(t3).encode(), "r.txt"))
    cells = report.cell_map()
    assert cells["t3.new.total"].value == 3 and cells["t3.carried_over.total"].value == 1
    assert report.document.reading == "text, values above labels"


def test_a_misaligned_table_is_never_used_to_accuse():
    from extractor.review import review_report

    # 新收 has 8 numbers for 7 columns: the table may be read out of alignment.
    t3 = ("一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3 9\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 5\n")
    rv = review_report(parse_ingested(load_bytes(_report(t3).encode(), "r.txt")))
    assert not [f for f in rv.findings if f.rule == "identity.table"]
    assert any(f.rule == "form.tables" for f in rv.findings)


def test_hostile_pdf_falls_back_to_detected_tables(wangchuan):
    import pytest

    pytest.importorskip("reportlab")
    from extractor.synth import render_pdf

    report = parse_ingested(load_bytes(render_pdf(wangchuan, values_valign="TOP"), "hostile.pdf"))
    assert report.document.reading == "detected_tables"
    assert report.problems == []
    assert {c.key: c.value for c in report.cells} == wangchuan.all_values()


def test_label_and_cell_variants():
    t3 = ("一、本年度新收政府信息公开申请数量 3件 0 0 0 0 0 3件\n"
          "二、上年度结转政府信息公开申请数量 0 0 0 0 0 0 0\n")
    report = parse_ingested(load_bytes(_report(t3).replace("三、收到和处理", "表二 收到和处理").encode(), "r.txt"))
    cells = report.cell_map()
    assert cells["t3.new.total"].value == 3 and cells["t3.new.total"].raw == "3件"
    assert cells["t3.carried_over.total"].value == 0
    assert report.section("requests") is not None
