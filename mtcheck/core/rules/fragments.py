"""Garbled endings and fragments: what is left when MT breaks a long source sentence.

Chinese sentences run long and chain clauses with commas; MT splits them in odd
places. The tell-tales: a short verbless piece that echoes the sentence before it
("...contribute to human progress. Contribute to the cause."), a sentence that
starts in lower case after a full stop ("...is not true. democracy."), a sentence
that stops on "and" or "the", quotes or brackets left open, and two sentences kept
together by the source's comma ("The store is large, it has nine floors.").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from mtcheck.core.datelines import MONTHS
from mtcheck.core.model.vocabulary import COUNT_CLASSES, IRREGULAR_PARTICIPLES, IRREGULAR_PASTS
from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule
from mtcheck.core.segment import closed_later

if TYPE_CHECKING:
    from mtcheck.core.segment import Document, Paragraph

ECHO = rule(
    "fragment.echo", "warning", weight=2.0, fix="never",
    message="verbless fragment echoing the previous sentence",
    description="A short sentence with no finite verb whose words repeat the sentence before it: the tail of a "
                "source sentence translated twice. Not an answer to a question before it, a greeting, a "
                "writer's emphasis (\"Every single night.\", \"Lots of wallets.\", \"A big mistake.\", \"Nobody.\"), "
                "a sentence opening as the one before it does (\"Bring water. Bring patience.\") or speech in a "
                "direct quotation, set down as spoken.",
    suggestion="delete the fragment, or merge what it adds into the previous sentence",
    examples=(
        flags("China will contribute to human progress. Contribute to human progress."),
        flags("Officials will act. Contribute to the cause. Contribute to the cause."),  # said twice
        passes("China will contribute to human progress. It said so on Monday."),
        passes("Nothing escapes the pull of the black hole. Even light can't escape."),  # a contraction is a verb
        passes("It is mainly used for design. It's very cost-effective."),  # and so is a pronoun's 's
        passes("We dropped wallets in 12 cities. Lots of wallets."),  # emphasis, not a repeated tail
        passes("The mayor promised change in the city. Real change."),
        passes("What cow? No cow."),  # an answer
        passes("Keep a good mood all day. Good morning."),  # a greeting
        passes("The view is the best in the city. Bring water. Bring patience."),  # parallel, not a tail
        passes("Food prices fell 1.3 percent, the bureau said. Non-food prices rose 1.2 percent."),  # "rose" a verb
        passes("They said the deal was a mistake. A big mistake."),  # emphasis again
        passes("Nobody expected the bridge to fall. Nobody."),
        passes('"People ask me about the final in 2016. Always the final. Of course it was special."'),  # speech
    ),
)
LOWER_START = rule(
    "fragment.lowercase-start", "error", weight=2.0, fix="never",
    message="sentence starts in lower case after a full stop",
    description="A full stop inside what should be one sentence (\"is not true. democracy.\"), or a sentence "
                "cut in two.",
    suggestion="remove the stray full stop, or capitalise the sentence",
    examples=(
        flags("He said the claim is not true. democracy is a common value of mankind."),
        flags("This kind of democracy is not true. democracy."),  # one finding, not an echo as well
        passes("He said the claim is not true. Democracy is a common value, e.g. in Europe."),
        passes("Sales fell in China. iPhone shipments dropped by a fifth."),  # a name in mixed case
    ),
)
DANGLING = rule(
    "fragment.dangling-end", "warning", weight=1.5, fix="never",
    message="sentence ends on a conjunction, article or preposition",
    description="A sentence cut off after \"and\", \"the\", \"of\" and the like: the rest of the source "
                "clause was lost.",
    suggestion="complete the sentence",
    examples=(
        flags("The two sides discussed trade and the."),
        flags("The plan speeds up the development of."),
        passes("The two sides discussed trade and investment."),
        passes("The children were well taken care of."),  # a preposition left at the end on purpose
    ),
)
UNBALANCED = rule(
    "fragment.unbalanced", "warning", weight=0.0, fix="never",
    message="unbalanced quotation mark or bracket",
    description="An opening quote or bracket with no partner in its paragraph, or a closing one with no opening. "
                "A quotation that runs into the next paragraph, which reopens with a quote mark, is fine, and so "
                "is one closed a paragraph or a few later (copy set one sentence a line). Edited copy slips here "
                "as often as MT does, so it carries no weight in the MT likelihood.",
    suggestion="add the missing partner or remove the stray mark",
    examples=(
        flags("The ministry (which runs the ports said the plan would go ahead."),
        flags("He said: \"I would like to apologise.\nI did not mean it."),
        passes("The ministry (which runs the ports) said \"the plan will go ahead\"."),
        passes("\"We cannot get our money back.\nWe are very disappointed.\"\nThe firm did not reply."),
        passes("“We cannot get our money back.\nWe are packed and ready to go.”"),
        passes("Two couriers deliver:\n1) SF Express\n2) EMS, for a) parcels and b) letters."),  # enumerators
        flags("Shares rose sharply) on Monday."),
    ),
)
STRAY_CAPITAL = rule(
    "fragment.stray-capital", "warning", weight=0.8, fix="never",
    message="function word capitalised in mid-sentence",
    description="A word such as \"Be\", \"The\" or \"And\" capitalised between two lower-case words "
                "(\"doubly Be cautious\"): what is left of a sentence break in the source, or a title case "
                "carried over. Titles of works (\"Gone With the Wind\") follow a capitalised word and are left alone.",
    suggestion="lower-case it, or restore the sentence break",
    examples=(
        flags("Drivers should be doubly Be cautious on icy roads."),
        passes("The delegation flew to The Hague, and she read Of Mice and Men."),
        passes("He watched Gone With the Wind on Monday."),
        passes("The protests that began in May and spread in June have waned."),  # the month
        passes("Exams should let straight A students and others show what they know."),  # a label
        passes("She got an A in maths, and the A team won."),  # the letter
        passes("British prime minister May said the talks would go on, and May told reporters so."),  # the name
        passes("Her books are Walking to the Public and On the Spirit of Arts."),  # a title
    ),
)
COMMA_SPLICE = rule(
    "fragment.comma-splice", "warning", weight=1.0, fix="never",
    message="two sentences joined by a comma",
    description="A comma between two complete clauses, the second opening with its subject and verb (\"The "
                "store is large, it has nine floors.\"): Chinese joins clauses with commas, and MT keeps the comma "
                "where English needs a full stop, a semicolon or a conjunction. Left alone: a first clause "
                "opening with \"if\", \"when\", \"although\", a preposition or a participle; a reporting "
                "verb (\", he said\"); a parenthesis (\", I think,\"); a series ending in \", and ...\"; a run of "
                "three or more short clauses with one subject (\"It tests, it retreats, it tries again.\"), a "
                "figure of speech; and direct quotations, where speech is set down as spoken.",
    suggestion="make it two sentences, use a semicolon, or join the clauses with a conjunction",
    examples=(
        flags("The store has a large area, it has eight to nine floors."),
        flags("The project is difficult to advance, the communication is not smooth."),
        passes("If prices rise, it will hurt exports."),
        passes("The plan is ambitious, it said on Monday."),
        passes("The reform, he believes, will take years."),
        passes("The emperor is strong, the citizens are weak, and the slaves are weaker."),
        passes('"We were ready, they were not," he said.'),
        passes("Speaking in May, the minister said the plan was ready."),
        passes("The deal was signed in May, it was reported."),
        passes("It tests, it retreats, it tries again somewhere else."),
        flags("The mall is big, it has nine floors."),
    ),
)

# A clause opening after a comma: its subject (a pronoun, or a noun phrase of a determiner and
# up to three words, "this kind of democracy"), then its verb. A pronoun may take any
# finite-looking verb ("it has", "they visited"); a noun phrase only a form of be, have or a
# modal, since "the United States" in a list, or "these days", looks like a subject and a verb.
_SPLICE = re.compile(
    r",[ \t]+(?:(?:it|he|she|they|we|I|there|this)"
    r"(?:[ \t]+(?:also|still|already|now|then|even|only|just|never|always|often|all|both|soon))?"
    r"[ \t]+(?P<verb>is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|did|does|do|"
    r"[a-z]{2,}ed|[a-z]{2,}[^s\W]s)"
    r"|(?:the|its|their|his|her|our|this|these|those)(?:[ \t]+(?!and\b|or\b)[a-z][a-z'’-]*){1,3}"
    r"(?:[ \t]+(?:also|still|already|now|then|even|only|just|never|always|often|all|both|soon))?"
    r"[ \t]+(?P<aux>is|are|was|were|has|have|had|will|would|can|could|should|may|might|must))\b(?!-)")
_REPORTING = frozenset(
    """said says added adds noted notes told stressed stresses explained explains pointed believes believed thinks
    thought reported reports warned warns wrote writes asked replied recalled recalls insisted insists argued argues
    continued claimed claims announced acknowledged suggested suggests admitted urged urges hopes hoped feels felt
    knows knew guessed estimated estimates""".split())
# What opens a first clause that is not a sentence on its own: a subordinator or a participle
# (the model's word classes; "Speaking in May, ...": "-ing" and "-ed" words are tested apart),
# a preposition or a sentence adverb, "no"/"not only", or an inverted conditional ("Had the
# rain stopped, ..."). Not the model's prepositions and connectives as a whole: "Of course" and
# "About 30 people" open sentences, and "finally" after "and" opens no clause of its own.
_DEPENDENT_OPENERS = COUNT_CLASSES["subordinator"] | IRREGULAR_PARTICIPLES | frozenset(
    """whilst even however whatever wherever whoever whichever no not only now so in on at for with by from during
    under according to amid amidst despite following like unlike compared based apart along across among against
    between beyond over through within without into upon toward towards near around throughout besides meanwhile
    moreover also still yet then thus therefore furthermore indeed had were should""".split())
_PASSIVE_REPORTING = re.compile(r"[ \t]+(?:said|reported|learned|learnt|understood|believed|known|announced|"
                                r"expected|estimated|hoped|thought|claimed|alleged)\b")
# "..., that is, the service ...": what follows explains, it is not a second sentence.
_NAMELY = re.compile(r",[ \t]*(?:that is(?: to say)?|namely|i\.e\.|e\.g\.|for example|for instance|in other words|"
                     r"in short|in particular)[ \t]*$", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[\W_]*([A-Za-z]+)")
# A finite verb in the clause before the comma (not "may": "in May" is a month).
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|might|must|did|does)\b"
                     r"|\b(?:it|he|she|they|we|I)[ \t]+[a-z]{2,}(?:ed|s)\b")
# A subordinate clause ending at the comma even when it does not open the clause read
# ("Note that while X and Y work, they ..."): "and" between two nouns cuts clauses wrongly.
_SUBORDINATE = re.compile(r"\b(?:while|although|though|because|unless|whereas|if|whether)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:(\u2013\u2014]|\b(?:and|but|or|so|yet|which|who|whom|whose|that|where)\b")
# Characters read on either side of a comma: more than a clause takes, and a 4,000-character
# run of commas (the longest sentence segment makes) stays linear.
_CLAUSE_WINDOW = 400
_SERIES = re.compile(r",[ \t]+(?:and|or)\b")
# Asyndeton: the clause after the comma is the third or later of short clauses with one subject
# ("I came, I saw, I conquered"): a figure English writers choose. MT's run-on clauses change
# subject or run longer.
_SUBJECT = re.compile(r"[ \t]*(it|he|she|they|we|I|you)\b", re.IGNORECASE)
_SHORT_CLAUSE_WORDS = 4
_COMPARATIVE_PAIR = re.compile(r"[\W_]*the[ \t]+(?:more|less|fewer|[a-z]+er)\b", re.IGNORECASE)
# A clause of time opened by a noun: "The first time I ordered it, ...", "Every time it rains, ...".
_TIME_CLAUSE = re.compile(r"[\W_]*(?:the|every|each|next|any)(?:[ \t]+(?:first|last|next|second|very|same))?"
                          r"[ \t]+(?:time|moment|minute|instant|day|night)\b", re.IGNORECASE)

_FUNCTION = frozenset(
    """the a an to of and or in on for with at by from as into than that this these those its it
    their his her our all any some such very more most not also but""".split()
)
_FINITE_CUES = frozenset(
    """is are was were be been being am has have had do does did will would shall should can could
    may might must said says say told added noted stressed i we he she it they you there""".split()
)
_FINITE_WORDS = _FINITE_CUES | IRREGULAR_PASTS  # one lookup a word: the cues, and pasts such as "rose"
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# A capitalised function word between two lower-case words on one line: found from the spaces
# before it (the lookahead names the words' first letters, so most spaces fail at once), the word
# before them tested where one is found (`stray_capitals`). The spaces are matched from the first
# of a run only (the lookbehind, after a lookahead that lets the scan skip to spaces): tried from
# every space of a long run, each attempt would scan the rest of it, in quadratic time.
_CAPITAL_AFTER_SPACE = re.compile(
    r"(?=[ \t])(?<![ \t])[ \t]+(?=[ABCDFHIMNOSTW])(The|A|An|And|Or|But|Of|To|In|On|At|For|With|By|From|As|Is|"
    r"Are|Was|Were|Be|Been|Has|Have|Had|Will|Would|Can|Could|Should|May|Might|Must|Do|Does|Did|Not|This|That|Its|"
    r"Their)"
    r"(?=[ \t]+[a-z])")
_LOWER_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz'’-")
_CONTRACTIONS = ("n't", "'re", "'ll", "'ve", "'m", "'d")
# Words whose "'s" is "is", "has" or "us", never a possessive ("it's", "that's", "let's"): a pronoun's
# possessive takes no apostrophe ("its").
_S_IS_A_VERB = frozenset("""it that he she there here what who where when why how let everything nothing
    something everyone someone anyone everybody somebody nobody""".split())
# Words that open a rhetorical fragment, one that stresses, sizes up or intensifies what the
# sentence before said ("She has baked for 31 years. Every night.", "We dropped wallets. Lots of
# wallets.", "Most of them, anyway.", "The mayor promised change. Real change.", "Prices went up.
# Way up.", "Nobody expected it to fall. Nobody.", "It went up again. Again."), or restates it with
# an indefinite article ("They called the deal a mistake. A big mistake."), which Chinese, the
# source of most echoed tails, does not have: a device of English features and talks, not a tail
# translated twice.
_EMPHATIC_OPENERS = frozenset("""every never not only just even most lots loads tons plenty heaps dozens hundreds
    thousands millions billions real true very way far nobody nothing none again twice a an""".split())
_EMPHATIC_PAIRS = frozenset({("so", "many"), ("so", "much"), ("too", "many"), ("too", "much"), ("the", "very")})
# Greetings and thanks, verbless by nature ("... keep a good mood all day. Good morning!").
_FORMULA_OPENERS = frozenset("goodbye thanks congratulations cheers".split())
_FORMULA_PAIRS = frozenset({("good", "morning"), ("good", "afternoon"), ("good", "evening"), ("good", "night"),
                            ("good", "luck"), ("thank", "you")})
_DETERMINERS = frozenset("the a an this that these those its their his her our my your whose each every".split())
_DANGLING = re.compile(r"\b(?:and|or|but|nor|the|an?|of|than|whose|whether)[ \t]*[.!?]?[\"”’)]*$")
_LOWER_OK = re.compile(r"(?:[a-z]+[A-Z][A-Za-z]*|e\.g|i\.e|de|van|von|der|da|la|le|al|bin|ibn|and|or)\b")
_MARKS = re.compile(r"[()\[\]“”\"]")
_PAIRS = {")": "(", "]": "[", "”": "“"}
# What a list numbers its items with before a ")" ("1) Refer to ...", "including a) tea and b) rice")
_ENUMERATOR = re.compile(r"\d{1,2}|[A-Za-z]|[ivx]{2,4}|[IVX]{2,4}")
_ECHO_MAX_WORDS = 6
_CLOSERS = ".!?\"”’) \t"


def _enumerates(text: str, at: int) -> bool:
    """Whether the ")" at `at` closes a list item's number or letter ("1)", "b)", "iv)"), which
    opens no parenthesis: the word before it is one, standing on its own."""
    start = at
    while start > 0 and start > at - 4 and text[start - 1].isalnum():
        start -= 1
    return (start < at and (start == 0 or text[start - 1] in " \t\n\r:;,")
            and _ENUMERATOR.fullmatch(text, start, at) is not None)


def _stem(word: str) -> str:
    return word.lower()[:5]


def _finite(word: str) -> bool:
    """A word that makes a clause: a finite verb or a subject pronoun, a past form, or a
    contraction ("can't", "they're": a verb is in it)."""
    word = word.replace("’", "'")
    return (word in _FINITE_WORDS or (len(word) > 4 and word.endswith("ed")) or word.endswith(_CONTRACTIONS)
            or (word.endswith("'s") and word[:-2] in _S_IS_A_VERB))


def _emphatic_or_formula(words: Sequence[str]) -> bool:
    """A fragment that opens the way a writer's emphasis does ("Every single night.", "Lots of
    wallets.", "A lot of them."), or a greeting ("Good morning.")."""
    first = words[0].lower()
    pair = (first, words[1].lower()) if len(words) > 1 else None
    return (first in _EMPHATIC_OPENERS or first in _FORMULA_OPENERS or pair in _EMPHATIC_PAIRS
            or pair in _FORMULA_PAIRS)


