"""Reference pairs: the file format, validation as file:line, and the one-pass matcher."""

import pathlib
import random
import re

import pytest

from mtcheck.core import pairs
from mtcheck.core.pairs import HEADER, PairsError, build, load

HEAD = "\t".join(HEADER) + "\n"


def row(mt, ref="reference", term="术语", lang="zh", category="calque", severity="warning", fix="review", note="why"):
    return "\t".join((mt, ref, term, lang, category, severity, fix, note)) + "\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_pairs_are_valid_and_large_enough():
    loaded = load([pairs.default_pairs_dir() / "phrases"])
    assert [p for p in loaded.problems if p.severity.value == "error"] == []
    assert len(loaded.entries) >= 300
    assert all(e.references and e.source_term and e.note for e in loaded.entries)


def test_validation_reports_each_problem_at_its_line(tmp_path):
    path = write(tmp_path, "mine.tsv", HEAD + row("sanctions club") + row("sanctions club")
                 + row("big stick", ref="x", severity="error") + row("big stick", ref="y")
                 + row("", ref="x") + row("re:(unclosed") + row("re:(a)b") + row("bad\tfields")
                 + row("odd one", category="idiom") + row("ok phrase", severity="fatal"))
    problems = {(p.line, p.severity.value): p.message for p in load([path]).problems}
    assert problems[(3, "warning")].startswith("duplicate of")
    assert "conflicts with" in problems[(5, "error")]
    assert "empty field: mt_phrase" in problems[(6, "error")]
    assert "bad pattern" in problems[(7, "error")]
    assert "non-capturing" in problems[(8, "error")]
    assert "fields" in problems[(9, "error")]
    assert "category" in problems[(10, "error")]
    assert "severity" in problems[(11, "error")]


def test_validation_reports_every_problem_of_a_row_and_checks_the_format(tmp_path):
    path = write(tmp_path, "mine.tsv", HEAD + row("Sanctions Club", lang="xx", category="idiom", fix="maybe")
                 + row("sanctions club", lang="zh-Hant") + row("big stick", lang="zh-TW"))
    by_line: dict[int, list[str]] = {}
    for p in load([path]).problems:
        by_line.setdefault(p.line, []).append(p.message)
    messages = " | ".join(by_line[2])
    assert len(by_line[2]) == 4  # capitals, unknown language, category and fix: all of them, not the first
    assert "lower case" in messages and "'xx'" in messages and "idiom" in messages and "maybe" in messages
    assert 3 not in by_line and 4 not in by_line  # a script or a region after the code is fine


def test_bad_header_and_undecodable_file(tmp_path):
    assert "bad header" in load([write(tmp_path, "h.tsv", "phrase\treference\n")]).problems[0].message
    binary = tmp_path / "b.tsv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert load([binary]).problems[0].message == "not valid UTF-8"


def test_the_measured_column_is_optional_and_never_reaches_a_message(tmp_path):
    """The maintainers' evidence for a severity stays in the file: an editor reads the note."""
    from mtcheck.pipeline import Checker
    from mtcheck.policy.options import Options

    head = "\t".join((*HEADER, "measured")) + "\n"
    path = write(tmp_path, "m.tsv", head + row("sanctions club", note="Literal 制裁俱乐部.").rstrip("\n")
                 + "\tEV h0/m12, TR h1/m9 (LR 0.6)\n" + row("big stick", note="Literal 大棒.")
                 + row("bad\tfields").rstrip("\n") + "\tx\ty\n")
    loaded = load([path])
    assert [(e.mt_phrase, e.note) for e in loaded.entries] == [("sanctions club", "Literal 制裁俱乐部."),
                                                                ("big stick", "Literal 大棒.")]
    assert [(p.line, p.message) for p in loaded.problems] == [(4, "11 tab-separated fields, expected 8 or 9")]
    fine = write(tmp_path, "fine.tsv", "".join(path.read_text(encoding="utf-8").splitlines(True)[:3]))
    text = "The minister said on Monday that the sanctions club met again, as the big stick waited in place."
    report = Checker(Options(pairs=(str(fine),))).check(text)
    messages = [f.message for f in report.findings if f.rule == "calque.phrase"]
    assert len(messages) == 2 and all(m.endswith(("Literal 制裁俱乐部.", "Literal 大棒.")) for m in messages)
    assert not any("EV h" in m or "LR " in m for m in messages)


