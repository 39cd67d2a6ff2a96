"""`extractor serve`: pages over a generated batch, decisions by POST with a CSRF token kept in
the store across a batch rerun, the access token, escaping, the memo of accepted findings. A real
uvicorn server on 127.0.0.1 (a free port), stopped at the end of each test and after 120 s anyway."""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from extractor.cli import app as cli
from extractor.store import FindingFilter, open_store

from .conftest import EXAMPLES

EVIL = '<script>document.title="pwned";window.pwned=1</script><img src=x onerror="window.pwned=2">'


def make_batch(root: Path) -> Path:
    """Three reports (one flawed, one with markup in its text) batched into root/out."""
    inputs = root / "in"
    inputs.mkdir()
    shutil.copy(EXAMPLES / "wangchuan_2023.txt", inputs / "clean.txt")
    shutil.copy(EXAMPLES / "lanshan_2020.html", inputs / "lanshan.html")
    flawed = (EXAMPLES / "wangchuan_2023_flawed.txt").read_text(encoding="utf-8")
    (inputs / "evil.txt").write_text(flawed.replace("群众王建国申请公开", "群众王建国申请公开" + EVIL), encoding="utf-8")
    rerun_batch(root)
    return root / "out"


def rerun_batch(root: Path) -> None:
    result = CliRunner().invoke(cli, ["batch", str(root / "in"), "-o", str(root / "out"), "--no-progress",
                                      "--workers", "1"])
    assert result.exit_code in (0, 1), result.output


@contextlib.contextmanager
def live(out: Path, **kwargs: object) -> Iterator[str]:
    """The workbench on 127.0.0.1:<free port>; yields its base URL."""
    import uvicorn

    from extractor.cli_serve import bind
    from extractor.serve import create_app

    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(out, **kwargs), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    stop = threading.Timer(120, lambda: setattr(server, "should_exit", True))
    stop.start()
    try:
        for _ in range(100):
            if server.started:
                break
            threading.Event().wait(0.05)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.cancel()
        server.should_exit = True
        thread.join(10)
        sock.close()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def post(url: str, data: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    req = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), headers=headers or {},
                                 method="POST")
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=20) as resp:
            return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found
    return found.group(1)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    return make_batch(tmp_path_factory.mktemp("serve"))


def listed(page: str) -> str:
    """The reports table of the batch page (the summary below it quotes every report)."""
    return page.split('<table class="reports">', 1)[1].split("</table>", 1)[0]


def doc_id(out: Path, name: str) -> int:
    with open_store(out) as store:
        return next(d["id"] for d in store.documents() if d["input"].endswith(name))


def test_batch_page_lists_reports_filters_and_charts(batch):
    with live(batch) as base:
        status, page, headers = get(base + "/")
        assert status == 200
        assert "script-src 'self'" in headers["content-security-policy"]
        for name in ("clean.txt", "lanshan.html", "evil.txt"):
            assert name in page
        assert "青禾市云溪区望川街道办事处" in page and "澜山县市场监督管理局" in page
        assert '<svg class="bars"' in page and "privacy.personal_data" in page
        only_2020 = listed(get(base + "/?year=2020")[1])
        assert "lanshan.html" in only_2020 and "evil.txt" not in only_2020
        privacy = listed(get(base + "/?rule=privacy.personal_data&undecided=1")[1])
        assert "evil.txt" in privacy and "clean.txt" not in privacy
        by_office = listed(get(base + "/?office=" + urllib.parse.quote("澜山"))[1])
        assert "lanshan.html" in by_office and "evil.txt" not in by_office


