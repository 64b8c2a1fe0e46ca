"""Scores: fluency never rises with more or severer findings; MT likelihood is explained."""

import random

from conftest import PLAIN
from mtcheck.core import scores
from mtcheck.models import Finding, Severity, Verdict
from mtcheck.core.segment import segment

TEXT = " ".join([PLAIN] * 6)


def finding(sentence, severity, rule="calque.phrase"):
    return Finding(rule=rule, category=rule.split(".")[0], severity=severity, start=0, end=1, line=1, column=1,
                   end_line=1, end_column=2, text="x", message="m", sentence=sentence)


def test_fluency_never_rises_with_more_or_severer_findings():
    doc = segment(TEXT)
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
    none, evidence = scores.mt_likelihood([], 300)
    assert evidence == [] and scores.verdict(none) == Verdict.human
    one, _ = scores.mt_likelihood([finding(0, Severity.warning)], 300)
    many, evidence = scores.mt_likelihood([finding(0, Severity.error)] * 3 + [finding(1, Severity.error, "marker.dateline")], 300)
    assert none < one < many <= 1.0
    assert {e.rule for e in evidence} == {"calque.phrase", "marker.dateline"}
    assert evidence == sorted(evidence, key=lambda e: -e.contribution)
    assert scores.verdict(many) == Verdict.machine


def test_the_same_findings_weigh_less_in_a_longer_story():
    findings = [finding(0, Severity.warning)] * 2
    short, _ = scores.mt_likelihood(findings, 200)
    long, _ = scores.mt_likelihood(findings, 5000)
    assert long < short


def test_signature_changes_with_the_weights(monkeypatch):
    before = scores.weights_digest()
    monkeypatch.setitem(scores.RULE_WEIGHTS, "calque.phrase", 9.0)
    assert scores.weights_digest() != before
