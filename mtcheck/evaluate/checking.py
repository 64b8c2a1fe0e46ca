"""Check many texts for an evaluation: on every core, with a progress bar on a terminal.

Workers (mtcheck.workers) build their Checker once and send back only what the
evaluation needs, never the whole report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from mtcheck.pipeline import Checker
from mtcheck.progress import progress
from mtcheck.workers import CheckerPool, available_cores

# Below this many texts a pool costs more (start-up, a Checker per worker) than it saves.
MIN_TEXTS_FOR_POOL = 200


# What a document too short to judge counts as in the figures: it is ranked with neither class.
NO_OPINION = 0.5


@dataclass(frozen=True)
class Checked:
    """What an evaluation keeps of one report."""

    likelihood: float  # 0.5 (no opinion either way) for a document too short to judge
    verdict: str
    fluency: float
    rules: dict[str, int]  # rule id -> findings
    sentences: tuple[tuple[int, int, float], ...]  # (start, end, fluency score)
    words: int = 0
    pairs: dict[str, int] = field(default_factory=dict)  # reference-pair entry (file:line) -> findings


def summarise(checker: Checker, text: str) -> Checked:
    report = checker.check(text)
    return Checked(
        likelihood=report.provenance.mt_likelihood if report.provenance.mt_likelihood is not None else NO_OPINION,
        verdict=report.provenance.verdict.value,
        fluency=report.fluency.score,
        rules=dict(Counter(f.rule for f in report.findings)),
        sentences=tuple((s.start, s.end, s.score) for s in report.fluency.sentences),
        words=len(text.split()),
        pairs=dict(Counter(f.pair for f in report.findings if f.pair is not None)),
    )


def check_texts(checker: Checker, texts: Sequence[str], jobs: int = 0, desc: str = "checking",
                quiet: bool = False) -> list[Checked]:
    """Summaries of `texts`, in order, on `jobs` processes (0: one per core), each with a
    checker built from `checker.options`."""
    jobs = jobs or available_cores()
    if jobs == 1 or len(texts) < MIN_TEXTS_FOR_POOL:
        return [summarise(checker, t) for t in progress(texts, total=len(texts), desc=desc, quiet=quiet)]
    with CheckerPool(checker.options, jobs) as pool:
        results = pool.map(summarise, texts, window=jobs * 32)
        return list(progress(results, total=len(texts), desc=desc, quiet=quiet))
