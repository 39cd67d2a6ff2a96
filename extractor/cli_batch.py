"""Command line: ``extractor batch`` and ``extractor findings …``, registered on the main app."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str) -> None:
    err.print(f"[red]error[/red]: {message}", markup=True)


class MemoChoice(StrEnum):
    none = "none"
    md = "md"
    html = "html"
    docx = "docx"
    json = "json"


def _progress_hooks(enabled: bool) -> tuple[Any, Any, Any]:
    """A rich progress bar on stderr: done / total, failed, findings so far, time left."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn("[bold]batch[/bold]"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("failed {task.fields[failed]} · findings {task.fields[findings]} "
                              "({task.fields[errors]} errors)"),
                   TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                   console=err, disable=not enabled, transient=False, refresh_per_second=5)
    task = bar.add_task("batch", total=None, failed=0, findings=0, errors=0)

    def start(total: int) -> None:
        bar.update(task, total=total)
        bar.start()

    def advance(rec: Any, totals: Any) -> None:
        bar.update(task, advance=1, failed=totals.failed, findings=totals.findings,
                   errors=totals.severities.get("error", 0))

    return bar, start, advance


def batch(
    inputs: Annotated[list[str] | None, typer.Argument(help="files, folders (recursive) and globs")] = None,
    out: Annotated[Path, typer.Option("-o", "--output", help="output folder (created when absent)")] = Path("out"),
    resume: Annotated[bool, typer.Option("--resume", help="skip reports already done with the same input, tool and rules")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="rerun only the reports that failed before")] = False,
    memo: Annotated[MemoChoice, typer.Option(help="also write a memo per report under OUT/memos/")] = MemoChoice.none,
    workers: Annotated[int, typer.Option(help="worker processes (0: one per core)")] = 0,
    backend: Annotated[str, typer.Option(help="auto, rules or openai (configured as for review)")] = "auto",
    model: Annotated[str | None, typer.Option(help="model name (or EXTRACTOR_MODEL / OPENAI_MODEL)")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint (or OPENAI_BASE_URL)")] = None,
    api_key: Annotated[str | None, typer.Option(help="API key (or OPENAI_API_KEY)")] = None,
    concurrency: Annotated[int, typer.Option(help="model requests in flight")] = 4,
    progress: Annotated[bool, typer.Option(help="show the progress bar (on a terminal)")] = True,
) -> None:
    """Review many reports into OUT/: review.db, reviews.jsonl, run.json, summary and batch memo.
    Exit 0 no error finding, 1 error findings, 2 some inputs could not be read."""
    from extractor.batch.inputs import Input, expand
    from extractor.batch.runner import BatchError, BatchOptions, run_batch
    from extractor.config import ModelSettings
    from extractor.errors import TemplateError
    from extractor.store import StoreError, open_store

    if not inputs and not retry_failed:
        _fail("give the reports to review: files, folders or globs")
        raise typer.Exit(2)
    settings = ModelSettings.from_env(model=model, base_url=base_url, api_key=api_key)
    engine = None
    if backend != "rules" and (backend == "openai" or settings.configured):
        from extractor.narrative.llm import ModelUnavailable
        from extractor.review import make_backend

        try:
            engine = make_backend(backend, settings)
        except (ModelUnavailable, TemplateError) as exc:
            _fail(str(exc))
            raise typer.Exit(2) from None
    missing: list[str] = []
    if inputs:
        found, missing = expand(inputs, exclude=out)
    else:  # --retry-failed with no inputs: the failures recorded in the store
        try:
            with open_store(out) as store:
                found = [Input(path=Path(o.path), key=o.input) for o in store.outcomes().values()
                         if o.status == "failed"]
        except StoreError as exc:
            _fail(str(exc))
            raise typer.Exit(2) from None
    for arg in missing:
        _fail(f"{arg}: no such file, folder or matching report")
    from extractor.batch.steps import default_steps

    opts = BatchOptions(out=out, resume=resume, retry_failed=retry_failed, workers=workers,
                        memo=None if memo is MemoChoice.none else memo.value, backend=engine,
                        backend_name="openai" if engine is not None else "rules",
                        model=settings.model if engine is not None else None, concurrency=concurrency,
                        command=" ".join(["extractor", *sys.argv[1:]]), after=default_steps(out))
    bar, start, advance = _progress_hooks(progress and err.is_terminal)
    try:
        with bar:
            totals = run_batch(found, opts, progress=start, advance=advance)
    except (BatchError, StoreError, TemplateError) as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None
    for key, reason in totals.failures:
        _fail(f"{key}: {reason}")
    for note in totals.notes:
        err.print(note)
    rate = f" ({totals.reviewed / totals.seconds:.0f} reports/s)" if totals.seconds and totals.reviewed else ""
    sev = totals.severities
    err.print(f"{totals.inputs} input(s): {totals.reviewed} reviewed, {totals.skipped} skipped (already done), "
              f"{totals.failed} failed; findings: {sev.get('error', 0)} error(s), {sev.get('warning', 0)} warning(s), "
              f"{sev.get('info', 0)} info in {totals.seconds:.1f} s{rate}; store {out / 'review.db'}")
    keys = {i.key for i in found}
    with open_store(out) as store:
        current = [d for d in store.documents() if d["input"] in keys]
    if missing or any(d["status"] == "failed" for d in current):
        raise typer.Exit(2)
    raise typer.Exit(1 if any((d["errors"] or 0) > 0 for d in current) else 0)


