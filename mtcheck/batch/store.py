"""The run folder's SQLite store: the single source of truth of a report run.

`results` keeps one checked report per (content key, signature): a re-run reuses it for
unchanged content and recomputes when the content or the signature changed. `documents`
lists the current run's documents in input order (rebuilt by every run, which is cheap:
reading and hashing, not checking). The output files are written from the two at the
end of a run, so a run killed at any point (SIGKILL included) and started again ends
with the same outputs as one never interrupted: committed results are reused and
nothing is appended twice.

WAL journal with synchronous=NORMAL: a killed process loses at most the uncommitted
batch of results, never the database's consistency.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mtcheck.batch.work import Result
from mtcheck.render.report_html import PAGE_FORMAT

# Changes when what the store keeps changes shape (columns, report JSON, page HTML): "N/pageM",
# both numbers only growing. A store of another format has its tables dropped and made anew
# (Store.dropped says so).
STORE_FORMAT = f"4/page{PAGE_FORMAT}"
COMMIT_EVERY_ROWS = 500
COMMIT_EVERY_SECONDS = 2.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    key TEXT NOT NULL, signature TEXT NOT NULL,
    verdict TEXT NOT NULL, mt_likelihood REAL, fluency REAL NOT NULL,
    errors INTEGER NOT NULL, warnings INTEGER NOT NULL, info INTEGER NOT NULL, categories TEXT NOT NULL,
    source_language TEXT, agency TEXT, date TEXT, failed INTEGER NOT NULL, report BLOB NOT NULL, page BLOB NOT NULL,
    PRIMARY KEY (key, signature));
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY, source TEXT NOT NULL, doc_id TEXT, format TEXT NOT NULL, metadata TEXT NOT NULL,
    key TEXT, error TEXT, page TEXT);
CREATE INDEX IF NOT EXISTS documents_page ON documents (page);
"""


@dataclass(frozen=True)
class Row:
    """A document of the run and, when it was checked, its stored result."""

    seq: int
    source: str
    doc_id: str | None
    format: str
    metadata: str  # JSON object
    error: str | None
    page: str | None
    result: Result | None


class StoreError(Exception):
    """The store cannot be opened or used: one line."""


