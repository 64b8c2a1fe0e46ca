"""`mtcheck fix FILE... | -`: apply the fixes that need no person; the rest stays a finding."""

from __future__ import annotations

import argparse
import codecs
import contextlib
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
    add_rule_options,
    error,
    positive_int,
)
from mtcheck.files import FileChanged, real_path, rewrite
from mtcheck.policy import FAIL_ON
from mtcheck.read import STDIN_NAME, InputProblem, Source

if TYPE_CHECKING:
    from mtcheck.models import FixReport

INPUT_FORMATS = ("auto", "text", "markdown", "html")
# Byte-order marks written back for the encodings `read` decodes (UTF-8 only when the file had one).
_BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
         "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


def register(sub) -> None:
    fix = sub.add_parser(
        "fix", help="apply the fixes that need no person (safe pairs, spacing, punctuation, doubled words)",
        description="Apply the suggestions that are safe without a person and print the fixed text (default), "
                    "a unified diff (--diff), or rewrite the files (--write). Findings that need judgement stay.")
    fix.add_argument("files", nargs="*", metavar="FILE",
                     help="plain text, Markdown or HTML files; '-' or nothing reads stdin")
    fix.add_argument("--diff", action="store_true", help="print a unified diff (patch -p1 / git apply) instead of the "
                                                         "text")
    fix.add_argument("--write", action="store_true",
                     help="rewrite the files in place, atomically, keeping their encoding, line endings, owner, mode "
                          "and hard links; read-only files and symbolic links are refused")
    fix.add_argument("--follow-symlinks", action="store_true",
                     help="with --write, rewrite the file a symbolic link points to (default: refuse the link)")
    fix.add_argument("--fail-on", choices=FAIL_ON, default=None,
                     help="exit 1 when a finding left for a person has this severity or higher (default: the "
                          "config's, else never)")
    fix.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                     help="how to read the inputs (default: auto, by extension)")
    add_rule_options(fix)
    add_config_option(fix)
    fix.add_argument("--rules", action="append", dest="select", metavar="RULES", help="same as --select")
    fix.add_argument("--max-bytes", type=positive_int, default=None, metavar="N",
                     help="refuse inputs larger than N bytes (default: 50 MB)")
    fix.add_argument("-q", "--quiet", action="store_true", help="no per-file summary on stderr")
    fix.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.fix.apply import ensure_fixable, fix_source
    from mtcheck.fix.diff import unified_diff_pieces
    from mtcheck.read import DEFAULT_MAX_BYTES
    from mtcheck.read.formats import chosen_format

    files = args.files or ["-"]
    if files == ["-"] and sys.stdin.isatty():
        raise UsageError("no input: name files to fix, or pipe text in (see `mtcheck fix --help`)")
    if files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    if args.write and "-" in files:
        raise UsageError("--write rewrites files; stdin ('-') has none (leave out --write to print the fixed text)")
    if args.follow_symlinks and not args.write:
        raise UsageError("--follow-symlinks goes with --write")
    if len(files) > 1 and not (args.write or args.diff):
        raise UsageError("several files: use --write or --diff (their fixed texts run together on stdout)")
    checkers = CheckerForFile(args, default_fail_on="never")
    for name in files:  # every config read, and every bad one reported, before any output
        checkers(name)
    max_bytes = args.max_bytes or DEFAULT_MAX_BYTES
    failed = errors = False
    for name in files:
        try:
            # Refused before reading: a JSONL archive may be gigabytes.
            fmt = chosen_format(name, args.input_format)
            ensure_fixable(name, fmt)
            source, read = _read(name, fmt, max_bytes, args.write, args.follow_symlinks)
            checker = checkers(name)
            report = fix_source(source, checker)
            fixed, changed = report.text, report.changed
            fails = any(checker.gate.fails_on(f.severity) for f in report.remaining)
            summary = _summary(name, report, args.write)
            del report  # its findings (tens of MB in a hostile file) go before the diff is made
            original = source.file_text
            if args.diff:
                label = _label(name)
                for piece in unified_diff_pieces(original, fixed, f"a/{label}", f"b/{label}"):
                    sys.stdout.write(piece)
            elif not args.write:
                sys.stdout.write(fixed)
            if args.write and changed and read is not None:
                _rewrite(name, read, fixed, source.encoding)
        except InputProblem as problem:
            error(str(problem))
            errors = True
            continue
        sys.stdout.flush()
        failed = failed or fails
        if not args.quiet:
            print(summary, file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK


class _Read:
    """The file a document was read from: where it is (a link's target, when following) and
    its stat when read, which it must still match when it is rewritten."""

    def __init__(self, path: Path, stat: os.stat_result, head: bytes):
        self.path, self.stat, self.head = path, stat, head


def _read(name: str, fmt: str, max_bytes: int, write: bool,
          follow_symlinks: bool) -> tuple[Source, _Read | None]:
    """The one document of a file (or stdin), and, for a file, what rewriting it must check.
    With `write`, a symbolic link (unless followed) and a read-only file are refused first."""
    from mtcheck.read import decode
    from mtcheck.read.formats import documents_of, read_documents
    from mtcheck.read.text import read_bytes

    if name == "-":
        documents = list(read_documents(name, max_bytes, fmt))
        read = None
    else:
        path = Path(name)
        if write and not follow_symlinks and path.is_symlink():
            raise InputProblem(name, "is a symbolic link; not rewritten (--follow-symlinks rewrites the file it "
                                     "points to)")
        if write and follow_symlinks:
            path = real_path(name)
        data, st = read_bytes(path, max_bytes, name, follow_symlinks=not write)
        if write and (not st.st_mode & 0o222 or not os.access(path, os.W_OK)):
            raise InputProblem(name, "is read-only; not rewritten")
        documents = []
        for item in documents_of(decode(data, name), fmt):
            if isinstance(item, InputProblem):
                raise item
            documents.append(item)
        read = _Read(path, st, data[:4])
    if len(documents) != 1:
        raise InputProblem(name, f"holds {len(documents)} documents; fix takes one a file")
    return documents[0], read


def _summary(name: str, report: FixReport, written: bool) -> str:
    """One line: what was fixed, by rule, and what is left for a person, by severity."""
    from mtcheck.render.terminal import terminal_safe
    from mtcheck.render.words import plural

    by_rule: dict[str, int] = {}
    for change in report.applied:
        for rule in change.rules:
            by_rule[rule] = by_rule.get(rule, 0) + 1
    by_severity = {"error": 0, "warning": 0, "info": 0}
    for finding in report.remaining:
        by_severity[finding.severity.value] += 1
    if report.applied:
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])))
        done = f"{'rewritten, ' if written else ''}{plural(len(report.applied), 'change')} ({rules})"
    else:
        done = "nothing to fix"
    left = ", ".join(plural(n, severity) for severity, n in by_severity.items() if n) or "none"
    return terminal_safe(f"{name}: {done}; left for a person: {left}", one_line=True)


def _label(name: str) -> str:
    """The path a diff names: relative to the working folder when inside it, POSIX slashes."""
    if name == "-":
        return STDIN_NAME
    path = Path(name)
    with contextlib.suppress(ValueError):
        path = real_path(path).relative_to(real_path(Path.cwd())) if path.is_absolute() else path
    return path.as_posix().lstrip("/")


def _rewrite(name: str, read: _Read, text: str, encoding: str) -> None:
    """Write the fixed text over the file that was read: same encoding, byte-order mark,
    owner, mode and hard links; refused when the file changed (or was replaced) since."""
    bom = _BOMS.get(encoding, codecs.BOM_UTF8 if read.head.startswith(codecs.BOM_UTF8) else b"")
    try:
        rewrite(read.path, bom + text.encode(encoding), read.stat)
    except FileChanged:
        raise InputProblem(name, "changed (or was replaced) while it was being fixed; not rewritten") from None
    except OSError as exc:
        raise InputProblem(name, f"cannot rewrite ({exc.strerror or exc})") from None
