"""The readable report: findings grouped under their document, one summary per document.

    reference_pairs/examples/mt_wire_story.txt
      3:99 error calque.term  non-standard name for a term, agency or institution …
        …since the outbreak of the new crown pneumonia epidemic.
                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
        suggestion: COVID-19 pandemic or COVID-19 outbreak

      machine: MT likelihood 1.00, fluency 71.8/100, 43 findings (18 errors, 13 warnings, 12 info) …

Everything is fitted to the terminal's width (80 columns when the output is not a terminal):
an excerpt is cut around its span with an ellipsis, never wrapped, so the caret line stays
under the span; messages wrap at word boundaries under their finding. The `concise` layout
prints one `path:line:column: severity rule  message` line per finding, for grep and editors.

A document of a file that holds many (a JSONL record) is named `path#id`, and its findings'
lines are the record's line in the file.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, TYPE_CHECKING

from mtcheck.models import Severity
from mtcheck.render.terminal import terminal_safe
from mtcheck.render.words import likelihood_text, plural

if TYPE_CHECKING:
    from mtcheck.models import AnyDocumentReport, AnyFinding, CheckReport

DEFAULT_WIDTH = 80  # columns when the output is not a terminal (a pipe, a file, CI's log)
MIN_WIDTH = 40
INDENT = "    "  # excerpt, suggestion and wrapped message lines under a finding's heading
SEVERITY_COLOURS = {Severity.error: "1;31", Severity.warning: "1;33", Severity.info: "1;36"}
# Machine is red (warm) and human blue (cool) in every view: terminal, report pages, plots.
EVIDENCE_SHOWN = 4  # reasons behind the likelihood printed under a document
VERDICT_COLOURS = {"machine": "1;31", "post-edited": "33", "human": "34", "too-short": "2", "not-english": "2"}
LAYOUTS = ("full", "concise")


@dataclass(frozen=True)
class Style:
    """How the terminal shows the report: ANSI colour (only when asked for or on a terminal)
    and the width everything is fitted to."""

    color: bool = False
    width: int = DEFAULT_WIDTH

    @classmethod
    def for_stream(cls, stream: IO[str], choice: str = "auto") -> Style:
        tty = bool(getattr(stream, "isatty", lambda: False)())
        width = terminal_width(tty)
        if choice == "always":
            return cls(True, width)
        if choice == "never" or os.environ.get("NO_COLOR"):
            return cls(False, width)
        return cls(tty and os.environ.get("TERM") != "dumb", width)

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color and text else text

    def severity(self, severity: Severity) -> str:
        return self.paint(severity.value, SEVERITY_COLOURS[severity])

    def dim(self, text: str) -> str:
        return self.paint(text, "2")

    def bold(self, text: str) -> str:
        return self.paint(text, "1")


def terminal_width(tty: bool) -> int:
    """COLUMNS when set; else the terminal's width on a terminal, 80 off one."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    if not tty:
        return DEFAULT_WIDTH
    import shutil  # (bz2, lzma, ...) only on a terminal

    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def document_name(doc: AnyDocumentReport) -> str:
    """The document as the reports name it: its file, and `#id` for one of many (JSONL)."""
    return terminal_safe(doc.source + (f"#{doc.doc_id}" if doc.doc_id is not None else ""), one_line=True)


def render_check_text(report: CheckReport, texts: Sequence[str | None] = (), style: Style = Style(),
                      quiet: bool = False, layout: str = "full") -> str:
    """`texts[i]` is the text of `report.documents[i]`, for excerpts (reports do not carry
    their text: a report of a 50 MB file should not hold it twice)."""
    out, totals = [], Totals()
    for i, doc in enumerate(report.documents):
        out.append(render_document_text(doc, texts[i] if i < len(texts) else None, style, quiet, layout))
        totals.add(doc)
    out.append(render_footer_text(totals, report.signature, style))
    return "".join(out)


def render_document_text(doc: AnyDocumentReport, text: str | None = None, style: Style = Style(),
                         quiet: bool = False, layout: str = "full") -> str:
    """One document's block, ending in a blank line. The CLI prints each block as soon as its
    document is checked. `full`: the document's name, each finding with its excerpt and a blank
    line after it, then the summary. `concise`: one line per finding, one line of summary."""
    return "".join(document_text_pieces(doc, text, style, quiet, layout))


