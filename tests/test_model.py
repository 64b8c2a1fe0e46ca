"""The learned provenance model: fitting, the model file, scoring, typography-blindness.

The fitting runs on a handful of texts written here, in about a second, so the suite
exercises `fit` -> model file -> `ProvenanceModel.score` end to end."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from mtcheck.core.model import features
from mtcheck.core.model.features import BASE, DENSE_NAMES, Extractor, punctuation, tokenize
from mtcheck.core.model.model import (
    TOO_SHORT,
    ModelFileError,
    ProvenanceModel,
    _Ngrams,
    _sentence_sums,
    _weight_sum,
    default_model,
)
from mtcheck.core.rules import RULES
from mtcheck.evaluate.fit import TrainingDoc, TrainingError, TrainSettings, fit, write_model

HUMAN = [
    "The mayor, who took office in January, said the plan wasn't ready. \"We'll look at it again,\" she told "
    "reporters on Tuesday. Critics, however, say the city can't afford another delay; the bridge is already "
    "two years behind schedule and its cost has doubled.",
    "Rain is expected across the region this weekend, forecasters said. Farmers, whose crops have suffered "
    "through a dry spring, welcomed the news. \"It's about time,\" one grower said, laughing. Still, officials "
    "warned that flash floods couldn't be ruled out in low-lying towns.",
    "When the factory closed, hundreds of workers lost their jobs overnight. Many of them had spent decades "
    "on the line. Some found work in the next county; others, like Maria Lopez, retrained as nurses. She says "
    "she doesn't regret it, though the first year was hard.",
    "The museum's new wing, which opens next month, will house the collection that a local family donated. "
    "Its director called the gift remarkable. Tickets won't cost more, she said, because sponsors have "
    "covered the extra staff that the larger galleries need.",
    "After a slow start, the team won four of its last five games. The coach, who was nearly fired in "
    "March, credits the players. \"They didn't give up,\" he said. Fans who'd stayed away have begun to "
    "return, and the stadium was almost full on Sunday.",
    "Scientists have found that the lake's water level fell faster than they had predicted. The study, "
    "which was published on Monday, blames both drought and the farms that draw water from its rivers. "
    "Its authors say that they're worried, but that it isn't too late.",
]
MT = [
    "The city government held a meeting. The meeting studied the plan of the bridge. The plan of the bridge "
    "is important. At the same time, the city government requires to promote the construction of the bridge "
    "in an all-round way and improve the level of the construction.",
    "The weather department said that there will be rain in the region. The rain will be beneficial to the "
    "agricultural production. At the same time, the relevant departments require to do a good job in the "
    "prevention of the flood and ensure the safety of the people.",
    "The factory stopped the production. The workers of the factory lost the work. The relevant departments "
    "organized the training of the workers. At the same time, the workers actively participated in the "
    "training and improved the ability of the employment.",
    "The museum will open the new exhibition hall. The exhibition hall will display the collection of the "
    "donation. The leader of the museum said that the donation is of great significance. At the same time, "
    "the museum will strengthen the management of the exhibition hall.",
    "The team achieved the victory in the match. The coach said that the players made the efforts. At the "
    "same time, the team will continue to strengthen the training and improve the level of the competition "
    "and strive to achieve the better results in the new season.",
    "The scientists carried out the research on the lake. The research shows that the water level of the "
    "lake decreased. At the same time, the scientists said that it is necessary to strengthen the protection "
    "of the water resources and promote the sustainable development.",
]


def sentences_of(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch in ".!?" and (i + 1 == len(text) or text[i + 1] == " ") and (i + 1 == len(text) or text[i - 1] != '"'):
            spans.append((start, i + 1))
            start = i + 2
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def training_docs() -> list[TrainingDoc]:
    docs = []
    for k, (h, m) in enumerate(zip(HUMAN, MT)):
        for text, is_mt in ((h, False), (m, True)):
            findings = [("calque.phrase", 1)] if "all-round" in text else []
            docs.append(TrainingDoc(text=text, is_mt=is_mt, group=f"story{k}", source="fixture",
                                    sentences=sentences_of(text), findings=findings))
    return docs


SMALL = TrainSettings(folds=3, max_ngrams=300, min_df=0.0, min_words=20)


@pytest.fixture(scope="module")
def trained():
    return fit(training_docs(), SMALL)


def score(model: ProvenanceModel, text: str, findings=()):
    words, starts, ends = tokenize(text)
    return model.score(text, words, starts, ends, sentences_of(text), findings)


def test_training_writes_a_model_that_separates_its_classes(trained, tmp_path):
    spec, figures = trained
    path = tmp_path / "model.json"
    write_model(spec, path)
    model = ProvenanceModel.load(path)
    p_human = [score(model, t).probability for t in HUMAN]
    p_mt = [score(model, t).probability for t in MT]
    assert min(p_mt) > max(p_human)
    assert [(f.source, f.human, f.mt) for f in figures.sources] == [("fixture", 6, 6)] and figures.folds == 3


def test_training_is_deterministic(trained, tmp_path):
    spec2, _ = fit(training_docs(), SMALL)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert write_model(trained[0], a) == write_model(spec2, b)
    assert a.read_bytes() == b.read_bytes()


def test_one_class_is_refused():
    docs = [d for d in training_docs() if d.is_mt]
    with pytest.raises(TrainingError):
        fit(docs, SMALL)


def test_typography_does_not_change_the_score(trained):
    model = ProvenanceModel(trained[0])
    plain = HUMAN[0]
    typeset = plain.replace(' "', " \u201c").replace('," ', ",\u201d ").replace("'", "\u2019") \
        .replace("; ", " \u2014 ")
    straight_dash = plain.replace("; ", " -- ")
    a, b, c = score(model, plain.replace("; ", " - ")), score(model, typeset), score(model, straight_dash)
    assert b.probability == c.probability == a.probability
    assert b.sentence_probability == a.sentence_probability


def test_punctuation_folds_typography():
    for text in ('He said "no" -- twice...', "He said \u201cno\u201d \u2014 twice\u2026", "He said \u00abno\u00bb \u2013 twice ..."):
        _, starts, ends = tokenize(text)
        _, cls = punctuation(text, np.asarray(starts), np.asarray(ends))
        assert len(cls) == 4  # opening quote, closing quote, dash, ellipsis


def test_punctuation_read_in_chunks_finds_the_marks_of_the_whole_text(monkeypatch):
    # Runs of dots and dashes across chunk edges, wide characters in some chunks only.
    text = "".join(f"He said... well -- no, {i}!! The well-known plan\u2026\u2026 (1990-95) \u201cyes\u201d\u2014 "
                   f"{'ok' * (i % 5)}.." for i in range(300))
    _, starts, ends = tokenize(text)
    whole = punctuation(text, np.asarray(starts), np.asarray(ends))
    assert len(whole[0]) > 3000 and set(whole[1].tolist()) > {features.CLASS_ID["..."], features.CLASS_ID["HYPHEN"]}
    for chunk in (7, 64, 1000):
        monkeypatch.setattr(features, "_TEXT_CHUNK", chunk)
        chunked = punctuation(text, np.asarray(starts), np.asarray(ends))
        for a, b in zip(whole, chunked, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_hyphen_is_not_a_dash():
    ex = Extractor()
    for text in ("a well-known case", "a well\u2011known case"):
        w, s, e = tokenize(text)
        f = ex.extract(text, w, s, e, [(0, len(text))])
        assert f.dense[DENSE_NAMES.index("hyphen_rate")] > 0
        assert f.dense[DENSE_NAMES.index("dash_rate")] == 0


def test_short_documents_are_too_short_to_tell(trained):
    model = ProvenanceModel(trained[0])
    r = score(model, "Officials met on Monday.")
    assert r.verdict == TOO_SHORT and r.probability is None
    assert len(r.sentence_probability) == 1


def test_explanation_names_groups_in_plain_words(trained):
    model = ProvenanceModel(trained[0])
    r = score(model, MT[0], [("calque.phrase", 1, 190, 209)])
    assert r.explanation and all("log-odds" in e.line and e.detail for e in r.explanation)
    assert [abs(e.log_odds) for e in r.explanation] == sorted((abs(e.log_odds) for e in r.explanation), reverse=True)
    # the groups are the model: their sum is the log-odds less the calibrated bias
    pa, pb = model.doc.platt
    assert abs(sum(r.groups.values()) - (r.log_odds - pa * model.doc.bias - pb)) < 1e-3


def test_the_rule_weights_join_the_score_and_the_evidence(trained):
    """Training adds the checker's hand-set rule weights to the learned score: a finding moves
    the log-odds by its weight's term (saturating, by severity) on top of what the fitted
    rates give, and the rule's evidence carries the same amount."""
    spec = trained[0]
    assert spec["rule_weights"]["scale"] > 0 and spec["settings"]["rule_weight_share"] == 0.5
    mixed, learned = ProvenanceModel(spec), ProvenanceModel({k: v for k, v in spec.items() if k != "rule_weights"})
    pa = mixed.doc.platt[0]
    scale, weight = spec["rule_weights"]["scale"], spec["rule_weights"]["weights"]["calque.phrase"]
    assert weight == RULES["calque.phrase"].weight > 0
    for severity, factor in (("error", 1.0), ("warning", 0.6), ("info", 0.2)):
        finding = ("calque.phrase", 1, 190, 209, severity)
        a, b = score(mixed, MT[0], [finding]), score(learned, MT[0], [finding])
        units = max(1.0, a.words / 250)
        term = pa * scale * weight * (1 - math.exp(-factor / units))
        assert a.log_odds - b.log_odds == pytest.approx(term, abs=1e-4)
        assert a.rules["calque.phrase"] - b.rules["calque.phrase"] == pytest.approx(term)
        assert a.groups["rules"] - b.groups["rules"] == pytest.approx(term)
    # no finding, no term; a finding without its severity counts in full
    assert score(mixed, MT[0]).log_odds == score(learned, MT[0]).log_odds
    four = score(mixed, MT[0], [("calque.phrase", 1, 190, 209)])
    assert four.log_odds == score(mixed, MT[0], [("calque.phrase", 1, 190, 209, "error")]).log_odds
    # and training can leave them out
    assert "rule_weights" not in fit(training_docs(), replace(SMALL, rule_weight_share=0.0))[0]


