"""Check many texts for an evaluation: on every core, with a progress bar on a terminal.

Workers build their Checker once (a forked worker inherits the parent's) and send back
only what the evaluation needs, never the whole report.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from mtcheck.batch.engines import available_cores
from mtcheck.checker import Checker
from mtcheck.progress import progress

# Below this many texts a pool costs more (start-up, a Checker per worker) than it saves.
MIN_TEXTS_FOR_POOL = 200


@dataclass(frozen=True)
class Checked:
    """What an evaluation keeps of one report."""

    likelihood: float
    verdict: str
    fluency: float
    rules: dict[str, int]  # rule id -> findings
    sentences: tuple[tuple[int, int, float], ...]  # (start, end, fluency score)


def summarise(checker: Checker, text: str) -> Checked:
    report = checker.check(text)
    return Checked(
        likelihood=report.provenance.mt_likelihood,
        verdict=report.provenance.verdict.value,
        fluency=report.fluency.score,
        rules=dict(Counter(f.rule for f in report.findings)),
        sentences=tuple((s.start, s.end, s.score) for s in report.fluency.sentences),
    )


_worker_checker: Optional[Checker] = None


def _init_worker(build: Callable[[], Checker]) -> None:
    global _worker_checker
    if _worker_checker is None:  # not inherited from a forking parent
        _worker_checker = build()


def _check_in_worker(text: str) -> Checked:
    assert _worker_checker is not None
    return summarise(_worker_checker, text)


def check_texts(checker: Checker, build: Callable[[], Checker], texts: Sequence[str], jobs: int = 0,
                desc: str = "checking", quiet: bool = False) -> list[Checked]:
    """Summaries of `texts`, in order. `build` makes the same Checker again, for a worker
    that does not inherit `checker` (it must pickle: a class or functools.partial);
    `jobs` 0 means one process per core."""
    global _worker_checker
    jobs = jobs or available_cores()
    if jobs == 1 or len(texts) < MIN_TEXTS_FOR_POOL:
        return [summarise(checker, t) for t in progress(texts, total=len(texts), desc=desc, quiet=quiet)]
    _worker_checker = checker
    chunk = max(1, min(32, len(texts) // (jobs * 8)))
    try:
        with multiprocessing.get_context(_start_method()).Pool(jobs, _init_worker, (build,)) as pool:
            results = pool.imap(_check_in_worker, texts, chunksize=chunk)
            return list(progress(results, total=len(texts), desc=desc, quiet=quiet))
    finally:
        _worker_checker = None


def _start_method() -> str:
    # fork shares the built Checker with every worker at no cost; elsewhere each builds its own.
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
