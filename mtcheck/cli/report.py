"""`mtcheck report PATH... [--out DIR]`: reports over whole archives, resumable."""

from __future__ import annotations

import argparse
from pathlib import Path

from mtcheck.cli.common import (
    EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, FAIL_ON, UsageError, add_rule_options, checker_from_args, error, positive_int,
)

DEFAULT_OUT = "reports/run"


def register(sub) -> None:
    p = sub.add_parser(
        "report", help="batch report over files, folders, JSONL archives and wire XML (resumable)",
        description="Check every document of files and folders (recursively), JSONL archives, NITF and NewsML-G2 "
                    "wire XML, HTML, Markdown or stdin ('-'), and write documents.jsonl, summary.csv and "
                    "index.html into the run folder. A re-run reuses the reports of unchanged documents.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or '-' for stdin")
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR", help=f"run folder (default: {DEFAULT_OUT})")
    p.add_argument("--include", action="append", default=None, metavar="GLOB",
                   help="in folders, read only files matching this glob, relative to the folder named ('*' "
                        "within a folder, '**' across; repeatable; default: the extensions mtcheck reads)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="in folders, skip files and folders matching this glob (repeatable)")
    p.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N",
                   help="worker processes (default: all cores; 1 checks in this process)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local process pool (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    p.add_argument("--input-format", default="auto", metavar="FORMAT",
                   help="read every file as this format (default: auto, by extension)")
    p.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                   help="refuse a file (or a JSONL line) larger than N bytes (default: 50 MB)")
    p.add_argument("--fail-on", choices=FAIL_ON, default="never",
                   help="exit 1 when a document has a finding this severe or worse (default: never: a survey)")
    p.add_argument("--config", metavar="PATH",
                   help="settings file (default: mtcheck.toml or pyproject.toml [tool.mtcheck], found from the "
                        "current folder upwards); command-line options win")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary on stdout")
    add_rule_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.batch.engines import available_cores
    from mtcheck.batch.run import RunError, RunOptions, run_report
    from mtcheck.batch.discover import default_include
    from mtcheck.read import DEFAULT_MAX_BYTES
    from mtcheck.read.formats import formats

    if args.paths.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if args.input_format != "auto" and args.input_format not in formats():
        raise UsageError(f"unknown --input-format {args.input_format!r} (known: auto, {', '.join(formats())})")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: not a folder")
    config = _config(args)
    checker = checker_from_args(args, config)
    # Globs on the command line replace the config's; the config's are relative to its folder.
    globs_from_config = config is not None and not (args.include or args.exclude)
    options = RunOptions(
        paths=args.paths, out=out, jobs=args.jobs or available_cores(),
        include=config.include if globs_from_config else args.include,
        exclude=config.exclude if globs_from_config else args.exclude,
        glob_base=config.base_dir if globs_from_config else None,
        config=str(config.path) if config is not None and config.path is not None else None,
        engine=args.engine, scheduler=args.scheduler, input_format=args.input_format,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES, fail_on=args.fail_on, quiet=args.quiet,
    )
    try:
        summary = run_report(checker, options, on_error=error)
    except RunError as exc:
        raise UsageError(str(exc)) from None
    t = summary.totals
    if not t.documents:
        globs = ", ".join(options.include or default_include())
        error(f"no documents found in {', '.join(args.paths)} (folders are read for {globs}; see --include)")
        return EXIT_ERROR
    if not args.quiet:
        verdicts = ", ".join(f"{t.verdicts.get(v, 0):,} {v}" for v in ("machine", "post-edited", "human"))
        print(f"{t.documents:,} documents: {t.reported:,} reported ({verdicts}), {t.errors:,} errors; "
              f"{summary.checked:,} checked now, {summary.reused:,} reused from the store"
              + (f"; {t.flagged:,} flagged (--fail-on {args.fail_on})" if args.fail_on != "never" else ""))
        for name in ("index", "summary", "documents"):
            print(f"  {out / summary.outputs[name]}")
        print(f"signature: {summary.signature}")
    if t.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if t.flagged else EXIT_OK


def _config(args: argparse.Namespace):
    from mtcheck.policy.config import ConfigError, find_config

    try:
        return find_config(args.config, Path.cwd())
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
