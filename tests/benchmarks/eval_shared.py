"""Measure mtcheck on the shared WMT21 zh->en evaluation data (`../shared/eval/`, see its README.md).

Run from the repository root:

    python tests/benchmarks/eval_shared.py              # all 1,224 documents (about a minute or less)
    python tests/benchmarks/eval_shared.py --limit 200  # the first 200 documents of the file
    python tests/benchmarks/eval_shared.py --json       # the figures as one JSON object

When `../shared/eval/` is absent it says so and exits 0. The data is read in place, never copied.

It prints:
  * document level (wmt21_zhen_docs.jsonl; MT is the positive class): ROC AUC of
    `provenance.mt_likelihood` with a stratified bootstrap 95% CI (1,000 resamples, seed 0);
    pairwise accuracy within doc_id groups (share of (human, MT) pairs of the same story where the
    MT document gets the higher likelihood, ties half); verdict counts for human and MT documents
    (human docs called "machine" = false alarms); the AUC of -fluency.score; and, for comparison,
    the AUC of the expert MQM total on the rated documents (about 0.6 per the README).
  * per rule: in how many human and MT documents the rule fires, the rates, and the MT/human
    ratio, sorted by ratio (with the rule's likelihood weight when mtcheck.scores exposes it).
  * segment level (wmt21_zhen_segments.jsonl): Kendall tau-b (and Spearman rho when scipy is
    installed) between segment fluency and -mqm_fluency (and -mqm_total), over rows whose MQM
    value is not null; positive = agreement. Segment fluency comes from checking the whole
    document (its segments joined by "\\n" in seg_id order, which is the document's `text`): the
    overlap-length-weighted mean score of the report's sentences that overlap the segment's span.
  * wall time per stage.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = REPO.parent / "shared" / "eval"
DOCS_FILE = "wmt21_zhen_docs.jsonl"
SEGMENTS_FILE = "wmt21_zhen_segments.jsonl"
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0

try:
    from scipy import stats as scipy_stats
except ImportError:  # scipy is optional: tau-b is computed here then, rho is skipped
    scipy_stats = None


# --------------------------------------------------------------------------- statistics


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties given the mean of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        i = j + 1
    return ranks


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Mann-Whitney AUC: P(score of a positive > score of a negative), ties counted half."""
    n_pos, n_neg = len(positives), len(negatives)
    if not n_pos or not n_neg:
        return float("nan")
    ranks = average_ranks(list(positives) + list(negatives))
    rank_sum = sum(ranks[:n_pos])
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def bootstrap_auc_ci(positives: Sequence[float], negatives: Sequence[float],
                     resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """Percentile 95% CI of the AUC; positives and negatives are resampled separately (stratified),
    so every resample keeps the class sizes."""
    if not positives or not negatives:
        return float("nan"), float("nan")
    rng = random.Random(seed)
    aucs = []
    for _ in range(resamples):
        pos = rng.choices(positives, k=len(positives))
        neg = rng.choices(negatives, k=len(negatives))
        aucs.append(roc_auc(pos, neg))
    aucs.sort()
    return aucs[int(0.025 * resamples)], aucs[min(resamples - 1, int(0.975 * resamples))]


def _count_inversions(seq: list[float]) -> int:
    """Pairs i < j with seq[i] > seq[j] (equal values are not inversions); bottom-up merge sort."""
    n = len(seq)
    src = list(seq)
    swaps = 0
    width = 1
    while width < n:
        dst = []
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j = lo, mid
            while i < mid and j < hi:
                if src[j] < src[i]:
                    dst.append(src[j])
                    swaps += mid - i
                    j += 1
                else:
                    dst.append(src[i])
                    i += 1
            dst.extend(src[i:mid])
            dst.extend(src[j:hi])
        src = dst
        width *= 2
    return swaps


def _tied_pairs(values: Iterable) -> int:
    return sum(c * (c - 1) // 2 for c in Counter(values).values())


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall tau-b in O(n log n) (Knight 1966), the same formula as scipy.stats.kendalltau."""
    n = len(x)
    if n < 2:
        return float("nan")
    pairs = sorted(zip(x, y))
    total = n * (n - 1) // 2
    x_ties = _tied_pairs(p[0] for p in pairs)
    joint_ties = _tied_pairs(pairs)
    y_ties = _tied_pairs(p[1] for p in pairs)
    discordant = _count_inversions([p[1] for p in pairs])
    con_minus_dis = total - x_ties - y_ties + joint_ties - 2 * discordant
    denom = math.sqrt((total - x_ties) * (total - y_ties))
    return con_minus_dis / denom if denom else float("nan")


def correlations(x: Sequence[float], y: Sequence[float]) -> dict[str, Optional[float]]:
    """Kendall tau-b (with p-value when scipy is there) and Spearman rho (scipy only)."""
    out: dict[str, Optional[float]] = {"n": len(x)}
    if scipy_stats is not None and len(x) >= 2:
        tau = scipy_stats.kendalltau(x, y)
        rho = scipy_stats.spearmanr(x, y)
        out.update(tau_b=float(tau.statistic), tau_p=float(tau.pvalue),
                   spearman_rho=float(rho.statistic), spearman_p=float(rho.pvalue))
    else:
        out.update(tau_b=kendall_tau_b(x, y), tau_p=None, spearman_rho=None, spearman_p=None)
    return out


# --------------------------------------------------------------------------- data


@dataclass
class DocResult:
    """What the evaluation keeps of one report (reports themselves are dropped)."""

    doc_id: str
    system: str
    is_human: bool
    likelihood: float
    verdict: str
    fluency: float
    mqm_total: Optional[float]
    text: str
    rules: Counter = field(default_factory=Counter)
    sentences: list[tuple[int, int, float]] = field(default_factory=list)  # (start, end, score)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def check_docs(checker, docs: list[dict]) -> list[DocResult]:
    results = []
    for d in docs:
        report = checker.check(d["text"], source=d["id"])
        results.append(DocResult(
            doc_id=d["doc_id"], system=d["system"], is_human=bool(d["is_human"]),
            likelihood=report.provenance.mt_likelihood, verdict=report.provenance.verdict.value,
            fluency=report.fluency.score, mqm_total=d.get("mqm_total"), text=d["text"],
            rules=Counter(f.rule for f in report.findings),
            sentences=[(s.start, s.end, s.score) for s in report.fluency.sentences],
        ))
    return results


def segment_fluency(sentences: list[tuple[int, int, float]], starts: list[int], start: int, end: int) -> Optional[float]:
    """Overlap-weighted mean score of the sentences overlapping [start, end); None when none does."""
    i = max(0, bisect_right(starts, start) - 1)
    weighted = total = 0.0
    while i < len(sentences) and sentences[i][0] < end:
        s_start, s_end, score = sentences[i]
        overlap = min(end, s_end) - max(start, s_start)
        if overlap > 0:
            weighted += score * overlap
            total += overlap
        i += 1
    return weighted / total if total else None


# --------------------------------------------------------------------------- evaluation


def document_level(results: list[DocResult]) -> dict:
    human = [r for r in results if r.is_human]
    mt = [r for r in results if not r.is_human]
    out: dict = {"human_docs": len(human), "mt_docs": len(mt)}

    lik_mt, lik_h = [r.likelihood for r in mt], [r.likelihood for r in human]
    out["auc_mt_likelihood"] = roc_auc(lik_mt, lik_h)
    out["auc_mt_likelihood_ci95"] = bootstrap_auc_ci(lik_mt, lik_h)
    out["auc_neg_fluency"] = roc_auc([-r.fluency for r in mt], [-r.fluency for r in human])

    rated_mt = [r for r in mt if r.mqm_total is not None]
    rated_h = [r for r in human if r.mqm_total is not None]
    out["rated_docs"] = {"human": len(rated_h), "mt": len(rated_mt)}
    out["auc_mqm_total_rated"] = roc_auc([r.mqm_total for r in rated_mt], [r.mqm_total for r in rated_h])
    out["auc_mt_likelihood_rated"] = roc_auc([r.likelihood for r in rated_mt], [r.likelihood for r in rated_h])

    # Pairwise accuracy: within one story, does the MT version look more like MT than the reference?
    by_story: dict[str, list[DocResult]] = defaultdict(list)
    for r in results:
        by_story[r.doc_id].append(r)
    wins = wins_fluency = 0.0
    pairs = 0
    for group in by_story.values():
        for h in (r for r in group if r.is_human):
            for m in (r for r in group if not r.is_human):
                pairs += 1
                wins += 1.0 if m.likelihood > h.likelihood else 0.5 if m.likelihood == h.likelihood else 0.0
                wins_fluency += 1.0 if m.fluency < h.fluency else 0.5 if m.fluency == h.fluency else 0.0
    out["pairs"] = pairs
    out["pairwise_accuracy"] = wins / pairs if pairs else float("nan")
    out["pairwise_accuracy_fluency"] = wins_fluency / pairs if pairs else float("nan")

    verdicts = ("human", "post-edited", "machine")
    out["verdicts_human_docs"] = {v: sum(r.verdict == v for r in human) for v in verdicts}
    out["verdicts_mt_docs"] = {v: sum(r.verdict == v for r in mt) for v in verdicts}
    out["false_alarm_rate"] = out["verdicts_human_docs"]["machine"] / len(human) if human else float("nan")
    out["flagged_human_rate"] = (len(human) - out["verdicts_human_docs"]["human"]) / len(human) if human else float("nan")
    out["recall_machine"] = out["verdicts_mt_docs"]["machine"] / len(mt) if mt else float("nan")
    out["mean_likelihood"] = {"human": _mean(lik_h), "mt": _mean(lik_mt)}
    out["mean_fluency"] = {"human": _mean([r.fluency for r in human]), "mt": _mean([r.fluency for r in mt])}
    return out


def rule_table(results: list[DocResult]) -> list[dict]:
    try:
        from mtcheck.scores import RULE_WEIGHTS
    except ImportError:
        RULE_WEIGHTS = {}
    n_h = sum(r.is_human for r in results)
    n_m = len(results) - n_h
    docs_h: Counter = Counter()
    docs_m: Counter = Counter()
    hits_h: Counter = Counter()
    hits_m: Counter = Counter()
    for r in results:
        docs, hits = (docs_h, hits_h) if r.is_human else (docs_m, hits_m)
        docs.update(r.rules.keys())
        hits.update(r.rules)
    rows = []
    for rule in sorted(set(docs_h) | set(docs_m)):
        rate_h = docs_h[rule] / n_h if n_h else float("nan")
        rate_m = docs_m[rule] / n_m if n_m else float("nan")
        ratio = rate_m / rate_h if rate_h else float("inf")
        rows.append({"rule": rule, "weight": RULE_WEIGHTS.get(rule), "human_docs": docs_h[rule], "mt_docs": docs_m[rule],
                     "human_rate": rate_h, "mt_rate": rate_m, "ratio": ratio,
                     "human_hits": hits_h[rule], "mt_hits": hits_m[rule]})
    rows.sort(key=lambda row: (-row["ratio"], -row["mt_rate"], row["rule"]))
    return rows


def segment_level(results: list[DocResult], segments: list[dict], checker) -> dict:
    by_doc: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for s in segments:
        by_doc[(s["doc_id"], s["system"])].append(s)
    reports = {(r.doc_id, r.system): r for r in results}
    fluency, mqm_fluency, mqm_total = [], [], []
    rechecked = unmatched = 0
    for key, result in reports.items():
        segs = sorted(by_doc.get(key, ()), key=lambda s: s["seg_id"])
        if not segs:
            continue
        joined = "\n".join(s["target"] for s in segs)
        sentences = result.sentences
        if joined != result.text:
            # The document text is not its joined segments: check the joined text itself.
            report = checker.check(joined, source=f"{key[0]}|{key[1]}|segments")
            sentences = [(s.start, s.end, s.score) for s in report.fluency.sentences]
            rechecked += 1
        starts = [s[0] for s in sentences]
        offset = 0
        for s in segs:
            end = offset + len(s["target"])
            score = segment_fluency(sentences, starts, offset, end)
            offset = end + 1
            if score is None:
                unmatched += 1
                continue
            fluency.append(score)
            mqm_fluency.append(s.get("mqm_fluency"))
            mqm_total.append(s.get("mqm_total"))

    def against(mqm: list[Optional[float]]) -> dict:
        xs = [f for f, m in zip(fluency, mqm) if m is not None]
        ys = [-m for m in mqm if m is not None]
        return correlations(xs, ys)

    return {
        "segments": len(fluency),
        "segments_without_sentence": unmatched,
        "docs_rechecked": rechecked,
        "segments_below_100": sum(f < 100 for f in fluency),
        "vs_neg_mqm_fluency": against(mqm_fluency),
        "vs_neg_mqm_total": against(mqm_total),
    }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


# --------------------------------------------------------------------------- output


def _f(value: Optional[float], digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1%}"


def print_human(out: dict) -> None:
    d = out["document_level"]
    lo, hi = d["auc_mt_likelihood_ci95"]
    print(f"mtcheck on ../shared/eval ({d['human_docs']} human + {d['mt_docs']} MT docs)")
    print(f"  signature: {out['signature']}")
    print("document level (MT = positive)")
    print(f"  AUC mt_likelihood        : {_f(d['auc_mt_likelihood'])}  95% CI [{_f(lo)}, {_f(hi)}] "
          f"({BOOTSTRAP_RESAMPLES} stratified resamples, seed {BOOTSTRAP_SEED})")
    print(f"  AUC -fluency.score       : {_f(d['auc_neg_fluency'])}")
    rated = d["rated_docs"]
    print(f"  AUC mqm_total (rated)    : {_f(d['auc_mqm_total_rated'])}  "
          f"(mt_likelihood on the same {rated['human']}+{rated['mt']} docs: {_f(d['auc_mt_likelihood_rated'])})")
    print(f"  pairwise acc. by doc_id  : {_f(d['pairwise_accuracy'])} likelihood, "
          f"{_f(d['pairwise_accuracy_fluency'])} fluency ({d['pairs']} human/MT pairs)")
    vh, vm = d["verdicts_human_docs"], d["verdicts_mt_docs"]
    print(f"  verdicts, human docs     : human {vh['human']}, post-edited {vh['post-edited']}, machine {vh['machine']}"
          f"  -> false alarms (machine) {_f(d['false_alarm_rate'])}, flagged at all {_f(d['flagged_human_rate'])}")
    print(f"  verdicts, MT docs        : human {vm['human']}, post-edited {vm['post-edited']}, machine {vm['machine']}"
          f"  -> recall (machine) {_f(d['recall_machine'])}")
    print(f"  mean likelihood          : human {_f(d['mean_likelihood']['human'])}, MT {_f(d['mean_likelihood']['mt'])}; "
          f"mean fluency: human {_f(d['mean_fluency']['human'], 2)}, MT {_f(d['mean_fluency']['mt'], 2)}")

    print("per rule (documents the rule fires in; sorted by MT/human ratio)")
    print(f"  {'rule':28} {'weight':>6} {'human':>11} {'MT':>12} {'ratio':>6} {'hits h/MT':>12}")
    for row in out["rules"]:
        weight = "" if row["weight"] is None else f"{row['weight']:.1f}"
        ratio = "inf" if math.isinf(row["ratio"]) else _f(row["ratio"], 2)
        print(f"  {row['rule']:28} {weight:>6} {row['human_docs']:>4} {_pct(row['human_rate']):>6} "
              f"{row['mt_docs']:>5} {_pct(row['mt_rate']):>6} {ratio:>6} {row['human_hits']:>5}/{row['mt_hits']}")

    s = out.get("segment_level")
    if s:
        print(f"segment level ({s['segments']} segments with a sentence, {s['segments_without_sentence']} without; "
              f"{s['segments_below_100']} below fluency 100)")
        for name, key in (("-mqm_fluency", "vs_neg_mqm_fluency"), ("-mqm_total", "vs_neg_mqm_total")):
            c = s[key]
            rho = "" if c["spearman_rho"] is None else f", Spearman rho {_f(c['spearman_rho'])} (p {c['spearman_p']:.2g})"
            p = "" if c["tau_p"] is None else f" (p {c['tau_p']:.2g})"
            print(f"  fluency vs {name:13}: n {c['n']}, Kendall tau-b {_f(c['tau_b'])}{p}{rho}")
        if s["docs_rechecked"]:
            print(f"  note: {s['docs_rechecked']} docs' text differed from their joined segments and were rechecked")
    t = out["seconds"]
    print(f"wall time {t['total']:.1f} s (load {t['load']:.1f}, checker build {t['build']:.1f}, "
          f"check {t['check']:.1f}, document metrics {t['document_metrics']:.1f}, segments {t['segments']:.1f}); "
          f"scipy {'yes' if scipy_stats is not None else 'no (own tau-b, no rho)'}")


def _jsonable(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


# --------------------------------------------------------------------------- main


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents of the docs file (in file order: "
                    "small N may hold no human document)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--eval-dir", type=Path, default=EVAL_DIR, help=f"default {EVAL_DIR}")
    args = ap.parse_args(argv)

    if not (args.eval_dir / DOCS_FILE).is_file():
        print(f"{args.eval_dir} (with {DOCS_FILE}) is absent: nothing to evaluate.")
        return 0

    t_start = time.perf_counter()
    docs = read_jsonl(args.eval_dir / DOCS_FILE)
    if args.limit is not None:
        docs = docs[:args.limit]
    seg_path = args.eval_dir / SEGMENTS_FILE
    segments = read_jsonl(seg_path) if seg_path.is_file() else []
    t_load = time.perf_counter()

    import mtcheck

    checker = mtcheck.default_checker()
    t_build = time.perf_counter()
    results = check_docs(checker, docs)
    t_check = time.perf_counter()
    out: dict = {"signature": checker.signature, "documents": len(docs),
                 "document_level": document_level(results), "rules": rule_table(results)}
    t_doc = time.perf_counter()
    if segments:
        out["segment_level"] = segment_level(results, segments, checker)
    t_seg = time.perf_counter()
    out["seconds"] = {"load": t_load - t_start, "build": t_build - t_load, "check": t_check - t_build,
                      "document_metrics": t_doc - t_check, "segments": t_seg - t_doc, "total": t_seg - t_start}

    if args.json:
        print(json.dumps(_jsonable(out), ensure_ascii=False))
    else:
        print_human(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
