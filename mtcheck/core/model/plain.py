"""The provenance model on a short document in plain Python: what `model.ProvenanceModel`
computes with numpy, without importing numpy (60 ms of CPU, a third of checking one story).

The same features and the same arithmetic in the same order, so the figures are the same to
the last bit, not merely close: the IEEE operations (+ - * / and sqrt) are correctly
rounded wherever they run, so each sum is added in numpy's order (a reduction's pairwise
order, a bincount's sequential one; the sentence model's rows left to right, as
`model._row_sums` adds them), and exp and log1p are the C library's on both sides.
tests/test_plain_model.py holds the two to that over shared stories and made-up
edge cases. Only a document of at most `MAX_WORDS` words and `MAX_CHARACTERS` characters is
read here (`fits`): per token, plain Python is several times slower than numpy and holds an
object per token, and a long text is numpy's.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence

from mtcheck.core.model import vocabulary as vocab
from mtcheck.core.model.result import Explainer, Finding, Result, RuleWeights, check_spec, document_result

MAX_WORDS = 5000  # a news story has a few hundred to a couple of thousand
# Marks are tokens too: a text of few words and millions of marks (a table rule, a hostile
# file) would build lists of millions of Python objects here.
MAX_CHARACTERS = 40_000


def fits(words: int, characters: int) -> bool:
    """Whether a document of so many words and characters is read here."""
    return words <= MAX_WORDS and characters <= MAX_CHARACTERS

_BOS, _EOS = vocab.CLASS_ID[vocab.BOS], vocab.CLASS_ID[vocab.EOS]
_DOT, _ELL, _DASH, _HYPHEN = (vocab.CLASS_ID[c] for c in (".", "...", "DASH", "HYPHEN"))
_MARK = {c: vocab.CLASS_ID[p] for c, p in vocab._PUNCT_CHARS.items()}
_JOINING = frozenset(vocab._JOINING_DASHES)
# the count columns each token class adds one to
_COLUMNS_OF: list[tuple[int, ...]] = [
    tuple(vocab.COUNT_INDEX[name] for name, classes in vocab.COUNT_CLASSES.items() if c in classes)
    for c in ("", *vocab.CLASS_ID)]
assert len(_COLUMNS_OF) == vocab.N_CLASSES
# adjacent token classes that make a pair feature -> the count columns it adds one to
_PAIR_COLUMNS = vocab.pair_columns()
_RATES = [(vocab.DENSE_INDEX[name], column, False) for name, column in vocab.PER_SENTENCE] + [
    (vocab.DENSE_INDEX[name], column, True) for name, column in vocab.PER_WORD]
_DOC_ONLY = sorted(vocab.DENSE_INDEX[n] for n in vocab.DOCUMENT_ONLY)
_I = vocab.DENSE_INDEX
_WORD = vocab.COUNT_INDEX["word"]


class _Linear:
    """One linear part of the model file (document or sentence), as plain floats."""

    def __init__(self, d: dict, codes: list[int]):
        self.bias = float(d["bias"])
        self.mu = list(map(float, d["mu"]))
        self.sd = list(map(float, d["sd"]))
        self.w = list(map(float, d["w"]))
        self.clip = float(d.get("clip", 5.0))
        # by code (of a code listed twice, the later weight, as model.py's index keeps it)
        self.ngram_w = dict(zip(codes, map(float, d["ngram_w"]) if d.get("ngram_w") else [0.0] * len(codes)))
        self.ngram_offset = float(d.get("ngram_offset", 0.0))
        self.platt = (float(d["platt"][0]), float(d["platt"][1]))

    def terms(self, x: Sequence[float], k: int) -> list[float]:
        """w·clip((x − mu) / sd) of the first k features."""
        c, mu, sd, w = self.clip, self.mu, self.sd, self.w
        out = []
        for j in range(k):
            z = (x[j] - mu[j]) / sd[j]
            out.append(w[j] * (-c if z < -c else c if z > c else z))
        return out


class PlainModel:
    """A model file's model for short documents: `score` gives what `ProvenanceModel.score`
    gives for a document that `fits`."""

    def __init__(self, spec: dict):
        check_spec(spec)
        self.rules = tuple(spec["rules"])
        self._rule_index = {r: i for i, r in enumerate(self.rules)}
        codes = [vocab.ngram_to_code(g) for g in spec["ngrams"]]
        self.doc = _Linear(spec["document"], codes)
        self.sent = _Linear(spec["sentence"], codes)
        self.aggregates = tuple(spec["document"].get("aggregates", ()))
        self.min_words = int(spec["min_words"])
        self.thresholds = (float(spec["thresholds"][0]), float(spec["thresholds"][1]))
        self.context = spec.get("sentence_context")
        self.explainer = Explainer(spec)
        self.rule_weights = RuleWeights.from_spec(spec)
        self.severity = self.rule_weights.severity if self.rule_weights else {}
        self._group_index = [self.explainer.groups.index(g) for g in self.explainer.group_of]
        self._lexicon: dict[str, tuple[int, str | None]] = {}

    def score(self, text: str, words: Sequence[str], starts: Sequence[int], ends: Sequence[int],
              sentences: Sequence[tuple[int, int]], findings: Iterable[Finding] = (), *,
              prior_log_odds: float = 0.0, explain: bool = True) -> Result:
        """As `ProvenanceModel.score` (for a document that `fits`)."""
        if not fits(len(words), len(text)):
            raise ValueError(f"a document of {len(words)} words and {len(text)} characters is for ProvenanceModel "
                             f"(at most {MAX_WORDS} and {MAX_CHARACTERS} here)")
        findings = list(findings)
        f = _Features(self, text, words, starts, ends, sentences, findings)
        return self._score(f, text, findings, prior_log_odds, explain)

    def _word(self, word: str) -> tuple[int, str | None]:
        """(class id, lemma or None when not a content word) of a lower-cased word."""
        known = self._lexicon.get(word)
        if known is None:
            if len(self._lexicon) > vocab.LEXICON_LIMIT:
                self._lexicon.clear()
            c = vocab.class_of(word)
            known = self._lexicon[word] = (c, vocab.content_lemma(word, c))
        return known

    def _score(self, f: _Features, text: str, findings: list[Finding], prior_log_odds: float,
               explain: bool) -> Result:
        s_logit = self._sentence_logits(f)
        spa, spb = self.sent.platt
        doc = self.doc
        x = f.dense + _rule_rates(f.rules, f.n_words) + self._aggregate(s_logit, f.sent_words)
        contrib = doc.terms(x, len(x))
        ngram_part = (_pairwise_sum([doc.ngram_w.get(c, 0.0) for c in f.ngrams]) / max(f.n_tokens, 1)
                      - doc.ngram_offset) if f.ngrams else -doc.ngram_offset
        rule_terms = self.rule_weights.terms(f.rule_mass, f.n_words) if self.rule_weights else []
        raw = doc.bias + _pairwise_sum(contrib) + ngram_part + sum(rule_terms)
        pa, pb = doc.platt
        log_odds = pa * raw + pb + prior_log_odds
        by_group = [0.0] * len(self.explainer.groups)
        for g, c in zip(self._group_index, contrib):
            by_group[g] += c
        scaled, groups, rules = self.explainer.parts(pa, contrib, by_group, rule_terms)
        groups["function_ngrams"] = pa * ngram_part
        explainer = (lambda: self.explainer.explain(x, scaled, groups, self._ngram_shares(f),
                                                    text, findings)) if explain else None
        ctx = self.context
        s_lo = [spa * v + spb for v in s_logit]
        if ctx:
            document_part = ctx["w_document"] * (log_odds - prior_log_odds)
            s_lo = [ctx["w_sentence"] * v + document_part + ctx["bias"] for v in s_lo]
        sp = [_round4(1.0 / (1.0 + math.exp(-_clip40(v + prior_log_odds)))) for v in s_lo]
        return document_result(log_odds, f.n_words, self.min_words, self.thresholds, groups, sp, rules, explainer)

    def _sentence_logits(self, f: _Features) -> list[float]:
        sent, nd, nr = self.sent, len(vocab.DENSE_NAMES), len(self.rules)
        offset = sent.bias - sent.ngram_offset
        logits = []
        for s in range(len(f.sent_words)):
            terms = sent.terms(f.dense_row(s) + _rule_rates(f.sent_rules[s], f.sent_words[s]), nd + nr)
            total = terms[0]
            for t in terms[1:]:
                total += t
            logits.append(total + offset)
        if not f.ngrams:
            return logits
        # per sentence, its n-grams' weights added in bincount's order (unigrams, bigrams, trigrams)
        sums = [0.0] * len(logits)
        weights = sent.ngram_w
        for s, code in zip(f.ngram_sentence, f.ngrams):
            sums[s] += weights.get(code, 0.0)
        return [v + total / max(tokens, 1.0) for v, total, tokens in zip(logits, sums, f.sent_tokens)]

    def _aggregate(self, s_logit: list[float], sent_words: list[float]) -> list[float]:
        if not self.aggregates:
            return []
        v = sorted((x for x, w in zip(s_logit, sent_words) if w > 0), reverse=True)
        if not v:
            return [0.0] * len(self.aggregates)
        out = {"mean": _pairwise_sum(v) / len(v), "max": v[0], "top3": _pairwise_sum(v[:3]) / len(v[:3])}
        return [out[a] for a in self.aggregates]

    def _ngram_shares(self, f: _Features) -> tuple[list[int], list[float]] | None:
        if not f.ngrams:
            return None
        weights = self.doc.ngram_w
        seen = sorted(Counter(c for c in f.ngrams if c in weights).items())  # vocabulary order: by code
        n = max(f.n_tokens, 1)
        return [c for c, _ in seen], [weights[c] * k / n for c, k in seen]


class _Features:
    """A short document's features, as `features.Extractor` makes them (plain lists)."""

    def __init__(self, model: PlainModel, text: str, words: Sequence[str], starts: Sequence[int],
                 ends: Sequence[int], sentences: Sequence[tuple[int, int]], findings: list[Finding]):
        lexicon = [model._word(w) for w in words]
        starts, ends = list(starts), list(ends)
        mark_pos, mark_cls = _punctuation(text, starts, ends)
        nw, n = len(words), len(words) + len(mark_pos)
        ns = max(len(sentences), 1)
        # every token's class in text order: a mark after the words starting at or before it
        ids: list[int] = []
        w = 0
        for pos, c in zip(mark_pos, mark_cls):
            while w < nw and starts[w] <= pos:
                ids.append(lexicon[w][0])
                w += 1
            ids.append(c)
        ids.extend(lexicon[k][0] for k in range(w, nw))
        # sentence bounds in the words (wb) and the tokens (tb)
        wb, tb = [0] * (ns + 1), [0] * (ns + 1)
        for s, (start, _) in enumerate(sentences):
            if s:
                wb[s] = max(bisect_left(starts, start), wb[s - 1])
                tb[s] = max(bisect_left(mark_pos, start) + bisect_left(starts, start), tb[s - 1])
        wb[ns], tb[ns] = nw, n
        # the stream framed per sentence, and its n-grams in `NgramIndex.known`'s order with
        # the sentence of each (that of its first token)
        seq: list[int] = []
        seq_sent: list[int] = []
        for s in range(ns):
            seq.append(_BOS)
            seq.extend(ids[tb[s]:tb[s + 1]])
            seq.append(_EOS)
            seq_sent.extend([s] * (tb[s + 1] - tb[s] + 2))
        L = len(seq)
        if L >= 3:
            pairs = [a * vocab.BASE + b for a, b in itertools.pairwise(seq)]
            self.ngrams = seq + pairs + [p * vocab.BASE + c for p, c in zip(pairs, seq[2:])]
            self.ngram_sentence = seq_sent + seq_sent[:-1] + seq_sent[:-2]
        else:
            self.ngrams, self.ngram_sentence = [], []

        # per-sentence counts (whole numbers)
        counts = []
        overlap, content = [], []
        previous: set[str] = set()
        for s in range(ns):
            row = [0] * vocab.N_COUNT_COLS
            part = seq[tb[s] + 2 * s:tb[s + 1] + 2 * s + 2]
            for c in part:
                for j in _COLUMNS_OF[c]:
                    row[j] += 1
            for pair in itertools.pairwise(part):
                for j in _PAIR_COLUMNS.get(pair, ()):
                    row[j] += 1
            lengths = [ends[k] - starts[k] for k in range(wb[s], wb[s + 1])]
            row[vocab.C_WLEN] = sum(lengths)
            row[vocab.C_LONG] = sum(1 for length in lengths if length >= 10)
            lemmas = [lemma for _, lemma in lexicon[wb[s]:wb[s + 1]] if lemma is not None]
            overlap.append(float(sum(1 for lemma in lemmas if lemma in previous)))
            content.append(len(lemmas))
            previous = set(lemmas)
            counts.append(row)
        sw = [float(row[_WORD]) for row in counts]

        # the document's dense features
        words_doc = float(sum(row[_WORD] for row in counts))
        nonzero = sum(1 for v in sw if v)
        nsent = nonzero or 1
        tot = [float(sum(column)) for column in zip(*counts)]
        dense = [0.0] * len(vocab.DENSE_NAMES)
        for dst, src, per_word in _RATES:
            dense[dst] = tot[src] / (max(words_doc, 1.0) if per_word else float(nsent))
        mean_sw = words_doc / nsent
        dense[_I["mean_sentence_words"]] = mean_sw
        dense[_I["share_long_sentences"]] = sum(1 for v in sw if v >= 30) / nsent
        dense[_I["share_short_sentences"]] = (sum(1 for v in sw if v <= 8) - (ns - nonzero)) / nsent
        dense[_I["sd_sentence_words"]] = math.sqrt(max(float(sum(int(v) * int(v) for v in sw)) / nsent
                                                       - mean_sw * mean_sw, 0.0))
        gs, osum = tot[vocab.C_GEN], tot[vocab.COUNT_INDEX["of"]]
        dense[_I["genitive_ratio"]] = gs / (gs + osum + 1.0)
        ov, ps = float(sum(overlap)), tot[vocab.COUNT_INDEX["personal"]]
        dense[_I["adjacent_overlap"]] = ov / max(sum(content), 1)
        dense[_I["pronoun_vs_repeat"]] = ps / (ps + ov + 1.0)
        dense[_I["ttr_50"]], dense[_I["hapax_50"]] = _variety(words)

        # the model's rules' findings per sentence
        sent_rules = [[0] * len(model.rules) for _ in range(ns)]
        mass = [0.0] * len(model.rules)
        factor = model.severity
        for fd in findings:
            r = model._rule_index.get(fd[0])
            if r is not None:
                sent_rules[min(max(int(fd[1]), 0), ns - 1)][r] += 1
                mass[r] += factor.get(fd[4], 1.0) if len(fd) > 4 else 1.0

        self.dense = dense
        self.n_tokens = n
        self.n_words = int(words_doc)
        self.sent_tokens = [float(tb[s + 1] - tb[s]) for s in range(ns)]
        self.sent_words = sw
        self.sent_counts = counts
        self.sent_overlap = overlap
        self.sent_content = content
        self.sent_rules = sent_rules
        self.rule_mass = mass
        self.rules = [float(sum(column)) for column in zip(*sent_rules)] if model.rules else []

    def dense_row(self, s: int) -> list[float]:
        """Sentence s's dense features (`features._sentence_dense`)."""
        C = [float(v) for v in self.sent_counts[s]]
        words = self.sent_words[s]
        D = [0.0] * len(vocab.DENSE_NAMES)
        for dst, src, per_word in _RATES:
            D[dst] = C[src] / (1.0 + (1.0 if per_word else 0.0) * (max(words, 1.0) - 1.0))
        D[_I["mean_sentence_words"]] = words
        gen, of, pers = C[vocab.C_GEN], C[vocab.COUNT_INDEX["of"]], C[vocab.COUNT_INDEX["personal"]]
        overlap = self.sent_overlap[s]
        D[_I["genitive_ratio"]] = gen / (gen + of + 1.0)
        D[_I["adjacent_overlap"]] = overlap / max(self.sent_content[s], 1)
        D[_I["pronoun_vs_repeat"]] = pers / (pers + overlap + 1.0)
        for i in _DOC_ONLY:
            D[i] = self.dense[i]
        return D


