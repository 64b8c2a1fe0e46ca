"""One report run: discover inputs, read them, check what the store does not hold yet,
write the outputs from the store.

Documents are numbered in input order as they are read; only a bounded number (and
size) of them is in flight at once, so memory does not grow with the archive. Whatever
stops a run (an error, Ctrl-C, SIGKILL), the results committed so far stay in the store
and the next run over the same inputs reuses them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from mtcheck import __version__
from mtcheck.batch.discover import Discovery, count_documents
from mtcheck.batch.engines import Engine, EngineError, make_engine
from mtcheck.batch.outputs import (
    DOCUMENTS,
    INDEX,
    PAGES,
    SUMMARY,
    Thresholds,
    atomic_open,
    page_name,
    write_outputs,
)
from mtcheck.batch.store import Store, StoreError, is_damage, unusable
from mtcheck.batch.work import Task, content_key
from mtcheck.models.batch import RunSummary, RunTotals
from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem, Source

if TYPE_CHECKING:
    from mtcheck.pipeline import Checker

STORE, RUN, LOCK = "store.sqlite", "run.json", ".lock"
# Written into every run folder: a later run writes only into an empty folder or one that holds
# it, so a mistyped --out never overwrites or prunes someone else's files.
MARKER = ".mtcheck-report"
# What a run folder of an mtcheck that wrote no marker held: such a folder is taken as ours.
_OWN_ENTRIES = frozenset({STORE, f"{STORE}-wal", f"{STORE}-shm", f"{STORE}-journal", RUN, LOCK, DOCUMENTS,
                          SUMMARY, INDEX, PAGES})
# Text in flight at most (characters), besides the task-count window: a few huge
# documents must not pile up in memory either.
MAX_IN_FLIGHT_CHARS = 64_000_000


class RunError(Exception):
    """The run cannot start or go on (a locked folder, an unusable store or engine): one line."""


@dataclass(frozen=True)
class RunOptions:
    paths: Sequence[str]
    out: Path
    include: Sequence[str] | None = None
    exclude: Sequence[str] = ()
    glob_base: Path | None = None  # folder the globs are relative to (a config's); None: each folder named
    config: str | None = None  # the config file used, for run.json
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    input_format: str = "auto"
    max_bytes: int = DEFAULT_MAX_BYTES
    encoding: str | None = None  # of files without a byte-order mark (--encoding); None: UTF-8
    quiet: bool = False
    follow_symlinks: bool = False  # read files that symbolic links in the folders point to outside them
    title: str = field(default="")


def run_report(checker: Checker, options: RunOptions, on_error: Callable[[str], None],
               on_notice: Callable[[str], None], on_document: Callable[[], None] | None = None) -> RunSummary:
    """Run the report into options.out and return what run.json says. Every document that
    cannot be read or checked is passed to `on_error` (one line) and becomes an error row.
    Why the store's earlier reports cannot be reused (a store an older mtcheck wrote, a run
    with other settings) is passed to `on_notice` (one line) before the first document is
    checked. `on_document` is called as each document is done (checked, reused or an error
    row). A run that is refused (a folder of other files, an engine that cannot start) leaves
    nothing behind."""
    started = datetime.now(timezone.utc)
    t0 = time.monotonic()
    out = options.out
    fresh = _check_run_folder(out)
    try:
        engine = make_engine(options.engine, checker, options.jobs, options.scheduler)
    except EngineError as exc:
        raise RunError(str(exc)) from None
    try:
        _claim_run_folder(out, fresh)
        with _locked(out):
            try:
                store = Store(out / STORE)
                try:
                    runner, totals = _run(checker, options, store, engine, on_error, on_notice, on_document)
                finally:
                    store.close()
                summary = RunSummary(
                    signature=checker.signature.format(), mtcheck=__version__, config=options.config,
                    inputs=list(options.paths), engine=engine.name, jobs=options.jobs,
                    fail_on=checker.options.fail_on, started=started.isoformat(timespec="seconds"),
                    finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    seconds=round(time.monotonic() - t0, 3), checked=runner.checked, reused=runner.reused,
                    totals=totals,
                    outputs={"documents": DOCUMENTS, "summary": SUMMARY, "index": INDEX, "pages": PAGES + "/",
                             "store": STORE},
                )
                with atomic_open(out / RUN) as fh:
                    fh.write(summary.model_dump_json(indent=2) + "\n")
            except StoreError as exc:
                raise RunError(str(exc)) from None
            except (OSError, sqlite3.Error) as exc:  # the run folder is full, read-only or gone; a damaged store
                if isinstance(exc, sqlite3.Error) and is_damage(exc):
                    raise RunError(str(unusable(out / STORE, exc))) from None
                raise RunError(f"{out}: cannot write the run folder ({getattr(exc, 'strerror', None) or exc})") \
                    from None
    finally:
        engine.close()
    return summary


def _check_run_folder(out: Path) -> bool:
    """Whether `out` is to be made (True), or is a folder a run may write into: empty, or one an
    mtcheck report wrote. RunError, naming the folder, otherwise."""
    try:
        if not out.exists():
            return True
        if not out.is_dir():
            raise RunError(f"{out}: not a folder")
        entries = set(os.listdir(out))
    except OSError as exc:
        raise RunError(f"{out}: cannot read the run folder ({exc.strerror or exc})") from None
    own = entries <= _OWN_ENTRIES | {e for e in entries if _own_temporary(e)}
    # Marker-less: a run folder an older mtcheck wrote has its store; a lock alone is a run starting.
    if MARKER in entries or not entries or (own and (STORE in entries or entries <= {LOCK})):
        return False
    raise RunError(f"{out}: not an mtcheck report folder (it holds other files, and no {MARKER}); "
                   "name a new or empty folder with --out")


def _claim_run_folder(out: Path, fresh: bool) -> None:
    """Make the run folder (when `fresh`) and mark it as one this tool writes."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        marker = out / MARKER
        if not marker.exists():
            marker.write_text(f"This folder holds the outputs of `mtcheck report` ({__version__}); a later run "
                              "rewrites them here.\n", encoding="utf-8")
    except OSError as exc:
        raise RunError(f"{out}: cannot create the run folder ({exc.strerror or exc})") from None


