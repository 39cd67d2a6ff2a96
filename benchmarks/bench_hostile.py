"""Hostile inputs: review time against the size of pathological prose, and peak memory of the
files that once exhausted the machine (each in its own process, with the default limits).

    python benchmarks/bench_hostile.py [--sizes 25000,50000,100000,200000] [--no-memory]

The first table should show microseconds per character flat as the size grows (linear time); the
second, every file refused or read in well under 1 GB, never killed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATHOLOGICAL = {
    "digits": lambda n: "1" * n,
    "Chinese numerals": lambda n: ("九千九百九十九万" * (n // 8 + 1))[:n],
    "grouped digits": lambda n: ("111," * n)[:n],
    "leading group": lambda n: ("领导" * n)[:n],
}

_CHILD = """
import json, resource, sys, time
from extractor.errors import ReportError
from extractor.parse import parse_file
from extractor.review import review_report
t = time.perf_counter()
try:
    review_report(parse_file(sys.argv[1]))
    outcome = "read"
except ReportError as exc:
    outcome = "refused: " + exc.reason
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def review_seconds(text: str) -> float:
    from extractor.ingest import load_bytes
    from extractor.parse import parse_ingested
    from extractor.review import review_report

    t0 = time.perf_counter()
    review_report(parse_ingested(load_bytes(text.encode("utf-8"), "hostile.txt")))
    return time.perf_counter() - t0


def linear_rows(sizes: list[int]) -> None:
    base = (ROOT / "examples" / "wangchuan_2023.txt").read_text(encoding="utf-8")
    anchor = base.index("\n", base.index("一、")) + 1
    review_seconds(base)  # warm caches
    print("| prose placed in part 一 | " + " | ".join(f"{n // 1000} K chars" for n in sizes) + " |")
    print("| --- |" + " --- |" * len(sizes))
    for name, make in PATHOLOGICAL.items():
        cells = []
        for n in sizes:
            s = min(review_seconds(base[:anchor] + make(n) + "\n" + base[anchor:]) for _ in range(2))
            cells.append(f"{s * 1000:.0f} ms ({s / n * 1e6:.2f} µs/char)")
        print(f"| {name} | " + " | ".join(cells) + " |")


def zip_bomb(path: Path, gib: int = 3) -> None:
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(gib * 1024):
                f.write(chunk)


def long_pdf(path: Path, pages: int = 2000) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.setFont("STSong-Light", 10)
        for line in range(40):
            c.drawString(40, 800 - line * 19, f"第{i}页 第{line}行 政府信息公开工作年度报告 主动公开政府信息1260条")
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())


def repeated_text(path: Path, mib: int = 50) -> None:
    report = (ROOT / "examples" / "wangchuan_2023.txt").read_bytes()
    with path.open("wb") as f:
        for _ in range(mib * (1 << 20) // len(report) + 1):
            f.write(report)


def memory_rows() -> None:
    print("\n| file | outcome | seconds | peak memory |")
    print("| --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        cases = [("DOCX inflating to 3 GiB", "bomb.docx", zip_bomb, {}),
                 ("PDF of 2,000 pages", "long.pdf", long_pdf, {}),
                 ("50 MiB of repeated report text", "huge.txt", repeated_text, {}),
                 ("the same, with --limit bytes=100M", "huge.txt", None, {"EXTRACTOR_LIMIT_BYTES": "100M"})]
        for label, name, build, env in cases:
            path = Path(folder) / name
            if build is not None:
                build(path)
            out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                                 cwd=ROOT, check=False, env={**os.environ, **env})
            if out.returncode != 0:
                print(f"| {label} ({path.stat().st_size / 1e6:.1f} MB) | killed or crashed (exit {out.returncode}) | | |")
                continue
            r = json.loads(out.stdout)
            print(f"| {label} ({path.stat().st_size / 1e6:.1f} MB) | {r['outcome'][:90]} | {r['seconds']:.2f} | "
                  f"{r['peak_mb']:.0f} MB |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="25000,50000,100000,200000")
    ap.add_argument("--no-memory", action="store_true", help="skip building the 3 GiB bomb and the long PDF")
    args = ap.parse_args()
    linear_rows([int(s) for s in args.sizes.split(",")])
    if not args.no_memory:
        memory_rows()


if __name__ == "__main__":
    main()