def document_text_pieces(doc: AnyDocumentReport, text: str | None = None, style: Style = Style(),
                         quiet: bool = False, layout: str = "full") -> Iterator[str]:
    """`render_document_text`'s block a finding at a time (a document with 20,000 findings makes
    a block of tens of megabytes)."""
    if layout == "concise":
        if not quiet:
            for f in doc.findings:
                yield _concise_finding(doc, f, style) + "\n"
        yield _concise_summary(doc, style) + "\n"
        return
    yield style.bold(document_name(doc)) + "\n"
    if not quiet:
        findings: Sequence[AnyFinding] = doc.findings
        pad = max((len(f"{f.line}:{f.column}") for f in findings), default=0)
        for f in findings:
            yield "\n".join(_finding(doc, f, f"{f.line}:{f.column}".ljust(pad), text, style)) + "\n\n"
    yield "\n".join(_summary(doc, style)) + "\n\n"


@dataclass
class Totals:
    """Running counts for the last line of a multi-document report."""

    documents: int = 0
    findings: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)

    def add(self, doc: AnyDocumentReport) -> None:
        self.documents += 1
        self.findings += len(doc.findings)
        verdict = doc.provenance.verdict.value
        self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1


def render_footer_text(totals: Totals, signature: str, style: Style = Style()) -> str:
    out = []
    if totals.documents > 1:
        parts = ", ".join(f"{n} {v}" for v, n in sorted(totals.verdicts.items()))
        out.append(style.bold(f"{plural(totals.documents, 'document')}: {parts}; {plural(totals.findings, 'finding')}"))
    out.append(style.dim(f"signature: {signature}"))
    return "\n".join(out) + "\n"


# --- one finding ------------------------------------------------------------------

def _finding(doc: AnyDocumentReport, f: AnyFinding, at: str, text: str | None, style: Style) -> list[str]:
    """  3:99 error calque.term  message, wrapped under the severity
           │ …the sentence, cut to the width…
           │        ^^^^^^
           = suggestion: …"""
    indent = " " * (2 + len(at) + 1)
    head = f"  {at} {f.severity.value} {f.rule}  "
    lines = list(_wrapped_message(f.message, style.width, display_width(head), len(indent)))
    lines[0] = f"  {style.dim(at)} {style.severity(f.severity)} {style.bold(f.rule)}  {lines[0]}".rstrip()
    if text is not None:
        gutter = indent + style.dim("│") + " "
        shown, caret_at, caret_width = excerpt(doc, f, text, style.width - len(indent) - 2)
        lines.append(gutter + shown)
        lines.append(gutter + " " * caret_at + style.paint("^" * caret_width, SEVERITY_COLOURS[f.severity]))
    if f.suggestion is not None:
        advice = terminal_safe(f.suggestion, one_line=True) if f.suggestion else "(delete)"
        safe = "  [safe to apply]" if f.fix_safe else ""
        said = _wrapped_message(f"= suggestion: {advice}{safe}", style.width, len(indent), len(indent) + 2)
        if style.color and len(said) == 1:  # colour the advice when it stands on one line
            said = (f"= suggestion: {style.paint(advice, '32')}{style.dim(safe)}",)
        lines.append(indent + said[0])
        lines.extend(said[1:])
    return lines


@lru_cache(maxsize=4096)
def _wrapped_message(message: str, width: int, first: int, rest: int) -> tuple[str, ...]:
    """A finding's message or suggestion wrapped, terminal-safe. Made once for each: a rule's
    message recurs finding after finding, story after story."""
    return tuple(wrap(terminal_safe(message, one_line=True), width, first=first, rest=rest))


def _concise_finding(doc: AnyDocumentReport, f: AnyFinding, style: Style) -> str:
    """`path:line:column: severity rule  message`, the form editors and grep read; a JSONL
    record's id follows the place (`wire.jsonl:2:15: #b error ...`)."""
    record = terminal_safe(f" #{doc.doc_id}", one_line=True) if doc.doc_id is not None else ""
    return (f"{style.bold(f'{terminal_safe(doc.source, one_line=True)}:{f.line}:{f.column}:')}{record} "
            f"{style.severity(f.severity)} {f.rule}  {terminal_safe(f.message, one_line=True)}")


def excerpt(doc: AnyDocumentReport, f: AnyFinding, text: str, width: int) -> tuple[str, int, int]:
    """The finding's sentence on one line of at most `width` columns, cut around the span with
    an ellipsis where it goes on; and where the caret line starts and how wide it is."""
    sentence = doc.fluency.sentences[f.sentence] if f.sentence < len(doc.fluency.sentences) else None
    lo = sentence.start if sentence and sentence.start <= f.start else f.start
    hi = sentence.end if sentence and sentence.end >= f.end else f.end
    # Context beyond what a line can show is never measured (a sentence of thousands of
    # characters with thousands of findings would be measured once per finding).
    reach = 4 * width + 16
    lo, hi = max(lo, f.start - reach), min(hi, f.end + reach)
    before, span, after = _shown(text[lo:f.start]), _shown(text[f.start:f.end]) or "␣", _shown(text[f.end:hi])
    return fit(before, span, after, width)


