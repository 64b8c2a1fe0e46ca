"""`mtcheck eval` without the command line: labelled data in, an `EvalReport` out.

load (labelled.py) -> check every document (checking.py) -> document figures, pairwise
accuracy within groups, correlations with a human score, segment figures
(segments.py), per-rule figures (per_rule.py), calibration (calibrate.py).
Confidence intervals are bootstrap percentile intervals with a fixed seed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtcheck.evaluate import calibrate as calibration_mod
from mtcheck.evaluate import segments as segments_mod
from mtcheck.evaluate import stats
from mtcheck.evaluate.checking import Checked, check_texts
from mtcheck.evaluate.evidence import evidence_rows
from mtcheck.evaluate.labelled import LabelledDoc, LabelSpec, load_documents, load_segments
from mtcheck.evaluate.per_rule import NEUTRAL_BAND, rule_table
from mtcheck.models import InputError, Verdict
from mtcheck.models.evaluate import (
    Bootstrap,
    ConfusionMatrix,
    Correlation,
    DocumentLevel,
    Estimate,
    EvalReport,
    Inputs,
    PairwiseAccuracy,
    Reliability,
    ReliabilityBin,
    RocPoint,
    ScorePoint,
    SegmentLevel,
    VerdictFigures,
)
from mtcheck.pipeline import Checker
from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem

VERDICTS = tuple(v.value for v in Verdict)  # the confusion matrix's columns: human ... not-english
UNJUDGED = tuple(v.value for v in Verdict if not v.judged)  # verdicts without a likelihood
LENGTH_BINS = 5  # correlations within length quintiles
# Each verdict (or set) read as a prediction of one class: (verdicts, class predicted).
VERDICT_READINGS = ((("machine",), "mt"), (("post-edited", "machine"), "mt"), (("post-edited",), "mt"),
                    (("human",), "human"))


@dataclass(frozen=True)
class EvalOptions:
    label: LabelSpec
    text_field: str = "text"
    score_field: str | None = None
    score_higher_is: str = "worse"  # MQM counts errors: a higher score is a worse translation
    group_field: str | None = None
    segments_path: str | None = None
    segment_key: tuple[str, ...] = ("doc_id", "system")
    segment_order: str = "seg_id"
    segment_text: str = "target"
    segment_score: str | None = None  # default: score_field
    resamples: int = stats.BOOTSTRAP_RESAMPLES
    seed: int = stats.BOOTSTRAP_SEED
    band: tuple[float, float] = NEUTRAL_BAND
    target_precision: float | None = None  # calibrate when given
    mt_share: float | None = None
    post_edited_precision: float | None = None
    jobs: int = 0
    quiet: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


def _estimate(value: float, interval: tuple[float, float] = (math.nan, math.nan)) -> Estimate:
    def clean(x: float) -> float | None:
        return None if x is None or math.isnan(x) else round(float(x), 6)

    return Estimate(value=clean(value), low=clean(interval[0]), high=clean(interval[1]))


class _Timer:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self.last, 3)
        self.last = now

    def total(self) -> dict[str, float]:
        return {**self.seconds, "total": round(time.perf_counter() - self.start, 3)}


def evaluate(path: str | Path, options: EvalOptions, checker: Checker) -> EvalReport:
    """Evaluate `checker` on the labelled JSONL at `path` (in worker processes, each with a
    checker built from the same options: see checking.check_texts). A problem with the whole file
    raises InputProblem; malformed records (and an unreadable segments file) are listed
    in the report's `errors` and the rest is evaluated."""
    timer = _Timer()
    keys = options.segment_key if options.segments_path else ()
    docs, errors = load_documents(path, options.label, options.text_field, options.score_field, options.group_field,
                                  keys, options.max_bytes)
    if not docs:
        first = errors[0]
        raise InputProblem(str(path), f"no usable record ({len(errors):,} malformed; the first, "
                                      f"{first.source}: {first.message})")
    timer.lap("load")
    checked = check_texts(checker, [d.text for d in docs], options.jobs, "checking", options.quiet)
    timer.lap("check")

    is_mt = np.array([d.is_mt for d in docs], dtype=bool)
    group_name = f"grouped by {options.group_field}" if options.group_field else "stratified by label"
    segment_level = None
    if options.segments_path:
        segment_level = _segment_level(options, docs, checked, checker, errors, timer)
    document = _document_level(options, docs, checked, is_mt)
    rules = rule_table(checker.enabled, [c.rules for c in checked], list(is_mt), options.band)
    story = [d.group or f"\0line {d.line}" for d in docs] if options.group_field else None
    evidence = evidence_rows(checked, list(is_mt), story, resamples=options.resamples, seed=options.seed)
    calibration = None
    if options.target_precision is not None:
        # Thresholds are set on documents the model judged; one too short or not English has no likelihood.
        judged = np.array([c.verdict not in UNJUDGED for c in checked], dtype=bool)
        points = stats.roc_points([c.likelihood for c, j in zip(checked, judged) if j], is_mt[judged])
        calibration = calibration_mod.calibrate(points, options.target_precision, options.mt_share,
                                                options.post_edited_precision)
        if not judged.all():
            calibration = calibration.model_copy(update={"notes": [
                *calibration.notes, f"{int((~judged).sum()):,} documents too short to judge left out"]})
        text = calibration_mod.snippet(calibration, str(path), int(judged.sum()), checker.signature.format(),
                                       checker.options.model)
        calibration = calibration.model_copy(update={"snippet": text})
    timer.lap("statistics")
    n_mt = int(is_mt.sum())
    return EvalReport(
        inputs=Inputs(path=str(path), documents=len(docs), human=len(docs) - n_mt, mt=n_mt, label=options.label.field,
                      label_rule=options.label.rule, text_field=options.text_field, score=options.score_field,
                      score_higher_is=options.score_higher_is if options.score_field else None,
                      group=options.group_field, segments=options.segments_path),
        signature=checker.signature.format(),
        verdict_thresholds=checker.verdict_thresholds,
        bootstrap=Bootstrap(resamples=options.resamples, seed=options.seed, level=stats.CI_LEVEL,
                            documents=f"{group_name} (whole groups drawn with replacement)" if options.group_field
                            else f"{group_name} (each class resampled to its own size)",
                            segments="grouped by document (a document's segments drawn together)"),
        document=document, segment=segment_level, rules=rules, evidence=evidence, calibration=calibration,
        errors=errors, seconds=timer.total(),
    )


