"""Offsets of extracted text mapped back to the file it came from.

A reader that extracts text from markup (HTML, Markdown, wire XML) records which runs
of the extracted text were copied verbatim from which place in the original. Findings
are then reported at the original file's offsets, lines and columns, where an editor
or a CI annotation needs them.
"""

from __future__ import annotations

import heapq
import re
from array import array
from bisect import bisect_left, bisect_right
from typing import Protocol

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CR = re.compile(r"\r\n?")


class TextMap(Protocol):
    """Offsets of a text made from another (extracted, or with its line ends changed) mapped
    back to that other text."""

    def to_original(self, offset: int) -> int:
        """The original offset of a span's start."""
        ...

    def to_original_end(self, end: int) -> int:
        """The original offset of a span's exclusive end."""
        ...


class OffsetMap:
    """Built run by run while extracting: `copy` for text taken verbatim, `insert` for text
    that stands for something else in the original (an entity decoded to one character, a
    run of white space read as one space) or for nothing (a paragraph break between two
    elements). The runs tile the extracted text, so every offset maps somewhere."""

    __slots__ = ("_extracted", "_lengths", "_original", "_spans", "_verbatim", "length")

    def __init__(self) -> None:
        self._extracted: list[int] = []  # where each run starts in the extracted text
        self._original: list[int] = []  # and in the original
        self._lengths: list[int] = []  # its length in the extracted text
        self._spans: list[int] = []  # and in the original (a copy: the same; an insert: what it stands for)
        self._verbatim: list[bool] = []
        self.length = 0  # of the extracted text so far

    def copy(self, original_start: int, length: int) -> None:
        """The next `length` extracted characters are original[original_start:original_start+length]."""
        if length <= 0:
            return
        if (self._verbatim and self._verbatim[-1] and self._original[-1] + self._lengths[-1] == original_start
                and self._extracted[-1] + self._lengths[-1] == self.length):
            self._lengths[-1] += length  # extends the previous run
            self._spans[-1] += length
        else:
            self._add(original_start, length, length, True)
        self.length += length

    def insert(self, length: int, original_at: int | None = None, original_end: int | None = None) -> None:
        """The next `length` extracted characters stand for original[original_at:original_end]
        (an entity, white space), or for nothing at original_at (no `original_end`: a break
        between elements), or for nothing after the previous run (no `original_at`)."""
        if length <= 0:
            return
        if original_at is None:
            original_at = self._original[-1] + self._spans[-1] if self._original else 0
        span = max(0, original_end - original_at) if original_end is not None else 0
        self._add(original_at, length, span, False)
        self.length += length

    def _add(self, original: int, length: int, span: int, verbatim: bool) -> None:
        self._extracted.append(self.length)
        self._original.append(original)
        self._lengths.append(length)
        self._spans.append(span)
        self._verbatim.append(verbatim)

    def to_original(self, offset: int) -> int:
        """The original offset of an extracted offset (a span's start). Inside a copied run it is
        exact; inside inserted text it is where what that text stands for begins."""
        i = bisect_right(self._extracted, offset) - 1
        if i < 0:
            return self._original[0] if self._original else offset
        into = offset - self._extracted[i]
        if self._verbatim[i]:
            return self._original[i] + min(into, self._lengths[i])
        return self._original[i] + (self._spans[i] if into >= self._lengths[i] else 0)

    def to_original_end(self, end: int) -> int:
        """The original offset for an exclusive end: after the character before it, so a span
        that ends at a run boundary does not swallow the markup after it, and a span that ends
        on a decoded entity takes the whole entity."""
        if end <= 0:
            return self.to_original(0)
        i = bisect_right(self._extracted, end - 1) - 1
        if i < 0:
            return self._original[0] if self._original else end
        if self._verbatim[i]:
            return self._original[i] + min(end - self._extracted[i], self._lengths[i])
        return self._original[i] + self._spans[i]


