"""The rules backend: numeric and qualitative claims and the narrative fields, without a model.

A claim's subject is read from its own clause (the text between the previous comma and the
number), so “新收36件，其中予以公开14件” gives two claims with two subjects.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from extractor.models import ParsedReport
from extractor.narrative.metrics import (
    assertion_search,
    load_assertions,
    metric,
    metrics_for_unit,
    other_subject_search,
)
from extractor.narrative.quantity import find_quantities
from extractor.narrative.schema import Channel, Claim, Grounded, Improvement, Item, Narrative, Organization
from extractor.templates import expand

_SENTENCE = re.compile(r"[^。！？；;\n]{1,1000}[。！？；;]?")  # bounded: work per sentence is quadratic
_CLAUSE_BREAK = re.compile(r"[，,：:、（）()]")
_HARD_BREAK = re.compile(r"[，,：:；;（）()]")
_CHANGE = re.compile(r"(同比|较上年|比上年|较去年|比去年|增加|减少|增长|下降|提高|降低|上升)[了约近达]?$")
_FILLER = re.compile(r"^(?:\d{4}年度?|全年|本年度?|今年|其中|共计?|合计|总计|另有?|此外|并|均|已|分别为?|[\s“”\"]+)+")
_ASIDE = re.compile(r"^(?:另有|另外|此外|还有|其余)")  # “另有72件”: its subject is elsewhere
_CUMULATIVE = re.compile(r"累计|历年|以来")
_ARTICLE = re.compile(r"第[\d一二三四五六七八九十百]+[条款项]?(?:至|到|、|-|—|－)$")

TABLE_SECTIONS = {"proactive", "requests", "review_litigation"}


def narrative_spans(report: ParsedReport) -> list[tuple[str | None, int, int]]:
    """The parts of the text that are prose: everything but the tables."""
    text = report.text
    limit = len(text)
    legacy = [c.source.start for c in report.cells if c.table == "legacy" and c.source]
    if legacy:
        first = min(legacy)
        sheet = max(text.rfind("统计表", 0, first), text.rfind("统计指标", 0, first))
        limit = text.rfind("\n", 0, sheet) + 1 if sheet >= 0 else first
    tables_inline = report.document.template != "legacy"  # gov forms put tables in parts 二三四
    spans: list[tuple[str | None, int, int]] = []
    sections = sorted(report.sections, key=lambda s: s.start)
    head_end = sections[0].heading.start if sections else limit
    if head_end > 0:
        spans.append((None, 0, min(head_end, limit)))
    for s in sections:
        if tables_inline and s.key in TABLE_SECTIONS:
            continue
        start, end = s.start, min(s.end, limit)
        if start < end:
            spans.append((s.key, start, end))
    return spans


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for m in _SENTENCE.finditer(text, start, end):
        if m.group().strip():
            yield m.start(), m.end()


def _assign(context: str, unit: str, tail: str, wide: str) -> str | None:
    """The metric a number belongs to: the first whose pattern matches its clause and unit.
    None when the clause counts something else or names a subject the metric does not cover
    alone: an uncertain subject is never a claim (precision before recall)."""
    if _ASIDE.match(context.strip()) or other_subject_search()(wide):
        return None
    cleaned = _FILLER.sub("", context)
    any_metric, metrics = metrics_for_unit(unit)
    # The raw clause keeps a leading year (“2020年结转…” is the carried-over count); the cleaned
    # one lets anchored patterns (“^废止$”) see the bare verb.
    for candidate in (context.strip(), cleaned, cleaned + "＃" + tail):
        if not any_metric(candidate):
            continue  # one scan says no metric of this unit matches: skip the search per metric
        for m, search in metrics:
            if search(candidate):
                return None if m.excluded(wide) else m.id
    return None


def _family_fix(metric_id: str, sentence_before: str) -> str | None:
    """“废止1件”, “现行有效15件” take their subject from the sentence: 规章 or 规范性文件."""
    if metric_id not in ("normative_docs.repealed", "normative_docs.in_force"):
        return metric_id
    last_rules = sentence_before.rfind("规章")
    last_docs = sentence_before.rfind("规范性文件")
    if last_docs < 0 and last_rules < 0:
        return None
    return metric_id if last_docs > last_rules else None


def extract_claims(report: ParsedReport) -> list[Claim]:
    text = report.text
    template = report.document.template or ""
    keys = [c.key for c in report.cells] + [c.name for c in report.cells if c.name]
    has_assertion = assertion_search()
    claims: list[Claim] = []
    for section, start, end in narrative_spans(report):
        for s_start, s_end in sentences(text, start, end):
            sentence = text[s_start:s_end]
            quantities = find_quantities(sentence)
            # Clause breaks found once per sentence: each number looks up its own by bisection,
            # so a sentence dense with numbers costs linear, not quadratic, time. Most sentences
            # have no number and need none.
            soft = [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] if quantities else []
            hard_breaks = [m.end() for m in _HARD_BREAK.finditer(sentence)] if quantities else []
            for i, q in enumerate(quantities):
                before = sentence[:q.start]
                # The subject of a number is what stands between it and the previous number
                # or clause break (“复议1起、诉讼1起”: 诉讼 is the second's alone).
                prev_end = quantities[i - 1].end if i and quantities[i - 1].end <= q.start else 0
                k = bisect.bisect_right(soft, q.start)
                c_start = max(soft[k - 1] if k else 0, prev_end)
                context = before[c_start:]
                if not context.strip(" ，,、；;：:"):
                    continue  # a bare number with no subject of its own
                if _CHANGE.search(context.strip()) or _ARTICLE.search(before[-24:]) or before.count("《") > before.count("》"):
                    continue  # a change, an article reference (第9至12条) or inside a title
                after = sentence[q.end:]
                stop = _CLAUSE_BREAK.search(after)
                tail = after[:stop.start()] if stop else after
                k = bisect.bisect_right(hard_breaks, q.start)
                hard = max(hard_breaks[k - 1] if k else 0, prev_end)
                assigned = _assign(context, q.unit, tail, before[hard:])
                metric_id = _family_fix(assigned, before) if assigned else None
                if metric_id is None:
                    continue
                spec = metric(metric_id)
                cell_patterns = spec.cells.get(template, []) if spec else []
                qualifier = q.qualifier or ("累计" if _CUMULATIVE.search(context) else None)
                lead = len(sentence[c_start:]) - len(sentence[c_start:].lstrip())
                quote_start = s_start + c_start + lead
                quote_end = s_start + q.end
                claims.append(Claim(
                    metric=metric_id, value=q.as_number(), unit=q.unit, qualifier=qualifier,
                    low=q.low, high=q.high, quote=text[quote_start:quote_end], start=quote_start, end=quote_end,
                    cells=expand(cell_patterns, keys), section=section,
                ))
            if not has_assertion(sentence):
                continue  # no qualitative assertion in this sentence (most have none)
            for assertion in load_assertions():
                m = next((m for p in assertion.compiled() if (m := p.search(sentence))), None)
                if not m:
                    continue
                cells = assertion.cells.get(template, [])
                claims.append(Claim(
                    metric=assertion.id, kind="qualitative", quote=m.group(), start=s_start + m.start(),
                    end=s_start + m.end(), cells=expand(cells, keys), section=section,
                ))
    return claims


# --- narrative fields -------------------------------------------------------------------------

_CHANNEL_WORDS = [
    ("wechat", r"微信公众号|公众号|政务微信|微信"),
    ("weibo", r"政务微博|微博"),
    ("app", r"APP|App|客户端|小程序"),
    ("new_media", r"政务新媒体|新媒体|抖音号?|视频号|头条号"),
    ("gazette", r"政府公报|公报"),
    ("website", r"政府门户网站|门户网站|政府网站|政务网站|政务服务网|网站|信息网"),
    ("bulletin_board", r"村务公开栏|公开栏|公告栏|公示栏|宣传栏|电子显示屏|电子屏"),
    ("service_window", r"政务服务中心|便民服务大厅|服务大厅|便民服务中心|专用窗口|服务窗口|查阅点|查阅场所|阅览室"),
    ("hotline", r"服务热线|热线|咨询电话|监督电话"),
    ("press", r"新闻发布会|新闻媒体|报刊|报纸|广播|电视"),
]
_CHANNEL_RE = re.compile("|".join(f"(?P<{kind}>{words})" for kind, words in _CHANNEL_WORDS))
# The same alternatives in the same order without the named groups: each branch then starts with a
# literal the engine checks before entering it, where it entered every group at every position
# (ten times slower over the prose). It finds the same matches; _CHANNEL_RE, matched where it
# found one, names the kind.
_CHANNEL_SCAN = re.compile("|".join(words for _, words in _CHANNEL_WORDS))
_NAMED = re.compile(r"[“\"]([^”\"]{1,16})[”\"]\s*$")
_ITEM = re.compile(r"(?:[一二三四五六七八九十]是|[（(][一二三四五六七八九十][)）]|\d+[.、．])")
_PROBLEM_HEAD = re.compile(r"(存在的?(主要)?问题|不足|问题)[:：。]?")
_IMPROVE_HEAD = re.compile(r"(改进|整改|措施|下一步|今后|打算|计划|针对.{0,8}问题|将进一步)")


def _grounded(text: str, start: int, end: int) -> dict[str, object]:
    return {"quote": text[start:end], "start": start, "end": end}


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    body = text[start:end]
    marks = [m.start() for m in _ITEM.finditer(body)]
    if not marks:
        return [(s, e) for s, e in sentences(text, start, end)]
    out = []
    for i, m in enumerate(marks):
        stop = marks[i + 1] if i + 1 < len(marks) else len(body)
        seg = body[m:stop].rstrip("；;。，,\n ")
        if len(seg) > 2:
            out.append((start + m, start + m + len(seg)))
    return out


def _summary(quote: str) -> str:
    s = _ITEM.sub("", quote, count=1).strip("：:，,。；; \n")
    first = re.split(r"[。；;]", s)[0]
    return first[:60]


_LEADING_GROUP = re.compile(r"(?<![^。；\n])[^。；\n]*?领导小组[^。；\n]*")  # starts only at a clause: linear
_GROUP_HEAD = re.compile(r"(?:以|由)([\u4e00-\u9fff]{2,10}?)(?:为|任)组长")
_GROUP_HEAD_LOOSE = re.compile(r"([\u4e00-\u9fff]{2,8}?)(?:任|为)组长")
_OFFICE = re.compile(r"(?:由|设在|下设在?)([\u4e00-\u9fff]{2,14}?(?:办公室|办|科|中心|处))")
_DEDICATED = re.compile(r"专职(人员|工作人员)|专人负责")


def extract_narrative(report: ParsedReport) -> Narrative:
    text = report.text
    spans = narrative_spans(report)
    narrative = Narrative()
    overview = report.section("overview") or report.section("organization")
    org = Organization()
    for key in ("overview", "organization"):
        sec = report.section(key)
        if sec is None:
            continue
        body = text[sec.start:sec.end]
        # A match holds 领导小组: most sections have none, and testing for the words costs far less
        # than trying the pattern at every clause.
        m = _LEADING_GROUP.search(body) if "领导小组" in body else None
        if m:
            org.leading_group = True
            org.quotes.append(Grounded(**_grounded(text, sec.start + m.start(), sec.start + m.end())))  # type: ignore[arg-type]
            head = _GROUP_HEAD.search(m.group()) or _GROUP_HEAD_LOOSE.search(m.group())
            if head:
                org.head_title = head.group(1)
        office = _OFFICE.search(body)
        if office and org.office is None:
            org.office = office.group(1)
        if _DEDICATED.search(body):
            org.staffing = "dedicated"
        elif "兼职" in body:
            org.staffing = "part_time"
    if overview is not None or org.leading_group:
        narrative.organization = org

    seen: set[tuple[str, str]] = set()
    for _section, start, end in spans:
        body = text[start:end]
        for found in _CHANNEL_SCAN.finditer(body):
            m = _CHANNEL_RE.match(body, found.start())
            if m is None:  # cannot happen: the same alternatives
                continue
            kind = m.lastgroup or "other"
            named = _NAMED.search(body[max(0, m.start() - 18):m.start()])
            c_start = m.start() - (len(named.group()) if named else 0)
            name = body[c_start:m.end()].replace(" ", "")
            if named:
                seen.discard((kind, ""))
                narrative.channels = [c for c in narrative.channels if not (c.kind == kind and c.name == m.group())]
            elif any(k == kind for k, _ in seen):
                continue
            ident = (kind, name if named else "")
            if ident in seen:
                continue
            seen.add(ident)
            narrative.channels.append(Channel(name=name, kind=kind, **_grounded(text, start + c_start, start + m.end())))  # type: ignore[arg-type]

    problems = report.section("problems")
    prose = {key: (s, e) for key, s, e in spans if key}
    if problems is not None and "problems" in prose:
        p_start, p_stop = prose["problems"]
        body = text[p_start:p_stop]
        split = _IMPROVE_HEAD.search(body)
        p_end = p_start + split.start() if split and split.start() > 0 else p_stop
        i_start = p_end if split and split.start() > 0 else p_stop
        for s, e in _items(text, p_start, p_end):
            q = text[s:e].strip()
            if len(q) < 4 or _PROBLEM_HEAD.fullmatch(_summary(q)):
                continue
            narrative.problems.append(Item(summary=_summary(text[s:e]), **_grounded(text, s, e)))  # type: ignore[arg-type]
        for s, e in _items(text, i_start, p_stop):
            if e - s < 4 or _IMPROVE_HEAD.fullmatch(text[s:e].strip("（）()一二三四五六七八九十：:、 \n")):
                continue
            narrative.improvements.append(Improvement(summary=_summary(text[s:e]), **_grounded(text, s, e)))  # type: ignore[arg-type]
        _link(narrative)
    return narrative


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fff]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _link(narrative: Narrative) -> None:
    """Which problem each improvement answers: the problem sharing most word pairs with it."""
    probs = [_bigrams(p.quote) - _COMMON for p in narrative.problems]
    for imp in narrative.improvements:
        grams = _bigrams(imp.quote) - _COMMON
        scores = [(len(grams & p), i) for i, p in enumerate(probs)]
        best = max(scores, default=(0, -1))
        if best[0] >= 2:
            imp.answers = [best[1]]


_COMMON = {"信息", "公开", "政府", "工作", "进一", "一步", "加强", "提高", "不够", "有待", "开展", "公开工", "政务", "务公"}
