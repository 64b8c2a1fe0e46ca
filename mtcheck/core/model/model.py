"""The learned provenance model at inference: read the model file, score a document and
its sentences, explain the score in editor words.

Numpy and the standard library only; the file is read on first use (`default_model`),
so start-up pays nothing. Trained by `mtcheck train` (mtcheck/evaluate/train.py, fit.py).

    model = default_model()                       # or ProvenanceModel.load(path)
    result = model.score(text, words, starts, ends, sentences, findings)
    result.probability, result.verdict, result.sentence_probability
    result.explanation                            # editor lines, strongest first

Everything is a linear model: the document log-odds is a bias plus one contribution per
feature, so the evidence shown to an editor is the model itself, summed per group.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from mtcheck.core.model import features
from mtcheck.core.model.features import (
    CLASSES,
    DENSE_GROUP,
    DENSE_NAMES,
    GROUPS,
    Extractor,
    Features,
    Finding,
    NgramIndex,
    code_to_ngram,
    ngram_to_code,
    run_bounds,
    sentence_blocks,
)

FORMAT = "mtcheck-provenance-model/2"
TOO_SHORT = "too short to tell"
VERDICTS = ("human", "post-edited", "machine")

# One phrase per rule family for the evidence line; the finding's own text is quoted after it.
RULE_WORDS = {
    "calque": "calque", "repetition": "repetition", "fragment": "broken sentence", "marker": "wire-copy marker",
    "script": "untranslated text", "number": "malformed number",
}


class ModelFileError(ValueError):
    """The model file is missing, unreadable or of another format."""


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


@dataclass
class Result:
    """The model's reading of one document."""
    probability: float | None  # calibrated P(machine translation); None when too short to tell
    log_odds: float | None
    verdict: str  # human | post-edited | machine | too short to tell
    words: int
    groups: dict[str, float]  # log-odds contribution per feature group (vs. an average training text)
    sentence_probability: list[float] = field(default_factory=list)  # P(MT) of each sentence in its document
    rules: dict[str, float] = field(default_factory=dict)  # log-odds contribution of each rule's findings
    _explainer: Callable[[], list[Explained]] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def explanation(self) -> list[Explained]:
        """The groups that move the score most, strongest first, in editor words (built on
        first access: a batch run that never shows them does not pay for them)."""
        return self._explainer() if self._explainer is not None else []


@dataclass(frozen=True)
class Explained:
    """One feature group's part in the score, in words: "Clause structure: few relative
    clauses for its length" pointing to machine translation by +0.4 log-odds."""

    group: str
    title: str
    detail: str
    log_odds: float

    @property
    def line(self) -> str:
        side = "points to machine translation" if self.log_odds > 0 else "points to human writing"
        return f"{self.title}: {self.detail} - {side} ({self.log_odds:+.2f} log-odds)"


