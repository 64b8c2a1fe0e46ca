"""Fit the learned provenance model to labelled documents (`mtcheck train`; the `train`
extra: scikit-learn, scipy; `check` never imports this). Deterministic: the same documents
and settings give a byte-identical model file.

    docs = [TrainingDoc(text, is_mt, group, source, words, starts, ends, sentences, findings), ...]
    spec, figures = fit(docs, TrainSettings())
    write_model(spec, "model.json")

A document carries what the pipeline computes for it anyway: its words (lower-cased \\w+
runs and offsets), sentence spans and checker findings (rule id, sentence index).
``source`` names the set a document comes from (a wire, a language pair, a year): class
weights balance human and MT inside every source, so a set's own human:MT ratio is not
learned, and n-grams must occur in every mixed source (a pattern of one source's house
style is left out). A source with human documents only (English-original copy) gets
``human_only_weight`` of a source's human share and is the set the "human" threshold is
set on: at most ``max_nonhuman`` of it may be called post-edited or machine.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from mtcheck.core.model.features import Extractor, Features, Spans, tokenize
from mtcheck.core.model.model import FORMAT
from mtcheck.core.model.result import RuleWeights
from mtcheck.core.model.vocabulary import CLASSES, DENSE, DENSE_GROUP, DENSE_NAMES, GROUPS, ORDERS, code_to_ngram
from mtcheck.core.rules import RULES
from mtcheck.core.scores import EVIDENCE_FACTOR, WORDS_PER_UNIT
from mtcheck.evaluate import stats
from mtcheck.files import atomic_write_bytes
from mtcheck.models.evaluate import ReliabilityBin
from mtcheck.models.train import CrossValidated, LengthAuc, SourceFigures, VerdictShares

SEED = 20240601
SEVERITY_FACTOR = {severity.value: factor for severity, factor in EVIDENCE_FACTOR.items()}
DEFAULT_RULES = ("calque.phrase", "calque.style", "calque.term", "fragment.dangling-end", "fragment.echo",
                 "fragment.lowercase-start", "fragment.stray-capital", "marker.credit", "marker.date-suffix",
                 "marker.dateline", "marker.end", "marker.ordinal-date", "number.malformed", "repetition.coordinated",
                 "repetition.doubled-word", "repetition.opener", "repetition.phrase", "script.residue")


@dataclass(frozen=True)
class TrainSettings:
    C: float = 0.1  # L2 logistic regression, inverse regularisation
    ngram_weight: float = 0.05  # n-gram block scale (smaller = shrunk harder than the dense features)
    sentence_ngram_weight: float = 0.01
    min_df: float = 0.02  # share of the stories of every mixed source an n-gram must occur in
    max_ngrams: int = 6000
    groups: tuple[str, ...] = ("sentence_length", "clauses", "connectives", "lexical_variety", "repetition",
                               "punctuation", "translationese")  # document model
    sentence_groups: tuple[str, ...] = ("sentence_length", "clauses", "connectives", "lexical_variety", "repetition",
                                        "punctuation", "translationese", "pronouns")
    rules: tuple[str, ...] = DEFAULT_RULES
    aggregates: tuple[str, ...] = ("mean", "max", "top3")  # sentence-model scores fed to the document model
    # The checker's hand-set rule weights (`RuleWeights`) join the document score at this share
    # of the learned score's spread (0: left out). Chosen on the two training transfers
    # (zh->ja, ja->zh; docs/model.md): fitted rule weights learn one corpus's rates, the hand-set
    # ones carried across corpora better.
    rule_weight_share: float = 0.5
    human_only_weight: float = 2.0
    source_weights: tuple[tuple[str, float], ...] = ()  # (source, multiplier) of a source's total weight
    max_nonhuman: float = 0.05  # share of human-only-source documents allowed above the human threshold
    machine_probability: float = 0.8  # calibrated odds 4:1 for MT at even prior
    min_words: int | None = 60  # too short to tell below this; None = set from out-of-fold AUC by length bins
    min_words_auc: float = 0.75  # (None only) the length from which AUC reaches this in every longer bin
    min_words_candidates: tuple[int, ...] = (20, 30, 40, 60, 80, 100, 150)
    folds: int = 5
    clip: float = 5.0
    seed: int = SEED


@dataclass
class TrainingDoc:
    text: str
    is_mt: bool
    group: str  # story key: all versions of one story share it (splits never cut a story)
    source: str = "default"
    words: Sequence[str] | None = None  # computed with `tokenize` when absent
    starts: Sequence[int] | None = None
    ends: Sequence[int] | None = None
    sentences: Spans = ()
    findings: Sequence[tuple] = ()  # (rule id, sentence index, ...)


class TrainingError(ValueError):
    """The labelled data cannot train a model (one class only, too few stories)."""


# ---------------------------------------------------------------------------- matrices
@dataclass
class _Table:
    """Every document's features as matrices, sentences included."""
    feats: list[Features]
    y: np.ndarray
    sources: np.ndarray
    groups: np.ndarray
    X: np.ndarray  # documents x (dense + rules)
    SX: np.ndarray  # sentences x (dense + rules)
    sent_doc: np.ndarray
    sent_words: np.ndarray
    sent_off: np.ndarray
    codes: np.ndarray
    code_doc: np.ndarray
    code_srow: np.ndarray
    ntok: np.ndarray
    stok: np.ndarray
    doc_code_sets: list[np.ndarray]

    def ngrams(self, vocab: np.ndarray, sentences: bool = False) -> sp.csr_matrix:
        j = np.searchsorted(vocab, self.codes)
        j[j >= len(vocab)] = 0
        hit = vocab[j] == self.codes if len(vocab) else np.zeros(len(self.codes), dtype=bool)
        if sentences:
            r = self.code_srow[hit]
            return sp.csr_matrix((1.0 / self.stok[r], (r, j[hit])), shape=(len(self.stok), len(vocab)))
        r = self.code_doc[hit]
        return sp.csr_matrix((1.0 / self.ntok[r], (r, j[hit])), shape=(len(self.y), len(vocab)))


