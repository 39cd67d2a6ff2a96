"""Templates as data: load ``schemas/*.yaml`` into typed specs and detect which one a report uses."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError

from extractor.config import schemas_dir
from extractor.errors import TemplateError


class ColumnSpec(BaseModel):
    key: str
    label: str
    group: str | None = None
    unit: str | None = None
    decimal: bool = False


class RowSpec(BaseModel):
    key: str
    label: str
    group: str | None = None
    match: str | None = None
    columns: list[ColumnSpec] | None = Field(default=None, description="overrides the block's columns")

    def pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.match) if self.match else None


class BlockSpec(BaseModel):
    caption: str = ""
    columns: list[ColumnSpec]
    rows: list[RowSpec]


class TableSpec(BaseModel):
    id: str
    section: str
    title: str
    blocks: list[BlockSpec]

    def rows(self) -> list[tuple[RowSpec, list[ColumnSpec]]]:
        return [(r, r.columns or b.columns) for b in self.blocks for r in b.rows]

    def cell_keys(self) -> list[str]:
        return [cell_key(self.id, r.key, c.key) for r, cols in self.rows() for c in cols]


class SectionSpec(BaseModel):
    key: str
    number: str = ""
    title: str
    match: str


class DetectSpec(BaseModel):
    signals: list[str]
    excludes: list[str] = Field(default_factory=list)


class IdentitySpec(BaseModel):
    id: str
    text: str
    each: dict[str, Any] | None = None
    left: str | list[str]
    right: list[str]


class LegacyIndicator(BaseModel):
    """A named key for a legacy row, found by its label (with parents) and position among its siblings."""

    key: str
    match: str


class LegacySpec(BaseModel):
    header: str = Field(description="pattern of the sheet's label and unit column heads")
    columns: list[str] = Field(description="patterns of the value column heads, in the order they may follow")
    units: list[str]
    named: list[LegacyIndicator] = Field(default_factory=list)


class TemplateSpec(BaseModel):
    id: str
    name: str
    years: dict[str, int] = Field(default_factory=dict)
    detect: DetectSpec
    sections: list[SectionSpec]
    tables: list[TableSpec] = Field(default_factory=list)
    identities: list[IdentitySpec] = Field(default_factory=list)
    legacy: LegacySpec | None = None

    def table(self, table_id: str) -> TableSpec | None:
        return next((t for t in self.tables if t.id == table_id), None)


# libyaml's safe loader when the wheel has it: the templates and the vocabulary load at start-up,
# and the pure-Python loader takes several times as long.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader, C or Python


def cell_key(table: str, row: str, col: str) -> str:
    return ".".join(p for p in (table, row, col) if p)


def _load(path: Path) -> TemplateSpec:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        spec = TemplateSpec.model_validate(data)
        for table in spec.tables:
            for row, _ in table.rows():
                row.pattern()
        for section in spec.sections:
            re.compile(section.match)
    except (yaml.YAMLError, ValidationError, re.error) as exc:
        raise TemplateError(f"{path}: invalid template: {exc}") from exc
    return spec


@cache
def load_templates(directory: str | None = None) -> dict[str, TemplateSpec]:
    folder = Path(directory) if directory else schemas_dir()
    specs = [_load(p) for p in sorted((folder / "templates").glob("*.yaml"))]
    if not specs:
        raise TemplateError(f"no templates (*.yaml) found in {folder / 'templates'}")
    return {s.id: s for s in specs}


def detect_template(text: str, templates: dict[str, TemplateSpec] | None = None) -> TemplateSpec | None:
    """The template whose signal phrases occur most; None when none occurs (not such a report)."""
    templates = templates or load_templates()
    compact = re.sub(r"\s+", "", text)
    best: tuple[int, TemplateSpec] | None = None
    for spec in templates.values():
        score = sum(1 for s in spec.detect.signals if s in compact)
        score -= 2 * sum(1 for s in spec.detect.excludes if s in compact)
        if score > 0 and (best is None or score > best[0]):
            best = (score, spec)
    return best[1] if best else None


def expand(patterns: list[str], keys: list[str]) -> list[str]:
    """Wildcard cell patterns (t3.withheld.*.total) -> the keys present in this template's cells."""
    out: list[str] = []
    for p in patterns:
        if "*" in p:
            out += [k for k in keys if fnmatch.fnmatchcase(k, p)]
        else:
            out.append(p)
    return out


@dataclass
class Instance:
    id: str
    text: str
    left: list[str]
    right: list[str]
    op: str = "eq"  # eq: left = right; ge: left >= right (a cumulative figure and its year)


_T = TypeVar("_T")


def per_spec(build: Callable[..., _T]) -> Callable[..., _T]:
    """Cache what is worked out from a loaded spec (patterns, layouts, expanded identities) for as
    long as the spec lives. Specs are pydantic models, not hashable, so they are keyed by identity
    (checked, so that a new spec at a reused address is not taken for an old one); strings by value."""
    store: dict[tuple[object, ...], tuple[tuple[object, ...], _T]] = {}

    @functools.wraps(build)
    def cached(*args: object) -> _T:
        key = tuple(a if isinstance(a, str) else id(a) for a in args)
        hit = store.get(key)
        if hit is not None and all(x is y for x, y in zip(hit[0], args, strict=True)):
            return hit[1]
        value = build(*args)
        store[key] = (args, value)
        return value

    return cached


@per_spec
def instances(spec: TemplateSpec) -> list[Instance]:
    """The template's identities expanded over rows, columns or values (once per template)."""
    keys = [k for t in spec.tables for k in t.cell_keys()]
    out: list[Instance] = []
    for ident in spec.identities:
        lefts = [ident.left] if isinstance(ident.left, str) else list(ident.left)
        each = ident.each or {}
        bindings: list[dict[str, str]] = [{}]
        if "rows" in each:
            table = spec.table(each["rows"])
            bindings = [{"row": r.key} for r, _ in table.rows()] if table else []
        elif "cols" in each:
            table = spec.table(each["cols"])
            bindings = [{"col": c.key} for c in table.blocks[0].columns] if table else []
        elif "values" in each:
            bindings = [{each.get("as", "v"): v} for v in each["values"]]
        for b in bindings:
            left = expand([p.format(**b) for p in lefts], keys)
            right = expand([p.format(**b) for p in ident.right], keys)
            label = ",".join(b.values())
            out.append(Instance(id=f"{ident.id}[{label}]" if label else ident.id, text=ident.text, left=left, right=right))
    return out