def long_text() -> str:
    """Some 100,000 characters of the stories above, with typographic marks and other scripts."""
    extras = ["Prices rose 3.5% \u2014 the most since 1990\u201395\u2026 \u201cIt\u2019s well\u2011known,\u201d he "
              "said... \u201cWe\u2019ll see.\u201d",
              "\u5171\u540c\u5bcc\u88d5 was the slogan -- again!! (Twice.)",
              "Astral characters \U0001f600 \u2014 \U00020000\u2026 take four bytes."]
    return " ".join([*HUMAN, *MT, *extras] * 40)


def test_a_long_document_read_in_blocks_gives_the_same_numbers(monkeypatch):
    """A long document's features and n-gram sums are built a block of sentences at a time (a
    10 MB text's per-token arrays would be hundreds of MB): the block size changes no number,
    to the last bit, and the sums are those of the whole arrays."""
    model = default_model()
    text = long_text()
    words, starts, ends = tokenize(text)
    spans = sentences_of(text)
    findings = [(rule, k, spans[k][0], spans[k][0] + 5) for k in range(0, len(spans), 7) for rule in model.rules[:2]]

    def extract_and_score():
        f = model.extractor.extract(text, words, starts, ends, spans, findings)
        return f, model.score(text, words, starts, ends, spans, findings)

    f, whole = extract_and_score()
    assert len(f.seq) > 20_000  # one block at the default size
    monkeypatch.setattr(features, "BLOCK", 200)
    monkeypatch.setattr(features, "_TEXT_CHUNK", 777)
    monkeypatch.setattr(features, "ROWS_AT_ONCE", 7)
    g, blocked = extract_and_score()
    for name in ("dense", "sent_dense", "seq", "sent_tokens", "sent_words", "rules", "sent_rules"):
        assert np.array_equal(getattr(f, name), getattr(g, name)), name
    assert (blocked.probability, blocked.log_odds, blocked.groups, blocked.rules) == \
        (whole.probability, whole.log_odds, whole.groups, whole.rules)
    assert blocked.sentence_probability == whole.sentence_probability
    assert blocked.explanation == whole.explanation

    # the n-gram sums, taken in blocks, against the same sums over the whole arrays
    seq, L = g.seq.astype(np.int64), len(g.seq)
    pair = seq[:-1] * BASE + seq[1:]
    ix = model.index
    known = np.concatenate((ix.uni[seq], ix.bi[pair], ix.tri[ix.prefix[pair[:-1]] + seq[2:]]))
    assert np.array_equal(ix.known(g.seq, 0, ix.size(g.seq)), known)
    ngrams = _Ngrams(ix, g.seq)
    assert ngrams.whole is None  # read a range at a time
    w = model._doc_ngram_w
    assert _weight_sum(w, ngrams, 0, len(known)) == float(w[known].sum())
    rng = np.random.default_rng(0)  # weights on which another order of adding gives another last bit
    v = len(w)
    for w in (rng.uniform(0, 1, v), np.pi / np.sqrt(np.arange(1, v + 1)), rng.standard_normal(v) * 10.0 ** rng.uniform(-3, 3, v)):
        assert _weight_sum(w, ngrams, 0, len(known)) == float(w[known].sum())
    seq_sent = np.repeat(np.arange(len(g.sent_tokens)), g.sent_tokens.astype(np.int64) + 2)
    by_sentence = np.bincount(np.concatenate((seq_sent, seq_sent[:-1], seq_sent[:-2])),
                              weights=model._sent_ngram_w[known], minlength=len(g.sent_tokens))
    assert np.array_equal(_sentence_sums(model._sent_ngram_w, ngrams, g.sent_tokens), by_sentence)
    assert g.n_tokens + 2 * len(g.sent_tokens) == L


def test_a_model_file_of_another_format_is_refused(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ModelFileError):
        ProvenanceModel.load(bad)
    with pytest.raises(ModelFileError):
        ProvenanceModel.load(tmp_path / "missing.json")
    truncated = tmp_path / "t.json"
    truncated.write_text(json.dumps({"format": "mtcheck-provenance-model/2", "classes": [], "dense": []}))
    with pytest.raises(ModelFileError):
        ProvenanceModel.load(truncated)


@pytest.mark.parametrize("block", [{"weights": 3}, {"weights": {}, "severity": [], "words_per_unit": 250, "scale": 1},
                                   {"weights": {"calque.phrase": "heavy"}, "severity": {}, "words_per_unit": 250,
                                    "scale": 1}])
def test_a_malformed_rule_weights_block_is_a_model_file_error(trained, tmp_path, block):
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({**trained[0], "rule_weights": block}))
    with pytest.raises(ModelFileError, match=r"m\.json"):
        ProvenanceModel.load(bad)
