"""The run folder's output files, (re)written from the store at the end of a run.

documents.jsonl, summary.csv and index.html are streamed from the store into temporary
files and renamed into place, so a reader never sees half a file and memory stays flat.
A document's page is named by a hash of everything on it: an existing page is kept, a
missing one is written, and pages no document of the run uses are removed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from mtcheck.batch.store import Row, Store
from mtcheck.batch.work import decompress, report_json
from mtcheck.files import atomic_create, atomic_open
from mtcheck.models.batch import DocumentErrorRow, RunTotals, SummaryRow
from mtcheck.models.enums import Verdict

DOCUMENTS, SUMMARY, INDEX, PAGES = "documents.jsonl", "summary.csv", "index.html", "docs"
_PAGE = re.compile(r"[0-9a-f]{24}\.html")  # page_name()
# atomic_create()'s temporary file of a page (or an older run's atomic_open()'s)
_PAGE_TEMPORARY = re.compile(r"\.[0-9a-f]{24}\.html\..+\.tmp")
LIKELIHOOD_BINS = [i / 20 for i in range(21)]
VERDICTS = tuple(v.value for v in Verdict)  # a document's verdict is stored as its index here


@dataclass(frozen=True)
class Thresholds:
    """What the index's charts mark: the verdicts' MT-likelihood thresholds and the gate's."""

    post_edited: float
    machine: float
    max_mt_likelihood: float | None = None
    min_fluency: float | None = None


def fluency_edges(lowest: float) -> list[float]:
    """Bin edges for the fluency chart from the lowest score to 100: most copy scores above
    70, so the axis starts where the data does, in round steps of at most 24 bins."""
    step = next(s for s in (1.0, 2.0, 2.5, 5.0) if (100 - lowest) / s <= 24)
    start = min(100 - step, math.floor(lowest / step) * step)
    return [start + i * step for i in range(round((100 - start) / step) + 1)]


def page_name(source: str, doc_id: str | None, fmt: str, metadata: str, key: str, signature: str) -> str:
    from mtcheck.render.report_html import PAGE_FORMAT

    blob = "\0".join((PAGE_FORMAT, source, doc_id or "", fmt, metadata, key, signature))
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:24] + ".html"


class _Totals:
    """Running totals and the values of the histograms, kept compact (array of doubles)."""

    def __init__(self) -> None:
        self.documents = self.errors = self.flagged = self.findings = 0
        self.likelihoods, self.fluencies = array("d"), array("d")
        self.verdict_codes = array("b")  # each reported document's verdict, for the charts' colours
        self.judged_codes = array("b")  # the verdicts of the documents with a likelihood (not too short, English)
        self.verdicts: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.agencies: Counter[str] = Counter()

    def add(self, row: SummaryRow) -> None:
        self.documents += 1
        if row.error:
            self.errors += 1
            return
        self.findings += row.findings
        code = VERDICTS.index(row.verdict) if row.verdict in VERDICTS else 0
        if row.mt_likelihood is not None:  # none for a document too short to judge or not in English
            self.likelihoods.append(row.mt_likelihood)
            self.judged_codes.append(code)
        self.fluencies.append(row.fluency or 0.0)
        self.verdict_codes.append(code)
        self.verdicts[row.verdict] += 1
        self.categories.update(row.categories)
        self.languages[row.source_language or "unknown"] += 1
        if row.agency:
            self.agencies[row.agency] += 1
        if row.fails:
            self.flagged += 1

    def model(self) -> RunTotals:
        n, judged = len(self.fluencies), len(self.likelihoods)
        return RunTotals(
            documents=self.documents, reported=n, errors=self.errors, flagged=self.flagged, findings=self.findings,
            verdicts=dict(self.verdicts), categories=dict(sorted(self.categories.items())),
            source_languages=dict(self.languages.most_common()), agencies=dict(self.agencies.most_common()),
            mean_mt_likelihood=sum(self.likelihoods) / judged if judged else None,
            mean_fluency=sum(self.fluencies) / n if n else None,
        )


def summary_row(row: Row, metadata: dict) -> SummaryRow:
    ident = row.doc_id or row.source
    r = row.result
    if r is None:
        return SummaryRow(id=ident, path=row.source, format=row.format, error=row.error or "")
    return SummaryRow(
        id=ident, path=row.source, format=row.format, verdict=r.verdict, mt_likelihood=r.mt_likelihood,
        fluency=r.fluency, findings=r.errors + r.warnings + r.info, errors=r.errors, warnings=r.warnings, info=r.info,
        categories=json.loads(r.categories), source_language=r.source_language or "",
        agency=r.agency or _metadata_text(metadata, "agency"), date=_metadata_text(metadata, "date") or r.date or "",
        fails=r.failed, page=row.page or "",
    )


