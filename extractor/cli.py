"""Command line: ``extractor parse`` and ``extractor review``. Errors are one line, never a traceback."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractor.errors import ReportError, TemplateError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Review Chinese government information-disclosure annual reports (政府信息公开工作年度报告).")
err = Console(stderr=True, highlight=False, soft_wrap=True)


class ParseFormat(StrEnum):
    json = "json"
    table = "table"
    csv = "csv"


@app.callback()
def _root() -> None:
    """Review Chinese government information-disclosure annual reports (政府信息公开工作年度报告)."""


def _fail(message: str) -> None:
    err.print(f"[red]error[/red]: {message}", markup=True)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="report files: .txt, .html, .docx, .pdf (kind read from content)")],
    fmt: Annotated[ParseFormat, typer.Option("--format", "-f", help="json (JSON Lines for several files), table, csv")] = ParseFormat.json,
) -> None:
    """Parse reports into canonical table cells, sections and metadata."""
    from extractor.parse import parse_file
    from extractor.render import print_table, to_csv, to_json

    out = Console(highlight=False, soft_wrap=True)
    code = 0
    first_csv = True
    for path in files:
        try:
            report = parse_file(path)
        except ReportError as exc:
            _fail(exc.line())
            code = 2
            continue
        except TemplateError as exc:
            _fail(str(exc))
            raise typer.Exit(2) from None
        if report.problems:
            err.print(f"[yellow]warning[/yellow]: {path}: partial parse: {len(report.problems)} problem(s); "
                      f"first: {report.problems[0].message}")
            code = max(code, 1)
        if fmt is ParseFormat.json:
            sys.stdout.write(to_json(report, indent=None if len(files) > 1 else 2) + "\n")
        elif fmt is ParseFormat.csv:
            sys.stdout.write(to_csv([report], header=first_csv))
            first_csv = False
        else:
            print_table(report, out)
    raise typer.Exit(code)

