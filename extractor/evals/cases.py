"""Labelled cases: a report (a file, or a synthetic spec rendered to a format, with planted edits)
and its gold labels. The format is documented in evals/README.md."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from extractor.errors import SetupError
from extractor.synth import RENDERERS, SynthReport, load_synth


class GoldFinding(BaseModel):
    rule: str
    severity: str
    cells: list[str] = Field(default_factory=list)
    quote: str | None = None


class GoldClaim(BaseModel):
    metric: str
    value: float | None = None
    quote: str | None = None


class Edit(BaseModel):
    """Planted changes to a synthetic spec: the defects a case is about."""

    values: dict[str, Any] = Field(default_factory=dict)
    date: str | None = None
    year: int | None = None
    add: dict[str, list[str]] = Field(default_factory=dict, description="section -> paragraphs appended")
    replace: list[tuple[str, str]] = Field(default_factory=list, description="text replacements in paragraphs")
    drop_sections: list[str] = Field(default_factory=list)
    set_paragraphs: dict[str, list[str]] = Field(default_factory=dict)


class Case(BaseModel):
    name: str
    path: Path
    report: str | None = None
    synth: str | None = None
    format: str = "txt"
    edit: Edit = Field(default_factory=Edit)
    optional: bool = False
    description: str = ""
    document: dict[str, Any] = Field(default_factory=dict)
    cells: dict[str, Any] | None = None
    claims: list[GoldClaim] | None = None
    narrative: dict[str, Any] | None = None
    findings: list[GoldFinding] = Field(default_factory=list)

    def spec(self) -> SynthReport | None:
        if not self.synth:
            return None
        base = load_synth(str((self.path.parent / self.synth).resolve()))
        return apply_edit(base, self.edit)

    def available(self) -> bool:
        return self.synth is not None or (self.report is not None and (self.path.parent / self.report).exists())

    def materialise(self) -> tuple[bytes, str]:
        """The report's bytes and a display name."""
        spec = self.spec()
        if spec is not None:
            name = f"{self.name}.{self.format}"
            # PDF rendering needs reportlab (a dev extra); the shipped suite carries its PDFs
            # pre-rendered so that `extractor eval` runs on the default install.
            rendered = self.path.parent.parent / "reports" / "rendered" / name
            if self.format == "pdf" and rendered.exists():
                return rendered.read_bytes(), name
            out = RENDERERS[self.format](spec)
            return (out.encode("utf-8") if isinstance(out, str) else out), name
        assert self.report is not None
        target = self.path.parent / self.report
        return target.read_bytes(), str(target)

    def gold_cells(self) -> dict[str, Any] | None:
        """key -> value; a synthetic case's cells are its spec's values (what was rendered)."""
        spec = self.spec()
        if spec is not None and self.cells is None:
            if spec.legacy_rows:
                return None
            from decimal import Decimal

            out: dict[str, Any] = {}
            for k, v in spec.all_values().items():
                if isinstance(v, str):
                    v = Decimal(v.rstrip("万元亿")) if v.strip() else None
                out[k] = v
            return out
        if self.cells is None:
            return None
        if "rows" in self.cells:
            return {row[0]: row[3] for row in self.cells["rows"]}
        from extractor.templates import load_templates

        template = load_templates()[self.document["template"]]
        default = self.cells.get("default", 0)
        keys = [k for t in template.tables for k in t.cell_keys()]
        return {k: self.cells["values"].get(k, default) for k in keys}


def apply_edit(base: SynthReport, edit: Edit) -> SynthReport:
    r = copy.deepcopy(base)
    r.values.update(edit.values)
    if edit.date is not None:
        r.date = edit.date
    if edit.year is not None:
        r.year = edit.year
    for key, paras in edit.set_paragraphs.items():
        r.paragraphs[key] = list(paras)
    for key, paras in edit.add.items():
        r.paragraphs[key] = [*r.paragraphs.get(key, []), *paras]
    for old, new in edit.replace:
        r.paragraphs = {k: [p.replace(old, new) for p in v] for k, v in r.paragraphs.items()}
    for key in edit.drop_sections:
        r.paragraphs.pop(key, None)
    return r


def load_case(path: Path) -> Case:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise TypeError("expected a mapping of fields")
        return Case(name=path.stem, path=path, **data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise SetupError(f"{path}: invalid eval case: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']} ({exc.error_count()} error(s))"
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


class SuiteConfig(BaseModel):
    cases: str = "cases/*.yaml"
    thresholds: dict[str, float] = Field(default_factory=dict)
    mutation_thresholds: dict[str, float] = Field(default_factory=dict)


def load_suite(folder: Path) -> tuple[SuiteConfig, list[Case]]:
    config_path = folder / "suite.yaml"
    try:
        config = SuiteConfig.model_validate(yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}) \
            if config_path.exists() else SuiteConfig()
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        raise SetupError(f"{config_path}: invalid suite: {_reason(exc)}") from None
    cases = [load_case(p) for p in sorted(folder.glob(config.cases))]
    return config, cases
