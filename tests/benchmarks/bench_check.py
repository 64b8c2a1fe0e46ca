"""Speed benchmark for `mtcheck check`: one core, one process, news-story-sized documents.

Run from the repository root:

    python tests/benchmarks/bench_check.py                 # 20 MB corpus
    python tests/benchmarks/bench_check.py --mb 5          # smaller corpus
    python tests/benchmarks/bench_check.py --proselint     # also time proselint on ~1 MB of the same docs
    python tests/benchmarks/bench_check.py --json          # the figures as one JSON object

The corpus is built deterministically (random.Random(0)) from a pool of lines: the texts in
`reference_pairs/examples/*.txt`, plus the `text` field of `../shared/eval/wmt21_zhen_docs.jsonl`
when the folder `../shared/eval/` exists beside the repository. Each document is 3-6 KB of
lines sampled from the pool, joined by "\\n\\n" or "\\n" (paragraph breaks). The corpus thus
depends on whether the shared folder is present; its sha256 is printed so runs can be compared.

It prints the corpus size (MB = 10**6 bytes of UTF-8), the number of documents, the checking
time, MB/s and docs/s, the peak RSS of the process, the checker build time and the time of a few
warm-up checks (langdetect loads its profiles on first use; neither is in the checking time) and
the checker signature. With --proselint (when proselint is importable)
it also prints proselint's MB/s on the first ~1 MB of documents and the mtcheck/proselint
throughput ratio on those same documents.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "reference_pairs" / "examples"
SHARED_EVAL = REPO.parent / "shared" / "eval"
SHARED_DOCS = SHARED_EVAL / "wmt21_zhen_docs.jsonl"

DOC_MIN_CHARS = 3000
DOC_MAX_CHARS = 6000
MAX_LINE_CHARS = 2000  # longer pool lines would not fit a 3-6 KB document comfortably
MB = 1_000_000


# --------------------------------------------------------------------------- corpus


def pool_texts() -> tuple[list[str], list[str]]:
    """The texts lines are drawn from, in a fixed order, and a description of their sources."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    sources = [f"{len(texts)} example file(s) in {EXAMPLES.relative_to(REPO)}"]
    if SHARED_EVAL.is_dir() and SHARED_DOCS.is_file():
        with SHARED_DOCS.open(encoding="utf-8") as fh:
            shared = [json.loads(line)["text"] for line in fh if line.strip()]
        texts.extend(shared)
        sources.append(f"{len(shared)} docs of ../shared/eval/{SHARED_DOCS.name}")
    return texts, sources


def pool_lines(texts: list[str]) -> list[str]:
    """Non-blank lines of every text, right-stripped (leading indentation is kept: it is news copy)."""
    lines = []
    for text in texts:
        for line in text.splitlines():
            line = line.rstrip()
            if line.strip() and len(line) <= MAX_LINE_CHARS:
                lines.append(line)
    return lines


def build_corpus(lines: list[str], target_bytes: int, seed: int = 0) -> list[str]:
    """Documents of DOC_MIN_CHARS..DOC_MAX_CHARS characters until the corpus holds target_bytes."""
    rng = random.Random(seed)
    docs: list[str] = []
    total = 0
    while total < target_bytes:
        sep = rng.choice(("\n\n", "\n"))
        target = rng.randint(DOC_MIN_CHARS, DOC_MAX_CHARS)
        parts: list[str] = []
        size = 0
        misses = 0
        while size < target and misses < 50:
            line = rng.choice(lines)
            added = len(line) + (len(sep) if parts else 0)
            if size + added > DOC_MAX_CHARS:
                misses += 1
                if size >= DOC_MIN_CHARS:
                    break
                continue
            parts.append(line)
            size += added
        doc = sep.join(parts) + "\n"
        docs.append(doc)
        total += len(doc.encode("utf-8"))
    return docs


