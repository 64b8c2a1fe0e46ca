"""Applying the fixes that need no person: `mtcheck fix` and the HTTP API's /v1/fix.

A finding is fixed when its rule marked it `fix_safe` (its suggestion is then the literal
replacement: a safe reference pair, a spacing or punctuation repair, a doubled word, an end
marker or indentation to delete). Everything else stays a finding for a person.

One round checks the text, picks non-overlapping safe fixes (longest first, then earliest),
adapts each replacement to its place (case, and the white space a deletion would
leave) and applies them. A fix can expose another ("word \\u3000." becomes
"word ." and then "word."), so rounds repeat until one finds nothing to fix, at most
MAX_ROUNDS times; that is what makes fix(fix(x)) == fix(x). Every change is recorded with
its span in the input: the input outside those spans is never touched.

Markdown and HTML are fixed in the file itself, at the offsets the readers map findings
back to, and only where the flagged text stands in the file verbatim (not across markup or
an entity); plain text's mtcheck-disable directives and markup's suppression comments are
honoured like `check` honours them.
"""

from __future__ import annotations

import dataclasses
import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mtcheck.budget import checkpoint
from mtcheck.core.rules import RULES, resolve_rules
from mtcheck.models import AppliedFix, Finding, FixReport, plain
from mtcheck.pipeline import Checker
from mtcheck.read import InputProblem, LineIndex, Source

MAX_ROUNDS = 5  # passes of fixes; real copy settles in one or two
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
# How a replacement is written into the file of each format.
ESCAPES: dict[str, Callable[[str], str]] = {
    "text": lambda s: s,
    "markdown": lambda s: _MARKDOWN_SPECIAL.sub(r"\\\1", s),
    "html": lambda s: html.escape(s, quote=False),
}
_SPACE = " \t\u3000"  # horizontal white space a fix may take with it
_BREAKS = ("", "\n", "\r")
_CLOSING = frozenset(".,;:?!)]")
_MINOR = frozenset("a an and as at but by for in nor of on or the to with".split())


@dataclass(frozen=True)
class _Edit:
    """A replaced span of the input: [start, end) of the original became `replacement`."""

    start: int
    end: int
    replacement: str
    rules: tuple[str, ...]

    @property
    def growth(self) -> int:
        """How much longer the text got."""
        return len(self.replacement) - (self.end - self.start)


@dataclass(frozen=True)
class _Fix:
    """A change planned in the current text: [start, end) becomes `replacement`."""

    start: int
    end: int
    replacement: str
    rule: str


def fix_text(text: str, checker: Checker, select: Iterable[str] | None = None,
             ignore: Iterable[str] | None = None, source: str = "<text>") -> FixReport:
    """Fix plain text. `select`/`ignore` (rule ids, families, categories) choose which safe
    fixes apply; the checker's own rule selection decides what is checked at all."""
    return fix_source(Source(name=source, text=text), checker, select, ignore)


def fix_source(source: Source, checker: Checker, select: Iterable[str] | None = None,
               ignore: Iterable[str] | None = None) -> FixReport:
    """Fix one read document: plain text, or a Markdown or HTML file (fixed in the file).
    Raises InputProblem for a format that cannot be fixed in place."""
    ensure_fixable(source.name, source.format)
    fixable = resolve_rules(select, ignore)
    original = source.file_text
    analyse = _analyser(checker, source)
    edits: list[_Edit] = []
    current = original
    report: plain.DocumentReport | None = analyse(current)
    rounds = 1
    for _ in range(MAX_ROUNDS):
        checkpoint()
        fixes = _plan(current, report, fixable, ESCAPES[source.format], edits) if report is not None else []
        if not fixes:
            break
        edits = _merge(edits, fixes, current)
        current = _apply(current, fixes)
        report = None  # the last round's report goes before the next is built, not after
        try:
            report = analyse(current)
        except InputProblem:
            report = None  # the fixes left nothing to check ("(End)" alone): nothing remains either
        rounds += 1
    lines = LineIndex(original)
    applied = []
    for edit in edits:
        line, column = lines.position(edit.start)
        applied.append(AppliedFix(rules=list(edit.rules), start=edit.start, end=edit.end, line=line, column=column,
                                  original=original[edit.start:edit.end], replacement=edit.replacement))
    chosen = "all" if len(fixable) == len(RULES) else f"{len(fixable)}of{len(RULES)}"
    remaining = [Finding.model_validate(f, from_attributes=True) for f in report.findings] if report is not None else []
    return FixReport(source=source.name, format=source.format, text=current, changed=current != original,
                     applied=applied, remaining=remaining, rounds=rounds,
                     signature=checker.signature.extended(fixes=chosen).format())


