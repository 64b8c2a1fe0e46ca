"""Report models of `mtcheck eval`: what eval.json holds and the renderers print.

MT is the positive class throughout. A figure that is undefined on the data (an AUC
without human documents, a correlation of a constant) is null.
"""

from __future__ import annotations

from pydantic import Field

from mtcheck.models.document import InputError, ReportModel


class Estimate(ReportModel):
    """A figure with its bootstrap confidence interval."""

    value: float | None = Field(description="Null when undefined on the data.")
    low: float | None = Field(default=None, description="Lower end of the bootstrap percentile interval.")
    high: float | None = Field(default=None, description="Upper end of the interval.")


class Bootstrap(ReportModel):
    resamples: int
    seed: int
    level: float = Field(description="Confidence level of every interval, e.g. 0.95.")
    documents: str = Field(description="How documents are resampled: 'grouped by FIELD' or 'stratified by label'.")
    segments: str = Field(description="How segments are resampled.")


class Inputs(ReportModel):
    path: str
    documents: int = Field(description="Records evaluated (malformed ones are in `errors`).")
    human: int
    mt: int
    label: str = Field(description="The label field.")
    label_rule: str = Field(description="How the label gives the class, e.g. 'MT = not is_human'.")
    text_field: str
    score: str | None = Field(default=None, description="Human quality score field (--score).")
    score_higher_is: str | None = Field(default=None, description="'worse' (MQM: error points) or 'better'.")
    group: str | None = Field(default=None, description="Group field (--group): versions of the same source document.")
    segments: str | None = Field(default=None, description="Segments file (--segments).")


class RocPoint(ReportModel):
    threshold: float | None = Field(description="Documents with MT likelihood >= threshold are flagged; null: none is.")
    fpr: float = Field(description="Share of human documents flagged.")
    tpr: float = Field(description="Share of MT documents flagged.")


class VerdictFigures(ReportModel):
    """A verdict (or set of verdicts) read as a prediction of one class."""

    verdicts: list[str] = Field(description="Verdicts counted as the prediction, e.g. ['post-edited', 'machine'].")
    predicts: str = Field(description="The class they predict: mt or human.")
    predicted: int = Field(description="Documents given one of these verdicts.")
    support: int = Field(description="Documents of the predicted class.")
    precision: Estimate
    recall: Estimate
    f1: Estimate


class ConfusionMatrix(ReportModel):
    rows: list[str] = Field(description="Actual classes: human, mt.")
    columns: list[str] = Field(description="Verdicts: human, post-edited, machine.")
    counts: list[list[int]] = Field(description="counts[i][j]: documents of class rows[i] given verdict columns[j].")


class PairwiseAccuracy(ReportModel):
    """Within each group, every (human, MT) pair of versions of the same story."""

    groups: int = Field(description="Groups holding at least one human and one MT document.")
    pairs: int
    likelihood: Estimate = Field(
        description="Share of pairs whose MT version has the higher MT likelihood (ties half).")
    fluency: Estimate = Field(description="Share of pairs whose MT version has the lower fluency (ties half).")


class ScorePoint(ReportModel):
    fluency: float
    score: float
    is_mt: bool


class Correlation(ReportModel):
    """Fluency against a human quality score."""

    field: str
    n: int = Field(description="Items with a score (null scores are left out).")
    kendall_tau_b: Estimate = Field(description="Raw Kendall tau-b of fluency with the score.")
    spearman_rho: Estimate = Field(description="Raw Spearman rho of fluency with the score.")
    kendall_tau_b_within_length: Estimate = Field(
        description="Mean Kendall tau-b inside each fifth of the items by length in words: agreement that "
                    "'longer text has more errors' alone does not earn.")
    expected_sign: int = Field(description="-1 when a higher score is worse (MQM), +1 when it is better: the sign of "
                                           "agreement.")


class ReliabilityBin(ReportModel):
    low: float = Field(description="Likelihoods from `low` up to `high` (the last bin holds 1.0).")
    high: float
    documents: int
    weight: float = Field(description="The bin's share of the total weight.")
    mean_probability: float = Field(description="Weighted mean MT likelihood of the bin's documents.")
    mt_share: float = Field(description="Weighted share of MT among them: on the diagonal when calibrated.")


class Reliability(ReportModel):
    """MT likelihood read as a probability: in each bin, how much of the copy is MT."""

    weighting: str = Field(description="How documents are weighted: 'class-balanced' (human and MT weigh the same in "
                                       "total: the even prior odds the learned model is calibrated to).")
    documents: int = Field(description="Documents with a likelihood (those too short to judge are left out).")
    bins: list[ReliabilityBin]
    expected_calibration_error: float | None = Field(
        description="|mean likelihood - MT share| of the bins, weighted by their weight; null without documents.")


class DocumentLevel(ReportModel):
    auc: Estimate = Field(description="ROC AUC of MT likelihood, MT positive (Mann-Whitney, ties half).")
    auc_fluency: Estimate = Field(description="ROC AUC of -fluency, for comparison.")
    auc_score: Estimate | None = Field(default=None, description="ROC AUC of the human score itself (worse = MT), "
                                          "on the scored documents: how separable the classes are at all, for scale.")
    roc: list[RocPoint]
    roc_fluency: list[RocPoint] = Field(description="ROC of -fluency (thresholds are -fluency).")
    reliability: Reliability = Field(description="Calibration of the MT likelihood (the reliability diagram).")
    confusion: ConfusionMatrix
    verdicts: list[VerdictFigures]
    pairwise: PairwiseAccuracy | None = None
    correlation: Correlation | None = None
    points: list[ScorePoint] = Field(default_factory=list, description="Fluency and score of each scored document (the "
                                                                       "scatter plot).")