class ProvenanceModel:
    """A trained model read from its JSON file (format ``mtcheck-provenance-model/2``)."""

    def __init__(self, spec: dict):
        if spec.get("format") != FORMAT:
            raise ModelFileError(f"not a {FORMAT} file (format {spec.get('format')!r})")
        if spec.get("classes") != list(CLASSES) or spec.get("dense") != list(DENSE_NAMES):
            raise ModelFileError("the model file was trained with another feature set; retrain it")
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
        self.extractor = Extractor(rules=self.rules, orders=spec["orders"], index=self.index)
        # n-gram weights with a leading 0 for "not in the vocabulary"
        self._doc_ngram_w = np.concatenate(([0.0], self.doc.ngram_w))
        self._sent_ngram_w = np.concatenate(([0.0], self.sent.ngram_w))
        k = len(DENSE_NAMES) + len(self.rules)
        self._sent_mu, self._sent_sd, self._sent_w = self.sent.mu[:k], self.sent.sd[:k], self.sent.w[:k]
        nd, nr = len(DENSE_NAMES), len(self.rules)
        self._slices = {"dense": slice(0, nd), "rules": slice(nd, nd + nr), "agg": slice(nd + nr, None)}
        self._group_of = list(DENSE_GROUP) + ["rules"] * nr + ["sentence_model"] * len(self.aggregates)
        self._groups = tuple(dict.fromkeys(["function_ngrams", *self._group_of]))
        self._group_index = np.array([self._groups.index(g) for g in self._group_of])
        self._feature_words = dict(spec.get("feature_words", {}))

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
        raw = self.doc.bias + float(contrib.sum()) + ngram_part
        pa, pb = self.doc.platt
        log_odds = pa * raw + pb + prior_log_odds
        groups = dict(zip(self._groups, (pa * np.bincount(self._group_index, weights=contrib,
                                                            minlength=len(self._groups))).tolist()))
        groups["function_ngrams"] = pa * ngram_part
        rules = dict(zip(self.rules, (pa * contrib[self._slices["rules"]]).tolist()))
        explainer = (lambda: self._explain(x, pa * contrib, groups,
                                           self._ngram_shares(self.doc, f, ngrams),
                                           pa, text, findings)) if explain else None
        # a sentence's probability given its own words and its document's (even prior)
        ctx = self.context
        s_lo = spa * s_logit + spb
        if ctx:
            s_lo = ctx["w_sentence"] * s_lo + ctx["w_document"] * (log_odds - prior_log_odds) + ctx["bias"]
        sp = np.round(_sigmoid(s_lo + prior_log_odds), 4).tolist()
        if f.n_words < self.min_words:
            return Result(None, None, TOO_SHORT, f.n_words, groups, sp, rules, explainer)
        p = 1.0 / (1.0 + math.exp(-max(min(log_odds, 40.0), -40.0)))
        pe, ma = self.thresholds
        verdict = "machine" if p >= ma else "post-edited" if p >= pe else "human"
        return Result(round(p, 4), round(log_odds, 4), verdict, f.n_words, groups, sp, rules, explainer)

    def document_logit(self, f: Features) -> float:
        """Calibrated document log-odds at even prior odds (no explanation), for evaluation."""
        ngrams = _Ngrams(self.index, f.seq)
        s_logit, _ = self._sentence_logits(f, ngrams)
        x = np.concatenate([f.dense, _rule_rates(f.rules, f.n_words), self._aggregate(s_logit, f.sent_words)])
        raw = self.doc.bias + float(self.doc.contributions(x).sum()) + self._ngram_score(self.doc, f, ngrams)
        return self.doc.platt[0] * raw + self.doc.platt[1]

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

    def _ngram_shares(self, lin: Linear, f: Features, ngrams: _Ngrams):
        """For explanations: the vocabulary positions of the known n-grams seen, and each one's share
        of the n-gram part (None without any)."""
        if not ngrams.size:
            return None
        counts = np.zeros(len(self._doc_ngram_w), dtype=np.int64)
        step = features.BLOCK
        for start in range(0, ngrams.size, step):
            counts += np.bincount(ngrams(start, min(start + step, ngrams.size)), minlength=len(counts))
        u = np.flatnonzero(counts[1:])  # the vocabulary positions seen, ascending
        return u, lin.ngram_w[u] * counts[u + 1] / max(f.n_tokens, 1)

    def _sentence_logits(self, f: Features, ngrams: _Ngrams) -> tuple[np.ndarray, np.ndarray]:
        ns = len(f.sent_words)
        # [sent_dense | rule rates] per sentence, standardised and weighted a block of rows at a
        # time (a document of 500,000 sentences would need 200 MB for the whole matrix). einsum,
        # not z @ w: a row's sum is then the same to the last bit whichever block holds it.
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
            base[r0:r1] = np.einsum("ij,j->i", z, self._sent_w)
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

    def _explain(self, x, contrib, groups, per_ngram, pa, text, findings) -> list[Explained]:
        """The (up to four) groups that move the score most. Each names what was seen in plain
        words; the direction comes from the fitted weights, never from a canned assumption."""
        lines: list[Explained] = []
        z = (x - self.doc.mu) / self.doc.sd
        names = list(DENSE_NAMES) + list(self.rules) + [f"sentences_{a}" for a in self.aggregates]
        for g, v in sorted(groups.items(), key=lambda kv: -abs(kv[1]))[:4]:
            if abs(v) < 0.1:
                continue
            title, up, down = GROUPS.get(g, (g, "", ""))
            to_mt = v > 0
            if g == "function_ngrams":
                detail = up if to_mt else down
                if per_ngram is not None:
                    u, c = per_ngram
                    top = [i for i in np.argsort(-c if to_mt else c)[:3] if (c[i] > 0) == to_mt]
                    if top:
                        detail += ": " + ", ".join(f"'{_readable(code_to_ngram(int(self.codes[u[i]])))}'" for i in top)
            elif g == "rules":
                detail = self._quote_findings(text, findings, contrib) if to_mt else "fewer checker findings than usual"
            elif g == "sentence_model":
                detail = up if to_mt else down
            else:
                idx = [i for i, gg in enumerate(self._group_of) if gg == g and (contrib[i] > 0) == to_mt]
                idx = sorted(idx, key=lambda i: -abs(contrib[i]))[:2]
                detail = "; ".join(self._feature_phrase(names[i], z[i]) for i in idx if abs(contrib[i]) >= 0.03)
            lines.append(Explained(g, title, detail, round(float(v), 3)))
        return lines

    def _feature_phrase(self, name: str, z: float) -> str:
        if name.startswith("sentences_"):
            return "sentences that read like MT on their own" if z > 0 else "sentences that read like a writer's"
        if name in self.rules:
            return f"{'more' if z > 0 else 'fewer'} '{name}' findings than usual"
        phrase = self._feature_words.get(name, name.replace("_", " "))
        measure = phrase.startswith(("mean ", "spread ", "share ", "distinct ", "words used once", "pronouns relative",
                                     "'s-genitives relative"))
        more, fewer = ("higher", "lower") if measure else ("more", "fewer")
        return f"{more if z > 0 else fewer} {phrase} than usual"

    def _quote_findings(self, text: str, findings: Sequence[Finding], contrib: np.ndarray) -> str:
        sl = self._slices["rules"]
        positive = {r for r, c in zip(self.rules, contrib[sl]) if c > 0}
        quoted: list[str] = []
        seen: set[str] = set()
        for fd in findings:
            if fd[0] in positive and len(fd) >= 4 and text:
                snippet = text[int(fd[2]):int(fd[3])].strip()
                key = snippet.lower()
                if snippet and len(snippet) <= 60 and not any(key in k or k in key for k in seen):
                    seen.add(key)
                    quoted.append(f"{RULE_WORDS.get(fd[0].split('.')[0], fd[0])} '{snippet}'")
            if len(quoted) == 3:
                break
        if quoted:
            return ", ".join(quoted)
        return "findings of " + ", ".join(sorted(positive))[:120]


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


def _readable(ngram: str) -> str:
    shape_words = {"NOM": "<-tion noun>", "ING": "<-ing>", "ED": "<-ed>", "PART": "<participle>", "LY": "<-ly>",
                   "ADJ": "<adjective>", "VB": "<verb>", "ER": "<-er noun>", "PL": "<plural>", "W": "<word>",
                   "NUM": "<number>", "CAPS1": "<letter>", "X": "<foreign script>", "<s>": "[start]",
                   "</s>": "[end]", "HYPHEN": "-", "DASH": "--"}
    return " ".join(shape_words.get(p, p) for p in ngram.split(" "))


def _rule_rates(counts: np.ndarray, words) -> np.ndarray:
    """Findings per 100 words, log-damped (document: vector; sentences: matrix)."""
    if counts.ndim == 1:
        return np.log1p(100.0 * counts / max(float(words), 1.0))
    return np.log1p(100.0 * counts / np.maximum(words, 1.0)[:, None])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0)))


@lru_cache(maxsize=1)
def default_model() -> ProvenanceModel:
    """The shipped model, read on first use."""
    from mtcheck.core.model.scorer import SHIPPED

    return ProvenanceModel.load(SHIPPED)
