"""One text through the core: segment -> language and dateline -> rules.

An `Analyzer` is built once (pairs compiled, rules chosen) and analyses any number of
texts. Everything it returns is in the analysed text's own coordinates; placing it in
the file, scoring, filtering and reporting are the pipeline's (`mtcheck.pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mtcheck.core.agencies import AgencyRegistry
from mtcheck.core.datelines import DatelineMatch, find_dateline
from mtcheck.core.language import LanguageInfo, detect_document
from mtcheck.core.pairs import PairSet
from mtcheck.core.rules import FAMILIES, Context, RawFinding
from mtcheck.core.rules.script import Script
from mtcheck.core.segment import Document, segment


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    document: Document
    language: LanguageInfo
    dateline: DatelineMatch | None
    findings: tuple[RawFinding, ...]  # by (start, end, rule id); one per rule and span
    words: int


class Analyzer:
    def __init__(self, pairs: PairSet, enabled: frozenset[str], agencies: AgencyRegistry):
        self.pairs = pairs
        self.enabled = enabled
        self.agencies = agencies
        self.families = [cls() for cls in FAMILIES.values()]
        self._language_only = [f for f in self.families if isinstance(f, Script)]

    def analyse(self, text: str) -> Analysis:
        doc = segment(text)
        language = detect_document(text)
        dateline = find_dateline(text, self.agencies)
        ctx = Context(doc, self.pairs, language, self.agencies, dateline, self.enabled)
        # A document in another language gets its one finding, not hundreds.
        families = self._language_only if language.code is not None and not language.is_english else self.families
        for family in families:
            family.check(ctx)
        return Analysis(text, doc, language, dateline, _distinct(ctx.findings), len(text.split()))


def _distinct(findings: list[RawFinding]) -> tuple[RawFinding, ...]:
    out: list[RawFinding] = []
    seen: set[tuple[str, int, int]] = set()
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule.id)):
        key = (f.rule.id, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return tuple(out)
