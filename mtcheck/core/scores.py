"""Scores of a document: fluency, MT likelihood, verdict and the evidence behind them.

A scorer turns an `Analysis` into `Scores`. Two kinds exist: the learned provenance
model (`mtcheck.core.model.scorer`, the default), and `RuleScorer` here, which reads the
rules' findings only:

Fluency (0-100) is subtractive: a sentence starts at 100 and each finding in it takes
off a fixed penalty for its severity, so more or severer findings never raise it.
The document's fluency is the mean of its sentences' scores, weighted by length.

MT likelihood (0-1) is a logistic model over rule evidence. Each rule declares its
weight in log-odds (`Rule.weight`): how strongly one occurrence says "machine
translation". Occurrences saturate (exp(-density)), measured per 250 words so a long
human story is not condemned by the odd slip, and a finding of lower severity counts
for less. Scores use the rules' own severities: a newsroom's severity overrides change
what is reported and gated on, not the numbers, so likelihoods stay comparable.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from mtcheck.core.packed import PackedRows
from mtcheck.core.rules import RULES, RawFinding, all_rules
from mtcheck.core.segment import Document
from mtcheck.models.enums import Severity, Verdict

if TYPE_CHECKING:
    from mtcheck.core.analysis import Analysis

SENTENCE_PENALTY = {Severity.info: 2.0, Severity.warning: 10.0, Severity.error: 25.0}
EVIDENCE_FACTOR = {Severity.info: 0.2, Severity.warning: 0.6, Severity.error: 1.0}
WORDS_PER_UNIT = 250
PRIOR_LOG_ODDS = -2.5
# Verdict thresholds on MT likelihood: below POST_EDITED is human, from MACHINE up is machine.
POST_EDITED = 0.35
MACHINE = 0.7


@dataclass(frozen=True, slots=True)
class SentenceScore:
    index: int
    score: float
    findings: int  # findings starting in the sentence


class SentenceScores(PackedRows[SentenceScore]):
    """Every sentence's score in order, held as arrays; a `SentenceScore` is made when one is
    read (as objects, a document of 450,000 short sentences took some 55 MB for them)."""

    __slots__ = ("findings", "scores")

    def __init__(self, scores: Sequence[float], findings: Sequence[int]):
        self.scores, self.findings = array("d", scores), array("Q", findings)

    def __len__(self) -> int:
        return len(self.scores)

    def _row(self, i: int) -> SentenceScore:
        return SentenceScore(i, self.scores[i], self.findings[i])

    def __iter__(self) -> Iterator[SentenceScore]:
        for i, (score, findings) in enumerate(zip(self.scores, self.findings)):
            yield SentenceScore(i, score, findings)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SentenceScores):
            return NotImplemented
        return self.scores == other.scores and self.findings == other.findings

    def __hash__(self) -> int:
        return hash((self.scores.tobytes(), self.findings.tobytes()))


@dataclass(frozen=True, slots=True)
class FluencyScore:
    score: float
    sentences: SentenceScores


@dataclass(frozen=True, slots=True)
class RuleEvidence:
    """One rule's share of the MT likelihood, in log-odds."""

    rule: str
    count: int
    contribution: float


@dataclass(frozen=True, slots=True)
class Likelihood:
    value: float
    evidence: tuple[RuleEvidence, ...]  # largest contribution first


def fluency(doc: Document, findings: Sequence[RawFinding]) -> FluencyScore:
    penalties = [0.0] * len(doc.sentences)
    counts = [0] * len(doc.sentences)
    if doc.sentences:
        for f in findings:
            k = doc.sentence_at(f.start)
            penalties[k] += SENTENCE_PENALTY[f.severity]
            counts[k] += 1
    scores = []
    total = weighted = 0.0
    for start, end, pen in zip(doc.sentences.starts, doc.sentences.ends, penalties):
        score = max(0.0, 100.0 - pen)
        scores.append(score)
        length = end - start
        total += length
        weighted += score * length
    return FluencyScore(round(weighted / total, 2) if total else 100.0, SentenceScores(scores, counts))