def _own_temporary(name: str) -> bool:
    """A temporary file a run writes its outputs through (left by a run that was killed)."""
    return name.endswith(".tmp") and any(name.startswith(f".{own}.") for own in (DOCUMENTS, SUMMARY, INDEX, RUN))


def store_key(checker: Checker) -> str:
    """What a stored report depends on: the checker's signature, its gate and its baseline (a
    stored report holds the document's gate failures and baselined findings)."""
    gate = checker.gate
    key = f"{checker.signature.format()}|gate:{gate.fail_on},{gate.max_mt_likelihood},{gate.min_fluency}"
    return key + (f"|baseline:{checker.baseline.digest}" if checker.baseline is not None else "")


def settings_change(before: str, now: str) -> str:
    """What differs between two store keys ("name:value|..."), named: "model, rules changed"."""
    def parts(key: str) -> dict[str, str]:
        return dict(part.partition(":")[::2] for part in key.split("|"))

    old, new = parts(before), parts(now)
    names = [name for name in dict.fromkeys([*new, *old]) if old.get(name) != new.get(name)]
    return f"{', '.join(names)} changed" if names else "changed"


def _run(checker: Checker, options: RunOptions, store: Store, engine: Engine, on_error: Callable[[str], None],
         on_notice: Callable[[str], None], on_document: Callable[[], None] | None) -> tuple[_Runner, RunTotals]:
    """Check what the store lacks, then write the outputs from it."""
    from mtcheck.core.rules import all_rules
    from mtcheck.progress import progress

    out = options.out
    for stale in out.iterdir():  # left by a run killed while writing its outputs
        if _own_temporary(stale.name):
            stale.unlink(missing_ok=True)
    key = store_key(checker)
    previous = store.start_run(key)
    why = store.dropped or (previous and f"the stored reports were made with other settings "
                                         f"({settings_change(previous, key)})")
    notice = f"{store.path}: {why}; re-checking all documents" if why else None
    discovery = Discovery(options.include, options.exclude, skip=[out], base=options.glob_base,
                          follow_symlinks=options.follow_symlinks)
    runner = _Runner(store, engine, key, on_error, (lambda: on_notice(notice)) if notice else None)
    show_bar = not options.quiet and sys.stderr.isatty()
    total = count_documents(discovery.files(options.paths)) if show_bar else None
    for _ in progress(runner.run(_documents(options, discovery)), total=total, desc="report", unit="doc",
                      quiet=options.quiet):
        if on_document is not None:
            on_document()
    store.commit()
    categories = sorted({r.category for r in all_rules()})
    title = options.title or "mtcheck report: " + _names(options.paths)
    post_edited, machine = checker.verdict_thresholds
    thresholds = Thresholds(post_edited, machine, checker.gate.max_mt_likelihood, checker.gate.min_fluency)
    totals = write_outputs(store, out, key, checker.signature.format(), checker.gate.describe(), categories, title,
                           thresholds, quiet=options.quiet)
    store.prune(key)
    return runner, totals