def test_report_page_shows_tables_highlights_and_escapes_report_text(batch):
    evil = doc_id(batch, "evil.txt")
    with live(batch) as base:
        status, page, _ = get(f"{base}/report/{evil}")
    assert status == 200
    assert "<script>document.title" not in page and "<img src=x" not in page
    assert str(escape(EVIL)) in page  # shown as text, not run
    assert page.count('<table class="grid"') >= 3  # 表二、三、四 as tables
    # the cell a finding cites is marked in its table, the quote in the running text
    assert re.search(r'<td id="c-t3\.granted\.natural_person"[^>]*class="number hit"[^>]*>21</td>', page)
    assert re.search(r'<mark id="q\d+-0" data-f="\d+">王建国</mark>', page)
    assert "/static/app.js" in page


def test_decision_needs_csrf_is_kept_and_survives_a_batch_rerun(tmp_path):
    out = make_batch(tmp_path)
    with open_store(out) as store:
        f = next(x for x in store.findings(FindingFilter())
                 if x["rule"] == "privacy.personal_data")
    url_page = f"/report/{f['document_id']}"
    with live(out, reviewer="审查员甲") as base:
        _, page, _ = get(base + url_page)
        token = csrf_of(page)
        decide = f"{base}/finding/{f['id']}/decide"
        assert post(decide, {"decision": "dismissed", "note": "化名"})[0] == 403
        assert post(decide, {"decision": "dismissed", "csrf": "x" * 43})[0] == 403
        assert post(decide, {"decision": "maybe", "csrf": token})[0] == 400
        status, _, headers = post(decide, {"decision": "dismissed", "note": "化名，非真实姓名", "csrf": token})
        assert status == 303 and headers["location"].endswith(f"{url_page}#f{f['id']}")
        _, page, _ = get(base + url_page)
        assert "已驳回 · 审查员甲" in page and "化名，非真实姓名" in page
        rerun_batch(tmp_path)  # another process writes the store while the server holds it open
        _, page, _ = get(base + url_page)
        assert "已驳回 · 审查员甲" in page and "化名，非真实姓名" in page
        status, body, _ = post(decide, {"decision": "accepted", "csrf": token, "reviewer": "乙"},
                               {"Accept": "application/json"})
        assert status == 200 and '"decision":"accepted"' in body and '"reviewer":"乙"' in body
        assert post(f"{base}/finding/99999/decide", {"decision": "accepted", "csrf": token})[0] == 404


def test_memo_holds_only_accepted_findings(tmp_path):
    from docx import Document

    out = make_batch(tmp_path)
    evil = doc_id(out, "evil.txt")
    with open_store(out) as store:
        mine = [f for f in store.findings(FindingFilter())
                if f["document_id"] == evil]
        chosen = next(f for f in mine if f["rule"] == "date.issued")
        store.decide(str(chosen["id"]), "accepted", None, "t")
    with live(out) as base:
        _, md, _ = get(f"{base}/report/{evil}/memo.md")
        status, page, headers = get(f"{base}/report/{evil}/memo.html")
        req = urllib.request.urlopen(f"{base}/report/{evil}/memo.docx", timeout=20)
        docx = Document(io.BytesIO(req.read()))
    assert "成文日期早于报告期结束" in md and "正文泄露个人信息" not in md and "表格勾稽关系不成立" not in md
    assert status == 200 and "attachment" in headers["content-disposition"] and "<script>document" not in page
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "成文日期早于报告期结束" in text and "正文泄露个人信息" not in text


def test_office_page_shows_years_side_by_side(batch):
    with live(batch) as base:
        _, page, _ = get(base + "/")
        link = re.search(r'href="(/office/[^"]+)"[^>]*>澜山县市场监督管理局', page)
        assert link
        status, office, _ = get(base + html.unescape(link.group(1)))
    assert status == 200 and "历年对比" in office and "本年新收申请" in office and "2020" in office


