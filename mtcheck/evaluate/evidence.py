"""Evidence per rule and per reference-pair entry: hits per 1,000 words in human and MT text.

    table = evidence_rows(checked, is_mt, groups, entries)

A rule or entry earns its weight when it fires more often in MT than in human translation
of the same stories, in every year and source it is measured on. The ratio of the two rates
gets a bootstrap interval that resamples whole source stories (every version of a story
stays together), so twenty MT systems hitting one story's topic word count as one story.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from mtcheck.core.pairs import PairEntry
from mtcheck.core.rules import RULES
from mtcheck.evaluate.checking import Checked
from mtcheck.models.evaluate import EvidenceRow

_RULE_OF_CATEGORY = {"calque": "calque.phrase", "term": "calque.term", "style": "calque.style"}


def evidence_rows(checked: Sequence[Checked], is_mt: Sequence[bool], groups: Sequence[str] | None,
                  entries: Mapping[str, PairEntry] | None = None, resamples: int = 1000,
                  seed: int = 0) -> list[EvidenceRow]:
    """One row per rule (every registered rule) and, with `entries` (file:line -> entry), per
    entry that fired at least once; rules first, each part by ratio, highest first."""
    keys: list[tuple[str, str]] = [("rule", rule_id) for rule_id in RULES]
    if entries is not None:
        fired = sorted({p for c in checked for p in c.pairs})
        keys += [("entry", location) for location in fired]
    index = {key: k for k, key in enumerate(keys)}
    counts = np.zeros((len(checked), len(keys)), dtype=np.int64)
    for d, c in enumerate(checked):
        for rule_id, n in c.rules.items():
            if ("rule", rule_id) in index:
                counts[d, index[("rule", rule_id)]] = n
        for location, n in c.pairs.items():
            if ("entry", location) in index:
                counts[d, index[("entry", location)]] = n
    mt = np.asarray(is_mt, dtype=bool)
    words = np.array([c.words for c in checked], dtype=np.float64)
    story = np.unique(np.asarray(groups if groups is not None else range(len(checked)), dtype=object).astype(str),
                      return_inverse=True)[1].ravel()
    ratio, low, high = _ratios(counts, mt, words, story, resamples, seed)
    human_words, mt_words = words[~mt].sum(), words[mt].sum()
    rows = []
    for (kind, ident), k in index.items():
        column = counts[:, k]
        entry = entries.get(ident) if entries is not None and kind == "entry" else None
        hit = column > 0
        rows.append(EvidenceRow(
            kind=kind, id=ident,
            rule=ident if kind == "rule" else _RULE_OF_CATEGORY.get(entry.category, "calque.phrase") if entry else "",
            phrase=entry.mt_phrase if entry else None,
            human_hits=int(column[~mt].sum()), mt_hits=int(column[mt].sum()),
            human_docs=int(hit[~mt].sum()), mt_docs=int(hit[mt].sum()), groups=len(np.unique(story[hit])),
            human_rate=_per_thousand(column[~mt].sum(), human_words), mt_rate=_per_thousand(column[mt].sum(), mt_words),
            likelihood_ratio=round(float(ratio[k]), 4),
            low=None if np.isnan(low[k]) else round(float(low[k]), 4),
            high=None if np.isnan(high[k]) else round(float(high[k]), 4)))
    rows.sort(key=lambda r: (r.kind != "rule", -r.likelihood_ratio, r.id))
    return rows


def _per_thousand(hits: float, words: float) -> float:
    return round(1000.0 * float(hits) / words, 4) if words else 0.0


def _smoothed_ratio(human_hits: np.ndarray, mt_hits: np.ndarray, human_words: np.ndarray,
                    mt_words: np.ndarray) -> np.ndarray:
    """MT rate / human rate; where a count is 0, half an occurrence per human-corpus-sized slice
    of each class is added, so the ratio is finite and not skewed by the classes' sizes."""
    with np.errstate(divide="ignore", invalid="ignore"):
        zero = (human_hits == 0) | (mt_hits == 0)
        scale = np.where(human_words > 0, mt_words / np.maximum(human_words, 1), 1.0)
        h = human_hits + np.where(zero, 0.5, 0.0)
        m = mt_hits + np.where(zero, 0.5 * scale, 0.0)
        return (m / np.maximum(mt_words, 1)) / (h / np.maximum(human_words, 1))


def _ratios(counts: np.ndarray, mt: np.ndarray, words: np.ndarray, story: np.ndarray, resamples: int,
            seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_stories = int(story.max()) + 1 if len(story) else 0
    # Hits and words per story and class: a resample draws stories, so it is a weighted sum of these.
    by_story = np.zeros((2, n_stories, counts.shape[1]))
    words_by_story = np.zeros((2, n_stories))
    for cls in (0, 1):
        rows = mt == bool(cls)
        np.add.at(by_story[cls], story[rows], counts[rows])
        np.add.at(words_by_story[cls], story[rows], words[rows])
    point = _smoothed_ratio(by_story[0].sum(0), by_story[1].sum(0), words_by_story[0].sum(), words_by_story[1].sum())
    if resamples <= 0 or n_stories == 0:
        nan = np.full(counts.shape[1], np.nan)
        return point, nan, nan
    rng = np.random.default_rng(seed)
    samples = np.empty((resamples, counts.shape[1]))
    for r in range(resamples):
        weight = np.bincount(rng.integers(0, n_stories, n_stories), minlength=n_stories).astype(np.float64)
        samples[r] = _smoothed_ratio(weight @ by_story[0], weight @ by_story[1], weight @ words_by_story[0],
                                     weight @ words_by_story[1])
    low, high = np.nanquantile(samples, [0.025, 0.975], axis=0)
    return point, low, high
