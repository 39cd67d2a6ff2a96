"""Checks across years: the same office (matched by normalised name) in consecutive years, read
from the review store. Each finding cites both reports (evidence items carry ``document`` and
``year``); only numbers both reports read as numbers are compared (precision first), and a cell
one report left ambiguous may be settled by the chain, which is said as an info finding.

- ``crossyear.carry_over``: 表三 结转下年度继续办理 of year N = 上年结转 of year N+1.
- ``crossyear.in_force``: 表二 现行有效件数 of last year + 本年制发 − 本年废止 = this year's (规章 and
  行政规范性文件); after a clean-up (清理) a difference is a warning quoting the clean-up sentence.
- ``crossyear.cumulative``: legacy sheets' 历年累计 of N−1 + 本年度 of N = 历年累计 of N, and a
  cumulative figure never decreases.
- ``crossyear.problems_repeated``: a part-五 problem copied word for word from last year.
- ``crossyear.improvement_dropped``: last year's announced improvement not mentioned again (info).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from extractor.reconcile.findings import RuleInfo
from extractor.store import ReviewStore
from extractor.store.fingerprint import fingerprint

CROSSYEAR_RULES: dict[str, RuleInfo] = {r.id: r for r in [
    RuleInfo(id="crossyear.carry_over", title="上年结转下年度的申请数与本年上年结转数一致",
             problem="上年“结转下年度继续办理”与本年“上年结转”不一致", severity="error"),
    RuleInfo(id="crossyear.in_force", title="现行有效件数与上年数及本年制发、废止数衔接",
             problem="现行有效件数与上年数及本年制发、废止数不衔接", severity="error"),
    RuleInfo(id="crossyear.cumulative", title="历年累计数与上年累计及本年度数衔接且不减少",
             problem="历年累计数与上年不衔接", severity="error"),
    RuleInfo(id="crossyear.problems_repeated", title="存在的问题未照搬上年报告",
             problem="存在的问题与上年报告逐字相同", severity="warning"),
    RuleInfo(id="crossyear.improvement_dropped", title="上年提出的改进措施本年有下文",
             problem="上年提出的改进措施本年报告未再提及", severity="info"),
    RuleInfo(id="crossyear.settled", title="连写数字由上下年数据确定",
             problem="连写数字可由上下年数据确定", severity="info"),
]}

NUMERIC = ("number", "zero")
# the cells of the 2021 and 2019 forms the checks read (legacy sheets are read whole)
CELLS = ["t3.carried_forward.total", "t3.carried_over.total",
         *[f"t2.{row}.{col}" for row in ("rules", "normative_docs") for col in ("issued", "repealed", "in_force")]]
_CLEANUP = re.compile(r"[^。！；\n]*清理[^。！；\n]*(规范性文件|规章)[^。！；\n]*[。；]?|"
                      r"[^。！；\n]*(规范性文件|规章)[^。！；\n]*清理[^。！；\n]*[。；]?")
_CUMULATIVE = re.compile(r"累计")
_THIS_YEAR = re.compile(r"本年|当年|^\d{4}年")
_CJK = re.compile(r"[\u4e00-\u9fff]{4,}")
# Words every report uses: a shared phrase made of these says nothing about a particular measure.
_GENERIC = re.compile(r"政府信息|信息公开|公开工作|进一步|加强|提高|提升|完善|推进|做好|工作|不断|切实|持续|严格")


class _Doc:
    def __init__(self, detail: dict[str, Any]) -> None:
        self.id: int = detail["id"]
        self.input: str = detail["input"]
        self.year: int = detail["year"]
        self.template: str | None = detail["template"]
        self.text: str = detail.get("text") or ""
        self.cells: dict[str, dict[str, Any]] = {}
        for c in detail["cells"]:
            self.cells.setdefault(c["key"], c)
            if c.get("name"):
                self.cells.setdefault(c["name"], c)
        self.all_cells: list[dict[str, Any]] = detail["cells"]
        self.narrative: list[dict[str, Any]] = detail["narrative"]

    def number(self, key: str) -> int | float | None:
        c = self.cells.get(key)
        return c["value"] if c is not None and c["kind"] in NUMERIC and c["value"] is not None else None

    def cell_evidence(self, key: str) -> dict[str, Any]:
        c = self.cells[key]
        label = " / ".join(x for x in (c["row_label"], c["col_label"]) if x)
        return {"kind": "cell", "document": self.input, "year": self.year, "key": c["key"], "label": label,
                "value": c["value"], "raw": c["raw"], "line": c["line"], "start": c["start"], "end": c["end"]}

    def quote(self, start: int, end: int) -> dict[str, Any]:
        return {"kind": "quote", "document": self.input, "year": self.year, "quote": self.text[start:end],
                "start": start, "end": end, "line": self.text.count("\n", 0, start) + 1}


def _finding(rule: str, message: str, evidence: list[dict[str, Any]], severity: str | None = None,
             expected: Any = None, found: Any = None, effects: Iterable[str] = ()) -> dict[str, Any]:
    return {"id": "", "rule": rule, "severity": severity or CROSSYEAR_RULES[rule].severity, "message": message,
            "expected": expected, "found": found, "tolerance": None, "effects": list(effects), "evidence": evidence}


def _digits_fit(raw: str, value: int | float) -> bool:
    return str(int(value)) in re.sub(r"\D", "", raw or "")


def _settle(doc: _Doc, key: str, implied: int | float, why: str, other: list[dict[str, Any]]) -> dict[str, Any] | None:
    """An unread cell (ambiguous run of digits, or any kind that is not a number) whose raw digits
    contain the value the chain implies: say which value the chain settles it to."""
    c = doc.cells.get(key)
    if c is None or c["kind"] in NUMERIC or implied < 0 or not _digits_fit(c["raw"], implied):
        return None
    ev = doc.cell_evidence(key)
    return _finding("crossyear.settled", f"{doc.year}年报告中未能确定的“{ev['label']}”（原文“{c['raw']}”），"
                    f"按{why}应为 {int(implied)}", [ev, *other], expected=int(implied), found=c["raw"])


def carry_over(prev: _Doc, cur: _Doc) -> list[dict[str, Any]]:
    a, b = "t3.carried_forward.total", "t3.carried_over.total"
    if a not in prev.cells or b not in cur.cells:
        return []
    va, vb = prev.number(a), cur.number(b)
    if va is None or vb is None:
        if va is not None and (s := _settle(cur, b, va, f"{prev.year}年报告的结转下年度数", [prev.cell_evidence(a)])):
            return [s]
        if vb is not None and (s := _settle(prev, a, vb, f"{cur.year}年报告的上年结转数", [cur.cell_evidence(b)])):
            return [s]
        return []
    if va == vb:
        return []
    return [_finding("crossyear.carry_over",
                     f"{prev.year}年报告“结转下年度继续办理”为 {va} 件，而{cur.year}年报告“上年结转”为 {vb} 件，二者应当一致，请核实",
                     [prev.cell_evidence(a), cur.cell_evidence(b)], expected=va, found=vb)]


def in_force(prev: _Doc, cur: _Doc) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if prev.template != "gov2021" or cur.template != "gov2021":
        return out  # the 2019 form's 对外公开总数量 is not a count in force
    cleanup = _CLEANUP.search(cur.text)
    for row, name in (("rules", "规章"), ("normative_docs", "行政规范性文件")):
        keys = {"before": f"t2.{row}.in_force", "issued": f"t2.{row}.issued", "repealed": f"t2.{row}.repealed"}
        docs = {"before": prev, "issued": cur, "repealed": cur}
        after = f"t2.{row}.in_force"
        if any(k not in docs[s].cells for s, k in keys.items()) or after not in cur.cells:
            continue
        vals = {s: docs[s].number(k) for s, k in keys.items()}
        now = cur.number(after)
        evidence = [prev.cell_evidence(keys["before"]), cur.cell_evidence(keys["issued"]),
                    cur.cell_evidence(keys["repealed"]), cur.cell_evidence(after)]
        if any(v is None for v in vals.values()):
            continue
        expected = vals["before"] + vals["issued"] - vals["repealed"]  # type: ignore[operator]
        if now is None:
            if s := _settle(cur, after, expected, f"{prev.year}年现行有效数加本年制发、减本年废止",
                            evidence[:3]):
                out.append(s)
            continue
        if now == expected:
            continue
        message = (f"{name}：按{prev.year}年现行有效 {vals['before']} 件、{cur.year}年制发 {vals['issued']} 件、废止 "
                   f"{vals['repealed']} 件计算，现行有效应为 {expected} 件，而{cur.year}年报告填报为 {now} 件")
        severity = None
        if cleanup is not None:
            severity = "warning"
            message += "；报告提及开展清理，差异可能源于清理，请核实并予说明"
            evidence.append(cur.quote(cleanup.start(), cleanup.end()))
        out.append(_finding("crossyear.in_force", message, evidence, severity=severity, expected=expected, found=now))
    return out


def _norm_label(label: str) -> str:
    return re.sub(r"\s+|^[一二三四五六七八九十\d（）()、.．]+", "", label)


def _cumulative_rows(doc: _Doc) -> dict[str, tuple[dict[str, Any] | None, dict[str, Any]]]:
    """Legacy rows with a 历年累计 column: label -> (this year's cell, cumulative cell)."""
    rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for c in doc.all_cells:
        if c["table_id"] != "legacy":
            continue
        col = c["col_label"] or ""
        slot = "cum" if _CUMULATIVE.search(col) else "year" if _THIS_YEAR.search(col) or col == "统计数" else None
        if slot is not None:
            rows[_norm_label(c["row_label"])].setdefault(slot, c)
    return {label: (r.get("year"), r["cum"]) for label, r in rows.items() if "cum" in r}


def _cell_ev(doc: _Doc, c: dict[str, Any]) -> dict[str, Any]:
    label = " / ".join(x for x in (c["row_label"], c["col_label"]) if x)
    return {"kind": "cell", "document": doc.input, "year": doc.year, "key": c["key"], "label": label,
            "value": c["value"], "raw": c["raw"], "line": c["line"], "start": c["start"], "end": c["end"]}


def cumulative(prev: _Doc, cur: _Doc) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    before, now = _cumulative_rows(prev), _cumulative_rows(cur)
    for label, (year_cell, cum_cell) in now.items():
        if label not in before:
            continue
        prev_cum = before[label][1]
        if prev_cum["kind"] not in NUMERIC or cum_cell["kind"] not in NUMERIC:
            continue
        a, b = prev_cum["value"], cum_cell["value"]
        if b < a:
            out.append(_finding("crossyear.cumulative",
                                f"“{label}”历年累计由{prev.year}年的 {a} 减少为{cur.year}年的 {b}，累计数不应减少，请核实",
                                [_cell_ev(prev, prev_cum), _cell_ev(cur, cum_cell)], expected=f"≥ {a}", found=b,
                                effects=["累计数不应减少"]))
        elif year_cell is not None and year_cell["kind"] in NUMERIC and a + year_cell["value"] != b:
            out.append(_finding("crossyear.cumulative",
                                f"“{label}”：按{prev.year}年历年累计 {a}、{cur.year}年本年度 {year_cell['value']} 计算，历年累计应为 "
                                f"{a + year_cell['value']}，而{cur.year}年报告填报为 {b}",
                                [_cell_ev(prev, prev_cum), _cell_ev(cur, year_cell), _cell_ev(cur, cum_cell)],
                                severity="warning", expected=a + year_cell["value"], found=b))
    return out


def _compact(text: str) -> str:
    return re.sub(r"[\s，,。；;：:、“”\"'（）()]", "", text)


def repeated_problems(prev: _Doc, cur: _Doc) -> list[dict[str, Any]]:
    earlier = {_compact(n["quote"]): n for n in prev.narrative if n["kind"] == "problems"}
    out = []
    for n in cur.narrative:
        if n["kind"] != "problems":
            continue
        key = _compact(n["quote"])
        if len(key) >= 12 and key in earlier:
            p = earlier[key]
            out.append(_finding("crossyear.problems_repeated",
                                f"{cur.year}年报告所列问题与{prev.year}年报告逐字相同（“{n['quote'][:40]}”），请核实是否已有改进",
                                [prev.quote(p["start"], p["end"]), cur.quote(n["start"], n["end"])]))
    return out


def _distinctive(quote: str) -> set[str]:
    """4-character phrases of the quote that are not boilerplate every report shares."""
    out = set()
    for run in _CJK.findall(quote):
        for i in range(len(run) - 3):
            gram = run[i:i + 4]
            if not _GENERIC.search(gram):
                out.add(gram)
    return out


def dropped_improvements(prev: _Doc, cur: _Doc) -> list[dict[str, Any]]:
    if not cur.text:
        return []
    out = []
    for n in prev.narrative:
        if n["kind"] != "improvements":
            continue
        grams = _distinctive(n["quote"])
        if len(grams) >= 3 and not any(g in cur.text for g in grams):
            out.append(_finding("crossyear.improvement_dropped",
                                f"{prev.year}年报告提出的改进措施“{n['quote'][:40]}”在{cur.year}年报告中未再提及",
                                [prev.quote(n["start"], n["end"])]))
    return out


CHECKS = (carry_over, in_force, cumulative, repeated_problems, dropped_improvements)


def series(documents: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Consecutive-year pairs of one office; of two reports of the same office and year (a page and
    its text) the one read with fewer problems is used."""
    by_office: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for d in documents:
        if d.get("status") != "ok" or not d.get("agency_key") or not d.get("year"):
            continue
        years = by_office[d["agency_key"]]
        other = years.get(d["year"])
        if other is None or (d.get("problems") or 0) < (other.get("problems") or 0):
            years[d["year"]] = d
    pairs = []
    for years in by_office.values():
        for year in sorted(years):
            if year - 1 in years:
                pairs.append((years[year - 1], years[year]))
    return pairs


def check_pair(prev: _Doc, cur: _Doc) -> list[dict[str, Any]]:
    return [f for check in CHECKS for f in check(prev, cur)]


def run_crossyear(store: ReviewStore, run_id: int) -> dict[str, int]:
    """Check every consecutive pair in the store; record the findings on the later report."""
    found: list[tuple[int, str, dict[str, Any]]] = []
    pairs = series(store.documents())
    cache: dict[int, _Doc] = {}

    def load(d: dict[str, Any]) -> _Doc:
        if d["id"] not in cache:
            cache.clear() if len(cache) > 64 else None
            cache[d["id"]] = _Doc(store.document_detail(d["id"], CELLS))
        return cache[d["id"]]

    for a, b in pairs:
        prev, cur = load(a), load(b)
        for f in check_pair(prev, cur):
            found.append((cur.id, fingerprint(cur.input, f), f))
    tally = store.replace_crossyear(run_id, found)
    return {"pairs": len(pairs), "findings": len(found), **tally}
