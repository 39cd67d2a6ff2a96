"""Checks across years: one invented office in two consecutive years, with a broken carry-over, a
broken in-force chain and a decreasing 历年累计; each finding cites both reports."""

from __future__ import annotations

import copy

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.evals.cases import Edit, apply_edit
from extractor.store import FindingFilter, open_store
from extractor.synth import render_text

runner = CliRunner()


def pair(wangchuan, edit_2023: Edit | None = None):
    """The 2022 report is the 2023 example moved a year back: it carries 7 applications forward
    (the 2023 report carries 3 in) and has 15 normative documents in force (2023: 15 + 2 − 1 ≠ 15)."""
    earlier = copy.deepcopy(wangchuan)
    earlier.year, earlier.date = 2022, "2023年1月16日"
    earlier.paragraphs = {k: [p.replace("2023年", "2022年") for p in v] for k, v in earlier.paragraphs.items()}
    later = apply_edit(wangchuan, edit_2023 or Edit())
    return render_text(earlier), render_text(later)


def review_pair(tmp_path, monkeypatch, texts):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "office").mkdir()
    for name, text in zip(("2022.txt", "2023.txt"), texts, strict=True):
        (tmp_path / "office" / name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["batch", "office", "-o", "out", "--no-progress", "--workers", "1"])
    assert "Traceback" not in result.output
    with open_store("out") as store:
        return [f for f in store.findings(FindingFilter(status="standing")) if f["scope"] == "crossyear"], result


def test_broken_carry_over_and_in_force_chain_cite_both_reports(wangchuan, tmp_path, monkeypatch):
    found, result = review_pair(tmp_path, monkeypatch, pair(wangchuan))
    assert "across years: 1 pair(s)" in result.output
    rules = {f["rule"]: f for f in found}
    carry = rules["crossyear.carry_over"]
    assert carry["severity"] == "error" and carry["expected"] == 7 and carry["found"] == 3
    assert [(e["document"], e["key"], e["value"]) for e in carry["evidence"]] == [
        ("office/2022.txt", "t3.carried_forward.total", 7), ("office/2023.txt", "t3.carried_over.total", 3)]
    chain = rules["crossyear.in_force"]
    assert chain["severity"] == "error"  # no clean-up said: an error
    assert {e["document"] for e in chain["evidence"]} == {"office/2022.txt", "office/2023.txt"}
    assert "按2022年现行有效 15 件、2023年制发 2 件、废止 1 件计算，现行有效应为 16 件" in chain["message"]
    # the same part-五 problems, copied word for word
    assert rules["crossyear.problems_repeated"]["severity"] == "warning"
    # every cell and quote cited is where it says, in its own report
    texts = {p: (tmp_path / p).read_text(encoding="utf-8") for p in ("office/2022.txt", "office/2023.txt")}
    for f in found:
        for e in f["evidence"]:
            assert texts[e["document"]][e["start"]:e["end"]] == (e["quote"] if e["kind"] == "quote" else e["raw"])


def test_a_clean_up_makes_the_chain_a_warning_quoting_it(wangchuan, tmp_path, monkeypatch):
    sentence = "对照上级要求开展行政规范性文件清理，宣布失效3件。"
    found, _ = review_pair(tmp_path, monkeypatch, pair(wangchuan, Edit(add={"overview": [sentence]})))
    chain = next(f for f in found if f["rule"] == "crossyear.in_force")
    assert chain["severity"] == "warning"
    assert any(e["kind"] == "quote" and "清理" in e["quote"] for e in chain["evidence"])


def test_consistent_years_raise_nothing(wangchuan, tmp_path, monkeypatch):
    earlier, later = pair(wangchuan)
    fixed = Edit(values={"t2.normative_docs.in_force": 16}, replace=[("现行有效15件", "现行有效16件")])
    earlier = render_text(apply_edit(wangchuan, Edit(
        year=2022, date="2023年1月16日", values={"t3.carried_forward.total": 3, "t3.carried_forward.natural_person": 3,
                                                "t3.result_total.total": 52, "t3.result_total.natural_person": 44},
        set_paragraphs={"problems": ["一是公开栏目更新不够及时。", "改进措施：一是建立栏目更新台账。"]})))
    found, _ = review_pair(tmp_path, monkeypatch, (earlier, render_text(apply_edit(wangchuan, fixed))))
    assert [f["rule"] for f in found if f["rule"] in ("crossyear.carry_over", "crossyear.in_force")] == []


LEGACY = """松林县农业局{year}年政府信息公开工作年度报告
一、概述
{year}年，松林县农业局认真贯彻《中华人民共和国政府信息公开条例》。
二、主动公开政府信息情况
本年度主动公开政府信息{now}条。
三、依申请公开政府信息情况
全年未收到政府信息公开申请。
四、存在的主要问题和改进措施
公开内容不够全面。
附表
指标名称
计量单位
本年度
历年累计
主动公开政府信息数
条
{now}
{cum}
收到申请数
件
0
{req}
松林县农业局
{year_next}年1月20日
"""


def test_decreasing_cumulative_on_legacy_sheets(tmp_path, monkeypatch):
    texts = (LEGACY.format(year=2015, year_next=2016, now=40, cum=300, req=1),
             LEGACY.format(year=2016, year_next=2017, now=50, cum=350, req=0))
    found, _ = review_pair(tmp_path, monkeypatch, texts)
    cumulative = [f for f in found if f["rule"] == "crossyear.cumulative"]
    if not cumulative:
        pytest.fail("no cumulative finding: " + repr([f["message"] for f in found]))
    drop = next(f for f in cumulative if "减少" in f["message"])
    assert drop["severity"] == "error"
    assert [(e["document"], e["value"]) for e in drop["evidence"]] == [("office/2022.txt", 1), ("office/2023.txt", 0)]


def _doc(input_key, year, cells, text=""):
    from extractor.reconcile.crossyear import _Doc

    return _Doc({"id": year, "input": input_key, "year": year, "template": "gov2021", "text": text, "narrative": [],
                 "cells": [{"key": k, "name": None, "table_id": k.split(".")[0], "row_label": k, "col_label": "总计",
                            "value": v, "kind": kind, "raw": raw, "start": 0, "end": len(raw), "line": 1}
                           for k, (v, kind, raw) in cells.items()]})


def test_an_ambiguous_digit_run_is_settled_by_the_chain_and_said_so():
    from extractor.reconcile.crossyear import carry_over

    prev = _doc("a.txt", 2022, {"t3.carried_forward.total": (7, "number", "7")})
    cur = _doc("b.txt", 2023, {"t3.carried_over.total": (None, "ambiguous", "7000007")})
    [f] = carry_over(prev, cur)
    assert f["rule"] == "crossyear.settled" and f["severity"] == "info" and f["expected"] == 7
    assert "按2022年报告的结转下年度数" in f["message"]
    assert [e["document"] for e in f["evidence"]] == ["b.txt", "a.txt"]
    # digits that cannot hold the implied value settle nothing, and accuse nothing either
    cur = _doc("b.txt", 2023, {"t3.carried_over.total": (None, "ambiguous", "3000003")})
    assert carry_over(prev, cur) == []
