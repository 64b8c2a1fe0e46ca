"""What the provenance model's features are made of, without numpy: the token classes a
document's words and marks become, the punctuation folding table, the per-sentence count
columns and the dense features with the words an editor reads for them.

`features` builds its numpy tables from these; `plain` (a short document scored without
numpy) reads them as they are, so both extract the same features by construction.
"""

from __future__ import annotations

import unicodedata

# --------------------------------------------------------------------------------------
# Token classes
# --------------------------------------------------------------------------------------

BOS, EOS = "<s>", "</s>"
# Punctuation classes after typography is folded away. HYPHEN joins two words ("well-known",
# "1990-95"); DASH is any other dash (em/en dash, "--", a spaced hyphen).
PUNCT = (",", ".", ";", ":", "!", "?", '"', "'", "(", ")", "HYPHEN", "DASH", "...", "%", "$", "/", "&")
SHAPES = ("NUM", "ING", "ED", "PART", "LY", "NOM", "ADJ", "VB", "ER", "PL", "W", "CAPS1", "X")

# Function-word categories (a word may be in several): closed classes of English, reporting
# verbs and connectives frequent in news, and the pieces a \w+ tokeniser leaves of
# contractions ("don't" -> "don" "'" "t").
CATEGORIES: dict[str, str] = {
    "article_the": "the",
    "article_a": "a an",
    "demonstrative": "this that these those",
    "determiner": "some any each every all both either neither no such another other own several many much "
                  "more most few fewer less least enough certain various",
    "pron_12": "i me my mine myself we us our ours ourselves you your yours yourself yourselves",
    "pron_3": "he him his himself she her hers herself it its itself they them their theirs themselves",
    "pron_other": "one ones someone something anyone anything everyone everything nobody nothing everybody somebody",
    "relative": "who whom whose which",
    "that": "that",
    "wh": "what where when why how whatever whoever whether",
    "preposition": "of in on at by for with from to into onto upon about above across after against along among "
                   "around as before behind below beneath beside besides between beyond despite down during "
                   "except inside like near off out outside over past per since than through throughout till "
                   "toward towards under underneath unlike until up via within without amid amongst regarding "
                   "including following concerning",
    "of": "of",
    "coordinator": "and or nor but so yet",
    "and": "and",
    "subordinator": "because although though while whereas if unless once whenever wherever since when after "
                    "before until as whether",
    "aux_be": "be am is are was were been being",
    "aux_have": "have has had having",
    "aux_do": "do does did doing done",
    "modal": "will would shall should can could may might must ought",
    "negation": "not never no nor none",
    "adverb": "also only even just still already very too quite rather again always often usually then there "
              "here now yet ever almost nearly more most less so",
    "connective": "however therefore thus moreover furthermore meanwhile instead otherwise indeed hence "
                  "nevertheless nonetheless besides additionally consequently accordingly similarly likewise "
                  "finally firstly secondly overall",
    "reporting": "said says say saying told according stated noted added",
    "clitic": "s t re ve ll d m don doesn didn isn aren wasn weren couldn wouldn shouldn hasn haven hadn won "
              "ain mustn needn",
    "contraction_tail": "t re ve ll d m",
}
FUNCTION_WORDS: tuple[str, ...] = tuple(dict.fromkeys(w for ws in CATEGORIES.values() for w in ws.split()))

# Irregular past participles: the content-word half of a passive ("was given", "were held").
IRREGULAR_PARTICIPLES = frozenset(
    """given taken made held known shown seen built found sent paid brought thought caught taught kept left led
    met put set cut hit lost written spoken chosen driven born drawn grown thrown broken stolen forgotten hidden
    beaten eaten fallen forbidden risen shaken sworn torn worn begun sung drunk run understood stood sold bought
    fought sought struck hung laid spent lent bent felt heard meant read shut spread split cast cost quit hurt
    forecast upheld withdrawn undertaken overtaken overseen mistaken awoken woken frozen ridden bitten proven
    shot dealt fed fled bred bound wound ground sat slept swept wept sprung shrunk stuck stung swung""".split())
