"""What makes an earlier review still valid for ``--resume``: the tool's version and a digest of
the rules (the shipped templates, vocabulary and prompts, and the code that reads and checks)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from extractor import __version__
from extractor.config import prompts_dir, schemas_dir


@cache
def rules_version() -> str:
    here = Path(__file__).resolve().parent.parent
    files = sorted(schemas_dir().rglob("*.yaml")) + sorted(prompts_dir().glob("*.j2"))
    for package in ("reconcile", "narrative", "tables"):
        files += sorted((here / package).glob("*.py"))
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def tool_version() -> str:
    return __version__
