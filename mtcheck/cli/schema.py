"""`mtcheck schema`: write the JSON schemas of every report model."""

from __future__ import annotations

import argparse
from pathlib import Path

from mtcheck.cli.common import EXIT_OK, UsageError


def register(sub) -> None:
    schema = sub.add_parser("schema", help="write the JSON schemas of the reports",
                            description="Write the JSON schemas of every report model.")
    schema.add_argument("--out", default="reports/schema", metavar="DIR", help="folder (default: reports/schema)")
    schema.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mtcheck.files import atomic_write
    from mtcheck.schemas import schema_documents

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