def test_no_shipped_note_speaks_in_measurement_codes():
    """Hit counts (EV h0/m78), likelihood ratios and test-set names belong in the measured column."""
    codes = re.compile(r"\b(?:EV|TR) h\d|\bLR \d|\bWMT\d|Measured:|\(Severity ")
    notes = [f"{e.path}:{e.line}: {e.note}" for e in load([pairs.default_pairs_dir() / "phrases"]).entries
             if codes.search(e.note)]
    assert notes == []


def test_build_refuses_errors_in_one_line(tmp_path):
    path = write(tmp_path, "bad.tsv", HEAD + row("re:[oops"))
    with pytest.raises(PairsError) as info:
        build([path])
    assert str(info.value).startswith(f"{path}:2: bad pattern") and "\n" not in str(info.value)


def test_inflection_and_regex_entries(tmp_path):
    path = write(tmp_path, "p.tsv", HEAD + row("carry out inspection") + row("re:(?:hold|held) the bottom lines?"))
    found = build([path]).find("They carried out inspections and held the bottom line; carries out inspection.")
    assert [m.entry.mt_phrase for m in found] == ["carry out inspection", "re:(?:hold|held) the bottom lines?",
                                                  "carry out inspection"]


def test_regex_lookahead_sees_past_the_match(tmp_path):
    path = write(tmp_path, "p.tsv", HEAD + row("re:party central(?! committee)"))
    found = build([path]).find("The Party Central Committee met. Party Central said so.")
    assert [m.start for m in found] == [33]


def test_longest_match_wins_and_matches_do_not_overlap(tmp_path):
    path = write(tmp_path, "p.tsv", HEAD + row("china news agency", category="term") + row("new china news agency"))
    text = "New China News Agency and China News Agency reported."
    assert [(m.start, m.end) for m in build([path]).find(text)] == [(0, 21), (26, 43)]


def test_a_phrase_does_not_run_across_paragraphs(tmp_path):
    path = write(tmp_path, "p.tsv", HEAD + row("sanctions club"))
    assert build([path]).find("the sanctions\n\nclub") == []
    assert len(build([path]).find("the sanctions\nclub")) == 1


def test_a_regex_entry_reads_a_space_as_one_white_space_character(tmp_path):
    # Hard-wrapped copy breaks a line where the pattern has a space (the anchor here, "as for ",
    # has one too); one character for one, so a lookbehind keeps its width.
    path = write(tmp_path, "p.tsv", HEAD + row("re:(?<!so )as for (?:the )?plans?")
                 + row("re:(?<!the )cross[- ]border (?:on|to) the stage"))
    pair_set = build([path])
    for text in ("As for the plan, it failed.", "As for\nthe plan, it failed.", "As\tfor the\rplan it failed.",
                 "Li appeared cross\nborder\non the\nstage."):
        assert len(pair_set.find(text)) == 1, text
    assert pair_set.find("the cross\nborder on the stage") == []  # the lookbehind
    assert pair_set.find("as for the\n\nplan") == []  # nor across a paragraph
    assert pair_set.find("As for\u00a0the plan.") != []  # (a no-break space, read as a space for the anchor)
    assert pairs._flexible_spaces(r"a [^ ]x ?y\ z") == r"a\s[^\s]x\s?y\ z"
    assert pairs._flexible_spaces("(?x) as for") == "(?x) as for"  # verbose: a space is no literal
    # A bad pattern's error points into the pattern as its author wrote it.
    bad = write(tmp_path, "bad.tsv", HEAD + row("re:as for (the plans"))
    assert [p.message for p in load([bad]).problems] == ["bad pattern: missing ), unterminated subpattern at position 7"]
    white = {chr(c) for c in range(0x3001) if chr(c).isspace()}
    assert white == set(" \t\n\r" + "".join(pairs._OTHER_WHITE_SPACE)) == {c for c in white if re.match(r"\s", c)}


def _brute_force(pair_set, text):
    """Every entry's own pattern over the whole text, then the same overlap resolution."""
    hits = set()
    for i, e in enumerate(pair_set.entries):
        for m in re.compile(pairs._BOUNDED.format(e.pattern()), re.IGNORECASE).finditer(text):
            hits.add((m.start(), m.end(), i))
    out, last = [], -1
    for s, e, i in sorted(hits, key=lambda t: (t[0], -t[1], t[2])):
        if s >= last and not ("\n" in text[s:e] and pairs._BLANK_LINE.search(text[s:e])):
            out.append((s, e, i))
            last = e
    return out


