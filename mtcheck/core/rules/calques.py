"""Calques and house terms: phrases from reference_pairs/ that betray a literal translation."""

from __future__ import annotations

import re

from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule

PHRASE = rule(
    "calque.phrase", "warning", weight=3.0, fix="sometimes",
    message="literal translation of a source-language expression",
    description="An idiom, officialese or construction rendered word for word (\"sanctions club\", "
                "\"in an all-round way\"). Phrase lists live in reference_pairs/phrases/; an entry marked "
                "fix=safe has a replacement `mtcheck fix` writes, the others need a person.",
    examples=(
        flags("The two sides will deepen cooperation in an all-round way."),
        flags("The reporter learned from the relevant department that the road will reopen."),
        passes("The two sides agreed to deepen cooperation across the board."),
    ),
)
TERM = rule(
    "calque.term", "error", weight=3.5, fix="sometimes",
    message="non-standard name for a term, agency or institution",
    description="A disease, agency, institution or title under a name no English desk uses "
                "(\"new crown pneumonia\", \"China News Agency\").",
    examples=(
        flags("Cases of new crown pneumonia rose again.", fixed="Cases of COVID-19 rose again."),
        flags("He was vaccinated against the new crown virus last week.",
              fixed="He was vaccinated against the coronavirus last week."),
        passes("Cases of COVID-19 rose again, the China News Service reported."),
    ),
)
_BY_CATEGORY = {"calque": PHRASE, "term": TERM}
_ARTICLE_BEFORE = re.compile(r"(?<![\w'’-])(the|an?)[ \t]+$", re.IGNORECASE)


def _in_context(text: str, start: int, replacement: str | None) -> str | None:
    """A safe replacement fitted to the article before it: "the The Wall Street Journal" loses
    its second "the"; after "a"/"an" a replacement that would need the other article
    ("an express brother" -> "courier") is not safe, since the article is outside the span."""
    if replacement is None:
        return None
    article = _ARTICLE_BEFORE.search(text, max(0, start - 8), start)
    if article is None:
        return replacement
    if article.group(1).lower() == "the":
        return replacement[4:] if replacement[:4].lower() == "the " else replacement
    return replacement if _vowel_initial(replacement) == _vowel_initial(text[start:]) else None


def _vowel_initial(words: str) -> bool:
    return words[:1].lower() in ("a", "e", "i", "o", "u")


@register
class Calques(Family):
    name = "calques"
    description = "Phrase pairs from reference_pairs/: MT phrasing -> reference phrasing."
    rules = (PHRASE, TERM)

    def check(self, ctx: Context) -> None:
        if not ctx.wants(*self.rules):
            return
        for m in ctx.pairs.find(ctx.doc.text):
            e = m.entry
            r = _BY_CATEGORY[e.category]
            # A safe pair's suggestion is the literal replacement (what `mtcheck fix` writes);
            # otherwise the references are advice for a person.
            replacement = _in_context(ctx.doc.text, m.start, e.replacement_for(ctx.doc.text[m.start:m.end]))
            message = f"{r.message} ({e.source_term}, {e.source_lang})"
            if e.note:
                message += f": {e.note}"
            if replacement is not None and len(e.references) > 1:
                message += f" (also: {', '.join(e.references[1:])})"
            ctx.report(
                r, m.start, m.end,
                message=message,
                suggestion=replacement if replacement is not None else " or ".join(e.references),
                severity=e.severity,
                fix_safe=replacement is not None,
                source_term=e.source_term,
                source_language=e.source_lang,
                pair=e.location,
            )
