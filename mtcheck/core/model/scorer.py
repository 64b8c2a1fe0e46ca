"""The learned provenance model as the pipeline's scorer: likelihood, verdict, evidence and
per-sentence MT probability of one analysed document.

Fluency stays the rule penalties' (core.scores.fluency): a fluency head fitted on MQM ratings
ranked sentences no better than they do (Kendall tau-b 0.083 against 0.084), and MQM
ratings exist only in the development set, so it could not be checked on held-out news.

The model file is read on first use, not when the checker is built (a run that never
checks a document pays nothing); its digest, read at build time, is in every signature.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mtcheck.core.scores import (
    EvidenceItem,
    RuleScorer,
    Scores,
    fluency,
)
from mtcheck.models.enums import Verdict

if TYPE_CHECKING:
    import numpy as np

    from mtcheck.core.analysis import Analysis
    from mtcheck.core.model.model import ProvenanceModel
    from mtcheck.core.model.plain import PlainModel
    from mtcheck.core.model.result import Result

    # (text, words, starts, ends, sentence spans, findings): ProvenanceModel.score's arguments
    ModelFinding = tuple[str, int, int, int, str]  # rule id, sentence index, start, end, severity
    ModelInputs = tuple[str, Sequence[str], Sequence[int], Sequence[int], np.ndarray, list[ModelFinding]]

SHIPPED = Path(__file__).with_name("shipped") / "model.json"  # built by the command in docs/model.md
MODEL_FILE = "model.json"  # what `mtcheck train --out DIR` writes, beside MODEL_CARD.md
_MIN_CONTRIBUTION = 0.05  # log-odds: smaller parts are not worth an editor's line
# Words a process scores in plain Python before it loads numpy instead: what importing numpy
# and reading the model into it cost (45 ms of CPU) at the plain model's extra cost per word
# (2.2 us), measured over whole runs (`check` of 20 stories, 15,000 words: 0.229 s in plain
# Python, 0.241 s with numpy; of 40, 30,000 words: 0.364 s and 0.343 s). A run on a few
# stories never imports numpy; a batch pays for it once, from its first document when it says
# how much it will read (`expect`).
PLAIN_WORDS = 20_000
BYTES_PER_WORD = 6  # of English news copy, with its spaces and punctuation: to expect words from file sizes


def training_report_path(model_file: Path) -> Path:
    """Where a model's training report lies: beside it, `<name>.training.json`."""
    return model_file.with_name(model_file.stem + ".training.json")


class ModelError(ValueError):
    """A --model path (or config `model`) that holds no usable model file: one line."""


def model_path(location: str | Path) -> Path:
    """The model file a --model value names: the file itself, or a folder `mtcheck train` wrote."""
    path = Path(location)
    candidate = path / MODEL_FILE if path.is_dir() else path
    if not candidate.is_file():
        raise ModelError(f"{location}: no model file here (train one with `mtcheck train ... --out DIR`)")
    return candidate


def model_inputs(analysis: Analysis) -> ModelInputs:
    """What the model reads of an analysed document: the text, its words (lower-cased, with
    offsets), sentence spans and findings (rule id, sentence index, start, end, severity). Training
    (`mtcheck train`) reads the same, so a model never meets inputs made another way."""
    doc, tokens = analysis.document, analysis.tokens
    return doc.text, tokens.lower, tokens.starts, tokens.ends, doc.sentences.spans(), _findings(analysis)


def _findings(analysis: Analysis) -> list[ModelFinding]:
    doc = analysis.document
    sentence_of = [doc.sentence_at(f.start) for f in analysis.findings] if doc.sentences else []
    return [(f.rule.id, k, f.start, f.end, f.severity.value) for f, k in zip(analysis.findings, sentence_of)]


