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


def test_price_abbreviations_end_a_sentence_only_before_a_plain_start():
    text = "A set costs 290 yen excl. tax and 300 yen incl. tax. The shop opens at ten."
    assert sentences(text) == ["A set costs 290 yen excl. tax and 300 yen incl. tax.", "The shop opens at ten."]
    assert sentences("Prices are 290 yen incl. The shop opens at ten.")[1] == "The shop opens at ten."


def test_decimals_and_initials():
    text = "Growth was 2.5 percent, said J. Smith of the bank. Prices rose 0.3 percent."
    assert sentences(text) == ["Growth was 2.5 percent, said J. Smith of the bank.", "Prices rose 0.3 percent."]


def test_quotes_stay_with_their_sentence():
    text = "\"We will win,\" he said. \"It is done.\" She agreed."
    assert sentences(text) == ["\"We will win,\" he said.", "\"It is done.\"", "She agreed."]


def test_sentence_final_abbreviation_before_a_new_sentence():
    text = "The talks involved the U.S. The next round is in May."
    assert sentences(text) == ["The talks involved the U.S.", "The next round is in May."]


def test_an_exclamation_mark_inside_a_name_does_not_end_the_sentence():
    text = "Body found in river (Chukyo TV) - Yahoo! News reported it first. Police said so."
    assert sentences(text) == ["Body found in river (Chukyo TV) - Yahoo! News reported it first.", "Police said so."]
    assert sentences("Samsung doubles down (WoW! Korea) on phones. Sales rose.") == [
        "Samsung doubles down (WoW! Korea) on phones.", "Sales rose."]
    # but an exclamation ends its sentence, inside brackets too, when a sentence follows
    assert sentences("I love Yahoo! It is fast.") == ["I love Yahoo!", "It is fast."]
    assert sentences("He won (twice! The first time in 1990.) again.")[0] == "He won (twice!"


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


def test_hard_wrapped_copy_reads_as_if_each_paragraph_were_one_line():
    # Wrapped at 44 characters, paragraphs of two lines (one line break each to judge by).
    wrapped = ("BEIJING, July 26 (Xinhua) -- The ministry\nsaid on the 26th that the plan would go on.\n\n"
               "The cross-border trade fair opened on the\n26th, officials said on Monday.\n\n"
               "Most exhibitors came from Zhejiang and\nJiangsu provinces, the organisers said.\n\n"
               "Visitors were asked to wear masks \"at all\ntimes\" in the exhibition halls.\n\n"
               "Responsible editor: Li Si\n(over)\n")
    doc = segment(wrapped)
    assert len(doc.text) == len(wrapped)
    assert [doc.text[p.start:p.end] for p in doc.paragraphs] == [
        "BEIJING, July 26 (Xinhua) -- The ministry said on the 26th that the plan would go on.",
        "The cross-border trade fair opened on the 26th, officials said on Monday.",
        "Most exhibitors came from Zhejiang and Jiangsu provinces, the organisers said.",
        'Visitors were asked to wear masks "at all times" in the exhibition halls.',
        "Responsible editor: Li Si",  # a line well short of the width ends where its writer ended it
        "(over)",
    ]
    assert doc.lines.position(wrapped.index("Jiangsu")) == (8, 1)  # positions are the file's


def test_one_paragraph_a_line_is_not_read_as_wrapped():
    wire = ("Chinese fair opens in Hangzhou - chinanews.com\n"
            "chinanews.com, Hangzhou, July 26 (Reporter Li Si) The fair opened on the\n"
            "26th, officials said.\nMore than 300 companies took part.\nVisitors came from 25 provinces.\n")
    doc = segment(wire)
    assert [doc.text[p.start:p.end] for p in doc.paragraphs] == [
        "Chinese fair opens in Hangzhou - chinanews.com\nchinanews.com, Hangzhou, July 26 (Reporter Li Si) "
        "The fair opened on the 26th, officials said.",  # the dateline keeps its line: a lower-case start
        "More than 300 companies took part.",
        "Visitors came from 25 provinces.",
    ]
    # Items a line, none ending a sentence: short lines, but none goes on in lower case.
    prices = ("Tickets\n3,850 yen (no extras)\n4,950 yen (with a programme)\n"
              "8,250 yen for a set of two performances (with a programme)\nOn sale until October 31\n")
    assert len(segment(prices).paragraphs) == 5
    titles = "".join(f"[Nora Books] Complete collection, {n} volumes, children's picture books, ages 3 to 6, "
                     "with phonetic symbols for early readers\n" for n in range(3, 8))
    assert len(segment(titles).paragraphs) == 5
    # Beside hard-wrapped prose, lines longer than any width copy is wrapped to stay apart.
    prose = ("The fair opened on Monday in the city of\nHangzhou and will run for a week with\n"
             "visitors from across the country and\nabroad, the organisers said.\n\n")
    titles = "".join(f"Complete Collection of {n} Volumes, Classic Mathematics Series, Children's Picture Books "
                     "for Ages 3 to 6\n" for n in range(3, 6))
    assert len(segment(prose + titles).paragraphs) == 1 + 3


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


def test_a_quotation_set_one_sentence_a_line_runs_to_the_line_that_closes_it():
    # Copy set one sentence a line: the quotation opened on the first line is closed on the
    # third, with a line of no quote marks between; the line after it is not quoted.
    text = ('"We cannot get our money back.\nThe firm wants double the fee.\n'
            'We are packed and ready to go," she said.\nThe firm, it said, would reply.')
    doc = segment(text)
    assert doc.in_quote(text.index("firm wants")) and doc.in_quote(text.index("packed"))
    assert not doc.in_quote(text.index("she said")) and not doc.in_quote(text.index("would reply"))
    curly = "“We cannot get our money back.\nWe are ready to go.”\nThe firm did not reply."
    assert segment(curly).in_quote(curly.index("ready")) and not segment(curly).in_quote(curly.index("firm"))


def test_a_quotation_is_carried_over_a_few_lines_at_most():
    from mtcheck.core.segment import QUOTE_CARRY

    def closes(between: int) -> bool:
        text = '"We cannot get our money back.\n' + "The firm said nothing.\n" * between + 'We are ready to go."'
        return segment(text).in_quote(text.index("We are ready"))

    assert closes(QUOTE_CARRY) and not closes(QUOTE_CARRY + 1)
    # A mark that does not open a quotation (a garbled apostrophe) is carried nowhere.
    text = 'The voters" anger grew.\nThey said "enough".\nIt ended."'
    assert not segment(text).in_quote(text.index("They said"))
