"""`mtcheck report PATH... [--out DIR]`: reports over whole archives, resumable."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from mtcheck.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    CheckerForFile,
    UsageError,
    add_encoding_option,
    add_rule_options,
    collect_from_now,
    collector_waits,
    error,
    notice,
    positive_int,
    warning,
)
from mtcheck.policy import FAIL_ON

DEFAULT_OUT = "reports/run"
WEBHOOK_VAR = "MTCHECK_WEBHOOK_URL"  # an environment variable keeps the URL's secret out of `ps` and logs


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
    p.add_argument("--follow-symlinks", action="store_true",
                   help="in folders, read files that symbolic links point to outside the folder named (default: "
                        "refuse them, each as an error row)")
    p.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N",
                   help="worker processes (default: all cores; 1 checks in this process)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local process pool (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    p.add_argument("--input-format", default="auto", metavar="FORMAT",
                   help="read every file as this format (default: auto, by extension)")
    add_encoding_option(p)
    p.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                   help="refuse a file (or a JSONL line) larger than N bytes (default: 50 MB)")
    p.add_argument("--fail-on", choices=FAIL_ON, default=None,
                   help="exit 1 when a document has a finding this severe or worse (default: the config's, else "
                        "never: a survey)")
    p.add_argument("--baseline", metavar="FILE",
                   help="leave out the findings recorded in FILE (mtcheck check --write-baseline); default: the "
                        "config's baseline")
    p.add_argument("--config", metavar="PATH",
                   help="settings file (default: mtcheck.toml or pyproject.toml [tool.mtcheck], found from the "
                        "current folder upwards); command-line options win")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary on stdout")
    p.add_argument("--provenance-out", metavar="DIR",
                   help="write each document's verdict as IPTC digital source type: a JSON-LD snippet per "
                        "document, and a copy of each NITF and NewsML-G2 file carrying it (see "
                        "docs/provenance-out.md)")
    p.add_argument("--webhook", metavar="URL", default=os.environ.get(WEBHOOK_VAR) or None,
                   help=f"post a short summary of the run to this URL (Slack-compatible JSON; default: "
                        f"${WEBHOOK_VAR})")
    add_rule_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with collector_waits():  # until the first document is done (collect_from_now), as check does
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from mtcheck.batch.discover import default_include
    from mtcheck.batch.run import RunError, RunOptions, run_report
    from mtcheck.read import DEFAULT_MAX_BYTES
    from mtcheck.read.formats import formats
    from mtcheck.render.words import plural
    from mtcheck.workers import available_cores

    if args.paths.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if args.input_format != "auto" and args.input_format not in formats():
        raise UsageError(f"unknown --input-format {args.input_format!r} (known: auto, {', '.join(formats())})")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: not a folder")
    if args.webhook:
        from mtcheck.publish.webhook import WebhookError, check_url

        try:
            check_url(args.webhook)
        except WebhookError as exc:
            raise UsageError(str(exc)) from None
    # One config for the run: --config, else the one found from the current folder upwards.
    checkers = CheckerForFile(args, default_fail_on="never")
    config = checkers.config_for("-")
    checker = checkers.checker_for(config)
    # Globs on the command line replace the config's; the config's are relative to its folder.
    from_config = config if config is not None and not (args.include or args.exclude) else None
    options = RunOptions(
        paths=args.paths, out=out, jobs=args.jobs or available_cores(),
        include=from_config.include if from_config is not None else args.include,
        exclude=from_config.exclude if from_config is not None else args.exclude,
        glob_base=from_config.base_dir if from_config is not None else None,
        config=str(config.path) if config is not None and config.path is not None else None,
        engine=args.engine, scheduler=args.scheduler, input_format=args.input_format,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES, quiet=args.quiet, encoding=args.encoding,
        follow_symlinks=args.follow_symlinks,
    )
    try:
        summary = run_report(checker, options, on_error=error, on_notice=notice, on_document=collect_from_now)
    except RunError as exc:
        raise UsageError(str(exc)) from None
    t = summary.totals
    if not t.documents:
        globs = ", ".join(options.include or default_include())
        error(f"no documents found in {', '.join(args.paths)} (folders are read for {globs}; see --include)")
        return EXIT_ERROR
    if not args.quiet:
        verdicts = ", ".join(f"{t.verdicts.get(v, 0):,} {v}" for v in ("machine", "post-edited", "human"))
        for unjudged, words in (("too-short", "too short to judge"), ("not-english", "not in English")):
            if t.verdicts.get(unjudged):
                verdicts += f", {t.verdicts[unjudged]:,} {words}"
        print(f"{plural(t.documents, 'document')}: {t.reported:,} reported ({verdicts}), {plural(t.errors, 'error')}; "
              f"{summary.checked:,} checked now, {summary.reused:,} reused from the store"
              + (f"; {t.flagged:,} flagged ({checker.gate.describe()})" if checker.gate.describe() else ""))
        for name in ("index", "summary", "documents"):
            print(f"  {out / summary.outputs[name]}")
        print(f"signature: {summary.signature}")
    failed = False
    if args.provenance_out:
        failed = not _write_provenance(Path(args.provenance_out), out / summary.outputs["documents"], args.quiet)
    if args.webhook:
        from mtcheck.publish.webhook import WebhookError, post_summary

        try:
            post_summary(args.webhook, summary, str(out))
        except WebhookError as exc:
            warning(f"summary not posted: {exc}")
    if t.errors or failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if t.flagged else EXIT_OK


def _write_provenance(folder: Path, documents_jsonl: Path, quiet: bool) -> bool:
    """The verdicts of the run's documents (read back from documents.jsonl) written as IPTC
    digital source types under `folder`; False (after one line) when that failed."""
    from mtcheck.models import DocumentReport
    from mtcheck.models.batch import ReportLine
    from mtcheck.publish.provenance import ProvenanceError, write_provenance

    def reports():
        with documents_jsonl.open(encoding="utf-8") as fh:
            for line in fh:
                row = ReportLine.model_validate_json(line).root
                if isinstance(row, DocumentReport):
                    yield row

    try:
        written = write_provenance(folder, reports())
    except (ProvenanceError, OSError) as exc:
        error(f"provenance not written: {exc}")
        return False
    if not quiet:
        print(f"  {folder}: {len(written):,} provenance files")
    return True
