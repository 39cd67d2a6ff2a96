"""Every rule with a planted positive case and a clean negative case, on invented reports."""

from __future__ import annotations

import copy

import pytest

from extractor.ingest import load_bytes
from extractor.parse import parse_ingested
from extractor.review import Review, review_report
from extractor.synth import SynthReport, render_text


def review(report: SynthReport) -> Review:
    return review_report(parse_ingested(load_bytes(render_text(report).encode("utf-8"), "fixture.txt")))


def variant(base: SynthReport, *, overview: list[str] | None = None, values: dict | None = None, **kw) -> SynthReport:
    r = copy.deepcopy(base)
    if overview is not None:
        r.paragraphs["overview"] = overview
    if values:
        r.values.update(values)
    for k, v in kw.items():
        if k in ("problems", "other"):
            r.paragraphs[k] = v
        else:
            setattr(r, k, v)
    return r


def rules_failed(rv: Review, severity: str | None = None) -> list[str]:
    return [f.rule for f in rv.findings if severity is None or f.severity == severity]


def status(rv: Review, rule: str) -> str:
    return next(c.status for c in rv.checks if c.rule == rule)


def test_clean_example_has_no_findings(wangchuan):
    rv = review(wangchuan)
    assert rv.findings == []
    assert status(rv, "claim.numeric") == "pass"
    assert status(rv, "identity.table") == "pass"


# --- identities ---------------------------------------------------------------------------------

def test_one_wrong_cell_is_one_finding_with_all_its_effects(wangchuan):
    rv = review(variant(wangchuan, values={"t3.granted.natural_person": 21}))
    ident = [f for f in rv.findings if f.rule == "identity.table"]
    assert len(ident) == 1
    f = ident[0]
    assert f.evidence[0].key == "t3.granted.natural_person"
    assert (f.found, f.expected) == (21, 20)
    assert len(f.effects) == 2  # the row total and the column's result sum


def test_blank_total_is_not_a_zero(wangchuan):
    rv = review(variant(wangchuan, values={"t3.new.total": None}))
    assert "identity.table" not in rules_failed(rv)
    assert status(rv, "identity.table") == "pass"  # the other identities still checked
    assert "因单元格空白" in next(c.detail for c in rv.checks if c.rule == "identity.table")


def test_broken_balance_is_found(wangchuan):
    rv = review(variant(wangchuan, values={"t3.carried_forward.natural_person": 5, "t3.carried_forward.total": 8}))
    ident = [f for f in rv.findings if f.rule == "identity.table"]
    # Two cells changed together (the row still adds up): two broken balances, one per column.
    assert sorted(e for f in ident for e in f.effects) == [
        "本年新收加上年结转等于办理结果总计加结转下年度（t3.balance[natural_person]）",
        "本年新收加上年结转等于办理结果总计加结转下年度（t3.balance[total]）",
    ]
    assert [(f.found, f.expected) for f in ident] == [(43, 44), (51, 52)]
    claim = next(f for f in rv.findings if f.rule == "claim.numeric")
    assert (claim.found, claim.expected) == (7, 8)  # the text's 结转下年度7件 against the new 8


# --- claims against cells ------------------------------------------------------------------------

REQ = "（三）依申请公开情况。2023年共新收政府信息公开申请{n}，上年结转3件。"


def with_request_text(base: SynthReport, phrase: str) -> SynthReport:
    paras = list(base.paragraphs["overview"])
    paras[3] = REQ.format(n=phrase)
    return variant(base, overview=paras)


