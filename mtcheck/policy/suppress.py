"""Suppressions written in the checked file: an editor silences a justified finding in place.

Markdown, HTML and wire XML use comments:

    <!-- mtcheck-disable calque.phrase -->   ... <!-- mtcheck-enable -->
    <!-- mtcheck-disable-next-line repetition.coordinated -- quoted verbatim -->

Plain text uses a line of its own holding only the directive, after `#` or `//`, or in
square brackets: `# mtcheck-disable calque.term`, `[mtcheck-enable]`. Those lines are
taken out of the text before it is checked, so they are never checked as prose.

RULES are rule ids, families or categories, comma- or space-separated (none: every rule);
anything after ` -- ` is the reason. The pipeline puts suppressed findings in the report's
`suppressed` list, never silently drops them.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from mtcheck.core.rules import RuleSelectionError, resolve_rules
from mtcheck.read.formats import is_markup
from mtcheck.read.offsets import ChainedMap, LineIndex, OffsetMap
from mtcheck.read.text import Extraction, LineEnds, Source

_KINDS = r"(?P<kind>disable-next-line|disable|enable)(?![\w-])"
# In markup: an HTML/XML comment anywhere. The arguments run to the comment's end and are
# stripped in Python: a pattern with white space both in them and after them would try
# every way of sharing a long run of spaces between the two.
_COMMENT = re.compile(r"<!--[ \t]*mtcheck-" + _KINDS + r"(?P<args>(?:(?!-->)[^\n])*)-->")
# In plain text: a whole line holding only the directive, after # or //, or in [brackets];
# the rest of the line (`tail`) is checked in Python (see `_plain_directives`).
_PLAIN_HEAD = re.compile(r"^[ \t]*(?P<open>#+|//|\[)[ \t]*mtcheck-" + _KINDS + r"(?P<tail>[^\n]*)", re.MULTILINE)


@dataclass(frozen=True)
class _PlainLine:
    """A plain-text directive line: its kind and arguments, and the span of the whole line
    (its line break included)."""

    kind: str
    args: str
    start: int
    end: int


def _plain_directives(text: str) -> Iterator[_PlainLine]:
    """The directive lines of plain text. Brackets must pair up: `[mtcheck-enable]` yes,
    `# mtcheck-enable]` or `[mtcheck-enable` no; the arguments hold no `]`."""
    for m in _PLAIN_HEAD.finditer(text):
        tail = m.group("tail")
        end = m.end()
        cr = tail.find("\r")
        if cr >= 0:  # the line ends at its CR (CRLF, or an old Mac line end)
            end = m.start("tail") + cr + 1
            tail = tail[:cr]
        if text.startswith("\n", end):
            end += 1
        body = tail.rstrip(" \t")
        closed = body.endswith("]")
        if closed:
            body = body[:-1].rstrip(" \t")
        if "]" in body or closed != (m.group("open") == "["):
            continue
        yield _PlainLine(m.group("kind"), body, m.start(), end)


@dataclass(frozen=True)
class Directive:
    kind: str  # disable | enable | disable-next-line
    rules: frozenset[str]  # rule ids it names (every rule when it names none)
    start: int  # offsets of the directive in the file
    end: int


@dataclass
class Suppressions:
    """Where each rule is silenced in one file."""

    # (start, end, rule ids): findings starting in [start, end) are suppressed
    regions: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)
    # 1-based line -> rule ids suppressed on it
    lines: dict[int, frozenset[str]] = field(default_factory=dict)
    # unknown rule names and the like, as "line N: problem"
    warnings: list[str] = field(default_factory=list)
    _by_rule: dict[str, tuple[list[int], list[int]]] | None = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.regions or self.lines)

    def covers(self, rule: str, line: int, start: int) -> bool:
        """Whether a finding of `rule` starting at file offset `start`, on `line`, is suppressed."""
        if rule in self.lines.get(line, ()):
            return True
        if self._by_rule is None:
            self._by_rule = self._index()
        spans = self._by_rule.get(rule)
        if spans is None:
            return False
        k = bisect_right(spans[0], start) - 1
        return k >= 0 and start < spans[1][k]

    def _index(self) -> dict[str, tuple[list[int], list[int]]]:
        """Each rule's regions as sorted (starts, ends): a rule's regions never overlap (it is
        disabled until enabled), so a lookup is one bisection however many regions there are."""
        by_rule: dict[str, list[tuple[int, int]]] = {}
        for lo, hi, rules in self.regions:
            for rule in rules:
                by_rule.setdefault(rule, []).append((lo, hi))
        return {rule: ([lo for lo, _ in sorted(spans)], [hi for _, hi in sorted(spans)])
                for rule, spans in by_rule.items()}


def find_suppressions(text: str, markup: bool) -> Suppressions:
    """The suppressions in a file's text: comments when `markup`, else plain-text directive lines."""
    directives, warnings = _directives(text, markup)
    out = Suppressions(warnings=warnings)
    if not directives:
        return out
    lines = LineIndex(text)
    open_since: dict[str, int] = {}
    for d in directives:
        if d.kind == "disable-next-line":
            target = lines.position(d.end)[0] + 1
            out.lines[target] = out.lines.get(target, frozenset()) | d.rules
        elif d.kind == "disable":
            for rule in d.rules:
                open_since.setdefault(rule, d.end)
        else:
            _close(out, open_since, d.rules, d.start)
    _close(out, open_since, frozenset(open_since), len(text))
    return out