def ensure_fixable(name: str, fmt: str) -> None:
    """Raise InputProblem unless documents of format `fmt` can be fixed in place."""
    if fmt not in ESCAPES:
        raise InputProblem(name, f"cannot fix {fmt} input in place (fix takes plain text, Markdown or HTML)")


def _analyser(checker: Checker, source: Source) -> Callable[[str], plain.DocumentReport]:
    """A function checking a version of the file, findings at offsets into that version (the
    report as plain classes: of the last one only the findings left are made models)."""
    from mtcheck.read.formats import READERS, formats

    fmt = source.format
    if fmt != "text":
        formats()  # imports the reader modules, which register themselves

    def analyse(text: str) -> plain.DocumentReport:
        decoded = dataclasses.replace(source, text=text, format="text", extraction=None)
        document = decoded
        if fmt != "text":
            documents = list(READERS[fmt](decoded))
            if len(documents) != 1:
                raise InputProblem(source.name, f"holds {len(documents)} documents; fix takes one a file")
            document = documents[0]  # type: ignore[assignment]
        return checker.check_plain(document)

    return analyse


# -- one round ----------------------------------------------------------------------------


def _plan(text: str, report: plain.DocumentReport, fixable: frozenset[str], escape: Callable[[str], str],
          edits: list[_Edit]) -> list[_Fix]:
    """The safe fixes of this round: non-overlapping, longest first, then earliest. A fix that
    reaches into an earlier round's change must not share it with another fix."""
    sentence_starts = {s.start for s in report.fluency.sentences}
    candidates = sorted(
        (f for f in report.findings
         if f.fix_safe and f.rule in fixable and f.suggestion is not None and text[f.start:f.end] == f.text),
        key=lambda f: (-(f.end - f.start), f.start, f.rule))
    changed = _Spans(edits)
    taken: list[tuple[int, int]] = []  # sorted (start, end) of chosen fixes, widened to the changes they touch
    chosen = []
    for finding in candidates:
        fix = _adapt(text, finding, finding.start in sentence_starts, escape)
        if fix is None:
            continue
        lo, hi = changed.widen(fix.start, fix.end)
        k = bisect_left(taken, (lo, hi))
        if (k and taken[k - 1][1] > lo) or (k < len(taken) and taken[k][0] < hi):
            continue  # overlaps a longer fix: the next round sees it again if it still applies
        taken.insert(k, (lo, hi))
        chosen.append(fix)
    return sorted(chosen, key=lambda f: f.start)


def _adapt(text: str, finding: plain.Finding, sentence_start: bool, escape: Callable[[str], str]) -> _Fix | None:
    """The finding's suggestion fitted to its place; None when it would change nothing."""
    replacement = escape(keep_case(finding.text, finding.suggestion or "", sentence_start))
    start, end, replacement = _tidy(text, finding.start, finding.end, replacement)
    if text[start:end] == replacement:
        return None
    return _Fix(start, end, replacement, finding.rule)


def keep_case(original: str, replacement: str, sentence_start: bool = False) -> str:
    """`replacement` in the case of the `original` it replaces: all capitals for an
    all-capitals original, title case for a title-case original, a capital first letter at a
    sentence start or for a capitalised original. Forms with their own capitals stay
    ("COVID-19", "iPhone"); nothing is ever lower-cased."""
    letters = [c for c in original if c.isalpha()]
    if not letters or replacement == original or not any(c.isalpha() for c in replacement):
        return replacement
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    words = [w for w in re.split(r"[\s\-‐‑]+", original) if w[:1].isalpha()]
    significant = [w for w in words if w.lower() not in _MINOR]  # "The the" is not a title
    if len(words) > 1 and significant and all(w[0].isupper() for w in significant):
        return " ".join(_capitalised(w) if i == 0 or w.lower() not in _MINOR else w
                        for i, w in enumerate(replacement.split(" ")))
    if letters[0].isupper() or sentence_start:
        first, sep, rest = replacement.partition(" ")
        return _capitalised(first) + sep + rest
    return replacement