@pytest.mark.parametrize(("phrase", "expected"), [
    ("48件", None),
    ("四十八件", None),
    ("近五十件", None),
    ("40余件", None),
    ("约50件", None),
    ("50件", "error"),
    ("四十九件", "error"),
    ("300余件", "error"),
    ("50余件", "warning"),
    ("超过60件", "error"),
])
def test_numeric_claims_exact_chinese_and_qualified(wangchuan, phrase, expected):
    rv = review(with_request_text(wangchuan, phrase))
    found = [f for f in rv.findings if f.rule == "claim.numeric"]
    if expected is None:
        assert found == [], found
    else:
        assert [f.severity for f in found] == [expected]
        assert found[0].expected == 48
        assert found[0].evidence[0].kind == "quote" and found[0].evidence[1].key == "t3.new.total"


def test_related_cell_reading_is_a_warning_naming_both(wangchuan):
    rv = review(with_request_text(wangchuan, "51件"))  # 48 new + 3 carried over
    f = next(f for f in rv.findings if f.rule == "claim.numeric")
    assert f.severity == "warning"
    assert "t3.carried_over.total" in f.message and f.expected == 48
    assert len(f.effects) == 2


def test_outcome_and_document_claims(wangchuan):
    paras = list(wangchuan.paragraphs["overview"])
    paras[3] = paras[3].replace("予以公开23件", "予以公开25件")
    paras[2] = paras[2].replace("现行有效15件", "现行有效十二件")
    rv = review(variant(wangchuan, overview=paras))
    msgs = [f.message for f in rv.findings if f.rule == "claim.numeric"]
    assert len(msgs) == 2
    assert any("t3.granted.total" in m for m in msgs) and any("t2.normative_docs.in_force" in m for m in msgs)


# --- qualitative -----------------------------------------------------------------------------------

def test_qualitative_no_review_contradicted(wangchuan):
    paras = list(wangchuan.paragraphs["overview"]) + ["全年未发生政府信息公开行政复议和行政诉讼。"]
    rv = review(variant(wangchuan, overview=paras))
    found = [f for f in rv.findings if f.rule == "claim.qualitative"]
    assert {f.severity for f in found} == {"error"}
    assert len(found) == 2  # review 2 and suit 1, each against its own cells
    clean = variant(wangchuan, overview=paras, values={
        "t4.review.upheld": 0, "t4.review.pending": 0, "t4.review.total": 0,
        "t4.suit_direct.upheld": 0, "t4.suit_direct.total": 0})
    assert "claim.qualitative" not in rules_failed(review(clean))


def test_fees_in_table_but_text_says_none_is_a_warning(wangchuan):
    rv = review(variant(wangchuan, values={"t2.admin_fees.amount": "3.5"}))
    f = next(f for f in rv.findings if f.rule == "claim.qualitative")
    assert f.severity == "warning" and "t2.admin_fees.amount" in f.message


# --- narrative arithmetic and percentages ------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "bad"), [
    ("全年共公布政府信息2602条，其中政府网站1549条，微信公众号1100条。", True),
    ("全年共公布政府信息2602条，其中政府网站1549条，微信公众号1000条，其他53条。", False),
    ("全年共公布政府信息2602条，其中政府网站1549条，微信公众号1000条，其他50条。", True),
    ("全年共公布政府信息100条，分别为网站60条、微信30条。", True),
    ("全年共公布政府信息100条，其中网站60条。", False),
])
def test_totals_and_breakdowns(wangchuan, sentence, bad):
    rv = review(variant(wangchuan, overview=list(wangchuan.paragraphs["overview"]) + [sentence]))
    assert ("narrative.arithmetic" in rules_failed(rv)) is bad


@pytest.mark.parametrize(("pct", "bad"), [("75%", False), ("75.0%", False), ("80%", True)])
def test_percentages(wangchuan, pct, bad):
    sentence = f"全年共公开信息200条，其中通过网站公开150条，占{pct}。"
    rv = review(variant(wangchuan, overview=list(wangchuan.paragraphs["overview"]) + [sentence]))
    assert ("narrative.percentage" in rules_failed(rv)) is bad


# --- dates --------------------------------------------------------------------------------------------

