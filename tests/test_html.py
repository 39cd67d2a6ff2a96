"""HTML as real offices publish it: irregular grids read by labels and order, not positions."""

from __future__ import annotations

import html

import pytest

from extractor.ingest import load_bytes
from extractor.parse import parse_ingested
from extractor.templates import load_templates


def _expected(report) -> dict[str, object]:
    return {k: v for k, v in report.all_values().items()}


def _t3_rows(values, *, split_label=False, wide_label=False, straddle=False, blank_rows=False, br=False):
    spec = load_templates()["gov2021"].table("t3")
    assert spec is not None
    out = []
    head_label = '<td colspan="2">&nbsp;</td>' if wide_label else "<td>&nbsp;</td>"
    cols = spec.blocks[0].columns
    out.append("<tr>" + head_label + "".join(
        f'<td colspan="2">{c.label}</td>' if straddle else f"<td>{c.label}</td>" for c in cols) + "</tr>")
    for row, rcols in spec.rows():
        label = html.escape(row.label)
        if br and len(label) > 8:
            label = label[:4] + "<br/>" + label[4:]
        if split_label and len(row.label) > 6:
            cells = f"<td>{html.escape(row.label[:3])}</td><td>{html.escape(row.label[3:])}</td>"
        elif wide_label:
            cells = f'<td colspan="2"><p>{label}</p></td>'
        else:
            cells = f"<td>{label}</td>"
        nums = "".join(f"<td><span>{values[f't3.{row.key}.{c.key}']}</span></td>" for c in rcols)
        out.append(f"<tr>{cells}{nums}</tr>")
        if blank_rows:
            out.append("<tr>" + "<td>&nbsp;</td>" * 9 + "</tr>")
    return "".join(out)


def _page(body: str) -> bytes:
    return (
        "<html><head><title>测试区2023年政府信息公开工作年度报告</title>"
        "<style>td{color:red}</style><script>document.write('规章 999 999 999')</script></head><body>"
        "<h1>测试区2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本年度依法公开。</p>"
        "<p>二、主动公开政府信息情况</p><table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td>"
        "<td>现行有效件数</td></tr><tr><td>规章</td><td>1</td><td>0</td><td>4</td></tr>"
        "<tr><td>行政规范性文件</td><td>2</td><td>&nbsp;</td><td>9</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p>" + body +
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p><p>无。</p>"
        "</body></html>"
    ).encode("utf-8")


@pytest.mark.parametrize(
    "quirks",
    [
        {},
        {"wide_label": True},
        {"split_label": True},
        {"straddle": True},
        {"blank_rows": True},
        {"br": True},
        {"wide_label": True, "straddle": True, "blank_rows": True, "br": True},
    ],
)
def test_irregular_grids_read_by_label(wangchuan, quirks):
    values = _expected(wangchuan)
    body = "<table border=1>" + _t3_rows(values, **quirks) + "</table>"
    report = parse_ingested(load_bytes(_page(body), "quirky.html"))
    got = {c.key: c.value for c in report.cells if c.table == "t3"}
    want = {k: v for k, v in values.items() if k.startswith("t3.")}
    assert got == want


def test_whole_table_inside_one_layout_cell(wangchuan):
    values = _expected(wangchuan)
    inner = "<table>" + _t3_rows(values) + "</table>"
    body = f"<table><tr><td><div>{inner}</div></td></tr></table>"
    report = parse_ingested(load_bytes(_page(body), "layout.html"))
    assert {c.key: c.value for c in report.cells if c.table == "t3"} == {
        k: v for k, v in values.items() if k.startswith("t3.")
    }


def test_scripts_ignored_and_nbsp_is_blank_not_zero(wangchuan):
    report = parse_ingested(load_bytes(_page("<table>" + _t3_rows(_expected(wangchuan)) + "</table>"), "p.html"))
    cells = report.cell_map()
    assert cells["t2.rules.issued"].value == 1  # not the 999 written by the script
    blank = cells["t2.normative_docs.repealed"]
    assert blank.value is None and blank.kind == "blank"
    assert report.document.title == "测试区2023年政府信息公开工作年度报告"


def test_gbk_page_with_meta_charset(wangchuan):
    page = _page("<table>" + _t3_rows(_expected(wangchuan)) + "</table>").decode("utf-8")
    page = page.replace("<head>", '<head><meta charset="gbk">')
    report = parse_ingested(load_bytes(page.encode("gbk"), "gbk.htm"))
    assert report.document.format == "html"
    assert report.cell_map()["t3.new.total"].value == 48


def test_saved_web_page_with_menus_breadcrumbs_and_footer(wangchuan):
    from extractor.review import review_report
    from extractor.synth import render_html

    page = render_html(wangchuan)
    chrome = ('<div class="nav"><a>首页</a><a>政务公开</a><a>政府信息公开</a><a>互动交流</a></div>'
              '<div class="crumb">首页 &gt; 政府信息公开 &gt; 政府信息公开年度报告</div>'
              '<div class="meta">索引号：000014349/2024-00012　发布机构：望川街道　发布日期：2024-01-19</div>')
    footer = '<div class="foot">主办：青禾市云溪区人民政府办公室　网站标识码1101150001　京ICP备05083451号</div>'
    page = page.replace("<body>", "<body>" + chrome).replace("</body>", footer + "</body>")
    report = parse_ingested(load_bytes(page.encode("utf-8"), "saved.html"))
    d = report.document
    assert d.title == "青禾市云溪区望川街道办事处2023年政府信息公开工作年度报告"
    assert (d.agency, d.year) == ("青禾市云溪区望川街道办事处", 2023)
    assert report.problems == []
    assert review_report(report).findings == []
