"""Provenance: where a document comes from.

Content hash, document language, the likely source language (voted by the source
terms of matched calques, script residue and the dateline style), and the agency as
written and normalised. Spans are in the checked text's coordinates; the pipeline
places them in the file.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from mtcheck.core.agencies import AgencyRegistry
from mtcheck.core.datelines import DatelineMatch
from mtcheck.core.language import LanguageInfo
from mtcheck.core.rules import RawFinding
from mtcheck.models.plain import LanguageGuess

# Votes for the source language, per finding or per clue.
VOTE_CALQUE = {"error": 1.0, "warning": 0.6, "info": 0.2}
VOTE_RESIDUE = 1.0
VOTE_DATELINE = 2.0
VOTE_AGENCY = 0.5
MIN_VOTES = 0.5
AGENCY_SEARCH_CHARS = 800
_CREDIT = re.compile(r"^[ \t]*(?:source|by)[ \t]*[:：][ \t]*(?P<name>[^\n]{2,60}?)[ \t]*$",
                     re.MULTILINE | re.IGNORECASE)


_HASH_CHARS = 1 << 20  # characters encoded at a time


def content_hash(text: str) -> str:
    """sha256 of the text's UTF-8, encoded a piece at a time: the whole text's UTF-8 at once
    would be a transient copy of up to three bytes a character (30 MB for a 10 MB text)."""
    if len(text) <= _HASH_CHARS:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    h = hashlib.sha256()
    for at in range(0, len(text), _HASH_CHARS):
        h.update(text[at:at + _HASH_CHARS].encode("utf-8"))
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class AgencyMatch:
    as_written: str
    normalised: str  # the agency's own English name
    short: str  # its credit in wire datelines
    language: str
    start: int
    end: int


def find_agency(text: str, dateline: DatelineMatch | None, registry: AgencyRegistry) -> AgencyMatch | None:
    """The dateline's agency first, then a 'Source:' credit, then the first agency named near the top."""
    candidates: list[tuple[str, int]] = []
    if dateline is not None and dateline.agency:
        candidates.append((dateline.agency, dateline.agency_start))
    m = _CREDIT.search(text, 0, AGENCY_SEARCH_CHARS * 4)
    if m:
        candidates.append((m.group("name"), m.start("name")))
    named = registry.first_name(text, AGENCY_SEARCH_CHARS)
    if named is not None:
        candidates.append(named)
    for written, start in candidates:
        info = registry.lookup(written)
        if info is not None:
            return AgencyMatch(written, info.canonical, info.short, info.language, start, start + len(written))
    return None


def source_language(text: str, findings: Sequence[RawFinding], dl: DatelineMatch | None,
                    agency: AgencyMatch | None, registry: AgencyRegistry) -> LanguageGuess:
    votes: dict[str, float] = defaultdict(float)
    why: dict[str, list[str]] = defaultdict(list)
    # The strongest signal first: evidence lists are read (and shown) from the top.
    if dl is not None and dl.style == "chinese-wire":
        info = registry.lookup(dl.agency or "")
        code = info.language if info else "zh"
        votes[code] += VOTE_DATELINE
        why[code].append(f"Chinese-wire dateline \"{dl.agency}, {dl.city}, {dl.date}\"")
    residue = 0
    for f in findings:
        if f.source_language is None:
            continue
        if f.rule.id == "script.residue":
            residue += 1
            votes[f.source_language] += VOTE_RESIDUE / residue  # diminishing: one passage, many runs
        else:
            votes[f.source_language] += VOTE_CALQUE[f.severity.value]
            why[f.source_language].append(f"calque \"{text[f.start:f.end]}\" ({f.source_term})")
    for code in votes:
        if residue and any(f.source_language == code for f in findings if f.rule.id == "script.residue"):
            why[code].append(f"{residue} run(s) of untranslated text")
    if agency is not None and agency.language != "en":
        votes[agency.language] += VOTE_AGENCY
        why[agency.language].append(f"agency {agency.normalised} works in {agency.language}")
    if not votes or max(votes.values()) < MIN_VOTES:
        return LanguageGuess(code=None, confidence=0.0, method="none", evidence=["no sign of a source language"])
    total = sum(votes.values())
    code, best = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
    confidence = (best / total) * (1.0 - math.exp(-best))
    return LanguageGuess(code=code, confidence=round(confidence, 2), method="votes", evidence=why[code])


def document_language(info: LanguageInfo) -> LanguageGuess:
    return LanguageGuess(code=info.code, confidence=info.confidence, method=info.method,
                         evidence=[f"English function-word share {info.english_share:.2f}"])