def corpus_digest(docs: list[str]) -> str:
    h = hashlib.sha256()
    for doc in docs:
        h.update(doc.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- timing


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def time_mtcheck(docs: list[str], checkpoint_docs: int) -> dict[str, object]:
    """Build the checker, warm it up (langdetect loads its profiles on first use, e.g. on the first
    span of Chinese: the example MT story has some), then time checking every doc. Also records the time after the first checkpoint_docs docs.
    Reports are dropped as soon as they are made, so memory stays flat."""
    import mtcheck

    t0 = time.perf_counter()
    checker = mtcheck.default_checker()
    build = time.perf_counter() - t0

    t0 = time.perf_counter()
    for path in sorted(EXAMPLES.glob("*.txt")):
        checker.check(path.read_text(encoding="utf-8"), source="warm-up")
    checker.check(docs[0], source="warm-up")
    warm = time.perf_counter() - t0

    at_checkpoint = 0.0
    t0 = time.perf_counter()
    for i, doc in enumerate(docs):
        report = checker.check(doc, source=f"doc-{i}")
        del report
        if i + 1 == checkpoint_docs:
            at_checkpoint = time.perf_counter() - t0
    total = time.perf_counter() - t0
    return {"build": build, "warm": warm, "total": total, "checkpoint": at_checkpoint,
            "signature": checker.signature}


def proselint_linter() -> tuple[Callable[[str], object], str] | None:
    """A function linting one text with proselint's default checks, and proselint's version.

    proselint <= 0.14 has `proselint.tools.lint(text)`; 0.16 replaced it with
    `proselint.tools.LintFile(source, content).lint()`, which needs the checks registered first
    (what proselint's command line does).
    """
    try:
        import proselint.tools as tools
    except ImportError:
        return None
    try:
        from importlib.metadata import version

        ver = version("proselint")
    except Exception:
        ver = "?"
    if hasattr(tools, "lint"):
        return tools.lint, ver
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry

    registry = CheckRegistry()
    if not registry.checks:
        registry.register_many(__register__)

    def lint(text: str) -> object:
        return tools.LintFile("<bench>", text).lint()

    return lint, ver


def time_proselint(lint: Callable[[str], object], docs: list[str]) -> tuple[float, float]:
    """(warm-up seconds on the first doc, seconds to lint every doc)."""
    t0 = time.perf_counter()
    lint(docs[0])  # imports and regex compilation, like the mtcheck build
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    for doc in docs:
        lint(doc)
    return warm, time.perf_counter() - t0


def first_docs_of(docs: list[str], target_bytes: int) -> int:
    """How many leading docs make up at least target_bytes."""
    size = 0
    for i, doc in enumerate(docs):
        size += len(doc.encode("utf-8"))
        if size >= target_bytes:
            return i + 1
    return len(docs)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    ap.add_argument("--proselint", action="store_true", help="also time proselint on ~1 MB of the docs")
    ap.add_argument("--proselint-mb", type=float, default=1.0, help="size of the proselint subset (default 1)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    texts, sources = pool_texts()
    lines = pool_lines(texts)
    del texts
    docs = build_corpus(lines, int(args.mb * MB))
    corpus_seconds = time.perf_counter() - t0
    corpus_bytes = sum(len(d.encode("utf-8")) for d in docs)
    subset_docs = first_docs_of(docs, int(args.proselint_mb * MB))
    subset_bytes = sum(len(d.encode("utf-8")) for d in docs[:subset_docs])

    timing = time_mtcheck(docs, subset_docs)
    seconds, subset_seconds = timing["total"], timing["checkpoint"]
    out: dict[str, object] = {
        "pool_sources": sources,
        "pool_lines": len(lines),
        "corpus_sha256": corpus_digest(docs),
        "corpus_build_s": round(corpus_seconds, 3),
        "corpus_mb": round(corpus_bytes / MB, 3),
        "docs": len(docs),
        "mean_doc_chars": round(sum(map(len, docs)) / len(docs)),
        "check_s": round(seconds, 3),
        "mb_per_s": round(corpus_bytes / MB / seconds, 3),
        "docs_per_s": round(len(docs) / seconds, 1),
        "ms_per_doc": round(1000 * seconds / len(docs), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "checker_build_s": round(timing["build"], 3),
        "first_check_s": round(timing["warm"], 3),
        "signature": timing["signature"],
        "python": sys.version.split()[0],
    }

    if args.proselint:
        linter = proselint_linter()
        if linter is None:
            out["proselint"] = "not importable (pip install proselint)"
        else:
            lint, ver = linter
            warm, p_seconds = time_proselint(lint, docs[:subset_docs])
            p_rate = subset_bytes / MB / p_seconds
            m_rate = subset_bytes / MB / subset_seconds
            out["proselint"] = {
                "version": ver,
                "subset_docs": subset_docs,
                "subset_mb": round(subset_bytes / MB, 3),
                "warmup_s": round(warm, 3),
                "lint_s": round(p_seconds, 3),
                "mb_per_s": round(p_rate, 4),
                "mtcheck_mb_per_s_same_docs": round(m_rate, 3),
                "ratio_mtcheck_over_proselint": round(m_rate / p_rate, 2),
            }
            out["peak_rss_mb"] = round(peak_rss_mb(), 1)

    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print_human(out)
    return 0


def print_human(out: dict) -> None:
    print("mtcheck check benchmark (one process, one core)")
    print(f"  pool          : {out['pool_lines']} lines from {'; '.join(out['pool_sources'])}")
    print(f"  corpus        : {out['corpus_mb']:.2f} MB, {out['docs']} docs "
          f"(mean {out['mean_doc_chars']} chars), sha256 {out['corpus_sha256']}, built in {out['corpus_build_s']:.2f} s")
    print(f"  checker build : {out['checker_build_s']:.3f} s, then {out['first_check_s']:.3f} s of warm-up checks "
          "(langdetect profiles); neither is in the check time")
    print(f"  check time    : {out['check_s']:.2f} s")
    print(f"  throughput    : {out['mb_per_s']:.3f} MB/s, {out['docs_per_s']:.1f} docs/s, {out['ms_per_doc']:.2f} "
          "ms/doc")
    print(f"  peak RSS      : {out['peak_rss_mb']:.1f} MB")
    print(f"  signature     : {out['signature']}")
    p = out.get("proselint")
    if isinstance(p, str):
        print(f"  proselint     : {p}")
    elif isinstance(p, dict):
        print(f"  proselint {p['version']}: {p['subset_docs']} docs, {p['subset_mb']:.2f} MB in {p['lint_s']:.2f} s "
              f"(warm-up {p['warmup_s']:.2f} s) = {p['mb_per_s']:.4f} MB/s")
        print(f"  mtcheck on the same docs: {p['mtcheck_mb_per_s_same_docs']:.3f} MB/s; "
              f"ratio mtcheck/proselint = {p['ratio_mtcheck_over_proselint']:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
