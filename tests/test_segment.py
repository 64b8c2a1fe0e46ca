"""Segmentation: paragraphs and sentences with offsets, robust to news abbreviations and MT damage."""

import pytest

from mtcheck.core.segment import segment


def sentences(text):
    doc = segment(text)
    return [text[s.start:s.end] for s in doc.sentences]


def test_news_abbreviations_do_not_end_sentences():
    text = "On Nov. 3 the U.S. envoy met Gov. Smith and Dr. Lee at No. 10 Downing Street. They talked."
    assert sentences(text) == [
        "On Nov. 3 the U.S. envoy met Gov. Smith and Dr. Lee at No. 10 Downing Street.",
        "They talked.",
    ]


def test_decimals_and_initials():
    text = "Growth was 2.5 percent, said J. Smith of the bank. Prices rose 0.3 percent."
    assert sentences(text) == ["Growth was 2.5 percent, said J. Smith of the bank.", "Prices rose 0.3 percent."]


def test_quotes_stay_with_their_sentence():
    text = "\"We will win,\" he said. \"It is done.\" She agreed."
    assert sentences(text) == ["\"We will win,\" he said.", "\"It is done.\"", "She agreed."]


def test_sentence_final_abbreviation_before_a_new_sentence():
    text = "The talks involved the U.S. The next round is in May."
    assert sentences(text) == ["The talks involved the U.S.", "The next round is in May."]


def test_mt_damage_splits_before_a_lower_case_start():
    text = "Its so-called democracy summit is not true. democracy."
    assert sentences(text) == ["Its so-called democracy summit is not true.", "democracy."]


def test_dateline_and_paragraph_offsets():
    text = "BEIJING, Feb. 4 (Xinhua) -- The fair opened on Monday.\n\n  Visitors came from 25 provinces.\n"
    doc = segment(text)
    assert [text[p.start:p.end] for p in doc.paragraphs] == [
        "BEIJING, Feb. 4 (Xinhua) -- The fair opened on Monday.",
        "Visitors came from 25 provinces.",
    ]
    assert doc.paragraphs[1].indent_start == text.index("  Visitors")
    assert sentences(text) == [
        "BEIJING, Feb. 4 (Xinhua) -- The fair opened on Monday.",
        "Visitors came from 25 provinces.",
    ]


def test_positions_are_one_based_and_survive_crlf():
    text = "First line.\r\nSecond line here."
    doc = segment(text)
    at = text.index("here")
    assert doc.lines.position(at) == (2, 13)
    assert doc.lines.position(0) == (1, 1)
    assert doc.sentence_at(at) == 1


def test_one_paragraph_per_line_but_hard_wrapped_prose_is_joined():
    wire = "The fair opened.\nIt runs until Friday.\n"
    assert len(segment(wire).paragraphs) == 2
    wrapped = ("The fair opened on Monday in the city of\nHangzhou and will run for a week with\n"
               "visitors from across the country and\nabroad.\n")
    doc = segment(wrapped)
    assert len(doc.paragraphs) == 1 and len(doc.sentences) == 1


def test_full_width_colon_ends_a_line_of_a_list_intro():
    text = "The situation is as follows：\nHealth Bureau 271 cases (involving quarantine).\nTourism Bureau 1 case."
    doc = segment(text)
    assert next(text[p.start:p.end] for p in doc.paragraphs) == "The situation is as follows："
    assert len(doc.paragraphs) == 3


def test_sentences_read_like_a_list_of_sentences():
    # Held as arrays (a long document has hundreds of thousands); read as Sentence records.
    from mtcheck.core.segment import Sentence

    doc = segment("One two. Three four.\n\nFive six.")
    listed = list(doc.sentences)
    assert listed == [Sentence(0, 0, 8, 0), Sentence(1, 9, 20, 0), Sentence(2, 22, 31, 1)]
    assert doc.sentences[-1] == listed[-1] and doc.sentences[1:] == listed[1:]
    assert doc.sentences.spans().tolist() == [[0, 8], [9, 20], [22, 31]]
    with pytest.raises(IndexError):
        doc.sentences[3]
