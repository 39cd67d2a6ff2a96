"""Errors a user can act on: each renders as one line naming the file and the reason."""

from __future__ import annotations


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
