"""The workbench in a real browser: the system's Chromium driven by Playwright (pointed at the
executable; Playwright's own browser download is never used). Skips where either is missing."""

from __future__ import annotations

import os
import shutil

import pytest

from extractor.store import FindingFilter, open_store

from .test_serve import live, make_batch, rerun_batch

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("EXTRACTOR_CHROMIUM") or next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


def test_filter_open_dismiss_reload_rerun_and_no_script_runs(tmp_path, browser):
    out = make_batch(tmp_path)
    errors: list[str] = []
    with live(out) as base:
        page = browser.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(15000)
        page.goto(base + "/")
        assert page.locator("table.reports tbody tr").count() == 3
        page.select_option("select[name=rule]", "privacy.personal_data")
        page.check("input[name=undecided]")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/?*rule=privacy.personal_data*")
        rows = page.locator("table.reports tbody tr")
        assert rows.count() == 1 and "evil.txt" in rows.inner_text()
        rows.locator("a").first.click()
        page.wait_for_url("**/report/*")

        # the report's <script> and onerror markup are text on the page, never run
        assert page.evaluate("window.pwned") is None and page.title() != "pwned"
        assert "<script>document.title" in page.locator("#source").inner_text()

        # keyboard: j selects the first finding and marks its evidence in the source
        page.keyboard.press("j")
        first = page.locator(".finding").nth(0)
        assert "current" in first.get_attribute("class")
        assert page.locator(".source .active").count() >= 1

        card = page.locator(".finding", has_text="正文泄露个人信息")
        card.locator("textarea").fill("化名，并非申请人真实姓名")
        card.locator("button.dismiss").click()
        # (wait_for_function would be refused: the page's CSP forbids eval, as it should)
        page.locator(".finding.dismissed").wait_for()
        assert "已驳回" in card.locator(".decision").inner_text()

        page.reload()
        card = page.locator(".finding", has_text="正文泄露个人信息")
        assert "已驳回" in card.locator(".decision").inner_text()
        assert "化名，并非申请人真实姓名" in card.locator(".decision").inner_text()

        # j then a accepts the next finding from the keyboard
        page.keyboard.press("j")
        page.keyboard.press("a")
        page.locator(".finding.accepted").wait_for()

        rerun_batch(tmp_path)
        page.reload()
        card = page.locator(".finding", has_text="正文泄露个人信息")
        assert "已驳回" in card.locator(".decision").inner_text()
        page.goto(base + "/?undecided=1&rule=privacy.personal_data")
        assert page.locator("table.reports tbody tr", has_text="evil.txt").count() == 0
    assert errors == []
    with open_store(out) as store:
        decided = {f["rule"]: f for f in store.findings(FindingFilter(decision="dismissed"))}
    assert decided["privacy.personal_data"]["note"] == "化名，并非申请人真实姓名"
