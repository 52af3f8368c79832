"""`table` in its text formats: CSV and JSON (tabular.py), the Markdown report and the
spec form (markdown.py); the terminal's is render/terminal/table.py."""

from __future__ import annotations

from inception_cost.render import UNJUDGED
from inception_cost.render.markdown import to_markdown, to_spec
from inception_cost.render.tabular import to_csv, to_json
from inception_cost.report import Report

_WRITERS = {"csv": to_csv, "json": to_json, "markdown": to_markdown, "spec": to_spec}


def render(report: Report, fmt: str) -> str:
    """The report as text in `fmt`: csv, json, markdown or spec."""
    if fmt not in _WRITERS:
        raise ValueError(f"{fmt!r} is not a text format (rich: render/terminal/table.py)")
    if fmt not in UNJUDGED and report.audit.claims is None:
        raise ValueError(f"{fmt} prints the claims: make_report(..., readings=True)")
    return _WRITERS[fmt](report)
