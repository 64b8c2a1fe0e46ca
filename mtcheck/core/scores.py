"""Fluency and MT likelihood. Every weight the scores use is in this module.

Fluency (0-100) is subtractive: a sentence starts at 100 and each finding in it takes
off a fixed penalty for its severity, so more or severer findings never raise it.
The document's fluency is the mean of its sentences' scores, weighted by length.

MT likelihood (0-1) is a logistic model over rule evidence. Each rule has a weight in
log-odds: how strongly one occurrence says "machine translation". Occurrences saturate
(exp(-density)), measured per 250 words so a long human story is not condemned by
the odd slip, and a finding of lower severity counts for less.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from typing import Sequence

from mtcheck.models import Evidence, Finding, Fluency, SentenceFluency, Severity, Verdict
from mtcheck.core.segment import Document

SENTENCE_PENALTY = {Severity.info: 2.0, Severity.warning: 10.0, Severity.error: 25.0}
EVIDENCE_FACTOR = {Severity.info: 0.2, Severity.warning: 0.6, Severity.error: 1.0}
WORDS_PER_UNIT = 250
PRIOR_LOG_ODDS = -2.5
# Rules that fire in edited human translation at least as often as in MT (measured on
# WMT21 zh-en news: mixed quotes, unbalanced marks, "27th" dates) carry no weight: they
# are worth an editor's attention but are not evidence of machine translation.
RULE_WEIGHTS = {
    "calque.term": 3.5,
    "calque.phrase": 3.0,
    "repetition.coordinated": 3.0,
    "repetition.doubled-word": 1.5,
    "repetition.phrase": 1.0,
    "fragment.echo": 2.5,
    "fragment.lowercase-start": 2.5,
    "fragment.dangling-end": 1.0,
    "fragment.unbalanced": 0.0,
    "punctuation.space-before": 2.0,
    "punctuation.space-inside": 1.0,
    "punctuation.doubled": 0.8,
    "punctuation.full-width": 3.0,
    "punctuation.ideographic-space": 2.5,
    "punctuation.indent": 1.5,
    "punctuation.mixed-quotes": 0.0,
    "script.residue": 3.0,
    "script.not-english": 0.0,  # another language is not evidence of English MT
    "marker.end": 1.5,
    "marker.credit": 0.5,
    "marker.dateline": 4.0,
    "marker.ordinal-date": 1.5,
    "marker.date-suffix": 0.0,
}
DEFAULT_RULE_WEIGHT = 1.0  # rules from plugins without a weight here
# Verdict thresholds on MT likelihood: below POST_EDITED is human, from MACHINE up is machine.
POST_EDITED = 0.35
MACHINE = 0.7


def fluency(doc: Document, findings: Sequence[Finding]) -> Fluency:
    penalties = [0.0] * len(doc.sentences)
    counts = [0] * len(doc.sentences)
    for f in findings:
        if penalties:
            penalties[f.sentence] += SENTENCE_PENALTY[f.severity]
            counts[f.sentence] += 1
    sentences = []
    total = weighted = 0.0
    for s, pen, n in zip(doc.sentences, penalties, counts):
        score = max(0.0, 100.0 - pen)
        line, col = doc.position(s.start)
        sentences.append(SentenceFluency(index=s.index, start=s.start, end=s.end, line=line, column=col,
                                         paragraph=s.paragraph, score=score, findings=n))
        length = s.end - s.start
        total += length
        weighted += score * length
    return Fluency(score=round(weighted / total, 2) if total else 100.0, sentences=sentences)


def mt_likelihood(findings: Sequence[Finding], words: int) -> tuple[float, list[Evidence]]:
    mass: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        mass[f.rule] += EVIDENCE_FACTOR[f.severity]
        counts[f.rule] += 1
    units = max(1.0, words / WORDS_PER_UNIT)
    evidence = []
    for rule_id, m in mass.items():
        weight = RULE_WEIGHTS.get(rule_id, DEFAULT_RULE_WEIGHT)
        contribution = weight * (1.0 - math.exp(-m / units))
        if contribution > 0:
            evidence.append(Evidence(rule=rule_id, count=counts[rule_id], contribution=round(contribution, 3)))
    evidence.sort(key=lambda e: (-e.contribution, e.rule))
    log_odds = PRIOR_LOG_ODDS + sum(e.contribution for e in evidence)
    return round(1.0 / (1.0 + math.exp(-log_odds)), 4), evidence


def verdict(likelihood: float, post_edited: float = POST_EDITED, machine: float = MACHINE) -> Verdict:
    """The verdict for an MT likelihood; the thresholds can be calibrated (`mtcheck eval --calibrate`)."""
    if likelihood >= machine:
        return Verdict.machine
    if likelihood >= post_edited:
        return Verdict.post_edited
    return Verdict.human


def weights_digest() -> str:
    """Short hash of every weight above, for the report signature."""
    blob = repr((sorted(SENTENCE_PENALTY.items()), sorted(EVIDENCE_FACTOR.items()), WORDS_PER_UNIT,
                 PRIOR_LOG_ODDS, sorted(RULE_WEIGHTS.items()), DEFAULT_RULE_WEIGHT, POST_EDITED, MACHINE))
    return hashlib.sha256(blob.encode()).hexdigest()[:8]
