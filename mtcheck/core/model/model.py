"""The learned provenance model at inference: read the model file, score a document and
its sentences, explain the score in editor words.

Numpy and the standard library only; the file is read on first use (`default_model`),
so start-up pays nothing. Trained by `mtcheck train` (mtcheck/evaluate/train.py, fit.py).

    model = default_model()                       # or ProvenanceModel.load(path)
    result = model.score(text, words, starts, ends, sentences, findings)
    result.probability, result.verdict, result.sentence_probability
    result.explanation                            # editor lines, strongest first

Everything is a linear model: the document log-odds is a bias plus one contribution per
feature, plus the checker's hand-set rule weights' terms where the file has them
(`RuleWeights`, joined to their rules' contributions), so the evidence shown to an editor is
the model itself, summed per group.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mtcheck.core.model import features
from mtcheck.core.model.features import (
    DENSE_NAMES,
    Extractor,
    Features,
    NgramIndex,
    run_bounds,
    sentence_blocks,
)
from mtcheck.core.model.result import (  # (and for callers that read them here)
    FORMAT,
    TOO_SHORT,
    VERDICTS,
    Explainer,
    Finding,
    ModelFileError,
    Result,
    RuleWeights,
    check_spec,
    document_result,
)
from mtcheck.core.model.vocabulary import ngram_to_code

__all__ = ["FORMAT", "TOO_SHORT", "VERDICTS", "ModelFileError", "ProvenanceModel", "Result", "default_model"]


@dataclass(frozen=True)
class Linear:
    """logit = bias + Σ w·clip((x − mu) / sd) over dense, rule and aggregate features
    + Σ weight[ngram] · count / tokens (n-gram weights already divided by their scale)."""
    bias: float
    mu: np.ndarray
    sd: np.ndarray
    w: np.ndarray
    clip: float
    ngram_w: np.ndarray  # aligned with the model's sorted n-gram codes
    ngram_offset: float  # Σ w·mean of the n-gram block (subtracted: contributions are vs. an average text)
    platt: tuple[float, float]

    @classmethod
    def from_spec(cls, d: dict, order: np.ndarray) -> Linear:
        return cls(bias=float(d["bias"]), mu=np.array(d["mu"], float), sd=np.array(d["sd"], float),
                   w=np.array(d["w"], float), clip=float(d.get("clip", 5.0)),
                   ngram_w=np.array(d["ngram_w"], float)[order] if d.get("ngram_w") else np.zeros(len(order)),
                   ngram_offset=float(d.get("ngram_offset", 0.0)), platt=(float(d["platt"][0]), float(d["platt"][1])))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """w·clip(z) per feature (rows: documents or sentences)."""
        return self.w * np.clip((x - self.mu) / self.sd, -self.clip, self.clip)


class ProvenanceModel:
    """A trained model read from its JSON file (format ``mtcheck-provenance-model/2``)."""

    def __init__(self, spec: dict):
        check_spec(spec)
        self.spec = spec
        self.rules = tuple(spec["rules"])
        codes = np.array([ngram_to_code(g) for g in spec["ngrams"]], dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.index = NgramIndex(self.codes.tolist())
        self.doc = Linear.from_spec(spec["document"], order)
        self.sent = Linear.from_spec(spec["sentence"], order)
        self.aggregates = tuple(spec["document"].get("aggregates", ()))
        self.min_words = int(spec["min_words"])
        self.thresholds = (float(spec["thresholds"][0]), float(spec["thresholds"][1]))
        self.context = spec.get("sentence_context")
        self.rule_weights = RuleWeights.from_spec(spec)
        self.extractor = Extractor(rules=self.rules, orders=spec["orders"], index=self.index,
                                   severity=self.rule_weights.severity if self.rule_weights else None)
        # n-gram weights with a leading 0 for "not in the vocabulary"
        self._doc_ngram_w = np.concatenate(([0.0], self.doc.ngram_w))
        self._sent_ngram_w = np.concatenate(([0.0], self.sent.ngram_w))
        k = len(DENSE_NAMES) + len(self.rules)
        self._sent_mu, self._sent_sd, self._sent_w = self.sent.mu[:k], self.sent.sd[:k], self.sent.w[:k]
        self.explainer = Explainer(spec)
        self._groups = self.explainer.groups
        self._group_index = np.array([self._groups.index(g) for g in self.explainer.group_of])

    @classmethod
    def load(cls, path: str | Path) -> ProvenanceModel:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ModelFileError(f"{path}: cannot read the model file: {exc}") from exc
        return cls.from_bytes(data, str(path))

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> ProvenanceModel:
        """The model a file's bytes hold (`name` says which file in an error)."""
        try:
            spec = json.loads(data)
        except ValueError as exc:
            raise ModelFileError(f"{name}: not a model file (not JSON: {exc})") from exc
        try:
            return cls(spec)
        except ModelFileError as exc:
            raise ModelFileError(f"{name}: {exc}") from exc
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ModelFileError(f"{name}: malformed model file ({exc!r})") from exc

    # ------------------------------------------------------------------ scoring
    def score(self, text: str, words: Sequence[str], starts: Sequence[int], ends: Sequence[int],
              sentences: features.Spans, findings: Iterable[Finding] = (), *,
              prior_log_odds: float = 0.0, explain: bool = True) -> Result:
        """Score one document.

        ``words``/``starts``/``ends``: its lower-cased \\w+ words and offsets (the
        pipeline's `Tokens.lower/.starts/.ends`); ``sentences``: (start, end) spans;
        ``findings``: (rule id, sentence index[, start, end]) of every checker finding,
        suppressed ones included (with start/end the evidence quotes the finding);
        ``prior_log_odds``: log(P(MT) / P(human)) of the copy a desk expects; 0 is the
        calibration's even odds."""
        findings = list(findings)
        f = self.extractor.extract(text, words, starts, ends, sentences, findings)
        return self.score_features(f, text, findings, prior_log_odds=prior_log_odds, explain=explain)

    def score_features(self, f: Features, text: str = "", findings: Sequence[Finding] = (), *,
                       prior_log_odds: float = 0.0, explain: bool = True) -> Result:
        ngrams = _Ngrams(self.index, f.seq)
        s_logit, _ = self._sentence_logits(f, ngrams)
        spa, spb = self.sent.platt
        x = np.concatenate([f.dense, _rule_rates(f.rules, f.n_words), self._aggregate(s_logit, f.sent_words)])
        contrib = self.doc.contributions(x)
        ngram_part = self._ngram_score(self.doc, f, ngrams)
        rule_terms = self._rule_terms(f)
        raw = self.doc.bias + float(contrib.sum()) + ngram_part + sum(rule_terms)
        pa, pb = self.doc.platt
        log_odds = pa * raw + pb + prior_log_odds
        by_group = np.bincount(self._group_index, weights=contrib, minlength=len(self._groups)).tolist()
        scaled, groups, rules = self.explainer.parts(pa, contrib.tolist(), by_group, rule_terms)
        groups["function_ngrams"] = pa * ngram_part
        explainer = (lambda: self.explainer.explain(x.tolist(), scaled, groups,
                                                    self._ngram_shares(self.doc, f, ngrams),
                                                    text, findings)) if explain else None
        # a sentence's probability given its own words and its document's (even prior)
        ctx = self.context
        s_lo = spa * s_logit + spb
        if ctx:
            s_lo = ctx["w_sentence"] * s_lo + ctx["w_document"] * (log_odds - prior_log_odds) + ctx["bias"]
        sp = np.round(_sigmoid(s_lo + prior_log_odds), 4).tolist()  # (plain.py rounds as numpy does)
        return document_result(log_odds, f.n_words, self.min_words, self.thresholds, groups, sp, rules, explainer)

    def document_logit(self, f: Features) -> float:
        """Calibrated document log-odds at even prior odds (no explanation), for evaluation."""
        ngrams = _Ngrams(self.index, f.seq)
        s_logit, _ = self._sentence_logits(f, ngrams)
        x = np.concatenate([f.dense, _rule_rates(f.rules, f.n_words), self._aggregate(s_logit, f.sent_words)])
        raw = (self.doc.bias + float(self.doc.contributions(x).sum()) + self._ngram_score(self.doc, f, ngrams)
               + sum(self._rule_terms(f)))
        return self.doc.platt[0] * raw + self.doc.platt[1]

    def _rule_terms(self, f: Features) -> list[float]:
        """The hand-set rule weights' terms (`RuleWeights`), none when the file has none."""
        return self.rule_weights.terms(f.rule_mass, f.n_words) if self.rule_weights else []

    def sentence_logits(self, f: Features) -> np.ndarray:
        """Calibrated per-sentence log-odds."""
        s_logit, _ = self._sentence_logits(f, _Ngrams(self.index, f.seq))
        return self.sent.platt[0] * s_logit + self.sent.platt[1]

    # ------------------------------------------------------------------ parts
    def _ngram_score(self, lin: Linear, f: Features, ngrams: _Ngrams) -> float:
        """N-gram part of the document log-odds."""
        if not ngrams.size:
            return -lin.ngram_offset
        return _weight_sum(self._doc_ngram_w, ngrams, 0, ngrams.size) / max(f.n_tokens, 1) - lin.ngram_offset

    def _ngram_shares(self, lin: Linear, f: Features, ngrams: _Ngrams) -> tuple[list[int], list[float]] | None:
        """For explanations: the codes of the known n-grams seen that the explanation may quote
        (in vocabulary order), and each one's share of the n-gram part (None without any)."""
        if not ngrams.size:
            return None
        counts = np.zeros(len(self._doc_ngram_w), dtype=np.int64)
        step = features.BLOCK
        for start in range(0, ngrams.size, step):
            counts += np.bincount(ngrams(start, min(start + step, ngrams.size)), minlength=len(counts))
        u = np.flatnonzero(counts[1:])  # the vocabulary positions seen, ascending
        shares = lin.ngram_w[u] * counts[u + 1] / max(f.n_tokens, 1)
        # Only the three furthest each way can be quoted (`result._furthest`, whose stable order
        # this keeps): the explainer then ranks six n-grams in Python, not hundreds.
        up, down = np.flatnonzero(shares > 0), np.flatnonzero(~(shares > 0))
        quotable = np.sort(np.concatenate((up[np.argsort(-shares[up], kind="stable")[:3]],
                                           down[np.argsort(shares[down], kind="stable")[:3]])))
        return self.codes[u[quotable]].tolist(), shares[quotable].tolist()

    def _sentence_logits(self, f: Features, ngrams: _Ngrams) -> tuple[np.ndarray, np.ndarray]:
        ns = len(f.sent_words)
        # [sent_dense | rule rates] per sentence, standardised and weighted a block of rows at a
        # time (a document of 500,000 sentences would need 200 MB for the whole matrix). A row's
        # terms are added left to right (`_row_sums`), not by einsum or z @ w, whose order (and
        # fused multiply-adds) depend on the processor: so a row's sum is the same to the last
        # bit whichever block holds it, on any machine, and the same as plain.py's.
        nd = len(features.DENSE_NAMES)
        base = np.empty(ns)
        step = features.ROWS_AT_ONCE
        for r0 in range(0, ns, step):
            r1 = min(r0 + step, ns)
            z = np.empty((r1 - r0, nd + f.sent_rules.shape[1]))
            z[:, :nd] = f.dense_rows(r0, r1)
            z[:, nd:] = _rule_rates(f.sent_rules[r0:r1], f.sent_words[r0:r1])
            z -= self._sent_mu
            z /= self._sent_sd
            np.clip(z, -self.sent.clip, self.sent.clip, out=z)
            z *= self._sent_w
            base[r0:r1] = _row_sums(z)
        base += self.sent.bias - self.sent.ngram_offset
        if not ngrams.size:
            return base, np.zeros(ns)
        ng = _sentence_sums(self._sent_ngram_w, ngrams, f.sent_tokens) / np.maximum(f.sent_tokens, 1.0)
        return base + ng, ng

    def _aggregate(self, s_logit: np.ndarray, sent_words: np.ndarray) -> np.ndarray:
        if not self.aggregates:
            return np.zeros(0)
        v = s_logit[sent_words > 0]
        if not len(v):
            return np.zeros(len(self.aggregates))
        v = np.sort(v)[::-1]  # raw sentence logits, as in training
        out = {"mean": v.mean(), "max": v[0], "top3": v[:3].mean()}
        return np.array([out[a] for a in self.aggregates])

