"""Word shingles and the immutable postings segments of the reference-corpus index.

A sentence's shingles are its word bigrams (a one-word sentence has one shingle of its
own), lower-cased, hashed to stable 64-bit integers: blake2b of
each word, combined arithmetically, so the same text gives the same keys in every
process on every machine (Python's `hash()` is salted per process).

A segment is what one indexing batch writes, Lucene-style, and is never changed
afterwards: two .npy files, the shingle keys sorted (uint64) and the sentence ids in
the same order (uint32), opened memory-mapped so a million-sentence corpus costs page
cache, not heap. Looking a shingle up is a binary search (`np.searchsorted`).
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

import numpy as np

# Bigrams, not the 3-grams passim uses on whole documents: an edited sentence keeps few
# 3-grams of its draft (on WMT21 zh-en, an MT sentence's human translation was among
# the 20 candidates 87% of the time with 3-grams, 95% with bigrams).
SHINGLE_WORDS = 2
# Recorded in the index: a change to tokens or hashing must rebuild it.
SCHEME = f"words:lower-unicode-w|shingle:{SHINGLE_WORDS}|hash:blake2b64-lincomb-v1"

_WORD = re.compile(r"\w+")
# Odd 64-bit multipliers (golden ratio and xxhash primes); the per-length salt keeps a
# one-word shingle from colliding with a longer one built from the same hashes.
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_SALT = np.array([0, 0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63, 0xFF51AFD7ED558CCD], dtype=np.uint64)
_CACHE_LIMIT = 2_000_000  # distinct words remembered before the cache starts afresh


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits in any script)."""
    return _WORD.findall(text.lower())


def normalise(text: str) -> str:
    """The text compared by the rescoring: its word tokens joined by single spaces."""
    return " ".join(words(text))


class WordHasher:
    """Stable 64-bit hashes of words, cached (a corpus repeats its vocabulary endlessly)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def hashes(self, tokens: Sequence[str]) -> list[int]:
        try:
            return list(map(self._cache.__getitem__, tokens))  # the common case, at C speed
        except KeyError:
            return [self._cache[t] if t in self._cache else self._new(t) for t in tokens]

    def _new(self, token: str) -> int:
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        value = int.from_bytes(blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
        self._cache[token] = value
        return value


def shingle_keys(flat: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shingle keys of many sentences at once, and the position of each key's sentence.

    `flat` holds every sentence's word hashes end to end, `lengths` each sentence's
    word count. Sentences with no words have no shingles."""
    lengths = np.asarray(lengths, dtype=np.int64)
    owner = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    n = SHINGLE_WORDS
    if len(flat) >= n:
        whole = owner[: len(flat) - n + 1] == owner[n - 1:]
        combined = _SALT[n] + sum(flat[i: len(flat) - n + 1 + i] * _MULTIPLIERS[i] for i in range(n))
        keys.append(combined[whole])
        owners.append(owner[: len(flat) - n + 1][whole])
    for short in range(1, n):  # a sentence too short for a full shingle: one of its own length
        chosen = np.flatnonzero(lengths == short)
        if len(chosen):
            first = starts[chosen]
            keys.append(_SALT[short] + sum(flat[first + i] * _MULTIPLIERS[i] for i in range(short)))
            owners.append(chosen)
    if not keys:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    return np.concatenate(keys).astype(np.uint64, copy=False), np.concatenate(owners)


def query_keys(text: str, hasher: WordHasher) -> np.ndarray:
    """The distinct shingle keys of one sentence, sorted."""
    tokens = words(text)
    if not tokens:
        return np.empty(0, np.uint64)
    flat = np.array(hasher.hashes(tokens), dtype=np.uint64)
    keys, _ = shingle_keys(flat, np.array([len(tokens)]))
    return np.unique(keys)


class ShingleBatch:
    """Word hashes of the sentences of one indexing batch, kept compact (8 bytes a word)."""

    def __init__(self, first_id: int) -> None:
        self.first_id = first_id
        self.count = 0  # sentences added (still counted once `postings` has dropped their hashes)
        self.flat = array("Q")
        self.lengths = array("I")

    def __len__(self) -> int:
        return self.count

    def add(self, hashes: list[int]) -> int:
        """Add one sentence; returns its id."""
        self.flat.extend(hashes)
        self.lengths.append(len(hashes))
        self.count += 1
        return self.first_id + self.count - 1

    def postings(self, chunk_sentences: int = 50_000) -> tuple[np.ndarray, np.ndarray]:
        """(keys, sentence ids), sorted by key, each (key, id) once; drops the word hashes.

        Shingled a chunk of sentences at a time into arrays allocated once (a sentence has
        at most one shingle per word): the temporaries of a whole batch at once would
        double the indexer's peak memory."""
        flat = np.frombuffer(self.flat, dtype=np.uint64) if len(self.flat) else np.empty(0, np.uint64)
        lengths = np.frombuffer(self.lengths, dtype=np.uint32) if len(self.lengths) else np.empty(0, np.uint32)
        ends = np.cumsum(lengths, dtype=np.int64)
        keys = np.empty(len(flat), dtype=np.uint64)
        ids = np.empty(len(flat), dtype=np.uint32)
        filled = 0
        for first in range(0, len(lengths), chunk_sentences):
            last = min(first + chunk_sentences, len(lengths))
            word_from = int(ends[first - 1]) if first else 0
            chunk_keys, owners = shingle_keys(flat[word_from: int(ends[last - 1])], lengths[first:last])
            keys[filled: filled + len(chunk_keys)] = chunk_keys
            ids[filled: filled + len(chunk_keys)] = owners + (self.first_id + first)
            filled += len(chunk_keys)
        del flat, lengths
        self.flat, self.lengths = array("Q"), array("I")  # the word hashes are no longer needed
        return _sorted_unique(keys[:filled], ids[:filled])


