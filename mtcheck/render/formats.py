"""The output formats of `mtcheck check`, by name, each a streaming Renderer."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mtcheck.render.ci import Renderer, RunInfo
from mtcheck.render.json import CheckJsonStream
from mtcheck.render.text import Style, Totals, document_text_pieces, render_footer_text
from mtcheck.render.words import plural

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport


class TextRenderer(Renderer):
    """The readable report, printed document by document; `layout` is `full` (findings with
    their excerpts, grouped under the document) or `concise` (one line per finding)."""

    def __init__(self, style: Style = Style(), quiet: bool = False, layout: str = "full"):
        self.style, self.quiet, self.layout, self.totals = style, quiet, layout, Totals()

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        return "".join(self.document_pieces(doc, text))

    def document_pieces(self, doc: AnyDocumentReport, text: str) -> Iterator[str]:
        self.totals.add(doc)
        return document_text_pieces(doc, text, self.style, self.quiet, self.layout)

    def finish(self, run: RunInfo) -> str:
        notes = [f"{plural(run.suppressed, 'finding')} suppressed in the files"] if run.suppressed else []
        notes += [f"{run.baselined} in the baseline"] if run.baselined else []
        notes += [f"{plural(len(run.skipped), 'file')} skipped by the config's include/exclude"] if run.skipped else []
        head = self.style.dim("not shown: " + ", ".join(notes)) + "\n" if notes else ""
        return head + render_footer_text(self.totals, run.signature, self.style)


class JsonRenderer(Renderer):
    """The whole run as one CheckReport (the schema in reports/schema/check-report.schema.json),
    written document by document: memory does not grow with the number of documents."""

    reads_text = False

    def __init__(self) -> None:
        self.stream = CheckJsonStream()

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        return "".join(self.document_pieces(doc, text))

    def document_pieces(self, doc: AnyDocumentReport, text: str) -> Iterator[str]:
        return self.stream.document_pieces(doc)  # (a plain report is validated as it is written)

    def finish(self, run: RunInfo) -> str:
        from mtcheck.models import CheckReport

        return self.stream.finish(CheckReport(documents=[], errors=run.errors, signature=run.signature,
                                              suppressed=run.suppressed, baselined=run.baselined,
                                              skipped=run.skipped))


# The CI formats, imported only when asked for: module, class.
_CI_FORMATS = {
    "jsonl": ("mtcheck.render.jsonl", "JsonlRenderer"),
    "sarif": ("mtcheck.render.sarif", "SarifRenderer"),
    "junit": ("mtcheck.render.junit", "JunitRenderer"),
    "github": ("mtcheck.render.github", "GithubRenderer"),
    "rdjson": ("mtcheck.render.rdjson", "RdjsonRenderer"),
    "csv": ("mtcheck.render.csv", "CsvRenderer"),
    "gitlab": ("mtcheck.render.gitlab", "GitlabRenderer"),
}


def make_renderer(name: str, style: Style = Style(), quiet: bool = False, layout: str = "full") -> Renderer:
    """The renderer of an output format; `style`, `quiet` and `layout` shape the text one."""
    if name == "text":
        return TextRenderer(style, quiet, layout)
    if name == "json":
        return JsonRenderer()
    if name not in _CI_FORMATS:
        raise ValueError(f"unknown output format {name!r}")
    module, cls = _CI_FORMATS[name]
    return getattr(importlib.import_module(module), cls)()
