"""The document report as plain classes: what the pipeline builds. GENERATED from the
pydantic models in `document.py` by `python -m mtcheck.models.generate`; do not edit.

The fields are the models' (same names, types and order); nothing is validated here: the
pipeline makes these from values it computed, and `to_model` in `document.py` turns one into
the validated, serialisable model where a report leaves the program as data.
"""

from __future__ import annotations

from typing import Any, Literal

from mtcheck.models.enums import Severity, Verdict

__all__ = [
    "Agency", "Counts", "Dateline", "DocumentReport", "Evidence", "Finding", "Fluency", "GateFailure",
    "LanguageGuess", "Provenance", "ReferenceDocument", "ReferenceMatch", "SentenceFluency",
]


class PlainReport:
    """Equality and a readable repr, field by field, for every plain class."""

    __slots__: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Finding(PlainReport):
    """One artefact: where it is, what it is, and how to fix it."""

    __slots__ = (
        "rule", "category", "severity", "start", "end", "line", "column", "end_line", "end_column", "text",
        "message", "suggestion", "fix_safe", "sentence", "source_term", "source_language", "pair",
        "fingerprint",
    )

    rule: str
    category: str
    severity: Severity
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    message: str
    suggestion: str | None
    fix_safe: bool
    sentence: int
    source_term: str | None
    source_language: str | None
    pair: str | None
    fingerprint: str

    def __init__(
        self, *, rule: str, category: str, severity: Severity, start: int, end: int, line: int, column: int,
        end_line: int, end_column: int, text: str, message: str, suggestion: str | None, fix_safe: bool,
        sentence: int, source_term: str | None, source_language: str | None, pair: str | None,
        fingerprint: str,
    ) -> None:
        self.rule = rule
        self.category = category
        self.severity = severity
        self.start = start
        self.end = end
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.text = text
        self.message = message
        self.suggestion = suggestion
        self.fix_safe = fix_safe
        self.sentence = sentence
        self.source_term = source_term
        self.source_language = source_language
        self.pair = pair
        self.fingerprint = fingerprint


class ReferenceMatch(PlainReport):
    """The closest sentence of the reference corpus (published copy) to a checked sentence."""

    __slots__ = (
        "document", "path", "line", "sentence", "text", "start", "end", "similarity",
    )

    document: str
    path: str
    line: int | None
    sentence: int
    text: str
    start: int
    end: int
    similarity: float

    def __init__(
        self, *, document: str, path: str, line: int | None, sentence: int, text: str, start: int, end: int,
        similarity: float,
    ) -> None:
        self.document = document
        self.path = path
        self.line = line
        self.sentence = sentence
        self.text = text
        self.start = start
        self.end = end
        self.similarity = similarity


class SentenceFluency(PlainReport):
    __slots__ = (
        "index", "start", "end", "line", "column", "paragraph", "score", "findings", "mt_probability",
        "reference",
    )

    index: int
    start: int
    end: int
    line: int
    column: int
    paragraph: int
    score: float
    findings: int
    mt_probability: float | None
    reference: ReferenceMatch | None

    def __init__(
        self, *, index: int, start: int, end: int, line: int, column: int, paragraph: int, score: float,
        findings: int, mt_probability: float | None, reference: ReferenceMatch | None,
    ) -> None:
        self.index = index
        self.start = start
        self.end = end
        self.line = line
        self.column = column
        self.paragraph = paragraph
        self.score = score
        self.findings = findings
        self.mt_probability = mt_probability
        self.reference = reference


class Fluency(PlainReport):
    __slots__ = (
        "score", "sentences",
    )

    score: float
    sentences: list[SentenceFluency]

    def __init__(
        self, *, score: float, sentences: list[SentenceFluency],
    ) -> None:
        self.score = score
        self.sentences = sentences


class LanguageGuess(PlainReport):
    __slots__ = (
        "code", "confidence", "method", "evidence",
    )

    code: str | None
    confidence: float
    method: str
    evidence: list[str]

    def __init__(
        self, *, code: str | None, confidence: float, method: str, evidence: list[str],
    ) -> None:
        self.code = code
        self.confidence = confidence
        self.method = method
        self.evidence = evidence


class Agency(PlainReport):
    __slots__ = (
        "as_written", "normalised", "short", "language", "start", "end",
    )

    as_written: str
    normalised: str
    short: str
    language: str
    start: int
    end: int

    def __init__(
        self, *, as_written: str, normalised: str, short: str, language: str, start: int, end: int,
    ) -> None:
        self.as_written = as_written
        self.normalised = normalised
        self.short = short
        self.language = language
        self.start = start
        self.end = end


class Dateline(PlainReport):
    __slots__ = (
        "as_written", "style", "city", "date", "date_normalised", "agency", "start", "end",
    )

    as_written: str
    style: str
    city: str | None
    date: str | None
    date_normalised: str | None
    agency: str | None
    start: int
    end: int

    def __init__(
        self, *, as_written: str, style: str, city: str | None, date: str | None, date_normalised: str | None,
        agency: str | None, start: int, end: int,
    ) -> None:
        self.as_written = as_written
        self.style = style
        self.city = city
        self.date = date
        self.date_normalised = date_normalised
        self.agency = agency
        self.start = start
        self.end = end


