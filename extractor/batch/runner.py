"""The batch: reviews in worker processes (rules backend) or concurrent model calls (model
backend), each result streamed to the store, the JSON Lines file and the memo folder as it
arrives, so memory does not grow with the number of reports."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from extractor.batch.inputs import Input
from extractor.batch.versions import rules_version, tool_version
from extractor.batch.worker import FatalTemplateError, failure, file_sha256, review_one, warm
from extractor.errors import SetupError, TemplateError, output_folder
from extractor.store import Outcome, ReviewStore, RunInfo, open_store
from extractor.store.records import ReviewRecord

JSONL = "reviews.jsonl"
TOTALS = "run.json"
MEMO_SUFFIX = {"md": ".md", "html": ".html", "docx": ".docx", "json": ".json"}


class BatchError(Exception):
    """The batch cannot start (the output folder is a file, the store cannot be opened…)."""


@dataclass
class BatchOptions:
    out: Path
    resume: bool = False
    retry_failed: bool = False
    workers: int = 0                      # 0: one per core
    memo: str | None = None               # also write a memo per report in this format
    backend: Any = None                   # a ModelBackend, or None for the rules backend
    backend_name: str = "rules"
    model: str | None = None
    concurrency: int = 4                  # model requests in flight
    command: str = ""
    after: list[Callable[[ReviewStore, int, BatchTotals], None]] = field(default_factory=list)


@dataclass
class BatchTotals:
    run_id: int = 0
    inputs: int = 0
    reviewed: int = 0
    skipped: int = 0
    failed: int = 0
    with_errors: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    usage: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    review_seconds: float = 0.0           # the reviews alone, without the cross-year and summary steps
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return sum(self.severities.values())

    def as_dict(self) -> dict[str, Any]:
        return {"run": self.run_id, "inputs": self.inputs, "reviewed": self.reviewed, "skipped": self.skipped,
                "failed": self.failed, "reports_with_errors": self.with_errors, "findings": self.findings,
                "by_severity": dict(self.severities), "seconds": round(self.seconds, 3),
                "review_seconds": round(self.review_seconds, 3),
                "reports_per_second": round(self.reviewed / self.review_seconds, 1) if self.review_seconds else None,
                "failures": [{"input": k, "reason": r} for k, r in self.failures],
                **{k: self.usage.get(k, 0) for k in ("requests", "prompt_tokens", "completion_tokens", "cost_usd")},
                "notes": self.notes}


def select(inputs: list[Input], outcomes: dict[str, Outcome], opts: BatchOptions,
           info: RunInfo) -> tuple[list[Input], int]:
    """What this run must review, and how many inputs it skips."""
    todo: list[Input] = []
    for item in inputs:
        done = outcomes.get(item.key)
        if opts.retry_failed:
            if done is not None and done.status == "failed":
                todo.append(item)
            continue
        if opts.resume and done is not None and (done.tool_version, done.rules_version, done.backend, done.model) == (
                info.tool_version, info.rules_version, info.backend, info.model) \
                and done.sha256 == file_sha256(item.path):
            continue
        todo.append(item)
    return todo, len(inputs) - len(todo)


def _pool_results(items: list[tuple[str, str, int | None]], workers: int, memo: str | None) -> Iterator[ReviewRecord]:
    fn = partial(review_one, memo=memo)
    if workers <= 1 or len(items) <= 2:
        yield from map(fn, items)
        return
    import multiprocessing as mp

    warm()  # loaded once here; forked workers inherit it
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=warm) as pool:
        # Small chunks keep the progress bar live; unordered so a slow PDF holds nobody up.
        yield from pool.imap_unordered(fn, items, chunksize=4)


def _model_results(items: list[tuple[str, str, int | None]], backend: Any, concurrency: int, memo: str | None,
                   sink: Callable[[ReviewRecord], None]) -> None:
    """Model calls concurrent within the backend's limit; each result handed to ``sink`` as it comes."""
    import asyncio  # the rules backend's batch does not need it

    from extractor.errors import ReportError
    from extractor.parse import parse_file
    from extractor.review import review_report_async

    async def main() -> None:
        queue: asyncio.Queue[tuple[str, str, int | None]] = asyncio.Queue()
        for it in items:
            queue.put_nowait(it)

        async def worker() -> None:
            while not queue.empty():
                key, path, document_id = queue.get_nowait()
                t0 = time.perf_counter()
                try:
                    review = await review_report_async(parse_file(path), backend)
                except ReportError as exc:
                    sink(failure(key, path, exc.reason, time.perf_counter() - t0))
                    continue
                except TemplateError:
                    raise
                except Exception as exc:  # one report's bug is that report's failure
                    sink(failure(key, path, f"internal error ({type(exc).__name__}: {str(exc)[:120]})"))
                    continue
                rec = ReviewRecord.of_review(key, path, review.model_dump_json(), review.text,
                                             time.perf_counter() - t0, document_id)
                if memo is not None:
                    from extractor.memo import RENDERERS

                    rec.memo = RENDERERS[memo](review, "info")
                sink(rec)

        try:
            await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
        finally:
            await backend.aclose()

    asyncio.run(main())


