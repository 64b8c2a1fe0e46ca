"""GitLab Code Quality (a subset of the Code Climate issue format): a JSON array that
`artifacts: reports: codequality:` shows in the merge request. Each issue needs a
`fingerprint` unique in the report: the finding's own (stable across edits elsewhere in the
file) hashed with its file and document."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from mtcheck.models import Severity
from mtcheck.render.ci import Annotation, Renderer, RunInfo, display_path, document_annotations

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

# GitLab's scale is info, minor, major, critical, blocker.
_SEVERITIES = {Severity.error: "major", Severity.warning: "minor", Severity.info: "info"}


class GitlabRenderer(Renderer):
    def __init__(self) -> None:
        self.issues: list[dict] = []

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        self.issues.extend(_issue(a) for a in document_annotations(doc, text))
        return ""

    def finish(self, run: RunInfo) -> str:
        for e in run.errors:
            path = display_path(e.source)
            self.issues.append({"description": e.message, "check_name": "mtcheck/input", "severity": "blocker",
                                "fingerprint": _hash("input", path, e.message),
                                "location": {"path": path, "lines": {"begin": 1}}})
        return json.dumps(self.issues, indent=2, ensure_ascii=False) + "\n"


def _issue(a: Annotation) -> dict:
    identity = a.fingerprint or f"{a.rule}:{a.line}:{a.column}"
    return {
        "description": a.headline(),
        "check_name": a.rule,
        "fingerprint": _hash(a.path, a.doc_id or "", identity),
        "severity": _SEVERITIES[a.severity],
        "categories": ["Style"],
        "location": {"path": a.path, "positions": {"begin": {"line": a.line, "column": a.column},
                                                   "end": {"line": a.end_line, "column": a.end_column}}},
    }


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
