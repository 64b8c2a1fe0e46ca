"""Calques and house terms: phrases from reference_pairs/ that betray a literal translation."""

from __future__ import annotations

from mtcheck.rules.base import Context, Family, register, rule

PHRASE = rule(
    "calque.phrase", "calque", "warning",
    "literal translation of a source-language expression",
    "An idiom, officialese or construction rendered word for word (\"sanctions club\", "
    "\"in an all-round way\"). Phrase lists live in reference_pairs/phrases/.",
)
TERM = rule(
    "calque.term", "calque", "error",
    "non-standard name for a term, agency or institution",
    "A disease, agency, institution or title under a name no English desk uses "
    "(\"new crown pneumonia\", \"China News Agency\").",
)
_BY_CATEGORY = {"calque": PHRASE, "term": TERM}


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
            ctx.report(
                r, m.start, m.end,
                message=f"{r.message} ({e.source_term}, {e.source_lang}): {e.note}" if e.note
                else f"{r.message} ({e.source_term}, {e.source_lang})",
                suggestion=" or ".join(e.references),
                severity=e.severity,
                fix_safe=e.fix == "safe",
                source_term=e.source_term,
                source_language=e.source_lang,
                pair=e.location,
            )
