"""The work done for one document, the same whatever engine runs it.

A worker checks the document, and returns what the store keeps for its content and
signature: the summary columns, the report (without the fields naming the document,
which the store adds back) and the body of its HTML page, both compressed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import zstandard

from mtcheck.models.plain_json import plain_json
from mtcheck.read import Source
from mtcheck.read.text import LineEnds
from mtcheck.render.report_html import render_document_body

if TYPE_CHECKING:
    from mtcheck.pipeline import Checker

# The fields of a DocumentReport that name the document rather than describe its content:
# the store keeps one report per content and adds these back per document.
IDENTITY_FIELDS = ("source", "doc_id", "format", "metadata")


@dataclass(frozen=True)
class Task:
    seq: int  # the document's place in the run
    key: str  # content_key(source)
    source: Source


@dataclass(frozen=True)
class Result:
    """What the store keeps per (content key, signature)."""

    verdict: str
    mt_likelihood: float | None
    fluency: float
    errors: int
    warnings: int
    info: int
    categories: str  # JSON object: rule category -> findings
    source_language: str | None
    agency: str | None
    date: str | None  # the dateline's date, AP style when it can be
    failed: bool  # fails the gate (the run's fail_on and thresholds)
    report: bytes  # compress() of the report JSON without IDENTITY_FIELDS
    page: bytes  # compress() of the HTML page body


@dataclass(frozen=True)
class Outcome:
    seq: int
    key: str
    result: Result | None = None
    error: str | None = None


def content_key(source: Source) -> str:
    """What a report depends on besides the checker: the text, how it was read and, for
    extracted text, the file it maps back to."""
    h = hashlib.sha256()
    extraction = source.extraction
    original = "" if extraction is None or isinstance(extraction, LineEnds) else extraction.original
    for part in (source.format, source.text, original):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    if isinstance(extraction, LineEnds):  # the file is the text with CRs where these say
        h.update(extraction.offsets.digest_bytes())
    return h.hexdigest()


def check_document(checker: Checker, task: Task) -> Outcome:
    """Check one document. Any failure becomes the document's error, never the run's."""
    try:
        # The page, the columns and the JSON are made from the plain report: no model is built.
        report = checker.check_plain(task.source)
        p = report.provenance
        counts = report.counts
        sev = counts.by_severity
        body = render_document_body(report, task.source.file_text)
        result = Result(
            verdict=p.verdict.value, mt_likelihood=p.mt_likelihood, fluency=report.fluency.score,
            errors=sev.get("error", 0), warnings=sev.get("warning", 0), info=sev.get("info", 0),
            categories=json.dumps(counts.by_category, sort_keys=True),
            source_language=p.source_language.code, agency=p.agency.normalised if p.agency else None,
            date=(p.dateline.date_normalised or p.dateline.date) if p.dateline else None, failed=bool(report.failures),
            report=compress(plain_json(report, exclude=set(IDENTITY_FIELDS))),
            page=compress(body.encode("utf-8")),
        )
    except Exception as exc:
        return Outcome(task.seq, task.key, error=f"internal error while checking: {type(exc).__name__}: {exc}")
    return Outcome(task.seq, task.key, result=result)


def report_json(result_report: bytes, source: str, doc_id: str | None, fmt: str, metadata_json: str) -> bytes:
    """The full DocumentReport JSON (UTF-8) of a stored report: the identity fields put back
    first, in the model's order; the stored part is not decoded."""
    rest = decompress(result_report)
    head = ",".join(f"{json.dumps(k)}:{v}" for k, v in (
        ("source", json.dumps(source, ensure_ascii=False)), ("doc_id", json.dumps(doc_id, ensure_ascii=False)),
        ("format", json.dumps(fmt, ensure_ascii=False)), ("metadata", metadata_json)))
    return b"{" + head.encode("utf-8") + (b"," + rest[1:] if rest != b"{}" else b"}")


# A (de)compressor costs more to make than a report to compress, and must not be shared
# between threads (a Dask worker runs tasks in several): one of each per thread.
_codecs = threading.local()
T = TypeVar("T")


# Level 1, not zstd's default 3: a page body compresses in three quarters of the time, 3% larger.
COMPRESSION_LEVEL = 1


def compress(data: bytes) -> bytes:
    return _codec("compressor", _compressor).compress(data)


def _compressor() -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)


def decompress(data: bytes) -> bytes:
    return _codec("decompressor", zstandard.ZstdDecompressor).decompress(data)


def _codec(name: str, make: Callable[[], T]) -> T:
    """This thread's codec of that name, made on first use."""
    codec = getattr(_codecs, name, None)
    if codec is None:
        codec = make()
        setattr(_codecs, name, codec)
    return codec