# Irregular simple pasts, each a finite verb on its own ("Non-food prices rose 1.2 percent."):
# the forms that are only past ("rose", "went") and the pasts that double as participles
# ("found", "held"). Left out: those as often a noun or adjective ("cut", "set", "cost", "hit",
# "spread", "left", "fed", "read", "shot"), which cannot tell a clause from a verbless phrase.
IRREGULAR_PASTS = frozenset(
    """rose fell grew went came saw took gave won began ran drew drove ate flew knew threw wrote spoke broke
    chose froze rode sang sank shook stole swore tore wore woke forgot forgave got became overcame withdrew
    underwent bore beat blew hid rang sprang swam arose awoke foresaw overtook undertook oversaw shrank stank
    made held found built sent paid brought thought caught taught kept led met lost stood understood sold
    bought fought sought struck hung laid spent lent bent felt heard meant upheld dealt fled sat slept swept
    wept stuck stung swung""".split())

CLASSES: tuple[str, ...] = (BOS, EOS, *PUNCT, *SHAPES, *FUNCTION_WORDS)
CLASS_ID: dict[str, int] = {c: i + 1 for i, c in enumerate(CLASSES)}  # 0 never occurs
N_CLASSES = len(CLASSES) + 1
BASE = 512  # n-gram code = ((c1 * BASE) + c2) * BASE + c3
assert N_CLASSES < BASE
_BOS, _EOS = CLASS_ID[BOS], CLASS_ID[EOS]
ORDERS = (1, 2, 3)

_NOM = ("tion", "sion", "ment", "ness", "ity", "ship", "ance", "ence", "ism", "ure", "age", "ery", "dom", "hood")
_ADJ = ("ous", "ful", "ive", "able", "ible", "al", "ic", "less", "ant", "ent", "ary", "ish", "ory")
_VB = ("ize", "ise", "ify", "ate", "en")


def shape(w: str) -> str:
    """Shape class of a lower-cased content word (never its case)."""
    if not w.isascii():
        if any(ord(c) > 0x2E7F for c in w):
            return "X"  # CJK and other far scripts: untranslated residue
        w = unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() or "w"
    if any(c.isdigit() for c in w):
        return "NUM"
    if len(w) == 1:
        return "CAPS1"  # single letters: initials, list markers
    if w in IRREGULAR_PARTICIPLES:
        return "PART"
    if w.endswith("ing") and len(w) > 4:
        return "ING"
    if w.endswith("ed") and len(w) > 3:
        return "ED"
    if w.endswith("ly") and len(w) > 4:
        return "LY"
    if w.endswith(_NOM) and len(w) > 5:
        return "NOM"
    if w.endswith(_ADJ) and len(w) > 4:
        return "ADJ"
    if w.endswith(_VB) and len(w) > 4:
        return "VB"
    if w.endswith(("er", "or", "ist")) and len(w) > 4:
        return "ER"
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return "PL"
    return "W"


def class_of(word: str) -> int:
    """Class id of a lower-cased word."""
    return CLASS_ID.get(word) or CLASS_ID[shape(word)]


# --------------------------------------------------------------------------------------
# Punctuation: one code-point table folds every typographic variant
# --------------------------------------------------------------------------------------

_DASHES = "-‐‑‒–—―−﹣－⁃"
_JOINING_DASHES = "-‐‑‒–−－"  # may join two words as a hyphen; em dash and bar never do
_PUNCT_CHARS: dict[str, str] = {
    **dict.fromkeys('"“”„‟«»″‶〝〞＂「」『』《》〈〉', '"'),
    **dict.fromkeys("'‘’‚‛′‹›`´＇", "'"),
    **dict.fromkeys(",，、﹐", ","),
    **dict.fromkeys(".。．｡", "."),
    **dict.fromkeys(";；", ";"),
    **dict.fromkeys(":：", ":"),
    **dict.fromkeys("!！", "!"),
    **dict.fromkeys("?？", "?"),
    **dict.fromkeys("([{（【〔［｛", "("),
    **dict.fromkeys(")]}）】〕］｝", ")"),
    **dict.fromkeys(_DASHES, "DASH"),
    "…": "...",
    **dict.fromkeys("%％‰", "%"),
    **dict.fromkeys("$€£¥￥＄", "$"),
    **dict.fromkeys("/／", "/"),
    **dict.fromkeys("&＆", "&"),
}


