"""Typography-blind features of one document for the learned provenance model.

Numpy and the standard library only; the classes, the folding table and the feature names
are in `vocabulary` (without numpy), which `plain` also reads for short documents.

What the model sees is a stream of *token classes*. A word is a maximal run of ``\\w``
characters, lower-cased (exactly the words of ``mtcheck.core.tokens.tokenize``, passed in
by the pipeline). Function words stay themselves; every other word becomes a coarse
shape class (``NOM`` for -tion/-ment/..., ``ING``, ``ED``, ``PL``, ``NUM``, ``W``...),
never its case. Punctuation marks are read from the text between the words through one
code-point table that maps every typographic variant to one mark: curly and straight
quotes, guillemets and CJK brackets are ``"``; apostrophes and primes ``'``; en/em dashes,
``--`` and spaced hyphens are one dash; ``…`` and ``...`` one ellipsis; full-width marks
their ASCII selves. White space is never read. So a typeset and a typewritten version of
a text give the same stream, by construction, and no neutralising pass over the text is
needed.

Everything is computed with a handful of numpy calls per document (one table look-up
for the punctuation, one dictionary look-up per word, then array operations), so the
cost is a few microseconds per document plus a fraction of a microsecond per word.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from mtcheck.core.model.vocabulary import (
    _JOINING_DASHES,
    _PUNCT_CHARS,
    BASE,
    BOS,
    C_GEN,
    C_IADV,
    C_LONG,
    C_PASSIVE,
    C_WLEN,
    CLASS_ID,
    COUNT_CLASSES,
    COUNT_INDEX,
    COUNT_NAMES,
    DENSE_INDEX,
    DENSE_NAMES,
    DOCUMENT_ONLY,
    EOS,
    LEXICON_LIMIT,
    N_CLASSES,
    N_COUNT,
    N_COUNT_COLS,
    ORDERS,
    PER_SENTENCE,
    PER_WORD,
    class_of,
    content_lemma,
    marks_to_fold,
    pair_columns,
)
from mtcheck.core.tokens import LowerWords
from mtcheck.core.tokens import tokenize as pipeline_tokenize

_ASCII_TABLE = np.zeros(128, dtype=np.int16)
_UNI_TABLE: np.ndarray | None = None  # built on first non-ASCII text
for _c, _p in _PUNCT_CHARS.items():
    if ord(_c) < 128:
        _ASCII_TABLE[ord(_c)] = CLASS_ID[_p]
_DOT, _ELL, _DASH, _HYPHEN = CLASS_ID["."], CLASS_ID["..."], CLASS_ID["DASH"], CLASS_ID["HYPHEN"]
_JOINING = frozenset(_JOINING_DASHES)
_EMPTY = np.zeros(0, dtype=np.int64)


def _unicode_table() -> np.ndarray:
    global _UNI_TABLE
    if _UNI_TABLE is None:
        t = np.zeros(0x110000, dtype=np.int16)
        for c, p in _PUNCT_CHARS.items():
            t[ord(c)] = CLASS_ID[p]
        _UNI_TABLE = t
    return _UNI_TABLE


_TEXT_CHUNK = 1 << 20  # characters read into code-point arrays at a time
BLOCK = 1 << 16  # tokens (or words) of a long document's per-token arrays built at a time
ROWS_AT_ONCE = 4096  # sentences of a long document's per-sentence temporaries built at a time


def punctuation(text: str, word_starts: np.ndarray, word_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, class ids) of the punctuation marks of a text, typography folded.

    A run of full stops and ellipses is one mark ('...' when two or more); a run of dashes is one
    DASH; a single joining dash right between two words is a HYPHEN ("well-known",
    "1990-95"), whatever dash character it is."""
    runs_possible, dashes_possible = marks_to_fold(text)
    pos, pc, joining = _marks(text)
    single = None
    if runs_possible and len(pos) > 1:
        cont = np.zeros(len(pos), dtype=bool)
        dots = (pc == _DOT) | (pc == _ELL)
        dash = pc == _DASH
        for at in range(1, len(pos), _TEXT_CHUNK):  # a chunk at a time: no temporaries as long as the marks
            end = min(at + _TEXT_CHUNK, len(pos))
            prev = slice(at - 1, end - 1)
            cont[at:end] = ((pos[at:end] == pos[prev] + 1)
                            & ((dots[at:end] & dots[prev]) | (dash[at:end] & dash[prev])))
        if cont.any():
            heads = np.flatnonzero(cont[1:] & ~cont[:-1])
            pc[heads[dots[heads]]] = _ELL
            single = np.ones(len(pos), dtype=bool)
            single[heads] = False
            keep = ~cont
            pos, pc, joining, single = _keep_in_place((pos, pc, joining, single), keep)
    dash = np.flatnonzero(pc == _DASH) if dashes_possible else _EMPTY
    if len(dash):
        if single is not None:
            dash = dash[single[dash]]
        dp = pos[dash]
        joins = joining[dash] & _member(word_ends, dp) & _member(word_starts, dp + 1)
        pc[dash[joins]] = _HYPHEN
    return pos, pc


