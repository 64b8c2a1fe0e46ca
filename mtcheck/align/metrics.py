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
        self._ter.sentence_score("a", ["a"])  # TER's statistics are gathered pair by pair (_ter_statistics)

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
        # Each distinct pair is measured once: versions of a story repeat whole sentences
        # (bylines, boilerplate, a restated quote), and sacrebleu measures a pair in Python.
        distinct: dict[tuple[str, str], int] = {}
        which = [distinct.setdefault(pair, len(distinct)) for pair in zip(drafts, references)]
        pairs = list(distinct)
        bleu: list = []
        chrf: list = []
        ter: list = []
        # A few hundred groups at a time: sacrebleu prepares every reference of a call at once
        # (n-gram tables), which for two 1 MB versions took hundreds of megabytes.
        for at in range(0, len(pairs), _GROUPS_AT_ONCE):
            some = [d for d, _ in pairs[at:at + _GROUPS_AT_ONCE]]
            refs = [[r for _, r in pairs[at:at + _GROUPS_AT_ONCE]]]
            bleu += self._corpus_bleu._extract_corpus_statistics(some, refs)
            chrf += self._chrf._extract_corpus_statistics(some, refs)
            ter += self._ter_statistics(some, refs[0])
        sentences: list[Scores | None] = []
        by_pair: dict[int, Scores] = {}
        for (d, r), k in zip(zip(drafts, references), which):
            if not d or not r:
                sentences.append(None)
                continue
            if k not in by_pair:
                by_pair[k] = Scores(
                    bleu=round(self._sentence_bleu._aggregate_and_compute([bleu[k]]).score, 2),
                    chrf=round(self._chrf._aggregate_and_compute([chrf[k]]).score, 2),
                    ter=round(self._ter._aggregate_and_compute([ter[k]]).score, 2),
                )
            sentences.append(by_pair[k])
        corpus = Scores(
            bleu=round(self._corpus_bleu._aggregate_and_compute([bleu[k] for k in which]).score, 2),
            chrf=round(self._chrf._aggregate_and_compute([chrf[k] for k in which]).score, 2),
            ter=round(self._ter._aggregate_and_compute([ter[k] for k in which]).score, 2),
        )
        return sentences, corpus

    def _ter_statistics(self, drafts: Sequence[str], references: Sequence[str]) -> list[list[float]]:
        """TER's statistics of each pair, as `_extract_corpus_statistics` gives them, except that
        a pair whose words are the same once TER has tokenised them (by default ignoring case)
        is not searched for shifts: it has no edits. sacrebleu's shift search enumerates every
        common word run even then, and was most of the time `align` took on long versions."""
        stats: list[list[float]] = []
        for draft, reference in zip(drafts, references):
            hypothesis = self._ter._preprocess_segment(draft)
            reference_info = self._ter._extract_reference_info([self._ter._preprocess_segment(reference)])
            words = reference_info["ref_words"][0]
            if hypothesis.split() == words:
                stats.append([0, float(len(words))])
            else:
                stats.append(self._ter._compute_segment_statistics(hypothesis, reference_info))
        return stats

    def sentence(self, draft: str, reference: str) -> Scores:
        """Scores of one pair, exactly as sacrebleu's public sentence_score gives them."""
        refs = [reference]
        return Scores(
            bleu=round(self._sentence_bleu.sentence_score(draft, refs).score, 2),
            chrf=round(self._chrf.sentence_score(draft, refs).score, 2),
            ter=round(self._ter.sentence_score(draft, refs).score, 2),
        )