def _document_level(options: EvalOptions, docs: Sequence[LabelledDoc], checked: Sequence[Checked],
                    is_mt: np.ndarray) -> DocumentLevel:
    likelihood = np.array([c.likelihood for c in checked])
    fluency = np.array([c.fluency for c in checked])
    verdict = np.array([c.verdict for c in checked])
    judged = ~np.isin(verdict, UNJUDGED)  # documents with a likelihood
    groups = [d.group or f"\0line {d.line}" for d in docs] if options.group_field else None

    # The human score as a detector (worse = more MT-like), for scale: how separable the classes are at all.
    sign = 1.0 if options.score_higher_is == "worse" else -1.0
    score = np.array([sign * d.score if d.score is not None else np.nan for d in docs])

    def figures(idx: np.ndarray) -> list[float]:
        mt, v = is_mt[idx], verdict[idx]
        rated = ~np.isnan(score[idx])
        out = [stats.roc_auc(likelihood[idx], mt), stats.roc_auc(-fluency[idx], mt),
               stats.roc_auc(score[idx][rated], mt[rated]) if options.score_field else math.nan]
        for verdicts, predicts in VERDICT_READINGS:
            predicted = np.isin(v, verdicts)
            truth = mt if predicts == "mt" else ~mt
            out.extend(stats.precision_recall_f1(int((predicted & truth).sum()), int((predicted & ~truth).sum()),
                                                 int((~predicted & truth).sum())))
        return out

    resampler = stats.Resampler(len(docs), groups=groups, strata=None if groups else is_mt, seed=options.seed)
    values = figures(np.arange(len(docs)))
    intervals = stats.bootstrap_ci(figures, resampler, options.resamples)
    readings = []
    for i, (verdicts, predicts) in enumerate(VERDICT_READINGS):
        at = 3 + 3 * i
        truth = is_mt if predicts == "mt" else ~is_mt
        readings.append(VerdictFigures(
            verdicts=list(verdicts), predicts=predicts, predicted=int(np.isin(verdict, verdicts).sum()),
            support=int(truth.sum()), precision=_estimate(values[at], intervals[at]),
            recall=_estimate(values[at + 1], intervals[at + 1]), f1=_estimate(values[at + 2], intervals[at + 2])))
    rows = ["mt" if m else "human" for m in is_mt]
    scored = [i for i, d in enumerate(docs) if d.score is not None]
    correlation = None
    if options.score_field:
        score = np.array([docs[i].score for i in scored], dtype=float)
        sub_groups = [groups[i] for i in scored] if groups else None
        words = np.array([len(docs[i].text.split()) for i in scored], dtype=float)
        correlation = _correlation(options.score_field, options, fluency[scored], score, sub_groups, words)
    return DocumentLevel(
        auc=_estimate(values[0], intervals[0]), auc_fluency=_estimate(values[1], intervals[1]),
        auc_score=_estimate(values[2], intervals[2]) if options.score_field else None,
        roc=_roc(likelihood, is_mt), roc_fluency=_roc(-fluency, is_mt),
        reliability=_reliability(likelihood[judged], is_mt[judged]),
        confusion=ConfusionMatrix(rows=["human", "mt"], columns=list(VERDICTS),
                                  counts=stats.confusion_matrix(rows, list(verdict), ["human", "mt"], VERDICTS)),
        verdicts=readings,
        pairwise=_pairwise(options, docs, likelihood, fluency, is_mt) if options.group_field else None,
        correlation=correlation,
        points=[ScorePoint(fluency=float(fluency[i]), score=float(docs[i].score), is_mt=bool(is_mt[i]))  # type: ignore[arg-type]
                for i in scored],
    )


