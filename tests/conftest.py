from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = ROOT / "examples"
CASES = ROOT / "evals" / "cases"


def seed_path(prefix: str) -> Path:
    """A seed report from ../shared/seeds, or skip cleanly when shared/ is absent."""
    matches = sorted(SEEDS.glob(f"{prefix}*")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed {prefix} not available (../shared/seeds absent)")
    return matches[0]


def load_case(name: str) -> dict:
    return yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def wangchuan():
    from extractor.synth import load_synth

    return load_synth(str(EXAMPLES / "wangchuan_2023.yaml"))


@pytest.fixture(scope="session")
def lanshan():
    from extractor.synth import load_synth

    return load_synth(str(EXAMPLES / "lanshan_2020.yaml"))


def runaway_inputs(monkeypatch, folder: Path, text: str) -> tuple[Path, Path]:
    """Two copies of a report, ``slow.txt`` and ``good.txt``; parsing slow.txt runs a catastrophic
    regex first, so only it can exhaust a time budget."""
    import re

    import extractor.review as review_module

    slow, good = folder / "slow.txt", folder / "good.txt"
    slow.write_text(text, encoding="utf-8")
    good.write_text(text, encoding="utf-8")
    real = review_module.parse_file

    def parse(path):
        if Path(path).name == "slow.txt":
            re.search(r"(a+)+b", "a" * 40)
        return real(path)

    monkeypatch.setattr(review_module, "parse_file", parse)
    return slow, good
