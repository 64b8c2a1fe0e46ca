"""Report models of `mtcheck align`: what `--format json` prints and the HTML page shows.

Character spans are 0-based offsets into each side's decoded text, end exclusive
(for markup input, into the original file, as in `check`).
"""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from mtcheck.models.document import ReportModel, Severity, Verdict


class GroupStatus(str, Enum):
    kept = "kept"  # the same words on both sides
    edited = "edited"  # changed, split or merged
    added = "added"  # only in the reference
    dropped = "dropped"  # only in the draft


class SideSpan(ReportModel):
    sentences: list[int] = Field(description="Sentence indices on this side (empty for an added or dropped group's "
                                             "missing side).")
    start: int = Field(ge=0, description="Character offset of the first sentence; for an empty side, where the missing "
                                         "text would stand.")
    end: int = Field(ge=0)
    text: str


class WordEdit(ReportModel):
    """One word-level change from draft to reference (rapidfuzz Levenshtein opcodes over word tokens)."""

    op: str = Field(description="replace, insert or delete.")
    draft_start: int
    draft_end: int
    reference_start: int
    reference_end: int
    draft_text: str
    reference_text: str


class SentenceScores(ReportModel):
    bleu: float = Field(description="sacrebleu sentence BLEU (effective order), draft as hypothesis.")
    chrf: float
    ter: float


class FindingStatus(str, Enum):
    fixed = "fixed"  # in the draft, gone from the reference
    remaining = "remaining"  # in both
    removed = "removed"  # its sentence was dropped
    introduced = "introduced"  # only in the reference


class FindingChange(ReportModel):
    status: FindingStatus
    rule: str
    category: str
    severity: Severity
    message: str
    suggestion: str | None = None
    draft_start: int | None = None
    draft_end: int | None = None
    draft_text: str | None = None
    reference_start: int | None = None
    reference_end: int | None = None
    reference_text: str | None = None


class AlignedGroup(ReportModel):
    index: int
    operation: str = Field(description="Sentences on each side: 1-1, 1-2, 2-1, 2-2, 1-0 or 0-1.")
    status: GroupStatus
    draft: SideSpan
    reference: SideSpan
    similarity: float = Field(ge=0, le=100, description="rapidfuzz Indel similarity of the word tokens.")
    scores: SentenceScores | None = Field(default=None, description="Absent when one side is empty.")
    edits: list[WordEdit]
    findings: list[FindingChange]


class CorpusScores(ReportModel):
    bleu: float
    chrf: float
    ter: float
    signatures: dict[str, str] = Field(description="sacrebleu signature of each metric.")


class SentenceCounts(ReportModel):
    kept: int = Field(description="Draft sentences in unchanged groups.")
    edited: int = Field(description="Draft sentences in changed, split or merged groups.")
    dropped: int = Field(description="Draft sentences with no counterpart.")
    added: int = Field(description="Reference sentences with no counterpart.")
    kept_share: float
    edited_share: float
    dropped_share: float = Field(description="Share of the draft's sentences.")
    added_share: float = Field(description="Share of the reference's sentences.")


class VersionSummary(ReportModel):
    source: str
    characters: int
    sentences: int
    findings: int
    mt_likelihood: float | None
    verdict: Verdict
    fluency: float


class EditingSummary(ReportModel):
    """What editing did to the draft's findings, by rule id."""

    fixed: dict[str, int]
    remaining: dict[str, int]
    removed: dict[str, int]
    introduced: dict[str, int]


class AlignReport(ReportModel):
    """What `mtcheck align --format json` prints."""

    draft: VersionSummary
    reference: VersionSummary
    groups: list[AlignedGroup]
    operations: dict[str, int] = Field(description="Number of groups of each operation (1-1, 2-1, ...).")
    sentences: SentenceCounts
    scores: CorpusScores
    editing: EditingSummary
    signature: str = Field(description="mtcheck checker signature plus the aligner's settings.")
