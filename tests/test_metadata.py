"""Sections and metadata: heading forms, Chinese dates, document numbers, null when absent."""

from __future__ import annotations

from extractor.metadata import parse_date, read_metadata
from extractor.sections import find_sections
from extractor.templates import load_templates

SECTIONS = load_templates()["gov2021"].sections


def test_heading_forms():
    text = ("（一）总体情况\n正文。\n主动公开政府信息情况\n表。\n三、 收到和处理政府信息公开申请情况\n"
            "第四部分 政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n改进。\n六、其他需要报告的事项\n无。\n")
    found = find_sections(text, SECTIONS)
    assert [s.key for s in found] == ["overview", "proactive", "requests", "review_litigation", "problems", "other"]
    assert text[found[4].start:found[4].end] == "改进。\n"


def test_subheading_is_not_a_part():
    text = "一、总体情况\n（二）主动公开情况\n全年公开。\n二、主动公开政府信息情况\n"
    found = find_sections(text, SECTIONS)
    assert [(s.key, s.title) for s in found] == [("overview", "一、总体情况"), ("proactive", "二、主动公开政府信息情况")]


def test_dates():
    assert str(parse_date("2021年12月23日")) == "2021-12-23"
    assert str(parse_date("二〇二二年一月十五日")) == "2022-01-15"
    assert str(parse_date("二○二三年十二月三十一日")) == "2023-12-31"
    assert parse_date("2021年2月30日") is None


def test_metadata_fields_and_nulls():
    text = ("东坪县人民政府办公室\n东政办发〔2022〕12号\n东坪县2021年度政府信息公开工作年度报告\n"
            "一、总体情况\n2021年，东坪县人民政府办公室依法公开。\n六、其他需要报告的事项\n无。\n"
            "东坪县人民政府办公室\n2022年1月20日\n")
    meta = read_metadata(text, find_sections(text, SECTIONS))
    assert (meta.agency, meta.year, meta.report_date, meta.doc_number) == (
        "东坪县人民政府办公室", 2021, "2022-01-20", "东政办发〔2022〕12号")
    assert text[meta.spans["report_date"].start:meta.spans["report_date"].end] == "2022年1月20日"
    bare = "一、总体情况\n依法公开。\n"
    empty = read_metadata(bare, find_sections(bare, SECTIONS))
    assert (empty.title, empty.agency, empty.year, empty.report_date, empty.doc_number) == (None,) * 5
