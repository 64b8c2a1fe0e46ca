"""Provenance: where a document comes from and how it was made.

Content hash, document language, the likely source language (voted by the source
terms of matched calques, script residue and the dateline style), the agency and
dateline as written and normalised, and the MT likelihood with its evidence.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from typing import Optional, Sequence

from mtcheck.core.agencies import AgencyRegistry
from mtcheck.core.datelines import DatelineMatch
from mtcheck.core.language import LanguageInfo
from mtcheck.models import Agency, Dateline, Evidence, Finding, LanguageGuess, Provenance, Verdict

# Votes for the source language, per finding or per clue.
VOTE_CALQUE = {"error": 1.0, "warning": 0.6, "info": 0.2}
VOTE_RESIDUE = 1.0
VOTE_DATELINE = 2.0
VOTE_AGENCY = 0.5
MIN_VOTES = 0.5
AGENCY_SEARCH_CHARS = 800
_CREDIT = re.compile(r"^[ \t]*(?:source|by)[ \t]*[:：][ \t]*(?P<name>[^\n]{2,60}?)[ \t]*$", re.MULTILINE | re.IGNORECASE)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_agency(text: str, dateline: Optional[DatelineMatch], registry: AgencyRegistry) -> Optional[Agency]:
    """The dateline's agency first, then a 'Source:' credit, then the first agency named near the top."""
    candidates: list[tuple[str, int]] = []
    if dateline is not None and dateline.agency:
        candidates.append((dateline.agency, dateline.agency_start))
    m = _CREDIT.search(text, 0, AGENCY_SEARCH_CHARS * 4)
    if m:
        candidates.append((m.group("name"), m.start("name")))
    if registry.pattern is not None:
        m = registry.pattern.search(text, 0, AGENCY_SEARCH_CHARS)
        if m:
            candidates.append((m.group(), m.start()))
    for written, start in candidates:
        info = registry.lookup(written)
        if info is not None:
            return Agency(as_written=written, normalised=info.canonical, short=info.short, language=info.language,
                          start=start, end=start + len(written))
    return None


def dateline_model(dl: Optional[DatelineMatch], text: str) -> Optional[Dateline]:
    if dl is None:
        return None
    return Dateline(as_written=text[dl.start:dl.end], style=dl.style, city=dl.city, date=dl.date,
                    date_normalised=dl.date_normalised, agency=dl.agency, start=dl.start, end=dl.end)


def source_language(findings: Sequence[Finding], dl: Optional[DatelineMatch], agency: Optional[Agency],
                    registry: AgencyRegistry) -> LanguageGuess:
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
        if f.rule == "script.residue":
            residue += 1
            votes[f.source_language] += VOTE_RESIDUE / residue  # diminishing: one passage, many runs
        else:
            votes[f.source_language] += VOTE_CALQUE[f.severity.value]
            why[f.source_language].append(f"calque \"{f.text}\" ({f.source_term})")
    for code in votes:
        if residue and any(f.source_language == code for f in findings if f.rule == "script.residue"):
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


def build(text: str, findings: Sequence[Finding], lang: LanguageInfo, dl: Optional[DatelineMatch],
          registry: AgencyRegistry, likelihood: float, verdict: Verdict, evidence: list[Evidence],
          signature: str) -> Provenance:
    agency = find_agency(text, dl, registry)
    return Provenance(
        content_hash=content_hash(text),
        document_language=document_language(lang),
        source_language=source_language(findings, dl, agency, registry),
        agency=agency,
        dateline=dateline_model(dl, text),
        mt_likelihood=likelihood,
        verdict=verdict,
        evidence=evidence,
        signature=signature,
    )