def test_the_automaton_finds_exactly_what_each_pattern_finds_alone():
    """The anchor pre-filter must never lose a match: compare with a brute-force scan on
    text built from the shipped phrases themselves (inflected, recased, line-broken)."""
    pair_set = build([pairs.default_pairs_dir() / "phrases"])
    rng = random.Random(7)
    literal = [e.mt_phrase for e in pair_set.entries if not e.is_regex]
    filler = "the officials said that in the city of Beijing on Monday and".split()
    parts = []
    for _ in range(400):
        phrase = rng.choice(literal)
        words = phrase.split(" ")
        if rng.random() < 0.3:
            words[-1] += rng.choice(["s", "ed", "ing"])
        sep = rng.choice([" ", " ", "\n", "  "])
        phrase = sep.join(words)
        phrase = phrase.upper() if rng.random() < 0.1 else phrase.capitalize() if rng.random() < 0.3 else phrase
        parts.append(" ".join(rng.sample(filler, 3)) + " " + phrase + rng.choice([".", ",", "", " committee"]))
    text = " ".join(parts)
    index = {id(e): i for i, e in enumerate(pair_set.entries)}
    got = [(m.start, m.end, index[id(m.entry)]) for m in pair_set.find(text)]
    assert len(got) > 300
    assert got == _brute_force(pair_set, text)


def test_entries_of_common_words_and_suffix_alternations_are_found_as_alone(tmp_path):
    """An entry of common words only ("it is said that") is anchored on its longest word, a
    suffix alternation on the punctuation joined to each suffix ("-san", "-chan"), and a word of
    two letters ("my") is a clause of its own: none of it may lose or add a match."""
    path = write(tmp_path, "p.tsv", HEAD + row("it is said that", lang="ja") + row("my city")
                 + row(r"re:[a-z]+-(?:san|chan|sensei)\b", lang="ja")
                 + row(r"re:(?:(?<=\n)|(?<=[.!?] )|^)(?:about|regarding) (?:the )?[a-z-]+(?: [a-z-]+){0,4},", lang="ja"))
    pair_set = build([path])
    assert pair_set.unanchored == []  # none scanned for over the whole text
    text = ("It is said that Tanaka-san came. The channel changed its chances; it is  said\nthat my cities "
            "grow. About the new rules, Sato-Chan said my-city and economy city. Myriad cities. Regarding "
            "this, it's said that Kenji-sensei left.\nAbout the plan, it-is-said-that. Tanaka san, chan-san.")
    index = {id(e): i for i, e in enumerate(pair_set.entries)}
    got = [(m.start, m.end, index[id(m.entry)]) for m in pair_set.find(text)]
    assert got == _brute_force(pair_set, text)
    assert {text[s:e] for s, e, _ in got} >= {"It is said that", "Tanaka-san", "it is  said\nthat", "my cities",
                                               "About the new rules,", "Sato-Chan", "Kenji-sensei"}


def test_text_dense_with_one_anchor_is_scanned_about_once(monkeypatch):
    """Each anchor hit opens a window around it (up to 300 characters either side for a
    pattern); windows of one group that overlap are scanned as one, so copy made of the
    anchor over and over costs a scan of the text, not of a window at every hit."""
    scanned = []

    class Counting:
        def __init__(self, pattern):
            self.pattern = pattern

        def finditer(self, text, lo, hi):
            scanned.append(hi - lo)
            return self.pattern.finditer(text, lo, hi)

    compiled = pairs._Group.compiled
    monkeypatch.setattr(pairs._Group, "compiled", lambda self: (Counting(compiled(self)[0]), *compiled(self)[1:]))
    pair_set = build([pairs.default_pairs_dir() / "phrases"])
    for text in ("Tanaka-san " * 3000, "about " * 5000, "About the plan, " * 2000, "according to " * 3000):
        scanned.clear()
        found = pair_set.find(text)
        assert sum(scanned) < 3 * len(text), (text[:20], sum(scanned), len(text))
        index = {id(e): i for i, e in enumerate(pair_set.entries)}
        assert [(m.start, m.end, index[id(m.entry)]) for m in found] == _brute_force(pair_set, text)


def test_the_clause_tests_only_skip_scans_that_find_nothing(monkeypatch):
    """Clauses (the other literals a match needs) decide which windows are scanned; with them
    switched off every window the companions pass is scanned, and the matches are the same."""
    pair_set = build([pairs.default_pairs_dir() / "phrases"])
    examples = pairs.default_pairs_dir() / "examples"
    golden = pathlib.Path(__file__).parent / "data" / "golden" / "texts"
    texts = [p.read_text(encoding="utf-8") for p in [*examples.glob("*.txt"), *golden.iterdir()]]
    texts += [" ".join(f"He said the {e.mt_phrase} came first." for e in pair_set.entries if not e.is_regex)]
    with_clauses = [[(m.entry, m.start, m.end) for m in pair_set.find(t)] for t in texts]
    monkeypatch.setattr(pairs, "_FOLDS_TO_ASCII", re.compile(""))  # every text "needs" the companions' test
    assert [[(m.entry, m.start, m.end) for m in pair_set.find(t)] for t in texts] == with_clauses
    assert sum(map(len, with_clauses)) > 500


