"""The readable report: one block per finding, one summary per document.

    story.txt:15:310: error repetition.coordinated  "supported" on both sides of "and": ...
        …fully understood and supported and supported the measures…
                              ^^^^^^^^^^^^^^^^^^^^^^^
        suggestion: supported
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

from mtcheck.models import CheckReport, DocumentReport, Finding, Severity

CONTEXT_CHARS = 60  # characters of the sentence shown either side of a span
MAX_SPAN_SHOWN = 80


@dataclass(frozen=True)
class Style:
    """ANSI colour, on only when asked for or when writing to a terminal."""

    color: bool = False

    @classmethod
    def for_stream(cls, stream: IO[str], choice: str = "auto") -> Style:
        if choice == "always":
            return cls(True)
        if choice == "never" or os.environ.get("NO_COLOR"):
            return cls(False)
        return cls(bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb")

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color and text else text

    def severity(self, severity: Severity) -> str:
        return self.paint(severity.value, {"error": "1;31", "warning": "33", "info": "36"}[severity.value])

    def dim(self, text: str) -> str:
        return self.paint(text, "2")

    def bold(self, text: str) -> str:
        return self.paint(text, "1")


def render_check_text(
    report: CheckReport, texts: Sequence[str | None] = (), style: Style = Style(), quiet: bool = False
) -> str:
    """`texts[i]` is the text of `report.documents[i]`, for context lines (reports do not
    carry their text: a report of a 50 MB file should not hold it twice)."""
    out, totals = [], Totals()
    for i, doc in enumerate(report.documents):
        out.append(render_document_text(doc, texts[i] if i < len(texts) else None, style, quiet))
        totals.add(doc)
    out.append(render_footer_text(totals, report.signature, style))
    return "".join(out)


def render_document_text(doc: DocumentReport, text: str | None = None, style: Style = Style(),
                         quiet: bool = False) -> str:
    """One document's block: its findings (unless quiet), its summary and a blank line.
    The CLI prints each block as soon as its document is checked."""
    out: list[str] = []
    if not quiet:
        for f in doc.findings:
            out.extend(_finding(doc, f, text, style))
    out.extend(_summary(doc, style))
    out.append("")
    return "\n".join(out) + "\n"


@dataclass
class Totals:
    """Running counts for the last line of a multi-document report."""

    documents: int = 0
    findings: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)

    def add(self, doc: DocumentReport) -> None:
        self.documents += 1
        self.findings += len(doc.findings)
        verdict = doc.provenance.verdict.value
        self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1


def render_footer_text(totals: Totals, signature: str, style: Style = Style()) -> str:
    out = []
    if totals.documents > 1:
        parts = ", ".join(f"{n} {v}" for v, n in sorted(totals.verdicts.items()))
        out.append(style.bold(f"{totals.documents} documents: {parts}; {_plural(totals.findings, 'finding')}"))
    out.append(style.dim(f"signature: {signature}"))
    return "\n".join(out) + "\n"


def _finding(doc: DocumentReport, f: Finding, text: str | None, style: Style) -> list[str]:
    head = (f"{style.bold(f'{doc.source}:{f.line}:{f.column}')}: {style.severity(f.severity)} "
            f"{f.rule}  {f.message}")
    lines = [head]
    if text is not None:
        shown, caret = _context(doc, f, text)
        lines.append("    " + shown)
        lines.append("    " + style.paint(caret, "1;32" if f.severity == Severity.info else "1;31"))
    if f.suggestion is not None:
        advice = f.suggestion if f.suggestion else "(delete)"
        safe = style.dim("  [safe to apply]") if f.fix_safe else ""
        lines.append(f"    suggestion: {style.paint(advice, '32')}{safe}")
    return lines


def _context(doc: DocumentReport, f: Finding, text: str) -> tuple[str, str]:
    """The finding's sentence, trimmed around the span, with a caret line under the span."""
    sentence = doc.fluency.sentences[f.sentence] if f.sentence < len(doc.fluency.sentences) else None
    lo = sentence.start if sentence and sentence.start <= f.start else f.start
    hi = sentence.end if sentence and sentence.end >= f.end else f.end
    span_end = min(f.end, f.start + MAX_SPAN_SHOWN)
    left_from = max(lo, f.start - CONTEXT_CHARS)
    right_to = min(hi, span_end + CONTEXT_CHARS)
    before = _flat(text[left_from:f.start])
    span = _flat(text[f.start:span_end]) or "␣"
    after = _flat(text[span_end:right_to])
    lead = "…" if left_from > lo else ""
    tail = "…" if right_to < hi or span_end < f.end else ""
    shown = lead + before + span + after + tail
    caret = " " * display_width(lead + before) + "^" * max(1, display_width(span))
    return shown, caret


def _flat(s: str) -> str:
    """One display line: breaks and tabs become visible marks of width one."""
    return s.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵").replace("\t", "→").replace("\u3000", "□")


def display_width(s: str) -> int:
    """Terminal columns `s` takes: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _summary(doc: DocumentReport, style: Style) -> list[str]:
    p = doc.provenance
    sev = doc.counts.by_severity
    verdict_color = {"machine": "1;31", "post-edited": "33", "human": "32"}[p.verdict.value]
    lines = [
        f"{style.bold(doc.source)}: {style.paint(p.verdict.value, verdict_color)} "
        f"(MT likelihood {p.mt_likelihood:.2f}), fluency {doc.fluency.score:.1f}/100, "
        f"{_plural(len(doc.findings), 'finding')} ({sev.get('error', 0)} errors, {sev.get('warning', 0)} warnings, "
        f"{sev.get('info', 0)} info) in {_plural(doc.sentences, 'sentence')}",
    ]
    details = []
    lang = p.document_language
    if lang.code and lang.code != "en":
        details.append(f"document language: {lang.code}")
    src = p.source_language
    details.append(f"source language: {src.code or 'unknown'}"
                   + (f" (confidence {src.confidence:.2f}: {_why(src.evidence)})" if src.code else ""))
    if p.agency:
        a = p.agency
        written = f" (written \"{a.as_written}\")" if a.as_written != a.normalised else ""
        details.append(f"agency: {a.normalised}{written}")
    if p.dateline:
        d = p.dateline
        where = ", ".join(x for x in (d.city, d.date_normalised or d.date) if x)
        details.append(f"dateline: {where} ({d.style} style)")
    lines.append("  " + "; ".join(details))
    if p.references:
        shown = ", ".join(f"{r.document} ({r.share:.0%} of sentences, similarity {r.similarity:.0f})"
                          for r in p.references[:3])
        lines.append(f"  closest published: {shown}")
    if doc.suppressed or doc.baselined:
        hidden = [f"{len(doc.suppressed)} suppressed in the file"] if doc.suppressed else []
        hidden += [f"{len(doc.baselined)} in the baseline"] if doc.baselined else []
        lines.append(f"  not shown: {', '.join(hidden)}")
    if doc.failures:
        lines.append("  " + style.paint("fails: " + "; ".join(f.message for f in doc.failures), "1;31"))
    if p.evidence:
        top = ", ".join(f"{e.rule} ×{e.count} {e.contribution:+.2f}" for e in p.evidence[:5])
        more = f", and {len(p.evidence) - 5} more" if len(p.evidence) > 5 else ""
        lines.append("  " + style.dim(f"evidence (log-odds): {top}{more}"))
    return lines


def _why(evidence: list[str], shown: int = 2) -> str:
    """The first reasons for a guess, and how many more there are."""
    more = len(evidence) - shown
    return "; ".join(evidence[:shown]) + (f"; and {more} more" if more > 0 else "")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
