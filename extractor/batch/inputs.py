"""Inputs of a batch: files, folders (recursive) and globs, each with a key that no other input
can share (its path relative to the working directory, or its absolute path when outside it), so
outputs never overwrite each other."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

# A folder is walked for these; a file named on the command line is taken whatever its name.
SUFFIXES = {".txt", ".htm", ".html", ".shtml", ".xhtml", ".docx", ".pdf", ".doc", ".text"}


@dataclass(frozen=True)
class Input:
    path: Path
    key: str


def input_key(path: Path, cwd: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(cwd).as_posix()
    except ValueError:
        return "_abs/" + resolved.as_posix().lstrip("/").replace(":", "")


def _walk(folder: Path) -> list[Path]:
    # Hidden folders (.git, .venv) are not reports.
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [Path(root) / f for f in sorted(files) if Path(f).suffix.lower() in SUFFIXES and not f.startswith(".")]
    return out


def expand(arguments: list[str], cwd: Path | None = None, exclude: Path | None = None) -> tuple[list[Input], list[str]]:
    """Inputs in argument order, each file once; the arguments that matched nothing. Files under
    ``exclude`` (the batch's own output folder) are left out."""
    cwd = (cwd or Path.cwd()).resolve()
    skip = exclude.resolve() if exclude is not None else None
    seen: dict[Path, Input] = {}
    missing: list[str] = []
    for arg in arguments:
        path = Path(arg)
        if path.is_dir():
            found = _walk(path)
        elif path.exists():
            found = [path]
        elif glob.has_magic(arg):
            found = []
            for hit in sorted(glob.glob(arg, recursive=True)):
                found += _walk(Path(hit)) if Path(hit).is_dir() else [Path(hit)]
        else:
            found = []
        if not found:
            missing.append(arg)
        for p in found:
            resolved = p.resolve()
            if skip is not None and resolved.is_relative_to(skip):
                continue
            if resolved not in seen:
                seen[resolved] = Input(path=p, key=input_key(p, cwd))
    return list(seen.values()), missing