def test_the_characters_that_fold_onto_ascii_letters_are_all_known():
    # In a text without them, a match's ASCII literals are in the lower-cased text.
    letter = re.compile("[a-z]", re.IGNORECASE)
    folds = "".join(chr(c) for c in range(0x80, 0x110000) if letter.fullmatch(chr(c)))
    assert pairs._FOLDS_TO_ASCII.sub("", folds) == ""
    assert pairs._FOLDS_TO_ASCII.search("a Kelvin \u212a sign") and not pairs._FOLDS_TO_ASCII.search("plain café")


def test_a_long_text_is_lower_cased_and_scanned_in_pieces_as_if_whole(monkeypatch):
    """Long texts are lower-cased and fed to the automaton piece by piece (to bound memory);
    the result must be what doing it whole gives: the same string, the same hits in the
    same order. Pieces are made tiny here so that every boundary case comes up."""
    pair_set = build([pairs.default_pairs_dir() / "phrases"])
    rng = random.Random(11)
    literals = list(pair_set._automaton.keys())
    pieces = [" ", "", "x", "Σ", "ΑΣ ", " Σα", "İ", "’", "\n", "\u3000"]
    texts = ["".join(rng.choice(literals) + rng.choice(pieces) for _ in range(rng.randint(0, 400)))
             for _ in range(40)]
    texts += ["ΑΣ " * 200, "İstanbul " * 100, "a" * 1000]
    monkeypatch.setattr(pairs, "_LOWER_PIECE", 37)
    monkeypatch.setattr(pairs, "_HIT_PIECE", 41)
    for text in texts:
        assert pairs._lower(text) == text.lower()
        lowered = text.lower()
        assert list(pair_set._hits(lowered)) == list(pair_set._automaton.iter(lowered))


def test_user_pairs_add_to_the_shipped_ones(tmp_path, checker):
    from mtcheck.pipeline import Checker
    from mtcheck.policy.options import Options

    path = write(tmp_path, "house.tsv", HEAD + row("wolf warrior diplomats", ref="assertive diplomats"))
    custom = Checker(Options(pairs=(str(path),)))
    assert len(custom.pairs) == len(checker.pairs) + 1
    assert custom.signature != checker.signature
    text = "The minister said on Monday that the wolf warrior diplomats would stay in place."
    assert [f.text for f in custom.check(text).findings if f.category == "calque"] == ["wolf warrior diplomats"]


# Each sentence once had a suggestion that repeated the word beside its span once applied:
# "with with Xi Jinping", "COVID-19 COVID-19 situation", "data from from", "China China Media
# Group", "Nov. 11 shopping festival festival"; or dropped what it covered ("landed on Hunan TV
# on July 11" -> "premiered on on July 11": the channel is now outside the span).
SUGGESTION_EDGES = [
    "The Party Central Committee, with Comrade Xi Jinping as the core, has set the plan in motion.",
    "The COVID-19 epidemic situation in the city continues to improve, officials said on Friday.",
    "According to statistics from the provincial bureau, output rose by 3 percent last year.",
    "The programme was produced by China Central Radio and Television General Station in Beijing.",
    "Sales during the Double Eleven festival beat last year's, the platform said on Friday.",
    "The talent show officially landed on Hunan Satellite TV on July 11, the station said.",
]


@pytest.mark.parametrize("sentence", SUGGESTION_EDGES)
def test_a_suggestion_does_not_repeat_the_word_beside_its_span_nor_drop_a_name(check, sentence):
    findings = [f for f in check(sentence).findings if f.rule.startswith("calque.") and f.suggestion]
    assert findings, sentence
    for f in findings:
        before = re.findall(r"[A-Za-z0-9-]+", sentence[:f.start])[-1:]
        after = re.findall(r"[A-Za-z0-9-]+", sentence[f.end:])[:1]
        for alternative in f.suggestion.split(" or "):
            words = re.findall(r"[A-Za-z0-9-]+", re.sub(r"<[^>]*>", " NOTE ", alternative))  # a note stands apart
            assert not before or words[0].lower() != before[0].lower(), (f.text, alternative)
            assert not after or words[-1].lower() != after[0].lower(), (f.text, alternative)
        assert "Hunan" not in f.text  # the channel is left as it is: only "landed on" is replaced
