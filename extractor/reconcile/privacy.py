"""Personal data in the narrative: private applicants' names, ID numbers, personal mobile numbers.

An office's published contact number is not personal data; a name written as 张某 is already masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.models import ParsedReport
from extractor.narrative.rules import narrative_spans
from extractor.reconcile.findings import Evidence, Finding
from extractor.reconcile.scan import finditer_at

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_NAME = rf"[{SURNAMES}][\u4e00-\u9fff]{{1,2}}"
_APPLICANT = re.compile(
    rf"(?:(?<=[，,；;。：:、\s])|^|(?<=群众)|(?<=市民)|(?<=村民)|(?<=居民)|(?<=公民)|(?<=当事人))(?P<name>{_NAME}?)(?:同志|先生|女士)?(?=申请公开|申请获取|申请查询|提出(?:政府)?信息公开申请)"
    rf"|申请人(?:为|是)?[：:]?(?P<name2>{_NAME})(?=[，,；;。、（(\s]|申请|提出|要求)"
)
_ID = re.compile(r"(?<![\dA-Za-z])(\d{6})(19|20)(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(\d{3})([\dXx])(?![\dA-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Quick necessary conditions, each a regex with a literal or a small set first (which the engine
# scans for directly); the patterns above start with a look-behind, so the engine tries them at
# every position of the text. Most reports hold no ID or mobile number and no applicant's name.
_ID_DATE = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")  # _ID without its 6-digit area
_MOBILE_DIGITS = re.compile(r"1[3-9]\d{9}")
# Every _APPLICANT match either starts with 申请人 or ends right before 申请… / 提出…, after a name
# of at most 3 characters and an honorific of 2: it starts at most _LEAD characters before one of
# these words. Keep _LEAD in step with _APPLICANT's longest name + honorific.
_TRIGGER = re.compile(r"申请|提出")
_LEAD = 5
_OFFICE_CONTACT = re.compile(r"(咨询|联系|监督|举报|投诉|办公|受理|服务|值班)(电话|热线|方式)|热线|电话[:：]")
_NOT_NAMES = {"方便", "高度", "全部", "及时", "严格", "任何", "何时", "于是", "向上", "金融", "林业", "江河", "石油", "万元", "周边",
              "常规", "许可", "范围", "段落", "史料", "龙头", "白天", "黄金", "田间", "马上", "程序", "叶片", "王府", "孔子"}


def _id_valid(s: str) -> bool:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(s[:17], weights, strict=True))
    return "10X98765432"[total % 11] == s[17].upper()


def _applicants(body: str) -> Iterator[re.Match[str]]:
    """_APPLICANT.finditer(body), trying the pattern only within _LEAD characters before 申请 or 提出."""
    starts = (p for t in _TRIGGER.finditer(body) for p in range(t.start() - _LEAD, t.start() + 1))
    return finditer_at(_APPLICANT, body, starts)


def check(report: ParsedReport) -> tuple[list[Finding], int]:
    text = report.text
    names: list[tuple[int, int]] = []
    ids: list[tuple[int, int]] = []
    phones: list[tuple[int, int]] = []
    for _section, start, end in narrative_spans(report):
        body = text[start:end]
        for m in _applicants(body):
            group = "name" if m.group("name") else "name2"
            name = m.group(group)
            if not name or "某" in name or name[:2] in _NOT_NAMES or name in _NOT_NAMES:
                continue
            names.append((start + m.start(group), start + m.end(group)))
        for m in _ID.finditer(body) if _ID_DATE.search(body) else ():
            if _id_valid(m.group()):
                ids.append((start + m.start(), start + m.end()))
        for m in _MOBILE.finditer(body) if _MOBILE_DIGITS.search(body) else ():
            if not _OFFICE_CONTACT.search(body[max(0, m.start() - 12):m.start()]):
                phones.append((start + m.start(), start + m.end()))
    findings = []
    for what, spans in (("申请人姓名", names), ("身份证号码", ids), ("个人手机号码", phones)):
        if spans:
            shown = "、".join(text[s:e] for s, e in spans[:5])
            findings.append(Finding(
                rule="privacy.personal_data", severity="error",
                message=f"正文公开了{what}（{shown}），属于应保护的个人信息，建议删除或作脱敏处理（如“张某”）。",
                expected="不含个人信息", found=f"{len(spans)} 处{what}",
                evidence=[Evidence.of_quote(text, s, e) for s, e in spans],
            ))
    return findings, len(names) + len(ids) + len(phones)
