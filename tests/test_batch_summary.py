"""The summary table (CSV with BOM, XLSX) and the batch memo (Markdown, HTML, DOCX)."""

from __future__ import annotations

import csv
import shutil
import zipfile

from typer.testing import CliRunner

from extractor.cli import app
from extractor.summary.memo import MIN_CASES, outliers

from .conftest import EXAMPLES

runner = CliRunner()


def test_summary_table_and_batch_memo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    for name in ("wangchuan_2023.txt", "wangchuan_2023_flawed.html", "lanshan_2020.txt", "songlin_2017.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / "in" / name)
    (tmp_path / "in" / "broken.docx").write_bytes(b"PK not really a docx")
    result = runner.invoke(app, ["batch", "in", "-o", "out", "--no-progress", "--workers", "1"])
    assert result.exit_code == 2, result.output

    raw = (tmp_path / "out" / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 Chinese only with the BOM
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    by_file = {r["文件"]: r for r in rows}
    assert len(rows) == 5
    clean = by_file["in/wangchuan_2023.txt"]
    assert clean["机关"] == "青禾市云溪区望川街道办事处" and clean["年度"] == "2023" and clean["错误"] == "0"
    assert clean["new"] == "48" and clean["result_total"] == "44"
    share = next(k for k in clean if k.startswith("予以公开及部分公开占比 = (granted + partial) / result_total"))
    assert abs(float(clean[share]) - (23 + 6) / 44) < 1e-3
    assert by_file["in/wangchuan_2023_flawed.html"]["错误"] == "5"
    assert by_file["in/broken.docx"]["状态"] == "failed" and by_file["in/broken.docx"]["无法读取的原因"]
    assert by_file["in/songlin_2017.txt"]["模板"] == "legacy" and by_file["in/songlin_2017.txt"]["new"] == "8"

    with zipfile.ZipFile(tmp_path / "out" / "summary.xlsx") as book:
        assert "xl/worksheets/sheet2.xml" in book.namelist()  # the formulas sheet

    memo = (tmp_path / "out" / "batch-memo.md").read_text(encoding="utf-8")
    assert "## 一、最常见的问题类别" in memo and "## 五、无法读取的报告" in memo
    assert "`in/broken.docx`" in memo
    assert "青禾市云溪区望川街道办事处：错误 5 项" in memo
    assert f"少于 {MIN_CASES} 份" in memo  # too few reports: outliers named, not computed
    assert "<h1>" in (tmp_path / "out" / "batch-memo.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "batch-memo.docx").read_bytes().startswith(b"PK")


def test_example_quotes_in_the_memo_are_verbatim(tmp_path, monkeypatch):
    import re

    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES / "lanshan_2020.txt", tmp_path / "a.txt")
    runner.invoke(app, ["batch", "a.txt", "-o", "out", "--no-progress"])
    memo = (tmp_path / "out" / "batch-memo.md").read_text(encoding="utf-8")
    text = (tmp_path / "a.txt").read_text(encoding="utf-8")
    quotes = re.findall(r"“(.+)”（`a.txt`，(\d+)–(\d+)）", memo)
    assert quotes
    for quote, start, end in quotes:
        assert text[int(start):int(end)] == quote


def test_outliers_need_enough_cases():
    rows = [{"input": f"r{i}", "office": f"o{i}", "year": 2023, "disclosure_share": 0.6 + i / 100,
             "not_held_share": None, "review_correction_rate": None, "litigation_correction_rate": None,
             "applications_vs_last_year": None} for i in range(MIN_CASES)]
    assert outliers(rows[:-1])[0] == []
    rows[0]["disclosure_share"] = 0.0
    found, skipped = outliers(rows)
    assert [o["input"] for o in found] == ["r0"]
    assert any("本机关不掌握占比" in s for s in skipped)
