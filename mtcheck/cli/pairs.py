"""`mtcheck pairs validate`: problems in reference-pair files, as file:line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mtcheck.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    CheckerForFile,
    UsageError,
    add_config_option,
    add_rule_options,
    error,
    positive_int,
)


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
    stats = pairs_sub.add_parser(
        "stats", help="how often each rule and each entry fires in human and in MT text (labelled JSONL)",
        description="Check labelled documents and print, for every rule and every reference-pair entry that "
                    "fired, its hits in human and in MT text, the rates per 1,000 words, their ratio and a 95%% "
                    "bootstrap interval that resamples whole source stories (--group). Use it to see which "
                    "entries earn their place, on data from several years and sources.")
    stats.add_argument("files", nargs="+", metavar="LABELLED.jsonl", help="JSONL, one document a line")
    stats.add_argument("--label", required=True, metavar="FIELD", help="boolean field: is_human or is_mt")
    stats.add_argument("--true-means", choices=("mt", "human"), default=None,
                       help="what true means in --label (default: read off its name)")
    stats.add_argument("--text", default="text", metavar="FIELD", help="text field (default: text)")
    stats.add_argument("--group", metavar="FIELD", help="field naming the source story (e.g. doc_id)")
    stats.add_argument("--resamples", type=int, default=1000, metavar="N", help="bootstrap resamples (default 1000)")
    stats.add_argument("--seed", type=int, default=0, metavar="N", help="bootstrap seed (default 0)")
    stats.add_argument("--min-hits", type=positive_int, default=1, metavar="N",
                       help="list entries with at least N hits in all (default 1)")
    stats.add_argument("--jobs", type=positive_int, default=None, metavar="N", help="processes (default: one per core)")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    add_rule_options(stats)
    add_config_option(stats)
    stats.set_defaults(run=run_stats)


def run_stats(args: argparse.Namespace) -> int:
    from mtcheck.evaluate.checking import check_texts
    from mtcheck.evaluate.evidence import evidence_rows
    from mtcheck.evaluate.labelled import LabelSpec, load_documents
    from mtcheck.models.evaluate import EvidenceTable
    from mtcheck.read import InputProblem

    try:
        label = LabelSpec.of(args.label, args.true_means)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    checkers = CheckerForFile(args)
    checker = checkers.checker_for(checkers.config_for("-") if args.config else None)
    docs, problems = [], []
    for path in args.files:
        try:
            loaded, errors = load_documents(path, label, args.text, group_field=args.group)
        except InputProblem as problem:
            error(str(problem))
            return EXIT_ERROR
        docs.extend(loaded)
        problems.extend(errors)
    for record in problems[:20]:
        error(f"{record.source}: {record.message}")
    if not docs:
        raise UsageError("no labelled documents to measure")
    checked = check_texts(checker, [d.text for d in docs], args.jobs or 0, "checking", quiet=args.format == "json")
    is_mt = [d.is_mt for d in docs]
    groups = [d.group or f"{i}" for i, d in enumerate(docs)] if args.group else None
    entries = {e.location: e for e in checker.pairs.entries}
    rows = [r for r in evidence_rows(checked, is_mt, groups, entries, args.resamples, args.seed)
            if r.kind == "rule" or r.human_hits + r.mt_hits >= args.min_hits]
    words = [c.words for c in checked]
    table = EvidenceTable(
        inputs=list(args.files), signature=checker.signature.format(),
        human_documents=sum(not m for m in is_mt), mt_documents=sum(is_mt),
        human_words=sum(w for w, m in zip(words, is_mt) if not m), mt_words=sum(w for w, m in zip(words, is_mt) if m),
        resamples=args.resamples, seed=args.seed, grouped_by=args.group, rows=rows)
    if args.format == "json":
        sys.stdout.write(table.model_dump_json(indent=2) + "\n")
    else:
        from mtcheck.render.evidence_text import render_evidence_text

        sys.stdout.write(render_evidence_text(table))
    return EXIT_ERROR if problems else EXIT_OK


def run_validate(args: argparse.Namespace) -> int:
    from mtcheck.core.packs import MANIFEST, read_pack, resolve_packs
    from mtcheck.core.pairs import PairsError, default_pairs_dir, load, pair_files
    from mtcheck.models import PairsValidation, Severity
    from mtcheck.render.words import plural

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
        print(f"{plural(len(result.files), 'file')}, {plural(result.entries, 'entry')}, {plural(errors, 'error')}, "
              f"{plural(len(result.problems) - errors, 'warning')}")
    return EXIT_FINDINGS if any(p.severity == Severity.error for p in result.problems) else EXIT_OK
