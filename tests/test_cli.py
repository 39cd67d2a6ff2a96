"""`extractor parse`: formats, several files, exit codes, one-line errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from extractor.cli import app

from .conftest import EXAMPLES

runner = CliRunner()
EXAMPLE = str(EXAMPLES / "wangchuan_2023.txt")


def test_parse_json_contract_fields():
    result = runner.invoke(app, ["parse", EXAMPLE])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["document"]) >= {"path", "sha256", "agency", "year", "template", "title", "report_date"}
    assert data["document"]["agency"] == "青禾市云溪区望川街道办事处"
    cell = next(c for c in data["cells"] if c["key"] == "t3.new.total")
    assert cell["value"] == 48
    assert set(cell) >= {"key", "table", "row_label", "col_label", "value", "raw", "source"}
    assert "findings" not in data
    assert data["problems"] == []


def test_several_files_are_json_lines(tmp_path):
    html = str(EXAMPLES / "wangchuan_2023.html")
    result = runner.invoke(app, ["parse", EXAMPLE, html])
    lines = [json.loads(line) for line in result.stdout.strip().split("\n")]
    assert [d["document"]["format"] for d in lines] == ["text", "html"]
    assert [c["value"] for c in lines[0]["cells"]] == [c["value"] for c in lines[1]["cells"]]


def test_csv_one_row_per_cell():
    result = runner.invoke(app, ["parse", EXAMPLE, "--format", "csv"])
    rows = result.stdout.strip().split("\n")
    assert rows[0].startswith("path,key,table")
    assert len(rows) == 1 + 200
    assert any(",t3.new.total,t3," in r and ",48," in r for r in rows)


def test_table_view():
    result = runner.invoke(app, ["parse", EXAMPLE, "--format", "table"])
    assert result.exit_code == 0
    assert "t3.new.total" in result.stdout and "青禾市云溪区望川街道办事处" in result.stdout


def test_bad_file_does_not_stop_the_batch(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 50)
    other = tmp_path / "novel.txt"
    other.write_text("从前有座山，山里有座庙。", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(empty), str(junk), str(other), EXAMPLE])
    assert result.exit_code == 2
    errors = [ln for ln in result.stderr.strip().split("\n") if ln]
    assert errors == [
        f"error: {empty}: empty file",
        f"error: {junk}: binary or undecodable content: no Chinese text encoding fits",
        f"error: {other}: not a government information-disclosure annual report (no template's tables or title found)",
    ]
    assert "Traceback" not in result.output
    assert json.loads(result.stdout)["document"]["agency"] == "青禾市云溪区望川街道办事处"


def test_table_cut_short_is_partial_with_problems(tmp_path):
    text = (EXAMPLES / "wangchuan_2023.txt").read_text(encoding="utf-8")
    cut = text[: text.index("（五）不予处理")]
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    missing = {k for p in data["problems"] for k in p["keys"]}
    assert "t3.not_processed.complaint.total" in missing and "t4.review.total" in missing
    keys = {c["key"] for c in data["cells"]}
    assert "t3.unavailable.not_held.total" in keys
    assert not keys & missing  # nothing unread is reported as a value
    assert result.stderr.count("\n") == 1 and "partial parse" in result.stderr


def test_a_bug_on_one_file_does_not_stop_the_batch(monkeypatch, tmp_path):
    import extractor.parse as parse_mod

    real = parse_mod.parse_ingested

    def flaky(ing):
        if "boom" in ing.path:
            raise RuntimeError("simulated bug")
        return real(ing)

    monkeypatch.setattr(parse_mod, "parse_ingested", flaky)
    boom = tmp_path / "boom.txt"
    boom.write_text((EXAMPLES / "wangchuan_2023.txt").read_text(encoding="utf-8"), encoding="utf-8")
    for command in (["parse"], ["review", "-f", "json"]):
        result = runner.invoke(app, [*command, str(boom), EXAMPLE])
        assert result.exit_code == 2
        assert f"error: {boom}: internal error (RuntimeError: simulated bug)" in result.stderr
        assert "Traceback" not in result.output
        assert "青禾市云溪区望川街道办事处" in result.stdout
