"""The publication gate: whether one checked document fails, and why. Decided here only.

A document fails when it has a finding at or above `fail_on`, or its MT likelihood is
above `max_mt_likelihood`, or its fluency is below `min_fluency`. A document in the
baseline fails the thresholds only when it got worse than what was accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mtcheck.models import Severity
from mtcheck.models.plain import Finding, GateFailure
from mtcheck.policy import FAIL_ON

if TYPE_CHECKING:
    from mtcheck.policy.baseline import BaselineDocument
    from mtcheck.policy.options import Options

__all__ = ["FAIL_ON", "GATE_RULES", "Gate"]

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
    max_mt_likelihood: float | None = None
    min_fluency: float | None = None

    @classmethod
    def from_options(cls, options: Options) -> Gate:
        return cls(options.fail_on, options.max_mt_likelihood, options.min_fluency)

    def describe(self) -> str:
        """What fails a document, in words; empty when nothing can."""
        parts = [f"a finding at or above {self.fail_on}"] if self.fail_on != "never" else []
        if self.max_mt_likelihood is not None:
            parts.append(f"MT likelihood above {self.max_mt_likelihood:g}")
        if self.min_fluency is not None:
            parts.append(f"fluency below {self.min_fluency:g}")
        return "; ".join(parts)

    def fails_on(self, severity: Severity) -> bool:
        """Whether one finding of this severity fails a document."""
        return self.fail_on != "never" and severity.rank >= Severity(self.fail_on).rank

    def failures(self, findings: Sequence[Finding], mt_likelihood: float | None, fluency: float,
                 accepted: BaselineDocument | None = None) -> list[GateFailure]:
        """Why a document with these findings and scores fails; empty when it passes."""
        reasons = []
        n = sum(1 for f in findings if self.fails_on(f.severity))
        if n:
            level = "" if self.fail_on == "info" else f" at {self.fail_on} or above"
            message = f"{n} finding{'s' if n != 1 else ''}{level}" + (" not in the baseline" if accepted else "")
            reasons.append(GateFailure(rule="gate.findings", message=message))
        # A document in the baseline fails a threshold only by getting worse than it was accepted at.
        # A document too short to judge has no likelihood to fail on.
        if (self.max_mt_likelihood is not None and mt_likelihood is not None
                and mt_likelihood > self.max_mt_likelihood + _EPSILON
                and (accepted is None or accepted.mt_likelihood is None
                     or mt_likelihood > accepted.mt_likelihood + _EPSILON)):
            message = f"MT likelihood {mt_likelihood:.2f} is above {self.max_mt_likelihood:g}"
            reasons.append(GateFailure(rule="gate.mt-likelihood", message=message))
        if (self.min_fluency is not None and fluency < self.min_fluency - _EPSILON
                and (accepted is None or fluency < accepted.fluency - _EPSILON)):
            message = f"fluency {fluency:.1f} is below {self.min_fluency:g}"
            reasons.append(GateFailure(rule="gate.fluency", message=message))
        return reasons
