"""sacrebleu's BLEU, chrF and TER, built once and reused for every sentence group.

The draft is the hypothesis and the reference the reference, as in MT evaluation.
Sentence BLEU uses effective order (short sentences are not zeroed by missing 4-grams);
corpus scores run over every aligned group, an added or dropped sentence counting
against an empty counterpart, so a version that loses half the story cannot score well.

Each group's match statistics are extracted once and used twice, for its sentence score
and summed for the corpus score; sacrebleu computes the scores from them
(`_aggregate_and_compute`, its statistics interface, stable across 2.x and pinned in
pyproject). Each distinct pair is measured once. sacrebleu counts and compares every n-gram
of both sides in Python, which for two long versions took seconds: BLEU's and chrF's counts
are taken here from the runs the two sides share (`_matches`, exactly sacrebleu's numbers, as
the tests check), and TER's shift search, the costliest step, is not run where its tokeniser
makes the two sides the same words (there are no edits to find).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel
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
        # A sacrebleu signature records the number of references, which a metric learns on its
        # first evaluation: the statistics of the pairs are not gathered through it.
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
        # (bylines, boilerplate, a restated quote).
        distinct: dict[tuple[str, str], int] = {}
        which = [distinct.setdefault(pair, len(distinct)) for pair in zip(drafts, references)]
        pairs = list(distinct)
        bleu: list = []
        chrf: list = []
        ter: list = []
        # A few hundred groups at a time: where sacrebleu gathers statistics itself (chrF++) it
        # prepares every reference of a call at once, which for 1 MB versions took hundreds of MB.
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
        """BLEU's statistics of each pair, as its `_extract_corpus_statistics` gives them:
        [hypothesis length, reference length, matches of each order, n-grams of each order]."""
        bleu = self._corpus_bleu
        orders = range(1, bleu.max_ngram_order + 1)
        stats = []
        for draft, reference in zip(drafts, references):
            hypothesis = tuple(bleu._preprocess_segment(draft).split())
            words = tuple(bleu._preprocess_segment(reference).split())
            stats.append([len(hypothesis), len(words), *_matches(hypothesis, words, orders),
                          *(max(0, len(hypothesis) - n + 1) for n in orders)])
        return stats

    def _chrf_statistics(self, drafts: Sequence[str], references: Sequence[str]) -> list[list[int]]:
        """chrF's statistics of each pair, as its `_extract_corpus_statistics` gives them:
        [hypothesis, reference, matched] character n-grams of each order."""
        chrf = self._chrf
        if chrf.word_order > 0:  # chrF++: word n-grams too, left to sacrebleu
            return chrf._extract_corpus_statistics(drafts, [references])
        orders = range(1, chrf.char_order + 1)
        stats = []
        for draft, reference in zip(drafts, references):
            hypothesis, characters = chrf._preprocess_segment(draft), chrf._preprocess_segment(reference)
            if not chrf.whitespace:
                hypothesis, characters = "".join(hypothesis.split()), "".join(characters.split())
            row = []
            for n, matched in zip(orders, _matches(hypothesis, characters, orders)):
                in_reference = max(0, len(characters) - n + 1)
                # sacrebleu counts no hypothesis n-grams of an order the reference has none of
                row += [max(0, len(hypothesis) - n + 1) if in_reference else 0, in_reference, matched]
            stats.append(row)
        return stats

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


def _matches(hypothesis: Sequence[Hashable], reference: Sequence[Hashable], orders: range) -> list[int]:
    """For each order n, the n-grams of `hypothesis` matched in `reference` (each n-gram counted
    at most as often as it occurs in both), as BLEU and chrF count them.

    rapidfuzz finds the runs the two have in common (their longest common subsequence, in C).
    An n-gram inside a common run is matched by its copy in the other's run, so those are
    counted from the runs' lengths; only the n-grams that cross an edit are compared one by one.
    (Matches of a multiset split as common + rest are the common part plus the rest's matches.)
    sacrebleu compares every n-gram of both sides in Python; a pair that differs by a few
    words or letters, as versions of a sentence do, has few n-grams across an edit.
    """
    runs = [(run.a, run.b, run.size) for run in Indel.opcodes(hypothesis, reference).as_matching_blocks() if run.size]
    out = []
    for n in orders:
        inside = sum(size - n + 1 for _, _, size in runs if size >= n)
        rest = Counter(hypothesis[i:i + n] for i in _outside([(a, size) for a, _, size in runs], len(hypothesis), n))
        theirs = Counter(reference[i:i + n] for i in _outside([(b, size) for _, b, size in runs], len(reference), n))
        out.append(inside + sum(min(count, theirs[gram]) for gram, count in rest.items() if gram in theirs))
    return out


def _outside(runs: list[tuple[int, int]], length: int, n: int) -> Iterator[int]:
    """Where the n-grams of a sequence of `length` start that are not wholly inside one of the
    (start, size) runs, which are in order and apart."""
    at = 0
    for start, size in runs:
        if size >= n:
            yield from range(at, start)
            at = start + size - n + 1
    yield from range(at, length - n + 1)
