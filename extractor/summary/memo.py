"""The batch memo: what the reports of a batch say and get wrong, taken together. Every example
quote names its report and offsets; outliers are only computed with enough cases."""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

from extractor.store import FindingFilter, ReviewStore
from extractor.summary.indicators import INDICATORS

MIN_CASES = 10        # an indicator's outliers are computed over at least this many reports
OUTLIER_MADS = 3.5    # robust z-score (median / MAD) beyond which a report stands out
EXAMPLES = 2
MAX_OUTLIERS = 40     # listed in the memo; the summary table has every report's indicators

_env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


@cache
def _categories() -> list[tuple[str, re.Pattern[str]]]:
    data = yaml.safe_load((Path(__file__).parent / "categories.yaml").read_text(encoding="utf-8"))
    return [(c["category"], re.compile(c["match"])) for c in data]


def categorise(item: dict[str, Any]) -> str:
    if item.get("category"):
        return str(item["category"])
    return next((name for name, pattern in _categories() if pattern.search(item["quote"] or "")), "其他")


def _frequent(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        groups[categorise(it)].append(it)
    out = []
    for name, members in sorted(groups.items(), key=lambda kv: -len({m["input"] for m in kv[1]})):
        out.append({"category": name, "reports": len({m["input"] for m in members}), "count": len(members),
                    "examples": [{"quote": m["quote"], "input": m["input"], "start": m["start"], "end": m["end"]}
                                 for m in members[:EXAMPLES]]})
    return out


def outliers(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Reports far from the batch on an indicator (robust z-score); indicators with too few cases
    are named, not computed."""
    found, skipped = [], []
    # one report per office and year: a page and its text copy are one case, not two
    rows = list({(r["office"] or r["input"], r["year"]): r for r in reversed(rows)}.values())[::-1]
    for ind in INDICATORS:
        values = [(r, r[ind.id]) for r in rows if r.get(ind.id) is not None]
        if len(values) < MIN_CASES:
            skipped.append(f"{ind.title}（{len(values)} 份，少于 {MIN_CASES} 份）")
            continue
        nums = [v for _, v in values]
        median = statistics.median(nums)
        mad = statistics.median(abs(v - median) for v in nums)
        if mad == 0:
            continue
        for r, v in values:
            z = 0.6745 * (v - median) / mad
            if abs(z) > OUTLIER_MADS:
                found.append({"indicator": ind.title, "formula": ind.formula, "input": r["input"],
                              "office": r["office"], "year": r["year"], "value": v, "median": round(median, 4),
                              "cases": len(values)})
    return found, skipped


def build(store: ReviewStore, rows: list[dict[str, Any]], title: str = "政府信息公开工作年度报告批量审查综述") -> dict[str, Any]:
    docs = store.documents()
    ok = [d for d in docs if d["status"] == "ok"]
    items = store.narrative_items(("problems", "improvements"))
    errors_by_office: Counter[str] = Counter()
    reports_by_office: Counter[str] = Counter()
    for d in ok:
        name = d["agency"] or d["input"]
        errors_by_office[name] += d["errors"] or 0
        reports_by_office[name] += 1
    rules = Counter(store.finding_rules(FindingFilter(status="standing")))
    found, skipped = outliers([r for r in rows if r["status"] == "ok"])
    return {
        "title": title,
        "reports": len(docs), "reviewed": len(ok), "failed": len(docs) - len(ok),
        "severity": {s: sum(d[k] or 0 for d in ok) for s, k in (("error", "errors"), ("warning", "warnings"),
                                                                 ("info", "infos"))},
        "rules": rules.most_common(),
        "problems": _frequent([i for i in items if i["kind"] == "problems"]),
        "improvements": _frequent([i for i in items if i["kind"] == "improvements"]),
        "offices": [{"office": o, "errors": n, "reports": reports_by_office[o]}
                    for o, n in errors_by_office.most_common(10) if n],
        "outliers": found[:MAX_OUTLIERS], "outliers_more": max(0, len(found) - MAX_OUTLIERS),
        "outliers_skipped": skipped, "min_cases": MIN_CASES, "mads": OUTLIER_MADS,
        "unreadable": [{"input": d["input"], "reason": d["error"]} for d in docs if d["status"] == "failed"],
    }


def render_markdown(memo: dict[str, Any]) -> str:
    return _env.get_template("batch.md.j2").render(m=memo)


def render_html(memo: dict[str, Any]) -> str:
    return _env.get_template("batch.html.j2").render(m=memo)


def render_docx(memo: dict[str, Any]) -> bytes:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    doc = Document()
    # Setting a paragraph's style (by name or object) compares it with the default style, found by
    # scanning every style of the document, each time: resolve the two list styles' ids once and
    # set them as add_paragraph(text, style=…) does.
    bullet_id, bullet2_id = (doc.part.get_style_id(doc.styles[name], WD_STYLE_TYPE.PARAGRAPH)
                             for name in ("List Bullet", "List Bullet 2"))

    def bullet(text: str, level: int = 1) -> None:
        doc.add_paragraph(text)._p.style = bullet_id if level == 1 else bullet2_id

    doc.add_heading(memo["title"], level=0)
    sev = memo["severity"]
    doc.add_paragraph(f"共 {memo['reports']} 份报告，审查 {memo['reviewed']} 份，无法读取 {memo['failed']} 份；"
                      f"错误 {sev['error']} 项，警告 {sev['warning']} 项，提示 {sev['info']} 项。")
    for key, heading in (("problems", "一、最常见的问题类别"), ("improvements", "二、最常见的改进措施类别")):
        doc.add_heading(heading, level=1)
        for c in memo[key]:
            bullet(f"{c['category']}：{c['reports']} 份报告（{c['count']} 条）")
            for e in c["examples"]:
                bullet(f"“{e['quote']}”（{e['input']}，{e['start']}–{e['end']}）", level=2)
    doc.add_heading("三、错误最多的机关", level=1)
    for o in memo["offices"]:
        bullet(f"{o['office']}：错误 {o['errors']} 项（{o['reports']} 份报告）")
    doc.add_heading("四、与本批报告相比的异常值", level=1)
    doc.add_paragraph(f"仅在某指标有不少于 {memo['min_cases']} 份报告时计算（稳健 z 值超过 {memo['mads']}）。")
    for o in memo["outliers"]:
        bullet(f"{o['office'] or o['input']} {o['year']}：{o['indicator']} = {o['value']:.1%}"
               f"（本批中位数 {o['median']:.1%}，{o['cases']} 份）")
    if memo["outliers_more"]:
        bullet(f"另有 {memo['outliers_more']} 项异常值，见汇总表。")
    for s in memo["outliers_skipped"]:
        bullet(f"未计算：{s}")
    doc.add_heading("五、无法读取的报告", level=1)
    for u in memo["unreadable"]:
        bullet(f"{u['input']}：{u['reason']}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