class _Ngrams:
    """One document's n-grams as `NgramIndex.known` lays them out (the vocabulary index + 1 of
    every unigram, then bigram, then trigram of its stream): a short document's looked up
    once, a long one's a range at a time (looked up whole, a 10 MB text's take some 50 MB)."""

    def __init__(self, index: NgramIndex, seq: np.ndarray):
        self.index, self.seq, self.size = index, seq, index.size(seq)
        self.whole = index.known(seq, 0, self.size) if self.size <= features.BLOCK else None

    def __call__(self, start: int, stop: int) -> np.ndarray:
        """Items start..stop."""
        return self.whole[start:stop] if self.whole is not None else self.index.known(self.seq, start, stop)


def _weight_sum(weights: np.ndarray, ngrams: _Ngrams, start: int, stop: int) -> float:
    """float(weights[n-grams start..stop].sum()), to the last bit, without building the array of
    a long document's millions: numpy sums a float array pairwise (halves cut at a multiple of
    8, down to blocks of 128), so the halves are cut here the same way until they are small
    enough to build (numpy itself sums up to 128 at once)."""
    n = stop - start
    if n <= max(features.BLOCK, 128):
        return float(weights[ngrams(start, stop)].sum())
    half = n // 2
    half -= half % 8
    return _weight_sum(weights, ngrams, start, start + half) + _weight_sum(weights, ngrams, start + half, stop)


