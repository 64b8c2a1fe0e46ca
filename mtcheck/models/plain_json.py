"""A plain report (`plain.py`) as JSON, without building its pydantic model: byte for byte
`to_model(report).model_dump_json()` in UTF-8, for the report store, which keeps a JSON
report per document and needs no model of it (nor a str of it: the store keeps bytes).

The serializer is the models' own (pydantic-core's, from DocumentReport's core schema), made
to read the plain classes: the JSON cannot drift from the models, and validating ~60 models
a document only to dump them is what it saves.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic_core import PydanticSerializationError, SchemaSerializer, core_schema

from mtcheck.models import plain
from mtcheck.models.document import DocumentReport, to_model


def plain_json(report: plain.DocumentReport, exclude: set[str] | None = None) -> bytes:
    """`to_model(report).model_dump_json(exclude=exclude)` in UTF-8, byte for byte, without
    building and validating the model: the models' own serializer, reading the plain classes. A report
    it cannot serialise as its schema says (a value of the wrong type) goes through `to_model`,
    which says what is wrong with it.

    The first report a process serialises is also dumped through its model and compared: a
    pydantic whose core schema is not shaped as this module expects (another version than the
    tests ran on) then gives the model's JSON for the rest of the run instead of a different one."""
    global _trusted
    serializer = _plain_serializer()
    if serializer is not None and _trusted is not False:
        try:
            out = serializer.to_json(report, exclude=exclude, warnings="error")
        except PydanticSerializationError:
            return _model_json(report, exclude)
        if _trusted:
            return out
        reference = _model_json(report, exclude)
        _trusted = out == reference
        return reference
    return _model_json(report, exclude)


def _model_json(report: plain.DocumentReport, exclude: set[str] | None) -> bytes:
    return to_model(report).model_dump_json(exclude=exclude).encode("utf-8")


# Whether the plain serializer gave the model's JSON on the first report compared (None: not
# compared yet). Threads may compare at once; each then stores the same answer.
_trusted: bool | None = None


@lru_cache(maxsize=1)
def _plain_serializer() -> SchemaSerializer | None:
    """DocumentReport's serializer with each model of its core schema turned into a dataclass
    schema of the plain class of the same name (generated from the model, field for field):
    pydantic-core reads a dataclass's fields by attribute, and each field keeps the model's
    serialisation. The root is a union with None only so that pydantic-core checks each value
    by its class (a union's strict check) rather than by duck typing, which would take only
    real dataclasses."""

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if node.get("type") == "model":
            fields_schema = node["schema"]
            while fields_schema["type"] != "model-fields":  # a validator (function-before) around the fields
                fields_schema = fields_schema["schema"]
            fields = [core_schema.dataclass_field(
                name, convert(field["schema"]), serialization_alias=field.get("serialization_alias"),
                serialization_exclude=field.get("serialization_exclude"))
                for name, field in fields_schema["fields"].items()]
            args = core_schema.dataclass_args_schema(
                node["cls"].__name__, fields, computed_fields=convert(fields_schema.get("computed_fields")))
            return core_schema.dataclass_schema(getattr(plain, node["cls"].__name__), args,
                                                [f["name"] for f in fields], ref=node.get("ref"),
                                                config=node.get("config"))
        return {key: convert(value) for key, value in node.items()}

    def checked_by_class(node: Any) -> Any:
        return core_schema.union_schema([node, core_schema.none_schema()])

    try:
        root = convert(DocumentReport.__pydantic_core_schema__)
        if root["type"] == "definitions":  # the report, and the models it uses more than once
            return SchemaSerializer({**root, "schema": checked_by_class(root["schema"])})
        return SchemaSerializer(checked_by_class(root))
    except Exception:  # a core schema of another shape (another pydantic): the models serialise
        return None