def test_access_token_and_host_check(batch):
    with live(batch, token="s3cret", hosts={"127.0.0.1"}) as base:
        assert get(base + "/")[0] == 401
        assert get(base + "/?token=wrong")[0] == 401
        status, headers = 0, {}
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(base + "/?token=s3cret", timeout=20)
        except urllib.error.HTTPError as exc:
            status, headers = exc.code, dict(exc.headers)
        assert status == 303 and "HttpOnly" in headers["set-cookie"] and headers["location"] == "/"
        cookie = headers["set-cookie"].split(";")[0]
        assert get(base + "/", {"Cookie": cookie})[0] == 200
        assert get(base + "/", {"Cookie": cookie, "Host": "attacker.example"})[0] == 400


def test_cli_refuses_a_folder_without_a_store_in_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["serve", str(tmp_path), "--no-browser"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and "no review store" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "review.db").exists()
    for name, content in (("notes.md", b"# not a store\n"), ("other.db", None)):
        if content is None:  # an SQLite file of something else: never given the store's tables
            import sqlite3

            with contextlib.closing(sqlite3.connect(tmp_path / name)) as db:
                db.execute("CREATE TABLE t (x)")
                db.commit()
        else:
            (tmp_path / name).write_bytes(content)
        before = (tmp_path / name).read_bytes()
        result = CliRunner().invoke(cli, ["serve", str(tmp_path / name), "--no-browser"])
        assert result.exit_code == 2 and "not a review store" in result.output, result.output
        assert (tmp_path / name).read_bytes() == before


def test_office_across_years_lists_both_years_and_the_crossyear_findings(wangchuan, tmp_path):
    from .test_crossyear import pair

    office = tmp_path / "in"
    office.mkdir()
    for name, text in zip(("2022.txt", "2023.txt"), pair(wangchuan), strict=True):
        (office / name).write_text(text, encoding="utf-8")
    rerun_batch(tmp_path)
    out = tmp_path / "out"
    with open_store(out) as store:
        key = store.documents()[0]["agency_key"]
        carry = next(f for f in store.findings(FindingFilter()) if f["rule"] == "crossyear.carry_over")
    with live(out) as base:
        status, page, _ = get(f"{base}/office/{urllib.parse.quote(key)}")
        assert status == 200
        years = page.split('<table class="years">', 1)[1].split("</table>", 1)[0]
        assert years.index("2022") < years.index("2023")
        assert re.search(r"上年结转 <small><code>carried_over</code></small></th><td[^>]*>\d+</td><td[^>]*>3</td>", years)
        assert "上年“结转下年度继续办理”与本年“上年结转”不一致" in page and f'id="f{carry["id"]}"' in page
        # evidence in the other year's report links to that report
        assert re.search(r'<a href="/report/\d+">打开该年报告</a>', page)
        assert f'href="/report/{carry["document_id"]}#c-t3.carried_over.total"' in page
        status, _, _ = post(f"{base}/finding/{carry['id']}/decide",
                            {"decision": "accepted", "csrf": csrf_of(page), "note": "已核对两年报告"})
        assert status == 303
        assert "已采纳" in get(f"{base}/office/{urllib.parse.quote(key)}")[1]


