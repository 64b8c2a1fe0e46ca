"""The reference corpus: published copy, indexed once, searched for each checked sentence.

    index = ReferenceIndex.open("published/")           # builds, or brings up to date
    index.lookup("The new crown pneumonia epidemic ...")  # ReferenceMatch or None
    References(index, 60).match(sentences)                # each sentence's match, the documents

Candidates come from an inverted index of word-bigram shingles (`shingles.py`: immutable,
memory-mapped segments, searched with a binary search) in the spirit of passim's n-gram
pre-filter; the few sentences sharing the most shingles are rescored with rapidfuzz.
Sentence texts, their offsets and the bookkeeping of corpus files live in SQLite (WAL)
in the same index folder. The index is updated incrementally: new files are added,
changed files re-indexed, deleted files tombstoned, and a JSONL file that only grew has
just its new lines indexed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from mtcheck.core.segment import segment
from mtcheck.corpus.shingles import (
    SCHEME,
    Segment,
    ShingleBatch,
    WordHasher,
    candidates,
    merge_segments,
    normalise,
    query_keys,
    words,
    write_segment,
)
from mtcheck.files import real_path
from mtcheck.models.plain import ReferenceDocument, ReferenceMatch
from mtcheck.read.formats import read_documents
from mtcheck.read.jsonl import parse_record
from mtcheck.read.text import DEFAULT_MAX_BYTES, InputProblem

if TYPE_CHECKING:
    from mtcheck.read.offsets import TextMap

FORMAT_VERSION = 1
# On WMT21 zh-en, MT sentences against a corpus of human translations: at 60, 54% found
# their translation, 1% a wrong sentence, 0.3% of sentences with none in the corpus a
# match; at 70, 30% / 0% / 0%; at 50, 78% / 2% / 0.5% (tests/benchmarks/bench_corpus.py).
DEFAULT_THRESHOLD = 60.0
INDEX_FOLDER = ".mtcheck-index"  # inside a folder corpus; beside a file corpus as FILE.mtcheck-index
CORPUS_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xml", ".jsonl", ".docx"})
BATCH_SENTENCES = 200_000  # sentences per segment written by one indexing batch
MAX_SEGMENTS = 8  # more than this and the smallest are merged
CANDIDATES = 20  # sentences rescored with rapidfuzz per lookup
MAX_POSTINGS = 1_000  # a shingle in more sentences than this is boilerplate, not evidence
TOP_DOCUMENTS = 5
_DATABASE = "index.sqlite3"
_SQL_VARIABLES = 900  # under SQLite's oldest default limit of 999 host parameters
_LOOKUP_CHUNK = 500  # sentences whose candidates are fetched together

Warn = Callable[[str], None]


class CorpusError(Exception):
    """A reference corpus or index that cannot be used; the message is one line naming it."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _warn_stderr(message: str) -> None:
    print(f"mtcheck: warning: {message}", file=sys.stderr)


@dataclass
class IndexStats:
    """What the index holds and what opening it did."""

    index_dir: str
    documents: int = 0
    sentences: int = 0
    segments: int = 0
    postings: int = 0
    build_seconds: float = 0.0  # this open's indexing, updating and merging
    files_added: int = 0
    files_changed: int = 0
    files_appended: int = 0
    files_deleted: int = 0
    files_unchanged: int = 0
    sentences_indexed: int = 0  # by this open
    skipped: int = 0  # bad documents left out by this open
    merges: int = 0
    rebuilt: str | None = None  # why an existing index was thrown away and built afresh


@dataclass(frozen=True)
class _CorpusFile:
    rel: str  # relative to the corpus root, '/'-separated (a file corpus: its name)
    path: Path
    size: int
    mtime_ns: int

    @property
    def jsonl(self) -> bool:
        return self.path.suffix.lower() == ".jsonl"


@dataclass
class _Document:
    part: int  # JSONL: its line number; other files: the reader's document ordinal
    line: int | None
    key: str | None
    text: str
    offsets: TextMap | None = None


