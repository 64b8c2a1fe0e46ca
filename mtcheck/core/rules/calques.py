"""Calques and house terms: phrases from reference_pairs/ that betray a literal translation."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule

if TYPE_CHECKING:
    from mtcheck.core.pairs import PairEntry

PHRASE = rule(
    "calque.phrase", "warning", weight=1.5, fix="sometimes",
    message="literal translation of a source-language expression",
    description="An idiom, officialese or construction rendered word for word (\"sanctions club\", "
                "\"in an all-round way\"). Phrase lists live in reference_pairs/phrases/; an entry marked "
                "fix=safe has a replacement `mtcheck fix` writes, the others need a person.",
    examples=(
        flags("The two sides will deepen cooperation in an all-round way."),
        flags("The reporter learned from the relevant department that the road will reopen."),
        flags("Officials said my country will not accept the terms."),
        passes("The two sides agreed to deepen cooperation across the board."),
        # First person is a calque in the narrative voice, not in a speaker's own words.
        passes("\"My country needs this,\" said Sen. Jane Smith."),
    ),
)
TERM = rule(
    "calque.term", "error", weight=2.5, fix="sometimes",
    message="non-standard name for a term, agency or institution",
    description="A disease, agency, institution or title under a name no English desk uses "
                "(\"new crown pneumonia\", \"China News Agency\").",
    examples=(
        flags("Cases of new crown pneumonia rose again.", fixed="Cases of COVID-19 rose again."),
        flags("He was vaccinated against the new crown virus last week.",
              fixed="He was vaccinated against the coronavirus last week."),
        # A name takes the article before it away, and a sentence start keeps its capital.
        flags("The new crown pneumonia spread.", fixed="COVID-19 spread."),
        flags("He is a China News Agency reporter.", fixed="He is a China News Service reporter."),
        passes("Cases of COVID-19 rose again, the China News Service reported."),
    ),
)
STYLE = rule(
    "calque.style", "info", weight=0.0, fix="sometimes",
    message="house style: officialese or a China-English term",
    description="Officialese or a China-English term that edited human copy also uses (Xinhua, China Daily): a "
                "matter of house style, not evidence of machine translation, so it has no weight in the rule "
                "weights' likelihood; the shipped model reads its rate with the other rules' and fits what it is "
                "worth (little). Entries of category `style` in reference_pairs/.",
    examples=(
        flags("The city stepped up garbage classification this year."),
        passes("The city stepped up waste sorting this year."),
    ),
)
_BY_CATEGORY = {"calque": PHRASE, "term": TERM, "style": STYLE}
_ARTICLE_BEFORE = re.compile(r"(?<![\w'’-])(the|an?)[ \t]+$", re.IGNORECASE)
# A phrase in the first person ("my country" for 我国) is a calque in the narrative voice
# and ordinary English inside a direct quotation.
_FIRST_PERSON = re.compile(r"\b(?:i|me|my|mine|we|us|our|ours)\b", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[ \t]*([A-Za-z][\w'’-]*)?([ \t]*[.!?]?)")
# Words after which a noun phrase has ended: auxiliaries, prepositions, conjunctions, relatives.
_PHRASE_ENDERS = frozenset("""is are was were be been has have had will would can could should may might must
    does did do in on at of for to from with by across since during among against into over under after before
    and or but nor that which who whose as than""".split())


def _in_context(text: str, start: int, end: int, replacement: str | None) -> tuple[int, str] | None:
    """A safe replacement fitted to the article before it, and where its span starts.

    "the The Wall Street Journal" loses its second "the". A name that takes no article
    ("COVID-19", "Xinhua") takes the "the" before it away when the noun phrase ends with
    the match ("The new crown pneumonia spread." -> "COVID-19 spread."); when the phrase
    may go on ("the new crown pneumonia cases") the article may belong to a later noun, so
    the fix is left to a person. After "a"/"an" a replacement that would need the other
    article ("an express brother" -> "courier") is not safe either."""
    if replacement is None:
        return None
    article = _ARTICLE_BEFORE.search(text, max(0, start - 8), start)
    if article is None:
        return start, replacement
    if article.group(1).lower() != "the":
        return (start, replacement) if _vowel_initial(replacement) == _vowel_initial(text[start:start + 1]) else None
    if replacement[:4].lower() == "the ":
        return start, replacement[4:]
    if not _is_name(replacement):
        return start, replacement
    if _phrase_ends(text, end):
        return article.start(), replacement
    return None


def _is_name(phrase: str) -> bool:
    """A proper name, which takes no article of its own: every word capitalised or a code."""
    return all(w[:1].isupper() or w[:1].isdigit() for w in phrase.split())


def _phrase_ends(text: str, end: int) -> bool:
    """Whether the noun phrase ends at `end`: nothing follows, or punctuation, a word that
    cannot continue a noun phrase, or a lone word closing the sentence (its verb)."""
    m = _NEXT_WORD.match(text, end)
    word = m.group(1) if m else None
    if not word:
        return True
    lower = word.lower()
    return lower in _PHRASE_ENDERS or lower.endswith("ly") or bool(m and m.group(2).strip())


def _vowel_initial(words: str) -> bool:
    return words[:1].lower() in ("a", "e", "i", "o", "u")


@register
class Calques(Family):
    name = "calques"
    description = "Phrase pairs from reference_pairs/: MT phrasing -> reference phrasing."
    rules = (PHRASE, TERM, STYLE)

    def check(self, ctx: Context) -> None:
        if not ctx.wants(*self.rules):
            return
        text = ctx.doc.text
        for m in ctx.pairs.find(text):
            e = m.entry
            matched = text[m.start:m.end]
            if _FIRST_PERSON.search(matched) and ctx.doc.in_quote(m.start):
                continue  # the speaker's own words
            r = _BY_CATEGORY[e.category]
            # A safe pair's suggestion is the literal replacement (what `mtcheck fix` writes);
            # otherwise the references are advice for a person.
            fitted = _in_context(text, m.start, m.end, e.replacement_for(matched))
            start = fitted[0] if fitted is not None else m.start
            ctx.report(
                r, start, m.end,
                message=_message(e, fitted is not None),
                suggestion=fitted[1] if fitted is not None else " or ".join(e.references),
                severity=e.severity,
                fix_safe=fitted is not None,
                source_term=e.source_term,
                source_language=e.source_lang,
                pair=e.location,
            )


@lru_cache(maxsize=4096)
def _message(e: PairEntry, fitted: bool) -> str:
    """A pair's message, the same for each of its findings: made once, and one string however
    many times the phrase occurs (a 10 MB archive's 12,000 findings held 4 MB of copies)."""
    message = f"{_BY_CATEGORY[e.category].message} ({e.source_term}, {e.source_lang})"
    if e.note:
        message += f": {e.note}"
    if fitted and len(e.references) > 1:
        message += f" (also: {', '.join(e.references[1:])})"
    return message