def _stranded(text: str, sentence_start: int, m: re.Match[str]) -> bool:
    """A preposition left at the end on purpose ("were well taken care of", "what it is made
    of"), not a cut-off phrase: a cut-off "of" follows a noun phrase ("the development of")."""
    if not m.group().lower().startswith("of"):
        return False
    before = _WORDS.findall(text, sentence_start, m.start())
    return len(before) < 2 or before[-2].lower() not in _DETERMINERS


def stray_capitals(text: str) -> Iterator[re.Match[str]]:
    """Capitalised function words after a lower-case word ("people The government"): each match is
    the spaces and the word (group 1). What one pattern,
    `(?<![\\w'’-])[a-z][a-z'’-]*[ \\t]+(The|A|...)(?=[ \\t]+[a-z])`, finds from its first word on."""
    for m in _CAPITAL_AFTER_SPACE.finditer(text):
        end = start = m.start()
        while start and text[start - 1] in _LOWER_WORD_CHARS:
            start -= 1
        # a word of those characters, opening with a letter, not glued to a letter, digit or "_" before it
        if start < end and "a" <= text[start] <= "z" and not (start and (text[start - 1].isalnum()
                                                                          or text[start - 1] == "_")):
            yield m


# Words after which a capitalised "May" is the month ("in May and June", "mid May"), never the verb.
_BEFORE_MONTH = frozenset("""in since until till by from through of last next early late mid this to
    before after during between throughout""".split())
