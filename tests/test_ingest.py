"""Ingest: kinds decided by content, every Chinese encoding, length-preserving normalisation."""

from __future__ import annotations

import codecs

import pytest

from extractor.errors import ReportError
from extractor.ingest import load, load_bytes, sniff
from extractor.ingest.text import normalise

SAMPLE = "西集镇2021年政府信息公开工作年度报告\n一、总体情况\n全年公开信息１２３条。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_decodes_every_chinese_encoding(encoding):
    data = SAMPLE.encode(encoding)
    ing = load_bytes(data, "r.txt")
    assert ing.format == "text"
    assert "西集镇2021年政府信息公开工作年度报告" in ing.text
    assert "全年公开信息123条" in ing.text  # full-width digits folded


def test_normalisation_keeps_offsets_of_the_original():
    original = "第一行\r\n\u3000\u3000共收到申请\uff13\uff16件\u00a0。\r\n"
    text = normalise(original)
    assert len(text) == len(original)
    assert "\r" not in text
    i = text.index("36")
    assert original[i:i + 2] == "\uff13\uff16"
    assert text.split("\n")[1].strip() == "共收到申请36件 。"


def test_kind_by_content_not_extension(tmp_path):
    page = tmp_path / "report.txt"
    page.write_text("<html><body><p>政府信息公开</p><table><tr><td>规章</td></tr></table></body></html>", encoding="utf-8")
    assert load(page).format == "html"
    assert sniff(b"%PDF-1.4 ...") == "pdf"
    assert sniff(b"PK\x03\x04rest") == "docx"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\t  ", "empty file"),
        (bytes(range(256)) * 40, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable .docx"),
        (b"%PDF-1.4\n%garbage", "PDF"),
    ],
)
def test_bad_input_is_one_clear_error(data, reason):
    with pytest.raises(ReportError) as info:
        load_bytes(data, "bad.bin")
    line = info.value.line()
    assert line.startswith("bad.bin: ")
    assert reason in line
    assert "\n" not in line


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReportError, match="no such file"):
        load(tmp_path / "nope.txt")
    with pytest.raises(ReportError, match="directory"):
        load(tmp_path)


def test_scanned_pdf_without_text_layer():
    pytest.importorskip("reportlab")
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 300, 300, fill=1)  # an image-like page: shapes, no text
    c.showPage()
    c.save()
    with pytest.raises(ReportError, match=r"no text layer \(scanned\); OCR is not supported"):
        load_bytes(buf.getvalue(), "scan.pdf")


def test_utf16_without_bom_detected():
    data = codecs.encode(SAMPLE, "utf-16-le")
    assert "总体情况" in load_bytes(data, "x.txt").text
