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



class Backend(StrEnum):
    auto = "auto"
    rules = "rules"
    openai = "openai"


class LLMMode(StrEnum):
    tools = "tools"
    json = "json"
    md_json = "md_json"


@app.command()
def review(
    files: Annotated[list[Path], typer.Argument(help="the report(s) to review (.txt, .html, .docx, .pdf)")],
    fmt: Annotated[MemoFormat, typer.Option("--format", "-f", help="memo format")] = MemoFormat.md,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="write the memo here (a folder for several files)")] = None,
    severity: Annotated[Severity, typer.Option(help="lowest severity to list")] = Severity.info,
    backend: Annotated[Backend, typer.Option(help="auto: the model when one is configured, else rules")] = Backend.auto,
    model: Annotated[str | None, typer.Option(help="model name (or EXTRACTOR_MODEL / OPENAI_MODEL)")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint (or OPENAI_BASE_URL)")] = None,
    api_key: Annotated[str | None, typer.Option(help="API key (or OPENAI_API_KEY); never logged or cached")] = None,
    llm_mode: Annotated[LLMMode, typer.Option(help="tools, or json / md_json for servers without tool calling")] = LLMMode.tools,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="do not read or write the model cache")] = False,
    concurrency: Annotated[int, typer.Option(help="model requests in flight for several files")] = 4,
) -> None:
    """Review reports: findings with evidence, as a memo. Exit 0 no error, 1 errors found, 2 unreadable."""
    import asyncio

    from extractor.config import ModelSettings
    from extractor.memo import RENDERERS
    from extractor.narrative.llm import ModelUnavailable
    from extractor.review import Review, make_backend, review_many

    settings = ModelSettings.from_env(model=model, base_url=base_url, api_key=api_key, mode=llm_mode.value,
                                      use_cache=not no_cache, concurrency=concurrency)
    try:
        engine = make_backend(backend.value, settings)
    except (ModelUnavailable, TemplateError) as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    try:
        results = asyncio.run(review_many(files, engine, concurrency))
    except TemplateError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    code = 0
    if out is not None and len(files) > 1:
        out.mkdir(parents=True, exist_ok=True)
    for path, result in zip(files, results, strict=True):
        if not isinstance(result, Review):
            _fail(result.line())
            code = 2
            continue
        if result.extraction.fallback:
            err.print(f"[yellow]warning[/yellow]: {path}: model not used, reviewed with rules: {result.extraction.fallback}")
        memo = RENDERERS[fmt.value](result, severity.value)
        target = out
        if out is not None and len(files) > 1:
            target = out / (path.stem + {"md": ".md", "html": ".html", "docx": ".docx", "json": ".json"}[fmt.value])
        if isinstance(memo, bytes):
            target = target or path.with_suffix(".review.docx")
            target.write_bytes(memo)
            err.print(f"wrote {target}")
        elif target is not None:
            target.write_text(str(memo), encoding="utf-8")
            err.print(f"wrote {target}")
        else:
            text = str(memo)
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        counts = result.counts()
        err.print(f"{path}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info")
        if counts["error"]:
            code = max(code, 1)
    raise typer.Exit(code)
