"""Report models: what `mtcheck.check` returns and what `--format json` prints.

Every report is a pydantic model so the JSON schema in `reports/schema/` is generated
from the same definitions the code uses. Offsets are 0-based character offsets into
the decoded text (end exclusive); lines and columns are 1-based.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from mtcheck.models.enums import Severity, Verdict

if TYPE_CHECKING:
    from mtcheck.models import plain


class ReportModel(BaseModel):
    """Base of every report model: unknown fields are an error, so a report read back (a
    baseline, a stored report line) is exactly what the schema says; and a report is built
    once and never changed afterwards (frozen)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, frozen=True)


class Finding(ReportModel):
    """One artefact: where it is, what it is, and how to fix it."""

    rule: str = Field(description="Stable rule id, e.g. 'calque.term'.")
    category: str = Field(description="Rule family: calque, repetition, fragment, punctuation, script, marker.")
    severity: Severity
    start: int = Field(ge=0, description="0-based character offset into the decoded file (for markup, the original "
                                         "file, not the extracted text; for a JSONL record, its text).")
    end: int = Field(ge=0, description="Exclusive end offset.")
    line: int = Field(ge=1, description="1-based line in the file (for a JSONL record, the record's line).")
    column: int = Field(ge=1, description="1-based, in characters (for a JSONL record, on the record's line, JSON "
                                          "escapes counted as written).")
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1, description="1-based column of the character after the span.")
    text: str = Field(description="The flagged span as it stands in the text.")
    message: str
    suggestion: str | None = Field(default=None, description="Replacement or advice, when one exists.")
    fix_safe: bool = Field(default=False, description="The suggestion can replace the span with no human judgement.")
    sentence: int = Field(ge=0, description="Index of the sentence the span starts in.")
    source_term: str | None = Field(default=None, description="Source-language term behind a calque.")
    source_language: str | None = None
    pair: str | None = Field(default=None, description="Reference pair behind the finding, as file:line.")
    fingerprint: str = Field(
        description="Stable id for baselines: rule, flagged text and the words around it (not its line), and an "
                    "occurrence number for repeats.")


class ReferenceMatch(ReportModel):
    """The closest sentence of the reference corpus (published copy) to a checked sentence."""

    document: str = Field(description="The reference document's id (JSONL `id`), else its path (path:line in JSONL).")
    path: str = Field(description="The corpus file it is in.")
    line: int | None = Field(default=None, ge=1, description="Its line in a JSONL corpus file.")
    sentence: int = Field(ge=0, description="Index of the sentence in that document.")
    text: str
    start: int = Field(ge=0, description="0-based character offset of the sentence in that document's text (JSONL: its "
                                         "`text` field).")
    end: int = Field(ge=0, description="Exclusive end offset.")
    similarity: float = Field(
        ge=0, le=100, description="0-100: mean of the rapidfuzz ratio over characters and over words of the two "
                                  "sentences, lower-cased.")


class ReferenceDocument(ReportModel):
    """A reference document that sentences of the checked document were matched to."""

    document: str = Field(description="The reference document's id (JSONL `id`), else its path (path:line in JSONL).")
    path: str
    line: int | None = Field(default=None, ge=1)
    sentences: int = Field(ge=1, description="Sentences of the checked document whose closest reference sentence is in "
                                             "it.")
    share: float = Field(ge=0, le=1, description="That count as a share of the checked document's sentences.")
    coverage: float = Field(ge=0, le=1, description="Share of the reference document's own sentences matched.")
    similarity: float = Field(ge=0, le=100, description="Mean similarity of the matched sentences.")


class SentenceFluency(ReportModel):
    index: int
    start: int
    end: int
    line: int
    column: int
    paragraph: int
    score: float = Field(ge=0, le=100)
    findings: int = Field(ge=0, description="Findings starting in this sentence.")
    mt_probability: float | None = Field(
        default=None, ge=0, le=1, description="Probability that the sentence reads as machine translation, given its "
                                              "words and its document (learned model only); it points at the "
                                              "sentences to look at even where no rule fired.")
    reference: ReferenceMatch | None = Field(
        default=None, description="Closest reference-corpus sentence above the threshold (with --reference-corpus).")


class Fluency(ReportModel):
    score: float = Field(ge=0, le=100, description="Document fluency: mean of sentence scores, weighted by length.")
    sentences: list[SentenceFluency] = Field(
        description="Each sentence's score, in order; of a document of more than 50,000 sentences, the first 50,000 "
                    "(its warnings say so).")


