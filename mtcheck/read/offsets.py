"""Offsets of extracted text mapped back to the file it came from.

A reader that extracts text from markup (HTML, Markdown, wire XML) records which runs
of the extracted text were copied verbatim from which place in the original. Findings
are then reported at the original file's offsets, lines and columns, where an editor
or a CI annotation needs them.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class OffsetMap:
    """Built run by run while extracting: `copy` for text taken verbatim, `insert` for text
    that has no counterpart in the original (a paragraph break between two elements, an
    entity decoded to one character)."""

    __slots__ = ("_extracted", "_lengths", "_original", "length")

    def __init__(self) -> None:
        self._extracted: list[int] = []
        self._original: list[int] = []
        self._lengths: list[int] = []
        self.length = 0  # of the extracted text so far

    def copy(self, original_start: int, length: int) -> None:
        """The next `length` extracted characters are original[original_start:original_start+length]."""
        if length <= 0:
            return
        if (self._lengths and self._extracted[-1] + self._lengths[-1] == self.length
                and self._original[-1] + self._lengths[-1] == original_start):
            self._lengths[-1] += length  # extends the previous run
        else:
            self._extracted.append(self.length)
            self._original.append(original_start)
            self._lengths.append(length)
        self.length += length

    def insert(self, length: int, original_at: int | None = None) -> None:
        """The next `length` extracted characters stand for original[original_at] (or for the
        place after the previous run): an entity, a break between elements."""
        if length <= 0:
            return
        if original_at is not None:
            # A zero-width anchor: offsets inside the inserted text map to original_at.
            self._extracted.append(self.length)
            self._original.append(original_at)
            self._lengths.append(0)
        self.length += length

    def to_original(self, offset: int) -> int:
        """The original offset of an extracted offset. Inside a copied run it is exact; inside
        inserted text it is where that text stands in the original (the end of the run before)."""
        i = bisect_right(self._extracted, offset) - 1
        if i < 0:
            return self._original[0] if self._original else offset
        return self._original[i] + min(offset - self._extracted[i], self._lengths[i])

    def to_original_end(self, end: int) -> int:
        """The original offset for an exclusive end: the character before it, plus one, so a span
        that ends at a run boundary does not swallow the markup after it."""
        if end <= 0:
            return self.to_original(0)
        return self.to_original(end - 1) + 1


class LineIndex:
    """1-based (line, column) of character offsets in a text; lines end at CRLF, CR or LF."""

    __slots__ = ("starts",)

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]  # offset where each line begins

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
