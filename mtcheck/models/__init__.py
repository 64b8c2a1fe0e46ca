"""Report models: what `mtcheck.check` returns and what every command prints as JSON.

Every report is a pydantic model, so the JSON schemas in `reports/schema/` come from the
same definitions the code uses. The document report lives in `document`; the reports of
the applications built on it (align, batch, eval) have modules of their own here, so the
renderers depend on models only and never on the applications that fill them.

The models are loaded on first use (`from mtcheck.models import Finding` loads them):
building them costs pydantic tens of milliseconds, which `mtcheck --help`, `--version`,
`mtcheck rules` and `mtcheck check --format text` do without. The enumerations are plain
and always here. The pipeline builds the document report as plain classes (`plain`,
generated from these models by `python -m mtcheck.models.generate`) and makes the model
(`document.to_model`) only where a report leaves the program as data.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mtcheck.models.enums import Severity, Verdict

if TYPE_CHECKING:
    from mtcheck.models import plain
    from mtcheck.models.document import (
        Agency,
        AppliedFix,
        CheckReport,
        Counts,
        Dateline,
        DocumentReport,
        Evidence,
        Finding,
        FixReport,
        Fluency,
        GateFailure,
        InputError,
        LanguageGuess,
        PairProblem,
        PairsValidation,
        Provenance,
        ReferenceDocument,
        ReferenceMatch,
        ReportModel,
        RuleCatalogue,
        RuleExample,
        RuleInfo,
        SentenceFluency,
    )

    # A document report as the pipeline builds it (`plain`) or as the validated model: the
    # renderers read either, field for field.
    AnyDocumentReport = DocumentReport | plain.DocumentReport
    AnyEvidence = Evidence | plain.Evidence
    AnyFinding = Finding | plain.Finding
    AnySentenceFluency = SentenceFluency | plain.SentenceFluency

__all__ = [
    "Agency", "AppliedFix", "CheckReport", "Counts", "Dateline", "DocumentReport", "Evidence", "Finding", "FixReport",
    "Fluency", "GateFailure", "InputError", "LanguageGuess", "PairProblem", "PairsValidation", "Provenance",
    "ReferenceDocument", "ReferenceMatch", "ReportModel", "RuleCatalogue", "RuleExample", "RuleInfo",
    "SentenceFluency", "Severity", "Verdict",
]


def __getattr__(name: str) -> object:
    if name in __all__:
        value = getattr(importlib.import_module("mtcheck.models.document"), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'mtcheck.models' has no attribute {name!r}")