def _marks(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offset, class id, whether a joining dash) of every punctuation character of a text, read
    a million characters at a time (a long text's code points are never all held as one array).
    Offsets are 32-bit, as `tokenize`'s are, below 2**32 characters: a text of nothing but
    marks has one for every character.

    The arrays are made for that worst case and cut to size in place: only the pages written
    are ever resident, and no list of chunks is held beside its concatenation (twice the marks)."""
    if not text:
        return _EMPTY, _EMPTY, _EMPTY.astype(bool)
    pos = np.empty(len(text), dtype=np.uint32 if len(text) < 2**32 else np.int64)
    cls = np.empty(len(text), dtype=np.int16)  # as the table holds them: a mark's 8 bytes less
    joining = np.empty(len(text), dtype=bool)
    count = 0
    for at in range(0, len(text), _TEXT_CHUNK):
        piece = text[at:at + _TEXT_CHUNK]
        if piece.isascii():
            codes: np.ndarray = np.frombuffer(piece.encode("ascii"), dtype=np.uint8)
            classes = _ASCII_TABLE[codes]
        else:
            ucs2 = piece.encode("utf-16-le", "surrogatepass")
            if len(ucs2) == 2 * len(piece):  # no astral characters: one 16-bit unit per character
                codes = np.frombuffer(ucs2, dtype=np.uint16)
                classes = _unicode_table()[:0x10000][codes]  # a 128 kB table that stays in cache
            else:
                codes = np.frombuffer(piece.encode("utf-32-le"), dtype=np.uint32)
                classes = _unicode_table()[codes]
        found = np.flatnonzero(classes)
        end = count + len(found)
        pos[count:end] = found + at
        cls[count:end] = classes[found]
        joining[count:end] = _JOINING_CODE[np.minimum(codes[found], np.uint32(0xFFFF))]
        count = end
    return _cut(pos, count), _cut(cls, count), _cut(joining, count)


def _keep_in_place(arrays: tuple[np.ndarray, ...], keep: np.ndarray) -> tuple[np.ndarray, ...]:
    """The items of `arrays` (of one length; nothing else refers to them) where `keep` holds,
    moved to the front a chunk at a time and cut to size: the marks are never held twice over."""
    kept = 0
    for at in range(0, len(keep), _TEXT_CHUNK):
        chosen = np.flatnonzero(keep[at:at + _TEXT_CHUNK]) + at
        for column in arrays:
            column[kept:kept + len(chosen)] = column[chosen]  # never past `at`: no unread item is overwritten
        kept += len(chosen)
    return tuple(_cut(column, kept) for column in arrays)


def _cut(array: np.ndarray, size: int) -> np.ndarray:
    """`array`, which nothing else refers to, shortened to `size` in place (the rest freed)."""
    array.resize(size, refcheck=False)
    return array


_JOINING_CODE = np.zeros(0x10000, dtype=bool)
for _c in _JOINING_DASHES:
    _JOINING_CODE[ord(_c)] = True


# --------------------------------------------------------------------------------------
# Word tokens (the pipeline's definition, for training and for callers without tokens)
# --------------------------------------------------------------------------------------

def tokenize(text: str) -> tuple[Sequence[str], array, array]:
    """(lower-cased words, starts, ends): the pipeline's own words (`mtcheck.core.tokens`), so
    training reads exactly what inference is given."""
    tokens = pipeline_tokenize(text)
    return tokens.lower, tokens.starts, tokens.ends


# --------------------------------------------------------------------------------------
# Lexicon: each distinct word classified once
# --------------------------------------------------------------------------------------

class Lexicon(dict):
    """word -> int id, growing; per-id class and content lemma in numpy arrays.

    Bounded: past `limit` distinct words it starts again (ids are only used within
    one document, so a reset between documents changes nothing)."""

    def __init__(self, limit: int = LEXICON_LIMIT):
        super().__init__()
        self.limit = limit
        self.cls = np.zeros(1024, dtype=np.int64)
        self.lemma = np.zeros(1024, dtype=np.int64)  # 0 = not a content word
        self._lemmas: dict[str, int] = {}

    def __missing__(self, word: str) -> int:
        i = len(self)
        if i >= len(self.cls):
            self.cls = np.resize(self.cls, 2 * i)
            self.lemma = np.resize(self.lemma, 2 * i)
        c = class_of(word)
        self.cls[i] = c
        lemma = content_lemma(word, c)
        self.lemma[i] = 0 if lemma is None else self._lemmas.setdefault(lemma, len(self._lemmas) + 1)
        self[word] = i
        return i

    def reset_if_full(self) -> None:
        if len(self) > self.limit:
            self.clear()
            self._lemmas.clear()



# --------------------------------------------------------------------------------------
# Per-token indicator columns -> per-sentence counts in one reduction
# --------------------------------------------------------------------------------------

def _indicator(names: Iterable[str]) -> np.ndarray:
    t = np.zeros(N_CLASSES)
    for n in names:
        t[CLASS_ID[n]] = 1.0
    return t


COUNT_COLUMNS: dict[str, np.ndarray] = {name: _indicator(classes) for name, classes in COUNT_CLASSES.items()}
COUNT_TABLE = np.column_stack([COUNT_COLUMNS[n] for n in COUNT_NAMES])  # (N_CLASSES, k)
_CC = COUNT_INDEX
_BOS, _EOS = CLASS_ID[BOS], CLASS_ID[EOS]


# --------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------

@dataclass
class Features:
    """Everything the scorer needs about one document.

    ``dense``: document dense vector (DENSE order, raw values); ``sent_dense`` (or
    ``dense_rows(r0, r1)``, a block of it): per sentence, document-only features carrying
    the document's value; ``seq``: the class stream (int16) with every sentence framed by
    <s> ... </s>, sentence s taking ``sent_tokens[s] + 2`` positions (`NgramIndex.known`
    reads its n-grams); ``codes``/``code_sent``: every n-gram occurrence as an int code
    (training only); ``n_tokens``/``sent_tokens``: tokens (words + marks) for n-gram rates;
    ``n_words``/``sent_words``; ``rules``/``sent_rules``: finding counts per model rule;
    ``rule_mass``: per model rule, its findings weighted by severity (`result.RuleWeights`).

    The per-sentence dense rows are made from the sentence counts when asked for, a block at
    a time by the scorer: held whole, a document of 450,000 short sentences needed 140 MB
    for them."""
    dense: np.ndarray
    seq: np.ndarray
    n_tokens: int
    sent_tokens: np.ndarray
    n_words: int
    sent_words: np.ndarray
    rules: np.ndarray
    sent_rules: np.ndarray
    sent_counts: np.ndarray  # (sentences, N_COUNT_COLS) whole numbers, in 16 bits or float32 where exact
    sent_overlap: np.ndarray  # content words whose lemma the sentence before has
    sent_content: np.ndarray  # content words
    rule_mass: list[float] = field(default_factory=list)  # per model rule, its findings' severity factors summed
    codes: np.ndarray | None = None
    code_sent: np.ndarray | None = None

    def dense_rows(self, r0: int, r1: int) -> np.ndarray:
        """Rows r0..r1 of `sent_dense`."""
        return _sentence_dense(self.sent_counts[r0:r1], self.sent_words[r0:r1], self.sent_overlap[r0:r1],
                               self.sent_content[r0:r1], self.dense)

    @property
    def sent_dense(self) -> np.ndarray:
        return self.dense_rows(0, len(self.sent_words))


Finding = tuple  # (rule id, sentence index[, start, end[, severity]])
# Sentence (start, end) spans: pairs, or an (n, 2) array of them (the pipeline's: a document
# may have hundreds of thousands)
Spans = Sequence[tuple[int, int]] | np.ndarray


class NgramIndex:
    """Vocabulary position (+1; 0 = not in the vocabulary) of every n-gram of a framed
    class stream, by direct table look-ups: unigrams and bigrams index flat tables; a
    trigram's first two classes pick a row of a trigram table (rows only for the
    prefixes the vocabulary has). No hashing, no search."""

    def __init__(self, codes: Sequence[int]):
        self.uni = np.zeros(BASE, dtype=np.int32)
        self.bi = np.zeros(BASE * BASE, dtype=np.int32)
        self.prefix = np.zeros(BASE * BASE, dtype=np.int32)
        codes = [int(c) for c in codes]
        prefixes = sorted({c // BASE for c in codes if c >= BASE * BASE})
        self.prefix[prefixes] = np.arange(1, len(prefixes) + 1) * BASE
        self.tri = np.zeros((len(prefixes) + 1) * BASE, dtype=np.int32)
        for j, c in enumerate(codes):
            if c < BASE:
                self.uni[c] = j + 1
            elif c < BASE * BASE:
                self.bi[c] = j + 1
            else:
                self.tri[self.prefix[c // BASE] + c % BASE] = j + 1

    def known(self, seq: np.ndarray, start: int, stop: int) -> np.ndarray:
        """Items start..stop of the vocabulary index + 1 of every unigram, then every bigram,
        then every trigram of seq (at least 3 long), laid end to end (3 * len(seq) - 3 items),
        computed for that range only: a long document's stream is millions long."""
        L = len(seq)
        # the n-grams of each order starting at seq[a:b]
        a1, b1 = max(start, 0), min(stop, L)
        a2, b2 = max(start, L) - L, min(stop, 2 * L - 1) - L
        a3, b3 = max(start, 2 * L - 1) - (2 * L - 1), min(stop, 3 * L - 3) - (2 * L - 1)
        pieces = [self.uni[seq[a1:b1]]] if a1 < b1 else []
        if a2 < b2 and a3 < b3 and a3 < b2 and a2 < b3:  # (a whole document) one array of pairs serves both
            a, b = min(a2, a3), max(b2, b3)
            pair = _pair_codes(seq, a, b)
            pieces.append(self.bi[pair[a2 - a:b2 - a]])
            pieces.append(self.tri[self.prefix[pair[a3 - a:b3 - a]] + seq[a3 + 2:b3 + 2]])
        else:  # a range across the end of the bigrams: the stream's end and its start, not all between
            if a2 < b2:
                pieces.append(self.bi[_pair_codes(seq, a2, b2)])
            if a3 < b3:
                pieces.append(self.tri[self.prefix[_pair_codes(seq, a3, b3)] + seq[a3 + 2:b3 + 2]])
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces) if pieces else np.zeros(0, np.int32)

    def size(self, seq: np.ndarray) -> int:
        """How many n-grams `known` reads of seq."""
        return 3 * len(seq) - 3 if len(seq) >= 3 else 0