class Evidence(PlainReport):
    """One reason the MT likelihood moved, in log-odds: a rule's findings, or a feature of the
    writing the provenance model weighs (clause structure, function-word pattern, ...)."""

    __slots__ = (
        "kind", "feature", "rule", "count", "description", "contribution",
    )

    kind: Literal["rule", "style"]
    feature: str
    rule: str | None
    count: int | None
    description: str
    contribution: float

    def __init__(
        self, *, kind: Literal["rule", "style"], feature: str, rule: str | None, count: int | None,
        description: str, contribution: float,
    ) -> None:
        self.kind = kind
        self.feature = feature
        self.rule = rule
        self.count = count
        self.description = description
        self.contribution = contribution


class ReferenceDocument(PlainReport):
    """A reference document that sentences of the checked document were matched to."""

    __slots__ = (
        "document", "path", "line", "sentences", "share", "coverage", "similarity",
    )

    document: str
    path: str
    line: int | None
    sentences: int
    share: float
    coverage: float
    similarity: float

    def __init__(
        self, *, document: str, path: str, line: int | None, sentences: int, share: float, coverage: float,
        similarity: float,
    ) -> None:
        self.document = document
        self.path = path
        self.line = line
        self.sentences = sentences
        self.share = share
        self.coverage = coverage
        self.similarity = similarity


class Provenance(PlainReport):
    __slots__ = (
        "content_hash", "document_language", "source_language", "agency", "dateline", "mt_likelihood",
        "verdict", "evidence", "model", "signature", "references",
    )

    content_hash: str
    document_language: LanguageGuess
    source_language: LanguageGuess
    agency: Agency | None
    dateline: Dateline | None
    mt_likelihood: float | None
    verdict: Verdict
    evidence: list[Evidence]
    model: str
    signature: str
    references: list[ReferenceDocument]

    def __init__(
        self, *, content_hash: str, document_language: LanguageGuess, source_language: LanguageGuess,
        agency: Agency | None, dateline: Dateline | None, mt_likelihood: float | None, verdict: Verdict,
        evidence: list[Evidence], model: str, signature: str, references: list[ReferenceDocument],
    ) -> None:
        self.content_hash = content_hash
        self.document_language = document_language
        self.source_language = source_language
        self.agency = agency
        self.dateline = dateline
        self.mt_likelihood = mt_likelihood
        self.verdict = verdict
        self.evidence = evidence
        self.model = model
        self.signature = signature
        self.references = references


class GateFailure(PlainReport):
    """One reason a document fails the publication gate of `mtcheck check`."""

    __slots__ = (
        "rule", "message",
    )

    rule: str
    message: str

    def __init__(
        self, *, rule: str, message: str,
    ) -> None:
        self.rule = rule
        self.message = message


class Counts(PlainReport):
    __slots__ = (
        "by_severity", "by_category",
    )

    by_severity: dict[str, int]
    by_category: dict[str, int]

    def __init__(
        self, *, by_severity: dict[str, int], by_category: dict[str, int],
    ) -> None:
        self.by_severity = by_severity
        self.by_category = by_category


class DocumentReport(PlainReport):
    """One checked document. Offsets, lines and columns point into the file as decoded (for
    markup, the original file, not the extracted text).

    Findings silenced by the file's mtcheck-disable comments (`suppressed`) or held by the
    baseline (`baselined`) are not in `findings`, `counts` or the gate's decision; they
    still count in fluency and MT likelihood, which describe the text whatever a newsroom
    decided to accept, so an in-file comment cannot talk a verdict down."""

    __slots__ = (
        "source", "doc_id", "format", "metadata", "line", "characters", "paragraphs", "sentences", "findings",
        "fluency", "provenance", "suppressed", "baselined", "failures", "warnings",
    )

    source: str
    doc_id: str | None
    format: str
    metadata: dict[str, Any]
    line: int | None
    characters: int
    paragraphs: int
    sentences: int
    findings: list[Finding]
    fluency: Fluency
    provenance: Provenance
    suppressed: list[Finding]
    baselined: list[Finding]
    failures: list[GateFailure]
    warnings: list[str]

    def __init__(
        self, *, source: str, doc_id: str | None, format: str, metadata: dict[str, Any], line: int | None,
        characters: int, paragraphs: int, sentences: int, findings: list[Finding], fluency: Fluency,
        provenance: Provenance, suppressed: list[Finding], baselined: list[Finding],
        failures: list[GateFailure], warnings: list[str],
    ) -> None:
        self.source = source
        self.doc_id = doc_id
        self.format = format
        self.metadata = metadata
        self.line = line
        self.characters = characters
        self.paragraphs = paragraphs
        self.sentences = sentences
        self.findings = findings
        self.fluency = fluency
        self.provenance = provenance
        self.suppressed = suppressed
        self.baselined = baselined
        self.failures = failures
        self.warnings = warnings

    @property
    def counts(self) -> Counts:
        by_severity = {s.value: 0 for s in Severity}
        by_category: dict[str, int] = {}
        for f in self.findings:
            by_severity[f.severity.value] += 1
            by_category[f.category] = by_category.get(f.category, 0) + 1
        return Counts(by_severity=by_severity, by_category=by_category)