class _Output:
    """Where one run writes: JSON Lines (merged with earlier runs' lines at the end, the newest
    line per input kept), the memos, and the store."""

    def __init__(self, out: Path, store: ReviewStore, run_id: int, info: RunInfo, memo: str | None) -> None:
        self.out, self.store, self.run_id, self.info, self.memo = out, store, run_id, info, memo
        self.part = out / f".{JSONL}.run{run_id}"
        self.stream = self.part.open("wb")  # the lines come encoded from the workers
        self.keys: set[str] = set()

    def write(self, rec: ReviewRecord) -> None:
        self.store.record(self.run_id, rec, self.info)
        self.stream.write(rec.line)
        self.stream.write(b"\n")
        self.keys.add(rec.input)
        if rec.memo is not None and self.memo is not None:
            target = self.out / "memos" / (rec.input + MEMO_SUFFIX[self.memo])
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(rec.memo, bytes):
                target.write_bytes(rec.memo)
            else:
                target.write_text(rec.memo, encoding="utf-8")

    def close(self) -> None:
        self.store.flush()
        self.stream.close()
        final = self.out / JSONL
        merged = self.out / f".{JSONL}.merge"
        with merged.open("wb") as dst:
            if final.exists():
                with final.open("rb") as src:
                    for line in src:
                        try:
                            key = json.loads(line.decode("utf-8"))["input"] if line.strip() else None
                        except (ValueError, KeyError, TypeError):
                            key = None
                        if key is not None and key not in self.keys:
                            dst.write(line)
            with self.part.open("rb") as src:
                shutil.copyfileobj(src, dst)  # this run's lines as they are: no decoding, no re-encoding
        os.replace(merged, final)
        self.part.unlink()


def prepare(out: Path) -> None:
    try:
        output_folder(out, "give -o a folder; it is created when absent")
    except SetupError as exc:
        raise BatchError(str(exc)) from None


def run_batch(inputs: list[Input], opts: BatchOptions,
              progress: Callable[[int], Any] | None = None,
              advance: Callable[[ReviewRecord, BatchTotals], None] | None = None) -> BatchTotals:
    """Review ``inputs`` into ``opts.out``. ``progress(total)`` is called once the work is known,
    ``advance`` after each report."""
    prepare(opts.out)
    started = time.perf_counter()
    store = open_store(opts.out)
    info = RunInfo(tool_version=tool_version(), rules_version=rules_version(), backend=opts.backend_name,
                   model=opts.model, command=opts.command)
    totals = BatchTotals(inputs=len(inputs))
    try:
        todo, totals.skipped = select(inputs, store.outcomes(), opts, info)
        totals.run_id = store.begin_run(info)
        if progress is not None:
            progress(len(todo))
        output = _Output(opts.out, store, totals.run_id, info, opts.memo)

        def sink(rec: ReviewRecord) -> None:
            output.write(rec)
            if rec.ok:
                totals.reviewed += 1
                counts = rec.counts()
                totals.severities.update({k: v for k, v in counts.items() if v})
                totals.with_errors += counts["error"] > 0
                usage = rec.usage
                totals.usage.update({k: usage.get(k, 0) for k in ("requests", "prompt_tokens", "completion_tokens")})
                totals.usage["cost_usd"] += usage.get("cost_usd", 0.0)
            else:
                totals.failed += 1
                totals.failures.append((rec.input, rec.error or "unreadable"))
            if advance is not None:
                advance(rec, totals)

        ids = store.reserve([(i.key, str(i.path)) for i in todo])
        items = [(i.key, str(i.path), ids.get(i.key)) for i in todo]
        try:
            if opts.backend is not None:
                _model_results(items, opts.backend, opts.concurrency, opts.memo, sink)
            else:
                workers = opts.workers or os.cpu_count() or 1
                for rec in _pool_results(items, min(workers, len(items)), opts.memo):
                    sink(rec)
        except FatalTemplateError as exc:
            raise TemplateError(str(exc)) from None
        finally:
            output.close()
        totals.review_seconds = time.perf_counter() - started
        # nothing reviewed (a resume with nothing left): the store is as the last run left it, and so
        # are the cross-year findings and the summary
        for step in opts.after if totals.reviewed + totals.failed else []:
            step(store, totals.run_id, totals)
        totals.seconds = time.perf_counter() - started
        store.finish_run(totals.run_id, {**totals.as_dict(), "findings": totals.findings})
        (opts.out / TOTALS).write_text(json.dumps(totals.as_dict(), ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    finally:
        store.close()
    return totals