class Evidence(ReportModel):
    """One reason the MT likelihood moved, in log-odds: a rule's findings, or a feature of the
    writing the provenance model weighs (clause structure, function-word pattern, ...)."""

    kind: Literal["rule", "style"] = Field(description="'rule': a rule's findings; 'style': a group of features "
                                                       "of the writing.")
    feature: str = Field(description="The rule id, or the feature group (e.g. 'clauses', 'function_ngrams').")
    rule: str | None = Field(default=None, description="The rule, for kind 'rule'.")
    count: int | None = Field(default=None, description="Findings of the rule (suppressed ones included).")
    description: str = Field(description="What was seen, in an editor's words.")
    contribution: float = Field(description="Log-odds it adds to (positive: towards MT) or takes from the likelihood.")


class LanguageGuess(ReportModel):
    code: str | None = Field(description="ISO 639-1 code, or null when unknown.")
    confidence: float = Field(ge=0, le=1)
    method: str = Field(
        description="How it was decided: function-words, langdetect, script, calques, dateline, agency.")
    evidence: list[str] = Field(default_factory=list)


class Agency(ReportModel):
    as_written: str
    normalised: str = Field(description="The agency's own English name.")
    short: str = Field(description="Credit used in wire datelines, e.g. Xinhua, CNS.")
    language: str
    start: int
    end: int


class Dateline(ReportModel):
    as_written: str
    style: str = Field(description="'wire' (BEIJING, Feb. 4 (Xinhua) --) or 'chinese-wire' (China News Agency, "
                                   "Washington, November 27th.).")
    city: str | None = None
    date: str | None = Field(default=None, description="The date as written.")
    date_normalised: str | None = Field(default=None, description="AP style, e.g. 'Nov. 27'.")
    agency: str | None = Field(default=None, description="Agency as written in the dateline.")
    start: int
    end: int


class Provenance(ReportModel):
    content_hash: str = Field(description="sha256 of the checked text (CR LF line ends read as LF: the "
                              "same copy hashes the same whichever system wrote the file).")
    document_language: LanguageGuess
    source_language: LanguageGuess = Field(description="Likely language the copy was translated from.")
    agency: Agency | None = None
    dateline: Dateline | None = None
    mt_likelihood: float | None = Field(ge=0, le=1, description="Calibrated probability that the copy is machine "
                                                                 "translation; null when it is too short to judge.")
    verdict: Verdict
    evidence: list[Evidence] = Field(description="What moved the likelihood, largest first (either way).")
    model: str = Field(description="What scored it: 'learned' (the shipped provenance model), 'rules' (rule "
                                   "weights only), or the path of a trained model file.")
    signature: str
    references: list[ReferenceDocument] = Field(
        default_factory=list, description="Closest reference-corpus documents, most sentences matched first (with "
                                          "--reference-corpus).")


class Counts(ReportModel):
    by_severity: dict[str, int]
    by_category: dict[str, int]


class GateFailure(ReportModel):
    """One reason a document fails the publication gate of `mtcheck check`."""

    rule: str = Field(description="gate.findings, gate.mt-likelihood or gate.fluency.")
    message: str


class DocumentReport(ReportModel):
    """One checked document. Offsets, lines and columns point into the file as decoded (for
    markup, the original file, not the extracted text).

    Findings silenced by the file's mtcheck-disable comments (`suppressed`) or held by the
    baseline (`baselined`) are not in `findings`, `counts` or the gate's decision; they
    still count in fluency and MT likelihood, which describe the text whatever a newsroom
    decided to accept, so an in-file comment cannot talk a verdict down."""

    source: str = Field(description="File path, 'stdin' for standard input, or the id given by the caller.")
    doc_id: str | None = Field(default=None, description="Id of the document inside a file that holds many (JSONL).")
    format: str = Field(default="text", description="How the text was read: text, markdown, html, nitf, newsml, jsonl.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Metadata carried from the input (JSONL fields, "
                                                                       "XML headline).")
    line: int | None = Field(default=None, ge=1, description="The line of the file the document is written on, when "
                             "the file holds one document a line (a JSONL record); its findings' lines and columns "
                             "are then on that line (columns count JSON escapes as written), while offsets stay "
                             "offsets into its text.")
    characters: int
    paragraphs: int
    sentences: int
    findings: list[Finding]
    fluency: Fluency
    provenance: Provenance
    suppressed: list[Finding] = Field(
        default_factory=list, description="Findings silenced by mtcheck-disable comments (not in `findings` or "
                                          "`counts`).")
    baselined: list[Finding] = Field(
        default_factory=list, description="Findings left out because the --baseline file holds them (not in `findings` "
                                          "or `counts`).")
    failures: list[GateFailure] = Field(
        default_factory=list, description="Why the document fails the gate (fail_on, max_mt_likelihood, min_fluency); "
                                          "empty when it passes.")
    warnings: list[str] = Field(
        default_factory=list, description="Problems with the document's own mtcheck-disable directives ('line N: "
                                          "...'), e.g. an unknown rule name; such a directive silences nothing. Also "
                                          "what was checked only in part: a run of text with no sentence end, cut "
                                          "into sentences of bounded length; findings past a rule's per-document "
                                          "cap.")

    @computed_field(description="Findings by severity and by rule category (of `findings` only).")  # type: ignore[prop-decorator]
    @property
    def counts(self) -> Counts:
        by_severity = {s.value: 0 for s in Severity}
        by_category: dict[str, int] = {}
        for f in self.findings:
            by_severity[f.severity.value] += 1
            by_category[f.category] = by_category.get(f.category, 0) + 1
        return Counts(by_severity=by_severity, by_category=by_category)

    @model_validator(mode="before")
    @classmethod
    def _derived_fields_are_not_input(cls, data: Any) -> Any:
        # A report read back (documents.jsonl, an API answer) carries its computed counts.
        if isinstance(data, dict) and "counts" in data:
            data = {k: v for k, v in data.items() if k != "counts"}
        return data


