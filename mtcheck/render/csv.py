"""CSV: one row per finding, suppressed finding, gate failure, input error and skipped file
(`kind` says which), with character and UTF-8 byte columns. Cells that a spreadsheet
would run as a formula (starting with = + - @) get a leading apostrophe."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from mtcheck.render.ci import Renderer, RunInfo, display_path, document_annotations

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

COLUMNS = ("kind", "path", "doc_id", "line", "column", "end_line", "end_column", "byte_column", "end_byte_column",
           "severity", "rule", "category", "text", "message", "suggestion", "fix_safe", "fingerprint")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    s = str(value)
    return "'" + s if isinstance(value, str) and s.startswith(_FORMULA_START) else s


def _rows(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


class CsvRenderer(Renderer):
    def __init__(self) -> None:
        self.started = False

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        rows = [("suppressed" if a.suppressed else "gate" if a.is_gate else "finding", a.path, a.doc_id, a.line,
                 a.column, a.end_line, a.end_column, a.byte_column, a.end_byte_column, a.severity.value, a.rule,
                 a.category, a.text, a.message, a.suggestion, a.fix_safe, a.fingerprint)
                for a in document_annotations(doc, text, suppressed=True)]
        return self._header() + _rows(rows)

    def finish(self, run: RunInfo) -> str:
        rows = [("error", display_path(e.source)) + ("",) * 11 + (e.message, "", "", "") for e in run.errors]
        rows += [("skipped", display_path(p)) + ("",) * 11 + ("excluded by the config's include/exclude", "", "", "")
                 for p in run.skipped]
        return self._header() + _rows(rows)

    def _header(self) -> str:
        if self.started:
            return ""
        self.started = True
        return _rows([COLUMNS])