def _close(out: Suppressions, open_since: dict[str, int], rules: frozenset[str], at: int) -> None:
    """Close the open regions of `rules` at offset `at`, grouping rules opened together."""
    by_start: dict[int, set[str]] = {}
    for rule in rules:
        if rule in open_since:
            by_start.setdefault(open_since.pop(rule), set()).add(rule)
    for start, group in sorted(by_start.items()):
        out.regions.append((start, at, frozenset(group)))


def _directives(text: str, markup: bool) -> tuple[list[Directive], list[str]]:
    if "mtcheck-" not in text:
        return [], []
    lines = LineIndex(text)
    directives, warnings = [], []
    found = ((m.group("kind"), m.group("args"), m.start(), m.end()) for m in _COMMENT.finditer(text)) if markup \
        else ((d.kind, d.args, d.start, d.end) for d in _plain_directives(text))
    for kind, args, start, end in found:
        names = args.partition(" -- ")[0]  # after " -- ": the reason, for people
        items = [n for n in re.split(r"[\s,]+", names.strip()) if n]
        rules: set[str] = set()
        for item in items or ["all"]:
            try:
                rules |= resolve_rules([item])
            except RuleSelectionError as exc:
                warnings.append(f"line {lines.position(start)[0]}: mtcheck-{kind}: {exc}")
        if items and not rules:
            continue  # names only unknown rules: silencing everything instead would hide real findings
        while not markup and end > start and text[end - 1] in "\r\n":
            end -= 1  # the line break ends the directive's own line
        directives.append(Directive(kind, frozenset(rules), start, end))
    return directives, warnings


def strip_directive_lines(source: Source) -> Source:
    """A plain-text source without its directive lines, offsets mapped back to the file, so the
    directives are not checked as prose and findings keep the file's lines and columns."""
    if (source.extraction is not None and not isinstance(source.extraction, LineEnds)) or "mtcheck-" not in source.text:
        return source
    text = source.text
    spans = [(d.start, d.end) for d in _plain_directives(text)]
    if not spans:
        return source
    offsets, parts, at = OffsetMap(), [], 0
    for start, end in spans:
        offsets.copy(at, start - at)
        parts.append(text[at:start])
        at = end
    offsets.copy(at, len(text) - at)
    parts.append(text[at:])
    read_as_lf = source.extraction  # (a file read with its CR LF line ends as LF, or None)
    extraction = (Extraction(read_as_lf.original, ChainedMap(offsets, read_as_lf.offsets)) if read_as_lf is not None
                  else Extraction(text, offsets))
    return dataclasses.replace(source, text="".join(parts), extraction=extraction)


def suppressions_of(source: Source) -> Suppressions:
    """The suppressions written in a source's file: comments in markup (text extracted from
    HTML, Markdown, XML), directive lines in plain text and JSONL records (which
    `strip_directive_lines` has taken out of what is checked). Decided by the format, not by
    whether text was extracted: a JSONL record without its directive lines, or a file with its
    CR LF line ends read as LF, is extracted text too."""
    if isinstance(source.extraction, LineEnds) and "mtcheck-" not in source.text:
        return Suppressions()  # (nor in the file, which is this text with CRs: not put back together for nothing)
    return find_suppressions(source.file_text, markup=is_markup(source.format))


__all__ = ["Directive", "Suppressions", "find_suppressions", "strip_directive_lines", "suppressions_of"]