class InputError(ReportModel):
    source: str
    message: str


class CheckReport(ReportModel):
    """What `mtcheck check --format json` prints."""

    documents: list[DocumentReport]
    errors: list[InputError] = Field(default_factory=list)
    signature: str
    suppressed: int = Field(default=0, ge=0,
                            description="Findings silenced by mtcheck-disable comments, all documents.")
    baselined: int = Field(default=0, ge=0, description="Findings left out because the baseline holds them, all "
                                                        "documents.")
    skipped: list[str] = Field(default_factory=list, description="Files named but excluded by the config's "
                                                                 "include/exclude.")


class RuleExample(ReportModel):
    text: str = Field(description="A text the rule is run on (examples are tests).")
    flagged: bool = Field(description="Whether the rule flags it: a bad example, or plain English it leaves alone.")
    fixed: str | None = Field(default=None, description="What `mtcheck fix` makes of a flagged example.")


class RuleInfo(ReportModel):
    id: str
    family: str = Field(description="The module that declares it.")
    category: str = Field(description="The part of the id before the dot.")
    severity: Severity = Field(description="Default severity; a config's [severity] table can change it.")
    weight: float = Field(ge=0, description="Log-odds one occurrence adds to the MT likelihood (saturating); 0: not "
                                            "evidence of MT.")
    fix: str = Field(description="always, sometimes or never: whether its findings carry a fix that needs no person.")
    message: str
    suggestion: str | None = None
    description: str
    examples: list[RuleExample]


class RuleCatalogue(ReportModel):
    """What `mtcheck rules --format json` prints."""

    rules: list[RuleInfo]


class PairProblem(ReportModel):
    path: str
    line: int
    severity: Severity
    message: str


class PairsValidation(ReportModel):
    files: list[str]
    entries: int
    problems: list[PairProblem]


class AppliedFix(ReportModel):
    """One change `mtcheck fix` made: a span of the input and the text that replaced it."""

    rules: list[str] = Field(description="Rules whose findings it fixes; several when fixes that touched were merged.")
    start: int = Field(ge=0, description="0-based character offset into the input (for markup, the original file).")
    end: int = Field(ge=0, description="Exclusive end offset.")
    line: int = Field(ge=1)
    column: int = Field(ge=1, description="1-based, in characters.")
    original: str = Field(description="The input's text in [start, end).")
    replacement: str


class FixReport(ReportModel):
    """What `mtcheck fix` did to one document: the fixed text, each change, what is left for a person."""

    source: str = Field(description="File path, '-' for stdin, or the id given by the caller.")
    format: str = Field(default="text", description="How the input was read: text, markdown, html.")
    text: str = Field(description="The fixed text (for markup, the whole fixed file).")
    changed: bool
    applied: list[AppliedFix] = Field(description="Changes in input order; the input outside their spans is unchanged.")
    remaining: list[Finding] = Field(description="Findings of the fixed text left for a person (offsets into `text`).")
    rounds: int = Field(ge=1, description="Checks run: the first, and one after each pass of fixes (a fix can expose "
                                          "another).")
    signature: str


def to_model(report: DocumentReport | plain.DocumentReport) -> DocumentReport:
    """The validated model of a report the pipeline built as plain classes (`plain.py`), for
    where it leaves the program as data (JSON, the API); a model is returned as it is."""
    if isinstance(report, DocumentReport):
        return report
    return DocumentReport.model_validate(report, from_attributes=True)
