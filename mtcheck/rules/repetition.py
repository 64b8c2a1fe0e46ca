"""Repetition: doubled words, collapsed synonym pairs and repeated phrases.

Chinese often pairs near-synonyms (检查检验, 支持拥护); MT that knows one English
word for both writes "inspection and inspection", "supported and supported".
"""

from __future__ import annotations

import re
from itertools import accumulate

from mtcheck.rules.base import Context, Family, register, rule

DOUBLED = rule(
    "repetition.doubled-word", "repetition", "error",
    "word repeated", "The same word twice in a row (\"the the\").", "delete the repeated word",
)
COORDINATED = rule(
    "repetition.coordinated", "repetition", "error",
    "the same word on both sides of 'and'/'or'",
    "A coordinated duplicate such as \"supported and supported\": the source had two near-synonyms "
    "and the translation collapsed them into one word.",
    "keep one of the two",
)
PHRASE = rule(
    "repetition.phrase", "repetition", "warning",
    "phrase repeated", "A phrase of two to eight words immediately repeated.", "delete the repetition",
)

# Doubled words that are good English ("had had", "that that"), and intensifying
# coordinations ("more and more", "again and again", "for years and years").
_DOUBLE_OK = frozenset("had that is do bye ha no very so far knock tut".split())
_COORD_OK = frozenset(
    """more less again over on round through by out back up down around in off
    years months weeks days hours minutes miles ages times bigger better worse
    further farther higher lower greater smaller faster slower louder closer
    deeper wider stronger weaker longer shorter harder easier richer poorer
    step bit little""".split()
)
# Text split into [separator, word, separator, word, ...] by one C-level call; word k
# is parts[2k + 1]. One pass over the words with the last position of each word finds
# every candidate repetition; only candidates are looked at closely.
_SPLIT = re.compile(r"(\w+)")
_MAX_PHRASE = 8
_SAME_LINE_GAP = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?")  # white space short of a blank line
_IN_PHRASE_GAP = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?|['’-]")
_BETWEEN_GAP = re.compile(r"[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?")
_CONJUNCTIONS = frozenset(("and", "or"))


@register
class Repetition(Family):
    name = "repetition"
    description = "Doubled words, coordinated duplicates, repeated phrases."
    rules = (DOUBLED, COORDINATED, PHRASE)

    def check(self, ctx: Context) -> None:
        if not ctx.wants(*self.rules):
            return
        text = ctx.doc.text
        parts = _SPLIT.split(text.lower())
        words = parts[1::2]
        gaps = parts[2::2]  # gaps[k]: between word k and word k + 1
        offsets = list(accumulate(map(len, parts)))

        def start(k: int) -> int:
            return offsets[2 * k]

        def end(k: int) -> int:
            return offsets[2 * k + 1]

        def tight(lo: int, hi: int) -> bool:
            """Words lo..hi (inclusive) are joined by spaces, hyphens or apostrophes only."""
            return all(_IN_PHRASE_GAP.fullmatch(gaps[k]) for k in range(lo, hi))

        last: dict[str, int] = {}
        earlier: list[int] = []  # earlier[i]: previous occurrence of word i, or -1
        reported_until = -1
        for i, word in enumerate(words):
            p = last.get(word, -1)
            last[word] = i
            earlier.append(p)
            while p >= 0 and i - p <= _MAX_PHRASE and i > reported_until:
                reported_until = max(reported_until, self._at(ctx, text, words, gaps, start, end, tight, p, i))
                p = earlier[p]

    @staticmethod
    def _at(ctx: Context, text, words, gaps, start, end, tight, p: int, i: int) -> int:
        """Report a repetition whose second copy starts at word i and first at word p;
        returns the last word index reported (-1 if none)."""
        n = i - p
        word = words[i]
        if n == 1:
            if _SAME_LINE_GAP.fullmatch(gaps[p]) and word not in _DOUBLE_OK and not word.isdigit():
                ctx.report(DOUBLED, start(p), end(i), message=f"\"{text[start(i):end(i)]}\" repeated",
                           suggestion=text[start(p):end(p)], fix_safe=True)
                return i
            return -1
        # "X [Y [Z]] and X [Y [Z]]": the conjunction sits just before the second copy.
        if words[i - 1] in _CONJUNCTIONS and n <= 4:
            size = n - 1
            if (words[p:i - 1] == words[i:i + size] and tight(p, i - 2) and tight(i, i + size - 1)
                    and _BETWEEN_GAP.fullmatch(gaps[i - 2]) and _SAME_LINE_GAP.fullmatch(gaps[i - 1])):
                phrase = " ".join(words[p:i - 1])
                if phrase in _COORD_OK or phrase.isdigit() or phrase.endswith("er"):
                    return -1
                first = text[start(p):end(i - 2)]
                ctx.report(COORDINATED, start(p), end(i + size - 1), suggestion=first, message=(
                    f"\"{first}\" on both sides of \"{words[i - 1]}\": the source probably had two "
                    "near-synonyms; keep one, or restore both meanings (\"supported and endorsed\")"))
                return i + size - 1
        if (words[p:i] == words[i:i + n] and tight(p, i - 1) and tight(i, i + n - 1)
                and _BETWEEN_GAP.fullmatch(gaps[i - 1]) and not all(w.isdigit() for w in words[p:i])):
            phrase = text[start(p):end(i - 1)]
            ctx.report(PHRASE, start(p), end(i + n - 1), message=f"\"{phrase}\" repeated", suggestion=phrase)
            return i + n - 1
        return -1
