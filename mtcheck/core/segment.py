"""Paragraphs and sentences, with offsets into the original text.

The splitter is rule-based and built for news copy: it knows wire abbreviations
(Nov., U.S., Gov., No., Dr.), initials (A. Antonov), decimals and datelines
("BEIJING, Feb. 4 (Xinhua) --"), and it is not fooled by MT damage: a full stop
followed by a lower-case word ("...is not true. democracy.") still ends a sentence
unless the word before the stop is an abbreviation. The damage itself is reported
by the rules, not hidden by the splitter.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mtcheck.core.packed import PackedRows
from mtcheck.read.offsets import LineIndex

if TYPE_CHECKING:
    import numpy as np

# Abbreviations after which a full stop never ends a sentence (a name, number or
# date always follows them in news copy).
_NEVER_FINAL = frozenset(
    """mr mrs ms dr prof gov sen rep gen col lt sgt capt cpl pvt adm cmdr maj supt insp det
    st rev pres hon amb atty messrs mme mlle gov't rt
    no nos vol vols art fig figs p pp para paras ch sec secs cl
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    vs v e.g i.e cf approx est ca viz ft mt""".split()
)
# Abbreviations that may also close a sentence ("...of Apple Inc. The company...").
_MAY_BE_FINAL = frozenset("etc inc incl excl ltd co corp jr sr bros al dept univ assn plc llc ave blvd rd hwy".split())
# Words that open a sentence after an ambiguous abbreviation ("...in the U.S. The...").
_SENTENCE_STARTERS = frozenset(
    """the a an he she it they we i you this that these those there his her its their our my
    but and so yet or in on at as after before when while however meanwhile according
    if since although though for from with by what who which where why how some many
    most several all both each no not one two three mr mrs ms dr""".split()
)
# Names whose "!" is part of them ("Yahoo! News", "Jeopardy! champion").
_NAMES_WITH_BANG = frozenset({"yahoo", "jeopardy"})
_BRACKET_REACH = 40  # characters from a "!" or "?" to the ")" that shows it sits inside a name

# What a line that ends a sentence (or a heading, the line before a list) ends with, before any
# closing quotation marks and brackets; a line ending otherwise (a dateline's dash too) stops
# mid-sentence.
_LINE_FINAL = frozenset(".!?:。！？：…")
_CLOSERS = frozenset("\"'”’»)]）」』")
# Words no line of copy ends on unless its sentence runs on to the next line, and that a piece of
# a long run is not cut after (fragment.dangling-end would report the cut).
_RUNS_ON = frozenset("the a an of to for with by from into onto and or nor but than whose whether".split())
# The lookbehind starts a candidate only at the first mark of a run: a match can start nowhere
# else, and trying every mark of a long run of them would take quadratic time. The lookahead
# before it names the marks a candidate opens with, so the scan skips to them (a third of the time).
_CANDIDATE = re.compile(r"(?=[.!?。！？…])(?<![.!?。！？])(\.{3}|…|[.!?。！？]+)([\"'”’»)\]」』]*)(?=\s|$)")
_NEXT_WORD = re.compile(r"\s*[\"'“‘«(\[]*(\w*)")
_INDENT = frozenset(" \t\u3000\u00a0")
_QUOTE_MARK = re.compile('["“”]')
_CURLY_QUOTE = re.compile("[“”]")
# Paragraphs with no quote mark a quotation may run through before the one that closes it.
QUOTE_CARRY = 3
# A "sentence" longer than this (a run of text with no sentence end: a table flattened into
# one line, a list of names, garbage) is checked in pieces cut at white space, so that the
# work done per sentence (fluency, context, fingerprints) stays bounded.
MAX_SENTENCE_CHARS = 4000
# How many lines of the document's a block's hard-wrap vote counts as well as its own.
_PRIOR_LINES = 2
# The widest copy is hard-wrapped to, in characters (e-mail 72-78, wire services 69-80).
_WIDEST_WRAP = 100
# How far back from a full stop the token before it is looked for.
_TOKEN_REACH = 64


@dataclass(slots=True)
class Paragraph:
    index: int
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    indent_start: int  # where leading indentation begins (== start when none)


class Paragraphs(PackedRows[Paragraph]):
    """A document's paragraphs in text order, held as arrays of machine integers, as
    `Sentences` are; a `Paragraph` is made when one is read (a 10 MB wire archive has 50,000
    paragraphs, 5 MB as objects)."""

    __slots__ = ("ends", "indents", "starts")

    def __init__(self, text_length: int = 0):
        typecode = "I" if text_length < 2**32 else "Q"
        self.starts, self.ends, self.indents = array(typecode), array(typecode), array(typecode)

    def append(self, start: int, end: int, indent_start: int) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.indents.append(indent_start)

    def __len__(self) -> int:
        return len(self.starts)

    def _row(self, i: int) -> Paragraph:
        return Paragraph(i, self.starts[i], self.ends[i], self.indents[i])

    def __iter__(self) -> Iterator[Paragraph]:
        for i, (start, end, indent_start) in enumerate(zip(self.starts, self.ends, self.indents)):
            yield Paragraph(i, start, end, indent_start)


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int


class Sentences(PackedRows[Sentence]):
    """A document's sentences in text order, held as arrays of machine integers; a `Sentence`
    is made when one is read. As objects, the 450,000 "sentences" of five megabytes of
    "1,000,000. 1,000,000. ..." took some 100 MB."""

    __slots__ = ("ends", "paragraphs", "starts")

    def __init__(self, text_length: int = 0):
        typecode = "I" if text_length < 2**32 else "Q"  # (as `tokenize`'s offsets)
        self.starts, self.ends, self.paragraphs = array(typecode), array(typecode), array(typecode)

    def append(self, start: int, end: int, paragraph: int) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.paragraphs.append(paragraph)

    def __len__(self) -> int:
        return len(self.starts)

    def _row(self, i: int) -> Sentence:
        return Sentence(i, self.starts[i], self.ends[i], self.paragraphs[i])

    def __iter__(self) -> Iterator[Sentence]:
        for i, (start, end, paragraph) in enumerate(zip(self.starts, self.ends, self.paragraphs)):
            yield Sentence(i, start, end, paragraph)

    def spans(self) -> np.ndarray:
        """(start, end) of each sentence, an (n, 2) array of int64."""
        import numpy as np  # (only where a provenance model reads them)

        return np.column_stack((np.asarray(self.starts, dtype=np.int64), np.asarray(self.ends, dtype=np.int64)))


@dataclass
class Document:
    """A decoded text segmented into paragraphs and sentences."""

    text: str  # flowed (`segment`): the decoded text, hard-wrapped line breaks read as spaces
    paragraphs: Paragraphs
    sentences: Sentences
    lines: LineIndex
    # (start, length) of each run of text longer than MAX_SENTENCE_CHARS that was cut into pieces
    long_sentences: list[tuple[int, int]] = field(default_factory=list)
    # where direct quotations start and end, found on first use (machine integers: a wire
    # archive has thousands)
    _quote_starts: array | None = field(repr=False, default=None)
    _quote_ends: array | None = field(repr=False, default=None)

    def in_quote(self, offset: int) -> bool:
        """Whether the character at `offset` stands inside a direct quotation."""
        if self._quote_starts is None or self._quote_ends is None:
            typecode = "I" if len(self.text) < 2**32 else "Q"
            self._quote_starts, self._quote_ends = array(typecode), array(typecode)
            for start, end in quotations(self.text, self.paragraphs):
                self._quote_starts.append(start)
                self._quote_ends.append(end)
        i = bisect_right(self._quote_starts, offset) - 1
        return i >= 0 and offset < self._quote_ends[i]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing offset, or None between paragraphs."""
        i = bisect_right(self.paragraphs.starts, offset) - 1
        if i < 0 or offset >= self.paragraphs.ends[i]:
            return None
        return self.paragraphs[i]

    def in_one_paragraph(self, start: int, end: int) -> bool:
        """The span [start, end) lies inside a single paragraph."""
        paragraph = self.paragraph_at(start)
        return paragraph is not None and end <= paragraph.end

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing offset (or the next one, for text between sentences)."""
        if not self.sentences:
            return 0
        i = bisect_right(self.sentences.starts, offset) - 1
        if i < 0:
            return 0
        if offset >= self.sentences.ends[i] and i + 1 < len(self.sentences):
            # Between sentences (indentation, blank lines): belongs to the one that follows.
            return i + 1
        return i


def quotations(text: str, paragraphs: Sequence[Paragraph]) -> list[tuple[int, int]]:
    """Direct quotations, one pass a paragraph: “curly” pairs (nested ones inside the outer
    span), "straight" marks paired in turn, and a quotation left open at the end of a
    paragraph: reaching the end of its paragraph where the next one opens with a quote mark (a
    quotation running on), else its closing mark where a later paragraph closes it
    (`closed_later`)."""
    spans: list[tuple[int, int]] = []
    for k, p in enumerate(paragraphs):
        open_curly: list[int] = []
        open_straight: int | None = None
        for m in _QUOTE_MARK.finditer(text, p.start, p.end):
            mark, at = m.group(), m.start()
            if mark == '"':
                if open_straight is None:
                    open_straight = at
                else:
                    spans.append((open_straight, at + 1))
                    open_straight = None
            elif mark == "“":
                open_curly.append(at)
            elif open_curly:  # ”
                start = open_curly.pop()
                if not open_curly:
                    spans.append((start, at + 1))
        runs_on = k + 1 < len(paragraphs) and text[paragraphs[k + 1].start] in "“\""
        for start in (open_curly[:1] if runs_on else []) + ([open_straight] if runs_on and open_straight else []):
            spans.append((start, p.end))
        if not runs_on:
            for start, mark in ([(open_curly[0], "“")] if open_curly else []) + (
                    [(open_straight, '"')] if open_straight is not None else []):
                later = closed_later(text, paragraphs, k, mark, start)
                if later is not None:
                    spans.append((start, later + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:  # straight pairs inside curly ones: keep the outer span
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def closed_later(text: str, paragraphs: Sequence[Paragraph], k: int, mark: str, at: int) -> int | None:
    """Where the quotation that `mark` ('"' or '“', at offset `at`) leaves open at the end of
    paragraph k is closed by a following paragraph that does not reopen it, as in copy set one
    sentence a line (`"We can't get our money back.` / `I'm very disappointed."`): the offset of
    the closing mark, or None. Only paragraphs with no mark of its kind may stand between, at
    most QUOTE_CARRY of them; a straight mark must look like an opening one, and its partner
    like a closing one ending an odd count of marks."""
    if mark == '"' and not _opens_quote(text, at, paragraphs[k].end):
        return None
    for j in range(k + 1, min(k + 2 + QUOTE_CARRY, len(paragraphs))):
        p = paragraphs[j]
        if mark == '"':
            count = text.count('"', p.start, p.end)
            if count:
                last = text.rfind('"', p.start, p.end)
                return last if count % 2 and _closes_quote(text, last, p.start, p.end) else None
            continue
        depth, seen = 0, False
        for m in _CURLY_QUOTE.finditer(text, p.start, p.end):
            seen = True
            if m.group() == "“":
                depth += 1
            elif depth:
                depth -= 1
            else:
                return m.start()
        if seen:
            return None
    return None


def _opens_quote(text: str, at: int, end: int) -> bool:
    return (not at or text[at - 1].isspace() or text[at - 1] in "([—–-") and at + 1 < end and not text[at + 1].isspace()


def _closes_quote(text: str, at: int, start: int, end: int) -> bool:
    return at > start and not text[at - 1].isspace() and (at + 1 >= end or text[at + 1].isspace()
                                                            or text[at + 1] in ".,;:!?)—–-")


def segment(text: str) -> Document:
    """text in paragraphs and sentences. The document's text is `flowed`: where a sentence runs
    on across a line break (hard-wrapped copy), the break reads as spaces."""
    lines = LineIndex(text)
    paragraphs, runs_on = split_paragraphs(text, lines.starts)
    text = flowed(text, runs_on)
    sentences = Sentences(len(text))
    long_sentences: list[tuple[int, int]] = []
    for para in paragraphs:
        for start, end in split_sentences(text, para.start, para.end):
            if end - start > MAX_SENTENCE_CHARS:
                long_sentences.append((start, end - start))
                for piece_start, piece_end in _pieces(text, start, end):
                    sentences.append(piece_start, piece_end, para.index)
            else:
                sentences.append(start, end, para.index)
    return Document(text, paragraphs, sentences, lines, long_sentences)


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run of text too long for one sentence, cut into pieces of at most MAX_SENTENCE_CHARS:
    after the last white space of each piece's second half, else (no white space) before a
    character that does not lean on the one before it (a combining mark, a joiner)."""
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        half = start + MAX_SENTENCE_CHARS // 2
        space = _space_before(text, half, limit)
        for _ in range(8):  # a piece must not end on "and" or "the": it would read as cut off
            word_at = _space_before(text, half, space) + 1 if space > half else space
            if space <= half or text[word_at:space].lower() not in _RUNS_ON:
                break
            space = word_at - 1
        if space > start:
            cut, piece_end = space + 1, space
            while piece_end > start and text[piece_end - 1].isspace():
                piece_end -= 1
        else:
            cut = limit
            while cut > start + 1 and _leans_on_previous(text[cut]):
                cut -= 1
            piece_end = cut
        out.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def _space_before(text: str, lo: int, hi: int) -> int:
    """The last white space of text[lo:hi] (space, tab, line break, ideographic), or -1."""
    return max(text.rfind(c, lo, hi) for c in " \t\n\u3000")


