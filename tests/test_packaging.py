"""A regular install ships what the tool reads at run time, and a command with no model configured
never imports the model stack."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _package_dir(package: str) -> Path:
    mapped = CONFIG.get("package-dir", {}).get(package)
    return ROOT / mapped if mapped else ROOT / package.replace(".", "/")


def test_every_package_is_listed():
    # the list is explicit (schemas/ and prompts/ are mapped into the package), so a new package
    # left out of it would be missing from the wheel: fail here instead
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "extractor").rglob("__init__.py")}
    assert found <= set(CONFIG["packages"]), sorted(found - set(CONFIG["packages"]))


@pytest.mark.parametrize("package", ["extractor.schemas", "extractor.prompts", "extractor.memo", "extractor.evals",
                                     "extractor.summary"])
def test_data_files_are_shipped(package):
    folder = _package_dir(package)
    patterns = CONFIG["package-data"][package]
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"]
    assert files
    assert [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)] == []


def test_no_model_stack_imported_without_a_model(tmp_path):
    code = ("import sys; from typer.testing import CliRunner; from extractor.cli import app; "
            f"r = CliRunner().invoke(app, ['batch', {str(ROOT / 'examples' / 'wangchuan_2023.txt')!r}, '-o', "
            f"{str(tmp_path / 'out')!r}, '--no-progress']); "
            "print(r.exit_code, sorted(m for m in sys.modules if m.split('.')[0] in ('openai', 'instructor')))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "EXTRACTOR_"))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip() == "0 []", out.stdout + out.stderr


@pytest.mark.skipif(not os.environ.get("EXTRACTOR_TEST_INSTALL"),
                    reason="set EXTRACTOR_TEST_INSTALL=1: installs from the package index (about a minute)")
def test_regular_install_reviews_from_elsewhere_with_the_checkout_removed(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", "*.egg-info", "__pycache__", ".git"))
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    subprocess.run([str(tmp_path / "venv/bin/pip"), "install", "-q", str(src)], check=True)
    report = tmp_path / "report.txt"
    shutil.copy(src / "examples" / "wangchuan_2023_flawed.txt", report)
    shutil.rmtree(src)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run([str(tmp_path / "venv/bin/extractor"), "review", str(report), "-f", "json"],
                         cwd=elsewhere, capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    assert "identity.table" in out.stdout
    out = subprocess.run([str(tmp_path / "venv/bin/extractor"), "batch", str(report), "-o", "out", "--no-progress"],
                         cwd=elsewhere, capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    assert (elsewhere / "out" / "batch-memo.md").exists() and (elsewhere / "out" / "summary.xlsx").exists()