def marks_to_fold(text: str) -> tuple[bool, bool]:
    """(whether the text may hold a run of stops or dashes, whether it may hold a dash): cheap
    probes that spare a text without them the work of folding runs and finding hyphens."""
    if text.isascii():
        return ".." in text or "--" in text, "-" in text
    return (".." in text or "--" in text or "……" in text or "——" in text or "––" in text,
            "-" in text or any(c in text for c in _DASHES[1:]))


# Content-word shapes: a word of one of these classes has a lemma (adjacent-sentence overlap).
CONTENT_SHAPES = tuple(s for s in SHAPES if s not in ("NUM", "CAPS1", "X"))
_CONTENT_IDS = frozenset(CLASS_ID[s] for s in CONTENT_SHAPES)
# Distinct words a lexicon of classified words holds before it starts again.
LEXICON_LIMIT = 300_000


def content_lemma(word: str, class_id: int) -> str | None:
    """What a content word counts as when the next sentence repeats it (a plural's final s
    dropped); None for a function word, a number, a foreign word or one of two letters."""
    if class_id not in _CONTENT_IDS or len(word) <= 2:
        return None
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


# --------------------------------------------------------------------------------------
# Per-sentence count columns: the token classes each one counts
# --------------------------------------------------------------------------------------

def _cat(name: str) -> frozenset[str]:
    return frozenset(CATEGORIES[name].split())


COUNT_CLASSES: dict[str, frozenset[str]] = {
    "word": frozenset(SHAPES + FUNCTION_WORDS),
    "function": frozenset(FUNCTION_WORDS),
    "content": frozenset(CONTENT_SHAPES),
    "relative": _cat("relative"),
    "that": _cat("that"),
    "subordinator": _cat("subordinator"),
    "and": _cat("and"),
    "comma": frozenset([","]),
    "semicolon": frozenset([";"]),
    "colon": frozenset([":"]),
    "paren": frozenset(["(", ")"]),
    "quote": frozenset(['"']),
    "dash": frozenset(["DASH"]),
    "question": frozenset(["?", "!"]),
    "apostrophe": frozenset(["'"]),
    "hyphen": frozenset(["HYPHEN"]),
    "connective": _cat("connective"),
    "personal": _cat("pron_12") | _cat("pron_3"),
    "pron_3": _cat("pron_3"),
    "pron_12": _cat("pron_12"),
    "demonstrative": _cat("demonstrative"),
    "the": _cat("article_the"),
    "a_an": _cat("article_a"),
    "modal": _cat("modal"),
    "preposition": _cat("preposition"),
    "of": _cat("of"),
    "nominal": frozenset(["NOM"]),
    "ly": frozenset(["LY"]),
    "ing": frozenset(["ING"]),
    "number": frozenset(["NUM"]),
    "reporting": _cat("reporting"),
    "wh": _cat("wh"),
    "negation": _cat("negation"),
}
COUNT_NAMES = tuple(COUNT_CLASSES)
COUNT_INDEX = {n: i for i, n in enumerate(COUNT_NAMES)}

# Classes of adjacent tokens that make a pair feature: a passive (be + participle), an
# 's-genitive and a contraction (apostrophe + s / a contraction's tail), and a sentence
# opened (<s> + class) with a connective or an adverbial.
BE = _cat("aux_be")
PARTICIPLES = frozenset(["ED", "PART"])
GENITIVE_S = frozenset(["s"])
CONTRACTION_TAILS = _cat("contraction_tail")
INITIAL_CONNECTIVES = _cat("connective") | {"also", "but", "and", "so", "then", "meanwhile"}
INITIAL_ADVERBIALS = _cat("preposition") | _cat("subordinator") | {"LY", "ING"} | _cat("connective")

# Count matrix columns: the count columns, then passive, genitive, contraction, initial
# connective, initial adverbial, word-length sum, long words.
N_COUNT = len(COUNT_NAMES)
C_PASSIVE, C_GEN, C_CONTR, C_ICONN, C_IADV, C_WLEN, C_LONG = range(N_COUNT, N_COUNT + 7)
N_COUNT_COLS = N_COUNT + 7


