"""JSON output: the pydantic models serialised as they are, so the schema describes it.

`mtcheck check --format json` prints one CheckReport. `CheckJsonStream` writes it as the
documents come: the envelope's opening, each document when it is checked, then the rest of
the envelope, byte for byte what `render_check_json` prints for the whole report, without
holding every document's report until the end of the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mtcheck.models import CheckReport, DocumentReport

# How pydantic's indent=2 output opens a CheckReport (documents is its first field) ...
_OPENING = '{\n  "documents": ['
# ... and how a document inside the list is indented: two levels in.
_ITEM_INDENT = "\n    "


def render_check_json(report: CheckReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


class CheckJsonStream:
    """A CheckReport written piece by piece: `document` for each document, then `finish`
    with the report's other fields (a CheckReport with no documents)."""

    def __init__(self) -> None:
        self.documents = 0

    def document(self, doc: DocumentReport) -> str:
        # Serialised on its own and indented into place: JSON strings escape every line
        # break, so each raw newline is the layout's.
        body = doc.model_dump_json(indent=2).replace("\n", _ITEM_INDENT)
        head = _OPENING + _ITEM_INDENT if self.documents == 0 else "," + _ITEM_INDENT
        self.documents += 1
        return head + body

    def finish(self, rest: CheckReport) -> str:
        if rest.documents:
            raise ValueError("the documents were streamed already: finish takes the report without them")
        whole = render_check_json(rest)
        empty = _OPENING + "]"
        if not whole.startswith(empty):  # documents must stay the first field for streaming
            raise AssertionError("CheckReport no longer serialises 'documents' first")
        return whole if self.documents == 0 else "\n  ]" + whole[len(empty):]
