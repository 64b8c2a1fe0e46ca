"""JSON output: the pydantic models serialised as they are, so the schema describes it.

`mtcheck check --format json` prints one CheckReport. `CheckJsonStream` writes it as the
documents come: the envelope's opening, each document when it is checked, then the rest of
the envelope, byte for byte what `render_check_json` prints for the whole report, without
holding every document's report until the end of the run. A document with many findings or
sentences is itself written in pieces (`model_json_pieces`): its JSON in one string would be
tens of megabytes (four bytes a character once one astral-plane character is in it).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from mtcheck.models.plain import PlainReport

if TYPE_CHECKING:
    from pydantic import BaseModel, TypeAdapter

    from mtcheck.models import AnyDocumentReport, CheckReport

# How pydantic's indent=2 output opens a CheckReport (documents is its first field) ...
_OPENING = '{\n  "documents": ['
# ... and how a document inside the list starts: on a line of its own, two levels in.
_ITEM_INDENT = "\n    "


# A list of more models than this is serialised one item at a time.
_ITEMS_AT_ONCE = 1000


def render_check_json(report: CheckReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def model_json_pieces(report: BaseModel | PlainReport, depth: int = 0) -> Iterator[str]:
    """`to_model(report).model_dump_json(indent=2)` in pieces that join to it byte for byte, its
    lines indented `depth` levels more: each long list of models item by item (and the models
    that hold one field by field), so no piece is larger than an item or a short field.

    `report` is a model or a plain report (`mtcheck.models.plain`): a plain one is validated a
    piece at a time as it is written (each item of a long list as its model, each other field
    by its field's type), so the model of a document with 20,000 findings and 50,000 sentences
    (some 80 MB of objects) is never built whole."""
    from pydantic import BaseModel  # (not imported by the formats that print text)

    cls = type(report) if isinstance(report, BaseModel) else _model_class(report)
    if not _may_hold_list(cls) or not _holds_long_list(report, cls):  # (the first: each item of a long list)
        model = report if isinstance(report, BaseModel) else cls.model_validate(report, from_attributes=True)
        yield _indented(model.model_dump_json(indent=2), depth)
        return
    pad = "  " * (depth + 1)
    yield "{"
    for i, name in enumerate([*cls.model_fields, *cls.model_computed_fields]):  # pydantic's order
        head = f'{"," if i else ""}\n{pad}"{name}": '
        value = getattr(report, name)
        if _is_report(value) and _holds_long_list(value):
            yield head
            yield from model_json_pieces(value, depth + 1)
        elif _is_long_list(value):
            yield head + "["
            for k, item in enumerate(value):
                yield ("," if k else "") + "\n" + pad + "  "
                yield from model_json_pieces(item, depth + 2)
            yield "\n" + pad + "]"
        elif isinstance(report, BaseModel):  # '{\n  "name": value\n}', the value's lines indented as a field's
            whole = report.model_dump_json(indent=2, include={name})
            yield head + _indented(whole[len(f'{{\n  "{name}": '):-2], depth)
        else:  # the value alone, validated as the field's type: its lines one level further in
            adapter = _field_adapter(cls, name)
            value_json = adapter.dump_json(adapter.validate_python(value, from_attributes=True), indent=2)
            yield head + _indented(value_json.decode("utf-8"), depth + 1)
    yield "\n" + "  " * depth + "}"


def _is_report(value: object) -> bool:
    from pydantic import BaseModel

    return isinstance(value, (BaseModel, PlainReport))


def _is_long_list(value: object) -> bool:
    return isinstance(value, list) and len(value) > _ITEMS_AT_ONCE and _is_report(value[0])


def _holds_long_list(report: BaseModel | PlainReport, cls: type[BaseModel] | None = None) -> bool:
    from pydantic import BaseModel

    cls = cls or (type(report) if isinstance(report, BaseModel) else _model_class(report))
    for name in cls.model_fields:
        value = getattr(report, name)
        if _is_long_list(value) or (_is_report(value) and _holds_long_list(value)):
            return True
    return False


@cache
def _may_hold_list(cls: type[BaseModel]) -> bool:
    """Whether a model of this class can hold a list of models at all (a finding or a sentence
    cannot): what spares each of a long list's items the look at its fields."""
    from typing import get_args

    from pydantic import BaseModel

    def holds(annotation: object) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return _may_hold_list(annotation)
        if getattr(annotation, "__origin__", None) is list:
            return any(isinstance(a, type) and issubclass(a, BaseModel) for a in get_args(annotation))
        return any(holds(a) for a in get_args(annotation))  # a union, an optional

    return any(holds(f.annotation) for f in cls.model_fields.values())


def _model_class(report: PlainReport) -> type[BaseModel]:
    """The model of a plain class: the one of the same name (`plain.py` is generated from them)."""
    from mtcheck.models import document

    return getattr(document, type(report).__name__)


@cache
def _field_adapter(cls: type[BaseModel], name: str) -> TypeAdapter:
    """A TypeAdapter that validates and serialises a value as field `name` of `cls` does: its
    type with its constraints (`ge=0`, ...), or a computed field's return type."""
    from typing import Annotated, Any

    from pydantic import TypeAdapter

    if name in cls.model_computed_fields:
        return TypeAdapter(cls.model_computed_fields[name].return_type)
    field = cls.model_fields[name]
    annotated: Any = Annotated  # (subscripted with a tuple made at run time)
    type_args = (field.annotation, *field.metadata)
    field_type: Any = annotated[type_args] if field.metadata else field.annotation
    return TypeAdapter(field_type)


def _indented(json_text: str, depth: int) -> str:
    # JSON strings escape every line break, so each raw newline is the layout's.
    return json_text.replace("\n", "\n" + "  " * depth) if depth else json_text


class CheckJsonStream:
    """A CheckReport written piece by piece: `document` for each document, then `finish`
    with the report's other fields (a CheckReport with no documents)."""

    def __init__(self) -> None:
        self.documents = 0

    def document(self, doc: AnyDocumentReport) -> str:
        return "".join(self.document_pieces(doc))

    def document_pieces(self, doc: AnyDocumentReport) -> Iterator[str]:
        """`document`'s text in pieces (see `model_json_pieces`), to write one at a time."""
        yield _OPENING + _ITEM_INDENT if self.documents == 0 else "," + _ITEM_INDENT
        self.documents += 1
        # serialised on its own and indented into place, two levels in
        yield from model_json_pieces(doc, depth=2)

    def finish(self, rest: CheckReport) -> str:
        if rest.documents:
            raise ValueError("the documents were streamed already: finish takes the report without them")
        whole = render_check_json(rest)
        empty = _OPENING + "]"
        if not whole.startswith(empty):  # documents must stay the first field for streaming
            raise AssertionError("CheckReport no longer serialises 'documents' first")
        return whole if self.documents == 0 else "\n  ]" + whole[len(empty):]