def _pair_codes(seq: np.ndarray, a: int, b: int) -> np.ndarray:
    """The bigram codes of the pairs of seq starting at a..b."""
    return seq[a:b].astype(np.int64) * BASE + seq[a + 1:b + 1]


# Compact "count class" of every token class: classes with the same row of COUNT_TABLE
# share one, so a per-sentence histogram over a few dozen count classes gives every column.
_ROWS, _COUNT_CLASS = np.unique(COUNT_TABLE, axis=0, return_inverse=True)
_COUNT_CLASS = _COUNT_CLASS.ravel().astype(np.int64)
K_COUNT = len(_ROWS)
# Features of adjacent tokens in the framed stream (`vocabulary.pair_columns`), one table over
# (class, class) giving each pair a code: its set of pair columns. A sentence's bincount of
# codes times _PAIR_COUNTS (code -> the columns C_PASSIVE..C_IADV) is its pair columns.
_PAIR_SETS = sorted(set(pair_columns().values()))
K_PAIR = len(_PAIR_SETS) + 1  # code 0: no pair feature
_PAIR = np.zeros(BASE * BASE, dtype=np.int8)
for (_a, _b), _columns in pair_columns().items():
    _PAIR[_a * BASE + _b] = _PAIR_SETS.index(_columns) + 1
