"""Each rule family on short MT-style fixtures: what it catches, and what it leaves alone."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcheck.core.rules import all_rules, rule_infos

from conftest import PLAIN


def test_every_rule_has_a_stable_id_category_severity_and_message():
    rules = all_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert r.id.count(".") == 1 and r.id == r.id.lower()
        assert r.category and r.family and r.message and r.description
        assert r.severity.value in ("info", "warning", "error")
    assert {r.family for r in rules} == {"calques", "repetition", "fragments", "punctuation", "script", "markers", "numbers"}
    assert [i.id for i in rule_infos()] == ids


# --- calques and house terms -------------------------------------------------------

def test_calque_terms_with_suggestion_source_term_and_pair_location(check):
    report = check(PLAIN + " Cases of new crown pneumonia rose, China News Agency said.")
    by_text = {f.text: f for f in report.findings if f.category == "calque"}
    covid = by_text["new crown pneumonia"]
    assert covid.rule == "calque.term" and covid.severity.value == "error"
    assert "COVID-19" in covid.suggestion and covid.source_language == "zh" and covid.source_term
    assert covid.pair and covid.pair.split(":")[-1].isdigit()
    assert by_text["China News Agency"].suggestion.startswith("China News Service")


def test_calques_are_case_insensitive_inflected_and_cross_line_breaks(found):
    text = PLAIN + "\nThey joined the Sanctions\nClubs of the West and were building small cliques."
    hits = [t for _, t in found(text, "calque")]
    assert "Sanctions\nClubs" in hits
    assert "small cliques" in hits


def test_calques_are_word_bounded(found):
    # "sanctions clubhouse" and "my countryside" are not "sanctions club" or "my country".
    text = PLAIN + " The sanctions clubhouse opened in my countryside village."
    assert found(text, "calque") == []


def test_my_country_is_flagged_but_china_is_not(found):
    assert ("calque.phrase", "my country") in found(PLAIN + " Exports of my country grew fast.", "calque")
    assert found(PLAIN + " Exports of China grew fast.", "calque") == []


def test_my_country_inside_a_quotation_is_the_speakers_own(found):
    told = "Exports of my country grew fast."
    quoted = [f'"{told}" the minister said.', f"\u201c{told}\u201d the minister said.",
              f'He spoke first.\n\n"We are ready," she said. "{told}" she added.']
    for text in quoted:
        assert ("calque.phrase", "my country") not in found(PLAIN + "\n\n" + text, "calque"), text
    reported = f'"We are ready," she said.\n\nThe minister said that {told[0].lower()}{told[1:]}'
    assert ("calque.phrase", "my country") in found(PLAIN + "\n\n" + reported, "calque")


# --- repetition -----------------------------------------------------------------------

@pytest.mark.parametrize("text, rule, span", [
    ("He said the the plan was ready.", "repetition.doubled-word", "the the"),
    ("The public supported and supported the measures.", "repetition.coordinated", "supported and supported"),
    ("Inspection and inspection work was carried out.", "repetition.coordinated", "Inspection and inspection"),
    ("It is the work of the government the work of the government to act.", "repetition.phrase",
     "the work of the government the work of the government"),
])
def test_repetition_is_found(found, text, rule, span):
    assert (rule, span) in found(PLAIN + " " + text, "repetition")


@pytest.mark.parametrize("text", [
    "We had had enough of it.",
    "More and more people came again and again.",
    "Prices rose faster and faster over the years.",
    "He said that that plan was fine.",
    "Scores were 1 1 and 2 2 in the round.",
    "It was the end. The end came.",
])
def test_good_english_repetition_is_left_alone(found, text):
    assert found(PLAIN + " " + text, "repetition") == []


def test_doubled_word_fix_is_safe_and_keeps_one_copy(check):
    f = next(f for f in check(PLAIN + " The the plan.").findings if f.rule == "repetition.doubled-word")
    assert f.fix_safe and f.suggestion == "The"


# --- fragments -------------------------------------------------------------------------

def test_echo_fragment_after_a_full_sentence(found):
    text = PLAIN + " China will continue to contribute to the cause of human progress. Contribute to the cause."
    assert ("fragment.echo", "Contribute to the cause.") in found(text, "fragment")


def test_lower_case_start_after_full_stop(found):
    text = PLAIN + " Its so-called democracy summit is not true. democracy."
    assert ("fragment.lowercase-start", "democracy") in found(text, "fragment")


def test_a_short_real_sentence_is_not_an_echo(found):
    text = PLAIN + " The ministry will publish the plan next week. It said so."
    assert found(text, "fragment.echo") == []


@pytest.mark.parametrize("ending", ["and.", "of the.", "with the."])
def test_dangling_endings(found, ending):
    text = PLAIN + " The two sides agreed to expand trade " + ending
    assert [r for r, _ in found(text, "fragment.dangling-end")] == ["fragment.dangling-end"]


def test_unbalanced_brackets_and_quotes(found):
    text = PLAIN + " The plan (announced on Monday was welcomed. He called it “a success."
    rules = [r for r, _ in found(text, "fragment.unbalanced")]
    assert rules == ["fragment.unbalanced", "fragment.unbalanced"]
    assert found(PLAIN + " The plan (announced on Monday) was “a success”.", "fragment.unbalanced") == []


@pytest.mark.parametrize("sentence, span", [
    ("The logistics are fast, the goods are good.", ", the goods are"),
    ("Heat dissipation is good, the fan is very powerful.", ", the fan is"),
    ("The company was founded in 1990, it has since grown into a giant.", ", it has"),
    ("The old house is not easy to sell, it still needs repairs.", ", it still needs"),
    ("They are left out after the election, this kind of democracy is not true.", ", this kind of democracy is"),
])
def test_comma_splice_from_the_comma_to_the_second_verb(found, sentence, span):
    """The finding shows the editor where the second sentence starts: the comma, its subject, its verb."""
    assert found(PLAIN + " " + sentence, "fragment.comma-splice") == [("fragment.comma-splice", span)]


@pytest.mark.parametrize("sentence", [
    "When the minister arrived, he was greeted by crowds.",  # a subordinate clause first
    "In May last year, the company was sold.",  # an adverbial first: no verb before the comma
    "Asked about the plan, she declined to comment.",  # a participle first
    "The plan, he believes, is sound.",  # a parenthesis
    "The plan is sound, he believes.",  # a reporting verb
    "It has a fatal problem, that is, the service may not keep up.",  # an explanation
    "The more it grows, the more it costs.",  # a comparative pair
    "Had the rain stopped earlier, they would have won.",  # an inverted conditional
    "Exports rose, imports fell, and the surplus widened.",  # a series of clauses
    "The firm lists China, the United States and the EU as markets.",  # a list of names
    '"The market is calm, we are not worried," the official said.',  # speech, as spoken
    "The deal was signed in May, it was reported.",  # passive reporting
    "Note that while buses and trains will run in most areas, they may be late.",  # a subordinate clause inside
    "The plan is modest (in truth, it was written for one city).",  # an aside in brackets
    "The first time I ordered the soup, it was cold.",  # a clause of time opened by a noun
])
def test_comma_splice_leaves_english_alone(found, sentence):
    assert found(PLAIN + " " + sentence, "fragment.comma-splice") == []


# --- spacing and punctuation -------------------------------------------------------------

@pytest.mark.parametrize("text, rule, span", [
    ("It is anti-democratic .", "punctuation.space-before", " ."),
    ("He said , then left.", "punctuation.space-before", " ,"),
    ("The \" Sports Bar Youth \" club opened.", "punctuation.space-inside", "\" Sports Bar Youth \""),
    ("The plan ( new ) was set.", "punctuation.space-inside", "( "),
    ("Prices rose,, then fell.", "punctuation.doubled", ",,"),
    ("Really?? he asked.", "punctuation.doubled", "??"),
    ("The talks went well，and ended。", "punctuation.full-width", "，"),
    ("The talks\u3000went well.", "punctuation.ideographic-space", "\u3000"),
])
def test_punctuation_findings(found, text, rule, span):
    assert (rule, span) in found(PLAIN + " " + text, "punctuation")


def test_ellipsis_and_abbreviations_are_fine(found):
    text = PLAIN + " He paused... then spoke. The U.S., Japan and others agreed; talks end at 5 p.m."
    assert found(text, "punctuation") == []


def test_space_indented_paragraphs(found):
    text = PLAIN + "\n\n  The second paragraph is indented.\n\n  So is the third one here.\n"
    assert [r for r, _ in found(text, "punctuation")] == ["punctuation.indent", "punctuation.indent"]


def test_mixed_apostrophes_are_reported_once(found):
    text = PLAIN + " China's economy grew. The country’s exports rose and the bank’s profit fell."
    hits = found(text, "punctuation.mixed-quotes")
    assert hits == [("punctuation.mixed-quotes", "'")]


# --- script residue and language ----------------------------------------------------------

def test_untranslated_chinese_is_residue_with_its_language(check):
    report = check(PLAIN + " The fair, known as 农博会, opened on Monday.")
    residue = [f for f in report.findings if f.rule == "script.residue"]
    assert [f.text for f in residue] == ["农博会"] and residue[0].source_language == "zh"


def test_romanised_names_and_accents_are_not_residue(found):
    text = PLAIN + " Xi Jinping met José Núñez and Zhang Xiaoming in Ürümqi."
    assert found(text, "script") == []


def test_a_document_in_another_language_gets_one_finding(check):
    text = ("Le gouvernement a annoncé lundi un nouveau plan pour les entreprises de la région. "
            "Les ministres se sont réunis à Paris pour discuter des mesures et de leur calendrier. ") * 5
    report = check(text)
    assert [f.rule for f in report.findings] == ["script.not-english"]
    assert report.provenance.document_language.code == "fr"


# --- markers and datelines ---------------------------------------------------------------

def test_chinese_wire_dateline_gets_a_wire_style_suggestion(check):
    report = check("China News Agency, Washington, November 27th. " + PLAIN)
    dl = [f for f in report.findings if f.rule == "marker.dateline"]
    assert dl and dl[0].suggestion == "WASHINGTON, Nov. 27 (CNS) --"
    assert report.provenance.dateline.style == "chinese-wire"


@pytest.mark.parametrize("tail, marker", [("\n(over)\n", "(over)"), ("\n(End)\n", "(End)"), ("\n(完)\n", "(完)")])
def test_end_markers(found, tail, marker):
    assert ("marker.end", marker) in found(PLAIN + tail, "marker")


def test_end_word_inside_a_sentence_is_not_a_marker(found):
    assert found(PLAIN + " It rose 5 percent (over) the year before.", "marker.end") == []


def test_bare_ordinal_date_uses_the_dateline_month(check):
    report = check("China News Agency, Washington, November 27th. The bill passed on the 26th. " + PLAIN)
    bare = [f for f in report.findings if f.rule == "marker.ordinal-date"]
    assert [(f.text, f.suggestion) for f in bare] == [("on the 26th", "on Nov. 26")]


def test_ordinals_that_are_not_dates_are_left_alone(found):
    text = PLAIN + " It was the 26th meeting and the 3rd round of talks in the 21st century."
    assert found(text, "marker.ordinal-date") == []


def test_credit_lines(found):
    text = PLAIN + "\nResponsible editor: Li Si\n"
    assert ("marker.credit", "Responsible editor: Li Si") in found(text, "marker")


def test_doubled_words_across_a_paragraph_break_or_in_names_are_not_errors(found):
    wire = PLAIN + "\nBEIJING, March 3 - Xinhua\nXinhua News Agency reported the talks on Monday.\n"
    assert found(wire, "repetition") == []
    assert found(PLAIN + " The singer Li Li met Ni Ni in the city.", "repetition") == []
    wrapped = ("The minister said on Monday that the plan would be put in place by the\n"
               "the end of the year, and that the work would go on in the city of\n"
               "Hangzhou for at least another month.\n")
    assert found(wrapped, "repetition") == [("repetition.doubled-word", "the\nthe")]


def test_han_residue_is_chinese_unless_the_run_has_kana(found, check):
    text = f"{PLAIN} Zhou, a tea farmer (茶农) from Anji, said the 東京の新しい plan was late."
    residue = [f for f in check(text).findings if f.rule == "script.residue"]
    assert [(f.text, f.source_language) for f in residue] == [("茶农", "zh"), ("東京の新しい", "ja")]


# Padded single quotes, doubled marks, stray capitals and figures are found with scans that skip
# to the places that can match; these are the single patterns they replaced, which read plainly.
def _one_pattern(pattern: str, flags: int = 0, group: int = 0):
    compiled = re.compile(pattern, flags)
    return lambda text: [m.span(group) for m in compiled.finditer(text)]


def _fast_scans():
    from mtcheck.core import segment
    from mtcheck.core.rules import fragments, numbers, punctuation

    def spans(scan, group: int = 0):
        return lambda text: [m.span(group) for m in scan(text)]

    glued = ["was", "WAS", "Said", "the", "a", "an", "term", "called", "calledx", "rock", "x", "_", "-", "1", "ſ", "é",
             "'", "‘", "’", " ", "  ", "\t", "\n", "."]
    closing = ["word", "x", "'", "‘", "’", '"', " ", "  ", "\t", "\n", "\r\n", ".", ",", "!", ")", "\u00a0", "\u3000"]
    marks = ["x", " ", "\t", ",", ";", ":", ".", "..", "...", "!", "?", "(", "((", "a"]
    capitals = ["the", "The", "A", "An", "And", "Of", "Their", "a", "x", "X", "_", "-", "'", "’", "é", "1", " ", "  ",
                "\t", "\n", "cat"]
    digits = ["1", "12", "3.5", "1,000", "\u0663", ".", ",", " ", "x", "x1", "-"]
    return [
        ("glued opening quote", spans(punctuation.glued_opening_quotes, 1), _one_pattern(
            r"(?<![\w'’-])(?:was|were|is|are|be|the|a|an|of|to|and|said|says|called|as|word|term)(['‘’])[ \t]+(?=\w)",
            re.IGNORECASE, 1), glued, ["the' x", "x the' x", "rock-a' b", "don'a' b", "_the' x", "1the' x", "The’ x",
                                      "called‘ x", "calledx' x"]),
        ("spaced closing quote", lambda text: [(a, b) for a, b, _ in punctuation.spaced_closing_quotes(text)],
         _one_pattern(r"(?<=[^\s'‘’])[ \t]+(['’])(?=[ \t]*(?:[.,;:!?)]|\n|$))"), closing,
         ["word '.", "' '.", "\n '.", " '", "x\u00a0'.", "word  ’\n"]),
        ("spaced mark", lambda text: [(a, b) for a, b, _ in punctuation.spaced_marks(text)],
         _one_pattern(r"(?<![ \t\u00a0])[ \t\u00a0]+([.,;:?!])(?=[\s\"”’)]|$)"),
         ["x", " ", "  ", "\t", "\u00a0", "\n", ".", ",", "?", "!", '"', "”", ")", "a"],
         ["a .", "a  . b", "a\u00a0,", " .", "\n .", "a .x", "a . .", "a ..", "a .)"]),
        ("spaced closer", lambda text: [(a, b) for a, b, _ in punctuation.spaced_closers(text)],
         _one_pattern(r"(?<=[^\s])[ \t]+([)\]”])"), ["x", " ", "  ", "\t", "\n", "\u00a0", ")", "]", "”", "."],
         ["a )", "a  ]", "\n )", " )", "a\t”", ". )", "a\u00a0 )"]),
        ("glued mark", lambda text: [(a, b) for a, b, _ in punctuation.glued_marks(text)],
         _one_pattern(r"(?<=[^\s])[ \t]+([,;:])(?=[A-Za-z])"), ["x", "é", " ", "  ", "\t", "\n", ",", ";", ":", "a", "1"],
         ["a ,and", "a  ;b", "\n ,a", " ,a", "a ,1", ", ,a", "a\t:b"]),
        ("Chinese quote", lambda text: [(at, at + 1) for at in punctuation.cjk_quotes(text)],
         _one_pattern(r"(?<=[\u3400-\u4DBF\u4E00-\u9FFF\u3040-\u30FF\uAC00-\uD7AF])[“”‘’]"
                      r"|[“”‘’](?=[\u3400-\u4DBF\u4E00-\u9FFF\u3040-\u30FF\uAC00-\uD7AF])"),
         ["中", "あ", "한", "x", " ", "“", "”", "‘", "’", '"'], ["中“", "“中", "x“x", "中““中", "“"]),
        ("doubled marks", spans(punctuation._DOUBLED.finditer),
         _one_pattern(r"[,;:](?:[ \t]*[,;:])*[ \t]*[,;:.](?![.])|\.\.(?![.])|[!?]{2,}|\(\((?=\w)"), marks,
         [",,", ", ;.", "...", "..", "!?", "((a", "(( "]),
        ("stray capital", spans(fragments.stray_capitals, 1), _one_pattern(
            r"(?<![\w'’-])[a-z][a-z'’-]*[ \t]+(The|A|An|And|Or|But|Of|To|In|On|At|For|With|By|From|As|Is|Are|Was|"
            r"Were|Be|Been|Has|Have|Had|Will|Would|Can|Could|Should|May|Might|Must|Do|Does|Did|Not|This|That|Its|"
            r"Their)(?=[ \t]+[a-z])", 0, 1), capitals,
         ["cat The cat", "-cat The cat", "'cat The cat", "x_cat The cat", "écat The cat", "1cat The cat", "Cat The cat",
          "cat And the", "a An and", "cat's The cat"]),
        ("sentence end", spans(lambda text: segment._CANDIDATE.finditer(text)),
         _one_pattern(r"(?<![.!?。！？])(\.{3}|…|[.!?。！？]+)([\"'”’»)\]」』]*)(?=\s|$)"),
         ["x", " ", "\n", ".", "..", "...", "…", "!", "?", "。", "！", '"', "”", ")", "a"], ["a. b", "a... b", "!…  ", "…! x"]),
        ("figure", spans(numbers.figures), _one_pattern(r"(?<![\d.,])\d[\d.,]*\d(?![\d])"), digits,
         [".5,000", "1,000", "3.5.", "a1,000", "12", "1", "\u0663,000"]),
    ]


@pytest.mark.parametrize("name", ["glued opening quote", "spaced closing quote", "spaced mark", "spaced closer",
                                  "glued mark", "Chinese quote", "doubled marks", "stray capital", "sentence end",
                                  "figure"])
def test_the_fast_scans_find_what_one_pattern_finds(name):
    _, fast, plain, pieces, examples = next(scan for scan in _fast_scans() if scan[0] == name)
    for text in examples:
        assert fast(text) == plain(text), text

    @settings(max_examples=500, deadline=None, derandomize=True)
    @given(st.lists(st.sampled_from(pieces), max_size=10).map("".join))
    def agree(text):
        assert fast(text) == plain(text)

    agree()


# --- English written as English --------------------------------------------------------

ENGLISH_WRITERS_ENGLISH = """\
The protests that began in May and spread in June have waned, and the old man who led them said
the arrests were a heavy blow.
"We cannot go on like this.
We have asked again and again and again and again," he said.
Exams let straight A students shine. Her essays, Walking to the Public and On the Spirit of Arts,
poured cold water on the plan. iPhone sales were neck and neck with rivals in the stock market,
and market analysts were split. The plant makes semi-automatic and automatic lines and low-power
power cables at 2,180 yen (incl. tax) a metre.
Editor: What is the structure of a joint anyway?
Dr Maruyama: It is where two bones meet.
"""


A_TALK = """\
So I want to start with a question. How many of you have ever gotten lost in a city you knew?
(Laughter)
Yeah. Pretty much everyone. And that's OK, because getting lost is really, really how we learn.
When I was eight, the old man next door took me to Shanghai. We walked for hours. Hours!
He stopped, looked at me and said, "We're not lost. We're exploring."
We don't navigate by maps. We navigate by stories, and we tell them face to face to remember them.
Thank you.
(Applause)
"""


@pytest.mark.parametrize("text", [ENGLISH_WRITERS_ENGLISH, A_TALK], ids=["news", "talk"])
def test_english_writers_english_raises_no_finding(check, text):
    # Each clause of the news passage was once reported by some rule on English written as
    # English (WMT21's English-original news) or on human references: the month, a label, a
    # title, idioms, a mixed-case name, compounds, an interviewer's line, a quotation set a line a
    # sentence. The talk is speech: stage directions, exclamations, "the old man", idioms.
    assert [(f.rule, f.text) for f in check(text).findings] == []


def test_a_date_in_the_name_of_an_event_gets_no_safe_fix(check):
    # "June 4 Movement" is no name: the suffix is reported for a person to decide.
    report = check(PLAIN + " The families of the June 4th Movement met on November 27th in Hong Kong.")
    fixes = {f.text: f.fix_safe for f in report.findings if f.rule == "marker.date-suffix"}
    assert fixes == {"June 4th": False, "November 27th": True}


def test_a_date_range_is_rewritten_whole(check):
    # Rewriting "December 9th" alone would leave "Dec. 9 to 10th". A second number that may not be
    # a day ("10 delegates") keeps the finding on the first date, for a person to judge.
    report = check(PLAIN + " The summit runs from December 9th to 10th, and talks on May 5th-6th. On June 1st and"
                           " 2 delegates left, and the fair ran from December 30th to 2nd.")
    found = {f.text: (f.suggestion, f.fix_safe) for f in report.findings if f.rule == "marker.date-suffix"}
    assert found == {"December 9th to 10th": ("Dec. 9 to 10", True), "May 5th-6th": ("May 5-6", True),
                     "June 1st": ("June 1", False), "December 30th to 2nd": ("Dec. 30 to 2", False)}


def test_a_padding_fix_never_glues_a_word_to_a_quote(checker):
    from mtcheck.fix.apply import fix_text

    # The tokeniser's padding gets its space outside the marks; a mark that faces the wrong way
    # ("topic“ for") is left for a person, with the (safe) bracket fix beside it still applied.
    text = ('Prices of assets such as" cryptocurrency ", a “heated topic“ for years, rose by ( about ) a third, '
            "the report said.\n")
    assert fix_text(text, checker).text == ('Prices of assets such as "cryptocurrency", a “heated topic“ for years, '
                                            "rose by (about) a third, the report said.\n")


def test_full_width_marks_get_their_ascii_form_or_no_suggestion(check):
    # NFKC leaves the wave dash and the Japanese double-prime quotes wide: they were "suggested"
    # as themselves. A mark with no ASCII form at all gets no suggestion.
    report = check(PLAIN + " So\u301ccalled trainees like \u301dZen\u301f, said Jean\uff65Paul\uff0c the chef.")
    found = {f.text: (f.suggestion, f.fix_safe) for f in report.findings if f.rule == "punctuation.full-width"}
    assert found == {"\u301c": ("~", False), "\u301d": ("“", False), "\u301f": ("”", False), "\uff65": (None, False),
                     "\uff0c": (",", True)}
