"""`mtcheck align DRAFT REFERENCE`: two versions of a story side by side, with scores and
what editing fixed."""

from __future__ import annotations

import argparse
import shutil
import sys

from mtcheck.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CheckerForFile,
    UsageError,
    add_config_option,
    add_rule_options,
    error,
    number_between,
    positive_int,
)


def register(sub) -> None:
    p = sub.add_parser(
        "align", help="align two versions of a story: changes, BLEU/chrF/TER, what editing fixed",
        description="Align the sentences of DRAFT with those of REFERENCE (1-1, 1-2, 2-1, 2-2, 1-0, 0-1), "
                    "score each group and the whole with sacrebleu, and show which of the draft's findings "
                    "editing fixed and which remain.")
    p.add_argument("draft", metavar="DRAFT", help="the earlier version (e.g. raw MT); '-' reads stdin")
    p.add_argument("reference", metavar="REFERENCE", help="the later or published version")
    p.add_argument("--format", choices=("text", "json", "html"), default="text", help="output format (default: text)")
    p.add_argument("-o", "--out", metavar="FILE", help="write the output to FILE (atomically) instead of stdout")
    p.add_argument("--changed-only", action="store_true", help="text format: leave out groups kept unchanged")
    p.add_argument("--width", type=positive_int, default=None, metavar="N",
                   help="text format: total width of the two columns (default: the terminal's, or 100)")
    p.add_argument("--min-similarity", type=number_between(0.0, 1.0), default=None, metavar="S",
                   help="word similarity (0-1) below which sentences are not paired (default: 0.22)")
    p.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                   help="refuse inputs larger than N bytes (default: 50 MB)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text output (default: on a terminal)")
    add_rule_options(p)
    add_config_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.align import Aligner, AlignInputError, AlignSettings
    from mtcheck.files import atomic_write
    from mtcheck.read import DEFAULT_MAX_BYTES, InputProblem
    from mtcheck.read.formats import read_documents
    from mtcheck.render import Style
    from mtcheck.render.align_html import render_align_html
    from mtcheck.render.align_text import render_align_text

    if args.draft == "-" and args.reference == "-":
        raise UsageError("stdin ('-') can be read only once")
    settings = AlignSettings()
    if args.min_similarity is not None:
        settings = AlignSettings(min_similarity=args.min_similarity)
    max_bytes = args.max_bytes or DEFAULT_MAX_BYTES
    versions, failed = [], False
    for name in (args.draft, args.reference):
        try:
            documents = list(read_documents(name, max_bytes))
            if len(documents) != 1:
                raise InputProblem(name, f"holds {len(documents)} documents; align takes one story a side")
            versions.append(documents[0])
        except InputProblem as problem:
            error(str(problem))
            failed = True
    if failed:
        return EXIT_ERROR
    # Both versions are checked alike: with the config that applies to the draft.
    aligner = Aligner(CheckerForFile(args)(args.draft), settings)
    try:
        report = aligner.align(*versions)
    except AlignInputError as exc:
        error(str(exc))
        return EXIT_ERROR
    if args.format == "json":
        output = report.model_dump_json(indent=2) + "\n"
    elif args.format == "html":
        output = render_align_html(report)
    else:
        stream_is_file = args.out is not None
        style = Style.for_stream(sys.stdout, "never" if stream_is_file else args.color)
        width = args.width or (100 if stream_is_file or not sys.stdout.isatty() else shutil.get_terminal_size().columns)
        output = render_align_text(report, style, width, args.changed_only)
    if args.out:
        try:
            atomic_write(args.out, output)
        except OSError as exc:
            raise UsageError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
    else:
        sys.stdout.write(output)
    return EXIT_OK
