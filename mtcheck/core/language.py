"""Which language a document (or a foreign span in it) is written in.

langdetect costs milliseconds a call and loads its profiles on first use, so the
common case - plainly English news copy - is settled by the share of English
function words, and langdetect (seeded, hence deterministic) is asked only when
that share is low or for a span in another script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LANGDETECT_SEED = 0
SAMPLE_CHARS = 4000
# In English news about 40% of running words come from this list; in other Latin-script
# languages well under 10%.
ENGLISH_SHARE_CONFIDENT = 0.22
MIN_LETTERS_TO_JUDGE = 30
_FUNCTION_WORDS = frozenset(
    """the of and to in a is that for on with as was by at from it be are has have said which
    its an not were this will their his but or been had also who they he she after would more
    than new about up into over two one other there when we can could should may these those
    all its our out what under while between during against only most some such""".split()
)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")

# Script of a span -> language when the script alone settles it.
SCRIPT_LANGUAGE = {"Hangul": "ko", "Kana": "ja", "Thai": "th", "Hebrew": "he", "Greek": "el",
                   "Devanagari": "hi", "Georgian": "ka", "Armenian": "hy"}


@dataclass(frozen=True)
class LanguageInfo:
    code: str | None
    confidence: float
    method: str
    english_share: float

    @property
    def is_english(self) -> bool:
        return self.code == "en"


def detect_document(text: str) -> LanguageInfo:
    sample = _sample(text)
    # The fast path: English running text is about a third function words. Tokens keep
    # their punctuation here ("the," misses), which only makes the test stricter.
    tokens = sample.lower().split()
    share = sum(map(_FUNCTION_WORDS.__contains__, tokens)) / len(tokens) if tokens else 0.0
    if share >= ENGLISH_SHARE_CONFIDENT and len(tokens) >= 8:
        return LanguageInfo("en", round(min(0.99, 0.6 + share), 2), "function-words", round(share, 3))
    words = _WORD.findall(sample)
    if not words:
        return LanguageInfo(None, 0.0, "no words", 0.0)
    if sum(map(len, words)) < MIN_LETTERS_TO_JUDGE:
        # langdetect guesses wildly on a headline or a credit line: do not judge.
        return LanguageInfo(None, 0.0, "too short to tell", round(share, 3))
    latin = len(_LATIN_LETTER.findall(sample))
    letters = sum(len(w) for w in words)
    guesses = _langdetect(sample)
    if not guesses:
        return LanguageInfo(None, 0.0, "langdetect", round(share, 3))
    best: tuple[str | None, float] = guesses[0]
    if best[0] == "en" and latin < letters * 0.5:
        best = guesses[1] if len(guesses) > 1 else (None, 0.0)
    return LanguageInfo(_short(best[0]), round(best[1], 2), "langdetect", round(share, 3))


def span_language(span: str, script: str) -> str | None:
    """Language of a foreign-script span such as untranslated Chinese."""
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script]
    if script == "Han":
        # Japanese writes its grammar in kana; a run of Han characters with none is Chinese.
        # (langdetect said the same at several milliseconds a span, on every MT story.)
        return "ja" if _KANA.search(span) else "zh"
    if len(span) >= 4:
        guesses = _langdetect(span)
        if guesses:
            return _short(guesses[0][0])
    return {"Cyrillic": "ru", "Arabic": "ar"}.get(script)


_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    half = SAMPLE_CHARS // 2
    mid = len(text) // 2
    return text[:half] + " " + text[mid:mid + half]


def _short(code: str | None) -> str | None:
    return code.split("-")[0] if code else None


@lru_cache(maxsize=1)
def _factory():
    """Load langdetect's profiles once, seeded so every run gives the same answer."""
    from langdetect import detector_factory

    detector_factory.DetectorFactory.seed = LANGDETECT_SEED
    detector_factory.init_factory()
    return detector_factory._factory


def _langdetect(text: str) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException

    try:
        detector = _factory().create()
        detector.append(text)
        return [(g.lang, g.prob) for g in detector.get_probabilities()]
    except LangDetectException:
        return []
