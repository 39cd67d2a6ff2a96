"""Grounding: a model's item stands only if its quote is verbatim in the source and holds its value.

Offsets come from code (the quote's position in the normalised text), never from the model.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from extractor.ingest.text import normalise
from extractor.models import ParsedReport
from extractor.narrative.metrics import load_assertions, load_metrics
from extractor.narrative.quantity import Quantity, find_quantities
from extractor.narrative.schema import (
    Channel,
    Claim,
    Grounded,
    Improvement,
    Item,
    ModelClaim,
    Narrative,
    NarrativeExtraction,
    Organization,
    qualitative_ids,
)
from extractor.templates import expand


def locate(quote: str | None, text: str, spans: list[tuple[int, int]] | None = None) -> tuple[int, int] | None:
    """(start, end) of the quote in the text after ingest normalisation; prose spans first."""
    if not quote or not quote.strip():
        return None
    q = normalise(quote.strip())
    positions = []
    i = text.find(q)
    while i >= 0:
        positions.append(i)
        i = text.find(q, i + 1)
    if not positions:
        return None
    if spans:
        inside = [p for p in positions if any(s <= p and p + len(q) <= e for s, e in spans)]
        if inside:
            return inside[0], inside[0] + len(q)
    return positions[0], positions[0] + len(q)


def occurrences(quote: str, text: str, cap: int = 3) -> int:
    """How many times the quote stands in the text (counting stops at `cap`)."""
    q = normalise(quote.strip())
    count, i = 0, text.find(q) if q else -1
    while i >= 0 and count < cap:
        count += 1
        i = text.find(q, i + 1)
    return count


def value_token(value: float | None, quote: str) -> Quantity | None:
    """The quantity in the quote (a whole number with its unit, as the quantity grammar reads it)
    whose value is the claim's: “2” does not stand in “2023年” nor in “12件”."""
    if value is None:
        return None
    target = Decimal(str(value))
    return next((q for q in find_quantities(normalise(quote)) if q.value == target), None)


def value_in_quote(value: float | None, quote: str) -> bool:
    return value is None or value_token(value, quote) is not None


_CLAUSE_END = re.compile(r"[，,；;。：:！？!?\n]")


def names_subject(metric_id: str, quote: str, value: float | None) -> bool:
    """The quote speaks of the claim's subject: a numeric claim's own clause (from the previous
    comma to the next, around its number) matches the metric's vocabulary in schemas/metrics.yaml;
    a qualitative claim's quote matches the assertion's pattern."""
    q = normalise(quote)
    kind = next((a for a in load_assertions() if a.id == metric_id), None)
    if kind is not None:
        return any(p.search(q) for p in kind.compiled())
    metric = next((m for m in load_metrics() if m.id == metric_id), None)
    token = value_token(value, q)
    if metric is None or token is None:
        return False
    breaks = [m.end() for m in _CLAUSE_END.finditer(q, 0, token.start)]
    stop = _CLAUSE_END.search(q, token.end)
    clause = q[breaks[-1] if breaks else 0:stop.start() if stop else len(q)]
    if any(p.search(clause) for p in metric.compiled()):
        return True
    # A phrasing the vocabulary lacks (获准公开 for 予以公开) stands only if it names no other
    # metric and shares a word with this one's name: the model finds what the patterns miss,
    # never a number that belongs to something else.
    unit_ok = [m for m in load_metrics() if m.id != metric.id and token.unit in m.units]
    if any(p.search(clause) for m in unit_ok for p in m.compiled()):
        return False
    return bool(_bigrams(clause) & _bigrams(metric.text))


def _bigrams(s: str) -> set[str]:
    han = "".join(ch for ch in s if "\u4e00" <= ch <= "\u9fff")
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _claim_issue(i: int, c: ModelClaim, text: str) -> str | None:
    qualitative = qualitative_ids()
    if locate(c.quote, text) is None:
        return f"claims[{i}]: 引文不在原文中：“{_short(c.quote)}”"
    if c.metric not in qualitative and c.value is None:
        return f"claims[{i}]: 数量类指标 {c.metric} 缺少 value"
    if c.metric not in qualitative and not any(m.id == c.metric for m in load_metrics()):
        return f"claims[{i}]: 未知指标 {c.metric}"
    if c.metric not in qualitative and not value_in_quote(c.value, c.quote):
        return f"claims[{i}]: 引文“{_short(c.quote)}”中没有数值 {c.value}（须是带单位的完整数字，不是年份或更大数字的一部分）"
    if not names_subject(c.metric, c.quote, c.value):
        return f"claims[{i}]: 引文“{_short(c.quote)}”未说到指标 {c.metric} 的对象（数字所在分句须写明所指事项）"
    if (n := occurrences(c.quote, text)) > 1:
        return f"claims[{i}]: 引文“{_short(c.quote)}”在原文中出现{n}次以上，无法确定所指位置，请引用更长的原文"
    return None


def _short(quote: str | None, size: int = 80) -> str:
    """A quote as it may be echoed in a message: an oversized one is not copied whole."""
    quote = quote or ""
    return quote if len(quote) <= size else quote[:size] + f"…（共{len(quote)}字）"


