"""Character offsets to LSP positions: line and character in the code units the client and
server agreed on (UTF-16 unless the client offers UTF-8 or UTF-32).

LSP counts lines at "\\n", "\\r\\n" and "\\r" only, not at the other characters Python's
splitlines breaks on (U+2028, form feed, ...), and a position's character counts code
units, so a character outside the Basic Multilingual Plane (an emoji, a rare CJK
character) is two UTF-16 units: a column in code points would put every later range on
the line out of place.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
ENCODINGS = ("utf-16", "utf-8", "utf-32")


def code_units(text: str, encoding: str) -> int:
    """The length of `text` in the code units of `encoding` (utf-16, utf-8 or utf-32)."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


@dataclass(frozen=True)
class Position:
    line: int  # 0-based
    character: int  # 0-based, in code units


class PositionIndex:
    """Positions of offsets into one text, in one encoding."""

    def __init__(self, text: str, encoding: str = "utf-16"):
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown position encoding {encoding!r} (known: {', '.join(ENCODINGS)})")
        self.text, self.encoding = text, encoding
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return Position(line, code_units(self.text[start:offset], self.encoding))

    def offset(self, position: Position) -> int:
        """The offset a client's position points at (clamped to its line, as LSP says)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        line = _LINE_BREAK.sub("", self.text[start:end])
        units = 0
        for i, c in enumerate(line):
            if units >= position.character:
                return start + i
            units += code_units(c, self.encoding)
        return start + len(line)
