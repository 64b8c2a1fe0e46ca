"""Report models: what `mtcheck.check` returns and what every command prints as JSON.

Every report is a pydantic model, so the JSON schemas in `reports/schema/` come from the
same definitions the code uses. The document report lives in `document`; the reports of
the applications built on it (align, batch, eval) have modules of their own here, so the
renderers depend on models only and never on the applications that fill them.
"""

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
    Severity,
    Verdict,
)

__all__ = [
    "Agency", "AppliedFix", "CheckReport", "Counts", "Dateline", "DocumentReport", "Evidence", "Finding", "FixReport",
    "Fluency", "GateFailure", "InputError", "LanguageGuess", "PairProblem", "PairsValidation", "Provenance",
    "ReferenceDocument", "ReferenceMatch", "ReportModel", "RuleCatalogue", "RuleExample", "RuleInfo",
           "SentenceFluency", "Severity",
    "Verdict",
]
