"""An editor's open document, checked by the one pipeline: its findings, where they stand,
the safe fixes that apply to them, and what a hover says about a rule.

Nothing here speaks LSP: `mtcheck.lsp.server` turns these into the protocol's messages.
Offsets are character offsets into the editor's text, as every report's are.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

from mtcheck.lsp.positions import PositionIndex
from mtcheck.models import Finding, FixReport, GateFailure
from mtcheck.pipeline import Checker
from mtcheck.read import InputProblem, Source

# The editor's language id -> the reader; other ids are read by the file's extension.
LANGUAGE_FORMATS = {"plaintext": "text", "text": "text", "markdown": "markdown", "html": "html"}


def format_for(name: str, language_id: str | None) -> str:
    from mtcheck.read.formats import format_of

    return LANGUAGE_FORMATS.get(language_id or "") or format_of(name)


def read_open_document(name: str, text: str, fmt: str) -> list[Source]:
    """The documents of an editor's text, through the readers `check` uses. Raises
    InputProblem when the text cannot be read in that format (e.g. broken XML)."""
    from mtcheck.read.formats import READERS, formats

    source = Source(name=name, text=text)
    if fmt == "text":
        return [source]
    known = formats()  # imports the readers, which register themselves
    if fmt not in READERS:
        raise InputProblem(name, f"unknown input format {fmt!r} (known: {', '.join(known)})")
    out = []
    for item in READERS[fmt](source):
        if isinstance(item, InputProblem):
            raise item
        out.append(item)
    return out


@dataclass(frozen=True)
class Edit:
    """Replace [start, end) of the document's text with `text`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class QuickFix:
    title: str
    finding: Finding
    edit: Edit


class CheckedDocument:
    """One version of an open document and its report. The safe fixes are worked out on
    first use (a code action), not on every keystroke."""

    def __init__(self, name: str, version: int | None, text: str, fmt: str, checker: Checker,
                 encoding: str = "utf-16"):
        self.name, self.version, self.text, self.format, self.checker = name, version, text, fmt, checker
        self.positions = PositionIndex(text, encoding)
        self.findings: list[Finding] = []
        self.failures: list[GateFailure] = []
        self.sources = read_open_document(name, text, fmt) if text.strip() else []
        for source in self.sources:
            report = checker.check_source(source)
            self.findings.extend(report.findings)
            self.failures.extend(f for f in report.failures if f.rule != "gate.findings")
        self._lock = threading.Lock()

    def findings_in(self, start: int, end: int) -> list[Finding]:
        """Findings that touch [start, end] (a cursor is a range of no length)."""
        return [f for f in self.findings if f.start <= end and start <= f.end]

    @cached_property
    def fixes(self) -> FixReport | None:
        """What `mtcheck fix` would do to this text; None for a format not fixed in place or
        for a file of several documents."""
        from mtcheck.fix.apply import ESCAPES, fix_source

        if len(self.sources) != 1 or self.sources[0].format not in ESCAPES:
            return None
        with self._lock:
            return fix_source(self.sources[0], self.checker)

    def quick_fixes(self, start: int, end: int) -> list[QuickFix]:
        """The safe fix of each finding in [start, end]: the change `mtcheck fix` makes for it
        (case and spacing adapted, escaped for the format), when it makes one on its own."""
        report = self.fixes
        if report is None:
            return []
        out = []
        for finding in self.findings_in(start, end):
            if not finding.fix_safe:
                continue
            change = next((a for a in report.applied
                           if finding.rule in a.rules and a.start <= finding.start and finding.end <= a.end), None)
            if change is None:
                continue  # merged into a longer fix: "fix all" applies it
            title = (f"Replace with {change.replacement.strip()}" if change.replacement.strip()
                     else f"Delete \u201c{' '.join(finding.text.split()) or finding.text}\u201d")
            out.append(QuickFix(title, finding, Edit(change.start, change.end, change.replacement)))
        return out

    def fix_all(self) -> list[Edit]:
        report = self.fixes
        return [] if report is None else [Edit(a.start, a.end, a.replacement) for a in report.applied]
