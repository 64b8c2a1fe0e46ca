"""News agencies: names as written (including MT renderings) -> the agency's own name.

Data in reference_pairs/agencies.tsv: canonical, short credit, home language, aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HEADER = ("canonical", "short", "language", "aliases")


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
        names = sorted({n for info, aliases in rows for n in (info.canonical, info.short, *aliases)}, key=len,
                       reverse=True)
        # Case-sensitive: "AP" the agency, not "ap" in a word.
        self.pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])") if names else None

    def lookup(self, name: str) -> AgencyInfo | None:
        return self._by_name.get(name.strip().lower())

    def names_regex(self) -> str:
        return self.pattern.pattern if self.pattern else "(?!)"


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
