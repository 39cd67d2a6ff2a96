"""Hostile files: linear time, bounded memory, a clear one-line reason, and the batch goes on."""

from __future__ import annotations

import asyncio
import io
import os
import re
import time
import zipfile

import pytest

from extractor.config import Limits, use_limits
from extractor.errors import ReportError
from extractor.ingest import load, load_bytes
from extractor.limits import Budget, BudgetExceeded
from extractor.parse import parse_ingested
from extractor.review import Review, review_many, review_report
from extractor.synth import render_html, render_pdf, render_text

from .conftest import EXAMPLES, runaway_inputs


@pytest.fixture(autouse=True)
def _default_limits():
    use_limits(None)
    yield
    use_limits(None)


BASE = (EXAMPLES / "wangchuan_2023.txt").read_text(encoding="utf-8")
PATHOLOGICAL = {
    "digits": lambda n: "1" * n,
    "numerals": lambda n: ("九千九百九十九万" * (n // 8 + 1))[:n],
    "grouped digits": lambda n: ("111," * n)[:n],
    "decimals": lambda n: ("1.1" * n)[:n],
    "leading group": lambda n: ("领导" * n)[:n],
    "quotes": lambda n: "“" * n,
}


def _review_seconds(filler: str) -> float:
    anchor = BASE.index("\n", BASE.index("一、")) + 1
    text = BASE[:anchor] + filler + "\n" + BASE[anchor:]
    t0 = time.perf_counter()
    review_report(parse_ingested(load_bytes(text.encode("utf-8"), "hostile.txt")))
    return time.perf_counter() - t0


@pytest.mark.parametrize("kind", list(PATHOLOGICAL))
def test_review_time_per_character_stays_flat(kind):
    make = PATHOLOGICAL[kind]
    small, large = 25_000, 200_000
    _review_seconds(make(small))  # warm caches (templates, vocabulary)
    t_small = min(_review_seconds(make(small)) for _ in range(2))
    t_large = _review_seconds(make(large))
    # Linear: 8x the text costs about 8x; quadratic would be 64x. Generous slack for a shared machine.
    assert t_large < 2.0, f"{kind}: {large} characters took {t_large:.2f} s"
    assert t_large / large < 3 * max(t_small, 0.01) / small, (kind, t_small, t_large)


def test_time_budget_ends_a_runaway_block():
    budget = Budget(0.2, "slow.txt")
    t0 = time.perf_counter()
    with pytest.raises(BudgetExceeded) as err, budget.running():
        re.search(r"(a+)+b", "a" * 40)  # exponential: hours without the budget
    assert time.perf_counter() - t0 < 2
    assert err.value.line().startswith("slow.txt: review stopped after the time budget of 0.2 s")


def test_time_budget_cannot_be_swallowed():
    budget = Budget(0.1)
    with pytest.raises(BudgetExceeded), budget.running():
        try:
            re.search(r"(a+)+b", "a" * 40)
        except Exception:  # a library that catches everything gets the alarm again
            re.search(r"(a+)+b", "a" * 40)


def test_a_runaway_report_stops_and_the_batch_goes_on(monkeypatch, tmp_path):
    slow, good = runaway_inputs(monkeypatch, tmp_path, BASE)
    use_limits(Limits(seconds=0.3))
    results = asyncio.run(review_many([slow, good, slow], None, 2))
    assert isinstance(results[0], BudgetExceeded) and isinstance(results[2], BudgetExceeded)
    assert isinstance(results[1], Review)


def test_file_over_the_byte_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(60_000_000)  # sparse: no disk used, nothing read
    with pytest.raises(ReportError, match=r"file is 60.0 MB, over the 50.0 MB limit \(raise it with --limit bytes"):
        load(big)


def test_text_over_the_character_limit_is_refused():
    with pytest.raises(ReportError, match="over the 10,000 limit"):
        load_bytes((BASE * 10).encode("utf-8"), "long.txt", Limits(chars=10_000))
    assert load_bytes((BASE * 10).encode("utf-8"), "long.txt", Limits(chars=1_000_000)).text


def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ReportError, match="not a regular file"):
        load(fifo)  # would block forever if read


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_docx_zip_bomb_is_refused_from_its_directory():
    bomb = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * 20_000_000})
    assert len(bomb) < 100_000
    with pytest.raises(ReportError, match=r"inflates to 20 MB, over the 10 MB limit .*docx_inflated"):
        load_bytes(bomb, "bomb.docx", Limits(docx_inflated=10_000_000))


