"""Re-render the suite's PDF cases into evals/reports/rendered/ (needs the dev extra reportlab).

The shipped suite reads these files, so `extractor eval` needs no renderer on a plain install:
    python evals/render_pdfs.py
"""

from __future__ import annotations

from pathlib import Path

from extractor.evals.cases import load_suite
from extractor.synth import render_pdf

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    out = HERE / "reports" / "rendered"
    out.mkdir(parents=True, exist_ok=True)
    _, cases = load_suite(HERE)
    for case in cases:
        spec = case.spec()
        if case.format == "pdf" and spec is not None:
            (out / f"{case.name}.pdf").write_bytes(render_pdf(spec))
            print(out / f"{case.name}.pdf")