def _leans_on_previous(char: str) -> bool:
    """A combining mark, a zero-width (non-)joiner or a variation selector: cut before it and the
    character it modifies would be parted from it."""
    return bool(unicodedata.combining(char)) or char in "\u200c\u200d" or "\ufe00" <= char <= "\ufe0f"


def split_paragraphs(text: str, line_starts: Sequence[int]) -> tuple[Paragraphs, array]:
    """The paragraphs, and start, end, start, end, ... of the white space of each line break
    inside one where a sentence runs on (for `flowed`). Blank lines always separate paragraphs.
    Inside a block of consecutive lines, each line is its own paragraph (wire copy, one
    paragraph a line) unless the block is hard-wrapped prose (`_Wrapping`); there a line the
    next word would not have fitted on runs on into the next line, and a shorter one ends its
    paragraph."""
    blocks = _blocks(text, line_starts)
    wrapping = _Wrapping.of(text, blocks)
    paragraphs = Paragraphs(len(text))
    runs_on_breaks = array(paragraphs.starts.typecode)
    for b, block in enumerate(blocks):
        if not block:
            continue
        wrapped, mid_sentence = wrapping.wrapped(b, block), wrapping.stops[b]
        current = block[0]
        for k, (prev, line) in enumerate(itertools.pairwise(block)):
            cs = line[0]
            # A line wrapped for width runs on, as does one that ends on "the"; a line in lower
            # case continues the paragraph but may stand on a line of its own (a web address
            # opening a dateline) and keeps its break.
            full = wrapped and prev[1] - prev[2] + 1 + _first_word_length(text, line) > wrapping.width
            runs_on = mid_sentence[k] and (full or _last_word(text, prev) in _RUNS_ON)
            if (full or runs_on or (mid_sentence[k] and text[cs].islower())) and line[2] == cs:
                current = (current[0], line[1], current[2])  # (an indented line always opens a paragraph)
                if runs_on:
                    runs_on_breaks.extend((prev[1], cs))
            else:
                paragraphs.append(current[0], current[1], current[2])
                current = line
        paragraphs.append(current[0], current[1], current[2])
    return paragraphs, runs_on_breaks


