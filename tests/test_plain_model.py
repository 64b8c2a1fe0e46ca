"""The plain-Python provenance model (mtcheck/core/model/plain.py) against the numpy one: the
same figures to the last bit on real stories and on made-up text full of the cases the
feature extraction treats apart (typographic variants, runs of stops and dashes, hyphens,
contractions, far scripts, empty sentences). (That a check of one story never imports numpy
is in test_startup.py.)"""

from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path

import pytest

from mtcheck.core.model.model import ProvenanceModel, _Ngrams
from mtcheck.core.model.plain import MAX_WORDS, PlainModel, _Features
from mtcheck.core.model.scorer import SHIPPED, model_inputs
from mtcheck.core.model.vocabulary import _PUNCT_CHARS
from mtcheck.pipeline import Checker
from mtcheck.policy.options import Options

REPO = Path(__file__).resolve().parent.parent
STORIES = REPO.parent / "shared" / "eval" / "wmt21_zhen_docs.jsonl"


@lru_cache(maxsize=1)
def models() -> tuple[ProvenanceModel, PlainModel, Checker]:
    spec = json.loads(SHIPPED.read_bytes())
    return ProvenanceModel(spec), PlainModel(spec), Checker(Options(model="rules"))


def assert_same_reading(text: str) -> None:
    """Both models' whole reading of `text` as the pipeline analyses it, compared exactly
    (==, not approximately): the raw per-group and per-rule log-odds, the rounded figures, the
    explanation, and each sentence's raw log-odds."""
    numpy_model, plain_model, checker = models()
    inputs = model_inputs(checker.analyse(text))
    spans = [(int(start), int(end)) for start, end in inputs[4]]
    expected = numpy_model.score(*inputs)
    got = plain_model.score(*inputs[:4], spans, inputs[5])
    assert (got.probability, got.log_odds, got.verdict, got.words) == (
        expected.probability, expected.log_odds, expected.verdict, expected.words), text[:80]
    assert got.groups == expected.groups, text[:80]
    assert got.rules == expected.rules, text[:80]
    assert got.sentence_probability == expected.sentence_probability, text[:80]
    assert got.explanation == expected.explanation, text[:80]
    features = numpy_model.extractor.extract(*inputs)
    plain_features = _Features(plain_model, *inputs[:4], spans, inputs[5])
    assert plain_features.dense == features.dense.tolist()
    numpy_logits = numpy_model._sentence_logits(features, _Ngrams(numpy_model.index, features.seq))[0]
    assert plain_model._sentence_logits(plain_features) == numpy_logits.tolist()


@pytest.mark.skipif(not STORIES.is_file(), reason="needs ../shared/eval")
def test_the_same_figures_as_numpy_on_shared_stories():
    with STORIES.open(encoding="utf-8") as fh:
        stories = [json.loads(line)["text"] for line in fh if line.strip()]
    for text in stories[::4]:  # (all 1,224 agree too; a quarter keeps the suite fast)
        assert_same_reading(text)


PIECES = [
    "The", "minister", "said", "that", "the", "new", "crown", "pneumonia", "epidemic", "was", "given", "attention",
    "don't", "it's", "John's", "children's", "were", "held", "responsibly", "nationalization", "1,000", "3.5%",
    "well-known", "1990-95", "co-operation", "A", "I", "however", "Meanwhile", "and", "of", "which", "who",
    "中新社", "北京", "😀", "Ünïcödé", "straße", "İstanbul", "naïve", "x2", "U.S.", "e.g.", "...", "…", "--", "—",
    "–", " - ", "‐", "-", "!?", "?!", ";", ":", "(", ")", "[", "]", "«", "»", "“", "”", "‘", "’", "'", '"', "%",
    "$", "€", "/", "&", "＆", "，", "。", "、", "！", "？", "．．", "..", ".....", "——", "––", "-—", ".…", "\n",
    "\n\n", "\t", ",", ".", ".", ".", ",",
]


def made_up_text(rng: random.Random) -> str:
    parts = [rng.choice(PIECES) for _ in range(rng.randint(0, 160))]
    return "".join(p + rng.choice(("", " ", " ", " ", "\n")) for p in parts)


def test_the_same_figures_as_numpy_on_made_up_text():
    rng = random.Random(20261206)
    for _ in range(300):
        assert_same_reading(made_up_text(rng))
    for text in ("", "Word.", "No sentence end", "... --- …", "A. B. C.", "a-b -c d- e — f",
                 "".join(_PUNCT_CHARS) + " and the end.", "word " * 120, "The. " * 60):
        assert_same_reading(text)


def test_a_document_too_long_for_it_is_refused():
    _, plain_model, _ = models()
    words = ["word"] * (MAX_WORDS + 1)
    with pytest.raises(ValueError):
        plain_model.score("word " * len(words), words, list(range(0, 5 * len(words), 5)),
                          list(range(4, 5 * len(words), 5)), [(0, 5 * len(words))])