def _reliability(likelihood: np.ndarray, is_mt: np.ndarray) -> Reliability:
    """The reliability diagram, class-balanced: the learned model's likelihood is a probability
    at even prior odds, so each class weighs the same whatever the data's share of MT."""
    rows = stats.reliability(likelihood, is_mt, stats.class_balanced_weights(is_mt))
    ece = stats.expected_calibration_error(rows)
    return Reliability(
        weighting="class-balanced", documents=len(likelihood),
        bins=[ReliabilityBin(low=r.low, high=r.high, documents=r.documents, weight=round(r.weight, 6),
                             mean_probability=round(r.mean_probability, 6), mt_share=round(r.positive_share, 6))
              for r in rows],
        expected_calibration_error=None if math.isnan(ece) else round(ece, 6))


def _roc(scores: np.ndarray, is_mt: np.ndarray) -> list[RocPoint]:
    return [RocPoint(threshold=t, fpr=round(f, 6), tpr=round(r, 6)) for t, f, r in stats.roc_curve(scores, is_mt)]


def _pairwise(options: EvalOptions, docs: Sequence[LabelledDoc], likelihood: np.ndarray, fluency: np.ndarray,
              is_mt: np.ndarray) -> PairwiseAccuracy:
    """Every (human, MT) pair within a group; groups are the units resampled."""
    members: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        if d.group is not None:
            members.setdefault(d.group, []).append(i)
    wins_likelihood, wins_fluency, pairs = [], [], []
    for idx in members.values():
        idx_arr = np.array(idx)
        human, mt = idx_arr[~is_mt[idx_arr]], idx_arr[is_mt[idx_arr]]
        if not len(human) or not len(mt):
            continue
        pairs.append(len(human) * len(mt))
        wins_likelihood.append(_wins(likelihood[mt], likelihood[human]))
        wins_fluency.append(_wins(-fluency[mt], -fluency[human]))
    wl, wf, n = np.array(wins_likelihood), np.array(wins_fluency), np.array(pairs, dtype=float)

    def figures(idx: np.ndarray) -> list[float]:
        total = n[idx].sum()
        return [wl[idx].sum() / total, wf[idx].sum() / total] if total else [math.nan, math.nan]

    values = figures(np.arange(len(n)))
    intervals = stats.bootstrap_ci(figures, stats.Resampler(len(n), seed=options.seed), options.resamples) \
        if len(n) else [(math.nan, math.nan)] * 2
    return PairwiseAccuracy(groups=len(n), pairs=int(n.sum()), likelihood=_estimate(values[0], intervals[0]),
                            fluency=_estimate(values[1], intervals[1]))


