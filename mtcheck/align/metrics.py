"""sacrebleu's BLEU, chrF and TER, built once and reused for every sentence group.

The draft is the hypothesis and the reference the reference, as in MT evaluation.
Sentence BLEU uses effective order (short sentences are not zeroed by missing 4-grams);
corpus scores run over every aligned group, an added or dropped sentence counting
against an empty counterpart, so a version that loses half the story cannot score well.

Each group's match statistics are extracted once and used twice, for its sentence score
and summed for the corpus score, through sacrebleu's statistics interface
(`_extract_corpus_statistics` / `_aggregate_and_compute`, stable across 2.x and pinned
in pyproject): TER's shift search is the costliest step, and this halves it. Each distinct
pair is measured once, and a pair with nothing to find is not searched: a sentence kept as
it was has its n-gram counts from its length, and TER has no edits to look for where its
tokeniser makes the two sides the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

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
        # A sacrebleu signature records the number of references, which a metric learns on its
        # first evaluation; sentence BLEU is only ever used through its statistics, and the
        # others are not asked about pairs whose statistics need no asking (`_bleu_statistics`).
        for metric in (self._sentence_bleu, self._corpus_bleu, self._chrf, self._ter):
            metric._extract_corpus_statistics(["a"], [["a"]])

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
            bleu += self._bleu_statistics(some, refs[0])
            chrf += self._chrf_statistics(some, refs[0])
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

    def _bleu_statistics(self, drafts: Sequence[str], references: Sequence[str]) -> list[list[int]]:
        """BLEU's statistics of each pair: [hypothesis length, reference length, matches of each
        order, n-grams of each order], as `_extract_corpus_statistics` gives them."""
        bleu = self._corpus_bleu

        def unchanged(text: str) -> list[int]:
            length = len(bleu._preprocess_segment(text).split())
            ngrams = [max(0, length - n + 1) for n in range(1, bleu.max_ngram_order + 1)]
            return [length, length, *ngrams, *ngrams]

        return _statistics(bleu, drafts, references, unchanged)

    def _chrf_statistics(self, drafts: Sequence[str], references: Sequence[str]) -> list[list[int]]:
        """chrF's statistics of each pair: [hypothesis, reference, matched] n-grams of each
        character order (then word order), as `_extract_corpus_statistics` gives them."""
        chrf = self._chrf

        def unchanged(text: str) -> list[int]:
            text = chrf._preprocess_segment(text)
            characters = len(text if chrf.whitespace else "".join(text.split()))
            counts = [max(0, characters - n + 1) for n in range(1, chrf.char_order + 1)]
            if chrf.word_order > 0:
                words = len(chrf._remove_punctuation(text))
                counts += [max(0, words - n + 1) for n in range(1, chrf.word_order + 1)]
            return [c for count in counts for c in (count, count, count)]

        return _statistics(chrf, drafts, references, unchanged)

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


def _statistics(metric: Metric, drafts: Sequence[str], references: Sequence[str],
                unchanged: Callable[[str], list[int]]) -> list[list[int]]:
    """A metric's statistics of each pair, sacrebleu's own, except for a pair whose two sides
    are the same text: each of its n-grams matches itself once, so `unchanged` counts them from
    its length without sacrebleu counting and comparing two copies (the tests hold the two equal)."""
    changed = [k for k, (d, r) in enumerate(zip(drafts, references)) if d != r]
    measured = iter(metric._extract_corpus_statistics([drafts[k] for k in changed],
                                                      [[references[k] for k in changed]]) if changed else [])
    return [next(measured) if d != r else unchanged(d) for d, r in zip(drafts, references)]