def _sentence_sums(weights: np.ndarray, ngrams: _Ngrams, sent_tokens: np.ndarray) -> np.ndarray:
    """Per sentence, the sum of the weights of its n-grams (those starting in it; sentence s
    takes sent_tokens[s] + 2 positions of the stream): to the last bit what one bincount over
    every n-gram gives (each sentence's unigrams, then its bigrams, then its trigrams, in
    order), taken a block of whole sentences at a time."""
    L, ns = len(ngrams.seq), len(sent_tokens)
    framed = sent_tokens.astype(np.int64) + 2
    if ngrams.whole is not None:  # a news story: one bincount over its n-grams, laid end to end
        label = np.repeat(np.arange(ns), framed)
        return np.bincount(np.concatenate((label, label[:-1], label[:-2])), weights=weights[ngrams.whole],
                           minlength=ns)
    bounds = run_bounds(framed)
    out = np.empty(ns)
    for s0, s1 in sentence_blocks(bounds):
        p0, p1 = int(bounds[s0]), int(bounds[s1])
        label = np.repeat(np.arange(s1 - s0), framed[s0:s1])
        parts = ((0, p1), (L, min(p1, L - 1)), (2 * L - 1, min(p1, L - 2)))  # (where an order starts, its end)
        w = np.concatenate([weights[ngrams(at + p0, at + end)] for at, end in parts])
        sentence = np.concatenate([label[:end - p0] for _, end in parts])
        out[s0:s1] = np.bincount(sentence, weights=w, minlength=s1 - s0)
    return out


