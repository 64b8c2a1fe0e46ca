"""Two versions of a story compared: aligned sentence groups, scores, word edits, and
what editing did to the draft's machine-translation findings.

read -> segment -> check both -> align sentences -> per group: scores, edits, findings
-> AlignReport. Everything is computed on the text the rules see; for markup input the
spans are moved to the original file at the end, as `check` does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

import sacrebleu
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from mtcheck.align.dp import AlignSettings, Link, align_sentences
from mtcheck.align.metrics import Metrics
from mtcheck.models.align import (
    AlignedGroup, AlignReport, CorpusScores, EditingSummary, FindingChange, FindingStatus, GroupStatus,
    SentenceCounts, SentenceScores, SideSpan, VersionSummary, WordEdit,
)
from mtcheck.checker import Checker
from mtcheck.models import DocumentReport, Finding
from mtcheck.read import Source
from mtcheck.core.segment import Document, segment

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
# A draft finding "remains" when the reference has one of the same rule in the same
# group whose flagged text is at least this similar (0-100).
SAME_FINDING = 70


class AlignInputError(ValueError):
    """A version that cannot be aligned (no sentences)."""


@dataclass
class _Side:
    name: str
    text: str
    doc: Document
    report: DocumentReport  # offsets into `text`
    to_original: Callable[[int], int]
    to_original_end: Callable[[int], int]

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Characters of sentences [first, last); for none, where they would stand."""
        sentences = self.doc.sentences
        if last > first:
            return sentences[first].start, sentences[last - 1].end
        at = sentences[first].start if first < len(sentences) else (sentences[-1].end if sentences else 0)
        return at, at


class Aligner:
    """Built once (checker, metrics, settings); aligns any number of version pairs."""

    def __init__(self, checker: Optional[Checker] = None, settings: AlignSettings = AlignSettings()):
        self.checker = checker or Checker()
        self.settings = settings
        self.metrics = Metrics()
        self.signature = f"{self.checker.signature}|align:{settings.describe()}|sacrebleu:{sacrebleu.__version__}"

    def align_texts(self, draft: str, reference: str, draft_name: str = "draft",
                    reference_name: str = "reference") -> AlignReport:
        return self.align(Source(draft_name, draft), Source(reference_name, reference))

    def align(self, draft: Source, reference: Source) -> AlignReport:
        a, b = self._side(draft), self._side(reference)
        links = align_sentences([a.text[s.start:s.end] for s in a.doc.sentences],
                                [b.text[s.start:s.end] for s in b.doc.sentences], self.settings)
        groups = [self._group(k, link, a, b) for k, link in enumerate(links)]
        sentence_scores, corpus = self.metrics.score([g.draft.text for g in groups], [g.reference.text for g in groups])
        signatures = self.metrics.signatures()
        for g, s in zip(groups, sentence_scores):
            if s is not None:
                g.scores = SentenceScores(bleu=s.bleu, chrf=s.chrf, ter=s.ter)
            _move_to_original(g, a, b)
        return AlignReport(
            draft=_summary(a), reference=_summary(b), groups=groups,
            operations=dict(Counter(g.operation for g in groups)),
            sentences=_sentence_counts(groups, len(a.doc.sentences), len(b.doc.sentences)),
            scores=CorpusScores(bleu=corpus.bleu, chrf=corpus.chrf, ter=corpus.ter, signatures=signatures),
            editing=_editing(groups),
            signature=self.signature,
        )

    def _side(self, source: Source) -> _Side:
        doc = segment(source.text)
        if not doc.sentences:
            raise AlignInputError(f"{source.name}: no sentences to align")
        report = self.checker.check(source.text, source.name)
        if source.offsets is not None:
            return _Side(source.name, source.text, doc, report, source.offsets.to_original, source.offsets.to_original_end)
        return _Side(source.name, source.text, doc, report, _same, _same)

    def _group(self, index: int, link: Link, a: _Side, b: _Side) -> AlignedGroup:
        da, db = a.span(*link.draft), b.span(*link.reference)
        draft_text, reference_text = a.text[da[0]:da[1]], b.text[db[0]:db[1]]
        edits = _word_edits(draft_text, da[0], reference_text, db[0])
        if not reference_text:
            status = GroupStatus.dropped
        elif not draft_text:
            status = GroupStatus.added
        else:
            status = GroupStatus.kept if not edits else GroupStatus.edited
        return AlignedGroup(
            index=index, operation=link.operation, status=status,
            draft=SideSpan(sentences=list(range(*link.draft)), start=da[0], end=da[1], text=draft_text),
            reference=SideSpan(sentences=list(range(*link.reference)), start=db[0], end=db[1], text=reference_text),
            similarity=round(100 * link.similarity, 2), edits=edits,
            findings=_finding_changes(a.report.findings, da, b.report.findings, db, status),
        )


def _same(offset: int) -> int:
    return offset


