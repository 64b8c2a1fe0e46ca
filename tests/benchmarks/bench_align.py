"""Alignment speed: two synthetic 1,000-sentence versions (known splits, merges, insertions
and deletions), aligned sentence by sentence and then as a full `align` report (both
versions checked, sacrebleu scores per group, word edits).

    python tests/benchmarks/bench_align.py [--sentences N] [--repeat R]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtcheck.align import Aligner, align_sentences

from align_synthetic import link_f1, make_versions


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    versions = make_versions(args.sentences, seed=7)
    align_sentences(versions.draft[:20], versions.reference[:20])  # warm-up: imports, thread pool
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        links = align_sentences(versions.draft, versions.reference)
        times.append(time.perf_counter() - started)
    predicted = {(i, j) for link in links for i in range(*link.draft) for j in range(*link.reference)}
    print(f"versions: {len(versions.draft)} and {len(versions.reference)} sentences; changes {versions.operations}")
    print(f"sentence alignment: median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms "
          f"over {args.repeat} runs; link F1 {link_f1(predicted, versions.links):.4f}")
    aligner = Aligner()
    draft, reference = "\n\n".join(versions.draft), "\n\n".join(versions.reference)
    started = time.perf_counter()
    report = aligner.align_texts(draft, reference)
    took = time.perf_counter() - started
    print(f"full report (check both, per-group BLEU/chrF/TER, word edits): {took:.2f} s for {len(report.groups)} groups")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