findings_app = typer.Typer(add_completion=False, no_args_is_help=True,
                           help="List findings in a batch's store and record reviewers' decisions.")

StoreOpt = Annotated[Path, typer.Option("--store", "-s", help="the batch output folder or its review.db")]


def _open(store: Path) -> Any:
    from extractor.store import StoreError, open_store

    target = store if store.suffix else store / "review.db"
    if not target.exists():
        _fail(f"{target}: no review store here (run `extractor batch … -o {store}` first)")
        raise typer.Exit(2)
    try:
        return open_store(target)
    except StoreError as exc:
        _fail(str(exc))
        raise typer.Exit(2) from None


def _line(f: dict[str, Any]) -> str:
    decision = f" [{f['decision']}]" if f.get("decision") else ""
    where = f"{f['input']}" + (f" ({f['agency']} {f['year']})" if f.get("agency") else "")
    return (f"#{f['id']:<5} {f['fingerprint'][:10]}  {f['status']:<4} {f['severity']:<7} {f['rule']:<22} "
            f"{where}: {f['message']}{decision}")


@findings_app.command("list")
def list_(
    store: StoreOpt = Path("out"),
    status: Annotated[str | None, typer.Option(help="new, open, gone, or standing (new or open)")] = "standing",
    rule: Annotated[str | None, typer.Option()] = None,
    severity: Annotated[str | None, typer.Option()] = None,
    decision: Annotated[str | None, typer.Option(help="accepted, dismissed or none")] = None,
    document: Annotated[str | None, typer.Option(help="part of the input path or office name")] = None,
    limit: Annotated[int | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines")] = False,
) -> None:
    """Findings with their id, fingerprint, status (new / open / gone) and decision."""
    from extractor.store import FindingFilter

    with _open(store) as db:
        rows = db.findings(FindingFilter(status=None if status == "all" else status, rule=rule, severity=severity,
                                         decision=decision, document=document, limit=limit))
    for f in rows:
        sys.stdout.write((json.dumps(f, ensure_ascii=False) if as_json else _line(f)) + "\n")
    err.print(f"{len(rows)} finding(s)")


@findings_app.command()
def show(ref: Annotated[str, typer.Argument(help="finding id (#12) or fingerprint prefix")], store: StoreOpt = Path("out")) -> None:
    """One finding with its evidence."""
    from extractor.store import StoreError

    with _open(store) as db:
        try:
            f = db.finding(ref)
        except StoreError as exc:
            _fail(str(exc))
            raise typer.Exit(2) from None
    out = Console(highlight=False, soft_wrap=True)
    out.print(_line(f), markup=False)
    for label in ("expected", "found"):
        if f.get(label) is not None:
            out.print(f"  {label}: {f[label]}", markup=False)
    for ev in f["evidence"]:
        doc = f"{ev['document']} " if ev.get("document") else ""
        if ev.get("kind") == "cell":
            out.print(f"  cell  {doc}{ev.get('key')} = {ev.get('value')} ({ev.get('label')}, line {ev.get('line')})", markup=False)
        else:
            out.print(f"  quote {doc}[{ev.get('start')}:{ev.get('end')}] line {ev.get('line')}: {ev.get('quote')}", markup=False)
    if f.get("decision"):
        out.print(f"  decision: {f['decision']} by {f.get('reviewer') or '?'} at {f['decided_at']}"
                  + (f": {f['note']}" if f.get("note") else ""), markup=False)


def _decide(ref: str, decision: str, note: str | None, reviewer: str | None, store: Path) -> None:
    import getpass

    from extractor.store import StoreError

    with _open(store) as db:
        try:
            f = db.decide(ref, decision, note, reviewer or getpass.getuser())
        except StoreError as exc:
            _fail(str(exc))
            raise typer.Exit(2) from None
    err.print(_line(f), markup=False)


NoteOpt = Annotated[str | None, typer.Option("--note", help="why (kept with the decision)")]
ReviewerOpt = Annotated[str | None, typer.Option(help="who decides (default: the login name)")]


@findings_app.command()
def accept(ref: str, note: NoteOpt = None, reviewer: ReviewerOpt = None, store: StoreOpt = Path("out")) -> None:
    """Record that a finding is right."""
    _decide(ref, "accepted", note, reviewer, store)


@findings_app.command()
def dismiss(ref: str, note: NoteOpt = None, reviewer: ReviewerOpt = None, store: StoreOpt = Path("out")) -> None:
    """Record that a finding is wrong (a false alarm); it stays dismissed while it stands unchanged."""
    _decide(ref, "dismissed", note, reviewer, store)


@findings_app.command("export-labels")
def export_labels(
    target: Annotated[Path, typer.Argument(help="folder to write the eval suite into")],
    store: StoreOpt = Path("out"),
) -> None:
    """Reviewers' decisions as an eval suite (`extractor eval TARGET`): one case per report whose
    standing findings are all decided; accepted findings are the labels, dismissed ones false alarms."""
    from extractor.store.labels import export

    with _open(store) as db:
        written, precision = export(db, target)
    for rule, (acc, dis) in sorted(precision.items()):
        sys.stdout.write(f"{rule:<24} accepted {acc:>4}  dismissed {dis:>4}  precision {acc / (acc + dis):.0%}\n")
    err.print(f"wrote {written} case(s) to {target / 'cases'}; run `extractor eval {target}`")


def register(app: typer.Typer) -> None:
    app.command()(batch)
    app.add_typer(findings_app, name="findings")
