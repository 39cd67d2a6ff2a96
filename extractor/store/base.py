"""The store's access interface, independent of the database behind it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Literal

from extractor.store.records import ReviewRecord

Decision = Literal["accepted", "dismissed"]


class StoreError(Exception):
    """The store cannot be opened or a reference is unknown: one line for the user."""


@dataclass(frozen=True)
class RunInfo:
    tool_version: str
    rules_version: str
    backend: str
    model: str | None
    command: str


@dataclass(frozen=True)
class Outcome:
    """The last outcome recorded for an input: what ``--resume`` and ``--retry-failed`` look at."""

    input: str
    path: str
    sha256: str | None
    status: str
    error: str | None
    tool_version: str
    rules_version: str
    backend: str
    model: str | None


@dataclass(frozen=True)
class FindingFilter:
    status: str | None = None        # new | open | gone | standing (new or open)
    rule: str | None = None
    severity: str | None = None
    decision: str | None = None      # accepted | dismissed | none
    document: str | None = None      # substring of the input path or the agency
    limit: int | None = None


class ReviewStore(ABC):
    @abstractmethod
    def begin_run(self, info: RunInfo) -> int: ...

    @abstractmethod
    def finish_run(self, run_id: int, totals: dict[str, Any]) -> None: ...

    @abstractmethod
    def outcomes(self) -> dict[str, Outcome]: ...

    @abstractmethod
    def reserve(self, inputs: list[tuple[str, str]]) -> dict[str, int]:
        """Ids for (input, path) documents before they are reviewed, so workers can build rows."""

    @abstractmethod
    def record(self, run_id: int, rec: ReviewRecord, info: RunInfo) -> None:
        """Replace the document's cells, claims, narrative and checks; carry its findings over by
        fingerprint (kept, new, gone) so decisions stay attached."""

    @abstractmethod
    def flush(self) -> None:
        """Make what was recorded durable (records may be grouped into one transaction)."""

    @abstractmethod
    def documents(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def document_detail(self, document_id: int, keys: list[str] | None = None) -> dict[str, Any]:
        """cells, narrative items and text of one document (what the cross-year checks read);
        with ``keys``, only those cells and the legacy sheet's."""

    @abstractmethod
    def cell_values(self, keys: list[str]) -> dict[int, dict[str, Any]]:
        """document id -> {key or name: value} for the cells read as numbers among ``keys``."""

    @abstractmethod
    def narrative_items(self, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
        """part-五 items (problems, improvements…) of every reviewed document, with their report."""

    @abstractmethod
    def replace_crossyear(self, run_id: int, findings: list[tuple[int, str, dict[str, Any]]]) -> dict[str, int]:
        """The cross-year findings of this run as (later document id, fingerprint, finding)."""

    @abstractmethod
    def findings(self, flt: FindingFilter) -> list[dict[str, Any]]: ...

    def finding_rules(self, flt: FindingFilter) -> list[str]:
        """The rule of each finding ``findings(flt)`` lists, in its order (without reading the rest)."""
        return [f["rule"] for f in self.findings(flt)]

    @abstractmethod
    def finding(self, ref: str) -> dict[str, Any]: ...

    @abstractmethod
    def decide(self, ref: str, decision: Decision, note: str | None, reviewer: str | None) -> dict[str, Any]: ...

    @abstractmethod
    def runs(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
