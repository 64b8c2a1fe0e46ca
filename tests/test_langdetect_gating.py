"""langdetect loads 55 profiles on first use (about 0.4 s and 60 MB, more than a whole
one-story run): it is consulted only when the function-word and script tests cannot decide."""

import pytest

from mtcheck.core import language

# English with few function words (a market brief): under the fast path's share, three times
# any other listed language's.
BRIEF = ("Markets: Shanghai Composite up 1.2 percent, 3,150 points; Hang Seng down 0.4 percent; Nikkei flat. "
         "Oil: Brent crude 82 dollars a barrel, WTI 78 dollars. Gold: 1,950 dollars an ounce, highest in two weeks. "
         "Yuan steady against dollar.")
CHINESE = "新华社北京2月4日电 海关总署周二表示，今年1月中国出口同比增长7%，好于预期，电子产品需求保持稳定。"
JAPANESE = "東京都は火曜日、地域の公共交通に関する新しい計画を発表した。来年から施行される予定だという。"
KOREAN = "서울시는 화요일 지역 대중교통에 관한 새로운 계획을 발표했다. 내년부터 시행될 예정이라고 밝혔다."
SWEDISH = ("Regeringen presenterade på tisdagen en ny plan för kollektivtrafiken i regionen, som ska träda i kraft "
           "nästa år enligt ministern, och priserna sänks för studenter och pensionärer.")
RUSSIAN = "Правительство во вторник объявило о новом плане развития общественного транспорта в регионе."


@pytest.fixture
def langdetect_calls(monkeypatch):
    calls = []
    real = language._langdetect

    def spy(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(language, "_langdetect", spy)
    return calls


def test_english_with_few_function_words_is_settled_without_langdetect(langdetect_calls):
    info = language.detect_document(BRIEF)
    assert language.ENGLISH_SHARE_LIKELY <= info.english_share < language.ENGLISH_SHARE_CONFIDENT
    assert (info.code, info.method) == ("en", "function-words") and not langdetect_calls


@pytest.mark.parametrize("text, code", [(CHINESE, "zh"), (JAPANESE, "ja"), (KOREAN, "ko")])
def test_east_asian_scripts_name_their_language(langdetect_calls, text, code):
    info = language.detect_document(text)
    assert (info.code, info.method) == (code, "script") and not langdetect_calls


@pytest.mark.parametrize("text, code", [(SWEDISH, "sv"), (RUSSIAN, "ru")])
def test_other_languages_still_ask_langdetect(langdetect_calls, text, code):
    # No stop-word list of its own, or a script shared by several languages: langdetect decides.
    info = language.detect_document(text)
    assert (info.code, info.method) == (code, "langdetect") and langdetect_calls


def test_plain_news_never_loads_langdetect(langdetect_calls):
    info = language.detect_document("The minister said on Monday that the plan would be put in place by the end "
                                    "of the year, and that the cost would be met from the budget.")
    assert info.method == "function-words" and not langdetect_calls
