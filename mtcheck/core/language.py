"""Which language a document (or a foreign span in it) is written in.

Decided by script first, then by stop words, and only then, for a long text neither
settles, by langdetect (seeded, hence deterministic; it costs milliseconds a call and
loads its profiles on first use). A short text is never called non-English: one line
of English ("He deeply regretted his involvement.") looks like anything to a
statistical detector, and calling a document non-English silences every other rule.
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
# Below this many words (letters, for scripts written without spaces) a text is not judged
# to be in another language.
MIN_WORDS_TO_JUDGE = 20
MIN_LETTERS_TO_JUDGE = 40
# Another Latin-script language must have this share of its own stop words, and twice the
# English share, to be named without langdetect.
OTHER_SHARE_CONFIDENT = 0.18
_FUNCTION_WORDS = frozenset(
    """the of and to in a is that for on with as was by at from it be are has have said which
    its an not were this will their his but or been had also who they he she after would more
    than new about up into over two one other there when we can could should may these those
    all its our out what under while between during against only most some such""".split()
)
# The commonest words of the Latin-script languages copy arrives in, minus any that are
# also English words ("a", "in", "the" ...), so that a share means that language.
_STOP_WORDS = {
    "fr": frozenset("le la les des du une est et que qui dans pour pas sur au aux avec ce cette sont par "
                    "plus ou son ses leur mais été être".split()),
    "de": frozenset("der die das und ist nicht ein eine zu den mit von sich dem des auf für im "
                    "auch es wird sind nach bei aus wie oder".split()),
    "es": frozenset("el la los las y que del en un una es por para con no se al lo su sus como pero "
                    "más fue este esta".split()),
    "it": frozenset("il lo la gli le e di che un una per con non del della sono è nel alla dei si "
                    "come anche più ma".split()),
    "pt": frozenset("o os as e de do da dos das que um uma para com não em no na se por mais foi "
                    "como mas ao".split()),
    "nl": frozenset("de het een en van dat is niet op te zijn voor met die er ook aan bij als om "
                    "maar nog wordt".split()),
}
_ENGLISH_TOO = frozenset("a an as be in is it no on or so to us we".split())
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
# Counted by what is not Latin: in English copy that is almost nothing, where a list of every
# Latin letter cost a tenth of checking a story. (× and ÷ lie in the Latin range, not letters.)
_OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F]")

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

    @property
    def is_another_language(self) -> bool:
        """Decided to be in a language other than English (not merely undecided: no words)."""
        return self.code is not None and self.code != "en"


def detect_document(text: str) -> LanguageInfo:
    sample = _sample(text)
    lowered = sample.lower()
    if len(lowered) == len(sample):
        # The words of the lower-cased sample are its words lower-cased (lower() keeps every
        # character a letter or not; only the Greek final sigma differs, in no word list).
        words = _WORD.findall(lowered)
        latin = letters = sum(map(len, words))
    else:  # "İ" lower-cases to two characters, the second no letter
        found = _WORD.findall(sample)
        words = [w.lower() for w in found]
        letters = sum(map(len, words))
        latin = sum(map(len, found))
    if not words:
        return LanguageInfo(None, 0.0, "no words", 0.0)
    latin += sample.count("×") + sample.count("÷") - len(_OTHER_LETTER.findall(sample))
    share = round(sum(map(_FUNCTION_WORDS.__contains__, words)) / len(words), 3)
    if latin < letters * 0.5:
        # Mostly another script: langdetect tells the languages written in it apart.
        if letters < MIN_LETTERS_TO_JUDGE:
            return LanguageInfo(None, 0.0, "too short to tell", share)
        return _by_east_asian_script(sample, letters, share) or _by_langdetect(sample, share, prefer_not_english=True)
    if share >= ENGLISH_SHARE_CONFIDENT and len(words) >= 8:
        return LanguageInfo("en", round(min(0.99, 0.6 + share), 2), "function-words", share)
    other, other_share = _best_other(words)
    if len(words) < MIN_WORDS_TO_JUDGE:
        if share > 0 and share >= other_share:
            return LanguageInfo("en", round(min(0.8, 0.4 + share), 2), "function-words", share)
        return LanguageInfo(None, 0.0, "too short to tell", share)
    if other_share >= OTHER_SHARE_CONFIDENT and other_share >= 2 * share:
        return LanguageInfo(other, round(min(0.99, 0.5 + other_share), 2), "stop-words", share)
    if share >= ENGLISH_SHARE_LIKELY and share >= 3 * other_share:
        # English with few function words (a list, a market brief), settled without langdetect.
        return LanguageInfo("en", round(min(0.99, 0.6 + share), 2), "function-words", share)
    return _by_langdetect(sample, share)


# langdetect loads its 55 profiles on first use (about 0.4 s and 60 MB, more than a whole
# one-story run), so the two tests above and below settle what they can without it.
ENGLISH_SHARE_LIKELY = 0.12
SCRIPT_SHARE_SETTLES = 0.8


@lru_cache(maxsize=1)
def _han_and_hangul() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Compiled for the texts that need them: wide ranges take milliseconds to compile.
    return re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"), re.compile("[\u1100-\u11ff\uac00-\ud7af]")


def _by_east_asian_script(sample: str, letters: int, share: float) -> LanguageInfo | None:
    """A text written mostly in Han, Kana or Hangul: Korean by Hangul, Japanese by kana (which
    writes its grammar), else Chinese. None when the script does not settle it."""
    han_pattern, hangul_pattern = _han_and_hangul()
    han, kana, hangul = (len(p.findall(sample)) for p in (han_pattern, _KANA, hangul_pattern))
    east_asian = han + kana + hangul
    if east_asian < letters * SCRIPT_SHARE_SETTLES:
        return None
    code = "ko" if hangul * 2 >= east_asian else "ja" if kana * 10 >= east_asian else "zh"
    return LanguageInfo(code, round(east_asian / letters, 2), "script", share)


def _best_other(words: list[str]) -> tuple[str, float]:
    """The Latin-script language other than English whose stop words are commonest, and their share."""
    own = [w for w in words if w not in _ENGLISH_TOO]
    best = max(_STOP_WORDS, key=lambda code: (sum(map(_STOP_WORDS[code].__contains__, own)), code))
    return best, sum(map(_STOP_WORDS[best].__contains__, own)) / len(words)


def _by_langdetect(sample: str, share: float, prefer_not_english: bool = False) -> LanguageInfo:
    guesses = _langdetect(sample)
    if not guesses:
        return LanguageInfo(None, 0.0, "langdetect", share)
    best: tuple[str | None, float] = guesses[0]
    if best[0] == "en" and prefer_not_english:  # English words inside mostly foreign-script text
        best = guesses[1] if len(guesses) > 1 else (None, 0.0)
    return LanguageInfo(_short(best[0]), round(best[1], 2), "langdetect", share)


def span_language(span: str, script: str, detect: bool = True) -> str | None:
    """Language of a foreign-script span such as untranslated Chinese. Without `detect`, only
    what the script alone says (no langdetect, which costs milliseconds a span)."""
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script]
    if script == "Han":
        # Japanese writes its grammar in kana; a run of Han characters with none is Chinese.
        # (langdetect said the same at several milliseconds a span, on every MT story.)
        return "ja" if _KANA.search(span) else "zh"
    if detect and len(span) >= 4:
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
