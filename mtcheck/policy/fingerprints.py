"""Fingerprints: the stable id of a finding that baselines match on.

A finding's fingerprint hashes its rule, the flagged text and the words either side of it
in its sentence (not its line or offset), plus an occurrence index for repeats, so an edit
elsewhere in the file leaves it unchanged. Kept apart from the baseline file's models, so that
checking (which fingerprints every finding) does not load pydantic.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mtcheck.core.tokens import Tokens

FINGERPRINT_KEY = "mtcheck/v1"  # SARIF partialFingerprints key; bump when the recipe changes
WINDOW_WORDS = 4  # words of the sentence kept either side of the span
_WORD = re.compile(r"\w+")


def fingerprints(text: str, spans: Sequence[tuple[str, int, int, tuple[int, int] | None]],
                 tokens: Tokens | None = None) -> list[str]:
    """The fingerprint of each (rule, start, end, sentence span) of a file's `text`, in order.
    The words around a span are taken from its sentence when the span starts inside it,
    else from 200 characters either side; repeats of one digest are numbered in text order.
    `tokens`, the words of `text` when the pipeline has them, saves splitting it again."""
    words = tokens.clipped if tokens is not None else _words_of(text)
    digests = [_digest(text, words, *span) for span in spans]
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1], spans[i][2], spans[i][0]))
    seen: dict[str, int] = {}
    out = [""] * len(spans)
    for i in order:
        index = seen.get(digests[i], 0)
        seen[digests[i]] = index + 1
        out[i] = f"{digests[i]}:{index}"
    return out


_BEFORE, _AFTER = slice(-WINDOW_WORDS, None), slice(WINDOW_WORDS)


def _digest(text: str, words: Callable[[int, int, slice], list[str]], rule: str, start: int, end: int,
            sentence: tuple[int, int] | None) -> str:
    if sentence is not None and sentence[0] <= start:
        lo, hi = sentence[0], max(sentence[1], end)
    else:
        lo, hi = max(0, start - 200), min(len(text), end + 200)
    # Words only: reflowed lines, changed punctuation or markup around the sentence do not count.
    before = " ".join(w.casefold() for w in words(lo, start, _BEFORE))
    after = " ".join(w.casefold() for w in words(end, hi, _AFTER))
    flagged = " ".join(text[start:end].split()).casefold()
    key = "\x1f".join((rule, flagged, before, after))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _words_of(text: str) -> Callable[[int, int, slice], list[str]]:
    """The words of text[start:end], some of them: like `Tokens.clipped`, for a text not tokenised
    (a file whose checked text was extracted from markup)."""
    return _Words(text).clipped


class _Words:
    r"""The last and first WINDOW_WORDS words of a stretch of text, as `\w+` finds them in that
    stretch (a word cut by its edge counts as the part inside). Looked for in a small window
    that grows while it holds too few words; where words are so sparse that it would grow past
    _REACH (a run of punctuation), in an index of every word's offsets, built once: a document
    of thousands of findings costs neither a scan of its sentence per finding nor, in the
    common case, an index."""

    _REACH = 1024

    def __init__(self, text: str):
        self.text = text
        self._starts: array[int] | None = None
        self._ends: array[int] = array("q")

    def last(self, lo: int, start: int) -> list[str]:
        window = 64 if self._starts is None else self._REACH + 1  # once indexed, always indexed
        while window <= self._REACH:
            at = max(lo, start - window)
            found = _WORD.findall(self.text, at, start)
            if at == lo or len(found) > WINDOW_WORDS:
                return found[-WINDOW_WORDS:]
            window *= 4
        if start <= lo:
            return []
        starts, ends = self._index()
        out: list[str] = []
        k = bisect_left(starts, start) - 1
        while k >= 0 and ends[k] > lo and len(out) < WINDOW_WORDS:
            out.append(self.text[max(starts[k], lo):min(ends[k], start)])
            k -= 1
        return out[::-1]

    def first(self, end: int, hi: int) -> list[str]:
        window = 64 if self._starts is None else self._REACH + 1
        while window <= self._REACH:
            at = min(hi, end + window)
            found = _WORD.findall(self.text, end, at)
            if at == hi or len(found) > WINDOW_WORDS:
                return found[:WINDOW_WORDS]
            window *= 4
        if hi <= end:
            return []
        starts, ends = self._index()
        out: list[str] = []
        k = bisect_right(ends, end)
        while k < len(starts) and starts[k] < hi and len(out) < WINDOW_WORDS:
            out.append(self.text[max(starts[k], end):min(ends[k], hi)])
            k += 1
        return out

    def _index(self) -> tuple[array[int], array[int]]:
        if self._starts is None:
            self._starts = array("q")
            for m in _WORD.finditer(self.text):
                self._starts.append(m.start())
                self._ends.append(m.end())
        return self._starts, self._ends

    def clipped(self, start: int, end: int, pick: slice) -> list[str]:
        """As `Tokens.clipped`: the last or the first WINDOW_WORDS words, or any pick of all."""
        if pick == _BEFORE:
            return self.last(start, end)
        if pick == _AFTER:
            return self.first(start, end)
        return _WORD.findall(self.text, start, end)[pick]
