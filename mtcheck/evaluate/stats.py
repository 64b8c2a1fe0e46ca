"""The statistics of `mtcheck eval`, on numpy arrays.

Every function returns NaN (never raises) when its figure is undefined, e.g. an AUC
with no negative or a correlation of a constant; callers report NaN as "n/a".
Values agree with scipy.stats / sklearn.metrics (tests/test_eval.py checks them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
CI_LEVEL = 0.95
# With at most this many table cells (distinct x values times distinct y values) per item,
# tau-b is computed from the contingency table: ten times faster than sorting when the
# values are few (segment fluency, MQM points), far slower when they are many.
TABLE_CELLS_PER_ITEM = 4


def average_ranks(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """1-based ranks; tied values share the mean of the ranks they span (scipy's 'average')."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return np.zeros(0)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    # Each run of equal values gets the mean of positions first..last (1-based).
    new_run = np.r_[True, ordered[1:] != ordered[:-1]]
    run_id = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    run_end = np.r_[run_start[1:], n]
    mean_rank = (run_start + run_end + 1) / 2.0
    ranks = np.empty(n)
    ranks[order] = mean_rank[run_id]
    return ranks


def roc_auc(scores: Sequence[float] | np.ndarray, positive: Sequence[bool] | np.ndarray) -> float:
    """Mann-Whitney AUC: P(a positive scores higher than a negative), ties counted half."""
    scores = np.asarray(scores, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    rank_sum = average_ranks(scores)[positive].sum()
    return float((rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


class RocPoints(NamedTuple):
    thresholds: np.ndarray  # distinct scores, descending: "flag every score >= threshold"
    true_positives: np.ndarray
    false_positives: np.ndarray
    positives: int
    negatives: int


def roc_points(scores: Sequence[float] | np.ndarray, positive: Sequence[bool] | np.ndarray) -> RocPoints:
    """Counts of flagged positives and negatives at every distinct threshold, highest first."""
    scores = np.asarray(scores, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    order = np.argsort(-scores, kind="mergesort")
    ordered, pos = scores[order], positive[order]
    tp, fp = np.cumsum(pos), np.cumsum(~pos)
    # The last index of each run of equal scores: everything up to it is flagged.
    last = np.r_[np.flatnonzero(ordered[1:] != ordered[:-1]), len(ordered) - 1] if len(ordered) else np.zeros(0, int)
    return RocPoints(ordered[last], tp[last], fp[last], int(positive.sum()), int((~positive).sum()))


def roc_curve(scores: Sequence[float] | np.ndarray, positive: Sequence[bool] | np.ndarray) -> list[tuple[float | None,
                                                                                                         float, float]]:
    """(threshold, false-positive rate, true-positive rate), from (None, 0, 0) — nothing
    flagged — down to the lowest score, where everything is flagged."""
    pts = roc_points(scores, positive)
    if pts.positives == 0 or pts.negatives == 0:
        return []
    curve: list[tuple[float | None, float, float]] = [(None, 0.0, 0.0)]
    for t, tp, fp in zip(pts.thresholds, pts.true_positives, pts.false_positives):
        curve.append((float(t), float(fp / pts.negatives), float(tp / pts.positives)))
    return curve


def _tied_pairs_sorted(*columns: np.ndarray) -> int:
    """Pairs of rows equal on every given column, the rows sorted so that equal rows are adjacent."""
    n = len(columns[0])
    if n < 2:
        return 0
    differs = np.zeros(n - 1, dtype=bool)
    for column in columns:
        differs |= column[1:] != column[:-1]
    run_lengths = np.diff(np.r_[0, np.flatnonzero(differs) + 1, n])
    return int((run_lengths * (run_lengths - 1) // 2).sum())


def count_inversions(values: np.ndarray) -> int:
    """Pairs i < j with values[i] > values[j] (ties are not inversions).

    A bottom-up merge sort whose every level is one vectorised step: blocks of `width`
    are sorted, and each right-block element counts the larger elements of its left
    block by binary search. O(n log^2 n) in numpy, fast enough for bootstraps."""
    n = len(values)
    if n < 2:
        return 0
    # Dense integer ranks, so a block's number can be folded into the sort key.
    ranks = np.unique(values, return_inverse=True)[1].astype(np.int64).ravel()
    span = int(ranks.max()) + 1
    position = np.arange(n)
    inversions = 0
    width = 1
    while width < n:
        block = position // (2 * width)
        in_right = (position // width) % 2 == 1
        keys = block * span + ranks
        left_keys = keys[~in_right]  # sorted: blocks ascend, each half is sorted
        right_keys, right_block = keys[in_right], block[in_right]
        left_end = np.searchsorted(left_keys, (right_block + 1) * span, side="left")
        not_larger = np.searchsorted(left_keys, right_keys, side="right")
        inversions += int((left_end - not_larger).sum())
        ranks = np.sort(keys, kind="stable") - block * span  # merge: blocks of 2*width are now sorted
        width *= 2
    return inversions


def kendall_tau_b(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Kendall tau-b, as scipy.stats.kendalltau computes it."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    if n < 2:
        return math.nan
    x_values, x_codes = np.unique(x, return_inverse=True)
    y_values, y_codes = np.unique(y, return_inverse=True)
    if len(x_values) * len(y_values) <= TABLE_CELLS_PER_ITEM * n:
        table = np.bincount(x_codes.ravel() * len(y_values) + y_codes.ravel(), minlength=len(x_values) * len(y_values))
        return _tau_b_from_table(table.reshape(len(x_values), len(y_values)).astype(float))
    return _tau_b_by_sorting(x, y)


def _tau_b_from_table(table: np.ndarray) -> float:
    """tau-b of a contingency table (rows: x ascending, columns: y ascending)."""
    n = table.sum()
    # above_right[i, j]: items with a larger x and a larger y than cell (i, j); above_left: larger x, smaller y.
    suffix = table[::-1].cumsum(axis=0)[::-1]  # rows i.. down
    larger_x = np.vstack([suffix[1:], np.zeros((1, table.shape[1]))])
    above_right = larger_x[:, ::-1].cumsum(axis=1)[:, ::-1]
    above_right = np.hstack([above_right[:, 1:], np.zeros((table.shape[0], 1))])
    above_left = larger_x.cumsum(axis=1)
    above_left = np.hstack([np.zeros((table.shape[0], 1)), above_left[:, :-1]])
    concordant = float((table * above_right).sum())
    discordant = float((table * above_left).sum())
    total = n * (n - 1) / 2
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    x_ties = float((rows * (rows - 1) / 2).sum())
    y_ties = float((columns * (columns - 1) / 2).sum())
    denominator = math.sqrt((total - x_ties) * (total - y_ties))
    return (concordant - discordant) / denominator if denominator else math.nan


def _tau_b_by_sorting(x: np.ndarray, y: np.ndarray) -> float:
    """Knight's O(n log n) algorithm, for variables with many distinct values."""
    n = len(x)
    order = np.lexsort((y, x))  # by x, then y: pairs tied on x are never discordant
    x, y = x[order], y[order]
    total = n * (n - 1) // 2
    x_ties, joint_ties = _tied_pairs_sorted(x), _tied_pairs_sorted(x, y)
    y_ties = _tied_pairs_sorted(np.sort(y))
    discordant = count_inversions(y)
    denominator = math.sqrt((total - x_ties) * (total - y_ties))
    if denominator == 0:
        return math.nan
    return (total - x_ties - y_ties + joint_ties - 2 * discordant) / denominator


def within_quantiles(statistic: Callable[[np.ndarray, np.ndarray], float], x: np.ndarray, y: np.ndarray,
                     by: np.ndarray, bins: int) -> float:
    """The mean of `statistic(x, y)` inside each of `bins` equal-count bins of `by` (ranked,
    ties in rank order): a correlation with `by`'s own effect held roughly constant. Bins where
    the statistic is undefined are left out of the mean; NaN when all are."""
    order = np.argsort(by, kind="stable")
    values = [statistic(x[part], y[part]) for part in np.array_split(order, bins) if len(part) >= 2]
    defined = [v for v in values if not math.isnan(v)]
    return float(np.mean(defined)) if defined else math.nan


def spearman_rho(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman rho: the Pearson correlation of average ranks."""
    if len(x) < 2:
        return math.nan
    rx, ry = average_ranks(x), average_ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    denominator = math.sqrt(float((rx * rx).sum() * (ry * ry).sum()))
    return float((rx * ry).sum() / denominator) if denominator else math.nan


class ReliabilityRow(NamedTuple):
    low: float
    high: float
    documents: int
    weight: float  # the bin's share of the total weight
    mean_probability: float
    positive_share: float


def reliability(probability: Sequence[float] | np.ndarray, positive: Sequence[bool] | np.ndarray,
                weights: Sequence[float] | np.ndarray | None = None, bins: int = 10) -> list[ReliabilityRow]:
    """A reliability table: probabilities cut into `bins` equal-width bins (the last holds 1.0);
    in each non-empty bin the weighted mean probability and the weighted share of positives.
    Calibrated probabilities lie on the diagonal."""
    p = np.asarray(probability, dtype=float)
    y = np.asarray(positive, dtype=bool)
    w = np.ones(len(p)) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    which = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for k in range(bins):
        m = which == k
        if m.any() and w[m].sum() > 0:
            rows.append(ReliabilityRow(round(k / bins, 6), round((k + 1) / bins, 6), int(m.sum()),
                                       float(w[m].sum() / total), float(np.average(p[m], weights=w[m])),
                                       float(np.average(y[m], weights=w[m]))))
    return rows


def expected_calibration_error(rows: Sequence[ReliabilityRow]) -> float:
    """The bins' |mean probability - positive share|, weighted by their share of the weight."""
    if not rows:
        return math.nan
    return float(sum(r.weight * abs(r.mean_probability - r.positive_share) for r in rows))


def class_balanced_weights(positive: Sequence[bool] | np.ndarray) -> np.ndarray:
    """Weights under which positives and negatives weigh the same in total (mean weight 1):
    the even prior odds a class-balanced probability is calibrated to."""
    y = np.asarray(positive, dtype=bool)
    w = np.zeros(len(y))
    for cls in (False, True):
        m = y == cls
        if m.any():
            w[m] = 0.5 * len(y) / m.sum()
    return w


def precision_recall_f1(true_positives: int, false_positives: int, false_negatives: int) -> tuple[float, float, float]:
    flagged = true_positives + false_positives
    actual = true_positives + false_negatives
    precision = true_positives / flagged if flagged else math.nan
    recall = true_positives / actual if actual else math.nan
    if math.isnan(precision) or math.isnan(recall) or precision + recall == 0:
        f1 = math.nan if math.isnan(precision) or math.isnan(recall) else 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def confusion_matrix(actual: Sequence[str], predicted: Sequence[str], rows: Sequence[str],
                     columns: Sequence[str]) -> list[list[int]]:
    """counts[i][j]: items of actual class rows[i] predicted as columns[j]."""
    row_of = {r: i for i, r in enumerate(rows)}
    column_of = {c: j for j, c in enumerate(columns)}
    counts = [[0] * len(columns) for _ in rows]
    for a, p in zip(actual, predicted):
        counts[row_of[a]][column_of[p]] += 1
    return counts


class Resampler:
    """Bootstrap resamples of n items, with a fixed seed.

    Grouped (the default when `groups` is given): whole groups are drawn with
    replacement, so items that are not independent (versions of one story, segments of
    one document) stay together. Stratified (`strata`): each stratum is resampled to its
    own size, so class sizes stay fixed. Otherwise items are drawn independently."""

    def __init__(self, n: int, groups: Sequence | np.ndarray | None = None, strata: Sequence | np.ndarray | None = None,
                 seed: int = BOOTSTRAP_SEED):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.method = "grouped" if groups is not None else "stratified" if strata is not None else "independent"
        labels = groups if groups is not None else strata
        if labels is not None:
            _, codes = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
            codes = codes.ravel()
            self.order = np.argsort(codes, kind="mergesort")
            self.sizes = np.bincount(codes)
            self.starts = np.r_[0, np.cumsum(self.sizes)[:-1]]

    def sample(self) -> np.ndarray:
        """Indices of one resample."""
        if self.method == "independent":
            return self.rng.integers(0, self.n, self.n)
        if self.method == "stratified":
            offsets = [start + self.rng.integers(0, size, size) for start, size in zip(self.starts, self.sizes)]
            return self.order[np.concatenate(offsets)]
        drawn = self.rng.integers(0, len(self.sizes), len(self.sizes))
        lengths = self.sizes[drawn]
        # Positions start..start+size-1 of every drawn group, without a Python loop.
        within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return self.order[np.repeat(self.starts[drawn], lengths) + within]


def bootstrap_ci(statistic: Callable[[np.ndarray], Sequence[float]], resampler: Resampler,
                 resamples: int = BOOTSTRAP_RESAMPLES, level: float = CI_LEVEL) -> list[tuple[float, float]]:
    """Percentile interval of each figure `statistic(indices)` returns, over the same
    resamples. Resamples where a figure is undefined (NaN, e.g. no human document
    drawn) are left out of its interval; a figure undefined in most has none."""
    if resamples <= 0:
        return [(math.nan, math.nan)] * len(statistic(np.arange(resampler.n)))
    values = np.array([statistic(resampler.sample()) for _ in range(resamples)], dtype=float).reshape(resamples, -1)
    tail = (1 - level) / 2
    intervals = []
    for column in values.T:
        column = column[~np.isnan(column)]
        if len(column) < resamples / 2:
            intervals.append((math.nan, math.nan))
        else:
            low, high = np.quantile(column, [tail, 1 - tail])
            intervals.append((float(low), float(high)))
    return intervals
