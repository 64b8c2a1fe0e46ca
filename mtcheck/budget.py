"""A time budget for work that may be cut short: `mtcheck serve` gives each request one.

Long work calls `checkpoint()` between its steps (a rule family, a fix round, a document of
many, a stage of an alignment). When the thread runs under a budget that is spent, or that
was cancelled because the request it serves was answered already, checkpoint() raises
OutOfTime and the work stops where it stands, instead of running on in a thread nobody
waits for. Every step between two checkpoints takes time linear in its input, so the work
stops soon after. Without a budget (the CLI), checkpoint() is a thread-local lookup.

    budget = Budget(30.0)
    with running(budget):        # in the thread doing the work
        checker.check(text)      # raises OutOfTime once budget.spent
    budget.cancel()              # from another thread: stop at the next checkpoint
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(Exception):
    """The work's budget is spent or was cancelled."""


class Budget:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def spent(self) -> bool:
        return self._cancelled.is_set() or time.monotonic() > self.deadline


_local = threading.local()


@contextmanager
def running(budget: Budget) -> Iterator[Budget]:
    """Run the body (in this thread) under `budget`."""
    previous = getattr(_local, "budget", None)
    _local.budget = budget
    try:
        yield budget
    finally:
        _local.budget = previous


def checkpoint() -> None:
    """Raise OutOfTime when this thread's budget is spent or cancelled."""
    budget = getattr(_local, "budget", None)
    if budget is not None and budget.spent:
        raise OutOfTime(f"over its time budget of {budget.seconds:g} seconds")
