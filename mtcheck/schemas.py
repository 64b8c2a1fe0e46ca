"""The JSON schemas exported to `reports/schema/`, one per report model a command prints.

Kept apart from the models so that feature packages (align, batch, eval) can add their
report models here without the core models importing them.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from mtcheck.models import CheckReport, DocumentReport, FixReport, PairsValidation, RuleCatalogue
from mtcheck.models.align import AlignReport
from mtcheck.models.batch import ReportLine, RunSummary
from mtcheck.models.evaluate import EvalReport
from mtcheck.policy.baseline import Baseline


def schema_models() -> dict[str, type[BaseModel]]:
    """Schema name -> model, for every report a command writes."""
    return {
        "check-report": CheckReport,
        "document-report": DocumentReport,
        "rules": RuleCatalogue,
        "pairs-validation": PairsValidation,
        "align-report": AlignReport,
        "baseline": Baseline,
        "eval-report": EvalReport,
        "fix-report": FixReport,
        "report-line": ReportLine,
        "report-run": RunSummary,
    }


def schema_documents() -> dict[str, str]:
    """File name -> JSON schema text for every exported model (written to reports/schema/).
    The schemas describe what mtcheck writes (serialisation), computed fields such as
    `counts` included."""
    return {f"{name}.schema.json": json.dumps(model.model_json_schema(mode="serialization"), indent=2, sort_keys=True)
            + "\n" for name, model in schema_models().items()}