def _capitalised(word: str) -> str:
    """`word` with a capital first letter, unless it has capitals of its own (iPhone, eBay)."""
    if not word[:1].isalpha() or any(c.isupper() for c in word):
        return word
    return word[0].upper() + word[1:]


def _tidy(text: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """Widen a fix over the horizontal white space it would otherwise leave doubled, before
    punctuation, at the end of a line or at its start; a deletion that empties its line takes
    the line with it (and, at the end of the text, the blank lines before it)."""
    if replacement.endswith(" ") and (text[end:end + 1] in _BREAKS or text[end].isspace() or text[end] in _CLOSING):
        replacement = replacement.rstrip(" ")
    if replacement.startswith(" ") and (text[start - 1:start] in _BREAKS or text[start - 1].isspace()):
        replacement = replacement.lstrip(" ")
    if replacement:
        return start, end, replacement
    lo, hi = start, end
    while lo > 0 and text[lo - 1] in _SPACE:
        lo -= 1
    while hi < len(text) and text[hi] in _SPACE:
        hi += 1
    before, after = text[lo - 1:lo], text[hi:hi + 1]
    if before in _BREAKS and after in _BREAKS:  # the line is left empty: remove it
        if not text[hi:].strip():  # the last line: the blank lines before it go too
            content = len(text[:lo].rstrip())
            keep = 2 if text.startswith("\r\n", content) else 1 if content < lo else 0
            return min(content + keep, lo), len(text), ""
        return lo, hi + (2 if text[hi:hi + 2] == "\r\n" else 1), ""
    if after in _BREAKS or after in _CLOSING:
        return lo, hi, ""  # no space left at the end of the line or before a mark
    if before in _BREAKS:
        return start, hi, ""  # no space left at the start of the line
    if lo < start and hi > end:
        return start, hi, ""  # one space stays between the words
    return start, end, ""


def _apply(text: str, fixes: list[_Fix]) -> str:
    parts, at = [], 0
    for fix in fixes:
        parts += [text[at:fix.start], fix.replacement]
        at = fix.end
    parts.append(text[at:])
    return "".join(parts)


# -- changes across rounds, kept at the input's offsets -------------------------------------


class _Spans:
    """Where each change stands in the current text."""

    def __init__(self, edits: list[_Edit]):
        self.starts: list[int] = []
        self.ends: list[int] = []  # never decreasing: changes are in order and never overlap
        shift = 0
        for edit in edits:
            self.starts.append(edit.start + shift)
            self.ends.append(edit.start + shift + len(edit.replacement))
            shift += edit.growth

    def touched(self, start: int, end: int) -> range:
        """Indices of the changes a fix of [start, end) reaches into (touching is not reaching:
        a change ending at `start` or starting at `end` stays apart)."""
        first = bisect_right(self.ends, start)
        last = first
        while last < len(self.starts) and self.starts[last] < end:
            last += 1
        return range(first, last)

    def widen(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) widened to the whole of every change it reaches into."""
        touched = self.touched(start, end)
        if not touched:
            return start, end
        return min(start, self.starts[touched[0]]), max(end, self.ends[touched[-1]])


def _merge(edits: list[_Edit], fixes: list[_Fix], current: str) -> list[_Edit]:
    """The changes after this round's fixes, each at its span of the original input. A fix
    reaching into an earlier change becomes one change with it."""
    spans = _Spans(edits)
    out: list[_Edit] = []
    k = 0
    shift = 0  # current offset minus original offset, left of the fix
    for fix in fixes:
        while k < len(edits) and spans.ends[k] <= fix.start:
            out.append(edits[k])
            shift += edits[k].growth
            k += 1
        touched = spans.touched(fix.start, fix.end)
        lo, hi = spans.widen(fix.start, fix.end)
        inner = sum(edits[i].growth for i in touched)
        # Each end of the fix lies either inside an earlier change (the change's original end
        # counts) or in untouched text (mapped back by the growth of the changes before it).
        start = edits[touched[0]].start if touched and spans.starts[touched[0]] <= fix.start else fix.start - shift
        end = edits[touched[-1]].end if touched and spans.ends[touched[-1]] >= fix.end else fix.end - shift - inner
        rules = tuple(dict.fromkeys([r for i in touched for r in edits[i].rules] + [fix.rule]))
        out.append(_Edit(start, end, current[lo:fix.start] + fix.replacement + current[fix.end:hi], rules))
        shift += inner
        k = max(k, touched.stop)
    out.extend(edits[k:])
    return out