def pair_columns() -> dict[tuple[int, int], tuple[int, ...]]:
    """(class id, class id) of two adjacent tokens -> the count columns the pair adds one to:
    a passive, an 's-genitive, a contraction, a sentence opened with a connective and/or an
    adverbial."""
    apostrophe = CLASS_ID["'"]
    out: dict[tuple[int, int], tuple[int, ...]] = {}
    for a in BE:
        for b in PARTICIPLES:
            out[CLASS_ID[a], CLASS_ID[b]] = (C_PASSIVE,)
    for b in GENITIVE_S:
        out[apostrophe, CLASS_ID[b]] = (C_GEN,)
    for b in CONTRACTION_TAILS:
        out[apostrophe, CLASS_ID[b]] = (C_CONTR,)
    for b in INITIAL_CONNECTIVES | INITIAL_ADVERBIALS:
        out[_BOS, CLASS_ID[b]] = (((C_ICONN,) if b in INITIAL_CONNECTIVES else ())
                                  + ((C_IADV,) if b in INITIAL_ADVERBIALS else ()))
    return out

# --------------------------------------------------------------------------------------
# Dense features: (name, group, editor phrase)
# --------------------------------------------------------------------------------------

DENSE: tuple[tuple[str, str, str], ...] = (
    ("mean_sentence_words", "sentence_length", "mean sentence length"),
    ("sd_sentence_words", "sentence_length", "spread of sentence lengths"),
    ("share_long_sentences", "sentence_length", "share of sentences of 30+ words"),
    ("share_short_sentences", "sentence_length", "share of sentences of 8 words or fewer"),
    ("relative_per_sentence", "clauses", "relative pronouns (who/which/whose) per sentence"),
    ("that_per_sentence", "clauses", "'that' per sentence"),
    ("subordinators_per_sentence", "clauses", "subordinating conjunctions per sentence"),
    ("commas_per_sentence", "clauses", "commas per sentence"),
    ("and_per_sentence", "clauses", "'and' per sentence"),
    ("initial_connectives", "connectives", "sentences opening with a connective"),
    ("initial_adverbials", "connectives", "sentences opening with an adverbial"),
    ("connectives_per_word", "connectives", "connective adverbs per word"),
    ("ttr_50", "lexical_variety", "distinct words per 50-word window"),
    ("hapax_50", "lexical_variety", "words used once per 50-word window"),
    ("mean_word_length", "lexical_variety", "mean word length"),
    ("long_word_share", "lexical_variety", "share of words of 10+ letters"),
    ("adjacent_overlap", "repetition", "content words repeated from the previous sentence"),
    ("pronoun_vs_repeat", "repetition", "pronouns relative to repeated nouns"),
    ("comma_rate", "punctuation", "commas per word"),
    ("semicolon_rate", "punctuation", "semicolons per word"),
    ("colon_rate", "punctuation", "colons per word"),
    ("paren_rate", "punctuation", "brackets per word"),
    ("quote_rate", "punctuation", "quotation marks per word"),
    ("dash_rate", "punctuation", "dashes per word"),
    ("question_rate", "punctuation", "question and exclamation marks per word"),
    ("hyphen_rate", "punctuation", "hyphenated compounds per word"),
    ("passive_per_sentence", "translationese", "passives (was/were/been + participle) per sentence"),
    ("nominal_rate", "translationese", "nominalisations (-tion, -ment, -ness, -ity) per word"),
    ("ly_rate", "translationese", "-ly adverbs per word"),
    ("ing_rate", "translationese", "-ing forms per word"),
    ("genitive_ratio", "translationese", "'s-genitives relative to 'of'"),
    ("contraction_rate", "translationese", "contractions per word"),
    ("modal_rate", "translationese", "modal verbs per word"),
    ("preposition_rate", "translationese", "prepositions per word"),
    ("function_word_share", "translationese", "share of function words"),
    ("personal_pronoun_rate", "pronouns", "personal pronouns per word"),
    ("demonstrative_rate", "pronouns", "this/that/these/those per word"),
    ("the_rate", "pronouns", "'the' per word"),
    ("a_an_rate", "pronouns", "'a/an' per word"),
    ("number_rate", "pronouns", "numbers per word"),
    ("reporting_rate", "pronouns", "reporting verbs (said, told, according) per word"),
)
DENSE_NAMES = tuple(d[0] for d in DENSE)
DENSE_GROUP = tuple(d[1] for d in DENSE)
DENSE_INDEX = {n: i for i, n in enumerate(DENSE_NAMES)}
# Features that only exist for a whole document (a sentence gets the document's value).
DOCUMENT_ONLY = frozenset({"sd_sentence_words", "ttr_50", "hapax_50", "share_long_sentences",
                           "share_short_sentences"})

