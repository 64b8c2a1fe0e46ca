"""Segment-level fluency from document checks.

Segments are not checked one by one: a document is its segments joined with "\\n", and
the document check has already scored every sentence in context (an echo of the
previous sentence, a dateline, repetition across sentences). Each segment is located in
its document's text and gets the mean score of the sentences overlapping it, weighted
by overlap: faithful to what `check` sees, and free, since no text is checked twice.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence

from mtcheck.evaluate.labelled import LabelledSegment

METHOD = ("each segment is located in its document's text (segments joined with a line break) and scored with the "
          "overlap-weighted mean fluency of the document's sentences it covers; documents are checked once, in context")


def by_document(segments: Sequence[LabelledSegment]) -> dict[tuple[str, ...], list[LabelledSegment]]:
    """Segments per document key, in their order (seg_id)."""
    grouped: dict[tuple[str, ...], list[LabelledSegment]] = defaultdict(list)
    for s in segments:
        grouped[s.key].append(s)
    for parts in grouped.values():
        parts.sort(key=lambda s: (s.order, s.line))
    return dict(grouped)


def locate(text: str, parts: Sequence[str]) -> list[tuple[int, int]] | None:
    """The span of each part in `text`, searched in order from the end of the previous
    one; None when a part is not there (the text is not these segments)."""
    spans, cursor = [], 0
    for part in parts:
        start = text.find(part, cursor)
        if start < 0:
            return None
        spans.append((start, start + len(part)))
        cursor = start + len(part)
    return spans


def joined(parts: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """The parts joined with "\\n", and the span of each in the result."""
    spans, cursor = [], 0
    for part in parts:
        spans.append((cursor, cursor + len(part)))
        cursor += len(part) + 1
    return "\n".join(parts), spans


def span_fluency(sentences: Sequence[tuple[int, int, float]], start: int, end: int) -> float | None:
    """Overlap-weighted mean score of the sentences overlapping [start, end); None if none does."""
    starts = [s[0] for s in sentences]
    i = max(0, bisect_right(starts, start) - 1)
    weighted = covered = 0.0
    while i < len(sentences) and sentences[i][0] < end:
        s_start, s_end, score = sentences[i]
        overlap = min(end, s_end) - max(start, s_start)
        if overlap > 0:
            weighted += score * overlap
            covered += overlap
        i += 1
    return weighted / covered if covered else None
