"""Errors a user can act on: each renders as one line naming the file and the reason."""

from __future__ import annotations

from pathlib import Path


class ReportError(Exception):
    """The file could not be read as a report at all (exit code 2)."""

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def line(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class TemplateError(Exception):
    """A template file under schemas/ is malformed: a developer error, reported with the file name."""


class SetupError(Exception):
    """Something of the tool's own failed: its cache, an output path, an eval suite, a memo
    (exit code 2, one line: exit code 1 means findings, never a failure)."""


def output_folder(out: Path, hint: str) -> None:
    """Make sure ``out`` is a folder the tool can write into, or say in one line why not."""
    if out.exists() and not out.is_dir():
        raise SetupError(f"{out}: exists and is not a folder ({hint})")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SetupError(f"{out}: cannot create the output folder ({exc.strerror})") from None