def rule_rates(counts: np.ndarray, words: np.ndarray) -> np.ndarray:
    return np.log1p(100.0 * counts / np.maximum(words, 1.0)[:, None])


def build_table(docs: Sequence[TrainingDoc], rules: Sequence[str]) -> _Table:
    ex = Extractor(rules=rules, orders=ORDERS, severity=SEVERITY_FACTOR)
    feats = []
    for d in docs:
        if d.words is not None and d.starts is not None and d.ends is not None:
            words, starts, ends = d.words, d.starts, d.ends
        else:
            words, starts, ends = tokenize(d.text)
        feats.append(ex.extract(d.text, words, starts, ends, d.sentences, d.findings, codes=True))
    return table_of(feats, [d.is_mt for d in docs], [d.source for d in docs], [d.group for d in docs])


def table_of(feats: list[Features], is_mt, sources, groups) -> _Table:
    """Matrices of extracted features (extract with ``codes=True``)."""
    if any(f.codes is None or f.code_sent is None for f in feats):
        raise ValueError("training features need n-gram codes: Extractor.extract(..., codes=True)")
    nw = np.array([f.n_words for f in feats], float)
    X = np.hstack([np.vstack([f.dense for f in feats]), rule_rates(np.vstack([f.rules for f in feats]), nw)])
    sw = np.concatenate([f.sent_words for f in feats])
    SX = np.hstack([np.vstack([f.sent_dense for f in feats]),
                    rule_rates(np.vstack([f.sent_rules for f in feats]), sw)])
    off = np.cumsum([0] + [len(f.sent_words) for f in feats])
    return _Table(
        feats=feats, y=np.array(is_mt, dtype=int), sources=np.array(sources), groups=np.array(groups), X=X, SX=SX,
        sent_doc=np.concatenate([np.full(len(f.sent_words), i) for i, f in enumerate(feats)]), sent_words=sw,
        sent_off=off, codes=np.concatenate([_codes(f) for f in feats]),
        code_doc=np.concatenate([np.full(len(_codes(f)), i) for i, f in enumerate(feats)]),
        code_srow=np.concatenate([_code_sent(f) + off[i] for i, f in enumerate(feats)]),
        ntok=np.array([max(f.n_tokens, 1) for f in feats], float),
        stok=np.maximum(np.concatenate([f.sent_tokens for f in feats]), 1.0),
        doc_code_sets=[np.unique(_codes(f)) for f in feats])


