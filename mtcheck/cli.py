"""The `mtcheck` command: a thin layer over the library.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage or
input error (the other inputs are still checked and reported). Errors are one line
on stderr naming the input and the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from mtcheck import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_ON = ("info", "warning", "error", "never")


class UsageError(Exception):
    """A bad argument or unusable configuration: one line, exit 2."""


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return args.run(args)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except BrokenPipeError:  # `mtcheck check ... | head`: stop quietly
        # Python flushes stdout again at exit; point it at /dev/null so that flush
        # cannot raise a second BrokenPipeError with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _error(message: str) -> None:
    print(f"mtcheck: error: {message}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mtcheck",
        description="Tell whether English news copy is machine translation, show what gives it away and how to fix it.",
    )
    parser.add_argument("--version", action="version", version=f"mtcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check files or stdin for machine-translation artefacts",
                           description="Check files (or stdin, '-') and print findings and a provenance summary.")
    check.add_argument("files", nargs="*", metavar="FILE", help="text files to check; '-' or nothing reads stdin")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    check.add_argument("--fail-on", choices=FAIL_ON, default="error",
                       help="exit 1 when a finding has this severity or higher (default: error)")
    _add_rule_options(check)
    check.add_argument("--max-bytes", type=_positive_int, default=None, metavar="N",
                       help="refuse inputs larger than N bytes (default: 50 MB)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text report (default: auto, on a terminal; NO_COLOR is honoured)")
    check.add_argument("-q", "--quiet", action="store_true", help="text format: print only the per-document summaries")
    check.set_defaults(run=_run_check)

    rules = sub.add_parser("rules", help="list the rules", description="List every rule with its id, severity and message.")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(run=_run_rules)

    pairs = sub.add_parser("pairs", help="work with reference-pair files")
    pairs_sub = pairs.add_subparsers(dest="pairs_command", metavar="ACTION", required=True)
    validate = pairs_sub.add_parser(
        "validate", help="report duplicates, conflicts, empty fields and bad patterns as file:line",
        description="Validate reference-pair files (default: the shipped reference_pairs/phrases/).")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of .tsv files")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(run=_run_pairs_validate)

    schema = sub.add_parser("schema", help="write the JSON schemas of the reports",
                            description="Write the JSON schemas of every report model.")
    schema.add_argument("--out", default="reports/schema", metavar="DIR", help="folder (default: reports/schema)")
    schema.set_defaults(run=_run_schema)
    return parser


def _add_rule_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pairs", action="append", default=[], metavar="PATH",
                   help="add a reference-pairs file or folder (repeatable)")
    p.add_argument("--no-default-pairs", action="store_true", help="do not load the shipped reference pairs")
    p.add_argument("--select", action="append", default=[], metavar="RULES",
                   help="only these rules: ids, families or categories, comma-separated (repeatable)")
    p.add_argument("--ignore", action="append", default=[], metavar="RULES",
                   help="skip these rules: ids, families or categories, comma-separated (repeatable)")


def _positive_int(value: str) -> int:
    try:
        n = int(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be positive")
    return n


def _split(items: Sequence[str]) -> list[str]:
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def _checker(args: argparse.Namespace):
    from mtcheck.checker import Checker, RuleSelectionError
    from mtcheck.pairs import PairsError

    for path in args.pairs:
        if not Path(path).exists():
            raise UsageError(f"{path}: no such pairs file or folder")
    try:
        return Checker(pairs=args.pairs, select=_split(args.select), ignore=_split(args.ignore),
                       default_pairs=not args.no_default_pairs)
    except (RuleSelectionError, PairsError) as exc:
        raise UsageError(str(exc)) from None


def _run_check(args: argparse.Namespace) -> int:
    from mtcheck.models import CheckReport, InputError, Severity
    from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem, read_path, read_stdin
    from mtcheck.render import Style, Totals, render_check_json, render_document_text, render_footer_text

    files = args.files or ["-"]
    if files == ["-"] and sys.stdin.isatty():
        raise UsageError("no input: name files to check, or pipe text in (see `mtcheck check --help`)")
    if files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    checker = _checker(args)
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
            _error(str(problem))
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


def _run_rules(args: argparse.Namespace) -> int:
    from mtcheck.models import RuleCatalogue
    from mtcheck.render import render_rules_text
    from mtcheck.rules import rule_infos

    infos = rule_infos()
    if args.format == "json":
        sys.stdout.write(RuleCatalogue(rules=infos).model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_rules_text(infos))
    return EXIT_OK


def _run_pairs_validate(args: argparse.Namespace) -> int:
    from mtcheck.models import PairsValidation, Severity
    from mtcheck.pairs import PairsError, default_pairs_dir, load, pair_files

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


def _run_schema(args: argparse.Namespace) -> int:
    from mtcheck.files import atomic_write
    from mtcheck.models import schema_documents

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: not a folder")
    try:
        for name, text in schema_documents().items():
            atomic_write(out / name, text)
            print(out / name)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write ({exc.strerror or exc})") from None
    return EXIT_OK
