"""Scores: fluency never rises with more or severer findings; MT likelihood is explained."""

import random

from mtcheck.core import scores
from mtcheck.core.rules import RULES, RawFinding
from mtcheck.core.segment import segment
from mtcheck.models import Severity, Verdict

from conftest import PLAIN

TEXT = " ".join([PLAIN] * 6)
DOC = segment(TEXT)


def finding(sentence, severity, rule="calque.phrase"):
    start = DOC.sentences[sentence].start
    return RawFinding(RULES[rule], start, start + 1, "m", None, severity)


def test_fluency_never_rises_with_more_or_severer_findings():
    doc = DOC
    rng = random.Random(3)
    findings = []
    previous = scores.fluency(doc, findings)
    assert previous.score == 100.0
    for _ in range(60):
        findings.append(finding(rng.randrange(len(doc.sentences)), rng.choice(list(Severity))))
        current = scores.fluency(doc, findings)
        assert current.score <= previous.score
        assert all(c.score <= p.score for c, p in zip(current.sentences, previous.sentences))
        previous = current
    findings += [finding(i, Severity.error) for i in range(len(doc.sentences)) for _ in range(4)]
    assert scores.fluency(doc, findings).score == 0.0  # saturates at zero, never negative
    for low, high in ((Severity.info, Severity.warning), (Severity.warning, Severity.error)):
        assert scores.fluency(doc, [finding(0, high)]).score < scores.fluency(doc, [finding(0, low)]).score


def test_mt_likelihood_rises_with_evidence_and_lists_it():
    none = scores.mt_likelihood([], 300)
    assert none.evidence == () and scores.verdict(none.value) == Verdict.human
    one = scores.mt_likelihood([finding(0, Severity.warning)], 300)
    many = scores.mt_likelihood([finding(0, Severity.error)] * 3 + [finding(1, Severity.error, "marker.dateline")]
                                + [finding(2, Severity.error, "repetition.coordinated")] * 2, 300)
    assert none.value < one.value < many.value <= 1.0
    assert {e.rule for e in many.evidence} == {"calque.phrase", "marker.dateline", "repetition.coordinated"}
    assert list(many.evidence) == sorted(many.evidence, key=lambda e: -e.contribution)
    assert scores.verdict(many.value) == Verdict.machine


def test_a_rule_without_weight_is_no_evidence():
    assert RULES["punctuation.mixed-quotes"].weight == 0
    likelihood = scores.mt_likelihood([finding(0, Severity.info, "punctuation.mixed-quotes")] * 5, 300)
    assert likelihood.evidence == () and likelihood.value == scores.mt_likelihood([], 300).value


def test_the_same_findings_weigh_less_in_a_longer_story():
    findings = [finding(0, Severity.warning)] * 2
    assert scores.mt_likelihood(findings, 5000).value < scores.mt_likelihood(findings, 200).value


def test_signature_changes_with_the_weights(monkeypatch):
    import dataclasses

    before = scores.weights_digest()
    monkeypatch.setitem(RULES, "calque.phrase", dataclasses.replace(RULES["calque.phrase"], weight=9.0))
    assert scores.weights_digest() != before
