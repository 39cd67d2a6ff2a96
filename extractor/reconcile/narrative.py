"""The narrative's own arithmetic: totals with their breakdowns, percentages with their counts."""

from __future__ import annotations

import re
from decimal import Decimal

from extractor.models import ParsedReport
from extractor.narrative.quantity import find_quantities
from extractor.narrative.rules import narrative_spans, sentences
from extractor.reconcile.findings import Evidence, Finding

_TOTAL = re.compile(r"(共计?|总数|总量|合计|总计|全年|累计|一共)")
_BREAKDOWN = re.compile(r"其中|分别为|分别是|包括")
_EXHAUSTIVE = re.compile(r"分别为|分别是")
_OTHER = re.compile(r"其他|其余|另有")
_REQUEST_WORDS = re.compile(r"申请|予以公开|不予公开|无法提供|不予处理|办结|答复|结转")
_PERCENT = re.compile(r"占(?:比)?[^，,。；%％]{0,10}?(\d+(?:\.\d+)?)\s*[%％]")


def check(report: ParsedReport) -> tuple[list[Finding], int, int]:
    """(findings, breakdowns checked, percentages checked)."""
    text = report.text
    findings: list[Finding] = []
    n_sums = n_pct = 0
    for _section, start, end in narrative_spans(report):
        for s_start, s_end in sentences(text, start, end):
            sentence = text[s_start:s_end]
            quantities = find_quantities(sentence)
            if not quantities:
                continue  # neither a breakdown nor a percentage to check without counts
            split = _BREAKDOWN.search(sentence)
            if split:
                heads = [q for q in quantities if q.end <= split.start()]
                total = heads[-1] if heads else None
                if total is not None and _TOTAL.search(sentence[:total.num_start]) and not _REQUEST_WORDS.search(sentence[:split.start()]):
                    parts = [q for q in quantities if q.start >= split.end() and q.unit == total.unit]
                    # A breakdown nested in brackets (“预决算197条（政府32条、部门165条）”) is the
                    # detail of one part, not more parts.
                    if parts:
                        level = _depth(sentence, parts[0].start)
                        parts = [q for q in parts if _depth(sentence, q.start) == level]
                    if parts and all(p.exact for p in parts):
                        n_sums += 1
                        psum = sum((p.value for p in parts), Decimal(0))
                        exhaustive = bool(_EXHAUSTIVE.search(sentence)) or bool(
                            _OTHER.search(sentence[parts[-2].end if len(parts) > 1 else split.end():parts[-1].start]))
                        upper = total.high if total.high is not None else None
                        over = upper is not None and psum > upper
                        short = exhaustive and total.exact and psum != total.value
                        if over or short:
                            ev = [Evidence.of_quote(text, s_start + total.start, s_start + total.end)]
                            ev += [Evidence.of_quote(text, s_start + p.start, s_start + p.end) for p in parts]
                            what = "超过" if over else "不等于"
                            findings.append(Finding(
                                rule="narrative.arithmetic", severity="error",
                                message=(f"正文所列分项之和 {_n(psum)}{total.unit}{what}所述总数 "
                                         f"{_n(total.value)}{total.unit}（分项：{'、'.join(str(_n(p.value)) for p in parts)}）。"),
                                expected=_n(total.value), found=_n(psum),
                                tolerance="分项之和不得超过总数" + ("；列举完整时应相等" if exhaustive else ""),
                                evidence=ev,
                            ))
            for m in _PERCENT.finditer(sentence):
                before = [q for q in quantities if q.end <= m.start()]
                if len(before) < 2:
                    continue
                part, total_q = before[-1], before[0]
                if part is total_q or total_q.value == 0 or part.unit != total_q.unit:
                    continue
                # Only a share of the same subject: the part's count stands right before “占”, the
                # total is stated as a total, and the part is within it; otherwise the sentence
                # speaks of something else (“11条热线…电话量占总数的10.09%”) and nothing is checked.
                gap = sentence[part.end:m.start()]
                if len(gap.strip("，, ")) > 1 or part.value > total_q.value:
                    continue
                if not _TOTAL.search(sentence[max(0, total_q.start - 12):total_q.num_start]):
                    continue
                n_pct += 1
                stated = Decimal(m.group(1))
                actual = part.value / total_q.value * 100
                decimals = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
                tol = Decimal("0.5") * Decimal(10) ** -decimals + Decimal("0.01")
                if abs(actual - stated) > tol:
                    findings.append(Finding(
                        rule="narrative.percentage", severity="error",
                        message=(f"正文称占比 {stated}%，但 {_n(part.value)}/{_n(total_q.value)} = "
                                 f"{actual.quantize(Decimal('0.01'))}%。"),
                        expected=f"{actual.quantize(Decimal('0.1'))}%", found=f"{stated}%", tolerance=f"±{tol}",
                        evidence=[Evidence.of_quote(text, s_start + total_q.start, s_start + total_q.end),
                                  Evidence.of_quote(text, s_start + part.start, s_start + part.end),
                                  Evidence.of_quote(text, s_start + m.start(), s_start + m.end())],
                    ))
    return findings, n_sums, n_pct


def _depth(sentence: str, pos: int) -> int:
    depth = 0
    for ch in sentence[:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth


def _n(x: Decimal) -> int | Decimal:
    return int(x) if x == x.to_integral_value() else x
