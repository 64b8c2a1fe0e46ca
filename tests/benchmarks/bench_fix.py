"""Speed and settling of `mtcheck fix`, and speed of its unified diff.

Run from the repository root:

    python tests/benchmarks/bench_fix.py            # 2 MB corpus
    python tests/benchmarks/bench_fix.py --mb 5

The corpus is bench_check.py's (deterministic; news-story-sized documents built from the
example stories, plus ../shared/eval when it is beside the repository). It prints the fixing
throughput (MB/s, docs/s) beside a plain check of the same documents, the changes applied by
rule, how many check-and-fix rounds documents needed, whether every document settled
(fix(fix(x)) == fix(x), no safe finding left), and the time and peak RSS of diffing a
200,000-line file with 2% of its lines changed.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import MB, build_corpus, pool_lines, pool_texts

from mtcheck.fix.apply import fix_text
from mtcheck.fix.diff import unified_diff
from mtcheck.pipeline import Checker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="corpus size in MB (default 2)")
    args = parser.parse_args()
    texts, sources = pool_texts()
    docs = build_corpus(pool_lines(texts), int(args.mb * MB))
    size = sum(len(d.encode("utf-8")) for d in docs) / MB
    print(f"corpus: {size:.2f} MB, {len(docs)} documents ({'; '.join(sources)})")
    checker = Checker()
    checker.check(docs[0])  # warm-up: langdetect profiles

    start = time.perf_counter()
    for doc in docs:
        checker.check(doc)
    check_time = time.perf_counter() - start

    start = time.perf_counter()
    reports = [fix_text(doc, checker) for doc in docs]
    fix_time = time.perf_counter() - start
    print(f"check: {size / check_time:.2f} MB/s; fix: {size / fix_time:.2f} MB/s, "
          f"{len(docs) / fix_time:.0f} docs/s ({fix_time / check_time:.2f}x the time of one check)")

    by_rule = Counter(rule for r in reports for change in r.applied for rule in change.rules)
    print(f"changes: {sum(len(r.applied) for r in reports)} in {sum(r.changed for r in reports)} of "
          f"{len(docs)} documents; by rule: " + ", ".join(f"{k} {v}" for k, v in by_rule.most_common()))
    print("rounds (checks per document): " + ", ".join(f"{k}: {v}" for k,
                                                       v in sorted(Counter(r.rounds for r in reports).items())))
    unsettled = sum(1 for r in reports if any(f.fix_safe for f in r.remaining)
                    or (r.changed and fix_text(r.text, checker).changed))
    print(f"not settled (a safe finding left, or fix(fix(x)) != fix(x)): {unsettled} of {len(docs)}")

    rng = random.Random(0)
    lines = [f"paragraph {i}: {rng.random():.6f}\n" for i in range(200_000)]
    changed = list(lines)
    for i in rng.sample(range(len(lines)), len(lines) // 50):
        changed[i] = "changed\n"
    start = time.perf_counter()
    patch = unified_diff("".join(lines), "".join(changed), "a/f", "b/f")
    print(f"diff of 200,000 lines, 2% changed: {time.perf_counter() - start:.2f} s, {patch.count('@@ -')} hunks, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