def _sorted_unique(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted by key, (key, id) pairs once. The sort is stable and the postings of one
    sentence are contiguous in the input, so a sentence's repeated shingle is adjacent."""
    order = np.argsort(keys, kind="stable")
    keys, ids = keys[order], ids[order]
    del order
    if len(keys) > 1:
        keep = np.ones(len(keys), dtype=bool)
        keep[1:] = (keys[1:] != keys[:-1]) | (ids[1:] != ids[:-1])
        if not keep.all():
            keys, ids = keys[keep], ids[keep]
    return keys, ids


@dataclass
class Segment:
    """One immutable, memory-mapped postings segment."""

    name: str
    keys: np.ndarray
    ids: np.ndarray

    @staticmethod
    def files(folder: Path, name: str) -> tuple[Path, Path]:
        return folder / f"{name}.keys.npy", folder / f"{name}.ids.npy"

    @classmethod
    def open(cls, folder: Path, name: str, postings: int) -> Segment:
        """Map a segment; ValueError or OSError when its files are missing or do not agree."""
        keys_path, ids_path = cls.files(folder, name)
        # np.asarray drops the memmap subclass (cheaper slices); the mapping stays.
        keys = np.asarray(np.load(keys_path, mmap_mode="r", allow_pickle=False))
        ids = np.asarray(np.load(ids_path, mmap_mode="r", allow_pickle=False))
        if keys.dtype != np.uint64 or ids.dtype != np.uint32 or keys.shape != (postings,) or ids.shape != (postings,):
            raise ValueError(f"segment {name} does not match its manifest")
        return cls(name, keys, ids)

    def __len__(self) -> int:
        return len(self.keys)

    def ranges(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each query key, the [lo, hi) range of its postings."""
        return np.searchsorted(self.keys, query, "left"), np.searchsorted(self.keys, query, "right")


def write_segment(folder: Path, name: str, keys: np.ndarray, ids: np.ndarray) -> None:
    """Write a segment's two files atomically (each under a temporary name, then renamed)."""
    for path, values in zip(Segment.files(folder, name), (keys, ids)):
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, values, allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


def merge_segments(folder: Path, name: str, segments: Sequence[Segment], dead: np.ndarray,
                   chunk_postings: int = 4_000_000) -> int:
    """Merge segments into a new one without the postings of dead sentences; returns its size.

    Keys are hashes, spread evenly over 64 bits, so the key space is cut into equal
    ranges of about `chunk_postings` postings and merged range by range into
    memory-mapped output: memory stays flat whatever the segments' size."""
    total = sum(len(s) for s in segments)
    chunks = max(1, -(-total // chunk_postings))
    bounds = [int(i * (2**64) // chunks) for i in range(chunks)]

    def chunk(i: int) -> tuple[np.ndarray, np.ndarray]:
        keys, ids = [], []
        for seg in segments:
            lo = int(np.searchsorted(seg.keys, np.uint64(bounds[i]), "left"))
            hi = len(seg) if i + 1 == chunks else int(np.searchsorted(seg.keys, np.uint64(bounds[i + 1]), "left"))
            keys.append(seg.keys[lo:hi])
            ids.append(seg.ids[lo:hi])
        k, d = np.concatenate(keys), np.concatenate(ids)
        alive = ~dead[d] if len(dead) else np.ones(len(d), dtype=bool)
        return _sorted_unique(k[alive], d[alive])

    sizes = [len(chunk(i)[0]) for i in range(chunks)]  # first pass: the output's exact size
    size = sum(sizes)
    paths = Segment.files(folder, name)
    tmps = [p.with_name(f".{p.name}.tmp") for p in paths]
    out_keys = np.lib.format.open_memmap(tmps[0], mode="w+", dtype=np.uint64, shape=(size,))
    out_ids = np.lib.format.open_memmap(tmps[1], mode="w+", dtype=np.uint32, shape=(size,))
    at = 0
    for i in range(chunks):
        keys, ids = chunk(i)
        out_keys[at: at + len(keys)] = keys
        out_ids[at: at + len(ids)] = ids
        at += len(keys)
    out_keys.flush()
    out_ids.flush()
    del out_keys, out_ids  # unmapped before the files are renamed into place
    for tmp, path in zip(tmps, paths):
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    return size


def candidates(segments: Iterable[Segment], query: np.ndarray, max_postings: int) -> np.ndarray:
    """Sentence ids sharing a shingle with the query, one entry per shared shingle.

    Shingles with more than `max_postings` postings in all (boilerplate such as "said on
    Monday") carry no signal and are skipped, as passim skips frequent n-grams; when every
    shingle is that common, the rarest one's first `max_postings` postings are used."""
    segments = list(segments)
    if not len(query) or not segments:
        return np.empty(0, np.uint32)
    ranges = [seg.ranges(query) for seg in segments]
    frequency = sum(hi - lo for lo, hi in ranges)
    useful = frequency <= max_postings
    if not useful.any():
        useful = np.zeros(len(query), dtype=bool)
        useful[int(np.argmin(frequency))] = True
    parts = []
    for seg, (lo, hi) in zip(segments, ranges):
        for a, b in zip(lo[useful].tolist(), hi[useful].tolist()):
            if b > a:
                parts.append(seg.ids[a: min(b, a + max_postings)])
    return np.concatenate(parts) if parts else np.empty(0, np.uint32)