def test_docx_with_too_many_entries_is_refused():
    many = _zip({f"word/media/{i}.xml": b"x" for i in range(50)})
    with pytest.raises(ReportError, match=r"holds 50 files, over the 20 limit"):
        load_bytes(many, "many.docx", Limits(docx_entries=20))


def test_docx_within_limits_reads(wangchuan):
    from extractor.synth import render_docx

    report = parse_ingested(load_bytes(render_docx(wangchuan), "ok.docx"))
    assert report.problems == [] and len(report.cells) > 100


def _pdf_pages(n: int) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(n):
        c.drawString(72, 700, f"page {i} of a long report, with some words on it")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_over_the_page_limit_is_refused_before_reading():
    t0 = time.perf_counter()
    with pytest.raises(ReportError, match=r"PDF has 400 pages, over the 300 limit \(raise it with --limit pages"):
        load_bytes(_pdf_pages(400), "long.pdf")
    assert time.perf_counter() - t0 < 5


def _encrypted(report, user: str, owner: str, monkeypatch) -> bytes:
    """The synthetic PDF, protected as an office's export might be."""
    import reportlab.platypus as platypus
    from reportlab.lib import pdfencrypt

    class Protected(platypus.SimpleDocTemplate):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, encrypt=pdfencrypt.StandardEncryption(user, ownerPassword=owner), **kwargs)

    monkeypatch.setattr(platypus, "SimpleDocTemplate", Protected)
    return render_pdf(report)


def test_pdf_with_a_user_password_says_so(wangchuan, monkeypatch):
    data = _encrypted(wangchuan, "secret", "owner", monkeypatch)
    with pytest.raises(ReportError, match="PDF is encrypted: it needs a password"):
        load_bytes(data, "locked.pdf")


def test_pdf_with_only_an_owner_password_is_read(wangchuan, monkeypatch):
    plain = parse_ingested(load_bytes(render_pdf(wangchuan), "plain.pdf"))
    data = _encrypted(wangchuan, "", "owner", monkeypatch)
    report = parse_ingested(load_bytes(data, "owner.pdf"))
    assert report.problems == []
    assert {c.key: c.value for c in report.cells} == {c.key: c.value for c in plain.cells}


def test_glyph_codes_are_called_what_they_are(monkeypatch):
    import pdfplumber.page

    import extractor.ingest.pdf as pdf

    monkeypatch.setattr(pdfplumber.page.Page, "extract_text", lambda self, **kw: "(cid:3165)(cid:1923)" * 40)
    monkeypatch.setattr(pdf, "_pdfium_text", lambda data, path, limit, read=True: ["(cid:12)" * 40] if read else [])
    with pytest.raises(ReportError, match=r"glyph codes without characters \(\(cid:NNN\)\)"):
        load_bytes(_pdf_pages(1), "cid.pdf")


def _nested(page: str, depth: int) -> bytes:
    return page.replace("<body>", "<body>" + "<div><span>" * (depth // 2), 1).replace(
        "</body>", "</span></div>" * (depth // 2) + "</body>", 1).encode("utf-8")


def test_html_nested_a_thousand_deep_reads(wangchuan):
    page = render_html(wangchuan)
    report = parse_ingested(load_bytes(_nested(page, 1_500), "deep.html"))
    flat = parse_ingested(load_bytes(page.encode("utf-8"), "flat.html"))
    assert report.problems == [] and {c.key: c.value for c in report.cells} == {c.key: c.value for c in flat.cells}


def test_html_nested_beyond_the_parser_is_refused_in_one_line(wangchuan):
    with pytest.raises(ReportError, match="HTML nested deeper than the parser's limit of 2,048 levels"):
        load_bytes(_nested(render_html(wangchuan), 10_000), "deeper.html")


def test_text_rendering_is_unchanged_for_plain_reports(wangchuan):
    # The limits change nothing for a real report: same text, same cells.
    data = render_text(wangchuan).encode("utf-8")
    assert load_bytes(data, "a.txt", Limits()).text == load_bytes(data, "a.txt", Limits(chars=10**9)).text


def test_budget_covers_the_rules_when_a_model_is_used(monkeypatch):
    import extractor.review as review_module

    report = parse_ingested(load_bytes(BASE.encode("utf-8"), "r.txt"))
    monkeypatch.setattr(review_module, "extract_claims", lambda r: re.search(r"(a+)+b", "a" * 40))
    never_asked = object()  # the budget ends the review before any model call
    with pytest.raises(BudgetExceeded):
        asyncio.run(review_module.review_report_async(report, never_asked, Budget(0.2)))  # type: ignore[arg-type]
