"""The publication gate: whether one checked document fails, and why.

A document fails when it has a finding at or above `fail_on`, or its MT likelihood is
above `max_mt_likelihood`, or its fluency is below `min_fluency`. A document in the
baseline fails the thresholds only when it got worse than what was accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from mtcheck.models import DocumentReport, GateFailure, Severity

if TYPE_CHECKING:
    from mtcheck.policy.baseline import BaselineDocument
    from mtcheck.policy.config import Config

_EPSILON = 1e-9  # scores are floats recomputed from the same text: equal means equal

# Document-level "rules" for formats that need a rule id on everything they report.
GATE_RULES = {
    "gate.findings": "The document has findings at or above fail_on.",
    "gate.mt-likelihood": "The document's MT likelihood is above max_mt_likelihood.",
    "gate.fluency": "The document's fluency is below min_fluency.",
}


@dataclass(frozen=True)
class Gate:
    fail_on: str = "error"  # info | warning | error | never
    max_mt_likelihood: Optional[float] = None
    min_fluency: Optional[float] = None

    @classmethod
    def from_config(cls, config: Optional["Config"], fail_on: Optional[str] = None,
                    max_mt_likelihood: Optional[float] = None, min_fluency: Optional[float] = None) -> "Gate":
        """The config's gate with any command-line value (not None) put in its place."""
        base = cls() if config is None else cls(config.fail_on, config.max_mt_likelihood, config.min_fluency)
        return cls(
            fail_on if fail_on is not None else base.fail_on,
            max_mt_likelihood if max_mt_likelihood is not None else base.max_mt_likelihood,
            min_fluency if min_fluency is not None else base.min_fluency,
        )

    def failures(self, doc: DocumentReport, accepted: Optional["BaselineDocument"] = None) -> list[GateFailure]:
        """Why `doc` fails; empty when it passes."""
        reasons = []
        if self.fail_on != "never":
            rank = Severity(self.fail_on).rank
            n = sum(1 for f in doc.findings if f.severity.rank >= rank)
            if n:
                level = "" if self.fail_on == "info" else f" at {self.fail_on} or above"
                message = f"{n} finding{'s' if n != 1 else ''}{level}" + (" not in the baseline" if accepted else "")
                reasons.append(GateFailure(rule="gate.findings", message=message))
        likelihood = doc.provenance.mt_likelihood
        if self.max_mt_likelihood is not None and likelihood > self.max_mt_likelihood + _EPSILON:
            if accepted is None or likelihood > accepted.mt_likelihood + _EPSILON:
                message = f"MT likelihood {likelihood:.2f} is above {self.max_mt_likelihood:g}"
                reasons.append(GateFailure(rule="gate.mt-likelihood", message=message))
        fluency = doc.fluency.score
        if self.min_fluency is not None and fluency < self.min_fluency - _EPSILON:
            if accepted is None or fluency < accepted.fluency - _EPSILON:
                message = f"fluency {fluency:.1f} is below {self.min_fluency:g}"
                reasons.append(GateFailure(rule="gate.fluency", message=message))
        return reasons
