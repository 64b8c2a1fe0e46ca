"""`mtcheck eval`: how far to trust the checker on labelled copy, and thresholds calibrated on it."""

from mtcheck.evaluate.labelled import LabelSpec
from mtcheck.evaluate.run import EvalOptions, evaluate
from mtcheck.models.evaluate import EvalReport

__all__ = ["EvalOptions", "EvalReport", "LabelSpec", "evaluate"]