def _codes(f: Features) -> np.ndarray:
    assert f.codes is not None
    return f.codes


def _code_sent(f: Features) -> np.ndarray:
    assert f.code_sent is not None
    return f.code_sent


# ---------------------------------------------------------------------------- fitting
def sample_weights(sources: np.ndarray, y: np.ndarray, human_only_weight: float,
                   source_weights: Sequence[tuple[str, float]] = ()) -> np.ndarray:
    """Inside each source human and MT get equal total weight; a human-only source gets
    human_only_weight x one source's human total; source_weights scale a source. Mean weight 1."""
    w = np.zeros(len(y))
    scale = dict(source_weights)
    for src in np.unique(sources):
        in_src = sources == src
        mixed = len(np.unique(y[in_src])) == 2
        for cls in (0, 1):
            m = in_src & (y == cls)
            if m.any():
                w[m] = scale.get(str(src), 1.0) * (0.5 if mixed else human_only_weight * 0.5) / m.sum()
    return w * len(y) / w.sum()


def select_vocab(t: _Table, rows: np.ndarray, s: TrainSettings) -> np.ndarray:
    """N-grams present in at least min_df of the stories of every mixed source."""
    rows = np.asarray(rows)
    srcs = [src for src in np.unique(t.sources[rows]) if len(np.unique(t.y[rows][t.sources[rows] == src])) == 2]
    srcs = srcs or list(np.unique(t.sources[rows]))
    cand: set | None = None
    support: dict[int, float] = defaultdict(float)
    for src in srcs:
        stories: dict[str, set] = defaultdict(set)
        for i in rows[t.sources[rows] == src]:
            stories[t.groups[i]].update(t.doc_code_sets[i].tolist())
        count: dict[int, int] = defaultdict(int)
        for codes in stories.values():
            for c in codes:
                count[c] += 1
        need = max(s.min_df * len(stories), 2 if len(stories) >= 10 else 1)
        ok = {c for c, n in count.items() if n >= need}
        for c in ok:
            support[c] += count[c] / len(stories)
        cand = ok if cand is None else cand & ok
    ranked = sorted(cand or (), key=lambda c: (-support[c], c))[: s.max_ngrams]
    return np.array(sorted(ranked), dtype=np.int64)


@dataclass
class _Fit:
    mu: np.ndarray
    sd: np.ndarray
    mask: np.ndarray
    scale: np.ndarray
    ngram_weight: float
    clip: float
    coef: np.ndarray = field(default_factory=lambda: np.zeros(0))
    intercept: float = 0.0
    ng_mean: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def design(self, X: np.ndarray, N: sp.csr_matrix | None) -> sp.csr_matrix:
        Z = np.clip((X - self.mu) / self.sd, -self.clip, self.clip) * self.mask
        parts = [sp.csr_matrix(Z)]
        if N is not None and N.shape[1]:
            parts.append(N @ sp.diags(self.ngram_weight / self.scale))
        return sp.hstack(parts).tocsr()

    def logit(self, X: np.ndarray, N: sp.csr_matrix | None) -> np.ndarray:
        return self.design(X, N) @ self.coef + self.intercept


def fit_linear(X, N, y, w, mask, C: float, ngram_weight: float, clip: float) -> _Fit:
    mu = np.average(X, axis=0, weights=w)
    sd = np.sqrt(np.average((X - mu) ** 2, axis=0, weights=w))
    sd[sd < 1e-9] = 1.0
    if N is not None and N.shape[1]:
        m0 = np.asarray((sp.diags(w) @ N).sum(axis=0)).ravel() / w.sum()
        m1 = np.asarray(N.multiply(sp.diags(w) @ N).sum(axis=0)).ravel() / w.sum()
        scale = np.sqrt(np.maximum(m1 - m0 ** 2, 0.0)) + 1e-4
    else:
        m0, scale = np.zeros(0), np.ones(0)
    f = _Fit(mu, sd, mask, scale, ngram_weight, clip)
    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=5000, tol=1e-7)
    clf.fit(f.design(X, N), y, sample_weight=w)
    f.coef, f.intercept = clf.coef_[0].copy(), float(clf.intercept_[0])
    f.coef[: len(mask)] *= mask
    f.ng_mean = m0 / scale * ngram_weight if len(scale) else m0
    return f


