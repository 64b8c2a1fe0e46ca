"""JSON Lines: one document report per line as each is checked (the `check` JSON's
documents), then one `{"source": ..., "message": ...}` line per input error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mtcheck.models.document import to_model
from mtcheck.render.ci import Renderer, RunInfo

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport


class JsonlRenderer(Renderer):
    reads_text = False

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        return to_model(doc).model_dump_json() + "\n"

    def finish(self, run: RunInfo) -> str:
        return "".join(e.model_dump_json() + "\n" for e in run.errors)
