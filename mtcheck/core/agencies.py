"""News agencies: names as written (including MT renderings) -> the agency's own name.

Data in reference_pairs/agencies.tsv: canonical, short credit, home language, aliases.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

HEADER = ("canonical", "short", "language", "aliases")
# The characters that match an ASCII letter when case is ignored but do not lower-case to it
# ("İ" and "ı" match "i", "ſ" matches "s", the Kelvin sign "k"; see pairs._FOLDS_TO_ASCII),
# and that letter.
_ONTO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


@dataclass(frozen=True)
class AgencyInfo:
    canonical: str
    short: str
    language: str


class AgencyRegistry:
    def __init__(self, rows: list[tuple[AgencyInfo, list[str]]]):
        self._by_name: dict[str, AgencyInfo] = {}
        for info, aliases in rows:
            for name in (info.canonical, info.short, *aliases):
                self._by_name.setdefault(name.lower(), info)
        # Longest first (the pattern then finds the longest name at a place), ties by name: the
        # same pattern in every process, whatever the order of iterating a set
        names = sorted({n for info, aliases in rows for n in (info.canonical, info.short, *aliases)},
                       key=lambda n: (-len(n), n))
        # Case-sensitive: "AP" the agency, not "ap" in a word.
        self._regex = r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])" if names else None
        # For `may_open`: each name as the lower-cased ASCII text it can match with case ignored
        # (a name's other non-ASCII characters match no ASCII text, nor does it then)
        self._ascii_names = tuple(n.translate(_ONTO_ASCII).lower() for n in names)
        self._longest = max(map(len, names), default=0)
        # The same search as an automaton: the alternation of ~300 names tried at every
        # character was a tenth of what a story's report cost beyond its rules.
        self._names: ahocorasick.Automaton | None = None
        if names:
            self._names = ahocorasick.Automaton()
            for name in names:
                self._names.add_word(name, len(name))
            self._names.make_automaton()

    def lookup(self, name: str) -> AgencyInfo | None:
        return self._by_name.get(name.strip().lower())

    def may_open(self, text: str, at: int) -> bool:
        """Whether a name may stand at `at`, after spaces, tabs and ideographic spaces, case
        ignored (as the names' pattern matches with re.IGNORECASE): False only when none can,
        a test far cheaper than compiling that pattern."""
        while at < len(text) and text[at] in " \t\u3000":
            at += 1
        start = text[at:at + self._longest]
        if not start.isascii():
            return True  # (a name may match non-ASCII text that lower() does not bring to it)
        return start.lower().startswith(self._ascii_names)

    def names_regex(self) -> str:
        return self._regex if self._regex is not None else "(?!)"

    @functools.cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """The names as one pattern: a name standing alone (not inside a word or a hyphenated one)."""
        return re.compile(self._regex) if self._regex is not None else None

    def first_name(self, text: str, end: int) -> tuple[str, int] | None:
        """What `pattern.search(text, 0, end)` finds, as (name, start): the leftmost name
        standing alone in text[:end], the longest there (the pattern tries longer names first)."""
        if self._names is None:
            return None
        head = text[:end]
        best: tuple[int, int] | None = None  # (start, -length)
        for last, length in self._names.iter(head):
            start = last + 1 - length
            if best is not None and (start, -length) >= best:
                continue
            if start and (_is_word(head[start - 1]) or head[start - 1] == "-"):
                continue
            if last + 1 < len(head) and _is_word(head[last + 1]):
                continue
            best = (start, -length)
        if best is None:
            return None
        return head[best[0]:best[0] - best[1]], best[0]


def _is_word(c: str) -> bool:
    """What the regex \\w is for one character of a str."""
    return c.isalnum() or c == "_"


def load_registry(path: Path) -> AgencyRegistry:
    # Imported here: the pairs module brings the report models, which the rule registry
    # (`mtcheck rules`, through the dateline patterns) does without.
    from mtcheck.core.pairs import PairsError

    rows = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PairsError(f"{path}: cannot read the agency registry ({exc})") from None
    header_seen = False
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if not header_seen:
            if tuple(fields) != HEADER:
                raise PairsError(f"{path}:{lineno}: bad header; expected: {' '.join(HEADER)} (tab-separated)")
            header_seen = True
            continue
        if len(fields) != len(HEADER) or not all(fields[:3]):
            raise PairsError(f"{path}:{lineno}: expected {len(HEADER)} tab-separated fields with canonical, short and "
                             "language")
        rows.append((AgencyInfo(fields[0], fields[1], fields[2]),
                     [a.strip() for a in fields[3].split("|") if a.strip()]))
    return AgencyRegistry(rows)


@lru_cache(maxsize=1)
def default_registry() -> AgencyRegistry:
    from mtcheck.core.pairs import default_pairs_dir

    return load_registry(default_pairs_dir() / "agencies.tsv")