def _metadata_text(metadata: dict, key: str) -> str:
    value = metadata.get(key)
    return value if isinstance(value, str) else ""


def write_outputs(store: Store, folder: Path, key: str, signature: str, gate: str, categories: list[str],
                  title: str, thresholds: Thresholds | None = None, quiet: bool = True) -> RunTotals:
    """Write documents.jsonl, summary.csv, index.html and the pages of the documents stored
    under `key` (see run.store_key); `gate` says, for the index, what failing means. Unless
    `quiet`, a bar on a terminal shows the writing (minutes of an archive's run)."""
    from mtcheck.progress import progress
    from mtcheck.render.report_html import index_row, render_document_page, write_index
    from mtcheck.render.summary_csv import SummaryCsv
    from mtcheck.render.svg import VERDICT_COLOURS, histogram

    pages = folder / PAGES
    pages.mkdir(exist_ok=True)
    # Pages are named by what is on them: one there is kept. Listed once, not looked up a page
    # at a time (as Path.exists() would: a link whose target is gone is not there).
    written = {e.name for e in os.scandir(pages) if not e.is_symlink() or os.path.exists(e.path)}
    totals = _Totals()
    # The index's table rows wait in a temporary file: the totals above them are known last.
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=folder) as table:
        with atomic_open(folder / DOCUMENTS, binary=True) as jsonl, atomic_open(folder / SUMMARY) as csv_out:
            csv_rows = SummaryCsv(csv_out, categories)
            for row in progress(store.rows(key), total=store.document_count(), desc="writing", quiet=quiet):
                metadata = json.loads(row.metadata)
                if row.result is None:
                    jsonl.write(DocumentErrorRow(source=row.source, doc_id=row.doc_id, error=row.error or "")
                                .model_dump_json().encode("utf-8") + b"\n")
                else:
                    r = row.result
                    jsonl.write(report_json(r.report, row.source, row.doc_id, row.format, row.metadata) + b"\n")
                    if row.page and row.page not in written:
                        html = render_document_page(row.source, row.doc_id, row.format, metadata,
                                                    decompress(r.page))
                        atomic_create(pages / row.page, html)
                        written.add(row.page)
                summary = summary_row(row, metadata)
                csv_rows.write(summary)
                table.write(index_row(summary.model_dump(), summary.page, first=totals.documents == 0))
                totals.add(summary)
        model = totals.model()
        table.seek(0)
        t = thresholds or Thresholds(0.35, 0.7)
        verdicts = [VERDICTS[c] for c in totals.verdict_codes]
        judged = [VERDICTS[c] for c in totals.judged_codes]
        marks = [(t.post_edited, f"post-edited {t.post_edited:g}"), (t.machine, f"machine {t.machine:g}")]
        if t.max_mt_likelihood is not None and t.max_mt_likelihood not in (t.post_edited, t.machine):
            marks.append((t.max_mt_likelihood, f"gate {t.max_mt_likelihood:g}"))
        lowest = min(totals.fluencies, default=100.0)
        if t.min_fluency is not None:
            lowest = min(lowest, t.min_fluency)
        fluency_bins = fluency_edges(lowest)
        charts = [histogram(totals.likelihoods, LIKELIHOOD_BINS, "MT likelihood", "MT likelihood (0 human – 1 machine)",
                            groups=judged, colours=VERDICT_COLOURS, marks=marks, filter_key="mt_likelihood"),
                  histogram(totals.fluencies, fluency_bins, "Fluency", "fluency (0–100)", groups=verdicts,
                            colours=VERDICT_COLOURS, filter_key="fluency",
                            marks=[(t.min_fluency, f"gate {t.min_fluency:g}")] if t.min_fluency is not None else [])]
        breakdowns = [("rule category", sorted(model.categories.items(), key=lambda kv: -kv[1])),
                      ("source language", list(model.source_languages.items())[:15]),
                      ("agency", list(model.agencies.items())[:15])]
        with atomic_open(folder / INDEX) as fh:
            write_index(fh, title=title, totals=model, signature=signature, gate=gate, charts=charts,
                        breakdowns=breakdowns, rows=(Markup(chunk) for chunk in iter(lambda: table.read(1 << 16), "")))
    _remove_stale_pages(pages, store)
    return model


def _remove_stale_pages(pages: Path, store: Store) -> None:
    """Remove the pages no document of the run uses, and temporary pages a killed run left:
    files named as this module names them, never anything else someone put in the folder."""
    for entry in os.scandir(pages):
        if ((_PAGE.fullmatch(entry.name) and not store.has_page(entry.name)) or _PAGE_TEMPORARY.fullmatch(entry.name)) \
                and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)