class LearnedScorer:
    def __init__(self, location: str | Path | None = None):
        self.path = SHIPPED if location is None else model_path(location)
        self.name = "learned" if location is None else str(location)
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise ModelError(f"{self.path}: cannot read the model file ({exc.strerror or exc})") from None
        self.digest = hashlib.sha256(data).hexdigest()[:12]
        self._model: ProvenanceModel | None = None
        self._plain: PlainModel | None = None
        self._plain_words = 0  # words scored by the plain model (see `_read`)
        if location is not None:
            # A model given by the user is read now, so a damaged one is a one-line error before
            # any document is checked; the shipped one waits for the first check (start-up).
            from mtcheck.core.model.model import ModelFileError, ProvenanceModel

            try:
                self._model = ProvenanceModel.from_bytes(data, str(self.path))
            except ModelFileError as exc:
                raise ModelError(str(exc)) from None

    def expect(self, words: int) -> None:
        """The run will score about `words` words in all: beyond what the plain model is worth
        (`PLAIN_WORDS`), numpy is loaded for the first document instead of after the budget
        has been spent in plain Python (which then costs both)."""
        if words > PLAIN_WORDS:
            self._plain_words = PLAIN_WORDS

    @property
    def model(self) -> ProvenanceModel:
        if self._model is None:
            from mtcheck.core.model.model import default_model

            self._model = default_model()
        return self._model

    @property
    def plain_model(self) -> PlainModel:
        """The shipped model for short documents, without numpy (`mtcheck.core.model.plain`)."""
        if self._plain is None:
            from mtcheck.core.model.plain import PlainModel

            self._plain = PlainModel(json.loads(SHIPPED.read_bytes()))
        return self._plain

    @property
    def thresholds(self) -> tuple[float, float]:
        return self._model.thresholds if self._model is not None else self.plain_model.thresholds

    def score(self, analysis: Analysis, thresholds: tuple[float, float] | None) -> Scores:
        result = self._read(analysis)
        # A document too short to judge gets no sentence probabilities either: the per-sentence
        # figures are the document's score shared out, and there is none.
        sentences = tuple(result.sentence_probability) if result.probability is not None else ()
        probability, verdict = result.probability, self._verdict(result, thresholds)
        evidence = self._evidence(result, analysis)
        del result  # (its explanation holds the document's features: freed before fluency is made)
        return Scores(probability, verdict, evidence, fluency(analysis.document, analysis.findings), sentences)

    def _read(self, analysis: Analysis) -> Result:
        """The shipped model's reading of a document: a short one's in plain Python while numpy
        is not loaded (the same figures to the last bit), until the plain model has read about
        as many words as loading numpy costs; every other in the numpy model."""
        from mtcheck.core.model import plain

        words = len(analysis.tokens)
        if (self._model is None and self.path == SHIPPED and plain.fits(words, len(analysis.text))
                and self._plain_words + words <= PLAIN_WORDS and "numpy" not in sys.modules):
            self._plain_words += words
            sentences = analysis.document.sentences
            return self.plain_model.score(analysis.document.text, analysis.tokens.lower, analysis.tokens.starts,
                                          analysis.tokens.ends, list(zip(sentences.starts, sentences.ends)),
                                          _findings(analysis))
        return self.model.score(*model_inputs(analysis))

    def _verdict(self, result: Result, thresholds: tuple[float, float] | None) -> Verdict:
        if result.probability is None:
            return Verdict.too_short
        post_edited, machine = thresholds or self.thresholds
        if result.probability >= machine:
            return Verdict.machine
        return Verdict.post_edited if result.probability >= post_edited else Verdict.human

    def _evidence(self, result: Result, analysis: Analysis) -> tuple[EvidenceItem, ...]:
        """Each rule's findings that moved the score, quoted; then each group of style features,
        in the model's own words where it explains them."""
        from mtcheck.core.model.result import RULE_WORDS

        text = analysis.document.text  # quoted as read: a hard-wrapped phrase on one line
        by_rule: dict[str, list[str]] = defaultdict(list)
        for f in analysis.findings:
            by_rule[f.rule.id].append(text[f.start:f.end].strip())
        items = []
        for rule_id, value in result.rules.items():
            if abs(value) >= _MIN_CONTRIBUTION and by_rule.get(rule_id):
                quoted = list(dict.fromkeys(q for q in by_rule[rule_id] if q and len(q) <= 60))[:3]
                what = RULE_WORDS.get(rule_id.partition(".")[0], rule_id)
                shown = ", ".join(f"'{q}'" for q in quoted) if quoted else ""
                items.append(EvidenceItem("rule", rule_id, f"{what} {shown}".strip(), round(value, 3),
                                          len(by_rule[rule_id])))
        # Too short to judge: style measured on a few sentences says nothing, but the artefacts
        # themselves are still worth the editor's eye.
        if result.probability is not None:
            items += self._style_evidence(result)
        items.sort(key=lambda i: (-abs(i.contribution), i.feature))
        return tuple(items)

    @staticmethod
    def _style_evidence(result: Result) -> list[EvidenceItem]:
        """Each group of style features that moved the score, in the model's own words where it
        explains them."""
        from mtcheck.core.model.vocabulary import GROUPS

        items = []
        explained = {e.group: e for e in result.explanation}
        for group, value in result.groups.items():
            if group == "rules" or abs(value) < _MIN_CONTRIBUTION:
                continue
            if group in explained:
                e = explained[group]
                items.append(EvidenceItem("style", group, f"{e.title}: {e.detail}", round(value, 3)))
            else:
                title, towards_mt, towards_human = GROUPS.get(group, (group, "", ""))
                items.append(EvidenceItem("style", group, f"{title}: {towards_mt if value > 0 else towards_human}",
                                          round(value, 3)))
        return items


def scorer_for(model: str | None) -> LearnedScorer | RuleScorer:
    """The scorer a `model` option names: None the shipped model, "rules" the rule weights
    alone, anything else a model file or a folder `mtcheck train` wrote."""
    return RuleScorer() if model == "rules" else LearnedScorer(model)


def shipped_model_rules() -> frozenset[str]:
    """The rules whose findings the shipped model reads (the list in its file): the others are
    typography, or did not help the model across corpora, and reach the likelihood only through
    `--model rules`."""
    return frozenset(json.loads(SHIPPED.read_bytes())["rules"])
