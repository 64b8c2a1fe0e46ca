"""reviewdog's Diagnostic Format (rdjson): `reviewdog -f=rdjson` posts review comments and
suggested changes. Its columns count UTF-8 bytes, 1-based, end exclusive."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mtcheck.models import Severity
from mtcheck.render.ci import Annotation, Renderer, RunInfo, display_path, document_annotations

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

SOURCE = {"name": "mtcheck"}
_SEVERITIES = {Severity.error: "ERROR", Severity.warning: "WARNING", Severity.info: "INFO"}


class RdjsonRenderer(Renderer):
    def __init__(self) -> None:
        self.diagnostics: list[dict] = []

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        self.diagnostics.extend(_diagnostic(a) for a in document_annotations(doc, text))
        return ""

    def finish(self, run: RunInfo) -> str:
        for e in run.errors:
            self.diagnostics.append({"message": e.message, "severity": "ERROR", "source": SOURCE,
                                     "location": {"path": display_path(e.source)}, "code": {"value": "input"}})
        return json.dumps({"source": SOURCE, "diagnostics": self.diagnostics}, indent=2, ensure_ascii=False) + "\n"


def _diagnostic(a: Annotation) -> dict:
    span = {"start": {"line": a.line, "column": a.byte_column}, "end": {"line": a.end_line,
                                                                        "column": a.end_byte_column}}
    out: dict[str, object] = {
        "message": a.headline(),
        "location": {"path": a.path, "range": span},
        "severity": _SEVERITIES[a.severity],
        "source": SOURCE,
        "code": {"value": a.rule},
        "original_output": f"{a.path}:{a.line}:{a.column}: {a.severity.value} {a.rule}  {a.headline()}",
    }
    if a.suggestion is not None and a.fix_safe:
        out["suggestions"] = [{"range": span, "text": a.suggestion}]
    return out