def _word_edits(draft: str, draft_at: int, reference: str, reference_at: int) -> list[WordEdit]:
    ta = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(draft)]
    tb = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(reference)]
    if not ta or not tb:
        return []
    edits = []
    for op in Levenshtein.opcodes([t[0] for t in ta], [t[0] for t in tb]):
        if op.tag == "equal":
            continue
        a0 = ta[op.src_start][1] if op.src_start < len(ta) else len(draft)
        a1 = ta[op.src_end - 1][2] if op.src_end > op.src_start else a0
        b0 = tb[op.dest_start][1] if op.dest_start < len(tb) else len(reference)
        b1 = tb[op.dest_end - 1][2] if op.dest_end > op.dest_start else b0
        edits.append(WordEdit(op=op.tag, draft_start=draft_at + a0, draft_end=draft_at + a1,
                              reference_start=reference_at + b0, reference_end=reference_at + b1,
                              draft_text=draft[a0:a1], reference_text=reference[b0:b1]))
    return edits


def _inside(f: Finding, span: tuple[int, int]) -> bool:
    start, end = span
    return start <= f.start < end or (start == end == f.start)


def _finding_changes(draft_findings: list[Finding], da: tuple[int, int], reference_findings: list[Finding],
                     db: tuple[int, int], status: GroupStatus) -> list[FindingChange]:
    mine = [f for f in draft_findings if _inside(f, da)] if da[1] > da[0] else []
    theirs = [f for f in reference_findings if _inside(f, db)] if db[1] > db[0] else []
    unmatched = list(theirs)
    out = []
    for f in mine:
        match = None
        for r in unmatched:
            if r.rule == f.rule and (r.text == f.text or fuzz.ratio(r.text.lower(), f.text.lower()) >= SAME_FINDING):
                match = r
                break
        if status == GroupStatus.dropped:
            state = FindingStatus.removed
        elif match is not None:
            unmatched.remove(match)
            state = FindingStatus.remaining
        else:
            state = FindingStatus.fixed
        out.append(_change(state, f, match))
    out.extend(_change(FindingStatus.introduced, None, r) for r in unmatched)
    return out


def _change(state: FindingStatus, draft: Optional[Finding], reference: Optional[Finding]) -> FindingChange:
    f = draft or reference
    return FindingChange(
        status=state, rule=f.rule, category=f.category, severity=f.severity, message=f.message, suggestion=f.suggestion,
        draft_start=draft.start if draft else None, draft_end=draft.end if draft else None,
        draft_text=draft.text if draft else None,
        reference_start=reference.start if reference else None, reference_end=reference.end if reference else None,
        reference_text=reference.text if reference else None,
    )


def _move_to_original(g: AlignedGroup, a: _Side, b: _Side) -> None:
    if a.to_original is _same and b.to_original is _same:
        return
    for side, span in ((a, g.draft), (b, g.reference)):
        span.start, span.end = side.to_original(span.start), (
            side.to_original_end(span.end) if span.end > span.start else side.to_original(span.start))
    for e in g.edits:
        e.draft_start, e.draft_end = a.to_original(e.draft_start), a.to_original_end(e.draft_end)
        e.reference_start, e.reference_end = b.to_original(e.reference_start), b.to_original_end(e.reference_end)
    for c in g.findings:
        if c.draft_start is not None:
            c.draft_start, c.draft_end = a.to_original(c.draft_start), a.to_original_end(c.draft_end)
        if c.reference_start is not None:
            c.reference_start, c.reference_end = b.to_original(c.reference_start), b.to_original_end(c.reference_end)


def _summary(side: _Side) -> VersionSummary:
    r = side.report
    return VersionSummary(source=side.name, characters=len(side.text), sentences=len(side.doc.sentences),
                          findings=len(r.findings), mt_likelihood=r.provenance.mt_likelihood,
                          verdict=r.provenance.verdict, fluency=r.fluency.score)


def _sentence_counts(groups: list[AlignedGroup], n_draft: int, n_reference: int) -> SentenceCounts:
    counts = Counter()
    for g in groups:
        if g.status == GroupStatus.added:
            counts["added"] += len(g.reference.sentences)
        else:
            counts[g.status.value] += len(g.draft.sentences)

    def share(k: str, total: int) -> float:
        return round(counts[k] / total, 4) if total else 0.0

    return SentenceCounts(kept=counts["kept"], edited=counts["edited"], dropped=counts["dropped"],
                          added=counts["added"], kept_share=share("kept", n_draft),
                          edited_share=share("edited", n_draft), dropped_share=share("dropped", n_draft),
                          added_share=share("added", n_reference))


def _editing(groups: list[AlignedGroup]) -> EditingSummary:
    tally: dict[FindingStatus, Counter] = {s: Counter() for s in FindingStatus}
    for g in groups:
        for c in g.findings:
            tally[c.status][c.rule] += 1
    return EditingSummary(**{s.value: dict(sorted(tally[s].items())) for s in FindingStatus})
