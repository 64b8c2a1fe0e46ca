"""What the output formats of `mtcheck check` share: a streaming renderer interface, the
facts of a whole run, and findings flattened into annotations with every kind of column.

Columns: `column` counts characters (code points); `byte_column` counts UTF-8 bytes,
which reviewdog's rdjson wants. Both are 1-based; end columns point after the span.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from mtcheck.files import real_path
from mtcheck.models import Severity
from mtcheck.read.text import STDIN_NAME

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport, AnyFinding, InputError


@dataclass
class RunInfo:
    """A finished run, for the formats that describe it as a whole (SARIF invocations, JUnit)."""

    signature: str
    exit_code: int
    errors: list[InputError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    suppressed: int = 0
    baselined: int = 0
    arguments: list[str] = field(default_factory=list)
    baseline: str | None = None  # the --baseline file, when one was used


class Renderer:
    """Output of one run, written as it goes: `document` once per checked document (its
    text is the file the offsets point into), then `finish` once. Each returns what to print."""

    # Whether `document` reads the text: when not, it is given "" (the text of a file read
    # with its CR LF line ends as LF is put back together only when needed).
    reads_text: ClassVar[bool] = True

    def document(self, doc: AnyDocumentReport, text: str) -> str:
        raise NotImplementedError

    def document_pieces(self, doc: AnyDocumentReport, text: str) -> Iterable[str]:
        """`document`'s output in pieces to write one after another (a format whose output for
        a large document is large says so here)."""
        return (self.document(doc, text),)

    def finish(self, run: RunInfo) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Annotation:
    """A finding, or a document-level gate failure, with everything a CI format might print."""

    path: str
    doc_id: str | None
    rule: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    byte_column: int
    end_byte_column: int
    start: int
    end: int
    text: str = ""
    category: str = "gate"
    suggestion: str | None = None
    fix_safe: bool = False
    fingerprint: str | None = None
    suppressed: bool = False
    # A JSONL record's finding: line and columns are on the record's line of the archive,
    # `start`/`end` offsets into the record's text (not into the file).
    in_record: bool = False

    @property
    def is_gate(self) -> bool:
        return self.rule.startswith("gate.")

    def headline(self) -> str:
        """The message with the flagged text and the suggestion, on one line."""
        if self.is_gate:
            return self.message
        out = f"\u201c{_one_line(self.text)}\u201d: {self.message}"
        if self.suggestion is not None:
            out += f" \u2014 suggestion: {self.suggestion or '(delete)'}"
        return out


def document_annotations(doc: AnyDocumentReport, text: str, suppressed: bool = False) -> Iterator[Annotation]:
    """The document's findings (and its suppressed ones when asked), then its threshold
    failures, which have no span of their own and stand at the start of the file."""
    path = display_path(doc.source)
    shown = [(f, False) for f in doc.findings] + [(f, True) for f in doc.suppressed if suppressed]
    for finding, is_suppressed in shown:
        yield _from_finding(path, doc, finding, text, is_suppressed)
    line = doc.line or 1  # a JSONL record's failures stand on its line
    for failure in doc.failures:
        if failure.rule == "gate.findings":
            continue  # the findings themselves are reported
        yield Annotation(path, doc.doc_id, failure.rule, Severity.error, failure.message, line, 1, line, 1, 1, 1, 0, 0,
                         in_record=doc.line is not None)


def _from_finding(path: str, doc: AnyDocumentReport, f: AnyFinding, text: str, is_suppressed: bool) -> Annotation:
    if doc.line is None:
        bytes_at = byte_column(text, f.start, f.column), byte_column(text, f.end, f.end_column)
    else:
        # The record's line is not at hand (archives are streamed): its columns are taken as
        # byte columns, which they are for JSON written with ASCII escapes (json.dumps's default).
        bytes_at = f.column, f.end_column
    return Annotation(
        path, doc.doc_id, f.rule, f.severity, f.message, f.line, f.column, f.end_line, f.end_column,
        *bytes_at, f.start, f.end, f.text, f.category, f.suggestion, f.fix_safe, f.fingerprint, is_suppressed,
        in_record=doc.line is not None,
    )


def byte_column(text: str, offset: int, column: int) -> int:
    """The 1-based UTF-8 byte column of `offset`, whose character column is `column`."""
    line_start = max(0, offset - (column - 1))
    return len(text[line_start:offset].encode("utf-8", "surrogatepass")) + 1


def display_path(source: str) -> str:
    """A file as CI tools want it: relative to the current folder (the repository root in CI),
    with forward slashes; as given when outside it; standard input as 'stdin' (STDIN_NAME)."""
    if source in ("-", STDIN_NAME):
        return STDIN_NAME
    path = Path(source)
    try:
        return real_path(path).relative_to(real_path(Path.cwd())).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _one_line(s: str) -> str:
    return " ".join(s.split())


def rule_table() -> list[tuple[str, Severity, str, str, str | None, str]]:
    """(id, default severity, message, description, suggestion, category) of every rule and gate."""
    from mtcheck.core.rules import rule_infos
    from mtcheck.policy.gate import GATE_RULES

    rows = [(r.id, r.severity, r.message, r.description, r.suggestion, r.category) for r in rule_infos()]
    rows += [(rule, Severity.error, text, text, None, "gate") for rule, text in GATE_RULES.items()]
    return rows
