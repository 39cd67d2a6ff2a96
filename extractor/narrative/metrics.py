"""The metric vocabulary (schemas/metrics.yaml) and how a metric resolves to cells per template."""

from __future__ import annotations

import re
import re._constants as _c  # for first_chars(): the parser's output
import re._parser as _parser
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from extractor.config import schemas_dir
from extractor.errors import TemplateError
from extractor.templates import load_yaml


class Metric(BaseModel):
    id: str
    text: str
    patterns: list[str]
    units: list[str]
    cells: dict[str, list[str]] = Field(default_factory=dict)
    alternates: dict[str, list[list[str]]] = Field(default_factory=dict)
    excludes: list[str] = Field(default_factory=list, description="a clause matching one of these is not "
                                "about this metric alone (a combined subject: 予以公开及部分公开)")

    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(tuple(self.patterns))

    def excluded(self, clause: str) -> bool:
        return any(p.search(clause) for p in _compile(tuple(self.excludes)))


class Assertion(BaseModel):
    """A qualitative claim: “no lawsuits”, “all answered on time” — the cells must sum to zero."""

    id: str
    text: str
    patterns: list[str]
    cells: dict[str, list[str]] = Field(default_factory=dict)
    severity: dict[str, str] = Field(default_factory=dict)
    note: str | None = None

    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(tuple(self.patterns))


@cache
def _compile(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


@cache
def _vocabulary() -> tuple[tuple[Metric, ...], tuple[Assertion, ...], tuple[re.Pattern[str], ...]]:
    path = schemas_dir() / "metrics.yaml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        metrics = tuple(Metric.model_validate(m) for m in data["metrics"])
        assertions = tuple(Assertion.model_validate(a) for a in data.get("qualitative", []))
        others = tuple(re.compile(p) for p in data.get("other_subjects", []))
        for m in metrics:
            m.compiled()
        for a in assertions:
            a.compiled()
    except (OSError, yaml.YAMLError, ValidationError, KeyError, re.error) as exc:
        raise TemplateError(f"{path}: invalid metric vocabulary: {exc}") from exc
    return metrics, assertions, others


# A search answering only “does any of these patterns match?”: truthy or None.
Search = Callable[[str], object]
# Joined into one alternation, a pattern's group numbers shift: one that refers back to a group
# (\1, (?P=name), (?(1)…)) is searched on its own instead.
_GROUP_REFERENCE = re.compile(r"\\\d|\(\?P=|\(\?\(")


def any_of(patterns: Sequence[str]) -> Search:
    """One scan of the text for a set of patterns, instead of one scan per pattern: the text
    matches the alternation exactly when it matches one of them. When every pattern's possible
    first characters are known, a look-ahead for them comes first: the engine then rejects most
    positions in one step instead of entering every alternative (several times faster)."""
    if not patterns:
        return _no_match
    if not any(_GROUP_REFERENCE.search(p) for p in patterns):
        union = "|".join(f"(?:{p})" for p in patterns)
        firsts: set[str] = set()
        for p in patterns:
            chars = first_chars(p)
            if chars is None:
                break
            firsts |= chars
        else:
            union = f"(?=[{''.join(re.escape(c) for c in sorted(firsts))}])(?:{union})"
        try:
            return re.compile(union).search
        except re.error:  # e.g. a leading global flag, valid only at the start of its own pattern
            pass
    compiled = _compile(tuple(patterns))
    return lambda s: next((m for p in compiled if (m := p.search(s))), None)


def first_chars(pattern: str) -> set[str] | None:
    """The characters a match of `pattern` can start with; None when that is not simply known
    (it may match empty or start with an optional part, a range, a category, a case-insensitive
    flag...). Read from the standard parser, which is private: should it change, this answers
    None and nothing but speed is lost."""
    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        return _firsts(list(parsed))
    except Exception:
        return None


def _firsts(items: list[tuple[Any, Any]]) -> set[str] | None:
    if not items:
        return None  # an empty pattern matches anywhere
    op, av = items[0]
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _firsts(items[1:])  # an anchor or a look-around consumes nothing: what follows starts the match
    if op is _c.LITERAL:
        return {chr(av)}
    if op is _c.IN:
        if all(o is _c.LITERAL for o, _ in av):
            return {chr(a) for _, a in av}
        return None  # a negated class, a range or a category
    if op is _c.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            chars = _firsts(list(alternative))
            if chars is None:
                return None
            out |= chars
        return out
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _firsts(list(sub))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _firsts(list(sub)) if low > 0 else None  # optional: a match may start after it
    return None


def _no_match(_: str) -> None:
    return None


@cache
def metrics_for_unit(unit: str) -> tuple[Search, tuple[tuple[Metric, Search], ...]]:
    """The metrics counted in `unit`, in vocabulary order, each with one search for its patterns;
    first, one search for all of them, which rules out most clauses in a single scan."""
    mine = [m for m in load_metrics() if unit in m.units]
    return any_of([p for m in mine for p in m.patterns]), tuple((m, any_of(m.patterns)) for m in mine)


@cache
def other_subject_search() -> Search:
    """other_subjects() as one search."""
    return any_of([p.pattern for p in other_subjects()])


@cache
def assertion_search() -> Search:
    """Whether any qualitative assertion's pattern matches: most sentences match none."""
    return any_of([p for a in load_assertions() for p in a.patterns])


@cache
def _metrics_by_id() -> dict[str, Metric]:
    out: dict[str, Metric] = {}
    for m in load_metrics():
        out.setdefault(m.id, m)  # the first of a repeated id wins, as a scan in order would find
    return out


def other_subjects() -> tuple[re.Pattern[str], ...]:
    """Clauses whose numbers count something other than the disclosure work (hotline calls,
    public complaints, documents by category): no metric is given to them."""
    return _vocabulary()[2]


def load_metrics() -> tuple[Metric, ...]:
    return _vocabulary()[0]


def load_assertions() -> tuple[Assertion, ...]:
    return _vocabulary()[1]


def assertion(assertion_id: str) -> Assertion | None:
    return next((a for a in load_assertions() if a.id == assertion_id), None)


def metric(metric_id: str) -> Metric | None:
    return _metrics_by_id().get(metric_id)