def test_year_disagreement(wangchuan):
    paras = list(wangchuan.paragraphs["overview"])
    paras[0] = paras[0].replace("2023年，", "2022年，")
    rv = review(variant(wangchuan, overview=paras))
    f = next(f for f in rv.findings if f.rule == "date.year")
    assert (f.expected, f.found) == (2023, 2022)


@pytest.mark.parametrize(("date", "bad"), [("2023年12月20日", True), ("二〇二三年十二月三十一日", True),
                                          ("2024年1月18日", False), ("二〇二四年一月十日", False)])
def test_issued_before_period_end(wangchuan, date, bad):
    rv = review(variant(wangchuan, date=date))
    assert ("date.issued" in rules_failed(rv)) is bad
    if not bad:
        assert status(rv, "date.issued") == "pass"


@pytest.mark.parametrize(("period", "bad"), [("2023年1月1日至2023年12月31日", False), ("2023年1月1日至2023年6月30日", True)])
def test_full_year_period(wangchuan, period, bad):
    paras = list(wangchuan.paragraphs["overview"]) + [f"{period}，本机关依法公开政府信息。"]
    rv = review(variant(wangchuan, overview=paras))
    assert ("date.period" in rules_failed(rv)) is bad


# --- form -----------------------------------------------------------------------------------------------

def test_missing_part_and_bare_problems(wangchuan):
    r = variant(wangchuan)
    del r.paragraphs["other"]
    r.paragraphs["problems"] = ["无。"]
    rv = review(r)
    assert "form.sections" in rules_failed(rv, "warning")
    assert "form.problems" in rules_failed(rv, "warning")
    assert "form.sections" not in rules_failed(review(wangchuan))


def test_table_cut_short_is_reported_and_not_checked(wangchuan):
    text = render_text(wangchuan)
    cut = text[: text.index("（五）不予处理")]
    rv = review_report(parse_ingested(load_bytes(cut.encode(), "cut.txt")))
    assert "form.tables" in rules_failed(rv)
    assert "identity.table" not in rules_failed(rv)  # unread cells are not zeros


# --- privacy --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "leak"), [
    ("申请人王小明申请公开某地块征收补偿信息。", True),
    ("陈立新申请公开本街道预算信息，已按时答复。", True),
    ("一名申请人身份证号为110101199003071234，已告知。", False),  # wrong checksum: not an ID number
    ("一名申请人身份证号为110101199003071233，已告知。", True),
    ("申请人手机13812345678。", True),
    ("咨询电话13812345678保持畅通。", False),
    ("张某申请公开本街道预算信息。", False),
    ("为方便申请人查询，设立查阅点。", False),
])
def test_personal_data(wangchuan, sentence, leak):
    rv = review(variant(wangchuan, overview=list(wangchuan.paragraphs["overview"]) + [sentence]))
    assert ("privacy.personal_data" in rules_failed(rv)) is leak


def test_id_checksum_helper():
    from extractor.reconcile.privacy import _id_valid

    assert _id_valid("110101199003071233")
    assert not _id_valid("110101199003071234")


@pytest.mark.parametrize("sentence", [
    "其中自然人申请40件，法人或其他组织申请8件。",
    "从申请方式看，当面申请12件，网上申请30件，信函申请6件。",
    "全年共办理政府信息公开申请44件。",
    "较上年增加12件。",
    "依据《条例》第二十条第三项的规定公开。",
])
def test_common_phrasings_raise_no_false_alarm(wangchuan, sentence):
    rv = review(variant(wangchuan, overview=list(wangchuan.paragraphs["overview"]) + [sentence]))
    assert [f for f in rv.findings if f.severity == "error"] == []


def test_applicant_breakdown_is_checked_against_its_columns(wangchuan):
    rv = review(variant(wangchuan, overview=list(wangchuan.paragraphs["overview"]) + ["其中自然人申请45件。"]))
    f = next(f for f in rv.findings if f.rule == "claim.numeric")
    assert f.expected == 40 and "t3.new.natural_person" in f.message
