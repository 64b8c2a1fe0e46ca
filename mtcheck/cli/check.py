"""`mtcheck check FILE... | -`: findings and a provenance summary per document, and the
publication gate for CI: config, in-file suppressions, baselines and CI output formats."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mtcheck.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    CheckerForFile,
    UsageError,
    add_config_option,
    add_encoding_option,
    add_rule_options,
    collect_from_now,
    collector_waits,
    error,
    number_between,
    overrides_from_args,
    positive_int,
    warning,
)
from mtcheck.files import real_path
from mtcheck.policy import FAIL_ON

if TYPE_CHECKING:
    from mtcheck.corpus.index import References
    from mtcheck.models import InputError, plain
    from mtcheck.read import InputProblem, Source

OUTPUT_FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "rdjson", "csv", "gitlab")


def register(sub) -> None:
    check = sub.add_parser("check", help="check files or stdin for machine-translation artefacts",
                           description="Check files (or stdin, '-') and print findings and a provenance summary. "
                                       "Settings come from the nearest mtcheck.toml or pyproject.toml [tool.mtcheck]; "
                                       "command-line options win.")
    check.add_argument("files", nargs="*", metavar="FILE",
                       help="files to check (text, Markdown, HTML, ...); '-' or nothing reads stdin")
    check.add_argument("--format", choices=OUTPUT_FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--input-format", default="auto", metavar="FORMAT",
                       help="how to read the inputs: auto (by extension), text, markdown, html, ... (default: auto)")
    add_encoding_option(check)
    check.add_argument("--stdin-filename", metavar="NAME",
                       help="the name of the text read from stdin: picks its reader by extension, its config from "
                            "its folder, and names it in the output (as editors and pre-commit tools pass it)")
    check.add_argument("--statistics", action="store_true",
                       help="print how many findings each rule has instead of the findings (text or json)")
    add_config_option(check)
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="exit 1 when a finding has this severity or higher (default: the config's, else error)")
    check.add_argument("--max-mt-likelihood", type=_fraction, default=None, metavar="P",
                       help="exit 1 when a document's MT likelihood is above P (0-1)")
    check.add_argument("--min-fluency", type=_score, default=None, metavar="N",
                       help="exit 1 when a document's fluency is below N (0-100)")
    check.add_argument("--baseline", metavar="FILE", help="report and fail only on findings not in this baseline")
    check.add_argument("--write-baseline", metavar="FILE",
                       help="record today's findings in FILE (exit 0 unless an input could not be checked)")
    add_rule_options(check)
    check.add_argument("--reference-corpus", metavar="PATH",
                       help="add each sentence's closest sentence in this corpus of published copy "
                            "(file, folder or JSONL; indexed on first use, updated after)")
    check.add_argument("--reference-threshold", type=_score, default=None, metavar="S",
                       help="similarity (0-100) a reference sentence must reach (default: 60)")
    check.add_argument("--index", metavar="DIR", help="keep the reference corpus index in DIR, not beside the corpus")
    check.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                       help="refuse inputs larger than N bytes (default: 50 MB)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text report (default: auto, on a terminal; NO_COLOR is honoured)")
    check.add_argument("--output-format", choices=("full", "concise"), default="full", dest="layout",
                       help="text format's layout: full (findings grouped under each document, with excerpts) or "
                            "concise (one line per finding); default: full")
    check.add_argument("-q", "--quiet", action="store_true", help="text format: print only the per-document summaries")
    check.add_argument("--provenance-out", metavar="DIR",
                       help="write each document's verdict as IPTC digital source type: a JSON-LD snippet per "
                            "document, and a copy of each NITF and NewsML-G2 file carrying it")
    check.set_defaults(run=run)


_fraction, _score = number_between(0.0, 1.0), number_between(0.0, 100.0)


def _renamed(item: Source | InputProblem, name: str) -> Source | InputProblem:
    """A document (or problem) read from stdin, under its --stdin-filename."""
    from mtcheck.read import InputProblem

    if isinstance(item, InputProblem):
        return InputProblem(name, item.message)
    return dataclasses.replace(item, name=name)


def _expected_words(files: list[str]) -> int:
    """About how many words the named files hold (stdin and what cannot be read count none),
    counted only until they are more than the model's plain budget: a run over a hundred
    thousand files does not stat them all first."""
    from mtcheck.core.model.scorer import BYTES_PER_WORD, PLAIN_WORDS

    size = 0
    for name in files:
        with contextlib.suppress(OSError, ValueError):
            if name != "-":
                size += os.stat(name).st_size
        if size > PLAIN_WORDS * BYTES_PER_WORD:
            break
    return size // BYTES_PER_WORD


def _input_error(source: str, message: str) -> InputError:
    from mtcheck.models import InputError  # the report models, only when there is an error to report

    return InputError(source=source, message=message)


def _open_references(args: argparse.Namespace) -> References | None:
    if args.reference_corpus is None:
        if args.index or args.reference_threshold is not None:
            raise UsageError("--index and --reference-threshold need --reference-corpus")
        return None
    from mtcheck.corpus.index import DEFAULT_THRESHOLD, CorpusError, ReferenceIndex, References

    try:
        index = ReferenceIndex.open(args.reference_corpus, args.index, progress=not args.quiet, warn=warning)
    except CorpusError as exc:
        raise UsageError(str(exc)) from None
    return References(index, DEFAULT_THRESHOLD if args.reference_threshold is None else args.reference_threshold)


def run(args: argparse.Namespace) -> int:
    with collector_waits():  # until the first document is checked (collect_from_now)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem
    from mtcheck.read.formats import format_of, formats, iter_documents
    from mtcheck.render import Style
    from mtcheck.render.ci import Renderer, RunInfo
    from mtcheck.render.formats import make_renderer
    from mtcheck.render.words import plural

    files = args.files or ["-"]
    if files == ["-"] and sys.stdin.isatty():
        raise UsageError("no input: name files to check, or pipe text in (see `mtcheck check --help`)")
    if files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    if args.input_format != "auto" and args.input_format not in formats():
        raise UsageError(f"--input-format: unknown format {args.input_format!r} (known: auto, {', '.join(formats())})")
    if args.stdin_filename is not None and "-" not in files:
        raise UsageError("--stdin-filename names the text read from stdin; read stdin ('-' or no files)")
    if args.statistics and args.format not in ("text", "json"):
        raise UsageError("--statistics prints text or json, not " + args.format)
    overrides = overrides_from_args(args)
    if args.write_baseline and not args.baseline:
        # Recording today's findings: nothing fails but an input that cannot be checked.
        overrides = dataclasses.replace(overrides, fail_on="never", max_mt_likelihood=None, min_fluency=None)
    checkers = CheckerForFile(args, references=_open_references(args), overrides=overrides,
                              missing_baseline_ok=bool(args.write_baseline))
    stdin_name = args.stdin_filename
    # every config read before any output; stdin's is its --stdin-filename's folder's
    plan = [(name, checkers.config_for(stdin_name if name == "-" and stdin_name else name)) for name in files]
    words = _expected_words(files)
    for _, config in plan:
        checkers.checker_for(config).expect(words)  # every checker built: a bad setting stops the run before output
    recording = real_path(args.write_baseline).parent if args.write_baseline else None
    if recording is not None:
        from mtcheck.policy.baseline import document_key, record, write_baseline  # (pydantic) only to record
    max_bytes = args.max_bytes or DEFAULT_MAX_BYTES
    if args.statistics:
        from mtcheck.render.statistics import StatisticsRenderer

        renderer: Renderer = StatisticsRenderer(args.format == "json")
    else:
        renderer = make_renderer(args.format, Style.for_stream(sys.stdout, args.color), args.quiet, args.layout)
    run_info = RunInfo(signature="", exit_code=EXIT_OK, arguments=list(files), baseline=args.baseline)
    recorded, failed = [], False
    checked: list[plain.DocumentReport] = []  # for --provenance-out

    for name, config in plan:
        shown = stdin_name if name == "-" and stdin_name else name
        named_file = shown != name or (name != "-" and Path(name).is_file())
        if config is not None and named_file and not config.includes(shown):
            run_info.skipped.append(shown)
            continue
        checker = checkers.checker_for(config)
        fmt = format_of(shown) if args.input_format == "auto" else args.input_format  # stdin: by its name
        for item in iter_documents(name, max_bytes, fmt, args.encoding):
            if shown != name:
                item = _renamed(item, shown)
            if isinstance(item, InputProblem):
                run_info.errors.append(_input_error(item.source, item.message))
                error(str(item))
                continue
            doc = checker.check_plain(item)
            if args.provenance_out:
                checked.append(doc)
            for problem in doc.warnings:
                warning(f"{name}: {problem}")
            if recording is not None:
                recorded.append(record(doc, document_key(doc.source, recording)))
            failed = failed or bool(doc.failures)
            run_info.suppressed += len(doc.suppressed)
            run_info.baselined += len(doc.baselined)
            for piece in renderer.document_pieces(doc, item.file_text if renderer.reads_text else ""):
                sys.stdout.write(piece)
            sys.stdout.flush()
            collect_from_now()

    if args.provenance_out:
        from mtcheck.publish.provenance import ProvenanceError, write_provenance

        try:
            write_provenance(Path(args.provenance_out), checked)
        except ProvenanceError as exc:
            error(f"provenance not written: {exc}")
            run_info.errors.append(_input_error(args.provenance_out, str(exc)))
    run_info.signature = checkers.signature()
    run_info.exit_code = EXIT_ERROR if run_info.errors else EXIT_FINDINGS if failed else EXIT_OK
    sys.stdout.write(renderer.finish(run_info))
    sys.stdout.flush()
    if args.write_baseline:
        if run_info.errors:
            error(f"{args.write_baseline}: baseline not written: {plural(len(run_info.errors), 'input')} could not "
                  "be checked")
        else:
            try:
                write_baseline(args.write_baseline, recorded, run_info.signature)
            except OSError as exc:
                raise UsageError(f"{args.write_baseline}: cannot write ({exc.strerror or exc})") from None
            count = sum(len(d.findings) for d in recorded)
            print(f"mtcheck: wrote {args.write_baseline}: {plural(count, 'finding')} in "
                  f"{plural(len(recorded), 'document')}",
                  file=sys.stderr)
    return run_info.exit_code
