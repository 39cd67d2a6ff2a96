"""Parse a folder of reports in one process; print reports per second and milliseconds per report.

    python benchmarks/bench_parse.py [FOLDER_OR_FILE ...] [--repeat N] [--review]

Without arguments it reads examples/, ../shared/seeds/ and ../shared/corpus/ (when present). Rendering a synthetic
corpus first (--synth N) gives a larger, reproducible set in text and HTML.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collect(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() in {".txt", ".html", ".htm", ".docx", ".pdf"})
        elif p.exists():
            out.append(p)
    return out


def synth_corpus(n: int, folder: Path) -> list[Path]:
    from extractor.synth import load_synth, render_html, render_text

    base = load_synth(str(ROOT / "examples" / "wangchuan_2023.yaml"))
    files = []
    for i in range(n):
        report = base.model_copy(update={"agency": f"青禾市第{i}街道办事处", "year": 2021 + i % 5})
        for ext, render in (("txt", render_text), ("html", render_html)):
            f = folder / f"r{i:04d}.{ext}"
            f.write_text(render(report), encoding="utf-8")
            files.append(f)
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--synth", type=int, default=0, help="also render N synthetic reports (txt + html)")
    ap.add_argument("--review", action="store_true", help="time the whole review (rules backend), not only parsing")
    args = ap.parse_args()
    from extractor.parse import parse_file

    run = parse_file
    if args.review:
        from extractor.review import review_file

        run = review_file  # type: ignore[assignment]
    files = collect(args.paths or [str(ROOT / "examples"), str(ROOT.parent / "shared" / "seeds"),
                                   str(ROOT.parent / "shared" / "corpus")])
    tmp = tempfile.TemporaryDirectory()
    if args.synth:
        files += synth_corpus(args.synth, Path(tmp.name))
    for f in files:  # warm-up: imports, template loading, regex compilation
        run(f)
    by_kind: dict[str, list[float]] = {}
    start = time.perf_counter()
    for _ in range(args.repeat):
        for f in files:
            t0 = time.perf_counter()
            run(f)
            by_kind.setdefault(f.suffix.lower(), []).append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    n = len(files) * args.repeat
    what = "review" if args.review else "parse"
    print(f"{what}: {len(files)} reports x {args.repeat} = {n} runs in {total:.2f}s: "
          f"{n / total:.1f} reports/s, {total * 1000 / n:.2f} ms/report (one core)")
    for kind, times in sorted(by_kind.items()):
        print(f"  {kind:6} median {statistics.median(times):7.2f} ms   p95 {sorted(times)[int(len(times) * .95) - 1]:7.2f} ms   "
              f"({len(times) // args.repeat} files)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
