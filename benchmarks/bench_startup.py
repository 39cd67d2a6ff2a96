"""Start-up of a review with no model configured: the wall time of a whole command, best and median.

    python benchmarks/bench_startup.py [--runs 10]

Runs `python -m extractor review examples/wangchuan_2023.txt` (imports, templates, one small report,
the memo) and, for scale, `python -c pass` and `python -m extractor --help`. Model settings are
removed from the environment so that the rules backend is what starts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "extractor --help": [sys.executable, "-m", "extractor", "--help"],
    "extractor review (one report)": [sys.executable, "-m", "extractor", "review",
                                      str(ROOT / "examples" / "wangchuan_2023.txt"), "--exit-zero"],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EXTRACTOR_MODEL", "EXTRACTOR_BASE_URL", "OPENAI_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed tool has its bytecode compiled
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for cmd in COMMANDS.values():  # warm-up: bytecode written, files in the page cache
        subprocess.run(cmd, env=env, capture_output=True, check=True)
    for _ in range(args.runs):  # interleaved, so a busy moment costs every command alike
        for name, cmd in COMMANDS.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, check=True)
            times[name].append(time.perf_counter() - t0)
    for name, ts in times.items():
        print(f"{name:32} best {min(ts):.2f} s   median {statistics.median(ts):.2f} s   ({args.runs} runs)")


if __name__ == "__main__":
    main()
