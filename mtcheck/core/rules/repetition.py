"""Repetition: doubled words, collapsed synonym pairs and repeated phrases.

Chinese often pairs near-synonyms (检查检验, 支持拥护); MT that knows one English
word for both writes "inspection and inspection", "supported and supported".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import islice
from operator import eq

from mtcheck.core.morphology import irregular_table
from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule

DOUBLED = rule(
    "repetition.doubled-word", "error", weight=1.5, fix="sometimes",
    message="word repeated",
    description="The same word twice in a row (\"the the\"). Good English doublings (\"had had\", "
                "\"that that\", a speaker's \"really really\"), the end of a compound before its word again "
                "(\"low-power power line\"), names with a doubled syllable (\"Li Li\") and names in capitals are "
                "left alone; "
                "a longer doubled capitalised word (\"African African\") is a warning with no safe fix, since "
                "a few names do double.",
    suggestion="delete the repeated word",
    examples=(
        flags("The minister said the the plan would go ahead.", fixed="The minister said the plan would go ahead."),
        flags("Cases of African African swine fever were found."),
        passes("She had had enough, and Li Li agreed that that was right."),
        passes("Stock low-power power lines, and the really really light ones."),  # a compound; speech
        passes("The band MAK MAK played on Friday."),  # a name in capitals
    ),
)
COORDINATED = rule(
    "repetition.coordinated", "error", weight=2.5, fix="never",
    message="the same word on both sides of 'and'/'or'",
    description="A coordinated duplicate such as \"supported and supported\": the source had two near-synonyms "
                "and the translation collapsed them into one word. Intensifying and idiomatic pairs "
                "(\"more and more\", \"again and again\", \"neck and neck\") are English and left alone, and so are "
                "pronouns, hyphenated compounds (\"semi-automatic and automatic\") and a copy after a comma that more "
                "words follow (\"..., and the slave beats the emperor\") or a singular verb (\"for parking and "
                "parking is free\"): it opens a clause of its own.",
    suggestion="keep one of the two",
    examples=(
        flags("The proposal was supported and supported by the residents."),
        flags("Officials will strengthen inspection and inspection of food."),
        passes("Prices rose more and more, again and again, for years and years."),
        passes("There were masses and masses of people, and lots and lots of cars."),
        passes("The school wrote to parents, or parents' committees, on Monday."),  # a possessive modifier
        passes("The audit covered funds and funds collected by the district."),  # a new noun phrase
        passes("Two floors are for parking and parking is free."),  # a singular verb: a clause of its own
        flags("Floods and floods have caused damage."),
        passes("The poll put him neck and neck with the senator."),  # an idiom
        passes("The citizens beat the slave, and the slave beats the emperor."),  # a clause of its own
        flags("Teas such as green tea, black tea, and black tea have taken turns."),  # a list's item doubled
        flags("Floods and floods have caused direct economic losses."),  # the pair as the subject
        passes("The plant has semi-automatic and automatic lines, and bans fishing and fishing-related work."),
        passes("I called again and again and again and again, and if they text you and you miss it, too bad."),
    ),
)
PHRASE = rule(
    "repetition.phrase", "warning", weight=2.0, fix="never",
    message="phrase repeated",
    description="A phrase of two to eight words immediately repeated (not an intensifying pair said again, "
                "\"and more and more\", nor an idiom before its own last word, \"from time to time to\", nor "
                "a title quoted whole, \"New York, New York\").",
    suggestion="delete the repetition",
    examples=(
        flags("The plan will be put in place in place by the end of the year."),
        passes("The plan will be put in place by the end of the year."),
        passes("Doctors met them face to face to collect the data, and from time to time to check on them."),
        flags("The minister said to said to reporters that the plan was ready."),
        passes('The band played "New York, New York" as the crowd sang along.'),  # a title
    ),
)
OPENER = rule(
    "repetition.opener", "info", weight=0.5, fix="never",
    message="the same reporting formula opens sentence after sentence",
    description="\"The article pointed out that ... The article emphasized that ... The article believes that ...\": "
                "文章指出/强调/认为 rendered each time as a fresh opener. Wire copy varies the attribution or lets "
                "the quotation run on. Reported from the third opener with the same subject on.",
    suggestion="vary the attribution, or run the points on without repeating it",
    examples=(
        flags("The article pointed out that trade grew. The article stated that prices fell. "
              "The article believes that jobs will follow."),
        passes("The article pointed out that trade grew. It also said prices fell. "
               "Officials believe jobs will follow."),
    ),
)

# Doubled words that are good English ("had had", "that that", a speaker's "really really"), and
# intensifying or idiomatic coordinations ("more and more", "for years and years", "neck and neck").
_DOUBLE_OK = frozenset("had that is do bye ha no very so far knock tut really much yes yeah oh hey".split())
_COORD_OK = frozenset(
    """more less again over on round through by out back up down around in off
    years months weeks days hours minutes miles ages times bigger better worse
    further farther higher lower greater smaller faster slower louder closer
    deeper wider stronger weaker longer shorter harder easier richer poorer
    step bit little masses lots loads heaps tons piles rows dozens hundreds thousands millions
    billions scores reams stacks layers neck half such so ever""".split()
)
# The document's shared words (`ctx.tokens`, lower-cased). For each distance n, `same[k]`
# says whether word k equals word k + n, built as bytes by C-level map; a run of n equal
# pairs is a repeated n-word phrase, found with bytes.find, so Python only ever looks at
# candidates.
_MAX_PHRASE = 8
_SINGULAR_VERBS = frozenset("is was has does".split())
_QUOTES = frozenset("\"“”‘’'")
_MAX_COORDINATED = 3  # "X Y Z and X Y Z"
_SAME_LINE_GAP = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?")  # white space short of a blank line
_IN_PHRASE_GAP = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?|['’-]")
_BETWEEN_GAP = re.compile(r"[ \t]*(?:,[ \t]*)?(?:\r?\n[ \t]*)?")  # not "[ \t]*,?[ \t]*": quadratic on long runs
_CONJUNCTIONS = frozenset(("and", "or"))
# "from time to time to pay", "face to face to learn": an idiom "X to X" before the same word
# again reads as "X to" repeated ("said to said to" stays a repetition).
_IDIOM_LINKS = frozenset("to by after upon".split())
_IDIOM_HEADS = frozenset("""time face day side one step year week month door back hand person place case head
    shoulder cheek heart man point bit end house mouth word""".split())
# "sent to you and you don't": a pronoun is never one of two near-synonyms collapsed. (Personal
# pronouns only: "its and its ruling coalition" is MT, so the vocabulary's wider class is not it.)
_PRONOUNS = frozenset("i you he she it we they me him her us them".split())
_BLOCK = 256  # gaps whose tightness is worked out together
# "The article pointed out that": a reporting formula opening a sentence.
_OPENER = re.compile(
    r"(?:The|This|That) (article|statement|report|document|communiqu[eé]|letter|speech|editorial|commentary|circular|"
    r"notice|opinion|plan|paper|white paper|meeting|conference|announcement|survey|study) (?:also )?(?:pointed out|"
    r"stated|said|stressed|emphasi[sz]e[sd]?|believes|noted|holds|held|argued|added|maintained|explained|indicated|"
    r"proposed|mentioned|called for|required) that\b")
_OPENERS_BEFORE_REPORT = 2
_MIN_DOUBLED_NAME = 5  # shorter doubled capitalised words are names (Li Li, Ni Ni)
_POSSESSIVE = re.compile(r"['’](?:s\b|(?=\s))")
_PARTICIPLE = re.compile(r"[a-z]+(?:ed|en)")


@lru_cache(maxsize=1)
def _irregular_participles() -> frozenset[str]:
    return frozenset(form for forms in irregular_table().values() for form in forms)


def _intensifying(words: Sequence[str]) -> bool:
    """Words of an intensifying pair and its conjunctions only: "more", "again and again" (a
    speaker's "again and again and again and again" repeats the pair, and means it)."""
    return all(w in _COORD_OK or w in _CONJUNCTIONS for w in words)


@register
class Repetition(Family):
    name = "repetition"
    description = "Doubled words, coordinated duplicates, repeated phrases."
    rules = (DOUBLED, COORDINATED, PHRASE, OPENER)

    def check(self, ctx: Context) -> None:
        if ctx.wants(OPENER):
            self._openers(ctx)
        if not ctx.wants(DOUBLED, COORDINATED, PHRASE):
            return
        scan = _Scan(ctx)
        # (first word, last word) of reported spans, sorted and disjoint. A candidate starting
        # inside one is the same repetition seen again at another distance ("a a a a" is one
        # doubled word, not also a repeated "a a"): skipped, so periodic text ("a\na\na\n...")
        # gives a finding per repetition, not one per word and distance.
        found: list[tuple[int, int]] = []
        for n in range(1, _MAX_PHRASE + 1):
            same = bytes(map(eq, scan.words, islice(scan.words, n, None)))
            # Doubled word: one equal pair; n words "X... and X...": n - 1 equal pairs with
            # the conjunction between the copies; a repeated n-word phrase: n equal pairs.
            needle = b"\x01" * max(1, n - 1)
            wanted = (DOUBLED,) if n == 1 else (COORDINATED, PHRASE)
            p = same.find(needle)
            while p != -1:
                k = bisect_right(found, (p, len(scan.words))) - 1
                if k >= 0 and found[k][1] >= p:
                    p = same.find(needle, found[k][1] + 1)
                    continue
                if n > 1 and not scan.may_start(p, n, same):
                    p = same.find(needle, p + 1)
                    continue
                span = scan.at(p, n, same)
                if span:
                    k = bisect_left(found, span)
                    if not ((k and found[k - 1][1] >= span[0]) or (k < len(found) and found[k][0] <= span[1])):
                        found.insert(k, span)
                    if ctx.full(*wanted):
                        break
                p = same.find(needle, p + 1)


    @staticmethod
    def _openers(ctx: Context) -> None:
        text = ctx.doc.text
        seen: dict[str, int] = {}
        for s in ctx.doc.sentences:
            m = _OPENER.match(text, s.start, s.end)
            if m is None:
                continue
            subject = m.group(1).lower()
            seen[subject] = seen.get(subject, 0) + 1
            if seen[subject] >= _OPENERS_BEFORE_REPORT + 1:
                ordinal = _ordinal(seen[subject])
                ctx.report(OPENER, m.start(), m.end(),
                           message=f"\"The {subject} ... that\" opens a sentence for the {ordinal} time")


def _whole_quotation(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is all a quotation holds ("New York, New York", a chant): a title or
    words quoted as said, repeated on purpose."""
    return text[start - 1:start] in _QUOTES and text[end:end + 2].lstrip(",.!?")[:1] in _QUOTES


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


class _Scan:
    """One document's words (lower-cased), the gaps between them and their offsets in the text."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.text = ctx.doc.text
        tokens = ctx.tokens
        # as a list while the family runs: the comparisons below read every word several times
        self.words = list(tokens.lower)
        self.gap = tokens.gap  # gap(k): between word k and word k + 1
        self.starts, self.ends = tokens.starts, tokens.ends
        self._tight = bytearray(len(self.words))  # per gap: 1 tight, 2 not, 0 not looked at yet

    def start(self, k: int) -> int:
        return self.starts[k]

    def end(self, k: int) -> int:
        return self.ends[k]

    def tight(self, lo: int, hi: int) -> bool:
        """Words lo..hi (inclusive) are joined by spaces, hyphens or apostrophes only."""
        # Each gap is matched once, a block at a time, however many candidates span it (a text
        # repeating itself makes every word a candidate at several distances).
        known = self._tight
        for block in range(lo // _BLOCK, (hi - 1) // _BLOCK + 1 if hi > lo else lo // _BLOCK):
            if not known[block * _BLOCK]:
                self._fill(block)
        return 2 not in known[lo:hi]

    def may_start(self, p: int, n: int, same: bytes) -> bool:
        """Whether copies starting at words p and p + n (n > 1) can be a repetition at all: a
        coordination has "and"/"or" before its second copy; a repeated phrase has its n-th
        pair of words equal too, and is joined tightly after its first word. A cheap test
        before `at`, for text that repeats itself ("the" n words apart is common)."""
        if self.words[p + n - 1] in _CONJUNCTIONS:
            return True
        if same[p + n - 1:p + n] != b"\x01":
            return False
        known = self._tight
        if not known[p]:
            self._fill(p // _BLOCK)
        return known[p] == 1

    def _fill(self, block: int) -> None:
        # `gap` inlined and a single space (most gaps) decided without the regex: this runs
        # once per word of every document.
        known, text, starts, ends, tight = self._tight, self.text, self.starts, self.ends, _IN_PHRASE_GAP.fullmatch
        words = len(starts)
        for k in range(block * _BLOCK, min(len(known), (block + 1) * _BLOCK)):
            gap = text[ends[k]:starts[k + 1] if k + 1 < words else len(text)]
            known[k] = 1 if gap == " " or tight(gap) else 2

    def one_paragraph(self, lo: int, hi: int) -> bool:
        """Words lo..hi lie in one paragraph: in one-paragraph-a-line wire copy a line
        break between two words is a paragraph break, not a wrapped line."""
        a, b = self.start(lo), self.end(hi)
        return "\n" not in self.text[a:b] or self.ctx.doc.in_one_paragraph(a, b)

    def opens_clause(self, p: int, i: int, last: int) -> bool:
        """The copy at words i..last, after "X, and", opens a clause of its own ("beat the slave,
        and the slave beats the emperor"): a comma stands before the conjunction, more words
        follow the copy on its line, and the first copy (at word p) is not a list's item ("green
        tea, black tea, and black tea have"). Without the comma a verb after the copy says
        nothing: the collapsed pair is often the subject ("Floods and floods have caused"), unless
        the verb is singular ("for parking and parking is free")."""
        gap = self.gap
        goes_on = last + 1 < len(self.words) and bool(_SAME_LINE_GAP.fullmatch(gap(last)))
        if goes_on and self.words[last + 1] in _SINGULAR_VERBS:
            return True  # "for parking and parking is free": a pair as subject would take "are"
        return goes_on and "," in gap(i - 2) and not (p and "," in gap(p - 1))

    def in_compound(self, p: int, last: int) -> bool:
        """The first copy (from word p) ends a hyphenated compound, or the second (to word
        `last`) begins one: "semi-automatic and automatic", "fishing and fishing-quitting",
        "low-power power line"."""
        return (p > 0 and self.gap(p - 1) == "-") or (last + 1 < len(self.words) and self.gap(last) == "-")

    def starts_new_phrase(self, last: int) -> bool:
        """The second copy ending at word `last` opens a noun phrase of its own: a possessive
        ("parents, or parents' committees") or a noun with a participle after it ("funds and
        funds collected by"), not a collapsed synonym pair ("supported and supported by")."""
        if _POSSESSIVE.match(self.text, self.end(last)):
            return True
        following = last + 1
        if following >= len(self.words) or not _SAME_LINE_GAP.fullmatch(self.gap(last)):
            return False
        word = self.words[last]
        participle = _PARTICIPLE.fullmatch(self.words[following]) or self.words[following] in _irregular_participles()
        return bool(participle) and not _PARTICIPLE.fullmatch(word) and not word.endswith("ing")

    def at(self, p: int, n: int, same: bytes) -> tuple[int, int] | None:
        """Report the repetition whose copies start at words p and p + n, if it is one;
        returns its (first, last) word indices."""
        ctx, text, words, gap = self.ctx, self.text, self.words, self.gap
        i = p + n
        if n == 1:
            first, second = text[self.start(p):self.end(p)], text[self.start(i):self.end(i)]
            if first.isupper() and second.isupper() and len(first) > 1:
                return None  # a name or an acronym in capitals: MAK MAK
            title = first.istitle() and second.istitle()
            if title and len(first) < _MIN_DOUBLED_NAME:
                return None  # a name with a doubled syllable: Li Li, Ni Ni
            if (_SAME_LINE_GAP.fullmatch(gap(p)) and self.one_paragraph(p, i)
                    and words[p] not in _DOUBLE_OK and not words[p].isdigit() and not self.in_compound(p, i)):
                # "African African" is a slip; a longer doubled name (Sirhan Sirhan) exists, so a person decides.
                # The whole run, so that one fix leaves one word (fixing pairs would halve a run
                # of a thousand words per round, and never settle).
                while (same[i:i + 1] == b"\x01" and _SAME_LINE_GAP.fullmatch(gap(i))
                       and self.one_paragraph(i, i + 1)):
                    i += 1
                ctx.report(DOUBLED, self.start(p), self.end(i), message=f"\"{second}\" repeated",
                           suggestion=first, fix_safe=not title, severity="warning" if title else None)
                return p, i
            return None
        # "X [Y [Z]] and X [Y [Z]]": n - 1 words, the conjunction, the same words again.
        size = n - 1
        last = i + size - 1
        if (size <= _MAX_COORDINATED and words[i - 1] in _CONJUNCTIONS
                and self.tight(p, i - 2) and self.tight(i, last)
                and _BETWEEN_GAP.fullmatch(gap(i - 2)) and _SAME_LINE_GAP.fullmatch(gap(i - 1))
                and self.one_paragraph(p, last)):
            phrase = " ".join(words[p:i - 1])
            if (phrase.isdigit() or phrase.endswith("er") or phrase in _PRONOUNS
                    or _intensifying(words[p:i - 1])):
                return None
            if self.starts_new_phrase(last) or self.opens_clause(p, i, last) or self.in_compound(p, last):
                return None
            first = text[self.start(p):self.end(i - 2)]
            ctx.report(COORDINATED, self.start(p), self.end(last), suggestion=first, message=(
                f"\"{first}\" on both sides of \"{words[i - 1]}\": the source probably had two "
                "near-synonyms; keep one, or restore both meanings (\"supported and endorsed\")"))
            return p, last
        # A repeated n-word phrase: the n-th pair of words (p + n - 1, i + n - 1) is equal too.
        last = i + n - 1
        if (same[i - 1:i] == b"\x01" and self.tight(p, i - 1) and self.tight(i, last)
                and _BETWEEN_GAP.fullmatch(gap(i - 1)) and self.one_paragraph(p, last)
                and not all(w.isdigit() for w in words[p:i]) and not _intensifying(words[p:i])
                and not (n == 2 and words[p + 1] in _IDIOM_LINKS and words[p] in _IDIOM_HEADS)
                and not _whole_quotation(text, self.start(p), self.end(last))):
            phrase = text[self.start(p):self.end(i - 1)]
            ctx.report(PHRASE, self.start(p), self.end(last), message=f"\"{phrase}\" repeated", suggestion=phrase)
            return p, last
        return None
