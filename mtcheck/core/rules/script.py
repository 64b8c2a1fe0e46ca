"""Script residue and language: text in another script left in English copy.

Untranslated Chinese, Cyrillic or Arabic is flagged with its script and language;
romanised names (Xi Jinping, Qin Gang, Müller) are Latin script and never flagged.
A document that is not English at all gets one finding (reported by the checker,
which then skips the other families), not one per character.
"""

from __future__ import annotations

import re
from collections import Counter

from mtcheck.core.language import span_language
from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule

RESIDUE = rule(
    "script.residue", "error", weight=2.0, fix="never",
    message="text in a non-Latin script",
    description="Characters of another script (Han, Kana, Hangul, Cyrillic, Arabic, ...) left in English copy: "
                "untranslated source text. Latin-script names, with or without diacritics, are not flagged.",
    suggestion="translate it, or give a romanised form with a translation",
    examples=(
        flags("The campaign, known as 共同富裕, began last year."),
        passes("The campaign, known as common prosperity, was backed by Angela Müller and Zoë Ng."),
    ),
)
NOT_ENGLISH = rule(
    "script.not-english", "error", weight=0.0, fix="never",
    message="document is not in English",
    description="The document as a whole is in another language (decided by script, then stop words, then seeded "
                "langdetect; a text under 20 words is never called non-English); the other rules are skipped for "
                "it. Another language is not evidence of English MT, so it carries no weight in the MT likelihood.",
    examples=(
        flags("Le gouvernement a annoncé mardi un nouveau plan pour les transports publics de la région. "
              "Les syndicats ont réagi avec prudence, et la ministre a promis une concertation."),
        passes("He deeply regretted his involvement."),
        passes("The government announced a new plan for public transport in the region on Tuesday."),
    ),
)

# Letters outside the Latin script; Latin-1, Latin Extended, IPA, super/subscripts and
# full-width Latin (left to punctuation.full-width) do not count.
_FOREIGN = "[^\\W\\d_A-Za-z\u00AA-\u00BA\u00C0-\u02FF\u1E00-\u1EFF\u2070-\u218F\uFB00-\uFB06\uFF10-\uFF5A]"
# Runs joined by separators; each repetition needs a separator, so the engine has one way only.
_RUN = re.compile(_FOREIGN + "+(?:[ \t\u3000·・]+" + _FOREIGN + "+)*")
_SCRIPTS = (
    (0x0370, 0x03FF, "Greek"), (0x0400, 0x052F, "Cyrillic"), (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"), (0x0E00, 0x0E7F, "Thai"), (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"), (0x3040, 0x30FF, "Kana"), (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"), (0xAC00, 0xD7AF, "Hangul"), (0xF900, 0xFAFF, "Han"),
)
_EAST_ASIAN = frozenset({"Han", "Kana", "Hangul"})
_DETECTED_SPANS = 32  # distinct spans per document whose language is worked out one by one
LANGUAGE_NAMES = {"zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ru": "Russian", "uk": "Ukrainian",
                  "bg": "Bulgarian", "ar": "Arabic", "fa": "Persian", "ur": "Urdu", "he": "Hebrew", "el": "Greek",
                  "hi": "Hindi", "th": "Thai", "ka": "Georgian", "hy": "Armenian", "mk": "Macedonian",
                  "sr": "Serbian", "en": "English", "fr": "French", "de": "German", "es": "Spanish",
                  "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "vi": "Vietnamese", "id": "Indonesian"}


def script_of(char: str) -> str:
    cp = ord(char)
    for lo, hi, name in _SCRIPTS:
        if lo <= cp <= hi:
            return name
    return "non-Latin"


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "unknown language")


@register
class Script(Family):
    name = "script"
    description = "Non-Latin script left in English text; documents that are not English."
    rules = (RESIDUE, NOT_ENGLISH)

    def check(self, ctx: Context) -> None:
        lang = ctx.language
        if lang.is_another_language:
            doc = ctx.doc
            end = doc.paragraphs[0].end if doc.paragraphs else len(doc.text)
            start = doc.paragraphs[0].start if doc.paragraphs else 0
            ctx.report(NOT_ENGLISH, start, end,
                       message=f"document is in {language_name(lang.code)}, not English "
                               f"({lang.method}, confidence {lang.confidence:.2f}); other rules skipped")
            return
        text = ctx.doc.text
        if text.isascii():
            return
        # langdetect costs milliseconds a span: a document of thousands of Arabic or Cyrillic
        # spans asks it about the first few distinct ones only; the rest take the language
        # found most often for their script (or what the script alone says).
        languages: dict[tuple[str, str], str | None] = {}
        found: dict[str, Counter[str]] = {}
        for m in _RUN.finditer(text):
            span = m.group()
            script = script_of(span[0])
            if script == "Greek" and len(span) == 1:
                continue  # a symbol such as α or Δ
            code = languages.get((span, script), "")
            if code == "":
                if len(languages) < _DETECTED_SPANS:
                    code = span_language(span, script)
                    found.setdefault(script, Counter())[code or ""] += 1
                else:
                    usual = found.get(script)
                    code = (usual.most_common(1)[0][0] or None) if usual else span_language(span, script, False)
                languages[(span, script)] = code
            ctx.report(RESIDUE, m.start(), m.end(),
                       message=f"untranslated {language_name(code)} ({script} script)",
                       severity="error" if script in _EAST_ASIAN else "warning",
                       source_language=code)
