"""The exported JSON schemas are the models' own, and real output validates against them."""

import json

import jsonschema

import mtcheck
from mtcheck.models import CheckReport
from mtcheck.schemas import schema_documents

from conftest import REPO


def test_exported_schemas_are_in_step_with_the_models():
    folder = REPO / "reports" / "schema"
    for name, text in schema_documents().items():
        path = folder / name
        assert path.exists(), f"{path} missing: run `mtcheck schema`"
        assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), f"{path} is stale: run `mtcheck schema`"


def test_check_output_validates_against_the_schema():
    schema = json.loads(schema_documents()["check-report.schema.json"])
    text = "China News Agency, Beijing, March 3rd. New crown pneumonia cases fell on the 2nd. (over)\n"
    report = CheckReport(documents=[mtcheck.check(text)], signature=mtcheck.default_checker().signature.format())
    jsonschema.validate(json.loads(report.model_dump_json()), schema)