class LineEndMap:
    """A text whose CR LF and lone CR line ends are read as LF, mapped back to the text with
    them. A CR LF loses its CR, so an offset moves on by the CRs taken out before it: a span
    that starts at such a LF starts at its CR, one that ends after it ends after it, so a line
    break is never cut in two. A lone CR (old Mac files, a CR doubled before a CR LF) becomes
    a LF in its place. One machine integer a line end (a file of a million lines costs 8 MB,
    not an `OffsetMap`'s hundreds)."""

    __slots__ = ("_lfs", "_lone")

    def __init__(self, text: str):
        lfs, lone = array("q"), array("q")  # where each such LF stands in the text read as LF
        for m in _CR.finditer(text):
            if m.end() - m.start() == 2:
                lfs.append(m.start() - len(lfs))
            else:
                lone.append(m.start() - len(lfs))
        self._lfs, self._lone = lfs, lone

    @staticmethod
    def read(text: str) -> str:
        """`text` with its CR LF and lone CR line ends as LF."""
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def to_original(self, offset: int) -> int:
        return offset + bisect_left(self._lfs, offset)

    # An end after a LF takes its CR along (counted: it stood before the LF); an end before it
    # stops before the CR (not counted): the same sum.
    to_original_end = to_original

    def restore(self, text: str, start: int = 0) -> str:
        """`text`, the text read as LF from `start` on, with its line ends as they were."""
        end = start + len(text)
        lfs, lone = self._lfs, self._lone
        first, last = bisect_left(lfs, start), bisect_left(lfs, end)
        lone_first, lone_last = bisect_left(lone, start), bisect_left(lone, end)
        if lone_first == lone_last and last - first == text.count("\n"):  # every LF was a CR LF
            return text.replace("\n", "\r\n")
        ends = heapq.merge(((lfs[k], "\r\n") for k in range(first, last)),
                           ((lone[k], "\r") for k in range(lone_first, lone_last)))
        at, pieces = 0, []
        for lf, was in ends:
            pieces.append(text[at:lf - start])
            pieces.append(was)
            at = lf - start + 1
        pieces.append(text[at:])
        return "".join(pieces)

    def lines_of_original(self, lines: LineIndex) -> LineIndex:
        """The line index of the text as it was, from that of the text read as LF (the same
        lines, each starting after as many more CRs as came before it)."""
        starts = lines.starts
        return LineIndex.of_starts(array(starts.typecode, (s + bisect_left(self._lfs, s) for s in starts)))

    def digest_bytes(self) -> bytes:
        """Where the CRs stood, as bytes (for a content key)."""
        return self._lfs.tobytes() + b"/" + self._lone.tobytes()


class ChainedMap:
    """Two maps one after the other: `first` from a text to the text it was made from, `then`
    from that one on to the file."""

    __slots__ = ("first", "then")

    def __init__(self, first: TextMap, then: TextMap):
        self.first, self.then = first, then

    def to_original(self, offset: int) -> int:
        return self.then.to_original(self.first.to_original(offset))

    def to_original_end(self, end: int) -> int:
        return self.then.to_original_end(self.first.to_original_end(end))


class LineIndex:
    """1-based (line, column) of character offsets in a text; lines end at CRLF, CR or LF."""

    __slots__ = ("starts",)

    def __init__(self, text: str):
        # offset where each line begins, as machine integers (a list of a long text's took 35 bytes a line)
        self.starts = array("I" if len(text) < 2**32 else "Q", [0])
        self.starts.extend(m.end() for m in _LINE_BREAK.finditer(text))

    @classmethod
    def of_starts(cls, starts: array[int]) -> LineIndex:
        index = cls.__new__(cls)
        index.starts = starts
        return index

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


class RecordPosition:
    """Where the text of a document read from one line of a many-document file (a JSONL
    record) stands in that file: on the record's line, each character at the column it is
    written at there (a JSON escape such as \\n or \\u00e9 at the column where it starts).
    Reports place findings with it, so an editor or a CI annotation lands on the record."""

    __slots__ = ("columns", "line")

    def __init__(self, line: int, columns: OffsetMap):
        self.line = line
        self.columns = columns  # offsets in the document's text -> offsets in the line

    def position(self, offset: int) -> tuple[int, int]:
        return self.line, self.columns.to_original(offset) + 1
