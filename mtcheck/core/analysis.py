"""One text through the core: segment and tokenise -> language and dateline -> rules.

An `Analyzer` is built once (pairs compiled, rules chosen) and analyses any number of
texts. Everything it returns is in the analysed text's own coordinates; placing it in
the file, scoring, filtering and reporting are the pipeline's (`mtcheck.pipeline`).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, replace

from mtcheck.budget import checkpoint
from mtcheck.core.agencies import AgencyRegistry
from mtcheck.core.datelines import DatelineMatch, find_dateline
from mtcheck.core.language import LanguageInfo, detect_document
from mtcheck.core.pairs import PairSet
from mtcheck.core.rules import FAMILIES, Context, RawFinding
from mtcheck.core.rules.script import Script
from mtcheck.core.segment import Document, segment
from mtcheck.core.tokens import LowerWords, Tokens, tokenize


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    document: Document
    language: LanguageInfo
    dateline: DatelineMatch | None
    findings: tuple[RawFinding, ...]  # by (start, end, rule id); one per rule and span
    tokens: Tokens  # the words every rule read, for the fingerprints and a provenance model's features
    overflow: dict[str, int] = field(default_factory=dict)  # rule id -> findings past the per-rule cap

    @property
    def words(self) -> int:
        """White-space separated words: the length the MT likelihood is measured by."""
        return self.tokens.running_words

    def without_words(self) -> Analysis:
        """This analysis with its word list emptied (the count of running words kept): for a
        report's last steps, which read no words, so that a long document's (some 26 MB for
        10 MB of news) are not held beside the report being built."""
        words = Tokens(self.text, LowerWords(array("H"), []), array(self.tokens.starts.typecode),
                       array(self.tokens.ends.typecode), self.tokens.running_words)
        return replace(self, tokens=words)


class Analyzer:
    def __init__(self, pairs: PairSet, enabled: frozenset[str], agencies: AgencyRegistry):
        self.pairs = pairs
        self.enabled = enabled
        self.agencies = agencies
        self.families = [cls() for cls in FAMILIES.values()]
        self._language_only = [f for f in self.families if isinstance(f, Script)]

    def analyse(self, text: str) -> Analysis:
        doc = segment(text)
        # Everything reads the flowed text (hard-wrapped lines joined), the same length as `text`.
        tokens = tokenize(doc.text)
        language = detect_document(doc.text)
        dateline = find_dateline(doc.text, self.agencies)
        ctx = Context(doc, self.pairs, language, self.agencies, dateline, self.enabled, tokens)
        # A document in another language gets its one finding, not hundreds.
        families = self._language_only if language.is_another_language else self.families
        for family in families:
            checkpoint()  # a server request out of time stops here
            family.check(ctx)
        return Analysis(text, doc, language, dateline, one_per_defect(ctx.findings), tokens, ctx.overflow)


def one_per_defect(findings: list[RawFinding]) -> tuple[RawFinding, ...]:
    """One finding per defect, by (start, end, rule id): where two findings of one family lie one
    inside the other ("not true. democracy." is a lower-case start and an echo fragment), the
    stronger is kept (then the longer); findings of different families all stay."""
    ordered = sorted(findings, key=lambda f: (f.start, -f.end, f.rule.id))
    kept: list[RawFinding] = []
    enclosing: dict[str, list[int]] = {}  # per family: indices into `kept` of spans a later one may lie in
    for f in ordered:
        stack = enclosing.setdefault(f.rule.family, [])
        while stack and kept[stack[-1]].end <= f.start:
            stack.pop()
        if stack and f.end <= kept[stack[-1]].end:  # inside a finding of the same family: one defect
            if _strength(f) > _strength(kept[stack[-1]]):
                kept[stack[-1]] = f
            continue
        stack.append(len(kept))
        kept.append(f)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end, f.rule.id)))


def _strength(f: RawFinding) -> tuple[int, int]:
    return f.severity.rank, f.end - f.start
