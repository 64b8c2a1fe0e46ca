"""Report models of `mtcheck train`: what training.json holds and the model card shows.

Every figure is cross-validated: folds grouped by story, so no version of a story is on
both sides. Probabilities are at even prior odds (human and MT weighted equally), the
calibration the model is trained to.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mtcheck.models.document import InputError, ReportModel
from mtcheck.models.evaluate import ReliabilityBin


class TrainingInput(ReportModel):
    path: str
    source: str = Field(description="The source its documents are counted under (a wire, a language pair, a year): "
                                    "human and MT weigh the same inside each source.")
    documents: int = Field(description="Usable records (malformed ones are in the report's `errors`).")
    human: int
    mt: int


class VerdictShares(ReportModel):
    """How the documents of one class of one source were judged, out of fold."""

    human: float
    post_edited: float
    machine: float


class SourceFigures(ReportModel):
    source: str
    human: int
    mt: int
    auc: float | None = Field(description="Out-of-fold document ROC AUC inside the source (MT positive); null for a "
                                          "source with one class.")
    sentence_auc: float | None = Field(description="Out-of-fold sentence ROC AUC inside the source.")
    auc_against_all_mt: float | None = Field(
        description="For a human-only source: its documents against every MT document of the data.")
    nonhuman_rate: float | None = Field(
        description="For a human-only source: share of its documents called post-edited or machine.")
    human_verdicts: VerdictShares | None = Field(description="Verdicts of the source's human documents (judged ones).")
    mt_verdicts: VerdictShares | None = Field(description="Verdicts of the source's MT documents (judged ones).")


class LengthAuc(ReportModel):
    min_words: int = Field(description="Documents from this length up to the next bin's.")
    auc: float | None = Field(description="Mean out-of-fold AUC over the mixed sources with 30 or more documents in "
                                          "the bin; null when none has.")


class CrossValidated(ReportModel):
    folds: int
    sources: list[SourceFigures]
    nonhuman_rate_cross_validated: float | None = Field(
        description="The human threshold's own rule cross-validated: each fold's human-only documents judged by a "
                    "threshold set on the other folds'. Null without a human-only source.")
    auc_by_length: list[LengthAuc]
    reliability: list[ReliabilityBin] = Field(description="Out-of-fold reliability, class-balanced.")


class TrainedModel(ReportModel):
    file: str = Field(description="The model file, model.json.")
    sha256: str = Field(description="sha256 of the file (its first 12 characters are in every report's signature).")
    bytes: int
    rules: list[str] = Field(description="Rules whose finding rates the model reads.")
    ngrams: int = Field(description="Function-word and word-shape n-grams in its vocabulary.")
    min_words: int = Field(description="Documents with fewer words are 'too short to judge'.")
    thresholds: tuple[float, float] = Field(description="(post-edited, machine) on the calibrated probability.")


class TrainingReport(ReportModel):
    """What `mtcheck train` did: the data, the settings, the model written, its figures."""

    version: str = Field(description="mtcheck version that trained the model.")
    created: str = Field(description="Date of training (YYYY-MM-DD); the model file itself carries no date, so the "
                                     "same data and seed give a byte-identical file.")
    signature: str = Field(description="Signature of the checker whose findings the model reads.")
    label: str
    label_rule: str = Field(description="How the label gives the class, e.g. 'MT = not is_human'.")
    text_field: str
    group_field: str = Field(description="The field naming a story: all its versions fall in the same fold.")
    inputs: list[TrainingInput]
    documents: int
    stories: int
    settings: dict[str, Any] = Field(description="Every training setting (seed included).")
    model: TrainedModel
    cross_validated: CrossValidated
    errors: list[InputError] = Field(default_factory=list, description="Malformed records, left out.")
