"""GitHub Actions workflow commands: each finding becomes an annotation on its line in the
pull request (`::error file=…,line=…,col=…,endColumn=…,title=…::message`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mtcheck.models import Severity
from mtcheck.render.ci import Annotation, Renderer, RunInfo, display_path, document_annotations

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport

_COMMANDS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}
# GitHub shows at most this many annotations of each type per step (and 50 per job).
GITHUB_SHOWN_PER_TYPE = 10


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


class GithubRenderer(Renderer):
    def __init__(self) -> None:
        self.counts = dict.fromkeys(_COMMANDS.values(), 0)

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        return "".join(self._line(a) + "\n" for a in document_annotations(doc, text))

    def _line(self, a: Annotation) -> str:
        kind = _COMMANDS[a.severity]
        self.counts[kind] += 1
        props = {"file": a.path, "line": a.line, "col": a.column}
        if not a.is_gate:
            props.update(endLine=a.end_line, endColumn=a.end_column)
        props["title"] = f"mtcheck {a.rule}"
        return command(kind, a.headline(), **props)

    def finish(self, run: RunInfo) -> str:
        out = [command("error", e.message, file=display_path(e.source), title="mtcheck: input error")
               for e in run.errors]
        self.counts["error"] += len(run.errors)
        over = {k: n for k, n in self.counts.items() if n > GITHUB_SHOWN_PER_TYPE}
        if over:
            written = ", ".join(f"{n} {k}" for k, n in over.items())
            out.append(command("notice", f"mtcheck wrote {written} annotations; GitHub shows at most "
                                         f"{GITHUB_SHOWN_PER_TYPE} of each type per step (50 per job). "
                                         "Every one is in this log; use --format sarif for code scanning.",
                               title="mtcheck: annotations capped by GitHub"))
        return "".join(line + "\n" for line in out)