def _wins(mt: np.ndarray, human: np.ndarray) -> float:
    """(MT, human) pairs where the MT version scores higher, ties counted half."""
    diff = mt[:, None] - human[None, :]
    return float((diff > 0).sum() + 0.5 * (diff == 0).sum())


def _correlation(field: str, options: EvalOptions, fluency: np.ndarray, score: np.ndarray,
                 groups: Sequence[str] | None, words: np.ndarray) -> Correlation:
    """Fluency against the score: raw, and within length quintiles (so that "longer text has
    more errors" alone earns nothing)."""
    def figures(idx: np.ndarray) -> list[float]:
        return [stats.kendall_tau_b(fluency[idx], score[idx]), stats.spearman_rho(fluency[idx], score[idx]),
                stats.within_quantiles(stats.kendall_tau_b, fluency[idx], score[idx], words[idx], LENGTH_BINS)]

    values = figures(np.arange(len(score)))
    if len(score) >= 2:
        resampler = stats.Resampler(len(score), groups=groups, seed=options.seed)
        intervals = stats.bootstrap_ci(figures, resampler, options.resamples)
    else:
        intervals = [(math.nan, math.nan)] * 3
    return Correlation(field=field, n=len(score), kendall_tau_b=_estimate(values[0], intervals[0]),
                       spearman_rho=_estimate(values[1], intervals[1]),
                       kendall_tau_b_within_length=_estimate(values[2], intervals[2]),
                       expected_sign=-1 if options.score_higher_is == "worse" else 1)


def _segment_level(options: EvalOptions, docs: Sequence[LabelledDoc], checked: Sequence[Checked], checker: Checker,
                   errors: list[InputError], timer: _Timer) -> SegmentLevel | None:
    path = options.segments_path
    assert path is not None
    score_field = options.segment_score or options.score_field
    try:
        segments, segment_errors = load_segments(path, options.segment_key, options.segment_order,
                                                 options.segment_text, score_field, options.max_bytes)
    except InputProblem as problem:
        errors.append(InputError(source=problem.source, message=problem.message))
        return None
    errors.extend(segment_errors)
    timer.lap("load")
    grouped = segments_mod.by_document(segments)
    doc_of = {d.key: i for i, d in enumerate(docs) if d.key is not None}
    placed: list[tuple[int, list, list[tuple[int, int]], tuple]] = []  # (doc, segments, spans, sentences)
    recheck: list[tuple[int, list, list[tuple[int, int]], str]] = []
    for key, parts in grouped.items():
        i = doc_of.get(key)
        if i is None:
            continue
        spans = segments_mod.locate(docs[i].text, [s.text for s in parts])
        if spans is None:  # the document's text is not its segments: check what the segments say
            text, spans = segments_mod.joined([s.text for s in parts])
            recheck.append((i, parts, spans, text))
        else:
            placed.append((i, parts, spans, checked[i].sentences))
    if recheck:
        rechecked = check_texts(checker, [r[3] for r in recheck], options.jobs, "segments",
                                options.quiet)
        placed.extend((i, parts, spans, c.sentences) for (i, parts, spans, _), c in zip(recheck, rechecked))
    timer.lap("check")
    fluency, score, owner, words = [], [], [], []
    matched = not_found = 0
    for i, parts, spans, sentences in placed:
        for segment, (start, end) in zip(parts, spans):
            value = segments_mod.span_fluency(sentences, start, end)
            if value is None:
                not_found += 1
                continue
            matched += 1
            if segment.score is not None:
                fluency.append(value)
                score.append(segment.score)
                owner.append(str(i))
                words.append(len(segment.text.split()))
    in_documents = sum(len(p[1]) for p in placed)
    correlation = None
    if score_field:
        correlation = _correlation(score_field, options, np.array(fluency), np.array(score), owner,
                                   np.array(words, dtype=float))
    return SegmentLevel(path=path, segments=len(segments), matched=matched,
                        without_document=len(segments) - in_documents,
                        not_found=not_found, documents_rechecked=len(recheck), method=segments_mod.METHOD,
                        correlation=correlation)

