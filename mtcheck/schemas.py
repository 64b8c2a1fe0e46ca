"""The JSON schemas exported to `reports/schema/`, one per report model a command prints,
and one for the config file (mtcheck.toml, `[tool.mtcheck]`) that editors validate against.

Kept apart from the models so that feature packages (align, batch, eval) can add their
report models here without the core models importing them. Wheels carry the exported
files in the package (`mtcheck/schema/`): `exported_schema` reads them back.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mtcheck.models import CheckReport, DocumentReport, FixReport, PairsValidation, RuleCatalogue
from mtcheck.models.align import AlignReport
from mtcheck.models.batch import ReportLine, RunSummary
from mtcheck.models.evaluate import EvalReport
from mtcheck.models.train import TrainingReport
from mtcheck.policy.baseline import Baseline
from mtcheck.policy.config import Config

CONFIG_SCHEMA = "config"


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
        "training-report": TrainingReport,
    }


def schema_documents() -> dict[str, str]:
    """File name -> JSON schema text for every exported model (written to reports/schema/).
    The schemas describe what mtcheck writes (serialisation), computed fields such as
    `counts` included."""
    documents = {name: model.model_json_schema(mode="serialization") for name, model in schema_models().items()}
    documents[CONFIG_SCHEMA] = config_schema()
    return {f"{name}.schema.json": json.dumps(schema, indent=2, sort_keys=True) + "\n"
            for name, schema in documents.items()}


def config_schema() -> dict[str, Any]:
    """The config file's keys as an editor sees them: what a user may write (validation
    mode), without `path`, which is where the file is, never a key in it."""
    schema = Config.model_json_schema(mode="validation")
    schema["properties"].pop("path", None)
    schema["title"] = "mtcheck configuration (mtcheck.toml, or [tool.mtcheck] in pyproject.toml)"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def exported_schema(name: str) -> dict[str, Any]:
    """An exported schema by name ("check-report", "config", ...): from the installed
    package (a wheel carries them as mtcheck/schema/), else from reports/schema/ of a checkout."""
    file = f"{name}.schema.json"
    packaged = resources.files("mtcheck") / "schema" / file
    if packaged.is_file():
        return json.loads(packaged.read_text(encoding="utf-8"))
    checkout = Path(__file__).resolve().parents[1] / "reports" / "schema" / file
    if not checkout.is_file():
        known = ", ".join(sorted(schema_documents()))
        raise KeyError(f"no exported schema {name!r} (known: {known.replace('.schema.json', '')})")
    return json.loads(checkout.read_text(encoding="utf-8"))
