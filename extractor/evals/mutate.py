"""Mutation testing: variants of each case with known planted defects, and clean variants that
must raise nothing new. Recall on the planted, false alarms on the clean."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from extractor.errors import ReportError
from extractor.evals.cases import Case
from extractor.evals.score import signature
from extractor.ingest import load_bytes
from extractor.models import ParsedReport
from extractor.narrative.schema import Claim
from extractor.parse import parse_ingested
from extractor.reconcile.identities import evaluate
from extractor.review import Review, review_report
from extractor.templates import instances, load_templates

CN = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n % 10] if n % 10 else "")
    if n < 100:
        return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")
    return str(n)


@dataclass
class Variant:
    kind: str
    planted: bool
    text: str
    expect: str | None  # the rule a planted defect must trigger
    note: str


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _review_text(text: str, name: str) -> Review:
    return review_report(parse_ingested(load_bytes(text.encode("utf-8"), name)))


def _numeric_claims(rv: Review, outcome: str) -> list[Claim]:
    out = []
    cells = {c.key: c for c in rv.cells}
    cells.update({c.name: c for c in rv.cells if c.name})
    for c in rv.claims:
        if c.kind != "numeric" or c.qualifier or c.value is None:
            continue
        has_cells = bool(c.cells) and all(k in cells and cells[k].value is not None for k in c.cells)
        if outcome == "checked" and has_cells:
            total = sum(Decimal(cells[k].value or 0) for k in c.cells)
            if total == Decimal(c.value):
                out.append(c)
        elif outcome == "unlinked" and not c.cells:
            out.append(c)
    return out


def _number_span(text: str, claim: Claim) -> tuple[int, int] | None:
    """The last run of digits in the claim's quote: the number the claim is about."""
    found = list(re.finditer(r"\d+", text[claim.start:claim.end]))
    if not found:
        return None
    return claim.start + found[-1].start(), claim.start + found[-1].end()


def _silent_change(report: ParsedReport, target: str, k: int, protected: set[str]) -> dict[str, int] | None:
    """Changes to cells that move `target` by k while every identity still holds (a greedy repair)."""
    spec = load_templates().get(report.document.template or "")
    if spec is None:
        return None
    cells = report.cell_map()
    if target not in cells or not isinstance(cells[target].value, int):
        return None
    insts = instances(spec)
    delta: dict[str, int] = {target: k}
    for _ in range(10):
        broken = []
        for inst in insts:
            if not any(x in delta for x in inst.left + inst.right):
                continue
            diff = sum(delta.get(x, 0) for x in inst.left) - sum(delta.get(x, 0) for x in inst.right)
            if diff:
                broken.append((inst, diff))
        if not broken:
            return delta
        inst, diff = broken[0]
        options = [(x, -diff) for x in inst.left if x not in delta] + [(x, diff) for x in inst.right if x not in delta]
        options = [(x, d) for x, d in options if x in cells and isinstance(cells[x].value, int)
                   and x not in protected and cells[x].value + d >= 0]  # type: ignore[operator]
        if not options:
            return None
        # Prefer the cell that sits in the most broken identities: it mends several at once.
        counts = Counter(x for i, _ in broken for x in i.left + i.right)
        x, d = max(options, key=lambda o: counts[o[0]])
        delta[x] = d
    return None


