"""Typed records that flow one way through the pipeline: ingest -> sections -> tables -> review."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

Number = Annotated[
    int | Decimal,
    PlainSerializer(lambda v: float(v) if isinstance(v, Decimal) else v, when_used="json"),
]

CellKind = Literal["number", "zero", "blank", "not_applicable", "text", "ambiguous"]
# direct: one token per cell; split: run-together digits with one reading; inferred: run-together
# digits whose reading was chosen by the form's identities (listed in inferred_from); derived: a
# total the report left blank, computed from its filled parts (never used to accuse on its identity).
CellReading = Literal["direct", "split", "inferred", "derived"]


class Span(BaseModel):
    """Where something was read: character offsets into ``ParsedReport.text`` and a 1-based line."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    line: int


class Cell(BaseModel):
    key: str
    table: str
    row_label: str
    col_label: str
    value: Number | None
    kind: CellKind
    raw: str
    unit: str | None = None
    name: str | None = Field(default=None, description="a named key for a legacy row, from the template")
    source: Span | None = None
    reading: CellReading = "direct"
    inferred_from: list[str] = Field(default_factory=list, description="identities that chose the reading")

    @property
    def certain(self) -> bool:
        """Read from the digits alone: safe to accuse on."""
        return self.reading != "inferred" and self.kind != "ambiguous"


class Section(BaseModel):
    key: str
    title: str
    heading: Span
    start: int = Field(description="offset where the section's body starts")
    end: int = Field(description="offset where the section ends (next section or end of text)")


class Problem(BaseModel):
    """Something the reader could not do; never silently turned into a value."""

    code: str
    message: str
    table: str | None = None
    keys: list[str] = Field(default_factory=list)
    source: Span | None = None
    candidates: list[list[Number | None]] = Field(
        default_factory=list, description="for an ambiguous run: every reading still possible, cell by cell")


class DocumentInfo(BaseModel):
    path: str
    sha256: str
    format: Literal["text", "html", "docx", "pdf"]
    encoding: str | None = None
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    title: str | None = None
    report_date: str | None = Field(default=None, description="ISO date the report was issued")
    doc_number: str | None = None
    reading: str = Field(default="text", description="text, or detected_tables when a PDF's ruled tables read better")
    spans: dict[str, Span] = Field(default_factory=dict, description="where each metadata field was read")
    page_starts: list[int] = Field(default_factory=list, exclude=True, description="a PDF's page offsets in the text")


class ParsedReport(BaseModel):
    document: DocumentInfo
    sections: list[Section] = Field(default_factory=list)
    cells: list[Cell] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    text: str = Field(default="", exclude=True, repr=False)

    def cell_map(self) -> dict[str, Cell]:
        out = {c.key: c for c in self.cells}
        out.update({c.name: c for c in self.cells if c.name})
        return out

    def reliable_cell_map(self, cells: dict[str, Cell] | None = None) -> dict[str, Cell]:
        """Cells safe to check: a table in which some row had the wrong number of values may be
        read out of alignment, so none of its cells is used to accuse (precision first).
        `cells` is this report's cell_map() when the caller has built it already."""
        unsure = {p.table for p in self.problems if p.code == "row_values"}
        return {k: c for k, c in (self.cell_map() if cells is None else cells).items() if c.table not in unsure}

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


class Usage(BaseModel):
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, other: Usage) -> None:
        self.requests += other.requests
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost_usd += other.cost_usd


class Dropped(BaseModel):
    """An item the model gave that the source text does not prove: never a finding."""

    item: dict[str, object]
    reason: str


class Extraction(BaseModel):
    backend: str = "rules"
    model: str | None = None
    prompt_version: str | None = None
    schema_version: str | None = None
    cached: bool = False
    fallback: str | None = Field(default=None, description="why the model was not used, when it failed")
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    dropped: list[Dropped] = Field(default_factory=list)