_PAIR_COUNTS = np.zeros((K_PAIR, C_IADV + 1 - C_PASSIVE), dtype=np.int64)
for _code, _columns in enumerate(_PAIR_SETS, start=1):
    _PAIR_COUNTS[_code, [c - C_PASSIVE for c in _columns]] = 1

_RATE_DST = np.array([DENSE_INDEX[a] for a, _ in PER_SENTENCE + PER_WORD])
_RATE_SRC = np.array([b for _, b in PER_SENTENCE + PER_WORD])
_PER_WORD_MASK = np.array([0.0] * len(PER_SENTENCE) + [1.0] * len(PER_WORD))
_DOC_ONLY = np.array(sorted(DENSE_INDEX[n] for n in DOCUMENT_ONLY))
_I = DENSE_INDEX


class Extractor:
    """Turns (text, words, sentences, findings) into `Features`. Keeps a lexicon of the
    words it has classified, so build one and reuse it."""

    def __init__(self, rules: Sequence[str] = (), orders: Sequence[int] = ORDERS, index: NgramIndex | None = None,
                 severity: Mapping[str, float] | None = None):
        self.rules = tuple(rules)
        self.severity = dict(severity or {})  # a finding's weight in `rule_mass` by its severity (else 1)
        self._rule_index = {r: i for i, r in enumerate(self.rules)}
        self.orders = tuple(orders)
        self.index = index
        self.lexicon = Lexicon()

    def extract(self, text: str, words: Sequence[str], starts: Sequence[int], ends: Sequence[int],
                sentences: Spans, findings: Iterable[Finding] = (),
                codes: bool = False) -> Features:
        """Features of one document.

        ``words``/``starts``/``ends``: the lower-cased \\w+ words of ``text`` and their
        offsets (`tokenize`, or the pipeline's `Tokens.lower/.starts/.ends`);
        ``sentences``: (start, end) spans in text order (one span for the whole text if
        empty); ``findings``: (rule id, sentence index[, start, end[, severity]]) of the
        checker's findings (rules the model does not use are ignored); ``codes``: also build the n-gram
        codes (training)."""
        # A long document is read a block of whole sentences at a time wherever its per-token
        # arrays would be large (a 10 MB text has two million tokens): only the class stream
        # (2 bytes a token) and per-sentence figures are held whole.
        lex = self.lexicon
        lex.reset_if_full()
        nw = len(words)
        ns = max(len(sentences), 1)
        if isinstance(words, LowerWords):  # the pipeline's: each distinct word looked up once,
            # and a word's index among the distinct ones serves as its id (every use below looks
            # ids up or compares them): the index array is the pipeline's, no array of ids is made
            vocab_ids = np.fromiter(map(lex.__getitem__, words.vocab), dtype=np.int64, count=len(words.vocab))
            wid = np.frombuffer(words.ids, dtype=np.dtype(words.ids.typecode)) if nw else vocab_ids[:0]
            word_cls, word_lemma = lex.cls[vocab_ids], lex.lemma[vocab_ids]
        else:
            wid = np.fromiter(map(lex.__getitem__, words), dtype=np.int32, count=nw)
            word_cls, word_lemma = lex.cls, lex.lemma
        wpos = _as_int_array(starts)
        wend = _as_int_array(ends)
        ppos, pcls = punctuation(text, wpos, wend)
        n = nw + len(ppos)
        # every token's class in text order: words and marks are each in text order already,
        # so a mark goes after the words before it (a word first at a tie) and the words fill
        # the places left; where the marks go is found a block at a time (not 16 bytes a mark)
        is_mark = np.zeros(n, dtype=bool)
        for b in range(0, len(ppos), BLOCK):
            at = np.searchsorted(wpos, ppos[b:b + BLOCK], side="right")
            at += np.arange(b, b + len(at))
            is_mark[at] = True
        ids = np.empty(n, dtype=np.int16)
        ids[is_mark] = pcls
        del pcls
        # the words' places, filled a block of the stream at a time: neither the inverted mask
        # nor the words' classes are ever held whole beside it
        is_word = np.logical_not(is_mark, out=is_mark)
        w0 = 0
        for a in range(0, n, BLOCK):
            here = is_word[a:a + BLOCK]
            k = int(np.count_nonzero(here))
            ids[a:a + BLOCK][here] = word_cls[wid[w0:w0 + k]]
            w0 += k
        del is_mark, is_word
        # sentence bounds in the words and in the token stream: tokens before the first
        # sentence go to it, tokens between sentences to the one before
        wb = np.empty(ns + 1, dtype=np.int64)  # word bounds
        tb = np.empty(ns + 1, dtype=np.int64)  # token bounds
        if len(sentences):
            sent_start = np.array(sentences, dtype=np.int64).reshape(-1, 2)[:, 0]
            # (searched as the offsets' own type: numpy would copy a 32-bit array to compare)
            wb[:ns] = np.searchsorted(wpos, sent_start.astype(wpos.dtype, copy=False))
            tb[:ns] = np.searchsorted(ppos, sent_start.astype(ppos.dtype, copy=False))
            tb[:ns] += wb[:ns]
            wb[0] = tb[0] = 0
            if ns > 1:
                np.maximum.accumulate(wb, out=wb)
                np.maximum.accumulate(tb, out=tb)
        else:
            wb[0] = tb[0] = 0
        wb[ns], tb[ns] = nw, n
        del ppos
        st_i = tb[1:] - tb[:ns]
        sents = np.arange(ns)

        # the stream framed per sentence: <s> tokens </s> (empty sentences too: "<s> </s>");
        # sentence s is seq[fb[s]:fb[s + 1]]
        framed = st_i + 2
        fb = run_bounds(framed)
        L = n + 2 * ns
        seq = np.full(L, _BOS, dtype=np.int16)
        is_token = np.ones(L, dtype=bool)  # (a mask: an index would take 8 bytes a token)
        is_token[fb[:-1]] = is_token[fb[1:] - 1] = False
        seq[is_token] = ids
        del is_token, ids
        seq[fb[1:] - 1] = _EOS

        # per-sentence counts, a block of sentences at a time: a histogram of count classes,
        # one of pair features, word lengths, content lemmas already in the previous sentence
        C = np.empty((ns, N_COUNT_COLS), dtype=_count_type(framed, wb, wpos, wend, len(text)))
        overlap = np.empty(ns)
        content_n = np.empty(ns, dtype=np.int64)
        for s0, s1 in sentence_blocks(fb):
            k = s1 - s0
            part = seq[fb[s0]:fb[s1]]
            label = np.repeat(np.arange(k), framed[s0:s1])
            C[s0:s1, :N_COUNT] = np.bincount(label * K_COUNT + _COUNT_CLASS[part], minlength=k * K_COUNT).reshape(
                k, K_COUNT) @ _ROWS
            # (the block's last pair, its last </s> and the next <s>, is no pair feature)
            pair = part[:-1].astype(np.int64) * BASE + part[1:]
            P = np.bincount(label[:-1] * K_PAIR + _PAIR[pair], minlength=k * K_PAIR).reshape(k, K_PAIR)
            C[s0:s1, C_PASSIVE:C_IADV + 1] = P @ _PAIR_COUNTS
            w0, w1 = wb[s0], wb[s1]
            wsent = np.repeat(np.arange(k), wb[s0 + 1:s1 + 1] - wb[s0:s1])
            wlen = wend[w0:w1] - wpos[w0:w1]
            C[s0:s1, C_WLEN] = np.bincount(wsent, weights=wlen, minlength=k)
            C[s0:s1, C_LONG] = np.bincount(wsent, weights=wlen >= 10, minlength=k)
            c0 = max(s0 - 1, 0)  # the sentence before the block too: its lemmas count for the first
            lem = word_lemma[wid[wb[c0]:w1]]
            content = np.flatnonzero(lem)
            cs = np.repeat(np.arange(s1 - c0), wb[c0 + 1:s1 + 1] - wb[c0:s1])[content]
            overlap[s0:s1] = _overlap(cs, lem[content], s1 - c0)[s0 - c0:]
            content_n[s0:s1] = np.bincount(cs, minlength=s1 - c0)[s0 - c0:]
        sw = C[:, _CC["word"]].astype(np.float64)

        # ----- dense: the document's (the sentences' rows are made from C when asked for)
        words_doc = float(sw.sum())
        nsent = int(np.count_nonzero(sw)) or 1
        tot = C.sum(axis=0, dtype=np.float64)  # whole numbers: exact in any order
        doc = np.empty(len(DENSE_NAMES))
        doc[_RATE_DST] = tot[_RATE_SRC] / np.where(_PER_WORD_MASK > 0, max(words_doc, 1.0), nsent)
        mean_sw = words_doc / nsent
        doc[_I["mean_sentence_words"]] = mean_sw
        doc[_I["share_long_sentences"]] = np.count_nonzero(sw >= 30) / nsent
        doc[_I["share_short_sentences"]] = (np.count_nonzero(sw <= 8) - (ns - np.count_nonzero(sw))) / nsent
        doc[_I["sd_sentence_words"]] = math.sqrt(max(float(sw @ sw) / nsent - mean_sw * mean_sw, 0.0))
        gs, osum = tot[C_GEN], tot[_CC["of"]]
        doc[_I["genitive_ratio"]] = gs / (gs + osum + 1.0)
        ov, ps = float(overlap.sum()), tot[_CC["personal"]]
        doc[_I["adjacent_overlap"]] = ov / max(int(content_n.sum()), 1)
        doc[_I["pronoun_vs_repeat"]] = ps / (ps + ov + 1.0)
        doc[_I["ttr_50"]], doc[_I["hapax_50"]] = _variety(wid)
        del wid

        # ----- rule findings
        R = len(self.rules)
        if R:
            ri, factor = self._rule_index, self.severity
            hits = []
            mass = [0.0] * R
            for fd in findings:
                r = ri.get(fd[0])
                if r is not None:
                    hits.append((fd[1], r))
                    mass[r] += factor.get(fd[4], 1.0) if len(fd) > 4 else 1.0
            # no count passes the number of findings: 16 bits hold them (the pipeline's
            # findings are capped per rule far below that)
            sent_rules = np.zeros((ns, R), dtype=np.int16 if len(hits) < 1 << 15 else np.int32)
            if hits:
                sr = np.array(hits, dtype=np.int64)
                np.clip(sr[:, 0], 0, ns - 1, out=sr[:, 0])
                np.add.at(sent_rules, (sr[:, 0], sr[:, 1]), 1)
        else:
            sent_rules = np.zeros((ns, 0), dtype=np.int32)
            mass = []
        f = Features(dense=doc, seq=seq, n_tokens=n, sent_tokens=st_i.astype(np.float64), n_words=int(words_doc),
                     sent_words=sw, rules=sent_rules.sum(axis=0).astype(np.float64), sent_rules=sent_rules,
                     sent_counts=C, sent_overlap=overlap, sent_content=content_n, rule_mass=mass)
        if codes:
            f.codes, f.code_sent = ngram_codes(seq, np.repeat(sents, framed), self.orders)
        return f


