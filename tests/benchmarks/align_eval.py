"""Alignment accuracy on real versions: WMT21 zh-en, a human reference and many MT systems.

Each version's segments are joined into plain text, re-segmented by mtcheck's own
sentence splitter (the segment boundaries are not given to the aligner), aligned
pairwise, and the recovered segment links are scored by strict F1 against the true
links (segment k with segment k). A sentence belongs to the segment holding most of
its characters; an aligned group links every segment of its draft side with every
segment of its reference side.

    python tests/benchmarks/align_eval.py [--joiner newline|space] [--limit N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from bisect import bisect_right
from pathlib import Path

from mtcheck.align.dp import AlignSettings, align_sentences
from mtcheck.core.segment import segment

DOCS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "wmt21_zhen_docs.jsonl"


def versions(path: Path) -> dict[str, list[list[str]]]:
    """doc_id -> the segment lists of every version with the full set of segments."""
    by_doc: dict[str, list[list[str]]] = {}
    for line in path.open(encoding="utf-8"):
        d = json.loads(line)
        by_doc.setdefault(d["doc_id"], []).append(d["text"].split("\n"))
    return {k: [v for v in vs if len(v) == max(map(len, vs))] for k, vs in by_doc.items()}


def sentences_with_segments(segments: list[str], joiner: str) -> tuple[list[str], list[set[int]]]:
    text = joiner.join(segments)
    starts, pos = [], 0
    for s in segments:
        starts.append(pos)
        pos += len(s) + len(joiner)
    doc = segment(text)
    sents, owners = [], []
    for s in doc.sentences:
        # The segment holding most of the sentence's characters.
        counts: dict[int, int] = {}
        for k in range(bisect_right(starts, s.start) - 1, bisect_right(starts, s.end - 1)):
            lo, hi = max(s.start, starts[k]), min(s.end, starts[k] + len(segments[k]))
            counts[k] = counts.get(k, 0) + max(0, hi - lo)
        owners.append({max(counts, key=counts.get)})
        sents.append(text[s.start:s.end])
    return sents, owners


def f1_of_pair(a: list[str], b: list[str], joiner: str, settings: AlignSettings) -> float:
    sa, oa = sentences_with_segments(a, joiner)
    sb, ob = sentences_with_segments(b, joiner)
    predicted = set()
    for link in align_sentences(sa, sb, settings):
        left = set().union(*oa[link.draft[0]:link.draft[1]]) if link.draft[1] > link.draft[0] else set()
        right = set().union(*ob[link.reference[0]:link.reference[1]]) if link.reference[1] > link.reference[0] else set()
        predicted |= {(x, y) for x in left for y in right}
    gold = {(k, k) for k in range(len(a))}
    tp = len(predicted & gold)
    if not tp:
        return 0.0
    p, r = tp / len(predicted), tp / len(gold)
    return 2 * p * r / (p + r)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--joiner", choices=("newline", "space"), default="newline")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--min-similarity", type=float, default=AlignSettings().min_similarity)
    ap.add_argument("--merge-penalty", type=float, default=AlignSettings().merge_penalty)
    args = ap.parse_args()
    if not args.docs.exists():
        print(f"{args.docs}: not found (../shared/eval is needed)", file=sys.stderr)
        return 2
    settings = AlignSettings(min_similarity=args.min_similarity, merge_penalty=args.merge_penalty)
    joiner = "\n" if args.joiner == "newline" else " "
    docs = versions(args.docs)
    if args.limit:
        docs = dict(list(docs.items())[:args.limit])
    scores = []
    started = time.perf_counter()
    for vs in docs.values():
        for a, b in itertools.combinations(vs, 2):
            scores.append(f1_of_pair(a, b, joiner, settings))
    took = time.perf_counter() - started
    perfect = sum(1 for s in scores if s == 1.0)
    print(f"documents {len(docs)}, version pairs {len(scores)}, joiner {args.joiner}, settings {settings.describe()}")
    print(f"mean strict F1 {statistics.fmean(scores):.4f}; pairs aligned perfectly {perfect / len(scores):.1%}; "
          f"worst {min(scores):.3f}; {took:.1f} s ({1000 * took / len(scores):.2f} ms a pair)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
