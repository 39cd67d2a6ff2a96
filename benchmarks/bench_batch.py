"""A batch of about 1,000 reports, as a user runs it: reports per second, memory along the way,
every input accounted for, then ``--resume`` (no work) and ``--retry-failed`` (the failures only).

    python benchmarks/bench_batch.py [--reports 1000] [--workers 0] [--keep DIR]

The mix: ../shared/corpus and ../shared/seeds (when present), examples/ (text and HTML),
synthetic variants of the examples rendered as text and HTML (offices over consecutive years, so
the cross-year checks run too), a few unreadable files and two inputs with the same file name.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu(who: int | None = None) -> float:
    if who is not None:
        use = resource.getrusage(who)
        return use.ru_utime + use.ru_stime
    return _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)


def build(folder: Path, n: int) -> int:
    from extractor.synth import load_synth, render_html, render_text

    real = folder / "real"
    real.mkdir(parents=True)
    count = 0
    for src in [*sorted((SHARED / "corpus").glob("*.txt")), *sorted((SHARED / "corpus").glob("*.html")),
                *sorted((SHARED / "seeds").glob("*")), *sorted((ROOT / "examples").glob("*.txt")),
                *sorted((ROOT / "examples").glob("*.html"))]:
        shutil.copy(src, real / src.name)
        count += 1
    # two inputs with the same name in different folders
    (folder / "dup" / "a").mkdir(parents=True)
    (folder / "dup" / "b").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "wangchuan_2023.txt", folder / "dup" / "a" / "report.txt")
    shutil.copy(ROOT / "examples" / "wangchuan_2023_flawed.txt", folder / "dup" / "b" / "report.txt")
    # unreadable
    bad = folder / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.pdf").write_bytes(b"\x00\x01 not a pdf")
    (bad / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    (bad / "menu.html").write_text("<html><body><p>网站导航</p></body></html>", encoding="utf-8")
    count += 6
    specs = [load_synth(str(p)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    synth = folder / "synth"
    synth.mkdir()
    i = 0
    while count < n:
        spec = specs[i % len(specs)]
        office, year = i // 4, spec.year - 3 + i % 4
        report = spec.model_copy(update={"agency": f"{spec.agency[:-3]}第{office}分局", "year": year})
        ext, render = (("html", render_html) if i % 3 == 0 else ("txt", render_text))
        (synth / f"v{i:05d}.{ext}").write_text(render(report), encoding="utf-8")
        count += 1
        i += 1
    return count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--keep", type=Path, default=None, help="build the inputs and the output here")
    args = ap.parse_args()

    from extractor.batch.inputs import expand
    from extractor.batch.runner import BatchOptions, run_batch
    from extractor.batch.steps import default_steps

    base = args.keep or Path(tempfile.mkdtemp(prefix="bench_batch_"))
    inputs_dir, out = base / "in", base / "out"
    if out.exists():
        shutil.rmtree(out)
    if not inputs_dir.exists():
        build(inputs_dir, args.reports)
    inputs, _ = expand([str(inputs_dir)], cwd=base)
    memory: list[tuple[int, float]] = []

    def advance(rec, totals):  # noqa: ANN001
        done = totals.reviewed + totals.failed
        if done % 100 == 0:
            memory.append((done, rss_mb()))

    def batch(**kw: object):  # noqa: ANN202
        opts = BatchOptions(out=out, workers=args.workers, after=default_steps(out), **kw)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        totals = run_batch(inputs, opts, advance=advance)
        return totals, time.perf_counter() - t0

    cpu0, main0 = _cpu(), _cpu(resource.RUSAGE_SELF)
    totals, seconds = batch()
    review_seconds = totals.review_seconds
    cpu, main_cpu = _cpu() - cpu0, _cpu(resource.RUSAGE_SELF) - main0
    lines = sum(1 for _ in (out / "reviews.jsonl").open(encoding="utf-8"))
    print(f"inputs {totals.inputs}: reviewed {totals.reviewed}, failed {totals.failed}; JSON Lines {lines}; "
          f"{seconds:.2f} s in all, {totals.reviewed / review_seconds:.0f} reports/s "
          f"(workers: {args.workers or 'one per core'})")
    # On a shared machine the wall clock says how busy the others were; CPU seconds per report say
    # what the batch itself costs, and so what the cores give when they are the batch's alone.
    cores = os.cpu_count() or 1
    print(f"CPU {cpu:.1f} s for {totals.inputs} reports ({cpu / totals.inputs * 1000:.1f} ms each, all processes): "
          f"{cores} idle cores would do {cores * totals.inputs / cpu:.0f} reports/s "
          f"(load average during the run: {os.getloadavg()[0]:.1f}); of which the writing process "
          f"{main_cpu / totals.inputs * 1000:.1f} ms per report, cross-year checks and summary included")
    print("main process memory (MB) after N reports: " + ", ".join(f"{n}: {m:.0f}" for n, m in memory))
    print("after the batch: " + "; ".join(totals.notes))
    memory.clear()
    resumed, seconds = batch(resume=True)
    print(f"--resume: reviewed {resumed.reviewed}, skipped {resumed.skipped} in {seconds:.2f} s")
    retried, seconds = batch(retry_failed=True)
    print(f"--retry-failed: reviewed {retried.reviewed}, failed {retried.failed}, skipped {retried.skipped} "
          f"in {seconds:.2f} s")
    print(json.dumps({"failures": [k for k, _ in retried.failures]}, ensure_ascii=False))
    if args.keep is None:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