def _count_type(framed: np.ndarray, wb: np.ndarray, wpos: np.ndarray, wend: np.ndarray,
                text_length: int) -> type[np.generic]:
    """The smallest type that holds every sentence's counts exactly: 16 bits when none can pass
    65,535 (a document of 450,000 one-number sentences then takes 36 MB for them, not 72);
    else float32, exact below 2**24, or float64. A column counts at most one a token of the
    framed sentence (pairs: one a pair), except the word-length sum: at most the characters
    from the sentence's first word to its last."""
    has_words = wb[1:] > wb[:-1]
    first, last = wb[:-1][has_words], wb[1:][has_words] - 1
    chars = int((wend[last].astype(np.int64) - wpos[first]).max(initial=0))
    if max(int(framed.max(initial=0)) * int(_ROWS.max(initial=1)), chars) < 1 << 16:
        return np.uint16
    return np.float32 if text_length < 1 << 24 else np.float64


def _sentence_dense(counts: np.ndarray, words: np.ndarray, overlap: np.ndarray, content: np.ndarray,
                    doc: np.ndarray) -> np.ndarray:
    """Dense rows of a block of sentences from their counts (DENSE order)."""
    C = counts.astype(np.float64)
    D = np.empty((len(C), len(DENSE_NAMES)))
    D[:, _RATE_DST] = C[:, _RATE_SRC] / (1.0 + _PER_WORD_MASK * (np.maximum(words, 1.0)[:, None] - 1.0))
    D[:, _I["mean_sentence_words"]] = words
    gen, of, pers = C[:, C_GEN], C[:, _CC["of"]], C[:, _CC["personal"]]
    D[:, _I["genitive_ratio"]] = gen / (gen + of + 1.0)
    D[:, _I["adjacent_overlap"]] = overlap / np.maximum(content, 1)
    D[:, _I["pronoun_vs_repeat"]] = pers / (pers + overlap + 1.0)
    D[:, _DOC_ONLY] = doc[_DOC_ONLY]
    return D


