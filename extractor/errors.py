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
