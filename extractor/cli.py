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


class MemoFormat(StrEnum):
    md = "md"
    html = "html"
    docx = "docx"
    json = "json"


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


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



@app.command()
def review(
    file: Annotated[Path, typer.Argument(help="the report to review (.txt, .html, .docx, .pdf)")],
    fmt: Annotated[MemoFormat, typer.Option("--format", "-f", help="memo format")] = MemoFormat.md,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="write the memo here (required for docx)")] = None,
    severity: Annotated[Severity, typer.Option(help="lowest severity to list")] = Severity.info,
) -> None:
    """Review one report: findings with evidence, as a memo. Exit 0 no error, 1 errors found, 2 unreadable."""
    from extractor.memo import RENDERERS
    from extractor.review import review_file

    try:
        result = review_file(file)
    except ReportError as exc:
        _fail(exc.line())
        raise typer.Exit(2) from None
    except TemplateError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    memo = RENDERERS[fmt.value](result, severity.value)
    if isinstance(memo, bytes):
        target = out or file.with_suffix(".review.docx")
        target.write_bytes(memo)
        err.print(f"wrote {target}")
    elif out is not None:
        out.write_text(str(memo), encoding="utf-8")
        err.print(f"wrote {out}")
    else:
        text = str(memo)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    counts = result.counts()
    err.print(f"{file}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info")
    raise typer.Exit(1 if counts["error"] else 0)
