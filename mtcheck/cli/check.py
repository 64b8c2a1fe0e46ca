"""`mtcheck check FILE... | -`: findings and a provenance summary per document."""

from __future__ import annotations

import argparse
import sys

from mtcheck.cli.common import (
    EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, FAIL_ON, UsageError, add_rule_options, checker_from_args, error,
    positive_int,
)


def register(sub) -> None:
    check = sub.add_parser("check", help="check files or stdin for machine-translation artefacts",
                           description="Check files (or stdin, '-') and print findings and a provenance summary.")
    check.add_argument("files", nargs="*", metavar="FILE", help="text files to check; '-' or nothing reads stdin")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    check.add_argument("--fail-on", choices=FAIL_ON, default="error",
                       help="exit 1 when a finding has this severity or higher (default: error)")
    add_rule_options(check)
    check.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                       help="refuse inputs larger than N bytes (default: 50 MB)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text report (default: auto, on a terminal; NO_COLOR is honoured)")
    check.add_argument("-q", "--quiet", action="store_true", help="text format: print only the per-document summaries")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.models import CheckReport, InputError, Severity
    from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem, read_path, read_stdin
    from mtcheck.render import Style, Totals, render_check_json, render_document_text, render_footer_text

    files = args.files or ["-"]
    if files == ["-"] and sys.stdin.isatty():
        raise UsageError("no input: name files to check, or pipe text in (see `mtcheck check --help`)")
    if files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    checker = checker_from_args(args)
    max_bytes = args.max_bytes or DEFAULT_MAX_BYTES
    threshold = None if args.fail_on == "never" else Severity(args.fail_on).rank
    style = Style.for_stream(sys.stdout, args.color)
    documents, errors, totals = [], [], Totals()
    failed = False
    for name in files:
        try:
            source = read_stdin(max_bytes) if name == "-" else read_path(name, max_bytes)
        except InputProblem as problem:
            errors.append(InputError(source=problem.source, message=problem.message))
            error(str(problem))
            continue
        doc = checker.check(source.text, source.name)
        failed = failed or (threshold is not None and any(f.severity.rank >= threshold for f in doc.findings))
        if args.format == "json":
            documents.append(doc)
        else:
            # Text is printed document by document: a long list of files shows progress,
            # and neither the texts nor the reports pile up in memory.
            sys.stdout.write(render_document_text(doc, source.text, style, args.quiet))
            sys.stdout.flush()
            totals.add(doc)
    if args.format == "json":
        report = CheckReport(documents=documents, errors=errors, signature=checker.signature)
        sys.stdout.write(render_check_json(report))
    else:
        sys.stdout.write(render_footer_text(totals, checker.signature, style))
    sys.stdout.flush()
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK
