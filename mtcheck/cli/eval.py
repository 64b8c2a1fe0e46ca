"""`mtcheck eval LABELLED.jsonl`: how far to trust the checker on labelled copy, per-rule
evidence, and verdict thresholds calibrated to a target precision."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mtcheck.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_label_options,
    add_labelled_run_options,
    add_rule_options,
    checker_of_config_option,
    error,
    label_spec,
    number_between,
    positive_int,
    split,
)

if TYPE_CHECKING:
    pass

MAX_ERRORS_SHOWN = 20


# Precisions and shares: 0 would mean nothing, so it is refused.
_fraction = number_between(0.0, 1.0, above_low=True)


def _count(value: str) -> int:
    return 0 if value.strip() == "0" else positive_int(value)


def _band(value: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not LOW,HIGH (e.g. 0.8,1.25)") from None
    if not 0 < low <= 1 <= high:
        raise argparse.ArgumentTypeError(f"{value!r}: the band must hold 1 (0 < LOW <= 1 <= HIGH)")
    return low, high


def register(sub) -> None:
    p = sub.add_parser(
        "eval", help="measure and calibrate the checker on labelled documents (JSONL)",
        description="Check every document of a labelled JSONL file and report how well MT likelihood and fluency "
                    "separate MT from human copy (ROC AUC, verdict precision/recall/F1, confusion matrix, pairwise "
                    "accuracy within groups, correlation with a human score at document and segment level, with "
                    "bootstrap intervals), how often each rule fires in each class, and with --calibrate the verdict "
                    "thresholds that reach a target precision. Writes eval.json, eval.md and SVG plots to --out.")
    p.add_argument("file", metavar="LABELLED.jsonl", help="one JSON object a line: the text, a boolean label, and "
                   "optionally a human score and a group")
    add_label_options(p)
    p.add_argument("--score", metavar="FIELD", help="human quality score to correlate with fluency (e.g. mqm_fluency); "
                   "null values are left out")
    p.add_argument("--higher-score-is", choices=("worse", "better"), default="worse",
                   help="worse (MQM error points, the default) or better (e.g. a 0-100 rating)")
    p.add_argument("--group", metavar="FIELD", help="field naming the source document (e.g. doc_id): pairwise "
                   "accuracy within groups, and bootstrap by group")
    p.add_argument("--segments", metavar="FILE", help="JSONL of the documents' segments, for segment-level figures")
    p.add_argument("--segment-key", default="doc_id,system", metavar="FIELDS",
                   help="fields, in both files, that tie a segment to its document (default: doc_id,system)")
    p.add_argument("--segment-order", default="seg_id", metavar="FIELD", help="segment order field (default: seg_id)")
    p.add_argument("--segment-text", default="target", metavar="FIELD", help="segment text field (default: target)")
    p.add_argument("--segment-score", metavar="FIELD", help="segment score field (default: the --score field)")
    p.add_argument("--calibrate", action="store_true", help="choose verdict thresholds and write calibration.toml")
    p.add_argument("--target-precision", type=_fraction, default=None, metavar="P",
                   help="precision for MT the machine verdict must reach (default 0.9; implies --calibrate)")
    p.add_argument("--mt-share", type=_fraction, default=None, metavar="S",
                   help="share of MT in the copy the thresholds are for (default: the data's own)")
    p.add_argument("--post-edited-precision", type=_fraction, default=None, metavar="Q",
                   help="precision the post-edited verdict must reach (default: half-way from the MT share to P)")
    p.add_argument("--neutral-band", type=_band, default=None, metavar="LOW,HIGH",
                   help="likelihood ratios within it make a rule 'not evidence' (default: 0.8,1.25)")
    p.add_argument("--resamples", type=_count, default=1000, metavar="N",
                   help="bootstrap resamples for the intervals (default: 1000; 0: no intervals)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="bootstrap seed (default: 0)")
    p.add_argument("--out", metavar="DIR", help="folder for the report (default: reports/eval-NAME)")
    add_labelled_run_options(p, "check with the settings of this mtcheck.toml or pyproject.toml")
    add_rule_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.evaluate import EvalOptions, evaluate
    from mtcheck.evaluate.per_rule import NEUTRAL_BAND
    from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem

    label = label_spec(args)
    segment_key = tuple(split([args.segment_key]))
    if args.segments and not segment_key:
        raise UsageError("--segment-key names no field")
    calibrate = args.calibrate or args.target_precision is not None
    if not calibrate and (args.mt_share is not None or args.post_edited_precision is not None):
        raise UsageError("--mt-share and --post-edited-precision need --calibrate")
    if args.mt_share is not None and args.mt_share >= 1:
        raise UsageError("--mt-share must be below 1 (some of the copy must be human)")
    checker = checker_of_config_option(args)
    options = EvalOptions(
        label=label, text_field=args.text, score_field=args.score, score_higher_is=args.higher_score_is,
        group_field=args.group, segments_path=args.segments, segment_key=segment_key,
        segment_order=args.segment_order, segment_text=args.segment_text, segment_score=args.segment_score,
        resamples=args.resamples, seed=args.seed, band=args.neutral_band or NEUTRAL_BAND,
        target_precision=(args.target_precision or 0.9) if calibrate else None, mt_share=args.mt_share,
        post_edited_precision=args.post_edited_precision, jobs=args.jobs or 0, quiet=args.quiet,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES)
    try:
        report = evaluate(args.file, options, checker)
    except InputProblem as problem:
        error(str(problem))
        return EXIT_ERROR
    for record in report.errors[:MAX_ERRORS_SHOWN]:
        error(f"{record.source}: {record.message}")
    if len(report.errors) > MAX_ERRORS_SHOWN:
        error(f"{args.file}: {len(report.errors) - MAX_ERRORS_SHOWN:,} more malformed records (all in eval.json)")
    out = Path(args.out) if args.out else Path("reports") / f"eval-{Path(args.file).stem}"
    written = _write(out, report)
    if not args.quiet:
        from mtcheck.render.eval_text import render_eval_text

        sys.stdout.write(render_eval_text(report, [str(p) for p in written]))
    if report.errors:
        return EXIT_ERROR
    if report.calibration is not None and not report.calibration.reached:
        return EXIT_FINDINGS
    return EXIT_OK


def _write(out: Path, report) -> list[Path]:
    from mtcheck.files import atomic_write
    from mtcheck.render import svg
    from mtcheck.render.eval_markdown import render_eval_markdown

    d = report.document
    files: dict[str, str] = {"eval.json": report.model_dump_json(indent=2) + "\n"}
    level = f"{report.bootstrap.level:.0%}"
    curves = {f"MT likelihood (AUC {_auc(d.auc)})": [(p.fpr, p.tpr) for p in d.roc],
              f"−fluency (AUC {_auc(d.auc_fluency)})": [(p.fpr, p.tpr) for p in d.roc_fluency]}
    n = f"n = {report.inputs.documents:,}: {report.inputs.mt:,} MT, {report.inputs.human:,} human"
    # Curves of two measures, not of the two classes: ink and grey, so no colour says "machine".
    roc_file = scatter_file = None
    if d.roc:
        roc_file = "roc.svg"
        post_edited, machine = report.verdict_thresholds
        marks = [(p.fpr, p.tpr, f"{name} ≥ {threshold:g}") for name, threshold in
                 (("post-edited", post_edited), ("machine", machine)) if (p := _operating_point(d.roc, threshold))]
        files[roc_file] = svg.standalone(svg.roc_curve(
            curves, "ROC: MT vs human", x_label="human documents flagged (false-positive rate)",
            y_label="MT documents flagged (true-positive rate)", marks=marks, width=480,
            note=f"{n}; AUC, {level} interval; ○ verdict thresholds", colours=["#1c1c1e", "#8a8780"]))
    if d.correlation is not None and d.points:
        field = d.correlation.field
        scatter_file = "fluency_vs_score.svg"
        # Machine red, human blue, as on every page; the few human points drawn last and bigger,
        # so they are not buried under the many MT ones.
        mt = [(p.fluency, p.score) for p in d.points if p.is_mt]
        human = [(p.fluency, p.score) for p in d.points if not p.is_mt]
        series = {f"MT (n = {len(mt):,})": mt, f"human (n = {len(human):,})": human}
        worse = "higher is worse" if d.correlation.expected_sign < 0 else "higher is better"
        files[scatter_file] = svg.standalone(svg.scatter(
            series, f"Fluency vs {field} per document", "mtcheck fluency (0-100)", f"{field} ({worse})",
            colours=[svg.VERDICT_COLOURS["machine"], svg.VERDICT_COLOURS["human"]],
            emphasise=f"human (n = {len(human):,})", note=f"{len(mt) + len(human):,} documents with a {field}"))
    reliability_file = None
    if d.reliability.bins:
        reliability_file = "reliability.svg"
        r = d.reliability
        files[reliability_file] = svg.standalone(svg.reliability_diagram(
            [(b.mean_probability, b.mt_share, b.weight) for b in r.bins], "Reliability of the MT likelihood",
            x_label="mean MT likelihood in the bin", y_label="share of MT (class-balanced)", width=480,
            note=f"{r.documents:,} judged documents; dot area: the bin's weight; calibrated = on the diagonal"))
    files["eval.md"] = render_eval_markdown(report, roc_file, scatter_file, reliability_file)
    if report.calibration is not None:
        files["calibration.toml"] = report.calibration.snippet
    try:
        for name, text in files.items():
            atomic_write(out / name, text)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write the report ({exc.strerror or exc})") from None
    return [out / name for name in files]


def _auc(estimate) -> str:
    """'0.712, 0.65–0.77': the AUC and its bootstrap interval."""
    if estimate.value is None:
        return "n/a"
    interval = f", {estimate.low:.2f}–{estimate.high:.2f}" if estimate.low is not None and estimate.high is not None \
        else ""
    return f"{estimate.value:.3f}{interval}"


def _operating_point(roc, threshold: float):
    """The ROC point of flagging documents at MT likelihood >= threshold: the one with the
    lowest threshold still at or above it."""
    at_or_above = [p for p in roc if p.threshold is not None and p.threshold >= threshold]
    return min(at_or_above, key=lambda p: p.threshold) if at_or_above else None
