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
        description="Validate reference-pair files (default: the shipped reference_pairs/phrases/). A folder "
                    "holding an mtcheck-pack.toml is a rule pack: its manifest is validated too.")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files, folders of .tsv files, or pack folders")
    validate.add_argument("--pack", action="append", default=[], metavar="NAME",
                          help="validate an installed rule pack (`mtcheck packs` lists them; repeatable)")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(run=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    from mtcheck.core.packs import MANIFEST, read_pack, resolve_packs
    from mtcheck.core.pairs import PairsError, default_pairs_dir, load, pair_files
    from mtcheck.models import PairsValidation, Severity

    for path in args.paths:
        if not Path(path).exists():
            raise UsageError(f"{path}: no such file or folder")
    try:
        packs = resolve_packs(args.pack)
        packs += [read_pack(Path(p), f"folder {p}") for p in args.paths if (Path(p) / MANIFEST).is_file()]
        paths = [p for p in args.paths if not (Path(p) / MANIFEST).is_file()]
        paths += [pack.pairs_folder for pack in packs]
        if not paths:
            paths = [default_pairs_dir() / "phrases"]
    except PairsError as exc:  # a pack's manifest, or the shipped pairs missing
        raise UsageError(str(exc)) from None
    if args.format == "text":
        for pack in packs:
            print(f"pack {pack.describe()} ({pack.origin}): manifest ok")
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
