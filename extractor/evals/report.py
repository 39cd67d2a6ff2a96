"""Eval results as a terminal table, JSON, or an HTML page a reviewer can read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rich.console import Console
from rich.table import Table

from extractor.evals.run import SuiteResult

_env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                   autoescape=select_autoescape(enabled_extensions=("html", "html.j2")), trim_blocks=True, lstrip_blocks=True)


def pct(x: Any) -> str:
    return "—" if x is None else f"{100 * float(x):.1f}%"


def to_html(result: SuiteResult, comparison: dict | None = None) -> str:
    from extractor.reconcile.findings import RULES

    return _env.get_template("report.html.j2").render(r=result, comparison=comparison, pct=pct, rules=RULES)


def to_json(result: SuiteResult, comparison: dict | None = None) -> str:
    data = result.model_dump(mode="json")
    if comparison is not None:
        data["comparison"] = comparison
    return json.dumps(data, ensure_ascii=False, indent=2)


def print_table(result: SuiteResult, console: Console, comparison: dict | None = None) -> None:
    m = result.metrics
    console.print(f"[bold]suite {result.suite}[/bold] · backend {result.backend} · {m['cases_run']}/{m['cases']} cases run")
    t = Table(title="metrics", title_justify="left")
    for col in ("metric", "value", "threshold"):
        t.add_column(col)
    for key in ("cell_accuracy", "document_accuracy", "claim_precision", "claim_recall", "finding_precision",
                "finding_recall", "finding_f1", "narrative_f1"):
        th = result.thresholds.get(key)
        t.add_row(key, pct(m.get(key)), pct(th) if th is not None else "")
    t.add_row("coverage: reports with tables read whole", pct(m.get("coverage_tables_whole")), "")
    t.add_row("coverage: cells read (not ambiguous, not unread)", pct(m.get("coverage_cells_read")), "")
    t.add_row("coverage: claims checked / skipped", f"{m.get('claims_checked')} / {m.get('claims_skipped')}", "")
    t.add_row("tokens / cost", f"{m['tokens']} / ${m['cost_usd']}", "")
    console.print(t)
    rules = Table(title="findings by rule", title_justify="left")
    for col in ("rule", "tp", "fp", "fn", "precision", "recall"):
        rules.add_column(col)
    for rule, s in result.per_rule.items():
        rules.add_row(rule, str(s["tp"]), str(s["fp"]), str(s["fn"]), pct(s["precision"]), pct(s["recall"]))
    console.print(rules)
    cases = Table(title="cases", title_justify="left")
    for col in ("case", "fmt", "cells", "tp/fp/fn", "missed", "wrong"):
        cases.add_column(col, overflow="fold")
    for c in result.cases:
        if c.status != "ok":
            cases.add_row(c.name, "", "", "", f"[dim]{c.status}: {c.reason}[/dim]", "")
            continue
        cells = f"{c.cells_correct}/{c.cells_total}" if c.cells_total else ""
        cases.add_row(c.name, c.format or "", cells, f"{c.findings.tp}/{c.findings.fp}/{c.findings.fn}",
                      "\n".join(c.missed_findings + [e["key"] for e in c.cell_errors[:3]]), "\n".join(c.wrong_findings))
    console.print(cases)
    if result.mutation:
        mu = result.mutation
        console.print(f"[bold]mutation[/bold]: planted {mu['planted']}, recall {pct(mu['recall'])}; "
                      f"clean {mu['clean']}, false alarms {pct(mu['false_alarm_rate'])}")
        for kind, k in mu["by_kind"].items():
            console.print(f"  {kind:18} {'planted' if k['planted'] else 'clean  '} {k['ok']}/{k['n']}")
    if comparison is not None:
        console.print(f"[bold]against baseline[/bold]: {len(comparison['improved'])} improved, "
                      f"{len(comparison['regressed'])} regressed, {len(comparison['changed'])} changed")
        for e in comparison["regressed"]:
            console.print(f"  [red]regressed[/red] {e['case']}: +{e['new_findings']} -{e['gone_findings']} {e['delta']}")
        for e in comparison["improved"]:
            console.print(f"  [green]improved[/green] {e['case']}: +{e['new_findings']} -{e['gone_findings']} {e['delta']}")