def fit(before: str, span: str, after: str, width: int) -> tuple[str, int, int]:
    """`before + span + after` in at most `width` columns: the span whole when it fits (else
    its start, and an ellipsis), then as much context either side as the room left allows,
    cut at a word where one is near. Returns the line, the caret's column and its width."""
    width = max(width, 5)
    if display_width(span) > width - 2:
        span = take_columns(span, width - 3) + "…"
        room_left = 1 if before else 0
        return ("…" if before else "") + span + ("…" if after else ""), room_left, display_width(span)
    room = width - display_width(span)
    need_left, need_right = display_width(before), display_width(after)
    left = min(need_left, max(room // 2, room - need_right))
    right = min(need_right, room - left)
    shown_before = before if left >= need_left else "…" + _cut_left(before, left - 1)
    shown_after = after if right >= need_right else _cut_right(after, right - 1) + "…"
    if shown_before == "…":
        shown_before = "…" if left >= 1 else ""
    caret_at = display_width(shown_before)
    return shown_before + span + shown_after, caret_at, display_width(span)


_WORD_CUT = 12  # columns of a word cut in two given up to start or end the excerpt at a space


def _cut_left(s: str, columns: int) -> str:
    """The end of `s` in at most `columns`, starting after a space when one is near."""
    kept = take_last_columns(s, columns)
    if len(kept) < len(s) and not s[len(s) - len(kept) - 1].isspace():
        space = kept.find(" ", 0, _WORD_CUT)
        if space >= 0:
            kept = kept[space + 1:]
    return kept


def _cut_right(s: str, columns: int) -> str:
    """The start of `s` in at most `columns`, ending before a space when one is near."""
    kept = take_columns(s, columns)
    if len(kept) < len(s) and not s[len(kept)].isspace():
        space = kept.rfind(" ", max(0, len(kept) - _WORD_CUT))
        if space >= 0:
            kept = kept[:space + 1]
    return kept


def take_columns(s: str, columns: int) -> str:
    """The longest start of `s` that fits in `columns` terminal columns."""
    if s.isascii():  # every ASCII character takes one column
        return s[:max(columns, 0)]
    used = 0
    for i, c in enumerate(s):
        used += char_width(c)
        if used > columns:
            return s[:i]
    return s


def take_last_columns(s: str, columns: int) -> str:
    """The longest end of `s` that fits in `columns` terminal columns."""
    if s.isascii():
        return s if columns >= len(s) else s[len(s) - columns:] if columns > 0 else ""
    used = 0
    for i in range(len(s) - 1, -1, -1):
        used += char_width(s[i])
        if used > columns:
            return s[i + 1:]
    return s


def _shown(s: str) -> str:
    """A piece of the document as an excerpt shows it: terminal-safe (one character for one,
    so made a piece at a time rather than for the whole text) and on one line."""
    return _flat(terminal_safe(s))


def _flat(s: str) -> str:
    """One display line: breaks and tabs become visible marks of width one."""
    return s.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵").replace("\t", "→").replace("\u3000", "□")


@lru_cache(maxsize=8192)
def char_width(c: str) -> int:
    """Terminal columns one character takes: East Asian wide and full-width take two,
    combining marks none. (Cached: copy uses few characters beyond ASCII, over and over.)"""
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def _one_column_each(s: str) -> bool:
    """Whether every character of `s` takes one column (most copy: ASCII, curly quotes,
    dashes), so that a piece of it is as wide as it is long."""
    return s.isascii() or all(c.isascii() or char_width(c) == 1 for c in set(s))


def display_width(s: str) -> int:
    """Terminal columns `s` takes: one a character, but for the few that are not ASCII and
    take two or none (counted once each, then by str.count: excerpts and wrapping measure
    every word and sentence, and a call a character was most of printing a report)."""
    width = len(s)
    if not s.isascii():
        for c in set(s):
            if not c.isascii():
                width += (char_width(c) - 1) * s.count(c)
    return width


def wrap(text: str, width: int, first: int = 0, rest: int = 0) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces: the first line has
    `first` columns taken already (not included in the result), the others are indented by
    `rest` spaces. A word longer than a whole line stands alone on its line."""
    measure = len if _one_column_each(text) else display_width
    if first + measure(text) <= width and not text.startswith(" "):  # (most lines: one measure, no split)
        return [text]
    lines: list[str] = []
    line, used = "", first
    for word in text.split(" "):
        w = measure(word)
        if line and used + 1 + w > width:
            lines.append(line)
            line, used = " " * rest + word, rest + w
        else:
            line, used = (line + " " + word, used + 1 + w) if line else (line + word, used + w)
    lines.append(line)
    return lines


# --- the document's summary -----------------------------------------------------------

def severity_counts(doc: AnyDocumentReport) -> str:
    """'43 findings (18 errors, 13 warnings, 12 info)'; '1 finding (1 warning)'; 'no findings'."""
    if not doc.findings:
        return "no findings"
    sev = doc.counts.by_severity
    parts = [plural(sev.get(s.value, 0), s.value) for s in (Severity.error, Severity.warning, Severity.info)
             if sev.get(s.value, 0)]
    return f"{plural(len(doc.findings), 'finding')} ({', '.join(parts)})"


def _verdict(doc: AnyDocumentReport) -> str:
    p = doc.provenance
    return (f"{p.verdict.value}: MT likelihood {likelihood_text(p.mt_likelihood)}, "
            f"fluency {doc.fluency.score:.1f}/100, "
            f"{severity_counts(doc)} in {plural(doc.sentences, 'sentence')}")


def _paint_verdict(line: str, doc: AnyDocumentReport, style: Style) -> str:
    verdict = doc.provenance.verdict.value
    return style.paint(verdict, VERDICT_COLOURS[verdict]) + line[len(verdict):]


def _concise_summary(doc: AnyDocumentReport, style: Style) -> str:
    failing = style.paint(" (fails the gate)", "1;31") if doc.failures else ""
    return f"{style.bold(document_name(doc))}: {_paint_verdict(_verdict(doc), doc, style)}{failing}"


def _summary(doc: AnyDocumentReport, style: Style) -> list[str]:
    """The verdict and the facts behind it, each wrapped to the width under the document."""
    p = doc.provenance
    facts: list[tuple[str, str | None]] = []
    lang = p.document_language
    if lang.code and lang.code != "en":
        facts.append((f"document language: {lang.code}", None))
    src = p.source_language
    facts.append((f"source language: {src.code or 'unknown'}"
                  + (f" (confidence {src.confidence:.2f}: {_why(src.evidence)})" if src.code else ""), None))
    if p.agency:
        a = p.agency
        written = f" (written \"{a.as_written}\")" if a.as_written != a.normalised else ""
        facts.append((f"agency: {a.normalised}{written}", None))
    if p.dateline:
        d = p.dateline
        where = ", ".join(x for x in (d.city, d.date_normalised or d.date) if x)
        facts.append((f"dateline: {where} ({d.style} style)", None))
    if p.references:
        facts.append(("closest published: " + ", ".join(
            f"{r.document} ({r.share:.0%} of sentences, similarity {r.similarity:.0f})" for r in p.references[:3]),
            None))
    if doc.suppressed or doc.baselined:
        hidden = [f"{len(doc.suppressed)} suppressed in the file"] if doc.suppressed else []
        hidden += [f"{len(doc.baselined)} in the baseline"] if doc.baselined else []
        facts.append((f"not shown: {', '.join(hidden)}", None))
    if doc.failures:
        facts.append(("fails: " + "; ".join(f.message for f in doc.failures), "1;31"))
    verdict = wrap(_verdict(doc), style.width, first=2, rest=4)
    lines = ["  " + _paint_verdict(verdict[0], doc, style), *verdict[1:]]
    for fact, code in facts:
        lines += _wrapped(fact, code, style, 2)
    if p.evidence:
        lines += _wrapped("why (log-odds: + towards machine translation, - towards a human writer):"
                          if p.mt_likelihood is not None else "artefacts (log-odds towards machine translation):",
                          None, style, 2)
    for e in p.evidence[:EVIDENCE_SHOWN]:  # largest first, either way
        found = f" ({e.rule} ×{e.count})" if e.rule is not None else ""
        lines += _wrapped(f"{e.contribution:+.2f} {e.description}{found}", "2", style, 4)
    if len(p.evidence) > EVIDENCE_SHOWN:
        lines += _wrapped(f"and {plural(len(p.evidence) - EVIDENCE_SHOWN, 'smaller reason')}", "2", style, 4)
    return lines


def _wrapped(text: str, code: str | None, style: Style, indent: int) -> list[str]:
    """One summary line wrapped under its indent, continuation lines two columns further in
    (document text in it made terminal-safe)."""
    wrapped = wrap(terminal_safe(text, one_line=True), style.width, first=indent, rest=indent + 2)
    return [(" " * indent if k == 0 else "") + (style.paint(line, code) if code else line)
            for k, line in enumerate(wrapped)]


def _why(evidence: list[str], shown: int = 2) -> str:
    """The first reasons for a guess, and how many more there are."""
    more = len(evidence) - shown
    return "; ".join(evidence[:shown]) + (f"; and {more} more" if more > 0 else "")
