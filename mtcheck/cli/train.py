"""`mtcheck train LABELLED.jsonl... --out DIR`: a provenance model trained on a newsroom's own
labelled copy; `--model DIR` (or `model = "DIR"` in the config) checks with it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mtcheck.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    UsageError,
    add_label_options,
    add_labelled_run_options,
    add_rule_options,
    checker_of_config_option,
    error,
    label_spec,
    positive_int,
)

MAX_ERRORS_SHOWN = 20
CARD_FILE = "MODEL_CARD.md"


def _weight(value: str) -> tuple[str, float]:
    source, sep, number = value.rpartition("=")
    try:
        weight = float(number)
    except ValueError:
        weight = -1.0
    if not sep or not source or not weight > 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not SOURCE=WEIGHT with a positive weight (e.g. archive=0.5)")
    return source, weight


def _share(value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 10.0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a share from 0 to 10 (e.g. 0.5)")
    return share


def register(sub) -> None:
    p = sub.add_parser(
        "train", help="train a provenance model on labelled documents (JSONL; needs the train extra)",
        description="Train the provenance model on labelled documents: every document is analysed by the checker "
                    "(its rules, pairs and packs, as configured), then a linear model over style features, finding "
                    "rates and function-word patterns is fitted and calibrated with cross-validation grouped by "
                    "story. Writes model.json, its training report model.training.json and MODEL_CARD.md to --out; "
                    "check with it by --model DIR or model = \"DIR\" in the config. Each file is one source "
                    "(human and MT weigh the same inside a source; a file of human copy only, English written as "
                    "English, sets the human threshold) unless --source names a field. Needs "
                    "pip install 'mtcheck[train]'.")
    p.add_argument("files", nargs="+", metavar="LABELLED.jsonl", help="one JSON object a line: the text and a boolean "
                   "label (the format `mtcheck eval` reads)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the model, its report and its card")
    add_label_options(p)
    p.add_argument("--group", metavar="FIELD",
                   help="field naming the story: every version of a story falls in the same fold (default: doc_id "
                        "where a record has it; a record without it is a story of its own)")
    p.add_argument("--source", metavar="FIELD", help="field naming each record's source (default: its file's name)")
    p.add_argument("--weight", type=_weight, action="append", default=[], metavar="SOURCE=W",
                   help="scale a source's weight (repeatable; e.g. a small set you trust less: archive=0.2)")
    p.add_argument("--min-words", type=positive_int, default=None, metavar="N",
                   help="documents shorter than N words are too short to judge (default: 60)")
    p.add_argument("--rule-weight-share", type=_share, default=None, metavar="F",
                   help="add the checker's hand-set rule weights to the learned score at F times its spread "
                        "(default: 0.5, chosen across corpora; 0 leaves them out)")
    p.add_argument("--seed", type=int, default=None, metavar="N", help="seed of the folds (default: the shipped "
                   "model's)")
    add_labelled_run_options(p, "analyse with the rules and pairs of this mtcheck.toml or pyproject.toml")
    add_rule_options(p, scorer=False)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from mtcheck.evaluate.fit import TrainingError, TrainSettings
        from mtcheck.evaluate.train import TrainOptions, train_model
    except ImportError as exc:
        raise UsageError(f"mtcheck train needs the train extra ({exc.name} is missing): "
                         "pip install 'mtcheck[train]'") from None
    from dataclasses import replace

    from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem

    label = label_spec(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: --out must be a folder")
    settings = TrainSettings()
    changes: dict = {"source_weights": tuple(args.weight)} if args.weight else {}
    if args.min_words is not None:
        changes["min_words"] = args.min_words
    if args.seed is not None:
        changes["seed"] = args.seed
    if args.rule_weight_share is not None:
        changes["rule_weight_share"] = args.rule_weight_share
    checker = checker_of_config_option(args)
    options = TrainOptions(label=label, text_field=args.text, group_field=args.group, source_field=args.source,
                           settings=replace(settings, **changes), jobs=args.jobs or 0, quiet=args.quiet,
                           max_bytes=args.max_bytes or DEFAULT_MAX_BYTES)
    try:
        trained = train_model(args.files, options, checker)
    except InputProblem as problem:
        error(str(problem))
        return EXIT_ERROR
    except TrainingError as exc:
        error(f"cannot train on {', '.join(args.files)}: {exc}")
        return EXIT_ERROR
    report = trained.report
    for record in report.errors[:MAX_ERRORS_SHOWN]:
        error(f"{record.source}: {record.message}")
    if len(report.errors) > MAX_ERRORS_SHOWN:
        error(f"{len(report.errors) - MAX_ERRORS_SHOWN:,} more malformed records (all in model.training.json)")
    written = _write(out, trained)
    if not args.quiet:
        sys.stdout.write(_summary(trained, written))
    return EXIT_ERROR if report.errors else EXIT_OK


def _write(out: Path, trained) -> list[Path]:
    from mtcheck.core.model.scorer import MODEL_FILE, training_report_path
    from mtcheck.files import atomic_write, atomic_write_bytes
    from mtcheck.render.model_card import render_model_card

    model = out / MODEL_FILE
    card = render_model_card(trained.spec, trained.report.model.sha256, len(trained.model), f"`{model}`",
                             trained.report)
    files = [model, training_report_path(model), out / CARD_FILE]
    try:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(files[0], trained.model)
        atomic_write(files[1], trained.report.model_dump_json(indent=2) + "\n")
        atomic_write(files[2], card)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write the model ({exc.strerror or exc})") from None
    return files


def _summary(trained, written: list[Path]) -> str:
    report = trained.report
    cv = report.cross_validated
    lines = [f"trained on {report.documents:,} documents in {report.stories:,} stories "
             f"({', '.join(f'{i.source}: {i.human:,} human, {i.mt:,} MT' for i in report.inputs)})",
             f"cross-validated ({cv.folds} folds grouped by story):"]
    for s in cv.sources:
        if s.auc is not None:
            lines.append(f"  {s.source}: document AUC {s.auc:.3f}, sentence AUC "
                         f"{s.sentence_auc if s.sentence_auc is not None else float('nan'):.3f}")
        elif s.nonhuman_rate is not None:
            lines.append(f"  {s.source} (human only): {s.nonhuman_rate:.1%} called post-edited or machine")
    m = report.model
    lines.append(f"verdicts: human below {m.thresholds[0]:.2f}, machine from {m.thresholds[1]:.2f}; under "
                 f"{m.min_words} words too short to judge")
    lines.append(f"wrote {', '.join(str(p) for p in written)} (sha256 {m.sha256[:12]})")
    lines.append(f"check with it: mtcheck check --model {written[0].parent} FILE")
    return "\n".join(lines) + "\n"