_Line = tuple[int, int, int]  # (content_start, content_end, indent_start)


def _blocks(text: str, line_starts: Sequence[int]) -> list[list[_Line]]:
    """The text's runs of non-blank lines, each line without its indentation and trailing
    white space."""
    blocks: list[list[_Line]] = [[]]
    n = len(line_starts)
    for i, ls in enumerate(line_starts):
        raw_end = line_starts[i + 1] if i + 1 < n else len(text)
        while raw_end > ls and text[raw_end - 1] in "\r\n":
            raw_end -= 1
        cs = ls
        while cs < raw_end and text[cs].isspace():
            cs += 1
        if cs == raw_end:  # a blank line
            if blocks[-1]:
                blocks.append([])
            continue
        ce = raw_end
        while ce > cs and text[ce - 1].isspace():
            ce -= 1
        blocks[-1].append((cs, ce, ls))
    return blocks


@dataclass(frozen=True, slots=True)
class _Wrapping:
    """The evidence that a document's blocks are hard-wrapped: per block, whether each line but
    the last stops mid-sentence and how many lines go on in lower case (most words are: wrapped
    prose goes on so, a list of titles or prices does not). With four line breaks or more the
    document is judged as a whole: a block's vote is drawn towards the document's, as if it had
    two more lines like them, and the width the copy was wrapped to is known (the length four
    lines in five stay within)."""

    stops: list[bytearray]
    lower: list[int]
    judged: bool
    share: float  # of lines that stop mid-sentence, in the whole document
    lower_share: float  # of lines that go on in lower case
    width: int

    @classmethod
    def of(cls, text: str, blocks: list[list[_Line]]) -> _Wrapping:
        stops, lower = [], []
        lengths = [0] * (_WIDEST_WRAP + 2)  # lines longer than any wrap width counted as one length
        for block in blocks:  # (one pass, a byte a line: a file may hold millions of short lines)
            flags, goes_on_lower = bytearray(max(len(block) - 1, 0)), 0
            for k, (line, after) in enumerate(itertools.pairwise(block)):
                cs, ce, ls = line
                last = text[ce - 1]
                if last not in _LINE_FINAL and (last not in _CLOSERS or _stops_mid_sentence(text, cs, ce)):
                    flags[k] = 1
                length = ce - ls
                lengths[length if length <= _WIDEST_WRAP else _WIDEST_WRAP + 1] += 1
                goes_on_lower += text[after[0]].islower()
            stops.append(flags)
            lower.append(goes_on_lower)
        breaks = sum(lengths)
        if breaks < 2 * _PRIOR_LINES:
            return cls(stops, lower, False, 0.0, 0.0, 0)
        width = bisect_left(list(itertools.accumulate(lengths)), 0.8 * breaks)
        return cls(stops, lower, True, sum(map(sum, stops)) / breaks, sum(lower) / breaks, width)

    def wrapped(self, b: int, block: list[_Line]) -> bool:
        inner, stops = len(block) - 1, sum(self.stops[b])
        if self.judged:
            vote = (stops + _PRIOR_LINES * self.share) / (inner + _PRIOR_LINES) > 0.6 and self.lower_share > 0.3
        else:
            vote = inner >= 2 and stops / inner > 0.6 and self.lower[b] / inner > 0.3
        # Lines longer than any width copy is wrapped to are items of a list (titles, names).
        return vote and all(ce - ls <= _WIDEST_WRAP for _, ce, ls in itertools.islice(block, inner))


