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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

    from mtcheck.models import CheckReport, DocumentReport

# How pydantic's indent=2 output opens a CheckReport (documents is its first field) ...
_OPENING = '{\n  "documents": ['
# ... and how a document inside the list starts: on a line of its own, two levels in.
_ITEM_INDENT = "\n    "


# A list of more models than this is serialised one item at a time.
_ITEMS_AT_ONCE = 1000


def render_check_json(report: CheckReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def model_json_pieces(model: BaseModel, depth: int = 0) -> Iterator[str]:
    """`model.model_dump_json(indent=2)` in pieces that join to it byte for byte, its lines
    indented `depth` levels more: each long list of models item by item (and the models that
    hold one field by field), so no piece is larger than an item or a short field."""
    from pydantic import BaseModel  # (not imported by the formats that print text)

    if not _holds_long_list(model):
        yield _indented(model.model_dump_json(indent=2), depth)
        return
    pad = "  " * (depth + 1)
    names = [*type(model).model_fields, *type(model).model_computed_fields]  # pydantic's order
    yield "{"
    for i, name in enumerate(names):
        head = f'{"," if i else ""}\n{pad}"{name}": '
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield head
            yield from model_json_pieces(value, depth + 1)
        elif _is_long_list(value):
            yield head + "["
            for k, item in enumerate(value):
                yield ("," if k else "") + "\n" + pad + "  "
                yield from model_json_pieces(item, depth + 2)
            yield "\n" + pad + "]"
        else:  # '{\n  "name": value\n}', the value's lines indented as a field's
            whole = model.model_dump_json(indent=2, include={name})
            yield head + _indented(whole[len(f'{{\n  "{name}": '):-2], depth)
    yield "\n" + "  " * depth + "}"


def _is_long_list(value: object) -> bool:
    from pydantic import BaseModel

    return isinstance(value, list) and len(value) > _ITEMS_AT_ONCE and isinstance(value[0], BaseModel)


def _holds_long_list(model: BaseModel) -> bool:
    from pydantic import BaseModel

    for name in type(model).model_fields:
        value = getattr(model, name)
        if _is_long_list(value) or (isinstance(value, BaseModel) and _holds_long_list(value)):
            return True
    return False


def _indented(json_text: str, depth: int) -> str:
    # JSON strings escape every line break, so each raw newline is the layout's.
    return json_text.replace("\n", "\n" + "  " * depth) if depth else json_text


class CheckJsonStream:
    """A CheckReport written piece by piece: `document` for each document, then `finish`
    with the report's other fields (a CheckReport with no documents)."""

    def __init__(self) -> None:
        self.documents = 0

    def document(self, doc: DocumentReport) -> str:
        return "".join(self.document_pieces(doc))

    def document_pieces(self, doc: DocumentReport) -> Iterator[str]:
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
