"""Two versions of a story compared: aligned sentence groups, scores, word edits, and
what editing did to the draft's machine-translation findings.

read -> check both (the pipeline) -> align sentences -> per group: scores, edits, findings
-> AlignReport. Sentences are aligned and compared on the text the rules see; every span
in the report is placed in the file (for markup input, the original file), as `check` does.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sacrebleu
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from mtcheck.align.dp import AlignSettings, Link, align_sentences
from mtcheck.align.metrics import Metrics
from mtcheck.budget import checkpoint
from mtcheck.core.segment import Document
from mtcheck.models import DocumentReport, Finding
from mtcheck.models.align import (
    AlignedGroup,
    AlignReport,
    CorpusScores,
    EditingSummary,
    FindingChange,
    FindingStatus,
    GroupStatus,
    SentenceCounts,
    SentenceScores,
    SideSpan,
    VersionSummary,
    WordEdit,
)
from mtcheck.pipeline import Checker, prepare
from mtcheck.read import Source, TextMap

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
# A draft finding "remains" when the reference has one of the same rule in the same
# group whose flagged text is at least this similar (0-100).
SAME_FINDING = 70


class AlignInputError(ValueError):
    """A version that cannot be aligned (no sentences)."""


@dataclass
class _Side:
    name: str
    text: str  # the text that was checked (extracted from markup, directive lines out)
    doc: Document
    report: DocumentReport  # offsets into the file
    to_file: TextMap | None  # extracted text -> file; None when they are the same
    by_start: list[Finding] = field(init=False)  # the report's findings in file order
    finding_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_start = sorted(self.report.findings, key=lambda f: f.start)
        self.finding_starts = [f.start for f in self.by_start]

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Characters of sentences [first, last) of the checked text; for none, where they would stand."""
        sentences = self.doc.sentences
        if last > first:
            return sentences[first].start, sentences[last - 1].end
        at = sentences[first].start if first < len(sentences) else (sentences[-1].end if sentences else 0)
        return at, at

    def in_file(self, start: int, end: int) -> tuple[int, int]:
        """A span of the checked text placed in the file (an empty span stays empty)."""
        if self.to_file is None:
            return start, end
        placed = self.to_file.to_original(start)
        return placed, (self.to_file.to_original_end(end) if end > start else placed)


class Aligner:
    """Built once (checker, metrics, settings); aligns any number of version pairs."""

    def __init__(self, checker: Checker | None = None, settings: AlignSettings = AlignSettings()):
        self.checker = checker or Checker()
        self.settings = settings
        self.metrics = Metrics()
        self.signature = self.checker.signature.extended(
            align=settings.describe(), sacrebleu=sacrebleu.__version__).format()

    def align_texts(self, draft: str, reference: str, draft_name: str = "draft",
                    reference_name: str = "reference") -> AlignReport:
        return self.align(Source(draft_name, draft), Source(reference_name, reference))

    def align(self, draft: Source, reference: Source) -> AlignReport:
        a, b = self._side(draft), self._side(reference)
        links = align_sentences([a.text[s.start:s.end] for s in a.doc.sentences],
                                [b.text[s.start:s.end] for s in b.doc.sentences], self.settings)
        spans = [(a.span(*link.draft), b.span(*link.reference)) for link in links]
        checkpoint()
        sentence_scores, corpus = self.metrics.score([a.text[da[0]:da[1]] for da, _ in spans],
                                                     [b.text[db[0]:db[1]] for _, db in spans])
        groups = [self._group(k, link, a, b, da, db, score)
                  for k, (link, (da, db), score) in enumerate(zip(links, spans, sentence_scores))]
        return AlignReport(
            draft=_summary(a), reference=_summary(b), groups=groups,
            operations=dict(Counter(g.operation for g in groups)),
            sentences=_sentence_counts(groups, len(a.doc.sentences), len(b.doc.sentences)),
            scores=CorpusScores(bleu=corpus.bleu, chrf=corpus.chrf, ter=corpus.ter,
                                signatures=self.metrics.signatures()),
            editing=_editing(groups),
            signature=self.signature,
        )

    def _side(self, source: Source) -> _Side:
        checked = prepare(source)
        # The sentences aligned are the ones the check segmented: not segmented a second time.
        report, analysis = self.checker.check_analysed(checked)
        doc = analysis.document
        if not doc.sentences:
            raise AlignInputError(f"{source.name}: no sentences to align")
        checkpoint()
        to_file = checked.extraction.offsets if checked.extraction is not None else None
        return _Side(source.name, checked.text, doc, report, to_file)

    def _group(self, index: int, link: Link, a: _Side, b: _Side, da: tuple[int, int], db: tuple[int, int],
               score: Any | None) -> AlignedGroup:
        draft_text, reference_text = a.text[da[0]:da[1]], b.text[db[0]:db[1]]
        edits = _word_edits(draft_text, da[0], reference_text, db[0], a, b)
        if not reference_text:
            status = GroupStatus.dropped
        elif not draft_text:
            status = GroupStatus.added
        else:
            status = GroupStatus.kept if not edits else GroupStatus.edited
        fa, fb = a.in_file(*da), b.in_file(*db)
        return AlignedGroup(
            index=index, operation=link.operation, status=status,
            draft=SideSpan(sentences=list(range(*link.draft)), start=fa[0], end=fa[1], text=draft_text),
            reference=SideSpan(sentences=list(range(*link.reference)), start=fb[0], end=fb[1], text=reference_text),
            similarity=round(100 * link.similarity, 2), edits=edits,
            scores=SentenceScores(bleu=score.bleu, chrf=score.chrf, ter=score.ter) if score is not None else None,
            findings=_finding_changes(a, fa, b, fb, status),
        )


