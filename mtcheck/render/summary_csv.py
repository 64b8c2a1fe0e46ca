"""summary.csv: a row per document, for a spreadsheet.

Columns: id, path, format, verdict, mt_likelihood, fluency, findings, errors, warnings,
info, one column per rule category (its finding count), source_language, agency, date,
error (why a document was not checked; empty when it was). RFC 4180 quoting, UTF-8.
A text cell that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
apostrophe: ids and metadata come from the archive and are not to be trusted.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO

from mtcheck.models.batch import SummaryRow

HEAD = ("id", "path", "format", "verdict", "mt_likelihood", "fluency", "findings", "errors", "warnings", "info")
TAIL = ("source_language", "agency", "date", "error")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SummaryCsv:
    def __init__(self, out: IO[str], categories: Sequence[str]):
        self.categories = list(categories)
        self._writer = csv.writer(out, lineterminator="\n")
        self._writer.writerow([*HEAD, *self.categories, *TAIL])

    def write(self, row: SummaryRow) -> None:
        checked = not row.error
        self._writer.writerow([
            _text(row.id), _text(row.path), row.format, row.verdict, _number(row.mt_likelihood, 4),
            _number(row.fluency, 2),
            *((row.findings, row.errors, row.warnings, row.info) if checked else ("", "", "", "")),
            *((row.categories.get(c, 0) if checked else "") for c in self.categories),
            row.source_language, _text(row.agency), _text(row.date), _text(row.error),
        ])


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"
