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