def _word_edits(draft: str, draft_at: int, reference: str, reference_at: int, a: _Side, b: _Side) -> list[WordEdit]:
    if draft == reference:  # a sentence kept as it was (most of them, in an edit)
        return []
    ta, tb = list(_TOKEN.finditer(draft)), list(_TOKEN.finditer(reference))
    if not ta or not tb:
        return []
    edits = []
    # Only the edits' ends are looked up in the matches: most words are equal.
    for op in Levenshtein.opcodes([t.group() for t in ta], [t.group() for t in tb]):
        if op.tag == "equal":
            continue
        a0 = ta[op.src_start].start() if op.src_start < len(ta) else len(draft)
        a1 = ta[op.src_end - 1].end() if op.src_end > op.src_start else a0
        b0 = tb[op.dest_start].start() if op.dest_start < len(tb) else len(reference)
        b1 = tb[op.dest_end - 1].end() if op.dest_end > op.dest_start else b0
        (da0, da1), (db0, db1) = a.in_file(draft_at + a0, draft_at + a1), b.in_file(reference_at + b0,
                                                                                    reference_at + b1)
        edits.append(WordEdit(op=op.tag, draft_start=da0, draft_end=da1, reference_start=db0, reference_end=db1,
                              draft_text=draft[a0:a1], reference_text=reference[b0:b1]))
    return edits


def _starting_in(findings: list[Finding], starts: list[int], span: tuple[int, int]) -> list[Finding]:
    """The findings (sorted by start; `starts` their starts) that start inside `span`: a
    bisection, not a pass over every finding for every group."""
    start, end = span
    if end <= start:
        return []
    return findings[bisect_left(starts, start):bisect_left(starts, end)]


def _finding_changes(a: _Side, da: tuple[int, int], b: _Side, db: tuple[int, int],
                     status: GroupStatus) -> list[FindingChange]:
    mine = _starting_in(a.by_start, a.finding_starts, da)
    theirs = _starting_in(b.by_start, b.finding_starts, db)
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


def _change(state: FindingStatus, draft: Finding | None, reference: Finding | None) -> FindingChange:
    f = draft or reference
    assert f is not None, "a change has a draft finding, a reference finding or both"
    return FindingChange(
        status=state, rule=f.rule, category=f.category, severity=f.severity, message=f.message, suggestion=f.suggestion,
        draft_start=draft.start if draft else None, draft_end=draft.end if draft else None,
        draft_text=draft.text if draft else None,
        reference_start=reference.start if reference else None, reference_end=reference.end if reference else None,
        reference_text=reference.text if reference else None,
    )


def _summary(side: _Side) -> VersionSummary:
    r = side.report
    return VersionSummary(source=side.name, characters=len(side.text), sentences=len(side.doc.sentences),
                          findings=len(r.findings), mt_likelihood=r.provenance.mt_likelihood,
                          verdict=r.provenance.verdict, fluency=r.fluency.score)


def _sentence_counts(groups: list[AlignedGroup], n_draft: int, n_reference: int) -> SentenceCounts:
    counts: Counter[str] = Counter()
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