# Words a capital "A" labels ("straight A students", "vitamin A", "Plan A"), never the article.
_LABELLED = frozenset("""straight grade class type plan vitamin hepatitis influenza group category level section
    part block zone phase tier model series division league row gate building terminal platform exhibit
    appendix schedule item option point size seed tower hall wing unit room floor flight pool list team figure
    table box""".split())
# "May" the name: after a title or her first name, or before a reporting verb (a modal never takes "said")
_TITLES_BEFORE_NAME = frozenset("minister premier mrs ms miss mr theresa".split())
_SPEECH_AFTER_NAME = re.compile(r"[ \t]+(?:said|says|told|added|wrote|warned|insisted|announced|stated)\b")
# A title goes on after the capital: a small word, then a capital again ("and On the Spirit of Arts").
_TITLE_GOES_ON = re.compile(r"[ \t]+(?:the|a|an|of|and|for|to|in|on|with)[ \t]+[A-Z]")


def _meant_capital(text: str, m: re.Match[str]) -> bool:
    """Whether the capital `stray_capitals` found is meant: the month ("began in May and
    spread", "April and May") or the name ("prime minister May said"), a label ("straight A
    students") or the letter after a determiner ("got an A in maths": "an a" is no English), a
    title going on after it."""
    word = m.group(1)
    before = _WORDS.findall(text, max(0, m.start() - 24), m.start())
    last = before[-1].lower() if before else ""
    if word == "May":
        month_before = len(before) > 1 and before[-2][0].isupper() and before[-2].lower() in MONTHS
        if last in _BEFORE_MONTH or (last in ("and", "or") and month_before):
            return True
        if last in _TITLES_BEFORE_NAME or _SPEECH_AFTER_NAME.match(text, m.end(1)):
            return True
    return (word == "A" and (last in _LABELLED or last in _DETERMINERS)) or bool(_TITLE_GOES_ON.match(text, m.end(1)))


