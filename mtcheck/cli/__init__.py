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
import stat
import sys
from collections.abc import Sequence

from mtcheck import __version__
from mtcheck.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, error

# The command modules (mtcheck.cli.NAME), in the order `mtcheck --help` lists them.
COMMANDS = ("check", "fix", "report", "align", "eval", "train", "model", "rules", "pairs", "packs", "schema", "serve",
            "lsp", "completion")

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "UsageError", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # A run of one command builds that command's parser only: importing and describing all
    # twelve was a tenth of checking one story. `mtcheck --help`, a misspelt command or no
    # command at all get the whole parser.
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), len(argv))  # the command's place
    if argv[at:at + 1] != ["train"]:
        # The provenance model's matrices are small: OpenBLAS's thread pool only costs its
        # start-up (35 ms of CPU, a fifth of checking one story) and oversubscribes `report`'s
        # worker processes. Fitting a model (`train`) is where BLAS threads pay.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if _names_a_large_file(argv[at + 1:]):  # (ctypes' import is 2% of checking one story)
        return_freed_memory()
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


# glibc's malloc threshold (bytes) from which a block is a mapping of its own, given back when freed.
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def return_freed_memory() -> None:
    """Have glibc's malloc give large freed blocks back to the system. By default it raises its
    mmap threshold to the size of any mapped block freed (up to 32 MiB): once the bytes of a
    10 MB file are freed after decoding, blocks of up to 10 MB come from the heap, where freed
    ones stay resident (heap memory is given back only from its top), so checking a 10 MB
    document kept some 40 MiB of freed lists and arrays in its peak RSS. A fixed threshold
    also stops the raising; it costs a mapping per block of a megabyte or more (no measurable
    CPU). Elsewhere (another libc, another system) nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _names_a_large_file(args: Sequence[str]) -> bool:
    """Whether an argument is a file (or `-` standard input redirected from one) of at least
    MMAP_THRESHOLD bytes: a run whose freed blocks are worth giving back."""
    for arg in args:
        try:
            st = os.fstat(0) if arg == "-" else os.stat(arg)
        except (OSError, ValueError):  # an option, a folder's name misspelt, a NUL in it
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size >= MMAP_THRESHOLD:
            return True
    return False


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
