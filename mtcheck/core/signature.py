"""The signature: everything a report's numbers depend on, as sacrebleu gives its metrics.

Two reports with the same signature were made by the same version, reference pairs,
rules, weights and settings, so their numbers can be compared. `format()` gives the
one-line form every report carries, e.g.
`mtcheck:0.1.0|pairs:e2dd90de5f54|entries:654|rules:all|scores:41d4122e|langdetect:seed0`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    version: str
    pairs: str  # digest of the loaded reference-pair files
    extra_pairs: int  # pair sources given besides the shipped ones
    entries: int
    rules: str  # "all", or "NofM" rules enabled
    scores: str  # digest of the rule weights and fixed penalties
    model: str  # the provenance model: "learned@DIGEST", "rules@DIGEST" or "custom@DIGEST"
    langdetect_seed: int
    severities: str | None = None  # digest of severity overrides, when there are any
    verdict: tuple[float, float] | None = None  # verdict thresholds, when not the defaults
    references: str | None = None  # "SENTENCES@THRESHOLD" of a reference corpus
    extra: tuple[tuple[str, str], ...] = ()  # what an application adds: ("align", ...), ("fixes", ...)

    def extended(self, **fields: str) -> Signature:
        """This signature with application fields added after the others."""
        return dataclasses.replace(self, extra=self.extra + tuple(fields.items()))

    def format(self) -> str:
        pairs = self.pairs + (f"+{self.extra_pairs}" if self.extra_pairs else "")
        parts = [f"mtcheck:{self.version}", f"pairs:{pairs}", f"entries:{self.entries}", f"rules:{self.rules}",
                 f"scores:{self.scores}", f"model:{self.model}", f"langdetect:seed{self.langdetect_seed}"]
        if self.severities is not None:
            parts.append(f"severities:{self.severities}")
        if self.verdict is not None:
            parts.append("verdict:{:g},{:g}".format(*self.verdict))
        if self.references is not None:
            parts.append(f"references:{self.references}")
        parts.extend(f"{key}:{value}" for key, value in self.extra)
        return "|".join(parts)

    def __str__(self) -> str:
        return self.format()