def _stops_mid_sentence(text: str, start: int, end: int) -> bool:
    """Whether the line text[start:end] stops mid-sentence (ends on neither a sentence's final
    mark, nor a colon), closing quotation marks and brackets aside."""
    i = end - 1
    while i > start and text[i] in _CLOSERS:
        i -= 1
    return text[i] not in _LINE_FINAL


def _first_word_length(text: str, line: _Line) -> int:
    start, end, _ = line
    space = text.find(" ", start, end)
    return (space if space >= 0 else end) - start


def _last_word(text: str, line: _Line) -> str:
    start, end, _ = line
    return text[max(text.rfind(" ", start, end), start - 1) + 1:end].lower()


def flowed(text: str, runs_on: Sequence[int]) -> str:
    """text with the white space of each line break a sentence runs on across (`runs_on`: start,
    end, start, end, ...) turned into as many spaces: the same length, so every offset stays,
    and a phrase, a date or a pattern written with spaces is read whether or not the copy was
    hard-wrapped. (Written piece by piece: a file of a million short lines has a million breaks.)"""
    if not runs_on:
        return text
    out, at = io.StringIO(), 0
    breaks = iter(runs_on)
    for start, end in zip(breaks, breaks):
        out.write(text[at:start])
        out.write(" " * (end - start))
        at = end
    out.write(text[at:])
    return out.getvalue()