def platt(scores: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Platt scaling, class-balanced: probabilities at even prior odds."""
    w = w.copy()
    for c in (0, 1):
        w[y == c] *= 0.5 / w[y == c].sum()
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000, tol=1e-10)
    lr.fit(np.asarray(scores).reshape(-1, 1), y, sample_weight=w * len(y))
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _context(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict:
    w = w.copy()
    for c in (0, 1):
        w[y == c] *= 0.5 / w[y == c].sum()
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000, tol=1e-10)
    lr.fit(X, y, sample_weight=w * len(y))
    return {"w_sentence": _g(lr.coef_[0, 0]), "w_document": _g(lr.coef_[0, 1]), "bias": _g(lr.intercept_[0])}


def grouped_folds(groups: Sequence[str], k: int, seed: int) -> np.ndarray:
    uniq = sorted(set(groups))
    perm = np.random.RandomState(seed).permutation(len(uniq))
    fold_of = {uniq[i]: r % k for r, i in enumerate(perm)}
    return np.array([fold_of[g] for g in groups])


def dense_mask(groups: Sequence[str], n_rules: int) -> np.ndarray:
    return np.concatenate([[float(g in groups) for g in DENSE_GROUP], np.ones(n_rules)])


def auc(y, s) -> float:
    return stats.roc_auc(s, np.asarray(y) == 1)


# ---------------------------------------------------------------------------- the model
class _Trainer:
    def __init__(self, t: _Table, s: TrainSettings):
        self.t, self.s = t, s
        self.w = sample_weights(t.sources, t.y, s.human_only_weight, s.source_weights)
        self.mask = dense_mask(s.groups, len(s.rules))
        self.sentence_mask = dense_mask(s.sentence_groups, len(s.rules))

    def sentence_fit(self, rows: np.ndarray, vocab: np.ndarray) -> _Fit:
        t, s = self.t, self.s
        srows = np.flatnonzero(np.isin(t.sent_doc, rows) & (t.sent_words > 0))
        y = t.y[t.sent_doc[srows]]
        w = sample_weights(t.sources[t.sent_doc[srows]], y, s.human_only_weight, s.source_weights)
        N = t.ngrams(vocab, sentences=True)[srows]
        return fit_linear(t.SX[srows], N, y, w, self.sentence_mask, s.C, s.sentence_ngram_weight, s.clip)

    def sentence_logits(self, f: _Fit, vocab: np.ndarray, docs: np.ndarray) -> np.ndarray:
        t = self.t
        srows = np.flatnonzero(np.isin(t.sent_doc, docs))
        out = np.full(len(t.sent_words), np.nan)
        out[srows] = f.logit(t.SX[srows], t.ngrams(vocab, sentences=True)[srows])
        return out

    def aggregates(self, slog: np.ndarray) -> np.ndarray:
        t, kinds = self.t, self.s.aggregates
        A = np.zeros((len(t.y), len(kinds)))
        for i in range(len(t.y)):
            a, b = t.sent_off[i], t.sent_off[i + 1]
            v = slog[a:b][t.sent_words[a:b] > 0]
            if len(v):
                v = np.sort(v)[::-1]
                vals = {"mean": v.mean(), "max": v[0], "top3": v[:3].mean()}
                A[i] = [vals[k] for k in kinds]
        return A

    def doc_fit(self, rows: np.ndarray, agg: np.ndarray, vocab: np.ndarray) -> _Fit:
        t, s = self.t, self.s
        X = np.hstack([t.X, agg])
        mask = np.concatenate([self.mask, np.ones(agg.shape[1])])
        N = t.ngrams(vocab)[rows]
        return fit_linear(X[rows], N, t.y[rows], self.w[rows], mask, s.C, s.ngram_weight, s.clip)

    def doc_logits(self, f: _Fit, agg: np.ndarray, vocab: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return f.logit(np.hstack([self.t.X, agg])[rows], self.t.ngrams(vocab)[rows])


def fit(docs: Sequence[TrainingDoc], settings: TrainSettings | None = None, *, table: _Table | None = None,
          log: Callable[[str], object] | None = None) -> tuple[dict, CrossValidated]:
    """Fit the document and sentence models, calibrate, set thresholds; return the model
    spec (write it with `write_model`) and its cross-validated figures.

    Cross-validation: `settings.folds` folds grouped by story. Sentence-model scores that
    feed the document model are out-of-fold (stacking); calibration and thresholds use
    out-of-fold document scores."""
    s = settings or TrainSettings()
    say = log or (lambda *_: None)
    t0 = time.time()
    t = table if table is not None else build_table(docs, s.rules)
    if len(np.unique(t.y)) < 2:
        raise TrainingError("the labelled documents must include both human and machine-translated copy")
    n_groups = len(set(t.groups.tolist()))
    k = min(s.folds, n_groups)
    if k < 2:
        raise TrainingError("at least two stories (groups) are needed for cross-validation")
    tr = _Trainer(t, s)
    folds = grouped_folds(list(t.groups), k, s.seed)
    all_rows = np.arange(len(t.y))
    say(f"{len(t.y)} documents, {n_groups} stories, {k} folds; features in {time.time() - t0:.1f}s")

    # sentence model: out-of-fold sentence logits, then the final fit
    s_oof = np.full(len(t.sent_words), np.nan)
    for f in range(k):
        tr_rows, te_rows = all_rows[folds != f], all_rows[folds == f]
        if len(np.unique(t.y[tr_rows])) < 2:
            continue
        vocab = select_vocab(t, tr_rows, s)
        sf = tr.sentence_fit(tr_rows, vocab)
        v = tr.sentence_logits(sf, vocab, te_rows)
        s_oof[~np.isnan(v)] = v[~np.isnan(v)]
    s_oof = np.nan_to_num(s_oof)
    agg = tr.aggregates(s_oof) if s.aggregates else np.zeros((len(t.y), 0))

    # document model: out-of-fold logits
    oof = np.zeros(len(t.y))
    for f in range(k):
        tr_rows, te_rows = all_rows[folds != f], all_rows[folds == f]
        if len(np.unique(t.y[tr_rows])) < 2:
            continue
        vocab = select_vocab(t, tr_rows, s)
        df = tr.doc_fit(tr_rows, agg, vocab)
        oof[te_rows] = tr.doc_logits(df, agg, vocab, te_rows)
    rule_weights = _rule_weights(t, s, oof)
    if rule_weights is not None:
        oof = oof + _rule_weight_sums(t, rule_weights)
    pa, pb = platt(oof, t.y, tr.w)
    p_oof = 1.0 / (1.0 + np.exp(-(pa * oof + pb)))
    srows = np.flatnonzero(t.sent_words > 0)
    spa, spb = platt(s_oof[srows], t.y[t.sent_doc[srows]],
                     sample_weights(t.sources[t.sent_doc[srows]], t.y[t.sent_doc[srows]], s.human_only_weight,
                                    s.source_weights))
    # a sentence's probability in its document: sentence log-odds and document log-odds
    # (both out-of-fold), class-balanced logistic regression
    ctx = _context(np.column_stack([spa * s_oof[srows] + spb, pa * oof[t.sent_doc[srows]] + pb]),
                   t.y[t.sent_doc[srows]], sample_weights(t.sources[t.sent_doc[srows]], t.y[t.sent_doc[srows]],
                                                          s.human_only_weight, s.source_weights))
    say(f"cross-validated in {time.time() - t0:.1f}s")

    # too short to tell, thresholds
    min_words, length_auc = _min_words(t, oof, s)
    if s.min_words is not None:
        min_words = s.min_words
    nw = np.array([f.n_words for f in t.feats])
    human_only = np.array([len(np.unique(t.y[t.sources == src])) == 1 for src in t.sources])
    ref = (t.y == 0) & (human_only if human_only.any() else True) & (nw >= min_words)
    t_h = human_threshold(p_oof[ref], s.max_nonhuman)
    t_m = float(max(s.machine_probability, t_h + 0.1))

    # final fits on everything
    vocab = select_vocab(t, all_rows, s)
    sf = tr.sentence_fit(all_rows, vocab)
    df = tr.doc_fit(all_rows, agg, vocab)
    spec = _spec(s, vocab, df, sf, (pa, pb), (spa, spb), min_words, (t_h, t_m))
    spec["sentence_context"] = ctx
    if rule_weights is not None:
        spec["rule_weights"] = {"weights": dict(zip(s.rules, rule_weights.weights)), "severity": rule_weights.severity,
                                "words_per_unit": rule_weights.words_per_unit, "scale": _g(rule_weights.scale)}
    figures = _figures(t, s, oof, p_oof, s_oof, folds, min_words, length_auc, (t_h, t_m), human_only)
    say(f"trained in {time.time() - t0:.1f}s")
    return spec, figures


def _rule_weights(t: _Table, s: TrainSettings, oof: np.ndarray) -> RuleWeights | None:
    """The rule weights' part of the document score, scaled to `rule_weight_share` of the
    spread of the learned out-of-fold scores (None when off, or no training document has a
    finding of the model's rules)."""
    if not s.rule_weight_share or not s.rules:
        return None
    unit = RuleWeights(tuple(RULES[r].weight if r in RULES else 0.0 for r in s.rules), SEVERITY_FACTOR,
                       float(WORDS_PER_UNIT), 1.0)
    spread = float(np.std(_rule_weight_sums(t, unit)))
    if not spread > 0:
        return None
    return replace(unit, scale=_g(s.rule_weight_share * float(np.std(oof)) / spread))


def _rule_weight_sums(t: _Table, rule_weights: RuleWeights) -> np.ndarray:
    """Each document's rule-weight log-odds, as the scorers add them."""
    return np.array([sum(rule_weights.terms(f.rule_mass, f.n_words)) for f in t.feats])


def _min_words(t: _Table, oof: np.ndarray, s: TrainSettings) -> tuple[int, dict]:
    """Smallest length from which out-of-fold AUC (within mixed sources) holds min_words_auc,
    for that length bin and every longer one."""
    nw = np.array([f.n_words for f in t.feats])
    cands = s.min_words_candidates
    res = {}
    for lo, hi in zip(cands, (*cands[1:], 10 ** 9)):
        aucs = []
        for src in np.unique(t.sources):
            m = (t.sources == src) & (nw >= lo) & (nw < hi)
            if m.sum() >= 30 and len(np.unique(t.y[m])) == 2:
                aucs.append(auc(t.y[m], oof[m]))
        res[lo] = float(np.mean(aucs)) if aucs else float("nan")
    ok = [lo for lo in cands if all(not (res[c] < s.min_words_auc) for c in cands if c >= lo)]
    return (ok[0] if ok else cands[-1]), res


def _g(x: float) -> float:
    return float(f"{float(x):.7g}")


def _linear_spec(f: _Fit, pl: tuple[float, float], n_agg: int, aggregates: Sequence[str]) -> dict:
    nx = len(f.mu)
    wx = f.coef[:nx]
    wn = f.coef[nx:]
    eff = wn * f.ngram_weight / f.scale if len(wn) else wn
    return {"bias": _g(f.intercept), "mu": [_g(v) for v in f.mu], "sd": [_g(v) for v in f.sd],
            "w": [_g(v) for v in wx], "clip": f.clip, "ngram_w": [_g(v) for v in eff],
            "ngram_offset": _g(float(wn @ f.ng_mean)) if len(wn) else 0.0, "platt": [_g(pl[0]), _g(pl[1])],
            "aggregates": list(aggregates)[:n_agg]}


def _spec(s, vocab, df, sf, pl, spl, min_words, thresholds) -> dict:
    return {
        "format": FORMAT,
        "classes": list(CLASSES),
        "dense": list(DENSE_NAMES),
        "feature_words": {n: w for n, _, w in DENSE},
        "groups": {g: {"title": a, "mt": b, "human": c} for g, (a, b, c) in GROUPS.items()},
        "rules": list(s.rules),
        "orders": list(ORDERS),
        "ngrams": [code_to_ngram(int(c)) for c in vocab],
        "document": _linear_spec(df, pl, len(s.aggregates), s.aggregates),
        "sentence": _linear_spec(sf, spl, 0, ()),
        "min_words": int(min_words),
        "thresholds": [thresholds[0], thresholds[1]],
        "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(s).items()},
    }


def _figures(t: _Table, s: TrainSettings, oof: np.ndarray, p_oof: np.ndarray, s_oof: np.ndarray, folds: np.ndarray,
             min_words: int, length_auc: dict[int, float], thr: tuple[float, float],
             human_only: np.ndarray) -> CrossValidated:
    """The out-of-fold figures of one training: per source, the threshold rule, by length, reliability."""
    nw = np.array([f.n_words for f in t.feats])
    judged = nw >= min_words
    sentence_rows = np.flatnonzero(t.sent_words > 0)

    def shares(m: np.ndarray) -> VerdictShares | None:
        if not m.any():
            return None
        return VerdictShares(human=_g(np.mean(p_oof[m] < thr[0])),
                             post_edited=_g(np.mean((p_oof[m] >= thr[0]) & (p_oof[m] < thr[1]))),
                             machine=_g(np.mean(p_oof[m] >= thr[1])))

    sources = []
    for src in np.unique(t.sources):
        m = t.sources == src
        mixed = len(np.unique(t.y[m])) == 2
        in_src = sentence_rows[m[t.sent_doc[sentence_rows]]]
        sources.append(SourceFigures(
            source=str(src), human=int((m & (t.y == 0)).sum()), mt=int((m & (t.y == 1)).sum()),
            auc=_figure(auc(t.y[m], oof[m])) if mixed else None,
            sentence_auc=_figure(auc(t.y[t.sent_doc[in_src]], s_oof[in_src])) if mixed else None,
            auc_against_all_mt=None if mixed else _figure(auc(t.y[m | (t.y == 1)], oof[m | (t.y == 1)])),
            nonhuman_rate=None if mixed else _g(np.mean(p_oof[m & judged] >= thr[0])) if (m & judged).any() else None,
            human_verdicts=shares(m & (t.y == 0) & judged), mt_verdicts=shares(m & (t.y == 1) & judged)))
    # The human threshold's rule itself cross-validated: each fold's human-only documents judged
    # by a threshold set on the other folds' (an honest estimate of the non-human rate).
    reference = np.flatnonzero(human_only & (t.y == 0) & judged)
    nonhuman = None
    if len(reference) >= 10:
        hits = 0
        for f in np.unique(folds[reference]):
            inner, outer = reference[folds[reference] != f], reference[folds[reference] == f]
            hits += int(np.sum(p_oof[outer] >= human_threshold(p_oof[inner], s.max_nonhuman)))
        nonhuman = _g(hits / len(reference))
    # Reliability at the calibration's even prior: each source's classes balanced, as trained.
    w = sample_weights(t.sources, t.y, s.human_only_weight, s.source_weights)
    for c in (0, 1):
        w[t.y == c] *= 0.5 / w[t.y == c].sum()
    rows = stats.reliability(p_oof, t.y == 1, w)
    return CrossValidated(
        folds=int(folds.max()) + 1, sources=sources, nonhuman_rate_cross_validated=nonhuman,
        auc_by_length=[LengthAuc(min_words=k, auc=_figure(v)) for k, v in sorted(length_auc.items())],
        reliability=[ReliabilityBin(low=r.low, high=r.high, documents=r.documents, weight=_g(r.weight),
                                    mean_probability=_g(r.mean_probability), mt_share=_g(r.positive_share))
                     for r in rows])


def _figure(x: float) -> float | None:
    return _g(x) if math.isfinite(x) else None


HUMAN_THRESHOLD_GRID = tuple(round(0.5 + k / 100, 2) for k in range(49))  # 0.50 ... 0.98


def human_threshold(p_human: np.ndarray, max_nonhuman: float) -> float:
    """The lowest threshold on the grid above which at most `max_nonhuman` of the human-only
    documents fall (0.5 without any)."""
    if not len(p_human):
        return 0.5
    return float(next((g for g in HUMAN_THRESHOLD_GRID if np.mean(p_human >= g) <= max_nonhuman),
                      HUMAN_THRESHOLD_GRID[-1]))


def model_bytes(spec: dict) -> bytes:
    """The model file's bytes: sorted keys, compact, ASCII, so the same spec is always the
    same file (and the same digest)."""
    return (json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")


def write_model(spec: dict, path: str | Path) -> str:
    """Write the model file atomically; returns its sha256."""
    data = model_bytes(spec)
    atomic_write_bytes(path, data)
    return hashlib.sha256(data).hexdigest()
