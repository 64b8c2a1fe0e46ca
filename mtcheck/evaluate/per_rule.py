"""Per-rule figures: how often each rule fires in human and in MT documents.

The likelihood ratio (MT rate / human rate) is the evidence a rule gives: a rule that
fires as often in human copy as in MT (ratio near 1) tells the two apart no better than
a coin and should not weigh in the MT likelihood.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from mtcheck.core.rules import RULES
from mtcheck.models.evaluate import RuleFigures, RuleTable

NEUTRAL_BAND = (0.8, 1.25)
Z_95 = 1.959964


def smoothed_rate(docs: int, total: int) -> float:
    """Add-half smoothing: a rule never seen in 51 documents is not 'never'."""
    return (docs + 0.5) / (total + 1)


def rule_figures(rule: str, human_docs: int, mt_docs: int, human_hits: int, mt_hits: int, n_human: int, n_mt: int,
                 band: tuple[float, float] = NEUTRAL_BAND) -> RuleFigures:
    ratio = smoothed_rate(mt_docs, n_mt) / smoothed_rate(human_docs, n_human)
    # Katz's log interval for a ratio of two proportions, on the smoothed counts.
    se = math.sqrt(1 / (mt_docs + 0.5) - 1 / (n_mt + 1) + 1 / (human_docs + 0.5) - 1 / (n_human + 1))
    low, high = ratio * math.exp(-Z_95 * se), ratio * math.exp(Z_95 * se)
    if human_docs == 0 and mt_docs == 0:
        evidence = "never fired"
    elif band[0] <= ratio <= band[1] and human_docs and mt_docs:
        evidence = "not evidence"
    elif (ratio > band[1] and low > 1) or (ratio < band[0] and high < 1):
        evidence = "for MT" if ratio > 1 else "against MT"
    else:  # its interval holds 1, and the ratio is outside the band or set by the smoothing of a zero count
        evidence = "uncertain"
    return RuleFigures(
        rule=rule, weight=RULES[rule].weight,
        human_docs=human_docs, mt_docs=mt_docs, human_hits=human_hits, mt_hits=mt_hits,
        human_rate=human_docs / n_human if n_human else None, mt_rate=mt_docs / n_mt if n_mt else None,
        likelihood_ratio=ratio, ratio_low=low, ratio_high=high,
        evidence=evidence,
    )


def rule_table(rules: Iterable[str], fired: Sequence[dict[str, int]], is_mt: Sequence[bool],
               band: tuple[float, float] = NEUTRAL_BAND) -> RuleTable:
    """`fired[i]` maps rule id -> findings in document i; every rule in `rules` gets a row."""
    n_mt = sum(is_mt)
    n_human = len(is_mt) - n_mt
    rows = []
    for rule in sorted(set(rules).union(*fired) if fired else set(rules)):
        docs = {True: 0, False: 0}
        hits = {True: 0, False: 0}
        for counts, mt in zip(fired, is_mt):
            found = counts.get(rule, 0)
            docs[mt] += found > 0
            hits[mt] += found
        rows.append(rule_figures(rule, docs[False], docs[True], hits[False], hits[True], n_human, n_mt, band))
    rows.sort(key=lambda r: (-r.likelihood_ratio, r.rule))
    return RuleTable(band=band, rules=rows, not_evidence=[r.rule for r in rows if r.evidence == "not evidence"])
