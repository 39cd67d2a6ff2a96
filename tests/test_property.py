"""Property: random consistent tables rendered as one-cell-a-line text and HTML parse back unchanged."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.ingest import load_bytes
from extractor.parse import parse_ingested
from extractor.synth import SynthReport, render_html, render_text
from extractor.templates import load_templates

APPLICANTS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"]


@st.composite
def consistent_values(draw, template: str = "gov2021"):
    spec = load_templates()[template]
    values: dict[str, object] = {}
    t3 = spec.table("t3")
    assert t3 is not None
    result_rows = [r.key for r, _ in t3.rows() if r.key not in ("new", "carried_over", "result_total", "carried_forward")]
    small = st.integers(min_value=0, max_value=60)
    for col in APPLICANTS:
        results = {row: draw(small) for row in result_rows}
        carried_forward = draw(small)
        carried_over = draw(st.integers(min_value=0, max_value=sum(results.values()) + carried_forward))
        for row, v in results.items():
            values[f"t3.{row}.{col}"] = v
        values[f"t3.result_total.{col}"] = sum(results.values())
        values[f"t3.carried_forward.{col}"] = carried_forward
        values[f"t3.carried_over.{col}"] = carried_over
        values[f"t3.new.{col}"] = sum(results.values()) + carried_forward - carried_over
    for row, _ in t3.rows():
        values[f"t3.{row.key}.total"] = sum(values[f"t3.{row.key}.{c}"] for c in APPLICANTS)  # type: ignore[misc]
    for table_id in ("t2", "t4"):
        table = spec.table(table_id)
        assert table is not None
        for key in table.cell_keys():
            values[key] = draw(st.integers(min_value=0, max_value=99999))
    for group in ("review", "suit_direct", "suit_after_review"):
        values[f"t4.{group}.total"] = sum(values[f"t4.{group}.{c}"] for c in ("upheld", "corrected", "other", "pending"))  # type: ignore[misc]
    return values


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_values(), agency=st.sampled_from(["青禾市云溪区望川街道办事处", "澜山县交通运输局", "东坪镇人民政府"]),
       year=st.integers(min_value=2021, max_value=2026))
def test_text_and_html_round_trip(values, agency, year):
    report = SynthReport(template="gov2021", agency=agency, year=year, values=values,
                         paragraphs={"overview": [f"{year}年，{agency}依法推进政务公开。"]})
    for fmt, render in (("txt", render_text), ("html", render_html)):
        parsed = parse_ingested(load_bytes(render(report).encode("utf-8"), f"r.{fmt}"))
        assert parsed.problems == []
        assert {c.key: c.value for c in parsed.cells} == values
        assert parsed.document.agency == agency
        assert parsed.document.year == year
