"""The readable summary `mtcheck eval` prints, and the number formats eval.md shares."""

from __future__ import annotations

import math
from collections.abc import Sequence

from mtcheck.models.evaluate import Correlation, Estimate, EvalReport, RuleFigures, VerdictFigures


def num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1%}"


def estimate(e: Estimate, digits: int = 3) -> str:
    """'0.719 [0.662, 0.777]', or just the value when there is no interval."""
    if e.value is None:
        return "n/a"
    if e.low is None or e.high is None:
        return num(e.value, digits)
    return f"{num(e.value, digits)} [{num(e.low, digits)}, {num(e.high, digits)}]"


def verdict_reading(v: VerdictFigures) -> str:
    """'post-edited or machine -> MT'."""
    return f"{' or '.join(v.verdicts)} -> {'MT' if v.predicts == 'mt' else 'human'}"


def agreement(c: Correlation) -> str:
    """Whether fluency follows the human score, in words, with the sign convention."""
    direction = "a higher score is worse, so agreement is negative" if c.expected_sign < 0 else \
        "a higher score is better, so agreement is positive"
    tau = c.kendall_tau_b
    if tau.value is None:
        verdict = "undefined"
    elif tau.low is not None and tau.high is not None and tau.low <= 0 <= tau.high:
        verdict = "no clear relation (the interval holds 0)"
    else:
        verdict = "agrees" if tau.value * c.expected_sign > 0 else "disagrees"
    return f"{verdict}; {direction}"


def ratio(r: RuleFigures) -> str:
    return f"{r.likelihood_ratio:.2f} [{r.ratio_low:.2f}, {r.ratio_high:.2f}]"


def render_eval_text(report: EvalReport, written: Sequence[str] = ()) -> str:
    i, d, b = report.inputs, report.document, report.bootstrap
    out = [f"mtcheck eval: {i.path}: {i.documents:,} documents ({i.human:,} human, {i.mt:,} MT; {i.label_rule})",
           f"document level (MT positive; 95% intervals from {b.resamples:,} bootstrap resamples, {b.documents}, "
           f"seed {b.seed})",
           f"  ROC AUC of MT likelihood    {estimate(d.auc)}",
           f"  ROC AUC of -fluency         {estimate(d.auc_fluency)}"]
    if d.auc_score is not None:
        out.append(f"  ROC AUC of the score itself {estimate(d.auc_score)}  ({i.score}; scored documents only, for "
                   "scale)")
    if d.pairwise is not None:
        p = d.pairwise
        out.append(f"  pairwise accuracy by {i.group}: {estimate(p.likelihood)} by likelihood, {estimate(p.fluency)} "
                   "by "
                   f"fluency ({p.pairs:,} human/MT pairs in {p.groups:,} groups)")
    c = d.confusion
    out.append(f"  verdicts      {''.join(f'{col:>13}' for col in c.columns)}")
    for row, counts in zip(c.rows, c.counts):
        name = "human docs" if row == "human" else "MT docs"
        out.append(f"    {name:<11} {''.join(f'{n:>13,}' for n in counts)}")
    out.append(f"  {'verdict read as':<30} {'precision':<22} {'recall':<22} F1")
    for v in d.verdicts:
        out.append(f"    {verdict_reading(v):<28} {estimate(v.precision):<22} {estimate(v.recall):<22} "
                   f"{estimate(v.f1)}")
    reliability = d.reliability
    if reliability.expected_calibration_error is not None:
        out.append(f"  calibration: expected calibration error {reliability.expected_calibration_error:.3f} on "
                   f"{reliability.documents:,} judged documents ({reliability.weighting}; the reliability table is in "
                   "eval.md)")
    if d.correlation is not None:
        out.append(_correlation_line("fluency vs", d.correlation))
    s = report.segment
    if s is not None:
        out.append(f"segment level ({s.path}: {s.segments:,} segments, {s.matched:,} placed in their documents, "
                   f"{s.without_document:,} without a document, {s.not_found:,} not covered by a sentence; "
                   f"{s.documents_rechecked:,} documents rechecked from their segments)")
        if s.correlation is not None:
            out.append(_correlation_line("fluency vs", s.correlation))
    out.append("per rule: documents the rule fires in; likelihood ratio = MT rate / human rate (add-half smoothing), "
               "95% interval")
    out.append(f"  {'rule':<28} {'weight':>6} {'human':>13} {'MT':>14}  {'ratio [95%]':<22} evidence")
    for r in report.rules.rules:
        out.append(f"  {r.rule:<28} {r.weight:>6.1f} {r.human_docs:>5,} {pct(r.human_rate):>7} {r.mt_docs:>6,} "
                   f"{pct(r.mt_rate):>7}  {ratio(r):<22} {r.evidence}")
    lo, hi = report.rules.band
    names = ", ".join(report.rules.not_evidence) or "none"
    out.append(f"  not evidence (ratio within [{lo:g}, {hi:g}]): {names}")
    weighted_but_weak = [r.rule for r in report.rules.rules if r.weight > 0 and r.evidence in ("not evidence",
                                                                                               "against MT")]
    if weighted_but_weak:
        out.append(f"  weighted in the rule likelihood but not evidence for MT here: {', '.join(weighted_but_weak)}")
    if report.calibration is not None:
        out.extend(_calibration_lines(report))
    if report.errors:
        out.append(f"errors: {len(report.errors):,} malformed records or inputs left out (listed in eval.json)")
    if written:
        out.append(f"wrote {', '.join(written)}")
    seconds = report.seconds
    out.append(f"signature: {report.signature}; {seconds.get('total', 0):.1f} s "
               f"(checking {seconds.get('check', 0):.1f} s, statistics {seconds.get('statistics', 0):.1f} s)")
    return "\n".join(out) + "\n"


def _correlation_line(prefix: str, c: Correlation) -> str:
    return (f"  {prefix} {c.field} (n={c.n:,}): Kendall tau-b {estimate(c.kendall_tau_b)} (within length "
            f"quintiles {estimate(c.kendall_tau_b_within_length)}), Spearman rho {estimate(c.spearman_rho)}: "
            f"{agreement(c)}")


def _calibration_lines(report: EvalReport) -> list[str]:
    cal = report.calibration
    assert cal is not None
    out = [f"calibration for precision {cal.target_precision:g} (MT share assumed {cal.mt_share:.3g}; "
           f"the data's {cal.data_mt_share:.3g})"]
    for choice in (cal.machine, cal.post_edited):
        if choice.reached:
            out.append(f"  {choice.verdict:<12} {choice.threshold!r:<8} precision {num(choice.precision)}, recall "
                       f"{num(choice.recall)}, human documents flagged {pct(choice.false_alarm_rate)}  ({choice.rule})")
        else:
            out.append(f"  {choice.verdict:<12} not reached (best precision {num(choice.best_precision)})  "
                       f"({choice.rule})")
    out.extend(f"  note: {note}" for note in cal.notes)
    if not cal.reached:
        out.append("  no thresholds written")
    return out