def _row_sums(m: np.ndarray) -> np.ndarray:
    """Each row's sum, its terms added left to right (a running sum is added in order)."""
    return np.cumsum(m, axis=1)[:, -1] if m.shape[1] else np.zeros(len(m))


# The transcendental functions are the C library's (`math`), not numpy's: numpy's own SIMD
# exp and log1p differ from it in the last bit for a few percent of arguments, and plain.py,
# which scores short documents without numpy, must give the same figures to the last bit.

def _rule_rates(counts: np.ndarray, words) -> np.ndarray:
    """Findings per 100 words, log-damped (document: vector; sentences: matrix)."""
    if counts.ndim == 1:
        return _log1p(100.0 * counts / max(float(words), 1.0))
    return _log1p(100.0 * counts / np.maximum(words, 1.0)[:, None])


def _log1p(a: np.ndarray) -> np.ndarray:
    """log1p of each item (of finding rates: nearly all 0, whose log1p is 0)."""
    out = np.zeros(a.shape)
    at = np.nonzero(a)
    out[at] = [math.log1p(v) for v in a[at].tolist()]
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.array([1.0 / (1.0 + math.exp(-v)) for v in np.clip(x, -40.0, 40.0).tolist()])


@lru_cache(maxsize=1)
def default_model() -> ProvenanceModel:
    """The shipped model, read on first use."""
    from mtcheck.core.model.scorer import SHIPPED

    return ProvenanceModel.load(SHIPPED)