def mt_likelihood(findings: Sequence[RawFinding], words: int) -> Likelihood:
    mass: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    weights: dict[str, float] = {}
    for f in findings:
        mass[f.rule.id] += EVIDENCE_FACTOR[f.severity]
        counts[f.rule.id] += 1
        weights[f.rule.id] = f.rule.weight
    units = max(1.0, words / WORDS_PER_UNIT)
    evidence = []
    for rule_id, m in mass.items():
        contribution = weights[rule_id] * (1.0 - math.exp(-m / units))
        if contribution > 0:
            evidence.append(RuleEvidence(rule_id, counts[rule_id], round(contribution, 3)))
    evidence.sort(key=lambda e: (-e.contribution, e.rule))
    log_odds = PRIOR_LOG_ODDS + sum(e.contribution for e in evidence)
    return Likelihood(round(1.0 / (1.0 + math.exp(-log_odds)), 4), tuple(evidence))


def verdict(likelihood: float, post_edited: float = POST_EDITED, machine: float = MACHINE) -> Verdict:
    """The verdict for an MT likelihood; the thresholds can be calibrated (`mtcheck eval --calibrate`)."""
    if likelihood >= machine:
        return Verdict.machine
    if likelihood >= post_edited:
        return Verdict.post_edited
    return Verdict.human


def weights_digest() -> str:
    """Short hash of every number the scores use, the rules' weights included, for the signature."""
    blob = repr((sorted(SENTENCE_PENALTY.items()), sorted(EVIDENCE_FACTOR.items()), WORDS_PER_UNIT, PRIOR_LOG_ODDS,
                 sorted((r.id, r.weight) for r in all_rules()), POST_EDITED, MACHINE))
    return hashlib.sha256(blob.encode()).hexdigest()[:8]


# -- what a scorer gives --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One reason the likelihood moved: a rule's findings, or a group of style features."""

    kind: Literal["rule", "style"]
    feature: str  # the rule id, or the feature group
    description: str  # in an editor's words
    contribution: float  # log-odds, signed
    count: int | None = None  # findings, for a rule


@dataclass(frozen=True, slots=True)
class Scores:
    likelihood: float | None  # calibrated P(MT); None when the document is too short to judge or not English
    verdict: Verdict
    evidence: tuple[EvidenceItem, ...]  # largest first, either way
    fluency: FluencyScore
    sentence_mt: tuple[float, ...] | None = None  # P(MT) of each sentence, when the scorer has it


def in_another_language(analysis: Analysis) -> Scores:
    """The scores of a document in another language: no likelihood and no evidence. Every
    scorer reads English (its style, its calques), so on other text its figure would be noise
    (a German story read as English style scored 0.97), and another language is no evidence
    of English MT either."""
    return Scores(None, Verdict.not_english, (), fluency(analysis.document, analysis.findings))


class Scorer(Protocol):
    name: str  # what reports and signatures call it
    digest: str  # changes whenever its numbers would

    @property
    def thresholds(self) -> tuple[float, float]: ...  # its own (post_edited, machine)

    def score(self, analysis: Analysis, thresholds: tuple[float, float] | None) -> Scores: ...


class RuleScorer:
    """The MT likelihood from rule weights alone, and fixed-penalty fluency: the transparent
    baseline (`model = "rules"`), measured beside the learned model in `mtcheck eval`."""

    name = "rules"
    thresholds = (POST_EDITED, MACHINE)

    def __init__(self) -> None:
        self.digest = weights_digest()

    def expect(self, words: int) -> None:
        """(Nothing to prepare: see `LearnedScorer.expect`.)"""

    def score(self, analysis: Analysis, thresholds: tuple[float, float] | None) -> Scores:
        likelihood = mt_likelihood(analysis.findings, analysis.words)
        post_edited, machine = thresholds or (POST_EDITED, MACHINE)
        evidence = tuple(
            EvidenceItem("rule", e.rule, f"{_findings(e.count)} {RULES[e.rule].message}" if e.rule in RULES
                         else f"{_findings(e.count)} of {e.rule}", e.contribution, e.count)
            for e in likelihood.evidence)
        return Scores(likelihood.value, verdict(likelihood.value, post_edited, machine), evidence,
                      fluency(analysis.document, analysis.findings))


def _findings(n: int) -> str:
    return f"{n} finding{'s' if n != 1 else ''}:"