def _punctuation(text: str, word_starts: list[int], word_ends: list[int]) -> tuple[list[int], list[int]]:
    """(offsets, class ids) of the punctuation marks of a text, as `features.punctuation` finds
    them: runs of stops and of dashes are one mark, a joining dash between two words a HYPHEN."""
    runs_possible, dashes_possible = vocab.marks_to_fold(text)
    marks = _MARK
    pos = [i for i, ch in enumerate(text) if ch in marks]
    cls = [marks[text[i]] for i in pos]
    single: list[bool] | None = None
    if runs_possible and len(pos) > 1:
        dots = [c in (_DOT, _ELL) for c in cls]
        dash = [c == _DASH for c in cls]
        cont = [False] + [pos[i] == pos[i - 1] + 1 and ((dots[i] and dots[i - 1]) or (dash[i] and dash[i - 1]))
                          for i in range(1, len(pos))]
        if any(cont):
            heads = [i for i in range(len(pos) - 1) if cont[i + 1] and not cont[i]]
            for i in heads:
                if dots[i]:
                    cls[i] = _ELL
            single = [True] * len(pos)
            for i in heads:
                single[i] = False
            keep = [i for i in range(len(pos)) if not cont[i]]
            pos, cls, single = [pos[i] for i in keep], [cls[i] for i in keep], [single[i] for i in keep]
    if dashes_possible:
        ends, starts = set(word_ends), set(word_starts)
        for i, c in enumerate(cls):
            if (c == _DASH and (single is None or single[i]) and text[pos[i]] in _JOINING
                    and pos[i] in ends and pos[i] + 1 in starts):
                cls[i] = _HYPHEN
    return pos, cls