def _carried(text: str, paragraphs: Sequence[Paragraph], k: int, mark: str, at: int, closers: set[int]) -> bool:
    """Whether the quotation `mark` opens at `at`, left open in paragraph k, is closed in a later
    paragraph (`closed_later`); if so its closing mark joins `closers`, not to be reported there."""
    closing = closed_later(text, paragraphs, k, mark, at)
    if closing is not None:
        closers.add(closing)
    return closing is not None


def comma_splices(doc: Document) -> Iterator[tuple[int, int]]:
    """The commas that join two complete clauses (COMMA_SPLICE says which are left alone), each
    with the subject and verb after it (", it has"): the span an editor sees. The pattern finds a
    subject and verb after a comma; the sentence before it is read only where one is found."""
    text, sentences = doc.text, doc.sentences
    for m in _SPLICE.finditer(text):
        at = m.start()
        verb = m.group("verb") or m.group("aux")
        if verb in _REPORTING or text.startswith(",", m.end()) or _PASSIVE_REPORTING.match(text, m.end()):
            continue
        k = doc.sentence_at(at)
        if k >= len(sentences) or not sentences.starts[k] <= at < sentences.ends[k]:
            continue
        start, end = sentences.starts[k], sentences.ends[k]
        head = text[max(start, at - _CLAUSE_WINDOW):at]
        if (_stands_alone(text[start:min(at, start + 40)], head)
                and not _SERIES.search(text, m.end(), min(end, m.end() + _CLAUSE_WINDOW))
                and not _asyndeton(head, m.group(0))
                and not doc.in_quote(at)):  # last: the document's quotations are found on first use
            yield at, m.end()