def split_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of text[start:end], one at a time (a paragraph may hold
    hundreds of thousands)."""
    sent_start = start
    for m in _CANDIDATE.finditer(text, start, end):
        cut = m.end()
        if cut >= end:
            break
        if not _ends_sentence(text, sent_start, m.start(), m.group(1), cut, end):
            continue
        yield sent_start, cut
        sent_start = cut
        while sent_start < end and text[sent_start].isspace():
            sent_start += 1
    if sent_start < end:
        yield sent_start, end


def _name_with_bang(text: str, sent_start: int, punct_at: int, next_word: str) -> bool:
    """A "!" that belongs to a name ("Yahoo! News"), with a name going on after it."""
    at = punct_at
    while at > sent_start and text[at - 1].isalpha():
        at -= 1
    return text[at:punct_at].lower() in _NAMES_WITH_BANG and next_word.lower() not in _SENTENCE_STARTERS


def _inside_brackets(text: str, sent_start: int, punct_at: int, cut: int, end: int) -> bool:
    """A "!" or "?" inside a bracket that closes a few words later with no sentence ending
    before it ("(WoW! Korea)", "(Who Wants to Be a Millionaire? UK)"): part of a name or title."""
    opened = text.rfind("(", sent_start, punct_at)
    if opened < 0 or text.find(")", opened, punct_at) >= 0:
        return False
    close = text.find(")", cut, min(end, cut + _BRACKET_REACH))
    return close >= 0 and not any(c in ".!?" for c in text[cut:close])


def _ends_sentence(text: str, sent_start: int, punct_at: int, punct: str, cut: int, end: int) -> bool:
    nm = _NEXT_WORD.match(text, cut, end)
    next_word = nm.group(1) if nm else ""
    nxt = next_word[:1]
    if punct[0] in "?!？！" or punct in ("...", "…"):
        # "Why?" he asked. / "...and so on... the rest" - lower case continues the sentence.
        if nxt.islower():
            return False
        if punct == "!" and _name_with_bang(text, sent_start, punct_at, next_word):
            return False
        return not (punct[0] in "?!" and _inside_brackets(text, sent_start, punct_at, cut, end))
    if punct[0] == "。":
        return True
    # A full stop: look at the token before it (within reach: a sentence with no end, such as a
    # run of initials, must not be searched back to its start at every full stop).
    reach = max(sent_start, punct_at - _TOKEN_REACH)
    ws = max(text.rfind(" ", reach, punct_at), text.rfind("\n", reach, punct_at), text.rfind("\t", reach, punct_at))
    token = text[(ws + 1 if ws >= 0 else reach):punct_at].lstrip("\"'“‘(«[")
    if not token:
        return True
    lower = token.lower()
    if lower in _NEVER_FINAL:
        return False
    if len(token) == 1 and token.isalpha() and token.isupper():
        return False  # an initial: "A. Antonov"
    if lower in _MAY_BE_FINAL or ("." in token and any(c.isalpha() for c in token)):
        # Inc. / U.S. / p.m. end a sentence only when a sentence plainly begins next.
        return nxt.isupper() and next_word.lower() in _SENTENCE_STARTERS
    return True