def unusable(path: Path, exc: sqlite3.Error) -> StoreError:
    return StoreError(f"{path}: not a usable report store ({exc}); remove it or use another --out")


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether `exc` says the store's file is damaged or not a database (rather than, say, that the
    disk is full or read-only): a damaged page may be read only late in a run."""
    code = getattr(exc, "sqlite_errorcode", None)  # from Python 3.11
    if code is None:  # sqlite3 raises these as its bare DatabaseError; a full disk etc. as OperationalError
        return type(exc) is sqlite3.DatabaseError
    return code in (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


def _format_change(stored: str) -> str:
    """Why a store of format `stored` is not read: which mtcheck wrote it, and the two formats."""
    def order(value: str) -> tuple[int, int] | None:
        parts = re.fullmatch(r"(\d+)/page(\d+)", value)
        return (int(parts[1]), int(parts[2])) if parts else None

    ours, theirs = order(STORE_FORMAT), order(stored)
    writer = "another" if ours is None or theirs is None else "an older" if theirs < ours else "a newer"
    return f"written by {writer} mtcheck (store format {stored}, this one reads {STORE_FORMAT})"


class Store:
    def __init__(self, path: Path):
        self.path = path
        # Why the reports stored by an earlier run were dropped on opening, for the caller to tell
        # (None: they are kept, or there were none).
        self.dropped: str | None = None
        try:
            self.db = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
            # Rows are compressed reports and pages of 2-10 KB: on the default 4 KB pages each spans
            # several, and the WAL and its checkpoint cost twice the system calls. (Takes effect when
            # the file is made; an existing store keeps its page size.)
            self.db.execute("PRAGMA page_size=32768")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            stored = self.db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if stored is None or stored[0] != STORE_FORMAT:
                self.db.executescript("DROP TABLE IF EXISTS results; DROP TABLE IF EXISTS documents;")
                self.dropped = None if stored is None else _format_change(stored[0])
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (STORE_FORMAT,))
        except sqlite3.DatabaseError as exc:
            raise unusable(path, exc) from None
        self._pending = 0
        self._last_commit = time.monotonic()
        self.db.execute("BEGIN")

    def start_run(self, signature: str) -> str | None:
        """Forget the previous run's document list (its results stay, for reuse). Returns the
        signature the stored results were made with when it is not `signature` (None: the
        same, or nothing stored): a run with other settings reuses none of them."""
        previous = self.db.execute("SELECT value FROM meta WHERE key='signature'").fetchone()
        changed = previous is not None and previous[0] != signature and self.db.execute(
            "SELECT 1 FROM results WHERE signature=? LIMIT 1", (previous[0],)).fetchone() is not None
        self.db.execute("DELETE FROM documents")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('signature', ?)", (signature,))
        self.commit()
        return previous[0] if changed else None

    def has_result(self, key: str, signature: str) -> bool:
        return self.db.execute("SELECT 1 FROM results WHERE key=? AND signature=?", (key,
                                                                                     signature)).fetchone() is not None

    def add_document(self, seq: int, source: str, doc_id: str | None, fmt: str, metadata: str,
                     key: str | None = None, error: str | None = None, page: str | None = None) -> None:
        self.db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (seq, source, doc_id, fmt, metadata, key, error, page))
        self._written()

    def set_error(self, key: str, error: str) -> None:
        """The content `key` could not be checked: every document of the run with it is an error."""
        self.db.execute("UPDATE documents SET error=?, page=NULL WHERE key=?", (error, key))
        self._written()

    def add_result(self, key: str, signature: str, r: Result) -> None:
        self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (key, signature, r.verdict, r.mt_likelihood, r.fluency, r.errors, r.warnings, r.info,
                         r.categories, r.source_language, r.agency, r.date, int(r.failed), r.report, r.page))
        self._written()

    def rows(self, signature: str) -> Iterator[Row]:
        """The run's documents in input order, with their results (streamed, not loaded)."""
        cursor = self.db.execute(
            "SELECT d.seq, d.source, d.doc_id, d.format, d.metadata, d.error, d.page, r.verdict, r.mt_likelihood,"
            " r.fluency, r.errors, r.warnings, r.info, r.categories, r.source_language, r.agency, r.date, r.failed,"
            " r.report, r.page FROM documents d LEFT JOIN results r ON r.key = d.key AND r.signature = ?"
            " ORDER BY d.seq",
            (signature,))
        for row in cursor:
            seq, source, doc_id, fmt, metadata, error, page = row[:7]
            result = None
            if row[7] is not None and error is None:
                fields = list(row[7:])
                fields[10] = bool(fields[10])  # failed, stored as an integer
                result = Result(*fields)
            if result is None and error is None:
                error = "no result was stored for this document (run it again)"
            yield Row(seq, source, doc_id, fmt, metadata, error, page if result else None, result)

    def document_count(self) -> int:
        """How many documents the run has (checked or not)."""
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def has_page(self, page: str) -> bool:
        row = self.db.execute("SELECT 1 FROM documents WHERE page=? AND error IS NULL LIMIT 1", (page,)).fetchone()
        return row is not None

    def prune(self, signature: str) -> None:
        """Drop results no document of this run uses: the store holds one archive's reports."""
        self.db.execute("DELETE FROM results WHERE signature != ? OR key NOT IN "
                        "(SELECT key FROM documents WHERE key IS NOT NULL)", (signature,))
        self.commit()

    def _written(self) -> None:
        self._pending += 1
        if self._pending >= COMMIT_EVERY_ROWS or time.monotonic() - self._last_commit >= COMMIT_EVERY_SECONDS:
            self.commit()

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")
        self._pending = 0
        self._last_commit = time.monotonic()

    def close(self) -> None:
        """Commit what is pending and close."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()
