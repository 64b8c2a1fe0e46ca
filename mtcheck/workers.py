"""Worker processes that check documents in parallel: one pool for `report` and `eval`.

Each worker builds its one Checker from the run's `Options` (small and picklable) when it
starts, never per document, and exits when the process that started it is gone (a run
killed with SIGKILL cannot shut its pool down). Workers are spawned: nothing of the
parent's state is shared, so the same code runs on every platform.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from mtcheck.pipeline import Checker
    from mtcheck.policy.options import Options

T = TypeVar("T")
R = TypeVar("R")

_CHECKER: Checker | None = None


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and taskset limit):
    the default number of workers."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _start_worker(options: Options, parent_pid: int) -> None:
    global _CHECKER
    from mtcheck.pipeline import Checker

    _CHECKER = Checker(options)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(1)


def _run(work: Callable[[Checker, T], R], item: T) -> R:
    assert _CHECKER is not None, "worker not started"
    return work(_CHECKER, item)


class CheckerPool:
    """`jobs` worker processes, each with a Checker built from `options`. `work` passed to
    `submit` and `map` must be a module-level function (it is pickled by name)."""

    def __init__(self, options: Options, jobs: int):
        self.options, self.jobs = options, jobs
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(self.options, os.getpid()))

    def submit(self, work: Callable[[Checker, T], R], item: T) -> Future[R]:
        return self._pool.submit(_run, work, item)

    def restart(self) -> None:
        """A new pool after a worker died (every task in flight then fails with BrokenProcessPool)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()

    def map(self, work: Callable[[Checker, T], R], items: Iterable[T], window: int = 0) -> Iterator[R]:
        """`work` over `items`, results in input order, at most `window` (default 4 a worker)
        in flight: memory stays flat however many items there are."""
        window = window or self.jobs * 4
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(self.submit(work, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> CheckerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