def problems_of(x: NarrativeExtraction, text: str) -> list[str]:
    issues = [msg for i, c in enumerate(x.claims) if (msg := _claim_issue(i, c, text))]
    groups: list[tuple[str, list[Any]]] = [("channels", x.channels), ("problems", x.problems), ("improvements", x.improvements)]
    for name, items in groups:
        for i, item in enumerate(items):
            if locate(item.quote, text) is None:
                issues.append(f"{name}[{i}]: 引文不在原文中：“{item.quote}”")
    if x.organization and x.organization.quote and locate(x.organization.quote, text) is None:
        issues.append(f"organization: 引文不在原文中：“{x.organization.quote}”")
    return issues


def ground(x: NarrativeExtraction, report: ParsedReport, spans: list[tuple[int, int]]) -> tuple[list[Claim], Narrative, list[dict]]:
    """Grounded claims and narrative, and what was dropped with the reason, item by item."""
    text = report.text
    template = report.document.template or ""
    keys = [c.key for c in report.cells] + [c.name for c in report.cells if c.name]
    dropped: list[dict] = []
    claims: list[Claim] = []
    metric_cells = {m.id: m.cells.get(template, []) for m in load_metrics()}
    assertions = {a.id: a for a in load_assertions()}
    for i, c in enumerate(x.claims):
        issue = _claim_issue(i, c, text)
        if issue:
            dropped.append({"item": c.model_dump(), "reason": issue})
            continue
        where = locate(c.quote, text, spans)
        assert where is not None
        qualitative = c.metric in assertions
        cells = assertions[c.metric].cells.get(template, []) if qualitative else metric_cells.get(c.metric, [])
        value = None if qualitative or c.value is None else Decimal(str(c.value))
        low = high = value
        q = next((q for q in find_quantities(text[where[0]:where[1]]) if value is not None and q.value == value), None)
        if q is not None:
            low, high = q.low, q.high
        claims.append(Claim(
            metric=c.metric, kind="qualitative" if qualitative else "numeric",
            value=(int(value) if value is not None and value == value.to_integral_value() else value),
            unit=c.unit, qualifier=c.qualifier or (q.qualifier if q else None), low=low, high=high,
            quote=text[where[0]:where[1]], start=where[0], end=where[1],
            cells=expand(cells, keys), extractor="model",
        ))

    narrative = Narrative()
    if x.organization is not None:
        org = Organization(leading_group=x.organization.leading_group, head_title=x.organization.head_title,
                           office=x.organization.office, staffing=x.organization.staffing)
        if x.organization.quote:
            where = locate(x.organization.quote, text, spans)
            if where is None:
                dropped.append({"item": x.organization.model_dump(), "reason": "organization: 引文不在原文中"})
            else:
                org.quotes.append(Grounded(quote=text[where[0]:where[1]], start=where[0], end=where[1]))
        if x.organization.quote is None or org.quotes:
            narrative.organization = org
    for ch in x.channels:
        where = locate(ch.quote, text, spans)
        if where is None:
            dropped.append({"item": ch.model_dump(), "reason": f"channel “{ch.name}”: 引文不在原文中"})
            continue
        narrative.channels.append(Channel(name=ch.name, kind=ch.kind, count=ch.count,
                                          quote=text[where[0]:where[1]], start=where[0], end=where[1]))
    kept: dict[int, int] = {}
    for i, p in enumerate(x.problems):
        where = locate(p.quote, text, spans)
        if where is None:
            dropped.append({"item": p.model_dump(), "reason": f"problems[{i}]: 引文不在原文中"})
            continue
        kept[i] = len(narrative.problems)
        narrative.problems.append(Item(summary=p.summary, category=p.category,
                                       quote=text[where[0]:where[1]], start=where[0], end=where[1]))
    for i, imp in enumerate(x.improvements):
        where = locate(imp.quote, text, spans)
        if where is None:
            dropped.append({"item": imp.model_dump(), "reason": f"improvements[{i}]: 引文不在原文中"})
            continue
        narrative.improvements.append(Improvement(
            summary=imp.summary, category=imp.category, answers=[kept[a] for a in imp.answers if a in kept],
            quote=text[where[0]:where[1]], start=where[0], end=where[1]))
    return claims, narrative, dropped


def merge_claims(rules: list[Claim], model: list[Claim]) -> list[Claim]:
    """Rule and model claims together; one found by both is kept once and marked so."""
    out = [c.model_copy() for c in rules]
    for m in model:
        twin = next((r for r in out if r.metric == m.metric and r.value == m.value
                     and r.start < m.end and m.start < r.end), None)
        if twin is not None:
            twin.extractor = "rules+model"
        else:
            out.append(m)
    return sorted(out, key=lambda c: c.start)


def merge_narrative(rules: Narrative, model: Narrative) -> Narrative:
    """The model's narrative, with the rules' findings where the model said nothing."""
    org = model.organization
    use_model_items = bool(model.problems or model.improvements)  # improvements point at problems by index
    return Narrative(
        organization=org if (org.leading_group is not None or org.office) else rules.organization,
        channels=model.channels or rules.channels,
        problems=model.problems if use_model_items else rules.problems,
        improvements=model.improvements if use_model_items else rules.improvements,
    )
