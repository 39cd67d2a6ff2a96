"""Reconciliation: every rule run on every report, each with an outcome, failures as findings."""

from __future__ import annotations

from extractor.models import ParsedReport
from extractor.narrative.schema import Claim
from extractor.reconcile import claims as claim_rules
from extractor.reconcile import dates, form, identities, narrative, privacy
from extractor.reconcile.cells import CellMaps
from extractor.reconcile.findings import RULES, SEVERITY_ORDER, Check, Finding, group_by_cause, locate_pages


def _status(checked: int, failed: int, insufficient: int) -> str:
    if failed:
        return "fail"
    if checked:
        return "pass"
    return "insufficient_data" if insufficient else "not_applicable"


def run_rules(report: ParsedReport, claims: list[Claim]) -> tuple[list[Finding], list[Check]]:
    findings: list[Finding] = []
    checks: list[Check] = []

    maps = CellMaps.of(report)
    outcomes = identities.evaluate(report, maps)
    found = identities.findings(report, outcomes, maps)
    findings += group_by_cause(found)
    n_pass = sum(o.status == "pass" for o in outcomes)
    n_fail = sum(o.status == "fail" for o in outcomes)
    n_ins = sum(o.status == "insufficient_data" for o in outcomes)
    checks.append(Check(rule="identity.table", title="", status=_status(n_pass + n_fail, n_fail, n_ins),  # type: ignore[arg-type]
                        checked=n_pass + n_fail, failed=n_fail,
                        detail=f"{n_ins} 处因单元格空白或未能读取而未核对" if n_ins else None))

    claim_outcomes = claim_rules.check_claims(report, claims, maps)
    for kind, rule in (("numeric", "claim.numeric"), ("qualitative", "claim.qualitative")):
        mine = [o for o in claim_outcomes if o.claim.kind == kind]
        failed = [o for o in mine if o.status == "fail"]
        checked = [o for o in mine if o.status in ("pass", "fail")]
        ins = [o for o in mine if o.status == "insufficient_data"]
        findings += claim_rules.merge(failed)
        checks.append(Check(rule=rule, title="", status=_status(len(checked), len(failed), len(ins)),  # type: ignore[arg-type]
                            checked=len(checked), failed=len(failed),
                            detail=f"{len(mine) - len(checked)} 项表述在统计表格中无对应栏目或所需数据不全" if len(mine) > len(checked) else None))

    arithmetic, n_sums, n_pct = narrative.check(report)
    findings += arithmetic
    for rule, n in (("narrative.arithmetic", n_sums), ("narrative.percentage", n_pct)):
        n_failed = sum(f.rule == rule for f in arithmetic)
        checks.append(Check(rule=rule, title="", status=_status(n, n_failed, 0), checked=n, failed=n_failed))  # type: ignore[arg-type]

    for rule_findings, rule_checks in (dates.check(report), form.check(report, maps)):
        findings += rule_findings
        checks += rule_checks

    leaks, n = privacy.check(report)
    findings += leaks
    checks.append(Check(rule="privacy.personal_data", title="", status="fail" if leaks else "pass",
                        checked=1, failed=len(leaks), detail=None))

    for c in checks:
        c.title = RULES[c.rule].title
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], list(RULES).index(f.rule)))
    locate_pages(findings, report.document.page_starts)
    for i, f in enumerate(findings, start=1):
        f.id = f"F{i}"
    return findings, checks