def _stands_alone(opening: str, head: str) -> bool:
    """Whether what comes before a comma could be a sentence of its own: `head` is the end of its
    sentence up to the comma, `opening` the sentence's first words. It must have a finite verb
    in the clause the comma ends, and neither the sentence, nor that clause, nor the stretch
    since the comma before it may open as a clause that leans on another."""
    clause = _CLAUSE_BREAK.split(head)[-1]
    since_comma = head.rfind(",") + 1
    return bool(_FINITE.search(clause)) and not (
        _dependent(opening) or _COMPARATIVE_PAIR.match(opening) or _TIME_CLAUSE.match(opening)
        or _dependent(clause) or _dependent(head[since_comma:]) or _TIME_CLAUSE.match(head, since_comma)
        or _SUBORDINATE.search(head, since_comma) or _NAMELY.search(head))


def _asyndeton(head: str, joined: str) -> bool:
    """Whether the clause after the comma (`joined` opens it: ", it tries") goes on a run of at
    least two short clauses before it with the same subject pronoun (`head`: the sentence up to
    the comma)."""
    after = _SUBJECT.match(joined, 1)
    clauses = head.split(",")[-2:]
    return after is not None and len(clauses) == 2 and all(
        len(c.split()) <= _SHORT_CLAUSE_WORDS and (m := _SUBJECT.match(c)) is not None
        and m.group(1).lower() == after.group(1).lower() for c in clauses)


