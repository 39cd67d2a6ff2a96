"""parse: a file -> ParsedReport (document info, sections, canonical cells, problems)."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.errors import ReportError
from extractor.furniture import blank_furniture
from extractor.ingest import Ingested, load
from extractor.metadata import read_metadata
from extractor.models import Cell, DocumentInfo, ParsedReport, Problem
from extractor.sections import find_sections
from extractor.tables.legacy import read_legacy
from extractor.tables.reader import TableReader
from extractor.tables.runs import Relation
from extractor.templates import TemplateSpec, detect_template, instances, load_templates, per_spec

_REPORT_WORDS = re.compile(r"信息公开")


def _fallback_template(text: str, templates: dict[str, TemplateSpec]) -> TemplateSpec | None:
    """A report whose tables are absent: pick the template by the year in its title, and say so."""
    if not _REPORT_WORDS.search(text) or not re.search(r"报告|年报", text):
        return None
    m = re.search(r"(\d{4})\s*年度?(?:政府)?信息公开", text)
    if not m:
        return None
    year = int(m.group(1))
    for spec in templates.values():
        lo, hi = spec.years.get("from", 0), spec.years.get("to", 9999)
        if lo <= year <= hi:
            return spec
    return None


@per_spec
def _relations(spec: TemplateSpec, table_id: str) -> list[Relation]:
    """The identities within one table, as the reader's relations (once per template and table)."""
    prefix = table_id + "."
    return [Relation(i.id, i.left, i.right, i.op) for i in instances(spec)
            if all(k.startswith(prefix) for k in i.left + i.right)]


def _read_tables(text: str, spec: TemplateSpec, report: ParsedReport) -> tuple[list[Cell], list[Problem]]:
    cells: list[Cell] = []
    problems: list[Problem] = []
    if spec.legacy is not None:
        start = report.sections[0].start if report.sections else 0
        legacy_cells, legacy_problems = read_legacy(text, spec.legacy, start, spec.identities)
        return legacy_cells, legacy_problems
    previous_end = 0
    for table in spec.tables:
        section = report.section(table.section)
        if section is not None:
            start, end = section.heading.end, section.end
        else:
            # No heading: read from where the previous table stopped up to the next known part.
            start = previous_end
            later = [s.heading.start for s in report.sections if s.heading.start > start]
            end = min(later) if later else len(text)
        reader = TableReader(table, text, _relations(spec, table.id))
        table_cells, table_problems = reader.read(start, end)
        if table_problems:
            # Some PDFs put a row's numbers at the top of its tall label cell, above the label.
            above_cells, above_problems = reader.read(start, end, before=True)
            if len(above_problems) < len(table_problems):
                table_cells, table_problems = above_cells, above_problems
                report.document.reading = "text, values above labels"
        if not table_cells and section is None:
            table_problems = [Problem(code="table_missing", message=f"未找到表格“{table.title}”",
                                      table=table.id, keys=table.cell_keys())]
        cells += table_cells
        problems += table_problems
        if table_cells and table_cells[-1].source is not None:
            previous_end = table_cells[-1].source.end
    return cells, problems


def parse_ingested(ing: Ingested) -> ParsedReport:
    report = _parse_text(ing)
    if ing.raw is not None and any(p.table for p in report.problems):
        # A PDF whose text layer left rows unplaced: try the ruled tables pdfplumber detects.
        from dataclasses import replace

        from extractor.ingest.pdf import pdf_tables_text
        from extractor.ingest.text import normalise

        try:
            alt = _parse_text(replace(ing, text=normalise(pdf_tables_text(ing.raw)), page_starts=()))
        except ReportError:
            return report
        if len([p for p in alt.problems if p.table]) < len([p for p in report.problems if p.table]):
            alt.document.reading = "detected_tables"
            return alt
    return report


def _parse_text(ing: Ingested) -> ParsedReport:
    templates = load_templates()
    text = blank_furniture(ing.text)
    spec = detect_template(text, templates)
    assumed = False
    if spec is None:
        spec = _fallback_template(text, templates)
        assumed = spec is not None
    if spec is None:
        raise ReportError("not a government information-disclosure annual report (no template's tables or title found)",
                          ing.path)
    sections = find_sections(text, spec.sections)
    meta = read_metadata(text, sections)
    report = ParsedReport(
        document=DocumentInfo(
            path=ing.path, sha256=ing.sha256, format=ing.format, encoding=ing.encoding,
            agency=meta.agency, year=meta.year, template=spec.id, title=meta.title,
            report_date=meta.report_date, doc_number=meta.doc_number, spans=meta.spans,
            page_starts=list(ing.page_starts),
        ),
        sections=sections,
        text=text,
    )
    cells, problems = _read_tables(text, spec, report)
    if assumed:
        problems.insert(0, Problem(code="template_assumed",
                                   message=f"未识别出任何格式的表格，按报告年度假定为 {spec.id} 格式"))
    report.cells = cells
    report.problems = problems
    return report


def parse_file(path: str | Path) -> ParsedReport:
    return parse_ingested(load(path))
