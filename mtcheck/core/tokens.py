"""One document's words, found once and shared by everything that looks at words.

The rules (repetition), the fingerprints, the word count behind the MT likelihood and the
features of a provenance model read the words here rather than splitting the text again.

A word is a maximal run of `\\w` characters as Python's `re` defines them (letters and
digits of any script, and the underscore): "don't" is "don" and "t", "COVID-19" is
"COVID" and "19", "共同富裕" is one word. Offsets are in the analysed text.

Long documents stay compact: offsets are arrays of machine integers, and the lower-cased
words are indices into the list of distinct ones (a 10 MB document holds about 1.6 million
words but only some thousands of distinct ones), two bytes a word. The text is tokenised
in chunks cut at white space, so no list of every piece of the text is ever held at once.

    tokens = tokenize(text)
    tokens.lower[k]                      # word k, lower-cased: what the rules compare
    tokens.lower.ids, tokens.lower.vocab # the same as indices into the distinct words
    tokens.starts[k], tokens.ends[k]     # its offsets in the text
    tokens.words[k]                      # as written (built on first use)
    for k in tokens.between(s.start, s.end): ...   # the words of one sentence
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import accumulate

from mtcheck.core.packed import PackedRows

_WORD_SPLIT = re.compile(r"(\w+)")
_SPACE = re.compile(r"\s")
CHUNK_CHARS = 1 << 16  # a chunk's pieces are short-lived; the cut is at the next white space


class LowerWords(PackedRows[str]):
    """Every word of a text lower-cased, in order: word k is `vocab[ids[k]]`. The indices are
    16-bit while the distinct words fit (32-bit past 65,536 of them): two bytes a word, where a
    list of the words took a pointer (eight); equal words are one string."""

    __slots__ = ("ids", "vocab")

    def __init__(self, ids: array, vocab: list[str]):
        self.ids = ids
        self.vocab = vocab  # the distinct words, in the order they first occur

    def __len__(self) -> int:
        return len(self.ids)

    def _row(self, i: int) -> str:
        return self.vocab[self.ids[i]]

    def __iter__(self) -> Iterator[str]:
        return map(self.vocab.__getitem__, self.ids)


class Tokens:
    """The words of one text. Read-only by convention: built once by `tokenize`."""

    __slots__ = ("_words", "ends", "lower", "running_words", "starts", "text")

    def __init__(self, text: str, lower: LowerWords, starts: array, ends: array, running_words: int):
        self.text = text
        self.lower = lower  # word k lower-cased (str.lower)
        self.starts = starts  # offset of word k's first character
        self.ends = ends  # offset after word k's last character
        # White-space separated words, punctuation attached ("said," is one): the length
        # measure of the MT likelihood (words per 250), as len(text.split()) counts them.
        self.running_words = running_words
        self._words: list[str] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def words(self) -> list[str]:
        """Every word as written, in order (equal words share one string)."""
        if self._words is None:
            shared: dict[str, str] = {}
            text = self.text
            self._words = [shared.setdefault(w, w) for w in (text[s:e] for s, e in zip(self.starts, self.ends))]
        return self._words

    def word(self, k: int) -> str:
        """Word k as written."""
        return self.text[self.starts[k]:self.ends[k]]

    def gap(self, k: int) -> str:
        """The text between word k and word k + 1 (after the last word: to the end)."""
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
        return self.text[self.ends[k]:end]

    def between(self, start: int, end: int) -> range:
        """Indices of the words lying wholly inside text[start:end] (a sentence, a paragraph)."""
        return range(bisect_left(self.starts, start), bisect_right(self.ends, end))

    def overlapping(self, start: int, end: int) -> range:
        """Indices of the words with at least one character inside text[start:end]."""
        if start >= end:
            return range(0)
        return range(bisect_right(self.ends, start), bisect_left(self.starts, end))

    def clipped(self, start: int, end: int, pick: slice = slice(None)) -> list[str]:
        """The words of text[start:end] as written, cut at its edges: what re.findall(r"\\w+")
        finds in that slice, without scanning it again. `pick` chooses some of them
        (slice(-4, None): the last four) without building the others."""
        text, starts, ends = self.text, self.starts, self.ends
        return [text[max(starts[k], start):min(ends[k], end)] for k in self.overlapping(start, end)[pick]]

def tokenize(text: str) -> Tokens:
    """The words of text with their offsets, and its count of white-space separated words."""
    typecode = "I" if len(text) < 2**32 else "Q"
    starts, ends = array(typecode), array(typecode)
    ids = array("H")
    vocab: list[str] = []
    index: dict[str, int] = {}  # word -> its place in vocab
    running = 0
    for at, chunk in _chunks(text):
        running += len(chunk.split())
        parts = _WORD_SPLIT.split(chunk)  # [gap, word, gap, word, ..., gap]: one C-level call
        offsets = list(accumulate(map(len, parts), initial=at))  # offsets[i]: where parts[i] starts
        starts.extend(offsets[1:-1:2])
        ends.extend(offsets[2::2])
        lowered = list(map(str.lower, parts[1::2]))
        new = [w for w in dict.fromkeys(lowered) if w not in index]
        index.update(zip(new, range(len(vocab), len(vocab) + len(new))))
        vocab.extend(new)
        if len(vocab) > 0xFFFF and ids.typecode == "H":
            ids = array("I", ids)
        ids.extend(map(index.__getitem__, lowered))
    return Tokens(text, LowerWords(ids, vocab), starts, ends, running)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) of text, pieces of about CHUNK_CHARS cut at white space, so that no
    word, and no white-space separated word, is cut in two."""
    at, n = 0, len(text)
    while at < n:
        cut = n
        if n - at > CHUNK_CHARS:
            space = _SPACE.search(text, at + CHUNK_CHARS)
            cut = space.start() if space is not None else n
        yield at, text[at:cut]
        at = cut
