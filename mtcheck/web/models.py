"""Request and response bodies of the HTTP API that the CLI has no model for.

Reports themselves (CheckReport, AlignReport, RuleCatalogue, FixReport) are the CLI's own
models, so `/v1/check` returns exactly what `mtcheck check --format json` prints.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mtcheck.models import InputError, ReportModel

_NAME_HELP = ("A name for the document, shown in the report; with format 'auto' its extension picks the reader. "
              "It is never opened as a file.")
_FORMAT_HELP = ("How to read the text: text, markdown, html, nitf, newsml, wire-xml, jsonl, or auto "
                "(by the name's extension; plain text when it has none).")


class CheckRequest(ReportModel):
    text: str = Field(description="The story, as the editor has it.")
    name: str = Field("<text>", max_length=500, description=_NAME_HELP)
    format: str = Field("auto", max_length=40, description=_FORMAT_HELP)


class FindingRef(ReportModel):
    """A finding as /v1/check reported it: its rule and its span."""

    rule: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class FixRequest(CheckRequest):
    select: list[str] = Field(default_factory=list, description="Fix only these rules, families or categories.")
    ignore: list[str] = Field(default_factory=list, description="Leave these rules, families or categories alone.")
    only: FindingRef | None = Field(
        None,
                                    description="Apply the fix of this one finding (with the white space it takes "
                                                "along), not every safe fix.")


class AlignRequest(ReportModel):
    draft: str = Field(description="The earlier version, e.g. raw machine translation.")
    reference: str = Field(description="The later or published version.")
    draft_name: str = Field("draft", max_length=500, description=_NAME_HELP)
    reference_name: str = Field("reference", max_length=500, description=_NAME_HELP)
    format: str = Field("auto", max_length=40, description=_FORMAT_HELP)
    min_similarity: float | None = Field(
        None, ge=0, le=1, description="Word similarity below which sentences are not paired (default 0.22).")


class ExtractedDocument(ReportModel):
    name: str
    doc_id: str | None = None
    format: str = Field(description="The reader used: text, markdown, html, ...")
    encoding: str = Field(description="The file's encoding: utf-8, or utf-16/32 from its byte-order mark.")
    text: str = Field(description="The text the checker sees (for markup, the prose extracted).")


class ExtractReport(ReportModel):
    """What `/v1/extract` returns for an uploaded file's bytes."""

    documents: list[ExtractedDocument]
    errors: list[InputError] = Field(default_factory=list, description="Records that could not be read (JSONL).")


class Health(ReportModel):
    status: Literal["ok"] = "ok"
    version: str
    signature: str = Field(description="The checker signature every report of this server carries.")


class ErrorBody(ReportModel):
    """Every 4xx and 5xx response: one line saying what was wrong."""

    error: str
