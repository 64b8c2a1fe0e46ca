"""The `mtcheck` command: a thin layer over the library, one module a subcommand.

Each command module has `register(subparsers)`, which adds its parser and sets
`run` to the function that carries it out and returns the exit code.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage or
input error (the other inputs are still processed and reported). Errors are one
line on stderr naming the input and the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from mtcheck import __version__, regex_cache
from mtcheck.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, error

# The command modules (mtcheck.cli.NAME), in the order `mtcheck --help` lists them.
COMMANDS = ("check", "fix", "report", "align", "eval", "train", "model", "rules", "pairs", "packs", "schema", "serve",
            "lsp", "completion")

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "UsageError", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    # The regex programs a run compiles are kept for the next (a tenth of checking one story)
    regex_cache.prime()
    try:
        return _main(sys.argv[1:] if argv is None else list(argv))
    finally:
        regex_cache.remember()


def _main(argv: list[str]) -> int:
    # A run of one command builds that command's parser only: importing and describing all
    # twelve was a tenth of checking one story. `mtcheck --help`, a misspelt command or no
    # command at all get the whole parser.
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), len(argv))  # the command's place
    if argv[at:at + 1] != ["train"]:
        # The provenance model's matrices are small: OpenBLAS's thread pool only costs its
        # start-up (35 ms of CPU, a fifth of checking one story) and oversubscribes `report`'s
        # worker processes. Fitting a model (`train`) is where BLAS threads pay.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    asks_help = any(a in ("-h", "--help") for a in argv[:at])
    parser = build_parser(only=argv[at] if at < len(argv) and argv[at] in COMMANDS and not asks_help else None)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return args.run(args)
    except UsageError as exc:
        error(str(exc))
        return EXIT_ERROR
    except BrokenPipeError:  # `mtcheck check ... | head`: stop quietly
        # Python flushes stdout again at exit; point it at /dev/null so that flush
        # cannot raise a second BrokenPipeError with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `mtcheck` parser with every command, or with the command named `only`."""
    parser = argparse.ArgumentParser(
        prog="mtcheck",
        description="Tell whether English news copy is machine translation, show what gives it away and how to fix it.",
    )
    parser.add_argument("--version", action="version", version=f"mtcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"mtcheck.cli.{name}").register(sub)
    return parser
