"""What `mtcheck report` writes besides the DocumentReports themselves.

`documents.jsonl` holds one `ReportLine` a line: a `DocumentReport` (the model `check`
prints) or, for a document that could not be checked, a `DocumentErrorRow`, told apart
by its `error` field. `summary.csv` and the table of `index.html` hold a `SummaryRow` per
document, and `run.json` the `RunSummary`.
"""

from __future__ import annotations

from pydantic import Field, RootModel

from mtcheck.models.document import DocumentReport, ReportModel


class DocumentErrorRow(ReportModel):
    """A document (file or record) that could not be checked, and why."""

    source: str = Field(description="File path, or file:line for one record of a JSONL archive.")
    doc_id: str | None = Field(default=None, description="Id of the document inside its file, when known.")
    error: str = Field(description="Why it was not checked: binary, undecodable, too large, malformed...")


class ReportLine(RootModel[DocumentReport | DocumentErrorRow]):
    """One line of documents.jsonl."""


class SummaryRow(ReportModel):
    """One document in summary.csv and in the table of index.html."""

    id: str = Field(description="The document's id inside its file, else its path.")
    path: str
    format: str = ""
    verdict: str = ""
    mt_likelihood: float | None = None
    fluency: float | None = None
    findings: int = 0
    errors: int = 0
    warnings: int = 0
    info: int = 0
    categories: dict[str, int] = Field(default_factory=dict, description="Findings per rule category.")
    source_language: str = ""
    agency: str = Field(default="", description="Agency named by the text (normalised), else by the input's metadata.")
    date: str = Field(default="", description="Date from the input's metadata, else the dateline's.")
    fails: bool = Field(default=False, description="The document fails the gate (fail_on, max_mt_likelihood, "
                                                   "min_fluency).")
    error: str = Field(default="", description="Why the document was not checked; empty when it was.")
    page: str = Field(default="", description="Its page in the HTML report, relative to index.html.")


class RunTotals(ReportModel):
    documents: int = Field(description="Documents in the run, checked or not.")
    reported: int = Field(description="Documents checked and reported.")
    errors: int = Field(description="Documents (files or records) that could not be checked.")
    flagged: int = Field(description="Documents that fail the gate (a finding at or above fail_on, or a score past "
                                     "max_mt_likelihood or min_fluency).")
    findings: int
    verdicts: dict[str, int]
    categories: dict[str, int] = Field(description="Findings per rule category over all documents.")
    source_languages: dict[str, int] = Field(description="Documents per likely source language.")
    agencies: dict[str, int] = Field(description="Documents per agency.")
    mean_mt_likelihood: float | None = None
    mean_fluency: float | None = None


class RunSummary(ReportModel):
    """run.json: what was run, how, and what came of it."""

    signature: str = Field(description="Checker signature: the same one reproduces every report.")
    mtcheck: str = Field(description="mtcheck version.")
    config: str | None = Field(default=None, description="The config file whose settings were used, if any.")
    inputs: list[str]
    engine: str
    jobs: int
    fail_on: str
    started: str = Field(description="UTC, ISO 8601.")
    finished: str
    seconds: float
    checked: int = Field(description="Documents checked in this run.")
    reused: int = Field(description="Documents whose report was already in the store (unchanged content, same "
                                    "signature).")
    totals: RunTotals
    outputs: dict[str, str] = Field(description="Output name -> file, relative to the run folder.")