def _variety(words: Sequence[str], window: int = 50) -> tuple[float, float]:
    """Mean type-token ratio and hapax share over consecutive 50-word windows (the whole text
    when shorter), as `features._variety`."""
    nw = len(words)
    if nw == 0:
        return 0.0, 0.0
    windows = [words] if nw < window else [words[i:i + window] for i in range(0, nw // window * window, window)]
    distinct = once = size = 0
    for win in windows:
        counts = Counter(win)
        distinct += len(counts)
        once += sum(1 for k in counts.values() if k == 1)
        size += len(win)
    return float(distinct / size), float(once / size)


def _rule_rates(counts: Sequence[float], words: float) -> list[float]:
    """Findings per 100 words, log-damped (as model._rule_rates)."""
    per = max(float(words), 1.0)
    return [math.log1p(100.0 * c / per) if c else 0.0 for c in counts]


def _pairwise_sum(a: Sequence[float]) -> float:
    """float(np.add.reduce(a)) to the last bit: numpy adds a float array pairwise, eight
    running sums per block of at most 128, halves cut at a multiple of 8."""
    return 0.0 + _pairwise(a, 0, len(a))


def _pairwise(a: Sequence[float], lo: int, n: int) -> float:
    if n < 8:
        total = -0.0
        for i in range(lo, lo + n):
            total += a[i]
        return total
    if n <= 128:
        r = list(a[lo:lo + 8])
        i, whole = 8, n - n % 8
        while i < whole:
            for j in range(8):
                r[j] += a[lo + i + j]
            i += 8
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(lo + whole, lo + n):
            total += a[i]
        return total
    half = n // 2
    half -= half % 8
    return _pairwise(a, lo, half) + _pairwise(a, lo + half, n - half)


def _clip40(v: float) -> float:
    return -40.0 if v < -40.0 else 40.0 if v > 40.0 else v


def _round4(v: float) -> float:
    """np.round(v, 4): scaled, rounded half to even, scaled back (not Python's round(v, 4),
    which rounds the decimal value exactly)."""
    return round(v * 10000.0) / 10000.0
