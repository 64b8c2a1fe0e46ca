"""Engines run `check_document` for the report, behind one small interface.

    engine.submit(task)      # hand over one document
    engine.wait()            # block until some are done; their Outcomes
    engine.in_flight         # submitted, not yet returned
    engine.close()

The run keeps at most `window` tasks in flight, so memory stays flat however large the
archive. Every engine builds the Checker once per worker process, from the run's
`Options` (the same pairs, rules, severities, thresholds and gate), never per document.

- `inline`: the calling process (--jobs 1).
- `local`: a process pool on this machine (--jobs N).
- `dask`: a dask.distributed cluster (--engine dask --scheduler ADDRESS).
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from mtcheck import __version__
from mtcheck.batch.work import Outcome, Task, check_document
from mtcheck.workers import CheckerPool

if TYPE_CHECKING:
    from mtcheck.pipeline import Checker
    from mtcheck.policy.options import Options

# A document that kills its worker (a crash, the OOM killer) is tried this many times in all.
ATTEMPTS = 2


class EngineError(Exception):
    """The engine cannot start (no Dask, no scheduler): one line."""


class Engine:
    name = "engine"

    def __init__(self, window: int):
        self.window = window

    @property
    def in_flight(self) -> int:
        raise NotImplementedError

    def submit(self, task: Task) -> None:
        raise NotImplementedError

    def wait(self) -> list[Outcome]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class InlineEngine(Engine):
    """Checks each document as it is submitted, in this process."""

    name = "inline"

    def __init__(self, checker: Checker):
        super().__init__(window=1)
        self.checker = checker
        self._done: list[Outcome] = []

    @property
    def in_flight(self) -> int:
        return len(self._done)

    def submit(self, task: Task) -> None:
        self._done.append(check_document(self.checker, task))

    def wait(self) -> list[Outcome]:
        done, self._done = self._done, []
        return done


# -- local process pool -----------------------------------------------------------------


class PoolEngine(Engine):
    """A pool of `jobs` worker processes (mtcheck.workers)."""

    name = "local"

    def __init__(self, options: Options, jobs: int):
        super().__init__(window=jobs * 4)
        self._pool = CheckerPool(options, jobs)
        self._futures: dict[Future[Outcome], tuple[Task, int]] = {}

    @property
    def in_flight(self) -> int:
        return len(self._futures)

    def submit(self, task: Task, attempt: int = 1) -> None:
        self._futures[self._pool.submit(check_document, task)] = (task, attempt)

    def wait(self) -> list[Outcome]:
        done, _ = wait_futures(list(self._futures), return_when=FIRST_COMPLETED)
        outcomes, retry = [], []
        for future in done:
            task, attempt = self._futures.pop(future)
            try:
                outcomes.append(future.result())
            except BrokenProcessPool:
                if attempt < ATTEMPTS:
                    retry.append((task, attempt + 1))
                else:
                    outcomes.append(Outcome(task.seq, task.key, error="the worker checking this document died "
                                                                      f"({ATTEMPTS} times): too large or a crash"))
            except Exception as exc:
                outcomes.append(Outcome(task.seq, task.key, error=f"worker failed: {type(exc).__name__}: {exc}"))
        if retry:
            # Every task in flight fails with a broken pool: start a new one and resubmit them.
            self._pool.restart()
            for task, attempt in retry:
                self.submit(task, attempt)
        return outcomes

    def close(self) -> None:
        self._pool.close()


# -- Dask --------------------------------------------------------------------------------

_DASK_CHECKERS: dict[str, Checker] = {}
_DASK_LOCK = threading.Lock()


def _dask_task(version: str, signature: str, options: Options, task: Task) -> Outcome:
    """Runs on a Dask worker: the Checker is built once per worker process and signature."""
    if version != __version__:
        return Outcome(task.seq, task.key, error=f"the Dask worker runs mtcheck {__version__}, this run {version}: "
                                                 "install the same version on every worker")
    from mtcheck.pipeline import Checker

    with _DASK_LOCK:  # a worker may run tasks in threads: one checker, one document at a time
        checker = _DASK_CHECKERS.get(signature)
        if checker is None:
            checker = _DASK_CHECKERS[signature] = Checker(options)
        return check_document(checker, task)


class DaskEngine(Engine):
    """Tasks on a dask.distributed cluster; without a scheduler address, a LocalCluster of
    `jobs` single-threaded worker processes."""

    name = "dask"

    def __init__(self, options: Options, signature: str, scheduler: str | None, jobs: int):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise EngineError("the dask engine needs dask.distributed: pip install 'mtcheck[dask]'") from None
        self._cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="20s")
            else:
                self._cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self.client = Client(self._cluster)
        except (OSError, TimeoutError, ValueError) as exc:
            if self._cluster is not None:
                self._cluster.close()
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        workers = max(1, sum(self.client.nthreads().values()))
        super().__init__(window=workers * 4)
        self.signature = signature
        # Sent to every worker once; each task refers to it, not a copy.
        self._options = self.client.scatter(options, broadcast=True, hash=False)
        self._futures: dict[Any, Task] = {}

    @property
    def in_flight(self) -> int:
        return len(self._futures)

    def submit(self, task: Task) -> None:
        future = self.client.submit(_dask_task, __version__, self.signature, self._options, task, pure=False)
        self._futures[future] = task

    def wait(self) -> list[Outcome]:
        from distributed import wait

        done = wait(list(self._futures), return_when="FIRST_COMPLETED").done
        outcomes = []
        for future in done:
            task = self._futures.pop(future)
            try:
                outcomes.append(future.result())
            except Exception as exc:
                outcomes.append(Outcome(task.seq, task.key, error=f"Dask task failed: {type(exc).__name__}: {exc}"))
        return outcomes

    def close(self) -> None:
        for future in self._futures:
            future.cancel()
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(kind: str, checker: Checker, jobs: int, scheduler: str | None = None) -> Engine:
    """The engine for a run; workers build their checkers from `checker.options`."""
    if kind == "dask":
        return DaskEngine(checker.options, checker.signature.format(), scheduler, jobs)
    if jobs == 1:
        return InlineEngine(checker)
    return PoolEngine(checker.options, jobs)
