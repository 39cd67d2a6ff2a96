"""Command line: ``extractor parse`` and ``extractor review``. Errors are one line, never a traceback."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from extractor.errors import ReportError, SetupError, TemplateError, output_folder

if TYPE_CHECKING:
    from rich.console import Console


class _Commands(TyperGroup):
    """The root group. ``batch``, ``serve`` and ``findings`` (cli_batch.py, cli_serve.py) are added
    when a command name is not found among the others, or when all are listed (help): ``parse``,
    ``review`` and ``eval`` do not import them."""

    _more_loaded = False

    def _load_more(self) -> None:
        if self._more_loaded:
            return
        self._more_loaded = True
        from typer.main import get_command

        from extractor.cli_batch import register
        from extractor.cli_serve import register as register_serve

        more = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)
        register(more)
        register_serve(more)
        group = get_command(more)
        assert isinstance(group, TyperGroup)
        for name, command in group.commands.items():  # batch, serve, findings: the order help lists them in
            self.add_command(command, name)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            self._load_more()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        self._load_more()
        return super().list_commands(ctx)


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Review Chinese government information-disclosure annual reports (政府信息公开工作年度报告).")


class _Stderr:
    """Messages on stderr, as a rich console prints them. Text that it prints unchanged (no markup,
    no control characters, nothing like an :emoji: code) is written directly, so a review that
    goes well does not import rich (~30 ms)."""

    _NEEDS_RICH = re.compile(r"[\x00-\x1f\x7f-\x9f\[]|:\S*?:")

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True)

    def print(self, text: str, markup: bool = True, end: str = "\n") -> None:
        if self._NEEDS_RICH.search(text):
            self.console.print(text, markup=markup, end=end)
        else:
            sys.stderr.write(text + end)


err = _Stderr()


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
    from extractor.secrets import redact

    err.print("[red]error[/red]: ", markup=True, end="")
    err.print(redact(" ".join(message.split())), markup=False)  # one line; the report's text is not markup


LimitOption = Annotated[list[str] | None, typer.Option(
    "--limit", metavar="NAME=VALUE",
    help="raise a limit: bytes, chars, pages, docx_inflated, docx_entries (k/M/G), seconds")]


def _use_limits(overrides: list[str] | None) -> None:
    from extractor.config import Limits, use_limits

    try:
        use_limits(Limits.from_env(overrides))
    except ValueError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="report files: .txt, .html, .docx, .pdf (kind read from content)")],
    fmt: Annotated[ParseFormat, typer.Option("--format", "-f", help="json (JSON Lines for several files), table, csv")] = ParseFormat.json,
    limit: LimitOption = None,
) -> None:
    """Parse reports into canonical table cells, sections and metadata."""
    from rich.console import Console

    from extractor.config import limits
    from extractor.limits import Budget
    from extractor.parse import parse_file
    from extractor.render import print_table, to_csv, to_json

    _use_limits(limit)

    out = Console(highlight=False, soft_wrap=True)
    code = 0
    first_csv = True
    for path in files:
        try:
            with Budget(limits().seconds, str(path)).running():
                report = parse_file(path)
        except ReportError as exc:
            _fail(exc.line())
            code = 2
            continue
        except TemplateError as exc:
            _fail(str(exc))
            raise typer.Exit(2) from None
        except Exception as exc:  # a bug on one file: say so in one line and go on with the batch
            _fail(f"{path}: internal error ({type(exc).__name__}: {str(exc)[:120]}); please report it")
            code = 2
            continue
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
    fmt: Annotated[MemoFormat | None, typer.Option("--format", "-f", help="memo format (default: from -o's extension, else md)")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="write the memo here (a folder for several files)")] = None,
    severity: Annotated[Severity, typer.Option(help="lowest severity to list")] = Severity.info,
    backend: Annotated[Backend, typer.Option(help="auto: the model when one is configured, else rules")] = Backend.auto,
    model: Annotated[str | None, typer.Option(help="model name (or EXTRACTOR_MODEL / OPENAI_MODEL)")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint (or OPENAI_BASE_URL)")] = None,
    api_key: Annotated[str | None, typer.Option(help="API key (or OPENAI_API_KEY); never logged or cached")] = None,
    llm_mode: Annotated[LLMMode, typer.Option(help="tools, or json / md_json for servers without tool calling")] = LLMMode.tools,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="do not read or write the model cache")] = False,
    concurrency: Annotated[int, typer.Option(help="model requests in flight for several files")] = 4,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="exit 0 even when error findings are found")] = False,
    limit: LimitOption = None,
    sender: Annotated[str | None, typer.Option("--from", help="the memo's sender, e.g. \"XX区政务公开办\"")] = None,
    addressee: Annotated[str | None, typer.Option("--to", help="addressee (default: the reporting office)")] = None,
    date: Annotated[str | None, typer.Option(help="the memo's date, YYYY-MM-DD (default: today)")] = None,
    deadline: Annotated[str | None, typer.Option(help="reply by, as written in the letter, e.g. 2024年3月31日")] = None,
    internal: Annotated[bool, typer.Option("--internal", help="keep the reviewer's notes: rule ids, keys, checks")] = False,
) -> None:
    """Review reports: findings with evidence, as a memo. Exit 0 no error, 1 errors found, 2 unreadable."""
    from extractor.config import ModelSettings
    from extractor.memo import RENDERERS, MemoOptions, format_for, parse_date
    from extractor.review import Review, make_backend, review_many, review_many_rules

    _use_limits(limit)
    settings = ModelSettings.from_env(model=model, base_url=base_url, api_key=api_key, mode=llm_mode.value,
                                      use_cache=not no_cache)
    fmt_name = format_for(out if len(files) == 1 else None, fmt.value if fmt else None)
    targets = _targets(files, out, fmt_name)
    try:
        options = MemoOptions(sender=sender, addressee=addressee, date=parse_date(date), deadline=deadline,
                              internal=internal)
    except ValueError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    try:
        engine = make_backend(backend.value, settings)
        if engine is None:
            results = review_many_rules(files)
        else:
            import asyncio

            results = asyncio.run(review_many(files, engine, concurrency))
    except (TemplateError, SetupError) as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    except Exception as exc:
        from extractor.narrative.llm import ModelUnavailable  # only a model backend raises it

        if not isinstance(exc, ModelUnavailable):
            raise
        _fail(str(exc))
        raise typer.Exit(2) from None
    code = 0
    for path, result, target in zip(files, results, targets, strict=True):
        if not isinstance(result, Review):
            _fail(result.line())
            code = 2
            continue
        if result.extraction.fallback:
            err.print(f"[yellow]warning[/yellow]: {path}: model not used, reviewed with rules: ", end="")
            err.print(" ".join(result.extraction.fallback.split()), markup=False)
        try:
            memo = RENDERERS[fmt_name](result, severity.value, options)
        except Exception as exc:  # a memo that cannot be rendered costs this file, not the batch
            _fail(f"{path}: cannot render the {fmt_name} memo ({type(exc).__name__}: {str(exc)[:120]}); please report it")
            code = 2
            continue
        try:
            if isinstance(memo, bytes):
                target = target or path.with_suffix(".review.docx")
                _check_not_input(target, files)
                target.write_bytes(memo)
                err.print(f"wrote {target}", markup=False)
            elif target is not None:
                target.write_text(str(memo), encoding="utf-8")
                err.print(f"wrote {target}", markup=False)
            else:
                text = str(memo)
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
        except SetupError as exc:
            _fail(str(exc))
            code = 2
            continue
        except OSError as exc:
            _fail(f"{target}: cannot write the memo ({exc.strerror or type(exc).__name__})")
            code = 2
            continue
        counts = result.counts()
        err.print(f"{path}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info",
                  markup=False)
        if counts["error"] and not exit_zero and code != 2:
            code = 1
    reviews = [r for r in results if isinstance(r, Review)]
    if any(r.extraction.backend == "openai" for r in reviews):
        from extractor.models import Usage

        total = Usage()
        for r in reviews:
            total.add(r.extraction.usage)
        cached = sum(r.extraction.cached for r in reviews)
        err.print(f"model run: {total.requests} request(s), {total.prompt_tokens}+{total.completion_tokens} tokens, "
                  f"≈${total.cost_usd:.4f}; {cached} of {len(reviews)} report(s) from cache")
    raise typer.Exit(code)


_SUFFIX = {"md": ".md", "html": ".html", "docx": ".docx", "json": ".json"}


def _check_not_input(target: Path, files: list[Path]) -> None:
    if any(target.resolve() == f.resolve() for f in files):
        raise SetupError(f"{target}: the memo would overwrite an input report; choose another -o")


def _targets(files: list[Path], out: Path | None, fmt: str) -> list[Path | None]:
    """Where each memo goes, checked before any review runs: a wrong -o fails at once, in one line."""
    try:
        if out is None:
            return [None] * len(files)
        if len(files) == 1:
            if out.is_dir():
                raise SetupError(f"{out}: is a folder; give a file name for the memo")
            if not out.parent.is_dir():
                raise SetupError(f"{out}: folder {out.parent} does not exist")
            _check_not_input(out, files)
            return [out]
        output_folder(out, "with several reports, -o names a folder")
        targets: list[Path | None] = [out / (f.stem + _SUFFIX[fmt]) for f in files]
        names = [t.name for t in targets if t is not None]
        if len(set(names)) < len(names):
            raise SetupError(f"{out}: two reports share a file name; their memos would overwrite each other")
        for t in targets:
            assert t is not None
            _check_not_input(t, files)
        return targets
    except SetupError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None


class EvalFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


@app.command("eval")
def eval_(
    suite: Annotated[Path, typer.Argument(help="suite folder (with suite.yaml and cases/)")] = Path("evals"),
    backend: Annotated[Backend, typer.Option(help="rules, or openai (configured as for review)")] = Backend.rules,
    baseline: Annotated[Path | None, typer.Option(help="a saved result to compare with, case by case")] = None,
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f")] = EvalFormat.table,
    save: Annotated[Path | None, typer.Option(help="save the result JSON here (for a later --baseline)")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write the report here instead of stdout")] = None,
    mutate: Annotated[int, typer.Option(help="also run N rounds of mutation testing per case")] = 0,
    seed: Annotated[int, typer.Option(help="seed for the mutations")] = 7,
    model: Annotated[str | None, typer.Option()] = None,
    base_url: Annotated[str | None, typer.Option()] = None,
    api_key: Annotated[str | None, typer.Option()] = None,
    llm_mode: Annotated[LLMMode, typer.Option()] = LLMMode.tools,
) -> None:
    """Score the tool on a labelled suite; exit 1 when a metric falls below the suite's thresholds."""
    from rich.console import Console

    from extractor.config import ModelSettings
    from extractor.evals.cases import load_suite
    from extractor.evals.mutate import mutate_case, summarise
    from extractor.evals.report import print_table, to_html, to_json
    from extractor.evals.run import check_thresholds, compare, load_result, run_suite
    from extractor.narrative.llm import ModelUnavailable
    from extractor.review import make_backend

    if not suite.is_dir():
        _fail(f"{suite}: no such suite folder")
        raise typer.Exit(2)
    try:
        config, cases = load_suite(suite)
    except SetupError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    if not cases:
        _fail(f"{suite}: no cases ({config.cases})")
        raise typer.Exit(2)
    settings = ModelSettings.from_env(model=model, base_url=base_url, api_key=api_key, mode=llm_mode.value)
    try:
        engine = make_backend(backend.value, settings)
    except ModelUnavailable as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    try:
        result = run_suite(str(suite), config, cases, engine)
        rows = [row for case in cases for row in mutate_case(case, mutate, seed)] if mutate else []
    except (SetupError, TemplateError) as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    except Exception as exc:  # a case the suite cannot run is the suite's fault: one line, not a traceback
        _fail(f"{suite}: cannot run the suite ({type(exc).__name__}: {str(exc)[:160]})")
        raise typer.Exit(2) from None
    if mutate:
        result.mutation = summarise(rows)
        result.failures += check_thresholds({"mutation_recall": result.mutation["recall"],
                                             "mutation_clean_rate": None if result.mutation["false_alarm_rate"] is None
                                             else 1 - result.mutation["false_alarm_rate"]},
                                            config.mutation_thresholds)
    comparison = None
    if baseline is not None:
        try:
            comparison = compare(result, load_result(baseline))
        except (OSError, ValueError) as exc:
            _fail(f"{baseline}: cannot read baseline ({type(exc).__name__})")
            raise typer.Exit(2) from None
    try:
        if save is not None:
            save.write_text(to_json(result), encoding="utf-8")
        if fmt is EvalFormat.table and output is None:
            print_table(result, Console(highlight=False, soft_wrap=True), comparison)
        else:
            text = to_json(result, comparison) if fmt is EvalFormat.json else to_html(result, comparison) if fmt is EvalFormat.html else ""
            if output is not None:
                output.write_text(text, encoding="utf-8")
                err.print(f"wrote {output}", markup=False)
            else:
                sys.stdout.write(text + "\n")
    except OSError as exc:
        _fail(f"{exc.filename or output or save}: cannot write ({exc.strerror or type(exc).__name__})")
        raise typer.Exit(2) from None
    if result.failures:
        err.print("[red]below threshold[/red]: " + "; ".join(result.failures))
        raise typer.Exit(1)
    raise typer.Exit(0)