def variants(case: Case, rng: random.Random, text: str, rv: Review) -> list[Variant]:
    out: list[Variant] = []
    checked = _numeric_claims(rv, "checked")
    report_cells = {c.key: c for c in rv.cells}
    report_cells.update({c.name: c for c in rv.cells if c.name})
    if checked:
        c = rng.choice(checked)
        span = _number_span(text, c)
        if span:
            new = str(int(text[span[0]:span[1]]) + rng.randint(1, 5))
            out.append(Variant("narrative_number", True, _replace(text, *span, new), "claim.numeric",
                               f"{c.metric}: {text[span[0]:span[1]]} -> {new}"))
    spec = load_templates().get(rv.document.template or "")
    ident_cells = sorted({x for inst in instances(spec) for x in inst.right} if spec else set())
    # Only a cell read from its own token can be edited alone (a run-together cell's source is its
    # whole row's run).
    candidates = [k for k in ident_cells if k in report_cells and isinstance(report_cells[k].value, int)
                  and report_cells[k].source is not None and report_cells[k].reading == "direct"]
    outcomes = evaluate(ParsedReport(document=rv.document, cells=rv.cells, text=rv.text))
    passing_cells = {x for o in outcomes if o.status == "pass" for x in o.instance.left + o.instance.right}
    candidates = [k for k in candidates if k in passing_cells]
    if candidates:
        key = rng.choice(candidates)
        cell = report_cells[key]
        assert cell.source is not None and isinstance(cell.value, int)
        new = str(cell.value + rng.randint(1, 9))
        out.append(Variant("identity_break", True, _replace(text, cell.source.start, cell.source.end, new),
                           "identity.table", f"{key}: {cell.value} -> {new}"))
    report = ParsedReport(document=rv.document, cells=rv.cells, text=rv.text)
    protected = {k for c in rv.claims for k in c.cells}
    for c in checked:
        if len(c.cells) != 1:
            continue
        change = _silent_change(report, c.cells[0], rng.randint(1, 4), protected - {c.cells[0]})
        if change is None:
            continue
        mutated = text
        for key, d in sorted(change.items(), key=lambda kv: -report_cells[kv[0]].source.start):  # type: ignore[union-attr]
            cell = report_cells[key]
            assert cell.source is not None
            mutated = _replace(mutated, cell.source.start, cell.source.end, str(cell.value + d))  # type: ignore[operator]
        out.append(Variant("silent_cell", True, mutated, "claim.numeric",
                           "identities kept, text contradicted: " + ", ".join(f"{k}{d:+d}" for k, d in change.items())))
        break
    date_span = rv.document.spans.get("report_date")
    if date_span and rv.document.year:
        moved = f"{rv.document.year}年12月{rng.randint(1, 30)}日"
        out.append(Variant("date_moved", True, _replace(text, date_span.start, date_span.end, moved), "date.issued", moved))
    overview = next((s for s in rv.sections if s.key in ("overview", "organization")), None)
    if overview is not None:
        stop = text.find("。", overview.start, overview.end)
        if stop > 0:
            name = rng.choice(["张伟", "李娜", "王芳", "刘洋", "陈静"])
            sentence = f"群众{name}申请公开本单位预算信息，已依法答复。"
            out.append(Variant("applicant_name", True, _replace(text, stop + 1, stop + 1, sentence),
                               "privacy.personal_data", name))
    # Clean variants: nothing new may be raised.
    unlinked = [c for c in _numeric_claims(rv, "unlinked") if not re.search(r"其中|分别|占", text[max(0, c.start - 40):c.end + 40])]
    if unlinked:
        c = rng.choice(unlinked)
        span = _number_span(text, c)
        if span:
            new = str(int(text[span[0]:span[1]]) + rng.randint(1, 5))
            out.append(Variant("unlinked_number", False, _replace(text, *span, new), None, f"{c.metric} -> {new}"))
    mutated = text
    changed = 0
    for c in sorted(checked, key=lambda c: -c.start):
        span = _number_span(mutated, c)
        if span and int(mutated[span[0]:span[1]]) < 100:
            mutated = _replace(mutated, *span, to_chinese(int(mutated[span[0]:span[1]])))
            changed += 1
    if changed:
        out.append(Variant("chinese_numerals", False, mutated, None, f"{changed} numbers rewritten"))
    spaced = re.sub(r"(?m)^\t(\d+)$", lambda m: "\t " + m.group(1) + " ", text)
    spaced = spaced.replace("。\n", "。\n\n").replace("\n", "\r\n")
    out.append(Variant("whitespace", False, spaced, None, "cells padded, blank lines, CRLF"))
    return out


def mutate_case(case: Case, n: int, seed: int) -> list[dict]:
    """n rounds of variants for one case; each row says whether the variant behaved."""
    if not case.available():
        return []
    try:
        data, name = case.materialise()
        base_report = parse_ingested(load_bytes(data, name))
    except ReportError:
        return []
    text = base_report.text
    base = _review_text(text, f"{case.name}.txt")
    base_sigs = Counter(signature(f) for f in base.findings)
    already = {f.rule for f in base.findings}
    rows = []
    for i in range(n):
        rng = random.Random(f"{seed}:{case.name}:{i}")
        for v in variants(case, rng, text, base):
            if v.planted and v.expect in already:
                continue  # the case already has that defect: a new one could not be told apart
            try:
                rv = _review_text(v.text, f"{case.name}.{v.kind}.txt")
            except ReportError as exc:
                rows.append({"case": case.name, "kind": v.kind, "planted": v.planted, "ok": False,
                             "note": f"{v.note}; unreadable: {exc.reason}"})
                continue
            new = Counter(signature(f) for f in rv.findings) - base_sigs
            new_rules = {s.split("/")[0] for s in new}
            ok = v.expect in new_rules if v.planted else not new
            rows.append({"case": case.name, "kind": v.kind, "planted": v.planted, "ok": ok, "note": v.note,
                         "new_findings": sorted(new)})
    return rows


def summarise(rows: list[dict]) -> dict:
    kinds: dict[str, dict[str, int]] = {}
    for r in rows:
        k = kinds.setdefault(r["kind"], {"n": 0, "ok": 0, "planted": int(r["planted"])})
        k["n"] += 1
        k["ok"] += int(r["ok"])
    planted = [r for r in rows if r["planted"]]
    clean = [r for r in rows if not r["planted"]]
    return {
        "planted": len(planted), "clean": len(clean),
        "recall": (sum(r["ok"] for r in planted) / len(planted)) if planted else None,
        "false_alarm_rate": (sum(not r["ok"] for r in clean) / len(clean)) if clean else None,
        "by_kind": kinds,
        "failures": [r for r in rows if not r["ok"]],
    }