def _dependent(clause: str) -> bool:
    """Whether `clause` opens as a clause that cannot stand alone (see _DEPENDENT_OPENERS)."""
    first = _FIRST_WORD.match(clause)
    if first is None:
        return True
    word = first.group(1).lower()
    return word in _DEPENDENT_OPENERS or word.endswith(("ing", "ed"))


@register
class Fragments(Family):
    name = "fragments"
    description = ("Echo fragments, lower-case sentence starts, cut-off sentences, unbalanced quotes and brackets, "
                   "comma splices.")
    rules = (ECHO, LOWER_START, DANGLING, UNBALANCED, STRAY_CAPITAL, COMMA_SPLICE)

    def check(self, ctx: Context) -> None:
        doc, text = ctx.doc, ctx.doc.text
        sentences = doc.sentences
        want_echo, want_lower, want_dangling = ctx.wants(ECHO), ctx.wants(LOWER_START), ctx.wants(DANGLING)
        last = None  # the sentence before s
        for s in sentences:
            prev = last if last is not None and last.paragraph == s.paragraph else None
            last = s
            if (want_lower and prev is not None and text[prev.end - 1] in ".\"”’)" and text[s.start].islower()
                    and not _LOWER_OK.match(text, s.start)):
                    end = s.start
                    while end < s.end and (text[end].isalnum() or text[end] in "-'’"):
                        end += 1
                    ctx.report(LOWER_START, s.start, end)
            if want_dangling:
                m = _DANGLING.search(text, max(s.start, s.end - 24), s.end)
                if m and m.start() > s.start and not _stranded(text, s.start, m):
                    last_word = m.group().rstrip(_CLOSERS)
                    ctx.report(DANGLING, m.start(), m.end(), message=f"sentence ends on '{last_word}'")
            if want_echo and prev is not None and text.count(" ", s.start, s.end) < _ECHO_MAX_WORDS:
                self._echo(ctx, prev, s)
        if ctx.wants(UNBALANCED):
            self._balance(ctx)
        if ctx.wants(STRAY_CAPITAL):
            for m in stray_capitals(text):
                if _meant_capital(text, m):
                    continue
                ctx.report(STRAY_CAPITAL, m.start(1), m.end(1), message=f"\"{m.group(1)}\" capitalised in mid-sentence")
        if ctx.wants(COMMA_SPLICE):
            for start, end in comma_splices(ctx.doc):
                ctx.report(COMMA_SPLICE, start, end)

    @staticmethod
    def _echo(ctx: Context, prev, s) -> None:
        text = ctx.doc.text
        body = text[s.start:s.end]
        if not body[:1].isalpha() or any(q in body for q in "\"“”?!:;"):
            return
        words = _WORDS.findall(body)
        if not words or any(_finite(w.lower()) for w in words) or _emphatic_or_formula(words):
            return
        last = prev.end  # (the previous sentence's last mark, found without copying the sentence)
        while last > prev.start and text[last - 1] in "\"”’)' \t":
            last -= 1
        if text[last - 1:last] in ("?", "？"):
            return  # an answer to the question before it ("Who won? The Lakers."), elliptical by nature
        content = [_stem(w) for w in words if w.lower() not in _FUNCTION]
        if not content:
            return
        before = {_stem(w) for w in _WORDS.findall(text, prev.start, prev.end)}
        shared = sum(1 for w in content if w in before)
        if shared * 2 < len(content):
            return
        opener = _WORDS.search(text, prev.start, prev.end)
        if shared < len(content) and opener is not None and opener.group().lower() == words[0].lower():
            return  # parallel sentences that say something new: "Bring water. Bring patience."
        if ctx.doc.in_quote(s.start):  # last: the document's quotations are found on first use
            return  # speech set down as spoken: '"The final. Always the final."'
        ctx.report(ECHO, s.start, s.end)

    @staticmethod
    def _balance(ctx: Context) -> None:
        text = ctx.doc.text
        paragraphs = ctx.doc.paragraphs
        closers: set[int] = set()  # marks that close a quotation opened in an earlier paragraph
        for k, p in enumerate(paragraphs):
            stack: list[tuple[str, int]] = []
            straight: list[int] = []
            for m in _MARKS.finditer(text, p.start, p.end):
                c = m.group()
                if c == '"':
                    straight.append(m.start())
                elif c in "([“":
                    stack.append((c, m.start()))
                elif stack and stack[-1][0] == _PAIRS[c]:
                    stack.pop()
                elif c == ")" and _enumerates(text, m.start()):
                    continue
                elif m.start() not in closers:
                    ctx.report(UNBALANCED, m.start(), m.end(), message=f"closing {c} with no opening partner")
            next_opens = text[paragraphs[k + 1].start] if k + 1 < len(paragraphs) else ""
            # A quotation continued in the next paragraph leaves every “ open; one closed in a
            # later paragraph, the first (asked once: a paragraph may leave thousands open).
            first_open = next((at for c, at in stack if c == "“"), None)
            carried = first_open is not None and next_opens != "“" and _carried(text, paragraphs, k, "“", first_open,
                                                                                closers)
            for c, at in stack:
                if c == "“" and (next_opens == "“" or (carried and at == first_open)):
                    continue
                ctx.report(UNBALANCED, at, at + 1, message=f"opening {c} with no closing partner in its paragraph")
            if (len(straight) % 2 and next_opens != '"' and straight[-1] not in closers
                    and not _carried(text, paragraphs, k, '"', straight[-1], closers)):
                at = straight[-1]
                ctx.report(UNBALANCED, at, at + 1, message="odd number of straight quotation marks in the paragraph")
