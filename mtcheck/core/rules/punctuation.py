"""Spacing and punctuation: the typographic residue of Chinese text and of MT tokenisers.

Full-width marks (，。：；（）！？、) and the ideographic space come straight from the
source; "anti-democratic ." and '" Sports Bar Youth "' come from detokenisers that
failed; paragraphs indented with spaces are Chinese full-width indentation (两个全角空格)
turned into ASCII.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule

SPACE_BEFORE = rule(
    "punctuation.space-before", "warning", weight=1.5, fix="always",
    message="space before punctuation",
    description="A space before . , ; : ? or ! (\"anti-democratic .\"): a tokeniser's output.",
    suggestion="remove the space",
    examples=(
        flags("The plan is anti-democratic , he said .", fixed="The plan is anti-democratic, he said."),
        flags("The envoy arrived ,and the talks began.", fixed="The envoy arrived, and the talks began."),
        passes("The plan is anti-democratic, he said: \"Why?\""),
    ),
)
SPACE_INSIDE = rule(
    "punctuation.space-inside", "warning", weight=0.3, fix="sometimes",
    message="space inside quotation marks or brackets",
    description="Quotes or brackets padded with spaces ('\" Sports Bar Youth \"', \"( 2021 )\"): a tokeniser's "
                "output. Padding on one side of straight quotes may be a mis-paired quote, so a person decides.",
    suggestion="remove the spaces inside the marks",
    examples=(
        flags("The plan ( announced in 2021 ) was dropped.", fixed="The plan (announced in 2021) was dropped."),
        flags("The market was' leaning towards caution '."),
        flags("Exams have long been a “heated topic“ for students."),  # not fixed: the mark faces the wrong way
        passes("The plan (announced in 2021) was dropped, \"for now\", the students' union said."),
        passes("He called it 'a mistake' and rock 'n' roll was playing."),
        passes("\"The bank did not \"frame\" Huawei,\" it said of the \"sweeping and vague \"security\" law\"."),
        flags("It explored themes such as\" cryptocurrency \", \"credit\" and more.",  # a tokeniser's padding
              fixed="It explored themes such as \"cryptocurrency\", \"credit\" and more."),
    ),
)
DOUBLED = rule(
    "punctuation.doubled", "warning", weight=1.5, fix="sometimes",
    message="doubled punctuation",
    description="Two punctuation marks where one belongs (\",,\", \",.\", \"!!\"); an ellipsis is fine. Two of "
                "the same mark are fixed safely; two different ones need a person to choose.",
    examples=(
        flags("The plan was dropped,, officials said.", fixed="The plan was dropped, officials said."),
        flags("The figure ((reference value) was revised.", fixed="The figure (reference value) was revised."),
        passes("The plan was dropped... for now, officials said (see (a) above)."),
    ),
)
FULL_WIDTH = rule(
    "punctuation.full-width", "error", weight=0.3, fix="sometimes",
    message="full-width (Chinese) punctuation in English text",
    description="Full-width marks such as ，。：；（）！？、《》 or “” beside Chinese characters. Marks with an "
                "ASCII form are fixed safely; book-title and corner brackets need a person.",
    examples=(
        flags("The plan was dropped，officials said。", fixed="The plan was dropped, officials said."),
        passes("The plan was dropped, officials said."),
    ),
)
IDEOGRAPHIC_SPACE = rule(
    "punctuation.ideographic-space", "warning", weight=0.5, fix="always",
    message="ideographic (full-width) space",
    description="U+3000, the Chinese full-width space, inside a line (at the start of a paragraph it is an "
                "indent, reported by punctuation.indent).",
    suggestion=" ",
    examples=(
        flags("The plan was dropped,\u3000officials said.", fixed="The plan was dropped, officials said."),
        passes("The plan was dropped, officials said."),
    ),
)
INDENT = rule(
    "punctuation.indent", "info", weight=0.3, fix="always",
    message="paragraph indented with spaces",
    description="Leading spaces on a paragraph: Chinese full-width indentation turned into ASCII spaces.",
    suggestion="remove the indentation",
    examples=(
        flags("The plan was dropped.\n\n  Officials said so on Monday.\n",
              fixed="The plan was dropped.\n\nOfficials said so on Monday.\n"),
        passes("The plan was dropped.\n\nOfficials said so on Monday.\n"),
    ),
)
MIXED_QUOTES = rule(
    "punctuation.mixed-quotes", "info", weight=0.0, fix="never",
    message="straight and curly quotation marks mixed",
    description="One document using both \"straight\" and “curly” quotes (or ' and ’ apostrophes): text pasted "
                "together from different tools. Typography is set by the publishing system, so it carries no "
                "weight in the MT likelihood.",
    examples=(
        flags("He said \"yes\" and she said “no”."),
        passes("He said “yes” and she said “no”."),
    ),
)

# A mark with spaces before it: found from the mark (far fewer than spaces), the spaces then
# read back (`spaced_marks`), each run once: no attempt scans a long run of spaces again.
_MARK_AFTER_SPACE = re.compile(r"[.,;:?!](?=[\s\"”’)]|$)")
_SPACES_BEFORE_MARK = " \t\u00a0"
_SPACE_AFTER_OPENING = re.compile(r"([(\[“‘])[ \t]+(?=\S)")
_CLOSER = re.compile(r"[)\]”]")  # (spaces before one: `_after_spaces`)
# A run of marks is one finding (",, ,,," -> ","), so a fix settles in one round. (The lookahead
# names every branch's first character: the scan then skips to those, not trying four branches
# at every character; half the time.)
_DOUBLED = re.compile(r"(?=[,;:.!?(])(?:[,;:](?:[ \t]*[,;:])*[ \t]*[,;:.](?![.])|\.\.(?![.])|[!?]{2,}|\(\((?=\w))")
# " ,and": the space before the mark and none after it, the tokeniser's space in the wrong place.
_MARK_BEFORE_LETTER = re.compile(r"[,;:](?=[A-Za-z])")  # (spaces before one: `_after_spaces`)
# Single quotes padded inside: an opening one glued to the word before it ("was' leaning"),
# a closing one with a space before it ("... '"). An apostrophe never does either. Each is
# found from the quote (a scan that skips to quotes, or to spaces), and what comes before it is
# tested at the few places found: as one pattern, with that test first, every character was
# tried (a third of the punctuation family's time on a news story).
_QUOTE_BEFORE_SPACE = re.compile(r"(['‘’])[ \t]+(?=\w)")
_GLUED_TO = re.compile(r"was|were|is|are|be|the|a|an|of|to|and|said|says|called|as|word|term", re.IGNORECASE)
_GLUED_LONGEST = 6  # characters of the longest word above
_CLOSING_QUOTE = re.compile(r"['’](?=[ \t]*(?:[.,;:!?)]|\n|$))")
# Literal probes: str.find is far cheaper than a regex scan, and these are rare.
_SPACED_MARKS = (" .", " ,", " ;", " :", " ?", " !")
_SPACED_CLOSERS = (" )", " ]", " ”")
_CJK_RANGES = (("\u3400", "\u4DBF"), ("\u4E00", "\u9FFF"), ("\u3040", "\u30FF"), ("\uAC00", "\uD7AF"))


# Compiled when a text has wide characters (or, for `_has_wide`, any beyond ASCII): their wide
# ranges cost milliseconds to compile, which a run over English copy never needs. (Not told
# from max(text) instead: over 8 MB of typeset Latin text that takes 120 ms, the search 16.)
def _has_wide(text: str) -> bool:
    return not text.isascii() and _wide().search(text) is not None


@functools.cache
def _wide() -> re.Pattern[str]:
    return re.compile(r"[\u3000-\uffff]")


@functools.cache
def _full_width() -> re.Pattern[str]:
    return re.compile(r"[\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\u3001\u3002\u3008-\u3011"
                      r"\u3014-\u301F]+")


def _is_cjk(char: str) -> bool:
    """A Chinese, Japanese or Korean character."""
    return any(low <= char <= high for low, high in _CJK_RANGES)


_CURLY_QUOTE = re.compile(r"[“”‘’]")


def cjk_quotes(text: str) -> Iterator[int]:
    """Offsets of the curly quotes with a Chinese, Japanese or Korean character beside them: what
    `(?<=[CJK])[“”‘’]|[“”‘’](?=[CJK])` finds, found from the quotes (as that pattern, every
    character was tried)."""
    for m in _CURLY_QUOTE.finditer(text):
        at = m.start()
        if (at and _is_cjk(text[at - 1])) or (at + 1 < len(text) and _is_cjk(text[at + 1])):
            yield at


_STRAIGHT_DQ = re.compile(r'"')
_CURLY_DQ = re.compile(r"[“”]")
_STRAIGHT_APOS = re.compile(r"'(?=\w)")
_CURLY_APOS = re.compile(r"’(?=\w)")
# Full-width marks with no NFKC equivalent, and those that want a space after them in English.
_ASCII = {"、": ",", "。": ".", "《": "“", "》": "”", "〈": "‘", "〉": "’", "「": "“", "」": "”", "『": "‘", "』": "’",
          "【": "[", "】": "]", "〔": "(", "〕": ")", "〖": "[", "〗": "]", "“": "“", "”": "”", "‘": "‘", "’": "’",
          # the brackets and quotes NFKC leaves wide: 〝...〟 and 〝...〞 are Japanese double quotes
          "〘": "(", "〙": ")", "〚": "[", "〛": "]", "〜": "~", "〝": "“", "〞": "”", "〟": "”"}
_SPACE_AFTER = frozenset(",.;:!?)")


def ascii_punctuation(marks: str, following: str) -> str:
    out = "".join(_ASCII.get(c) or _ASCII.get(unicodedata.normalize("NFKC", c)) or unicodedata.normalize("NFKC", c)
                  for c in marks)
    if out and out[-1] in _SPACE_AFTER and following[:1].isalnum():
        out += " "
    return out


def glued_opening_quotes(text: str) -> Iterator[re.Match[str]]:
    """Single quotes glued to the word before them and spaced from the one after ("was' leaning"):
    each match is the quote (group 1) and its spaces. What one pattern,
    `(?<![\\w'’-])(?:was|were|...)(['‘’])[ \\t]+(?=\\w)`, finds from its word on."""
    for m in _QUOTE_BEFORE_SPACE.finditer(text):
        if _ends_glued_word(text, m.start()):
            yield m


def _ends_glued_word(text: str, quote: int) -> bool:
    r"""The quote at `quote` ends one of the _GLUED_TO words, a whole word (not after a hyphen
    or an apostrophe: "rock-a'", "don'"), with \w as `re` reads it (alphanumeric or "_")."""
    start = quote
    while start and quote - start <= _GLUED_LONGEST and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    if start == quote or (start and (text[start - 1].isalnum() or text[start - 1] in "_'’-")):
        return False  # no word, a longer one, or one after a hyphen or an apostrophe
    return _GLUED_TO.fullmatch(text, start, quote) is not None


def spaced_closing_quotes(text: str) -> Iterator[tuple[int, int, str]]:
    """Closing single quotes with spaces before them ("... ' ."): (start of the spaces, end of the
    quote, the quote). What `(?<=[^\\s'‘’])[ \\t]+(['’])(?=...)` finds, read from the quote back."""
    for start, end, quote in _after_spaces(text, _CLOSING_QUOTE, " \t"):
        before = text[start - 1] if start else " "
        if not before.isspace() and before not in "'‘’":
            yield start, end, quote


def spaced_marks(text: str) -> Iterator[tuple[int, int, str]]:
    """Marks with spaces before them and a space, a closing quote or the end after them ("word ."):
    (start of the spaces, end of the mark, the mark). What
    `(?<![ \\t\\u00a0])[ \\t\\u00a0]+([.,;:?!])(?=[\\s\\"”’)]|$)` finds, read from the mark back."""
    return _after_spaces(text, _MARK_AFTER_SPACE, _SPACES_BEFORE_MARK)


def spaced_closers(text: str) -> Iterator[tuple[int, int, str]]:
    """Closing brackets and quotes with spaces before them, after a word or a mark ("word )"):
    (start of the spaces, end of the closer, the closer)."""
    return _after_spaces(text, _CLOSER, " \t", after_text=True)


def glued_marks(text: str) -> Iterator[tuple[int, int, str]]:
    """A comma, semicolon or colon with spaces before it and a letter right after it, after a word
    or a mark (" ,and"): (start of the spaces, end of the mark, the mark)."""
    return _after_spaces(text, _MARK_BEFORE_LETTER, " \t", after_text=True)


def _after_spaces(text: str, marks: re.Pattern[str], spaces: str,
                  after_text: bool = False) -> Iterator[tuple[int, int, str]]:
    """(start of the spaces, end of the mark, the mark) of each of `marks`'s matches right after a
    run of `spaces`: what `(?<![spaces])[spaces]+(mark)` finds, found from the marks (far fewer
    than spaces), each run of spaces read back once. `after_text`: only where the spaces follow
    something other than white space (not at the start of the text or of a line)."""
    for m in marks.finditer(text):
        start = at = m.start()
        while start and text[start - 1] in spaces:
            start -= 1
        if start < at and not (after_text and (not start or text[start - 1].isspace())):
            yield start, m.end(), m.group()


@register
class Punctuation(Family):
    name = "punctuation"
    description = "Spacing, doubled and full-width punctuation, ideographic spaces, indentation, mixed quotes."
    rules = (SPACE_BEFORE, SPACE_INSIDE, DOUBLED, FULL_WIDTH, IDEOGRAPHIC_SPACE, INDENT, MIXED_QUOTES)

    def check(self, ctx: Context) -> None:
        text = ctx.doc.text
        spaced = "\t" in text or "\u00a0" in text
        for start, end, mark in spaced_marks(text) if spaced or any(s in text for s in _SPACED_MARKS) else ():
            if _after_word(text, start):
                ctx.report(SPACE_BEFORE, start, end, message=f"space before \"{mark}\"", suggestion=mark,
                           fix_safe=True)
        for m in _SPACE_AFTER_OPENING.finditer(text):
            # An opening mark glued to the word before it and spaced from the one after faces the
            # wrong way ('a “heated topic“ for a long time'): taking the space out would glue the
            # next word on, so a person decides.
            glued = m.start() > 0 and text[m.start() - 1].isalnum()
            ctx.report(SPACE_INSIDE, m.start(), m.end(), suggestion=m.group(1), fix_safe=not glued)
        for start, end, closer in spaced_closers(text) if spaced or any(s in text for s in _SPACED_CLOSERS) else ():
            ctx.report(SPACE_INSIDE, start, end, suggestion=closer, fix_safe=True)
        if " ," in text or " ;" in text or " :" in text or "\t" in text:
            for start, end, mark in glued_marks(text):
                ctx.report(SPACE_BEFORE, start, end, message=f"space before \"{mark}\" and none after it",
                           suggestion=mark + " ", fix_safe=True)
        if '"' in text:
            self._padded_straight_quotes(ctx)
        if "'" in text or "’" in text or "‘" in text:
            self._padded_single_quotes(ctx)
        for m in _DOUBLED.finditer(text):
            if m.start() and text[m.start() - 1] == "." and m.group()[0] in ",;:.":
                continue  # an ellipsis followed by a mark
            marks = m.group()
            same = len(set(marks.replace(" ", ""))) == 1
            ctx.report(DOUBLED, m.start(), m.end(), message=f"doubled punctuation \"{marks}\"",
                       suggestion=marks.replace(" ", "")[-1] if not marks.startswith(("!", "?")) else marks[0],
                       fix_safe=same)
        if _has_wide(text):  # skip the CJK scans on plain Western text
            for m in _full_width().finditer(text):
                marks = m.group()
                suggestion = ascii_punctuation(marks, text[m.end():m.end() + 1])
                # Safe only when every mark has an ASCII form; brackets and quotes a person chooses
                # ("《》" may be a title in italics). A mark with no ASCII form (the katakana
                # middle dot "･") gets no suggestion rather than itself.
                wide = _has_wide(suggestion)
                safe = not any(c in "《》〈〉「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟" for c in marks) and not wide
                ctx.report(FULL_WIDTH, m.start(), m.end(), message=f"full-width punctuation \"{marks}\"",
                           suggestion=None if wide else suggestion, fix_safe=safe)
            for at in cjk_quotes(text):
                ctx.report(FULL_WIDTH, at, at + 1, message=f"quotation mark \"{text[at]}\" belongs to Chinese text")
            indents = {p.indent_start for p in ctx.doc.paragraphs}
            start = text.find("\u3000")
            while start != -1:
                end = start
                while end < len(text) and text[end] == "\u3000":
                    end += 1
                if not (start in indents or text[start - 1:start] in ("\n", "")):
                    ctx.report(IDEOGRAPHIC_SPACE, start, end, fix_safe=True)
                start = text.find("\u3000", end)
        for p in ctx.doc.paragraphs:
            if p.indent_start < p.start:
                indent = text[p.indent_start:p.start]
                if " " in indent or "\u3000" in indent:
                    ctx.report(INDENT, p.indent_start, p.start, suggestion="", fix_safe=True)
        self._mixed(ctx, _STRAIGHT_DQ, _CURLY_DQ, "quotation marks")
        self._mixed(ctx, _STRAIGHT_APOS, _CURLY_APOS, "apostrophes")

    @staticmethod
    def _padded_straight_quotes(ctx: Context) -> None:
        """Pair straight quotes within each paragraph and flag pairs padded inside."""
        text = ctx.doc.text
        for p in ctx.doc.paragraphs:
            marks = [m.start() for m in _STRAIGHT_DQ.finditer(text, p.start, p.end)]
            for open_at, close_at in zip(marks[::2], marks[1::2]):
                inner = text[open_at + 1:close_at]
                padded = (inner[:1] in (" ", "\t"), inner[-1:] in (" ", "\t"))
                # Where every padded side's mark is glued to a word outside, the marks face the other
                # way: they are mis-paired (a quotation inside a quotation, 'did not "frame" Huawei,"';
                # 'film "Man to Middle Age" in 1980. "After'), not padded. A tokeniser's padding keeps
                # one side free at least ('such as" cryptocurrency ",').
                outward = (open_at > p.start and text[open_at - 1].isalnum(),
                           close_at + 1 < p.end and text[close_at + 1].isalnum())
                if any(padded) and not all(out for pad, out in zip(padded, outward) if pad):
                    # Padding on one side only may be a mis-paired quote (a quotation running on
                    # into the next paragraph leaves one unclosed): a person decides. A mark glued to
                    # the word outside gets the space the inside had ('such as "cryptocurrency",').
                    before, after = (" " if outward[0] else ""), (" " if outward[1] else "")
                    ctx.report(SPACE_INSIDE, open_at, close_at + 1, message="straight quotes padded with spaces",
                               suggestion=f'{before}"{inner.strip()}"{after}', fix_safe=all(padded))

    @staticmethod
    def _padded_single_quotes(ctx: Context) -> None:
        text = ctx.doc.text
        # A match needs a quote with a space or tab after it (glued) or before it (spaced),
        # which few stories have: without one, neither scan runs.
        if any(f"{quote}{space}" in text for quote in "'‘’" for space in " \t"):
            for m in glued_opening_quotes(text):
                ctx.report(SPACE_INSIDE, m.start(), m.end(), message="opening single quote glued to the word before it",
                           suggestion=" " + m.group(1))
        if any(f"{space}{quote}" in text for quote in "'’" for space in " \t"):
            for start, end, quote in spaced_closing_quotes(text):
                ctx.report(SPACE_INSIDE, start, end, message="closing single quote with a space before it",
                           suggestion=quote)

    @staticmethod
    def _mixed(ctx: Context, straight: re.Pattern, curly: re.Pattern, what: str) -> None:
        text = ctx.doc.text
        inside_word = what == "apostrophes"  # an apostrophe sits between letters: don't, China’s

        def spans(pattern: re.Pattern) -> list[int]:
            return [m.start() for m in pattern.finditer(text)
                    if not inside_word or (m.start() and text[m.start() - 1].isalnum())]

        s = spans(straight) if ("'" in text or '"' in text) else []
        if not s:
            return
        c = spans(curly)
        if not c:
            return
        style, first, majority = ("straight", s[0], "curly") if len(s) <= len(c) else ("curly", c[0], "straight")
        ctx.report(MIXED_QUOTES, first, first + 1,
                   message=f"{what}: {len(s)} straight and {len(c)} curly; this is the first {style} one",
                   suggestion=f"use {majority} {what} throughout")

def _after_word(text: str, at: int) -> bool:
    """The character before `at` ends a word (not white space or another mark)."""
    return at > 0 and not text[at - 1].isspace() and text[at - 1] not in ".,;:?!"
