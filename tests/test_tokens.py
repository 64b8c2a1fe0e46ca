"""The shared tokenisation: the same words, offsets and counts as splitting the text directly,
whatever the chunking, so that every rule reading them finds what it found before."""

import random
import re

import pytest

from mtcheck.core import tokens as tokens_mod
from mtcheck.core.tokens import tokenize

WORD = re.compile(r"\w+")
PIECES = ["The", "the", "minister", "said", "İstanbul", "don't", "COVID-19", "共同富裕", "Müller", "ΟΔΟΣ", "_x_",
          "2021", ",", ".", " ", "  ", "\n", "\n\n", "\t", "\u3000", "—", "“", "”", "(over)", "e.g."]


def random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(["", " ", " ", "\n"]) for _ in range(n))


def check_against_re(text: str) -> None:
    t = tokenize(text)
    found = list(WORD.finditer(text))
    assert [m.group() for m in found] == t.words
    assert [m.start() for m in found] == list(t.starts) and [m.end() for m in found] == list(t.ends)
    assert [m.group().lower() for m in found] == list(t.lower)
    assert t.running_words == len(text.split())
    assert len(t) == len(found)


@pytest.mark.parametrize("seed", range(20))
def test_words_offsets_and_counts_match_re(seed, monkeypatch):
    rng = random.Random(seed)
    monkeypatch.setattr(tokens_mod, "CHUNK_CHARS", rng.choice([1, 7, 64, 1 << 16]))  # chunk edges everywhere
    check_against_re(random_text(rng, rng.randint(0, 400)))


@pytest.mark.parametrize("text", ["", " ", "word", "  two words  ", "共同富裕", "a\u3000b", "x" * 70_000 + " y"])
def test_edge_texts(text):
    check_against_re(text)


def test_offsets_stay_in_the_text_when_lower_casing_changes_length():
    # "İ".lower() is two characters: lower-casing the whole text first would shift every
    # later offset by one (it did, in the repetition rule).
    text = "İstanbul said said so."
    t = tokenize(text)
    k = t.lower.index("said")
    assert text[t.starts[k]:t.ends[k]] == "said" and t.lower[0] == "i̇stanbul"


def test_equal_words_of_a_long_text_share_one_string():
    # A pointer a word, not a string: what keeps a 10 MB document's words small.
    t = tokenize("the cat and the dog and the bird. " * 3000)
    assert len(t.text) > tokens_mod.CHUNK_CHARS
    assert t.lower[0] is t.lower[3] is t.lower[6] is t.lower[-2]


@pytest.mark.parametrize("seed", range(10))
def test_clipped_is_findall_on_the_slice(seed):
    rng = random.Random(seed)
    text = random_text(rng, 200)
    t = tokenize(text)
    for _ in range(200):
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert t.clipped(a, b) == WORD.findall(text[a:b])
        assert t.clipped(a, b, slice(-4, None)) == WORD.findall(text[a:b])[-4:]
        assert t.clipped(a, b, slice(4)) == WORD.findall(text[a:b])[:4]
        inside = [(m.start(), m.end()) for m in WORD.finditer(text) if a <= m.start() and m.end() <= b]
        assert [(t.starts[k], t.ends[k]) for k in t.between(a, b)] == inside


def test_gap_and_word():
    t = tokenize("One, two  three.")
    assert [t.word(k) for k in range(len(t))] == ["One", "two", "three"]
    assert [t.gap(k) for k in range(len(t))] == [", ", "  ", "."]


def test_a_doubled_word_after_a_dotted_capital_i_is_reported_where_it_stands(found):
    # The repetition rule used to lower-case the whole text before splitting it; "İ" grows
    # to two characters when lower-cased, and every later finding was one character off
    # ("he the " for "the the").
    text = "The mayor of İstanbul said the the plan would go ahead on Monday, and officials agreed with the plan."
    assert found(text, "repetition") == [("repetition.doubled-word", "the the")]


def test_words_past_65536_distinct_ones_are_still_each_their_own(monkeypatch):
    # Word indices are 16-bit until the distinct words outgrow them, then 32-bit.
    monkeypatch.setattr(tokens_mod, "CHUNK_CHARS", 1 << 12)  # the switch falls inside the text
    text = " ".join(f"w{i:x}" for i in range(70_000)) + " W0 w1"
    t = tokenize(text)
    assert t.lower.ids.typecode == "I" and len(t.lower.vocab) == 70_000
    check_against_re(text)
    assert t.lower[-2] is t.lower[0] and t.lower[-1] is t.lower[1]