@dataclass
class _Plan:
    # (file, from byte, from line, from part): where indexing starts (an archive that grew: its end)
    index: list[tuple[_CorpusFile, int, int, int]] = field(default_factory=list)
    touched: list[_CorpusFile] = field(default_factory=list)  # same bytes, new mtime
    deleted: list[str] = field(default_factory=list)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL, lines INTEGER NOT NULL, newline_end INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents (id INTEGER PRIMARY KEY, path TEXT NOT NULL, part INTEGER NOT NULL,
    line INTEGER, key TEXT, first_sentence INTEGER NOT NULL, sentences INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS documents_by_path ON documents (path, part);
CREATE TABLE IF NOT EXISTS sentences (id INTEGER PRIMARY KEY, document INTEGER NOT NULL, idx INTEGER NOT NULL,
    char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (name TEXT PRIMARY KEY, postings INTEGER NOT NULL,
    min_id INTEGER NOT NULL, max_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tombstones (first_id INTEGER NOT NULL, end_id INTEGER NOT NULL);
"""


class ReferenceIndex:
    """A reference corpus's shingle index: build or update it with `open`, then look sentences up."""

    def __init__(self, corpus: Path, folder: Path, db: sqlite3.Connection, stats: IndexStats):
        self.corpus = corpus
        self._corpus_is_folder = corpus.is_dir()
        self._shown: dict[str, str] = {}  # stored (relative) path -> displayed path
        self._stored: dict[str, str] = {}
        self.folder = folder
        self._db = db
        self.stats = stats
        self._hasher = WordHasher()
        self._segments: list[Segment] = []
        self._dead = np.zeros(0, dtype=bool)
        self._load()

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, corpus_path: str | Path, index_dir: str | Path | None = None, progress: bool = False, *,
             warn: Warn = _warn_stderr, max_bytes: int = DEFAULT_MAX_BYTES,
             batch_sentences: int = BATCH_SENTENCES, max_segments: int = MAX_SEGMENTS) -> ReferenceIndex:
        """Open the index of a corpus (a file or a folder), building or updating it first.

        The index lives in `index_dir`, else beside the corpus (FOLDER/.mtcheck-index/ or
        FILE.mtcheck-index/). Bad documents are skipped with a warning; a missing or empty
        corpus, or an index folder that cannot be written, raises CorpusError."""
        corpus = Path(corpus_path)
        if not corpus.exists():
            raise CorpusError(str(corpus), "no such reference corpus (file or folder)")
        folder = Path(index_dir) if index_dir is not None else (
            corpus / INDEX_FOLDER if corpus.is_dir() else corpus.with_name(corpus.name + INDEX_FOLDER))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CorpusError(str(folder), f"cannot create the index folder ({exc.strerror or exc}); "
                                           "name a writable one with --index DIR") from None
        started = time.perf_counter()
        stats = IndexStats(index_dir=str(folder))
        db: sqlite3.Connection | None = None
        try:
            with _locked(folder):
                db = _open_database(folder, stats, warn)
                builder = _Builder(db, folder, stats, warn, max_bytes, batch_sentences)
                builder.update(_list_files(corpus, folder), progress)
                stats.merges = _merge_small_segments(db, folder, max_segments)
                _remove_orphans(db, folder)
                stats.build_seconds = time.perf_counter() - started
                index = cls(corpus, folder, db, stats)  # mapped before another process may merge
        except (sqlite3.Error, OSError, ValueError) as exc:
            if db is not None:
                db.close()
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise CorpusError(str(folder), f"cannot build the reference index ({detail}); "
                                           "name a writable folder with --index DIR, or delete this one") from None
        if index.stats.sentences == 0:
            index.close()
            raise CorpusError(str(corpus), "empty reference corpus: no document with text to index")
        return index

    def _load(self) -> None:
        rows = self._db.execute("SELECT name, postings FROM segments ORDER BY name").fetchall()
        self._segments = [Segment.open(self.folder, name, postings) for name, postings in rows]
        self._dead = _dead_sentences(self._db)
        self.stats.segments = len(self._segments)
        self.stats.postings = sum(len(s) for s in self._segments)
        self.stats.documents = self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        self.stats.sentences = self._db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]

    def close(self) -> None:
        self._segments = []
        self._db.close()

    def __enter__(self) -> ReferenceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- lookup --------------------------------------------------------------------------------

    def lookup(self, text: str, threshold: float = DEFAULT_THRESHOLD) -> ReferenceMatch | None:
        """The corpus sentence closest to `text`, if its similarity (0-100) reaches `threshold`."""
        return self.lookup_many([text], threshold)[0]

    def lookup_many(self, texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[ReferenceMatch | None]:
        """`lookup` for many sentences, with one database query per chunk of them."""
        out: list[ReferenceMatch | None] = []
        for at in range(0, len(texts), _LOOKUP_CHUNK):
            out.extend(self._lookup_chunk(texts[at: at + _LOOKUP_CHUNK], threshold))
        return out

    def _lookup_chunk(self, texts: Sequence[str], threshold: float) -> list[ReferenceMatch | None]:
        ranked = [self._candidates(t) for t in texts]
        rows = self._fetch({i for ids in ranked for i in ids})
        out: list[ReferenceMatch | None] = []
        for text, ids in zip(texts, ranked):
            query = normalise(text)
            best: tuple[float, _Row] | None = None
            for row in (rows[i] for i in ids if i in rows):
                score = similarity(query, row.normalised)
                if score >= threshold and (best is None or score > best[0]):
                    best = (score, row)
            out.append(best[1].match(best[0]) if best else None)
        return out

    def document_sentences(self, path: str, line: int | None) -> int:
        """How many indexed sentences the reference document at (path, line) has."""
        rel = self._relative(path)
        row = self._db.execute("SELECT SUM(sentences) FROM documents WHERE path = ? AND line IS ?",
                               (rel, line)).fetchone()
        return int(row[0] or 0)

    def _candidates(self, text: str) -> list[int]:
        ids = candidates(self._segments, query_keys(text, self._hasher), MAX_POSTINGS)
        if not len(ids):
            return []
        ids = ids[ids < len(self._dead)]  # defensive: postings past the committed ids
        ids = ids[~self._dead[ids]]
        unique, shared = np.unique(ids, return_counts=True)
        # Most shared shingles first; ties by id, so lookups are deterministic.
        return unique[np.lexsort((unique, -shared))[:CANDIDATES]].tolist()

    def _fetch(self, ids: set[int]) -> dict[int, _Row]:
        rows: dict[int, _Row] = {}
        ordered = sorted(ids)
        for at in range(0, len(ordered), _SQL_VARIABLES):
            chunk = ordered[at: at + _SQL_VARIABLES]
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(
                    f"SELECT s.id, s.idx, s.char_start, s.char_end, s.text, d.path, d.line, d.key FROM sentences s "
                    f"JOIN documents d ON d.id = s.document WHERE s.id IN ({marks})", chunk):
                rows[r[0]] = _Row(r[1], r[2], r[3], r[4], self._display_path(r[5]), r[6], r[7])
        return rows

    def _display_path(self, rel: str) -> str:
        """The path a user knows a corpus file by (the corpus path joined with its stored one)."""
        shown = self._shown.get(rel)
        if shown is None:
            shown = str(self.corpus / rel) if self._corpus_is_folder else str(self.corpus)
            self._shown[rel] = shown
            self._stored[shown] = rel
        return shown

    def _relative(self, path: str) -> str:
        if path in self._stored:
            return self._stored[path]
        return Path(path).relative_to(self.corpus).as_posix() if self._corpus_is_folder else self.corpus.name


def similarity(a: str, b: str) -> float:
    """0-100: the mean of rapidfuzz's ratio (normalised Indel similarity) over the characters
    and over the words of two normalised sentences. Characters forgive inflection and
    spelling; words keep two sentences of the same formula with different names and
    figures apart. On WMT21 zh-en (MT output against the human translation) this mean
    ranked the right sentence first more often than either alone or token_set_ratio, whose
    subset matching also matched unrelated sentences far more often."""
    return (fuzz.ratio(a, b) + fuzz.ratio(a.split(), b.split())) / 2


@dataclass
class _Row:
    sentence: int
    start: int
    end: int
    text: str
    path: str
    line: int | None
    key: str | None
    normalised: str = field(init=False)

    def __post_init__(self) -> None:
        self.normalised = normalise(self.text)

    def match(self, similarity: float) -> ReferenceMatch:
        document = self.key if self.key is not None else (f"{self.path}:{self.line}" if self.line else self.path)
        return ReferenceMatch(document=document, path=self.path, line=self.line, sentence=self.sentence,
                              text=self.text, start=self.start, end=self.end, similarity=round(similarity, 2))


# -- annotating a check report -------------------------------------------------------------------


@dataclass(frozen=True)
class References:
    """A reference corpus opened for checking, with the similarity a match must reach."""

    index: ReferenceIndex
    threshold: float = DEFAULT_THRESHOLD

    def describe(self) -> str:
        """For the checker's signature."""
        return f"{self.index.stats.sentences}@{self.threshold:g}"

    def match(self, sentences: Sequence[str]) -> tuple[list[ReferenceMatch | None], list[ReferenceDocument]]:
        """Each sentence's closest reference sentence (None below the threshold), and the
        reference documents matched by the most sentences, with the share of `sentences`
        they match."""
        matches = self.index.lookup_many(list(sentences), self.threshold)
        by_document: dict[tuple[str, int | None], list[ReferenceMatch]] = defaultdict(list)
        for match in matches:
            if match is not None:
                by_document[(match.path, match.line)].append(match)
        ranked = sorted(by_document.items(), key=lambda item: (
            -len(item[1]), -sum(m.similarity for m in item[1]), item[0][0], item[0][1] or 0))
        documents = []
        for (path, line), found in ranked[:TOP_DOCUMENTS]:
            size = max(self.index.document_sentences(path, line), 1)
            documents.append(ReferenceDocument(
                document=found[0].document, path=path, line=line, sentences=len(found),
                share=round(len(found) / len(sentences), 4),
                coverage=round(min(len({m.sentence for m in found}) / size, 1.0), 4),
                similarity=round(sum(m.similarity for m in found) / len(found), 2)))
        return matches, documents


# -- building and updating -------------------------------------------------------------------------


class _Builder:
    """Brings the index up to date with the corpus files, one batch (segment) at a time.

    Each batch is one SQLite transaction that also registers its segment, written first
    under a temporary name: a crash leaves the last committed index whole, and the
    half-written batch is redone on the next open."""

    def __init__(self, db: sqlite3.Connection, folder: Path, stats: IndexStats, warn: Warn, max_bytes: int,
                 batch_sentences: int):
        self.db, self.folder, self.stats, self.warn = db, folder, stats, warn
        self.max_bytes, self.batch_sentences = max_bytes, batch_sentences
        self.hasher = WordHasher()
        self.batch: ShingleBatch | None = None
        self.finished_files: list[tuple] = []

    def update(self, files: list[_CorpusFile], show_progress: bool) -> None:
        plan = self._plan(files)
        self.db.execute("BEGIN IMMEDIATE")
        for rel in plan.deleted:
            self._tombstone(rel)
            self.db.execute("DELETE FROM files WHERE path = ?", (rel,))
        for f in plan.touched:
            self.db.execute("UPDATE files SET mtime_ns = ? WHERE path = ?", (f.mtime_ns, f.rel))
        self.batch = ShingleBatch(int(_meta(self.db, "next_sentence", "0")))
        work: Iterable[tuple[_CorpusFile, int, int, int]] = plan.index
        if show_progress:
            from mtcheck.progress import progress

            work = progress(plan.index, total=len(plan.index), desc="indexing reference corpus", unit="file")
        for f, from_byte, from_line, from_part in work:
            self._tombstone(f.rel, from_part)
            lines = self._index_file(f, from_byte, from_line, from_part)
            digest, newline_end = _file_digest(f.path)
            self.finished_files.append((f.rel, f.size, f.mtime_ns, digest, lines, newline_end))
        self._flush()
        self.db.execute("COMMIT")

    def _plan(self, files: list[_CorpusFile]) -> _Plan:
        plan = _Plan()
        stored = {r[0]: r for r in self.db.execute(
            "SELECT path, size, mtime_ns, sha256, lines, newline_end FROM files")}
        for f in files:
            row = stored.pop(f.rel, None)
            if row is None:
                plan.index.append((f, 0, 0, 0))
                self.stats.files_added += 1
                continue
            _, size, mtime_ns, digest, lines, newline_end = row
            if (size, mtime_ns) == (f.size, f.mtime_ns):
                self.stats.files_unchanged += 1
                continue
            if f.jsonl and f.size > size and newline_end and _file_digest(f.path, size)[0] == digest:
                plan.index.append((f, size, lines, lines + 1))  # only the appended lines
                self.stats.files_appended += 1
            elif _file_digest(f.path)[0] == digest:
                plan.touched.append(f)
                self.stats.files_unchanged += 1
            else:
                plan.index.append((f, 0, 0, 0))
                self.stats.files_changed += 1
        plan.deleted = sorted(stored)
        self.stats.files_deleted = len(plan.deleted)
        return plan

    def _tombstone(self, rel: str, from_part: int = 0) -> None:
        """Retire a file's documents (from document `from_part` on): their sentence rows go,
        their postings stay in the segments until a merge, masked by a tombstone."""
        docs = self.db.execute("SELECT id, first_sentence, sentences FROM documents WHERE path = ? AND part >= ?",
                               (rel, from_part)).fetchall()
        spans = [(first, first + count) for _, first, count in docs]
        self.db.executemany("DELETE FROM sentences WHERE id >= ? AND id < ?", spans)
        self.db.executemany("INSERT INTO tombstones (first_id, end_id) VALUES (?, ?)", spans)
        self.db.executemany("DELETE FROM documents WHERE id = ?", [(doc_id,) for doc_id, _, _ in docs])

    def _index_file(self, f: _CorpusFile, from_byte: int, from_line: int, from_part: int) -> int:
        """Index a file's documents; returns its line count (JSONL) or 0."""
        if f.jsonl:
            lines = from_line
            for line, doc in _jsonl_documents(f, from_byte, from_line, self._skip):
                lines = line
                if doc is not None:
                    self._add(f.rel, doc)
            return lines
        try:
            for part, source in enumerate(read_documents(f.path, self.max_bytes)):
                offsets = source.extraction.offsets if source.extraction is not None else None
                self._add(f.rel, _Document(part, None, source.doc_id, source.text, offsets))
        except InputProblem as problem:
            self._skip(f"{f.path}: {problem.message}")
        return 0

    def _skip(self, message: str) -> None:
        self.stats.skipped += 1
        self.warn(f"{message}; left out of the reference corpus")

    def _add(self, rel: str, doc: _Document) -> None:
        assert self.batch is not None
        first = self.batch.first_id + len(self.batch)
        rows = []
        for s in segment(doc.text).sentences:
            sentence_text = doc.text[s.start:s.end]
            tokens = words(sentence_text)
            if not tokens:
                continue
            sentence_id = self.batch.add(self.hasher.hashes(tokens))
            start, end = s.start, s.end
            if doc.offsets is not None:
                start, end = doc.offsets.to_original(start), doc.offsets.to_original_end(end)
            rows.append((sentence_id, s.index, start, end, sentence_text))
        if not rows:
            return
        cur = self.db.execute(
            "INSERT INTO documents (path, part, line, key, first_sentence, sentences) VALUES (?, ?, ?, ?, ?, ?)",
            (rel, doc.part, doc.line, doc.key, first, len(rows)))
        doc_id = cur.lastrowid
        self.db.executemany("INSERT INTO sentences (id, document, idx, char_start, char_end, text) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            [(r[0], doc_id, *r[1:]) for r in rows])
        self.stats.sentences_indexed += len(rows)
        if len(self.batch) >= self.batch_sentences:
            self._flush()
            self.db.execute("COMMIT")
            self.db.execute("BEGIN IMMEDIATE")

    def _flush(self) -> None:
        """Write the batch's segment and register it with the files finished so far."""
        assert self.batch is not None
        if len(self.batch):
            keys, ids = self.batch.postings()
            number = int(_meta(self.db, "next_segment", "0"))
            name = f"seg-{number:06d}"
            write_segment(self.folder, name, keys, ids)
            self.db.execute("INSERT INTO segments (name, postings, min_id, max_id) VALUES (?, ?, ?, ?)",
                            (name, len(keys), self.batch.first_id, self.batch.first_id + len(self.batch) - 1))
            _set_meta(self.db, "next_segment", str(number + 1))
            _set_meta(self.db, "next_sentence", str(self.batch.first_id + len(self.batch)))
        self.db.executemany("INSERT OR REPLACE INTO files (path, size, mtime_ns, sha256, lines, newline_end) "
                            "VALUES (?, ?, ?, ?, ?, ?)", self.finished_files)
        self.finished_files = []
        self.batch = ShingleBatch(self.batch.first_id + len(self.batch))


def _merge_small_segments(db: sqlite3.Connection, folder: Path, max_segments: int) -> int:
    """When there are more than `max_segments` segments, merge the smallest into one,
    dropping the postings of tombstoned sentences; returns the number of merges (0 or 1)."""
    rows = db.execute("SELECT name, postings, min_id, max_id FROM segments ORDER BY postings, name").fetchall()
    if len(rows) <= max_segments:
        return 0
    chosen = rows[: len(rows) - max_segments + 1]
    segments = [Segment.open(folder, name, postings) for name, postings, _, _ in chosen]
    number = int(_meta(db, "next_segment", "0"))
    name = f"seg-{number:06d}"
    size = merge_segments(folder, name, segments, _dead_sentences(db))
    del segments
    db.execute("BEGIN IMMEDIATE")
    db.executemany("DELETE FROM segments WHERE name = ?", [(r[0],) for r in chosen])
    db.execute("INSERT INTO segments (name, postings, min_id, max_id) VALUES (?, ?, ?, ?)",
               (name, size, min(r[2] for r in chosen), max(r[3] for r in chosen)))
    _set_meta(db, "next_segment", str(number + 1))
    # A tombstone no remaining segment's ids reach has nothing left to mask.
    spans = db.execute("SELECT min_id, max_id FROM segments").fetchall()
    for rowid, first, end in db.execute("SELECT rowid, first_id, end_id FROM tombstones").fetchall():
        if not any(lo < end and first <= hi for lo, hi in spans):
            db.execute("DELETE FROM tombstones WHERE rowid = ?", (rowid,))
    db.execute("COMMIT")
    return 1


def _remove_orphans(db: sqlite3.Connection, folder: Path) -> None:
    """Delete segment files no committed manifest names (a crashed batch, a finished merge)."""
    live = {name for (name,) in db.execute("SELECT name FROM segments")}
    for path in folder.glob("*.npy"):
        if path.name.split(".", 1)[0] not in live:
            path.unlink(missing_ok=True)
    for path in folder.glob(".seg-*.tmp"):
        path.unlink(missing_ok=True)


# -- the database --------------------------------------------------------------------------------


def _settings() -> str:
    return json.dumps({"format": FORMAT_VERSION, "scheme": SCHEME}, sort_keys=True)


def _open_database(folder: Path, stats: IndexStats, warn: Warn) -> sqlite3.Connection:
    """The index database, created, or reset when it is unreadable or from other settings."""
    path = folder / _DATABASE
    if path.exists():
        db = None
        try:
            db = _connect(path)
            if _meta(db, "settings", "") == _settings():
                for table in ("files", "documents", "sentences", "tombstones"):
                    db.execute(f"SELECT * FROM {table} LIMIT 1").fetchall()
                for name, postings in db.execute("SELECT name, postings FROM segments").fetchall():
                    Segment.open(folder, name, postings)
                problem = _inconsistency(db)
                if problem is None:
                    return db
                reason = f"is inconsistent ({problem})"
            else:
                reason = "was built with other settings or by another version"
        except (sqlite3.Error, OSError, ValueError) as exc:
            reason = f"is unreadable ({exc})"
        if db is not None:
            db.close()
        warn(f"{folder}: the reference index {reason}; rebuilding it")
        stats.rebuilt = reason
        _wipe(folder)
    db = _connect(path)
    db.executescript(_SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    _set_meta(db, "settings", _settings())
    db.execute("COMMIT")
    return db


def _inconsistency(db: sqlite3.Connection) -> str | None:
    """What does not add up in an index's bookkeeping (a damaged or tampered index), or None.
    Every sentence id is below `next_sentence`, which is one past the last id any segment
    holds; documents own exactly the sentence rows there are; tombstones lie below it. Each
    check is one aggregate query, cheap beside loading the segments."""
    raw = _meta(db, "next_sentence", "0")
    if not raw.isdigit() or int(raw) >= 2**32:  # sentence ids are uint32 in the segments
        return f"next_sentence is {raw[:20]!r}"
    next_sentence = int(raw)
    if not _meta(db, "next_segment", "0").isdigit():
        return "next_segment is not a number"
    segments, low, high, negative = db.execute(
        "SELECT COUNT(*), MIN(min_id), MAX(max_id), SUM(postings < 0 OR min_id > max_id) FROM segments").fetchone()
    if negative or (segments and (low < 0 or high + 1 != next_sentence)) or (not segments and next_sentence):
        return f"segments cover sentence ids {low}-{high}, next_sentence is {next_sentence}"
    sentences, top = db.execute("SELECT COUNT(*), MAX(id) FROM sentences").fetchone()
    owned, reach, bottom = db.execute("SELECT TOTAL(sentences), MAX(first_sentence + sentences), "
                                      "MIN(MIN(first_sentence, sentences - 1)) FROM documents").fetchone()
    if int(owned) != sentences or (top is not None and top >= next_sentence) or (reach or 0) > next_sentence \
            or (bottom is not None and bottom < 0):
        return f"{sentences} sentence rows, {int(owned)} owned by documents, ids up to {top} of {next_sentence}"
    bad = db.execute("SELECT COUNT(*) FROM tombstones WHERE first_id < 0 OR end_id < first_id OR end_id > ?",
                     (next_sentence,)).fetchone()[0]
    if bad:
        return f"{bad} tombstones outside the sentence ids"
    return None


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun and committed explicitly, batch by batch.
    # Lookups only read, so a server may share one index between its threads.
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # fails fast on a file that is not a database
    return db


def _wipe(folder: Path) -> None:
    """Remove the index's own files only: `--index` may name a folder that holds others."""
    for pattern in (f"{_DATABASE}*", "seg-*.npy", ".seg-*.tmp"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)


def _dead_sentences(db: sqlite3.Connection) -> np.ndarray:
    """A mask over sentence ids: True for the tombstoned, whose postings must be ignored."""
    dead = np.zeros(int(_meta(db, "next_sentence", "0")), dtype=bool)
    for first, end in db.execute("SELECT first_id, end_id FROM tombstones"):
        dead[first:end] = True
    return dead


def _meta(db: sqlite3.Connection, key: str, default: str) -> str:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One process updates an index at a time (POSIX advisory lock; elsewhere, none)."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    with open(folder / "lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# -- the corpus files -------------------------------------------------------------------------


def _list_files(corpus: Path, index_folder: Path) -> list[_CorpusFile]:
    """The corpus's files: the file itself, or a folder's text, markup and JSONL files,
    recursively, leaving out hidden entries and the index folder."""
    if corpus.is_file():
        st = corpus.stat()
        return [_CorpusFile(corpus.name, corpus, st.st_size, st.st_mtime_ns)]
    skip = real_path(index_folder)
    found: list[_CorpusFile] = []

    def walk(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if real_path(path) != skip:
                    walk(path)
            elif entry.is_file() and path.suffix.lower() in CORPUS_EXTENSIONS:
                st = entry.stat()
                found.append(_CorpusFile(path.relative_to(corpus).as_posix(), path, st.st_size, st.st_mtime_ns))

    walk(corpus)
    return found


def _file_digest(path: Path, limit: int | None = None) -> tuple[str, bool]:
    """sha256 of the file (or of its first `limit` bytes) and whether that ends with a newline."""
    digest = hashlib.sha256()
    last = b""
    remaining = limit
    with open(path, "rb") as fh:
        while remaining is None or remaining > 0:
            block = fh.read(1 << 20 if remaining is None else min(1 << 20, remaining))
            if not block:
                break
            digest.update(block)
            last = block[-1:]
            if remaining is not None:
                remaining -= len(block)
    return digest.hexdigest(), last == b"\n"


def _jsonl_documents(f: _CorpusFile, from_byte: int, from_line: int,
                     skip: Callable[[str], None]) -> Iterator[tuple[int, _Document | None]]:
    """(line number, document or None) for each line of a JSONL file from a byte offset:
    one document a line, `text` (required) and `id`. A bad line is skipped, naming it.

    Read here rather than through the JSONL format reader because an archive that only
    grew is indexed from the byte where it stood, with line numbers carried on."""
    line_number = from_line
    with open(f.path, "rb") as fh:
        fh.seek(from_byte)
        for raw in fh:
            line_number += 1
            yield line_number, _jsonl_record(str(f.path), raw, line_number, skip)


def _jsonl_record(path: str, raw: bytes, line_number: int, skip: Callable[[str], None]) -> _Document | None:
    """A line read as the JSONL reader reads it; without an `id`, the file and line name it."""
    item = parse_record(path, line_number, raw.rstrip(b"\n"), name_by_line=False)
    if isinstance(item, InputProblem):
        skip(str(item))
        return None
    if item is None:
        return None
    return _Document(line_number, line_number, item.doc_id, item.text)