class SegmentLevel(ReportModel):
    path: str
    segments: int = Field(description="Segment records read.")
    matched: int = Field(description="Segments placed in a checked document and covered by its sentences.")
    without_document: int = Field(description="Segments whose key matches no document.")
    not_found: int = Field(description="Segments of a matched document not found in its text (or with no sentence).")
    documents_rechecked: int = Field(description="Documents whose text is not their segments: their joined segments "
                                                 "were checked instead.")
    method: str
    correlation: Correlation | None = None


class RuleFigures(ReportModel):
    rule: str
    weight: float = Field(description="The rule's weight in the rule weights' MT likelihood (`--model rules`; its "
                                      "declaration, `mtcheck rule ID`), log-odds. The shipped model fits its own to "
                                      "the rates of the rules it reads and adds these, scaled.")
    human_docs: int = Field(description="Human documents the rule fires in.")
    mt_docs: int
    human_hits: int = Field(description="Findings in human documents.")
    mt_hits: int
    human_rate: float | None
    mt_rate: float | None
    likelihood_ratio: float = Field(description="MT rate / human rate, each with add-half smoothing: (k + 0.5) / (n + "
                                                "1).")
    ratio_low: float = Field(description="95% interval of the ratio (Katz log method on the smoothed counts).")
    ratio_high: float
    evidence: str = Field(description="'not evidence' (ratio within the band); 'for MT' / 'against MT' (outside it, "
                                      "and "
                                      "its interval excludes 1); 'uncertain' (interval holds 1 and the ratio is "
                                      "outside the band, or "
                                      "the rule never fired in one class, so the smoothing sets the ratio); 'never "
                                      "fired'.")


class EvidenceRow(ReportModel):
    """How often a rule, or one reference-pair entry, fires in human and in MT text."""

    kind: str = Field(description="'rule' or 'entry' (a reference pair).")
    id: str = Field(description="The rule id, or the entry's file:line.")
    rule: str = Field(description="The rule (for an entry, the rule its category reports under).")
    phrase: str | None = Field(default=None, description="The entry's mt_phrase.")
    human_hits: int
    mt_hits: int
    human_docs: int = Field(description="Human documents with at least one hit.")
    mt_docs: int
    groups: int = Field(description="Distinct source stories (--group) with a hit in either class.")
    human_rate: float = Field(description="Hits per 1,000 words of human text.")
    mt_rate: float = Field(description="Hits per 1,000 words of MT text.")
    likelihood_ratio: float = Field(
        description="MT rate / human rate. When either count is 0, 0.5 is added to the human count and 0.5 x (MT "
                    "words / human words) to the MT count, so an MT-only entry is not pushed below 1 by a larger MT "
                    "corpus.")
    low: float | None = Field(description="95% bootstrap percentile interval of the ratio, resampling whole source "
                                          "stories (documents when there is no --group).")
    high: float | None


class EvidenceTable(ReportModel):
    """What `mtcheck pairs stats` prints: per rule and per reference-pair entry."""

    inputs: list[str]
    signature: str
    human_documents: int
    mt_documents: int
    human_words: int
    mt_words: int
    resamples: int
    seed: int
    grouped_by: str | None
    rows: list[EvidenceRow] = Field(description="Rules first, then entries; each by likelihood ratio, highest first.")


class RuleTable(ReportModel):
    band: tuple[float, float] = Field(description="Likelihood ratios within this band are 'not evidence'.")
    rules: list[RuleFigures] = Field(description="Sorted by likelihood ratio, highest first.")
    not_evidence: list[str] = Field(description="Rules whose ratio is within the band.")


class ThresholdChoice(ReportModel):
    verdict: str = Field(description="post_edited or machine.")
    rule: str = Field(description="How the threshold was chosen.")
    target_precision: float
    reached: bool
    threshold: float | None = Field(description="MT likelihood from which the verdict is given; null when not reached.")
    precision: float | None = Field(description="Precision for MT at the threshold (at the assumed MT share).")
    recall: float | None = Field(description="Share of MT documents at or above the threshold.")
    false_alarm_rate: float | None = Field(description="Share of human documents at or above the threshold.")
    best_precision: float | None = Field(default=None, description="The highest precision any threshold reaches, when "
                                                                   "the target is not reached.")


class Calibration(ReportModel):
    target_precision: float
    mt_share: float = Field(description="MT share assumed when computing precision (default: the data's own).")
    data_mt_share: float
    machine: ThresholdChoice
    post_edited: ThresholdChoice
    reached: bool = Field(description="Thresholds were written: the machine target is reached and above the MT share.")
    notes: list[str] = Field(default_factory=list)
    snippet: str = Field(description="The calibration.toml text.")


class EvalReport(ReportModel):
    """What `mtcheck eval` writes to eval.json."""

    inputs: Inputs
    signature: str = Field(description="The checker's signature: version, pairs, rules, weights.")
    verdict_thresholds: tuple[float, float] = Field(description="(post_edited, machine) thresholds the verdicts were "
                                                                "given with.")
    bootstrap: Bootstrap
    document: DocumentLevel
    segment: SegmentLevel | None = None
    rules: RuleTable
    evidence: list[EvidenceRow] = Field(default_factory=list, description="Per rule: hits per 1,000 words in human "
                                                                          "and MT text and their ratio.")
    calibration: Calibration | None = None
    errors: list[InputError] = Field(default_factory=list, description="Malformed records and unreadable inputs, as "
                                                                       "FILE:LINE.")
    seconds: dict[str, float] = Field(default_factory=dict, description="Wall time per stage.")