def _names(paths: Sequence[str], shown: int = 3) -> str:
    more = len(paths) - shown
    return ", ".join(paths[:shown]) + (f" and {more} more" if more > 0 else "")


def _documents(options: RunOptions, discovery: Discovery) -> Iterator[Source | InputProblem]:
    from mtcheck.read.formats import iter_documents

    for item in discovery.files(options.paths):
        if isinstance(item, InputProblem):
            yield item
            continue
        try:
            yield from iter_documents(item, options.max_bytes, options.input_format, options.encoding)
        except Exception as exc:
            yield InputProblem(item, f"internal error while reading: {type(exc).__name__}: {exc}")


class _Runner:
    """Feeds documents to the engine and results to the store; yields once per document done."""

    def __init__(self, store: Store, engine: Engine, signature: str, on_error: Callable[[str], None],
                 on_first_check: Callable[[], None] | None):
        self.store, self.engine, self.signature, self.on_error = store, engine, signature, on_error
        self._on_first_check: Callable[[], None] | None = on_first_check
        self.checked = self.reused = 0
        self._pending: dict[int, tuple[str, int]] = {}  # seq in flight -> (name, characters)
        self._pending_keys: set[str] = set()
        self._chars = 0

    def run(self, items: Iterator[Source | InputProblem]) -> Iterator[None]:
        for seq, item in enumerate(items):
            if isinstance(item, InputProblem):
                self.store.add_document(seq, item.source, None, "", "{}", error=item.message)
                self.on_error(str(item))
                yield None
                continue
            key = content_key(item)
            metadata = json.dumps(item.metadata, ensure_ascii=False, separators=(",", ":"), default=str)
            page = page_name(item.name, item.doc_id, item.format, metadata, key, self.signature)
            self.store.add_document(seq, item.name, item.doc_id, item.format, metadata, key=key, page=page)
            if key in self._pending_keys or self.store.has_result(key, self.signature):
                self.reused += 1  # unchanged since a run before, or the same text as one in flight
                yield None
                continue
            if self._on_first_check is not None:  # why nothing is reused, said only when it costs a check
                self._on_first_check()
                self._on_first_check = None
            self._pending[seq] = (item.name, len(item.text))
            self._pending_keys.add(key)
            self._chars += len(item.text)
            self.engine.submit(Task(seq, key, item))
            while self.engine.in_flight >= self.engine.window or (
                    self._chars > MAX_IN_FLIGHT_CHARS and self.engine.in_flight):
                yield from self._collect()
        while self.engine.in_flight:
            yield from self._collect()

    def _collect(self) -> Iterator[None]:
        for outcome in self.engine.wait():
            name, chars = self._pending.pop(outcome.seq)
            self._chars -= chars
            self._pending_keys.discard(outcome.key)
            if outcome.result is None:
                self.store.set_error(outcome.key, outcome.error or "not checked")
                self.on_error(f"{name}: {outcome.error}")
            else:
                self.store.add_result(outcome.key, self.signature, outcome.result)
                self.checked += 1
            yield None


class _locked:
    """An exclusive lock on the run folder: two runs must not write one store at once."""

    def __init__(self, folder: Path):
        self.path = folder / LOCK

    def __enter__(self) -> _locked:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            self._fh = None
            return self
        self._fh = open(self.path, "a")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            raise RunError(f"{self.path.parent}: another mtcheck report is writing to this folder") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()  # releases the lock; the file stays (removing it would race a waiting run)