def ngram_codes(seq: np.ndarray, seq_sent: np.ndarray, orders: Sequence[int] = ORDERS):
    """Every n-gram occurrence inside a sentence as an int code, and its sentence."""
    seq = seq.astype(np.int64)  # (kept as int16; codes of three classes need more)
    parts, sparts = [], []
    L = len(seq)
    for order in orders:
        if order > L:
            continue
        if order == 1:
            ok = (seq != _BOS) & (seq != _EOS)
            parts.append(seq[ok])
            sparts.append(seq_sent[ok])
            continue
        c = seq[: L - order + 1].copy()
        for k in range(1, order):
            c = c * BASE + seq[k: L - order + 1 + k]
        ok = seq_sent[: L - order + 1] == seq_sent[order - 1:]
        parts.append(c[ok])
        sparts.append(seq_sent[: L - order + 1][ok])
    if not parts:
        return _EMPTY, _EMPTY
    return np.concatenate(parts), np.concatenate(sparts)


def _overlap(cs: np.ndarray, cl: np.ndarray, ns: int) -> np.ndarray:
    """Per sentence: content words whose lemma occurs in the previous sentence."""
    if not len(cs):
        return np.zeros(ns)
    k = np.sort(cl * (ns + 1) + cs)  # by lemma, then sentence
    start = np.empty(len(k), dtype=bool)
    start[0] = True
    np.not_equal(k[1:], k[:-1], out=start[1:])
    hit = np.zeros(len(k), dtype=bool)
    hit[1:] = (k[1:] - k[:-1]) == 1  # a group that follows the same lemma's group of the sentence before
    group = np.cumsum(start) - 1
    hit = hit[np.flatnonzero(start)][group]
    return np.bincount(k % (ns + 1), weights=hit, minlength=ns)


