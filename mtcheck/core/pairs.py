"""Reference pairs: the curated MT phrasing -> reference phrasing data, and its matcher.

Files are tab-separated, one pair a line (format in README, "Reference pairs"). A
phrase tolerates inflection (-s, -es, -ed, -ing, -'s, y/ies) and words split by
spaces, hyphens or a line break; an entry starting with "re:" is a regular expression.
The matcher scans the text once with an Aho-Corasick automaton whatever the size of
the list (see "the matcher" below).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import ahocorasick

from mtcheck import cache
from mtcheck.core.morphology import word_forms
from mtcheck.models import Severity
from mtcheck.read.text import InputProblem, read_bytes

if TYPE_CHECKING:
    from mtcheck.models import PairProblem

# The parser behind re, to find the literals a pattern needs.
if sys.version_info >= (3, 11):
    from re import _parser as _sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse

# The shipped lists are some hundreds of kilobytes; a pairs file far larger is a mistake (or
# /dev/zero), and every entry is compiled into the matcher.
MAX_PAIRS_BYTES = 16 << 20
HEADER = ("mt_phrase", "reference", "source_term", "source_lang", "category", "severity", "fix", "note")
# An optional last column: the maintainers' evidence for an entry and its severity (hits in human
# and MT text). It is read past, never shown: `note` is what an editor reads in a finding.
MEASURED = "measured"
CATEGORIES = ("calque", "term", "style")
# ISO 639-1 language codes (the two-letter ones source_lang takes).
ISO_639_1 = frozenset("""aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
    ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk
    ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se
    sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo
    xh yi yo za zh zu""".split())
FIXES = ("safe", "review")
_LITERAL_OK = re.compile(r"^[a-z0-9]+(?:['’-][a-z0-9]+)*'?(?: [a-z0-9]+(?:['’-][a-z0-9]+)*'?)*$")
_SEP = r"[\s\-‐‑]+"
_BLANK_LINE = re.compile(r"\n[ \t\r\u3000]*\n")


class PairsError(Exception):
    """A reference-pairs file that cannot be used; str() is one line naming file:line."""


@dataclass(frozen=True)
class PairEntry:
    mt_phrase: str
    references: tuple[str, ...]
    source_term: str
    source_lang: str
    category: str
    severity: Severity
    fix: str
    note: str
    path: str
    line: int

    @functools.cached_property
    def location(self) -> str:  # (one string for all the entry's findings)
        return f"{self.path}:{self.line}"

    @property
    def is_regex(self) -> bool:
        return self.mt_phrase.startswith("re:")

    @property
    def words(self) -> int:
        return 0 if self.is_regex else self.mt_phrase.count(" ") + 1

    def pattern(self) -> str:
        return _flexible_spaces(self.mt_phrase[3:]) if self.is_regex else _phrase_regex(self.mt_phrase.split(" "))

    def replacement_for(self, matched: str) -> str | None:
        """The literal text that replaces `matched` (a match of this entry) when the entry is
        fix=safe: the first reference, carrying the plural or possessive of the match's last
        word. None when the match is inflected in a way the reference cannot follow (a verb
        form, an inflected inner word, a plural of a proper name): a person decides."""
        if self.fix != "safe":
            return None
        replacement = self.references[0]
        if self.is_regex:
            return replacement
        words = self.mt_phrase.split(" ")
        head = _SEP.join(_literal_word(w) for w in words[:-1])
        m = re.fullmatch((head + _SEP if head else "") + "(.+)", matched, re.IGNORECASE | re.DOTALL)
        if m is None:
            return None
        return _inflect_like(replacement, words[-1], m.group(1))


@dataclass(frozen=True)
class Match:
    entry: PairEntry
    start: int
    end: int


def default_pairs_dir() -> Path:
    """The shipped reference_pairs/: inside the package when installed from a wheel,
    at the top of the repository in a checkout or editable install."""
    package = Path(__file__).resolve().parents[1]  # mtcheck/
    for candidate in (package / "reference_pairs", package.parent / "reference_pairs"):
        if (candidate / "phrases").is_dir():
            return candidate
    raise PairsError(f"{package.parent / 'reference_pairs'}: the shipped reference pairs are missing from this "
                     "installation")


def pair_file_name(path: Path) -> str:
    """How reports name a pairs file (a finding's `pair`, `mtcheck pairs validate`): a shipped
    one as `reference_pairs/phrases/...`, the same in a checkout and an installed copy; another
    relative to the current folder when it is inside it, else as given."""
    resolved = path.resolve()
    with contextlib.suppress(PairsError, ValueError):
        shipped = default_pairs_dir()
        return (Path(shipped.name) / resolved.relative_to(shipped)).as_posix()
    with contextlib.suppress(ValueError, OSError):
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    return str(path)


def pair_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to the .tsv files they hold (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.tsv") if q.is_file()))
        else:
            out.append(p)
    return out


# --- word forms -----------------------------------------------------------------

def _word_regex(word: str) -> str:
    alts = []
    for form in word_forms(word):
        alts.append("".join("['’]" if c in "'’" else r"[-‐‑\s]?" if c == "-" else re.escape(c) for c in form))
    return "(?:" + "|".join(alts) + ")"


def _phrase_regex(words: list[str]) -> str:
    return _SEP.join(_word_regex(w) for w in words)


def _literal_word(word: str) -> str:
    """A phrase word in its base form only, spelled as the matcher tolerates it."""
    return "".join("['’]" if c in "'’" else r"[-‐‑\s]?" if c == "-" else re.escape(c) for c in word)


_HYPHENS = str.maketrans({"’": "'", "‐": "", "‑": "", "-": ""})
# Last words whose plural is not regular (or that may already be plural): not pluralised blindly.
_IRREGULAR_PLURAL = re.compile(r"(?:s|man|child|person|foot|tooth|mouse|fe|f)$")


def _inflect_like(replacement: str, base: str, written: str) -> str | None:
    """`replacement` with the inflection `written` (the matched last word) has over `base`."""
    form = re.sub(r"\s+", "", written.lower()).translate(_HYPHENS)
    base = base.translate(_HYPHENS)
    if form == base:
        return replacement
    if form in (base + "'s", base + "'"):
        apostrophe = "’" if "’" in written else "'"
        return replacement + apostrophe + ("" if replacement.endswith("s") else "s")
    plurals = {base + "s", base + "es"}
    if len(base) > 2 and base.endswith("y") and base[-2] not in "aeiou":
        plurals.add(base[:-1] + "ies")
    if form not in plurals:
        return None  # a verb form (-ed, -ing): the reference is a noun phrase
    head, _, last = replacement.rpartition(" ")
    if not re.fullmatch(r"[a-z]+", last) or _IRREGULAR_PLURAL.search(last):
        return None  # a name ("WeChat Moments"), an acronym, or an irregular noun
    if last.endswith("y") and last[-2:-1] not in ("", *"aeiou"):
        last = last[:-1] + "ies"
    elif last.endswith(("x", "z", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last




# --- loading and validating -------------------------------------------------------

@dataclass
class Loaded:
    entries: list[PairEntry] = field(default_factory=list)
    problems: list[PairProblem] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def load(paths: Iterable[str | Path], check_replacements: bool = True) -> Loaded:
    """Parse pair files, collecting every problem as file:line instead of stopping.
    `check_replacements` also builds the matcher to find safe replacements that loop."""
    from mtcheck.models import PairProblem  # the report model: checking with a cached matcher does without

    result = Loaded()
    seen: dict[str, PairEntry] = {}
    for path in pair_files(paths):
        name = pair_file_name(path)
        result.files.append(name)
        try:
            raw, _ = read_bytes(path, MAX_PAIRS_BYTES, name, limit_hint=" for a pairs file")
            text = raw.decode("utf-8-sig")
        except InputProblem as problem:
            result.problems.append(PairProblem(path=name, line=0, severity=Severity.error, message=problem.message))
            continue
        except UnicodeDecodeError:
            result.problems.append(PairProblem(path=name, line=0, severity=Severity.error, message="not valid UTF-8"))
            continue
        result.digests.append(hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest())
        for entry in _parse(text, name, result.problems):
            key = entry.mt_phrase.replace("’", "'")
            prior = seen.get(key)
            if prior is not None:
                same = (prior.references, prior.category, prior.severity, prior.fix) == (
                    entry.references, entry.category, entry.severity, entry.fix)
                result.problems.append(PairProblem(
                    path=name, line=entry.line,
                    severity=Severity.warning if same else Severity.error,
                    message=(f"duplicate of {prior.location}" if same else
                             f"conflicts with {prior.location} ({_difference(prior, entry)}); the later entry wins"),
                ))
            seen[key] = entry
    result.entries = list(seen.values())
    if check_replacements:
        result.problems.extend(replacement_loops(PairSet(result.entries, "", result.files)))
    return result


# Marks of advice rather than replacement text: <notes>, "A or B", placeholders.
_ADVICE = re.compile(r"[<>…]|\.\.\.| or |\be\.g\.")


def replacement_loops(pairs: PairSet) -> list[PairProblem]:
    """Safe pairs whose replacement a safe pair would rewrite again: `mtcheck fix` could
    then never settle on a text."""
    from mtcheck.models import PairProblem

    problems = []
    for entry in pairs.entries:
        if entry.fix != "safe":
            continue
        loop = next((m.entry for m in pairs.find(entry.references[0]) if m.entry.fix == "safe"), None)
        if loop is not None:
            problems.append(PairProblem(
                path=entry.path, line=entry.line, severity=Severity.error,
                message=f"the replacement {entry.references[0]!r} is itself rewritten by the safe pair at "
                        f"{loop.location}; fixing would never settle"))
    return problems


def _difference(a: PairEntry, b: PairEntry) -> str:
    diffs = [name for name, x, y in (
        ("reference", a.references, b.references), ("category", a.category, b.category),
        ("severity", a.severity, b.severity), ("fix", a.fix, b.fix)) if x != y]
    return "different " + ", ".join(diffs)


def _parse(text: str, name: str, problems: list[PairProblem]) -> Iterator[PairEntry]:
    from mtcheck.models import PairProblem

    def problem(line: int, message: str, severity: Severity = Severity.error) -> None:
        problems.append(PairProblem(path=name, line=line, severity=severity, message=message))

    columns = 0  # the header's (none read yet)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if not columns:
            header = tuple(f.strip() for f in fields)
            if header not in (HEADER, (*HEADER, MEASURED)):
                problem(lineno, "bad header; expected: " + " ".join(HEADER) + f" (tab-separated), optionally "
                                f"followed by {MEASURED}")
                return
            columns = len(header)
            continue
        # (with a measured column, a row may leave it out)
        if len(fields) not in (len(HEADER), columns):
            expected = f"{len(HEADER)} or {columns}" if columns > len(HEADER) else str(len(HEADER))
            problem(lineno, f"{len(fields)} tab-separated fields, expected {expected}")
            continue
        row = _row_problems(*(f.strip() for f in fields[:len(HEADER)]))
        for severity, message in row.problems:
            problem(lineno, message, severity)
        if row.entry is not None:
            yield dataclasses.replace(row.entry, path=name, line=lineno)
    if not columns:
        problem(1, "no entries and no header")


@dataclass
class _Row:
    entry: PairEntry | None
    problems: list[tuple[Severity, str]]


def _row_problems(mt: str, ref: str, term: str, lang: str, category: str, severity: str, fix: str,
                  note: str) -> _Row:
    """Every problem of one row (not only the first), and its entry when none is an error."""
    out: list[tuple[Severity, str]] = []
    empty = [h for h, v in zip(HEADER, (mt, ref, term, lang, category, severity, fix)) if not v]
    if empty:
        out.append((Severity.error, "empty field: " + ", ".join(empty)))
    if not note:
        out.append((Severity.warning, "empty field: note (say why this is MT)"))
    if category and category not in CATEGORIES:
        out.append((Severity.error, f"category {category!r} is not one of {', '.join(CATEGORIES)}"))
    if severity and severity not in Severity.__members__:
        out.append((Severity.error, f"severity {severity!r} is not one of info, warning, error"))
    if fix and fix not in FIXES:
        out.append((Severity.error, f"fix {fix!r} is not one of {', '.join(FIXES)}"))
    if lang and not is_language_code(lang):
        out.append((Severity.error, f"source_lang {lang!r} is not an ISO 639-1 code (such as zh, ja, ko), "
                                    "optionally with a script or region (zh-Hant)"))
    if mt and not mt.startswith("re:") and mt != mt.lower():
        out.append((Severity.error, f"mt_phrase {mt!r} has capitals: write it in lower case (matching ignores case)"))
    references = tuple(r.strip() for r in ref.split(" | ") if r.strip())
    if ref and not references:
        out.append((Severity.error, "empty field: reference"))
    advice = _ADVICE.search(references[0]) if references and fix == "safe" else None
    if advice:
        out.append((Severity.error, f"fix=safe needs a literal replacement as the first reference, not advice "
                                    f"({advice.group().strip()!r} in {references[0]!r}); make it review"))
    if any(p[0] == Severity.error for p in out):
        return _Row(None, out)
    entry = PairEntry(mt, references, term, lang, category, Severity(severity), fix, note, "", 0)
    bad = _pattern_problem(entry)
    if bad:
        return _Row(None, [*out, (Severity.error, bad)])
    return _Row(entry, out)


def is_language_code(code: str) -> bool:
    """An ISO 639-1 code, optionally with a script or region: zh, ja, zh-Hant, pt-BR."""
    base, _, variant = code.partition("-")
    return base in ISO_639_1 and (not variant or re.fullmatch(r"[A-Z][a-z]{3}|[A-Z]{2}|\d{3}", variant) is not None)


def _flexible_spaces(pattern: str) -> str:
    """A regex entry's pattern with each space standing for one white space character, as
    between a phrase's words: a space, a tab, a line break (of hard-wrapped copy). One
    character for one, so that a lookbehind keeps its width and a literal with spaces in it
    stays an anchor (`find` looks for anchors where white space reads as spaces). `\\s`, not
    a class: a class costs twice as much to compile, and patterns are compiled in every run.
    In verbose mode (`(?x)`) a space is no literal, and the pattern is left as written."""
    if _VERBOSE.search(pattern):
        return pattern
    return _ESCAPE_OR_SPACE.sub(lambda m: m.group(1) or r"\s", pattern)


_ESCAPE_OR_SPACE = re.compile(r"(\\.)| ", re.DOTALL)  # an escaped character stays as it is ("\\ ")
_VERBOSE = re.compile(r"\(\?[aiLmsux-]*x")


def _pattern_problem(entry: PairEntry) -> str | None:
    if entry.is_regex:
        source = entry.mt_phrase[3:]  # as written: an error's position is the author's (spaces mean the same)
        try:
            compiled = re.compile(source, re.IGNORECASE)
        except re.error as exc:
            return f"bad pattern: {exc}"
        if compiled.groups:
            return "bad pattern: use non-capturing groups (?:...) only"
        if compiled.match(""):
            return "bad pattern: matches the empty string"
        return None
    if not _LITERAL_OK.match(entry.mt_phrase):
        return (f"bad pattern {entry.mt_phrase!r}: plain lower-case words separated by single spaces "
                "(or start with re: for a regex)")
    if len(entry.mt_phrase.replace(" ", "")) < 3:
        return "bad pattern: too short to match safely"
    return None


# --- the matcher -------------------------------------------------------------------
#
# One Aho-Corasick pass over the lower-cased text finds every "anchor": a literal that
# any match of an entry must contain (for a phrase, its most distinctive word stem; for
# a regex, a literal or set of alternative literals every match needs, worked out from
# the parsed pattern). Only entries whose anchor occurs are then matched in a window
# around it. Python's regex engine tries a big alternation at every position of the
# text; the automaton keeps the cost proportional to the text, whatever the list size.
# Before a window is scanned, substring tests look for the other literals a match needs
# (`_Anchor.clauses`): most anchor hits in news copy ("according to", "polic") come to
# nothing, and a test that fails only where no match can be skips only scans that would
# find nothing, so what is found does not change.

_REGEX_REACH = 300  # characters either side of its anchor a regex entry's match may reach
_LOWER_PIECE = _HIT_PIECE = 1 << 16  # characters a long text is lower-cased and scanned for anchors by
_SPACE = re.compile(r"\s")
# The white space `\s` matches besides a space, a tab and a line break (str.isspace()'s; a test
# keeps the list whole): read as spaces where anchors are sought.
_OTHER_WHITE_SPACE = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680",
                      *map(chr, range(0x2000, 0x200B)), "\u2028", "\u2029", "\u202f", "\u205f", "\u3000")
# The characters that match an ASCII letter when case is ignored but do not lower-case to it
# (re's case folding: "İ" and "ı" match "i", "ſ" matches "s", the Kelvin sign "k").
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
_MIN_ANCHOR = 3
# A clause literal may be shorter than an anchor: it is looked for only in an anchor's window
# (some 30 characters for a phrase), where even "my" of "my city" is rarely found by chance,
# and each window it rules out saves a regex scan.
_MIN_CLAUSE = 2
_MIN_COMMON_ANCHOR = 4  # letters of a common word an entry with no rarer literal is anchored on
_LOOKAHEAD_MARGIN = 80
_BOUNDED = r"(?<![\w'’])(?:{})(?![\w’]|'\w)"
# Words too common to be anchors: an anchor should be rare in ordinary copy.
_COMMON = frozenset(
    """the and from with for that this was were are has have had not but its their they
    his her our your will would said say says into over than then them who which what
    when where after before about also been being more most other some such only"""
    .split()
)
# Frequent words of news copy (and their stems as anchors see them): fine anchors only
# when a phrase has nothing rarer, since each occurrence costs a look at the text.
_NEWS_FREQUENT = frozenset(
    """china chines peopl countr government national nation development develop epidemic
    according area cit province provinc health econom economic international public work
    year first new high part important import state world service servic people market
    percent per cent social society level region regional local central committee party
    time day week month two three million billion president minister ministry official
    company companies compan industr report news said group system support promot
    continu further major measur relevant relat project construct build secur safety"""
    .split()
)


def _anchor_score(anchors: frozenset[str]) -> tuple[int, int]:
    def informative(s: str) -> int:
        s = s.strip(" ,.;:'’-")
        return 0 if s in _COMMON else (len(s) + 1) // 3 if s in _NEWS_FREQUENT else len(s)

    return min(map(informative, anchors)), -len(anchors)


def _usable(anchors: frozenset[str]) -> bool:
    return _anchor_score(anchors)[0] > 0 and min(len(a.strip()) for a in anchors) >= _MIN_ANCHOR


def _choose(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The literal set to anchor on: the most distinctive usable one; failing that, the longest
    of common words ("said" of "it is said that", "about"), as an entry with no anchor is
    scanned for over the whole text, which costs more than a look at each of their occurrences."""
    usable = [c for c in candidates if _usable(c)]
    if usable:
        return max(usable, key=_anchor_score)
    common = [c for c in candidates if _shortest(c) >= _MIN_COMMON_ANCHOR]
    return max(common, key=lambda c: (_shortest(c), -len(c))) if common else None


def _shortest(anchors: frozenset[str]) -> int:
    return min(len(a.strip(" ,.;:'’-")) for a in anchors)


@dataclass(frozen=True)
class _Anchor:
    """Literals one of which every match contains, and how far a match reaches around it."""

    literals: frozenset[str]
    before: int
    after: int
    word_start: bool  # a phrase's anchor is a word stem and must start a word
    # Other stems of a phrase, all of which must occur near the anchor: a substring test
    # that rules out most anchor hits before any regex runs. Empty for a regex.
    companions: tuple[str, ...] = ()
    # Every literal set a match needs besides the anchor (a phrase's other words, a regex's
    # other required literals), each an any-of: ASCII only, so that in a text free of the
    # few characters that case-fold onto ASCII letters (_FOLDS_TO_ASCII) a match's literals
    # are in the lower-cased text. The stronger test behind `companions` (see `find`).
    clauses: tuple[tuple[str, ...], ...] = ()


def _anchor(entry: PairEntry) -> _Anchor | None:
    if entry.is_regex:
        try:
            # (the pattern as written: its spaces are literals of the text `find` searches)
            parsed = _sre_parse.parse(entry.mt_phrase[3:], re.IGNORECASE)
        except re.error:
            return None
        best = _choose(_needed(parsed, nested=False))
        if best is None:
            return None
        reach = min(parsed.getwidth()[1], _REGEX_REACH)
        return _Anchor(best, reach, reach, False, (), _clause_tuple(_clauses(parsed), best))
    words = entry.mt_phrase.split(" ")
    literals = [_literals(word) for word in words]
    best = _choose(literals)
    if best is None:
        return None
    k = literals.index(best)
    # Room for an inflection on each word and a run of white space between words.
    room = [len(w) + 12 for w in words]
    # A word whose forms share no stem (run/ran) can be no companion: the test is one substring.
    companions = tuple(next(iter(lits)) for i, lits in enumerate(literals)
                       if i != k and len(lits) == 1 and len(next(iter(lits))) >= _MIN_ANCHOR)
    clauses = _clause_tuple([lits for i, lits in enumerate(literals) if i != k], literals[k])
    return _Anchor(literals[k], sum(room[:k]), sum(room[k:]), True, companions, clauses)


def _clause_tuple(sets: list[frozenset[str]], anchor: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    """The literal sets worth a substring test: not the anchor's, every literal ASCII and of
    two letters or more, longest (likeliest to be missing) first."""
    kept = {tuple(sorted(lits)) for lits in sets
            if lits != anchor and all(len(a) >= _MIN_CLAUSE and a.isascii() for a in lits)}
    return tuple(sorted(kept, key=lambda c: (-min(map(len, c)), c)))


def _stem(word: str) -> str:
    """The part of a phrase word every regularly inflected form starts with."""
    stem = re.split(r"['’-]", word)[0]
    # use/using, apply/applies; a word of two letters (my, by, we) is kept whole: its other
    # forms, if any, are literals of their own (`_literals`).
    return stem[:-1] if len(stem) > 2 and stem.endswith(("e", "y")) else stem


def _literals(word: str) -> frozenset[str]:
    """Literals one of which every form of `word` contains: its stem, and the irregular forms
    that do not start with it (run: "run", "ran")."""
    stem = _stem(word)
    if "-" in word or "'" in word or "’" in word:
        return frozenset([stem])
    return frozenset([stem, *(form for form in word_forms(word) if not form.startswith(stem))])


def _required(seq) -> frozenset[str] | None:
    """The most distinctive literal set a match of the parsed pattern needs: its anchor."""
    candidates = _needed(seq, nested=False)
    return max(candidates, key=_anchor_score) if candidates else None


def _clauses(seq) -> list[frozenset[str]]:
    """Every literal set a match of the parsed pattern needs: its clauses."""
    return _needed(seq, nested=True)


def _needed(seq, nested: bool) -> list[frozenset[str]]:
    """Literal sets one of each of which a match of the parsed pattern contains: its runs of
    literals, what an alternation needs in every branch, and what a group or a repeat of at
    least one needs: all of it (`nested`), or only the most distinctive set (`_required`)."""
    out: list[frozenset[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            out.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in seq:
        if op is _sre_parse.LITERAL:
            run.append(chr(av).lower())
            continue
        if op in (_sre_parse.AT, _sre_parse.ASSERT, _sre_parse.ASSERT_NOT):
            continue  # zero-width: the literal run goes on
        # A run of punctuation alone ("-" of "-(?:san|chan)") is no anchor, but it goes on into
        # each branch of an alternation after it, and makes them rarer ("-san", "-chan"). (Only
        # then: an anchor joining words would group the entry apart from entries it is tried
        # with now, and which of two that match at one place wins would change.)
        if run and not any(c.isalnum() for c in run):
            heads = _branch_heads(op, av)
            if heads:
                out.append(frozenset("".join(run) + head for head in heads))
        close()
        inner = (av[-1] if op is _sre_parse.SUBPATTERN
                 else av[2] if op in (_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT) and av[0] >= 1 else None)
        if inner is not None:
            if nested:
                out.extend(_needed(inner, nested))
            else:
                best = _required(inner)
                if best:
                    out.append(best)
        elif op is _sre_parse.BRANCH:
            subs = [_required(branch) for branch in av[1]]
            if all(subs):
                out.append(frozenset().union(*(s for s in subs if s)))
    close()
    return out


def _branch_heads(op, av) -> list[str] | None:
    """The literal run each branch of an alternation (a group of one, or bare) starts with;
    None unless every branch starts with one."""
    if op is _sre_parse.SUBPATTERN and len(av[-1]) == 1:
        op, av = av[-1][0]
    if op is not _sre_parse.BRANCH:
        return None
    heads = []
    for branch in av[1]:
        head = []
        for o, a in branch:
            if o is not _sre_parse.LITERAL:
                break
            head.append(chr(a).lower())
        if not head:
            return None
        heads.append("".join(head))
    return heads


class _Group:
    """Entries sharing an anchor, tried together: one pattern, a capturing group per entry,
    made on first use (a run over a few thousand stories meets a fraction of the groups, and
    compiling all costs more than most short runs; even ordering them is a cost a one-story
    run need not pay)."""

    __slots__ = ("_compiled", "_ids", "_owner")

    def __init__(self, owner: PairSet, ids: list[int]):
        self._owner, self._ids = owner, ids
        self._compiled: tuple[re.Pattern[str], tuple[int, ...], int] | None = None

    def compiled(self) -> tuple[re.Pattern[str], tuple[int, ...], int]:
        """(pattern, the entry id of each capturing group, margin)."""
        if self._compiled is None:
            entries, patterns = self._owner.entries, self._owner._patterns
            ids = sorted(self._ids, key=lambda i: (entries[i].is_regex, -len(entries[i].mt_phrase)))
            sources = [patterns[i] if patterns is not None else entries[i].pattern() for i in ids]
            # endpos hides the rest of the text from lookaheads ("party central(?! committee)"),
            # so a window is scanned a margin further and keeps the matches ending inside it.
            margin = _LOOKAHEAD_MARGIN if any("(?=" in entries[i].mt_phrase or "(?!" in entries[i].mt_phrase
                                              for i in ids) else 3
            pattern = re.compile(_BOUNDED.format("|".join(f"({p})" for p in sources)), re.IGNORECASE)
            self._compiled = (pattern, tuple(ids), margin)
        return self._compiled


class PairSet:
    """Loaded entries plus the automaton and patterns that find them."""

    def __init__(self, entries: list[PairEntry], digest: str, files: list[str],
                 anchors: list[_Anchor | None] | None = None, patterns: list[str] | None = None):
        """`anchors` and `patterns` (each entry's, in order) are worked out from the entries
        when not given: a cached matcher passes them (see `build`)."""
        self.entries = entries
        self.digest = digest
        self.files = files
        self.anchors = anchors if anchors is not None else [_anchor(e) for e in entries]
        self._patterns = patterns
        by_anchor: dict[str, list[tuple[int, _Anchor]]] = {}
        unanchored: list[int] = []
        for i, anchor in enumerate(self.anchors):
            if anchor is None:
                unanchored.append(i)
                continue
            for literal in anchor.literals:
                by_anchor.setdefault(literal, []).append((i, anchor))
        # Entries sharing an anchor are tried together: one pattern, a group per entry.
        self._automaton = ahocorasick.Automaton()
        for literal, members in by_anchor.items():
            if len(members) == 1:  # (most anchors: the same value, made without a pass per field)
                i, a = members[0]
                self._automaton.add_word(literal, (len(literal), a.word_start, a.before, a.after,
                                                   (a.companions,) if a.companions else None,
                                                   (a.clauses,) if a.clauses else None, _Group(self, [i])))
                continue
            self._automaton.add_word(literal, (
                len(literal),
                all(a.word_start for _, a in members),
                max(a.before for _, a in members),
                max(a.after for _, a in members),
                # The window is worth a scan when some member's companions are all in it; a
                # member without companions always is, so the group then needs no test (None).
                tuple(a.companions for _, a in members) if all(a.companions for _, a in members) else None,
                # The same with each member's clauses (None: a member has none).
                tuple(a.clauses for _, a in members) if all(a.clauses for _, a in members) else None,
                self._group([i for i, _ in members]),
            ))
        if by_anchor:
            self._automaton.make_automaton()
        self._longest_anchor = max(map(len, by_anchor), default=0)
        self._has_anchors = bool(by_anchor)
        self._unanchored = self._group(unanchored) if unanchored else None
        self.unanchored = [entries[i] for i in unanchored]

    def _group(self, ids: list[int]) -> _Group:
        return _Group(self, ids)

    def _hits(self, lowered: str) -> Iterator[tuple[int, tuple]]:
        """The automaton's hits on the text, in its order (by end, the longest first): on a
        long text piece by piece, because the automaton copies what it scans into 4 bytes a
        character (40 MB for a 10 MB document). A piece starts the longest anchor back, and
        gives the hits that end in it beyond that overlap: each once, in the same order."""
        if len(lowered) <= _HIT_PIECE:
            yield from self._automaton.iter(lowered)
            return
        overlap = self._longest_anchor - 1
        for at in range(0, len(lowered), _HIT_PIECE):
            begin = max(0, at - overlap)
            for end, value in self._automaton.iter(lowered[begin:at + _HIT_PIECE]):
                if begin + end >= at:
                    yield begin + end, value

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, leftmost first and longest at the same start. (Entries that
        share an anchor are tried as one alternation, phrases first, so where two of them match
        at one place the first to match is the one found: "the broad masses" of "the broad
        masses of workers", not the longer pattern written for the whole of it.)"""
        found: set[tuple[int, int, int]] = set()

        def scan(group: _Group, lo: int, hi: int) -> None:
            pattern, ids, margin = group.compiled()
            for m in pattern.finditer(text, lo, hi + margin):
                if m.end() <= hi and m.lastindex is not None:  # every member is a group: one always took part
                    found.add((m.start(), m.end(), ids[m.lastindex - 1]))

        if self._has_anchors:
            lowered = _lower(text)
            if len(lowered) != len(text):  # a few characters ("İ") lower-case to two
                lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
            for white in "\t\n\r":  # a regex entry's anchor "as for " is found across a line break
                if white in lowered:
                    lowered = lowered.replace(white, " ")
            if any(white in lowered for white in _OTHER_WHITE_SPACE):  # (rare: one pass a character)
                lowered = _SPACE.sub(" ", lowered)
            # Clauses decide only in a text where a match's ASCII literals are sure to be in
            # the lower-cased text (no "ſ" matching "s"): there they pass every window that
            # holds a match, so they leave out only scans that find nothing.
            use_clauses = _FOLDS_TO_ASCII.search(text) is None
            find = lowered.find
            n = len(text)
            # group -> [lo, hi] of its windows not scanned yet: a window that overlaps the
            # group's pending one joins it, so text dense with one anchor ("about about ...",
            # "-san -san ...") is scanned once, not a whole window again at every hit
            pending: dict[_Group, list[int]] = {}
            for end, (length, word_start, before, after, companions, clauses, group) in self._hits(lowered):
                start = end + 1 - length
                if word_start and start and lowered[start - 1].isalnum():
                    continue
                lo = start - before if start > before else 0
                hi = start + after if start + after < n else n
                window = pending.get(group)
                if window is not None and window[0] <= lo and hi <= window[1]:
                    continue  # inside the group's pending window: scanned with it
                if use_clauses and clauses is not None:
                    # any member whose every clause has a literal in the window (loops, not
                    # generators: this runs for every anchor hit)
                    for member in clauses:
                        for clause in member:
                            for literal in clause:
                                if find(literal, lo, hi) >= 0:
                                    break
                            else:
                                break  # a clause with no literal in the window: not this member
                        else:
                            break  # every clause holds: scan
                    else:
                        continue
                elif companions is not None:
                    seen = lowered[lo:hi]
                    if not any(all(c in seen for c in member) for member in companions):
                        continue
                if window is None:
                    pending[group] = [lo, hi]
                elif lo <= window[1] and hi >= window[0]:
                    window[0], window[1] = min(window[0], lo), max(window[1], hi)
                else:
                    scan(group, window[0], window[1])
                    pending[group] = [lo, hi]
            for group, (lo, hi) in pending.items():
                scan(group, lo, hi)
        if self._unanchored is not None:
            scan(self._unanchored, 0, len(text))
        out: list[Match] = []
        last_end = -1
        for start, end, i in sorted(found, key=lambda t: (t[0], -t[1], t[2])):
            if start < last_end:
                continue
            span = text[start:end]
            if "\n" in span and _BLANK_LINE.search(span):
                continue  # a phrase does not run across paragraphs
            out.append(Match(self.entries[i], start, end))
            last_end = end
        return out


def _lower(text: str) -> str:
    """text.lower(), made in pieces: lower() of a text with characters beyond Latin-1 takes
    a scratch buffer of 12 bytes a character (120 MB for a 10 MB document), a piece's is
    small. Pieces are cut before white space, which no lower-casing looks across (the Greek
    final sigma looks at its neighbours, skipping only characters white space is not)."""
    if len(text) <= _LOWER_PIECE or text.isascii():
        return text.lower()
    pieces = []
    at, n = 0, len(text)
    while at < n:
        space = _SPACE.search(text, at + _LOWER_PIECE) if n - at > _LOWER_PIECE else None
        cut = space.start() if space is not None else n
        pieces.append(text[at:cut].lower())
        at = cut
    return "".join(pieces)


def build(paths: Iterable[str | Path]) -> PairSet:
    """Load pair files for checking: any error-level problem is fatal (one line, file:line).

    What loading works out (every entry validated, its anchor and pattern, the safe pairs'
    replacements checked) depends on the files and this module's code only, so it is kept
    in the user's cache (`mtcheck.cache`) under a key made of both: a run on one story then
    reads it back instead of parsing a thousand regular expressions. Without a usable
    cache everything is worked out here, as the first time."""
    files = pair_files(paths)
    key = _cache_key(files)
    name = "pairs-" + hashlib.sha256("\0".join(map(str, files)).encode()).hexdigest()[:16] + ".json"
    if key is not None:
        cached = cache.read(name, key)
        if cached is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
                return _from_cache(cached)
    loaded = load(files, check_replacements=False)
    digest = hashlib.sha256("\n".join(loaded.digests).encode()).hexdigest()[:12]
    pair_set = PairSet(loaded.entries, digest, loaded.files)
    for p in loaded.problems + replacement_loops(pair_set):
        if p.severity == Severity.error and not p.message.startswith("conflicts with"):
            raise PairsError(f"{p.path}:{p.line}: {p.message}")
    if key is not None:
        cache.write(name, key, _to_cache(pair_set))
    return pair_set


# What the matcher is made of besides the pair files: a change to any of these makes a new key.
_CACHE_FORMAT = "pairs-2"
_CODE = (Path(__file__), Path(__file__).with_name("morphology.py"),
         Path(__file__).parent / "data" / "irregular_forms.tsv")


def _cache_key(files: list[Path]) -> str | None:
    """The key of the matcher built from these files by this code and Python (its regex
    parser finds the anchors); None when a file cannot be read (loading then says why)."""
    h = hashlib.sha256(f"{_CACHE_FORMAT}|{sys.version_info[0]}.{sys.version_info[1]}".encode())
    try:
        for name, path in [*((p.name, p) for p in _CODE), *((pair_file_name(p), p) for p in files)]:
            # Only regular files of a pair file's size: a device (/dev/zero) or a huge file is
            # for `load` to refuse, never to be read whole here.
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PAIRS_BYTES:
                return None
            h.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return h.hexdigest()


def _to_cache(pairs: PairSet) -> dict:
    return {
        "digest": pairs.digest,
        "files": pairs.files,
        "entries": [[e.mt_phrase, list(e.references), e.source_term, e.source_lang, e.category, e.severity.value,
                     e.fix, e.note, e.path, e.line] for e in pairs.entries],
        "anchors": [None if a is None else [sorted(a.literals), a.before, a.after, a.word_start, list(a.companions),
                                            [list(c) for c in a.clauses]]
                    for a in pairs.anchors],
        "patterns": [e.pattern() for e in pairs.entries],
    }


def _from_cache(stored: dict) -> PairSet:
    """The matcher a cache file holds; ValueError (or KeyError, TypeError, IndexError) when
    its parts are not of the shapes and types `_to_cache` writes: it is then built anew."""
    entries = [PairEntry(mt, tuple(refs), term, lang, category, Severity(severity), fix, note, path, line)
               for mt, refs, term, lang, category, severity, fix, note, path, line in stored["entries"]]
    anchors = [None if a is None else _Anchor(frozenset(a[0]), a[1], a[2], a[3], tuple(a[4]),
                                              tuple(tuple(c) for c in a[5]))
               for a in stored["anchors"]]
    patterns = stored["patterns"]
    texts = [*patterns, stored["digest"], *stored["files"]]
    for e in entries:
        texts += [e.mt_phrase, *e.references, e.source_term, e.source_lang, e.category, e.fix, e.note, e.path]
    for a in anchors:
        if a is not None:
            texts += [*a.literals, *a.companions, *(literal for clause in a.clauses for literal in clause)]
    numbers = [e.line for e in entries] + [n for a in anchors if a is not None for n in (a.before, a.after)]
    if (not (len(anchors) == len(patterns) == len(entries)) or not all(type(t) is str for t in texts)
            or not all(type(n) is int for n in numbers)
            or not all(type(a.word_start) is bool for a in anchors if a is not None)):
        raise ValueError("a cached matcher that does not fit together")
    return PairSet(entries, stored["digest"], list(stored["files"]), anchors, patterns)
