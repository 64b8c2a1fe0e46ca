"""sacrebleu's BLEU, chrF and TER, built once and reused for every sentence group.

The draft is the hypothesis and the reference the reference, as in MT evaluation.
Sentence BLEU uses effective order (short sentences are not zeroed by missing 4-grams);
corpus scores run over every aligned group, an added or dropped sentence counting
against an empty counterpart, so a version that loses half the story cannot score well.

Each group's match statistics are extracted once and used twice, for its sentence score
and summed for the corpus score, through sacrebleu's statistics interface
(`_extract_corpus_statistics` / `_aggregate_and_compute`, stable across 2.x and pinned
in pyproject): TER's shift search is the costliest step, and this halves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.metrics import BLEU, CHRF, TER

_GROUPS_AT_ONCE = 500


@dataclass(frozen=True)
class Scores:
    bleu: float
    chrf: float
    ter: float


class Metrics:
    def __init__(self) -> None:
        self._sentence_bleu = BLEU(effective_order=True)
        self._corpus_bleu = BLEU()
        self._chrf = CHRF()
        self._ter = TER()
        # A sacrebleu signature records the number of references, which a metric learns on
        # its first evaluation; sentence BLEU is otherwise only ever used through its stats.
        self._sentence_bleu.sentence_score("a", ["a"])

    def signatures(self) -> dict[str, str]:
        return {
            "bleu": str(self._corpus_bleu.get_signature()),
            "sentence_bleu": str(self._sentence_bleu.get_signature()),
            "chrf": str(self._chrf.get_signature()),
            "ter": str(self._ter.get_signature()),
        }

    def score(self, drafts: Sequence[str], references: Sequence[str]) -> tuple[list[Scores | None], Scores]:
        """Sentence scores of each (draft, reference) group — None where a side is empty —
        and the corpus scores over all of them."""
        bleu: list = []
        chrf: list = []
        ter: list = []
        # A few hundred groups at a time: sacrebleu prepares every reference of a call at once
        # (n-gram tables), which for two 1 MB versions took hundreds of megabytes.
        for at in range(0, len(drafts), _GROUPS_AT_ONCE):
            some, refs = drafts[at:at + _GROUPS_AT_ONCE], [list(references[at:at + _GROUPS_AT_ONCE])]
            bleu += self._corpus_bleu._extract_corpus_statistics(some, refs)
            chrf += self._chrf._extract_corpus_statistics(some, refs)
            ter += self._ter._extract_corpus_statistics(some, refs)
        sentences: list[Scores | None] = []
        for k, (d, r) in enumerate(zip(drafts, references)):
            if not d or not r:
                sentences.append(None)
                continue
            sentences.append(Scores(
                bleu=round(self._sentence_bleu._aggregate_and_compute([bleu[k]]).score, 2),
                chrf=round(self._chrf._aggregate_and_compute([chrf[k]]).score, 2),
                ter=round(self._ter._aggregate_and_compute([ter[k]]).score, 2),
            ))
        corpus = Scores(
            bleu=round(self._corpus_bleu._aggregate_and_compute(bleu).score, 2),
            chrf=round(self._chrf._aggregate_and_compute(chrf).score, 2),
            ter=round(self._ter._aggregate_and_compute(ter).score, 2),
        )
        return sentences, corpus

    def sentence(self, draft: str, reference: str) -> Scores:
        """Scores of one pair, exactly as sacrebleu's public sentence_score gives them."""
        refs = [reference]
        return Scores(
            bleu=round(self._sentence_bleu.sentence_score(draft, refs).score, 2),
            chrf=round(self._chrf.sentence_score(draft, refs).score, 2),
            ter=round(self._ter.sentence_score(draft, refs).score, 2),
        )
