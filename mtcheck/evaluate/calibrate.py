"""Verdict thresholds that reach a target precision on labelled data.

machine: the lowest MT likelihood at which the precision for MT (the share of flagged
documents that are MT) reaches the target P: the most MT caught at that precision.
post_edited: the same rule with a lower target Q, by default half-way from the MT
share (the precision of flagging everything) to P: a softer flag that still does half
as well as the machine verdict over guessing. Q <= P, so post_edited <= machine.

Precision depends on how much of the copy is MT. Labelled sets are often mostly MT
(WMT: 96%), where every threshold is "precise"; `mt_share` computes precision for the
share in the newsroom's own copy from the true- and false-positive rates instead.
"""

from __future__ import annotations

import json
import math

import numpy as np

from mtcheck.evaluate.stats import RocPoints
from mtcheck.models.evaluate import Calibration, ThresholdChoice

RULE = "the lowest MT likelihood at which the precision for MT reaches {p:g}"
POST_EDITED_DEFAULT = " (half-way from the MT share {share:.3g} to the target {target:g})"


def precision_at(points: RocPoints, mt_share: float) -> np.ndarray:
    """Precision for MT at each threshold, for copy of which `mt_share` is MT."""
    tpr = points.true_positives / points.positives
    fpr = points.false_positives / points.negatives
    flagged = mt_share * tpr + (1 - mt_share) * fpr
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(flagged > 0, mt_share * tpr / flagged, np.nan)


def choose(points: RocPoints, target: float, mt_share: float, verdict: str, rule: str) -> ThresholdChoice:
    precision = precision_at(points, mt_share)
    reached = np.flatnonzero((points.true_positives > 0) & (precision >= target - 1e-12))
    if not len(reached):
        best = float(np.nanmax(precision)) if np.isfinite(precision).any() else None
        return ThresholdChoice(verdict=verdict, rule=rule, target_precision=target, reached=False, threshold=None,
                               precision=None, recall=None, false_alarm_rate=None, best_precision=best)
    i = int(reached[-1])  # thresholds descend: the last that reaches the target is the lowest
    return ThresholdChoice(
        verdict=verdict, rule=rule, target_precision=target, reached=True, threshold=float(points.thresholds[i]),
        precision=float(precision[i]), recall=float(points.true_positives[i] / points.positives),
        false_alarm_rate=float(points.false_positives[i] / points.negatives),
    )


def calibrate(points: RocPoints, target: float, mt_share: float | None = None,
              post_edited_precision: float | None = None) -> Calibration:
    """Both thresholds and notes on how far to trust them (the snippet is added by `snippet`)."""
    total = points.positives + points.negatives
    data_share = points.positives / total if total else math.nan
    share = data_share if mt_share is None else mt_share
    notes = []
    if points.negatives == 0 or points.positives == 0:
        missing = "human" if points.negatives == 0 else "MT"
        notes.append(f"no {missing} documents: precision cannot be measured, no threshold is chosen")
        unreached = ThresholdChoice(verdict="machine", rule=RULE.format(p=target), target_precision=target,
                                    reached=False, threshold=None, precision=None, recall=None, false_alarm_rate=None)
        return Calibration(target_precision=target, mt_share=share, data_mt_share=data_share, machine=unreached,
                           post_edited=unreached.model_copy(update={"verdict": "post_edited"}), reached=False,
                           notes=notes, snippet="")
    informative = target > share
    if not informative:
        notes.append(f"the target precision {target:g} is at or below the MT share {share:.3g}: flagging every "
                     f"document reaches it, so no thresholds are written; give --mt-share with the share of MT in "
                     f"your own copy, or a higher target")
    if post_edited_precision is None:
        soft = share + (target - share) / 2 if informative else target
        soft_rule = RULE.format(p=round(soft, 4))
        if informative:
            soft_rule += POST_EDITED_DEFAULT.format(share=share, target=target)
    else:
        soft = min(post_edited_precision, target)
        soft_rule = RULE.format(p=soft)
    machine = choose(points, target, share, "machine", RULE.format(p=target))
    post_edited = choose(points, soft, share, "post_edited", soft_rule)
    if not machine.reached:
        best = "n/a" if machine.best_precision is None else f"{machine.best_precision:.3f}"
        notes.append(f"precision {target:g} is not reached at any threshold (best {best}); no thresholds are written")
    if machine.reached and machine.false_alarm_rate == 0 and machine.recall is not None:
        # Rule of three: with none of n flagged, a rate up to 3/n is within the 95% interval.
        bound = min(1.0, 3 / points.negatives)
        worst = share * machine.recall / (share * machine.recall + (1 - share) * bound)
        notes.append(f"no human document is flagged at the machine threshold, but with {points.negatives} human "
                     f"documents a false-alarm rate up to {bound:.1%} cannot be ruled out (95%, rule of three): "
                     f"precision could be as low as {worst:.3f}")
    elif points.negatives < 30:
        notes.append(f"only {points.negatives} human documents: the false-alarm rate behind every precision is coarse")
    return Calibration(target_precision=target, mt_share=share, data_mt_share=data_share, machine=machine,
                       post_edited=post_edited, reached=machine.reached and informative, notes=notes, snippet="")


def snippet(calibration: Calibration, source: str, documents: int, signature: str, model: str | None = None) -> str:
    """The calibration.toml text: a [tool.mtcheck.verdict] table `check` and `report` read.

    Thresholds belong to the model whose likelihoods they cut, so a model other than the shipped one
    is named in the snippet too."""
    lines = [f"# written by mtcheck eval --calibrate --target-precision {calibration.target_precision:g} on {source} "
             f"(n={documents}, signature {signature})",
             f"# precision computed for copy of which {calibration.mt_share:.3g} is MT "
             f"(the data: {calibration.data_mt_share:.3g})"]
    for choice in (calibration.post_edited, calibration.machine):
        if choice.reached:
            lines.append(f"# {choice.verdict}: {choice.rule}: precision {choice.precision:.3f}, recall "
                         f"{choice.recall:.3f}, "
                         f"human documents flagged {choice.false_alarm_rate:.1%}")
    lines.extend(f"# note: {note}" for note in calibration.notes)
    if calibration.reached:
        lines.append("# in mtcheck.toml, leave out the 'tool.mtcheck' prefix")
        if model is not None:
            lines += ["[tool.mtcheck]", f"model = {_toml_string(model)}", ""]
        lines += ["[tool.mtcheck.verdict]",
                  f"post_edited = {calibration.post_edited.threshold!r}",
                  f"machine = {calibration.machine.threshold!r}"]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's for these characters."""
    return json.dumps(text, ensure_ascii=False)
