"""JSON output: the pydantic models serialised as they are, so the schema describes it."""

from __future__ import annotations

from mtcheck.models import CheckReport


def render_check_json(report: CheckReport) -> str:
    return report.model_dump_json(indent=2) + "\n"