# group -> (title, says-MT phrasing, says-human phrasing): the words an editor reads.
GROUPS: dict[str, tuple[str, str, str]] = {
    "function_ngrams": ("Function-word pattern",
                        "small words and punctuation in sequences typical of MT",
                        "small words and punctuation in sequences typical of human writing"),
    # (not "on their own": a sentence's score also reads its document's lexical variety and
    # sentence-length profile)
    "sentence_model": ("Sentence by sentence",
                       "many sentences read like machine output",
                       "few sentences read like machine output"),
    "sentence_length": ("Sentence lengths",
                        "sentence lengths are uniform, as in machine output",
                        "sentence lengths vary the way a writer's do"),
    "clauses": ("Clause structure",
                "few relative or subordinate clauses for its length; ideas strung together with commas and 'and'",
                "relative and subordinate clauses used as a writer would"),
    "connectives": ("Connectives",
                    "sentence openers and connectives ('at the same time', 'in addition') used the way MT does",
                    "connectives used the way a writer would"),
    "lexical_variety": ("Vocabulary", "a narrow, repetitive vocabulary", "a varied vocabulary"),
    "repetition": ("Repetition across sentences",
                   "repeats nouns from the previous sentence where a writer would use a pronoun",
                   "refers back with pronouns and synonyms rather than repeating nouns"),
    "punctuation": ("Punctuation (typography ignored)",
                    "punctuation habits typical of machine output",
                    "punctuation habits typical of human writing"),
    "translationese": ("Translationese",
                       "grammar typical of translated text (passives, nominalisations, few contractions)",
                       "grammar typical of text written in English"),
    "pronouns": ("Pronouns and determiners",
                 "pronoun and article use typical of machine translation",
                 "pronoun and article use typical of human writing"),
    "rules": ("Checker findings",
              "the checker's findings (calques, repetitions, fragments, residue, markers) point to MT",
              "fewer checker findings than typical"),
}

_CC = COUNT_INDEX
# Dense features that are a count per sentence or per word: (feature, count column).
PER_SENTENCE = (("relative_per_sentence", _CC["relative"]), ("that_per_sentence", _CC["that"]),
                ("subordinators_per_sentence", _CC["subordinator"]), ("commas_per_sentence", _CC["comma"]),
                ("and_per_sentence", _CC["and"]), ("passive_per_sentence", C_PASSIVE),
                ("initial_connectives", C_ICONN), ("initial_adverbials", C_IADV))
PER_WORD = (("connectives_per_word", _CC["connective"]), ("comma_rate", _CC["comma"]),
            ("semicolon_rate", _CC["semicolon"]), ("colon_rate", _CC["colon"]), ("paren_rate", _CC["paren"]),
            ("quote_rate", _CC["quote"]), ("dash_rate", _CC["dash"]), ("question_rate", _CC["question"]),
            ("hyphen_rate", _CC["hyphen"]), ("nominal_rate", _CC["nominal"]), ("ly_rate", _CC["ly"]),
            ("ing_rate", _CC["ing"]), ("modal_rate", _CC["modal"]), ("preposition_rate", _CC["preposition"]),
            ("function_word_share", _CC["function"]), ("personal_pronoun_rate", _CC["personal"]),
            ("demonstrative_rate", _CC["demonstrative"]), ("the_rate", _CC["the"]), ("a_an_rate", _CC["a_an"]),
            ("number_rate", _CC["number"]), ("reporting_rate", _CC["reporting"]),
            ("contraction_rate", C_CONTR), ("mean_word_length", C_WLEN), ("long_word_share", C_LONG))


# --------------------------------------------------------------------------------------
# N-gram codes
# --------------------------------------------------------------------------------------

def code_to_ngram(code: int) -> str:
    parts = []
    while code:
        parts.append(CLASSES[code % BASE - 1])
        code //= BASE
    return " ".join(reversed(parts))


def ngram_to_code(ngram: str) -> int:
    code = 0
    for p in ngram.split(" "):
        code = code * BASE + CLASS_ID[p]
    return code

