"""Monotonic sentence alignment of two English versions of a story.

Gale–Church and Bleualign align by dynamic programming over sentence groups; this is
the same idea for two versions in one language, so the score is similarity of the
words themselves (rapidfuzz Indel similarity over lower-cased word tokens) weighted by
length, rather than a length model alone.

A group of sentences pairs up only when its similarity beats `min_similarity`: the gain
of a group is (similarity - min_similarity) x its length in words, and leaving a sentence
unpaired (1-0, 0-1) gains nothing. Groups of more than two sentences pay a small
`merge_penalty`, so a split or merge is chosen only when it reads better than 1-1.

The full similarity matrix is one rapidfuzz `cdist` call in C; the dynamic programme
then runs in a band around a rough path through mutual best matches, so two
1,000-sentence versions align in a fraction of a second. Beyond DENSE_PAIRS sentence
pairs the matrix is not built (two 1 MB versions would need gigabytes): each draft
sentence is compared with the few reference sentences sharing most word pairs with it to
find the anchors, and the band's similarities are computed as the programme reaches them,
so time and memory grow with the length of the versions, not with its square.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Protocol

from rapidfuzz import process
from rapidfuzz.distance import Indel

from mtcheck.budget import checkpoint

_WORD = re.compile(r"\w+")
# Sentence pairs up to which the whole similarity matrix is computed (8 MB of floats).
DENSE_PAIRS = 1_000_000
# Above it: reference sentences each draft sentence is compared with to find anchors, and how
# many sentences a word pair may be in and still say which ones are alike.
_CANDIDATES = 8
# Code points a word can be given by _as_letters: all but the surrogates, which are not characters.
_SURROGATES, _SURROGATE_COUNT = 0xD800, 0x800
_LETTERS = 0x110000 - _SURROGATE_COUNT
_MAX_POSTINGS = 32


@dataclass(frozen=True)
class AlignSettings:
    min_similarity: float = 0.22
    merge_penalty: float = 0.04
    band: int = 12  # sentences either side of the rough path searched by the DP

    def describe(self) -> str:
        return f"sim{self.min_similarity:g},merge{self.merge_penalty:g},band{self.band}"


@dataclass(frozen=True)
class Link:
    """One aligned group: sentence index ranges [start, end) on each side."""

    draft: tuple[int, int]
    reference: tuple[int, int]
    similarity: float  # 0..1; 0 for a 1-0 or 0-1 group

    @property
    def operation(self) -> str:
        return f"{self.draft[1] - self.draft[0]}-{self.reference[1] - self.reference[0]}"


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def align_sentences(draft: Sequence[str], reference: Sequence[str],
                    settings: AlignSettings = AlignSettings()) -> list[Link]:
    """Align two lists of sentences; every sentence is in exactly one group, in order."""
    a, b = _as_letters([tokens(s) for s in draft], [tokens(s) for s in reference])
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return [Link((i, i + 1), (0, 0), 0.0) for i in range(n)] + [Link((n, n), (j, j + 1), 0.0) for j in range(m)]
    sim: _Grid
    if n * m <= DENSE_PAIRS:
        # Threads pay off only on large inputs.
        workers = -1 if n * m > 40_000 else 1
        matrix = process.cdist(a, b, scorer=Indel.normalized_similarity, workers=workers)
        best_j = matrix.argmax(axis=1)
        best_i = matrix.argmax(axis=0)
        anchors = [(i, int(j)) for i, j in enumerate(best_j) if best_i[j] == i and matrix[i, j] >= 0.5]
        sim = matrix.tolist()
    else:
        similarities = _Similarities(a, b)
        anchors = _sparse_anchors(a, b, similarities)
        sim = similarities
    checkpoint()
    lo, hi = _band(anchors, n, m, settings.band)
    return _dynamic_programme(a, b, sim, lo, hi, settings)


def _as_letters(a: list[list[str]], b: list[list[str]]) -> tuple[list[Any], list[Any]]:
    """Each sentence's words as a string of one character per distinct word (the same word, the
    same character). Similarities only ask which words are equal, so they do not change, but
    rapidfuzz compares two strings without first hashing every word of both into an array of
    its own, as it must for two lists: the band's pairs cost a third as much. Versions with
    more distinct words than there are characters keep their lists."""
    vocabulary = {word for words in (*a, *b) for word in words}
    if len(vocabulary) > _LETTERS:
        return a, b
    letter = {word: chr(k if k < _SURROGATES else k + _SURROGATE_COUNT) for k, word in enumerate(vocabulary)}
    return ["".join([letter[w] for w in words]) for words in a], ["".join([letter[w] for w in words]) for words in b]


class _Grid(Protocol):
    """sim[i][j]: the similarity of draft sentence i and reference sentence j."""

    def __getitem__(self, i: int, /) -> Any: ...


class _Similarities:
    """sim[i][j] for two long versions, computed when first asked for: the programme asks for
    the pairs in its band, not for all n x m."""

    def __init__(self, a: list[list[str]], b: list[list[str]]):
        self._rows = [_Row(tokens_i, b) for tokens_i in a]

    def __getitem__(self, i: int) -> _Row:
        return self._rows[i]

    def __len__(self) -> int:
        return len(self._rows)


class _Row(dict):
    """One draft sentence's similarities with reference sentences, by reference index, each
    computed when first asked for: a dict, so that asking again for one known stays in C."""

    __slots__ = ("_b", "_words")

    def __init__(self, words: Any, b: list[Any]):
        super().__init__()
        self._words, self._b = words, b

    def __missing__(self, j: int) -> float:
        value = self[j] = Indel.normalized_similarity(self._words, self._b[j])
        return value


def _sparse_anchors(a: list[list[str]], b: list[list[str]], sim: _Similarities) -> list[tuple[int, int]]:
    """Mutual best matches of at least 0.5, as `align_sentences` takes them from the full matrix,
    each draft sentence compared only with the reference sentences sharing most word pairs."""
    postings: dict[str, list[int]] = {}
    for j, words in enumerate(b):
        for key in set(_pairs_of(words)):
            postings.setdefault(key, []).append(j)
    best_j: dict[int, tuple[float, int]] = {}
    best_i: dict[int, tuple[float, int]] = {}
    for i, words in enumerate(a):
        shared: Counter[int] = Counter()
        for key in set(_pairs_of(words)):
            ids = postings.get(key)
            if ids is not None and len(ids) <= _MAX_POSTINGS:
                shared.update(ids)
        for j, _ in shared.most_common(_CANDIDATES):
            s = sim[i][j]
            if s > best_j.get(i, (-1.0, 0))[0]:
                best_j[i] = (s, j)
            if s > best_i.get(j, (-1.0, 0))[0]:
                best_i[j] = (s, i)
    return sorted((i, j) for i, (s, j) in best_j.items() if s >= 0.5 and best_i[j][1] == i)


def _pairs_of(words: list[str]) -> list[str]:
    """A sentence's word pairs (its one word, for a sentence of one)."""
    return [f"{x} {y}" for x, y in pairwise(words)] or words