def test_two_tabs_and_a_batch_rerun_at_once_keep_the_store_whole(tmp_path):
    import sqlite3
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    out = make_batch(tmp_path)
    with open_store(out) as store:
        ids = [f["id"] for f in store.findings(FindingFilter(status="standing"))]
    assert len(ids) >= 5
    with live(out) as base:
        token = csrf_of(get(base + "/")[1])
        batch = subprocess.Popen([sys.executable, "-m", "extractor", "batch", str(tmp_path / "in"), "-o", str(out),
                                  "--no-progress", "--workers", "1"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)

        def tab(which: int) -> list[int]:
            return [post(f"{base}/finding/{fid}/decide", {"decision": "dismissed" if which else "accepted",
                                                         "note": f"tab {which}", "csrf": token})[0]
                    for fid in ids]

        with ThreadPoolExecutor(2) as pool:
            statuses = [s for result in pool.map(tab, (0, 1)) for s in result]
        assert batch.wait(120) in (0, 1)
    assert set(statuses) == {303}
    db = sqlite3.connect(out / "review.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT decision, note FROM decisions").fetchall()
    finally:
        db.close()
    # every finding has exactly one decision, the last tab's word for it, never a mix of two
    assert len(rows) == len(ids)
    assert all((d, n) in {("accepted", "tab 0"), ("dismissed", "tab 1")} for d, n in rows)


def test_cli_says_in_one_line_when_the_port_is_taken(batch):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        result = CliRunner().invoke(cli, ["serve", str(batch), "--port", str(taken.getsockname()[1]), "--no-browser"])
    finally:
        taken.close()
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1:" in result.output
    assert "Traceback" not in result.output


def test_source_blocks_cut_text_at_quotes_and_put_tables_in_place():
    from extractor.serve.source import blocks

    text = "甲乙丙丁戊\n表\n行一\n1\n2\n结尾己庚"
    cells = [{"key": "t.a", "table_id": "t", "row_label": "行一", "col_label": "列一", "raw": "1", "kind": "number",
              "start": 11, "end": 12},
             {"key": "t.b", "table_id": "t", "row_label": "行一", "col_label": "列二", "raw": "2", "kind": "number",
              "start": 13, "end": 14}]
    found = [{"id": 1, "evidence": [{"kind": "quote", "start": 1, "end": 3}, {"kind": "cell", "key": "t.b"}]},
             {"id": 2, "evidence": [{"kind": "quote", "start": 2, "end": 4}]},  # overlaps the first quote
             {"id": 3, "evidence": [{"kind": "quote", "start": 16, "end": 18, "document": "other.txt"}]}]
    head, table, tail = blocks(text, cells, found, "this.txt")
    assert [(p.text, p.findings) for p in head.pieces] == [("甲", []), ("乙丙", [1, 2]), ("丁戊\n表\n行一\n", [])]
    assert table.grid is not None and table.grid.columns == ["列一", "列二"]
    (label, row), = table.grid.rows
    assert label == "行一" and [c["findings"] for c in row if c] == [[], [1]]
    # another report's quote is not marked in this one
    assert [(p.text, p.findings) for p in tail.pieces] == [("\n结尾己庚", [])]


def test_the_workbench_files_ship_in_the_wheel():
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folder = root / "extractor" / "serve"
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"]
    assert "static/app.js" in files and "templates/report.html.j2" in files
    patterns = config["package-data"]["extractor.serve"]
    assert [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)] == []


def test_memo_without_the_batch_lines_is_a_one_line_reason(tmp_path):
    out = make_batch(tmp_path)
    (out / "reviews.jsonl").unlink()
    with live(out) as base:
        status, body, _ = get(f"{base}/report/{doc_id(out, 'evil.txt')}/memo.md")
        assert get(f"{base}/report/{doc_id(out, 'evil.txt')}/memo.pdf")[0] == 404
    assert status == 409 and body.count("\n") == 1 and "cannot read the batch's reviews" in body


def test_a_table_quoted_inside_stays_text_with_its_cells_marked():
    from extractor.serve.source import blocks

    text = "表头2021年度\n行一\n7\n"
    cells = [{"key": "t.a", "table_id": "t", "row_label": "行一", "col_label": "", "raw": "7", "kind": "number",
              "start": 12, "end": 13}, {"key": "t.h", "table_id": "t", "row_label": "表头", "col_label": "",
                                        "raw": "x", "kind": "text", "start": 0, "end": 2}]
    found = [{"id": 1, "evidence": [{"kind": "quote", "start": 2, "end": 7}, {"kind": "cell", "key": "t.a",
                                                                          "start": 12, "end": 13}]}]
    (only,) = blocks(text, cells, found, "r.txt")
    assert only.kind == "text"
    assert [(p.text, p.anchor) for p in only.pieces if p.findings] == [("2021年", "q1-0"), ("7", "c-t.a")]
