"""Deterministic synthetic story versions with known splits, merges, insertions and deletions.

A draft of N sentences is made from a news-like vocabulary; the reference is an edited
copy in which some sentences have words changed, some are split in two, some adjacent
pairs are merged, some are deleted and new ones inserted. The true links between
draft and reference sentence indices are returned with the texts, so an aligner's
output can be scored exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SUBJECTS = ["the ministry", "the central bank", "local officials", "the committee", "the provincial government",
            "the company", "researchers", "the foreign minister", "the city council", "the delegation",
            "police", "the health commission", "investors", "the court", "farmers", "the agency"]
VERBS = ["announced", "approved", "rejected", "reviewed", "expanded", "criticised", "welcomed", "postponed",
         "launched", "discussed", "confirmed", "suspended", "promoted", "examined", "signed", "reported"]
OBJECTS = ["a plan to cut emissions", "new rules on lending", "the trade agreement", "a rescue package",
           "the budget for next year", "a programme of rural roads", "the vaccine campaign", "flood defences",
           "the port expansion", "a study of air quality", "tax relief for small firms", "the railway project",
           "the election timetable", "water supply repairs", "a ban on plastic bags", "the housing scheme"]
TAILS = ["on Monday", "after a long debate", "in the capital", "despite protests", "with little warning",
         "for the third time", "ahead of the summit", "at a news conference", "in a statement", "last week",
         "according to officials", "by a narrow margin", "in the northern region", "earlier this month"]
SWAPS = {"announced": "said", "approved": "backed", "rejected": "turned down", "reviewed": "looked at",
         "ministry": "department", "officials": "authorities", "plan": "proposal", "new": "fresh",
         "the capital": "Beijing", "company": "firm", "researchers": "scientists", "launched": "started"}


@dataclass
class Versions:
    draft: list[str]
    reference: list[str]
    links: set[tuple[int, int]]  # (draft sentence, reference sentence) that belong together
    operations: dict[str, int]


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(TAILS)]
    # A distinct number makes every sentence unique, as figures and names do in news.
    words.append(f"involving {rng.randint(2, 900)} {rng.choice(['people', 'projects', 'sites', 'firms'])}")
    text = " ".join(words)
    if n % 3 == 0:
        text += f", and {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return text[0].upper() + text[1:] + "."


def _edit(rng: random.Random, text: str) -> str:
    for old, new in SWAPS.items():
        if old in text and rng.random() < 0.5:
            text = text.replace(old, new, 1)
    return text


def _split(text: str) -> list[str] | None:
    if ", and " not in text:
        return None
    first, second = text.rstrip(".").split(", and ", 1)
    return [first + ".", second[0].upper() + second[1:] + "."]


def make_versions(n: int, seed: int = 0, edit: float = 0.4, split: float = 0.08, merge: float = 0.08,
                  delete: float = 0.05, insert: float = 0.05) -> Versions:
    rng = random.Random(seed)
    draft = [_sentence(rng, k) for k in range(n)]
    reference: list[str] = []
    links: set[tuple[int, int]] = set()
    ops = {"edited": 0, "split": 0, "merged": 0, "deleted": 0, "inserted": 0}
    i = 0
    while i < n:
        if rng.random() < insert:
            reference.append(_sentence(rng, 1))
            ops["inserted"] += 1
        roll = rng.random()
        if roll < delete:
            ops["deleted"] += 1
            i += 1
            continue
        parts = _split(draft[i]) if roll < delete + split else None
        if parts:
            for part in parts:
                links.add((i, len(reference)))
                reference.append(_edit(rng, part))
            ops["split"] += 1
            i += 1
            continue
        if roll < delete + split + merge and i + 1 < n:
            links |= {(i, len(reference)), (i + 1, len(reference))}
            reference.append(_edit(rng, draft[i].rstrip(".") + ", while " + draft[i + 1][0].lower() + draft[i + 1][1:]))
            ops["merged"] += 1
            i += 2
            continue
        links.add((i, len(reference)))
        edited = _edit(rng, draft[i]) if rng.random() < edit else draft[i]
        ops["edited"] += edited != draft[i]
        reference.append(edited)
        i += 1
    return Versions(draft, reference, links, ops)


def link_f1(predicted: set[tuple[int, int]], gold: set[tuple[int, int]]) -> float:
    tp = len(predicted & gold)
    if not tp:
        return 0.0
    p, r = tp / len(predicted), tp / len(gold)
    return 2 * p * r / (p + r)
