"""Unified diffs of two texts, line by line, built on rapidfuzz's LCS (Indel) opcodes.

The output is what `diff -u` prints — `--- a/FILE`, `+++ b/FILE`, hunks `@@ -l,n +l,n @@`
with three lines of context, `\\ No newline at end of file` where it applies — so
`patch -p1` and `git apply` take it. Lines end at "\\n" only: a CRLF file diffs as CRLF.

rapidfuzz's LCS keeps a bit matrix of len(a) x len(b) / 64 words, so long files are first
cut at lines that occur once on each side (as patience diff does) and only the gaps
between those anchors are handed to rapidfuzz.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence

from rapidfuzz.distance import Indel

# Gaps up to this many cells (lines of a x lines of b) go to rapidfuzz whole (~0.5 MB of matrix).
_DIRECT_CELLS = 1 << 22
_NO_NEWLINE = "\\ No newline at end of file\n"

Opcode = tuple[str, int, int, int, int]  # tag, a_start, a_end, b_start, b_end
Block = tuple[int, int, int]  # a_start, b_start, length of a run of equal lines


def split_lines(text: str) -> list[str]:
    """The lines of `text`, each with its "\\n"; the last one may lack it."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def unified_diff(old: str, new: str, old_label: str, new_label: str, context: int = 3) -> str:
    """A unified diff turning `old` into `new`; "" when they are equal."""
    return "".join(unified_diff_pieces(old, new, old_label, new_label, context))


def unified_diff_pieces(old: str, new: str, old_label: str, new_label: str, context: int = 3) -> Iterator[str]:
    """`unified_diff` in pieces, to be written as they come: a long file's diff is never held
    whole, nor is any line copied to put its mark in front."""
    if old == new:
        return
    a, b = split_lines(old), split_lines(new)
    yield f"--- {old_label}\n"
    yield f"+++ {new_label}\n"
    for hunk in _hunks(line_opcodes(a, b), context):
        _, a1, _, b1, _ = hunk[0]
        _, _, a2, _, b2 = hunk[-1]
        yield f"@@ -{_range(a1, a2 - a1)} +{_range(b1, b2 - b1)} @@\n"
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                yield from _marked(" ", a[i1:i2])
                continue
            yield from _marked("-", a[i1:i2])
            yield from _marked("+", b[j1:j2])


def line_opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Opcodes (equal, replace, delete, insert) turning line list `a` into `b`."""
    blocks: list[Block] = []
    _match(a, 0, len(a), b, 0, len(b), blocks)
    codes: list[Opcode] = []
    i = j = 0
    for bi, bj, n in [*blocks, (len(a), len(b), 0)]:
        if i < bi or j < bj:
            tag = "replace" if i < bi and j < bj else "delete" if i < bi else "insert"
            codes.append((tag, i, bi, j, bj))
        if n:
            if codes and codes[-1][0] == "equal" and codes[-1][2] == bi:
                tag, i1, _, j1, _ = codes.pop()
                codes.append((tag, i1, bi + n, j1, bj + n))
            else:
                codes.append(("equal", bi, bi + n, bj, bj + n))
        i, j = bi + n, bj + n
    return codes


def _match(a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int, bhi: int, blocks: list[Block]) -> None:
    """Append the equal runs of a[alo:ahi] and b[blo:bhi] to `blocks`, in order."""
    head = 0
    while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
        head += 1
    if head:
        blocks.append((alo, blo, head))
        alo, blo = alo + head, blo + head
    tail = 0
    while alo < ahi - tail and blo < bhi - tail and a[ahi - tail - 1] == b[bhi - tail - 1]:
        tail += 1
    mid_a, mid_b = ahi - tail, bhi - tail
    if alo < mid_a and blo < mid_b:
        if (mid_a - alo) * (mid_b - blo) <= _DIRECT_CELLS:
            for op in Indel.opcodes(a[alo:mid_a], b[blo:mid_b]):
                if op.tag == "equal":
                    blocks.append((alo + op.src_start, blo + op.dest_start, op.src_end - op.src_start))
        else:
            # No anchors (every line repeated): the gap stays one replacement, still a valid diff.
            i, j = alo, blo
            for ai, bj in _anchors(a, alo, mid_a, b, blo, mid_b):
                _match(a, i, ai, b, j, bj, blocks)
                blocks.append((ai, bj, 1))
                i, j = ai + 1, bj + 1
            if (i, j) != (alo, blo):
                _match(a, i, mid_a, b, j, mid_b, blocks)
    if tail:
        blocks.append((mid_a, mid_b, tail))


def _anchors(a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """Lines found exactly once in each range, as (i, j) pairs increasing on both sides (the
    longest such chain, by patience sorting)."""
    count_a, count_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    where_b = {line: j for j, line in enumerate(b[blo:bhi], blo) if count_b[line] == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a[alo:ahi], alo)
             if count_a[line] == 1 and line in where_b]
    # Longest increasing subsequence of the j's, keeping back-links to rebuild it.
    tops: list[int] = []  # smallest j ending a chain of each length
    ends: list[int] = []  # index into pairs of that chain's end
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        length = bisect_left(tops, j)
        back.append(ends[length - 1] if length else -1)
        if length == len(tops):
            tops.append(j)
            ends.append(k)
        else:
            tops[length], ends[length] = j, k
    chain = []
    k = ends[-1] if ends else -1
    while k != -1:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _hunks(codes: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """Group opcodes into hunks with `context` equal lines around each change."""
    codes = list(codes)
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context and group:
            # A long run of equal lines closes the hunk and opens the next one.
            group.append((tag, i1, i1 + context, j1, j1 + context))
            yield group
            group = []
            i1, j1 = i2 - context, j2 - context
        group.append((tag, i1, i2, j1, j2))
    if any(code[0] != "equal" for code in group):
        yield group


def _range(start: int, length: int) -> str:
    """A hunk header's range: 1-based first line and count (',1' left out; an empty
    range names the line before it)."""
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _marked(mark: str, lines: Sequence[str]) -> Iterator[str]:
    for line in lines:
        yield mark
        yield line
        if not line.endswith("\n"):
            yield "\n" + _NO_NEWLINE