def _band(anchors: list[tuple[int, int]], n: int, m: int, width: int) -> tuple[list[int], list[int]]:
    """For each draft row i (0..n), the range of reference columns j the DP visits.

    The rough path goes through anchors: pairs that are each other's best match and
    clearly similar, kept in order by a longest increasing subsequence. Between anchors
    the path is interpolated; the band is `width` either side, widened wherever the
    path jumps (a block of insertions)."""
    anchors = _increasing(anchors)
    points = [(0, 0), *((i, j) for i, j in anchors), (n, m)]
    centre = []
    k = 0
    for i in range(n + 1):
        while k + 1 < len(points) - 1 and points[k + 1][0] <= i:
            k += 1
        (i0, j0), (i1, j1) = points[k], points[k + 1]
        if i1 == i0:
            centre.append(j1)
        else:
            centre.append(j0 + (j1 - j0) * (i - i0) // (i1 - i0))
    lo, hi = [], []
    for i in range(n + 1):
        # Wherever the path moves by more than one column per row, keep the whole jump in reach.
        prev_c = centre[i - 1] if i else 0
        next_c = centre[i + 1] if i < n else m
        low = min(centre[i], prev_c, next_c) - width
        high = max(centre[i], prev_c, next_c) + width
        lo.append(max(0, low))
        hi.append(min(m, high))
    # Bounds never move backwards, and consecutive rows overlap, so every cell in the
    # band has a predecessor in it and the end (n, m) is always reachable.
    lo[0], hi[n] = 0, m
    for i in range(1, n + 1):
        lo[i] = max(lo[i], lo[i - 1])
    for i in range(n - 1, -1, -1):
        hi[i] = min(hi[i], hi[i + 1])
    for i in range(1, n + 1):
        lo[i] = min(lo[i], hi[i - 1])
    return lo, hi


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of (i, j) pairs (sorted by i) with j strictly increasing."""
    tails: list[int] = []
    tail_at: list[int] = []
    parent = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        parent[k] = tail_at[pos - 1] if pos else -1
    out = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(pairs[k])
        k = parent[k]
    return out[::-1]


def _dynamic_programme(a: list[list[str]], b: list[list[str]], sim: _Grid, lo: list[int],
                       hi: list[int], settings: AlignSettings) -> list[Link]:
    n, m = len(a), len(b)
    tau, penalty = settings.min_similarity, settings.merge_penalty
    len_a = [len(t) or 1 for t in a]
    len_b = [len(t) or 1 for t in b]
    # Token lists of two consecutive sentences, built once for the 2-x and x-2 groups.
    pair_a = [a[i] + a[i + 1] for i in range(n - 1)]
    pair_b = [b[j] + b[j + 1] for j in range(m - 1)]
    similarity = Indel.normalized_similarity
    # score[i][j]: best gain aligning a[:i] with b[:j]; back[i][j] = (di, dj, similarity).
    score: list[dict[int, float]] = [{} for _ in range(n + 1)]
    back: list[dict[int, tuple[int, int, float]]] = [{} for _ in range(n + 1)]
    score[0][0] = 0.0
    for i in range(n + 1):
        if i % 256 == 0:
            checkpoint()
        here, here_back = score[i], back[i]
        up = score[i - 1] if i >= 1 else {}
        up2 = score[i - 2] if i >= 2 else {}
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                continue
            best, arg = float("-inf"), None
            # 1-0 and 0-1: a sentence left unpaired gains nothing.
            prev = up.get(j)
            if prev is not None:
                best, arg = prev, (1, 0, 0.0)
            prev = here.get(j - 1)
            if prev is not None and prev > best:
                best, arg = prev, (0, 1, 0.0)
            if i >= 1 and j >= 1:
                row = sim[i - 1]
                s11 = row[j - 1]
                prev = up.get(j - 1)
                if prev is not None:
                    total = prev + (s11 - tau) * (len_a[i - 1] + len_b[j - 1])
                    if total > best:
                        best, arg = total, (1, 1, s11)
                # Merges are scored only where each of their sentences relates to the other side.
                if i >= 2:
                    prev = up2.get(j - 1)
                    if prev is not None and s11 >= tau and sim[i - 2][j - 1] >= tau:
                        s = similarity(pair_a[i - 2], b[j - 1])
                        total = prev + (s - tau - penalty) * (len_a[i - 2] + len_a[i - 1] + len_b[j - 1])
                        if total > best:
                            best, arg = total, (2, 1, s)
                if j >= 2:
                    prev = up.get(j - 2)
                    if prev is not None and s11 >= tau and row[j - 2] >= tau:
                        s = similarity(a[i - 1], pair_b[j - 2])
                        total = prev + (s - tau - penalty) * (len_a[i - 1] + len_b[j - 2] + len_b[j - 1])
                        if total > best:
                            best, arg = total, (1, 2, s)
                if i >= 2 and j >= 2:
                    prev = up2.get(j - 2)
                    above = sim[i - 2]
                    if (prev is not None and max(above[j - 2], above[j - 1]) >= tau and max(row[j - 2], s11) >= tau
                            and max(above[j - 2], row[j - 2]) >= tau and max(above[j - 1], s11) >= tau):
                        s = similarity(pair_a[i - 2], pair_b[j - 2])
                        total = prev + (s - tau - penalty) * (len_a[i - 2] + len_a[i - 1] + len_b[j - 2] + len_b[j - 1])
                        if total > best:
                            best, arg = total, (2, 2, s)
            if arg is not None:
                here[j] = best
                here_back[j] = arg
    links = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj, s = back[i][j]
        links.append(Link((i - di, i), (j - dj, j), round(s, 4)))
        i, j = i - di, j - dj
    return _pair_gaps(links[::-1], sim, tau)


def _pair_gaps(links: list[Link], sim: _Grid, tau: float) -> list[Link]:
    """A sentence dropped right where one was added is usually the same sentence rewritten
    beyond recognition ("adopts the world's leading technology" -> "uses"): pair the two
    when they share anything at all, as Bleualign fills gaps between its anchors."""
    out: list[Link] = []
    for link in links:
        prev = out[-1] if out else None
        if prev is not None and {prev.operation, link.operation} == {"1-0", "0-1"}:
            i = prev.draft[0] if prev.operation == "1-0" else link.draft[0]
            j = prev.reference[0] if prev.operation == "0-1" else link.reference[0]
            s = sim[i][j]
            if s >= tau / 2:
                out[-1] = Link((i, i + 1), (j, j + 1), round(s, 4))
                continue
        out.append(link)
    return out