def _variety(wid: np.ndarray, window: int = 50) -> tuple[float, float]:
    """Mean type-token ratio and hapax share over consecutive 50-word windows (the whole
    text when shorter), counted a block of windows at a time."""
    nw = len(wid)
    if nw == 0:
        return 0.0, 0.0
    blocks: Iterable[np.ndarray]
    if nw < window:
        blocks = [np.sort(wid)[None, :]]
    else:
        k = nw // window
        step = max(BLOCK // window, 1) * window
        blocks = (np.sort(wid[i:min(i + step, k * window)].reshape(-1, window), axis=1)
                  for i in range(0, k * window, step))
    distinct = once = size = 0
    for W in blocks:
        new = np.ones(W.shape, dtype=bool)
        new[:, 1:] = W[:, 1:] != W[:, :-1]
        last = np.ones(W.shape, dtype=bool)
        last[:, :-1] = new[:, 1:]
        distinct += int(new.sum())
        once += int((new & last).sum())
        size += W.size
    return float(distinct / size), float(once / size)


def _member(sorted_values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    if not len(sorted_values):
        return np.zeros(len(queries), dtype=bool)
    j = np.searchsorted(sorted_values, queries)
    j[j >= len(sorted_values)] = len(sorted_values) - 1
    return sorted_values[j] == queries


def run_bounds(sizes: np.ndarray) -> np.ndarray:
    """[0, sizes[0], sizes[0] + sizes[1], ...]: where each of consecutive runs starts, and the end."""
    out = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=out[1:])
    return out


def sentence_blocks(bounds: np.ndarray) -> Iterator[tuple[int, int]]:
    """(first, end) ranges of consecutive sentences, sentence s spanning bounds[s]..bounds[s + 1]
    of some stream, each of at most BLOCK items (a longer sentence alone): the blocks a long
    document is read in."""
    ns, size = len(bounds) - 1, BLOCK
    if bounds[ns] - bounds[0] <= size:  # (a news story: one block)
        yield 0, ns
        return
    s0 = 0
    while s0 < ns:
        s1 = int(np.searchsorted(bounds, bounds[s0] + size, side="right")) - 1
        s1 = min(max(s1, s0 + 1), ns)
        yield s0, s1
        s0 = s1


def _as_int_array(seq: Sequence[int]) -> np.ndarray:
    """Offsets as a numpy array of integers: the pipeline's arrays of machine integers are
    viewed, not copied (for 32-bit ones, numpy's arithmetic with int64 arrays gives int64)."""
    if isinstance(seq, array):
        a = np.frombuffer(seq, dtype=np.dtype(seq.typecode)) if len(seq) else np.zeros(0, dtype=np.int64)
        return a if a.dtype == np.int64 or a.dtype.itemsize <= 4 else a.astype(np.int64)
    if isinstance(seq, np.ndarray):
        return seq.astype(np.int64, copy=False)
    return np.fromiter(seq, dtype=np.int64, count=len(seq))



def rule_counts_of(findings: Iterable[Finding]) -> Mapping[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f[0]] = out.get(f[0], 0) + 1
    return out
