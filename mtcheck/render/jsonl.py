"""JSON Lines: one document report per line as each is checked (the `check` JSON's
documents), then one `{"source": ..., "message": ...}` line per input error."""

from __future__ import annotations

from mtcheck.models import DocumentReport
from mtcheck.render.ci import Renderer, RunInfo


class JsonlRenderer(Renderer):
    def document(self, doc: DocumentReport, text: str) -> str:
        return doc.model_dump_json() + "\n"

    def finish(self, run: RunInfo) -> str:
        return "".join(e.model_dump_json() + "\n" for e in run.errors)
