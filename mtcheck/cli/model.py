"""`mtcheck model info [PATH]`: the model card of the shipped provenance model, or of a model
file or folder `mtcheck train` wrote."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

from mtcheck.cli.common import EXIT_OK, UsageError


def register(sub) -> None:
    p = sub.add_parser("model", help="describe a provenance model (its card)",
                       description="Describe a provenance model: what it reads, what it was trained on, its "
                                   "cross-validated figures and thresholds.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    info = actions.add_parser("info", help="print a model's card (default: the shipped model)",
                              description="Print the model card of the shipped model, or of the model file or folder "
                                          "PATH (`mtcheck train --out DIR` writes one).")
    info.add_argument("path", nargs="?", metavar="PATH", help="a model file, or a folder `mtcheck train` wrote")
    info.add_argument("--format", choices=("markdown", "json"), default="markdown",
                      help="markdown: the card; json: the training report (default: markdown)")
    info.set_defaults(run=run_info)


def run_info(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from mtcheck.core.model.scorer import SHIPPED, ModelError, model_path, training_report_path
    from mtcheck.models.train import TrainingReport
    from mtcheck.render.model_card import render_model_card

    try:
        path = model_path(args.path) if args.path else SHIPPED
        data = path.read_bytes()
    except ModelError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{args.path}: cannot read the model file ({exc.strerror or exc})") from None
    try:
        spec = json.loads(data)
        _ = spec["format"], spec["thresholds"], spec["rules"], spec["ngrams"], spec["min_words"]
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"{path}: not a provenance model file") from None
    report = None
    report_file = training_report_path(path)
    if report_file.is_file():
        try:
            report = TrainingReport.model_validate_json(report_file.read_bytes())
        except (OSError, ValidationError) as exc:
            raise UsageError(f"{report_file}: not a training report ({str(exc).splitlines()[0]})") from None
    if args.format == "json":
        if report is None:
            raise UsageError(f"{path}: no training report beside it ({report_file.name}); --format markdown "
                             "describes the file alone")
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    location = "the shipped model (mtcheck/core/model/shipped/model.json)" if path == SHIPPED else f"`{path}`"
    sys.stdout.write(render_model_card(spec, hashlib.sha256(data).hexdigest(), len(data), location, report))
    return EXIT_OK
