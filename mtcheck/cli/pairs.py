"""`mtcheck pairs validate`: problems in reference-pair files, as file:line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mtcheck.cli.common import EXIT_FINDINGS, EXIT_OK, UsageError


def register(sub) -> None:
    pairs = sub.add_parser("pairs", help="work with reference-pair files")
    pairs_sub = pairs.add_subparsers(dest="pairs_command", metavar="ACTION", required=True)
    validate = pairs_sub.add_parser(
        "validate", help="report duplicates, conflicts, empty fields and bad patterns as file:line",
        description="Validate reference-pair files (default: the shipped reference_pairs/phrases/).")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of .tsv files")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(run=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    from mtcheck.core.pairs import PairsError, default_pairs_dir, load, pair_files
    from mtcheck.models import PairsValidation, Severity

    try:
        paths = args.paths or [default_pairs_dir() / "phrases"]
    except PairsError as exc:
        raise UsageError(str(exc)) from None
    for path in args.paths:
        if not Path(path).exists():
            raise UsageError(f"{path}: no such file or folder")
    if not pair_files(paths):
        raise UsageError(f"{', '.join(map(str, paths))}: no .tsv pair files found")
    loaded = load(paths)
    result = PairsValidation(files=loaded.files, entries=len(loaded.entries), problems=loaded.problems)
    if args.format == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        for p in result.problems:
            print(f"{p.path}:{p.line}: {p.severity.value}: {p.message}")
        errors = sum(1 for p in result.problems if p.severity == Severity.error)
        print(f"{len(result.files)} files, {result.entries} entries, {errors} errors, "
              f"{len(result.problems) - errors} warnings")
    return EXIT_FINDINGS if any(p.severity == Severity.error for p in result.problems) else EXIT_OK
