"""The same report as text, HTML, DOCX and PDF parses to identical cells (gov2021, gov2019, legacy)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor.ingest import load_bytes
from extractor.parse import parse_ingested
from extractor.synth import RENDERERS, SynthReport

pytest.importorskip("reportlab")


def _parse(report: SynthReport, fmt: str):
    out = RENDERERS[fmt](report)
    data = out.encode("utf-8") if isinstance(out, str) else out
    return parse_ingested(load_bytes(data, f"synthetic.{fmt}"))


def _cells(parsed):
    return {c.key: (c.value, c.kind, c.unit) for c in parsed.cells}


@pytest.mark.parametrize("example", ["wangchuan", "lanshan"])
def test_all_formats_identical(example, request):
    report: SynthReport = request.getfixturevalue(example)
    parsed = {fmt: _parse(report, fmt) for fmt in RENDERERS}
    base = _cells(parsed["txt"])
    expected = {k: v for k, v in report.all_values().items()}
    assert {k: v[0] for k, v in base.items()} == {
        k: (Decimal(v.rstrip("万元")) if isinstance(v, str) else v) for k, v in expected.items()
    }
    for fmt, p in parsed.items():
        assert p.problems == [], fmt
        assert p.document.template == report.template, fmt
        assert _cells(p) == base, fmt
        assert p.document.agency == report.agency, fmt
        assert p.document.year == report.year, fmt


def test_gov2019_specific_cells(lanshan):
    cells = _parse(lanshan, "txt").cell_map()
    assert cells["t2.licensing.change"].value == -4
    assert cells["t2.procurement.amount"].value == Decimal("286.45")
    assert cells["t2.procurement.amount"].unit == "万元"
    assert cells["t3.other.total"].value == 0
    assert "t3.other.other.total" not in cells


LEGACY_ROWS = [
    ("一、主动公开情况", "", None),
    ("（一）主动公开政府信息数", "条", 312),
    ("其中：主动公开规范性文件数", "条", 4),
    ("三、依申请公开情况", "", None),
    ("（一）收到申请数", "件", 9),
    ("1.当面申请数", "件", 5),
    ("2.网络申请数", "件", 4),
    ("（二）申请办结数", "件", 9),
    ("1.按时办结数", "件", 9),
    ("七、依申请公开信息收取的费用", "万元", "0.15"),
]


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
def test_legacy_sheet_in_every_format(fmt):
    report = SynthReport(template="legacy", agency="澜山县教育局", year=2017, paragraphs={
        "overview": ["2017年，澜山县教育局认真贯彻《条例》。"],
    }, legacy_rows=LEGACY_ROWS, date="2018年3月1日")
    parsed = _parse(report, fmt)
    rows = [(c.row_label, c.unit, c.value) for c in parsed.cells]
    assert rows == [
        ("一、主动公开情况 > （一）主动公开政府信息数", "条", 312),
        ("一、主动公开情况 > （一）主动公开政府信息数 > 其中：主动公开规范性文件数", "条", 4),
        ("三、依申请公开情况 > （一）收到申请数", "件", 9),
        ("三、依申请公开情况 > （一）收到申请数 > 1.当面申请数", "件", 5),
        ("三、依申请公开情况 > （一）收到申请数 > 2.网络申请数", "件", 4),
        ("三、依申请公开情况 > （二）申请办结数", "件", 9),
        ("三、依申请公开情况 > （二）申请办结数 > 1.按时办结数", "件", 9),
        ("七、依申请公开信息收取的费用", "万元", Decimal("0.15")),
    ]
    assert parsed.cell_map()["legacy.requests.received"].value == 9


@pytest.mark.parametrize("stem", ["wangchuan_2023", "wangchuan_2023_flawed", "lanshan_2020"])
def test_committed_examples_match_their_specs(stem):
    from extractor.synth import load_synth, render_html, render_text

    from .conftest import EXAMPLES

    spec = load_synth(str(EXAMPLES / f"{stem}.yaml"))
    assert (EXAMPLES / f"{stem}.txt").read_text(encoding="utf-8") == render_text(spec)
    assert (EXAMPLES / f"{stem}.html").read_text(encoding="utf-8") == render_html(spec)
