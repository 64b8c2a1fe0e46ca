"""Datelines: wire style ("BEIJING, Feb. 4 (Xinhua) --") and Chinese-wire style
("China News Agency, Washington, November 27th."), the literal rendering of
中新社华盛顿11月27日电 that MT leaves at the head of a story."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mtcheck.core.agencies import AgencyRegistry

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
          r"|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
DATE = _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?"
# How far into a story a dateline may stand (after a headline, credits, a photo caption).
SEARCH_CHARS = 3000

_WIRE = re.compile(
    r"^[ \t\u3000]*(?P<city>[A-Z][A-Za-z.'\- ]{1,40}?(?:,[ \t]*[A-Z][A-Za-z.\- ]{1,30}?)?),[ \t]+(?P<date>" + DATE
    + r")[ \t]*\((?P<agency>[^()\n]{2,40})\)[ \t]*(?:--|—|–|-)",
    re.MULTILINE,
)
# "WASHINGTON (AP) --", "KYIV, Ukraine (Reuters) -", "SEATTLE, Wash. (AP) --": the city in capitals
# (words one space apart, so it never ends on the space before the agency), then its state or
# country as written.
_WIRE_NO_DATE = re.compile(
    r"^[ \t\u3000]*(?P<city>[A-Z][A-Z.'\-]*(?: [A-Z.'\-]+){0,4}"
    r"(?:,[ \t]*[A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*){0,2})?)"
    r"[ \t]*\((?P<agency>[^()\n]{2,40})\)[ \t]*(?:--|—|–|-)", re.MULTILINE)


@dataclass(frozen=True)
class DatelineMatch:
    style: str
    start: int
    end: int
    city: str | None
    date: str | None
    agency: str | None
    agency_start: int = -1

    @property
    def date_normalised(self) -> str | None:
        return ap_date(self.date) if self.date else None


def ap_date(written: str) -> str | None:
    """'November 27th' -> 'Nov. 27' (AP style)."""
    m = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2})", written)
    if not m:
        return None
    word = m.group(1).lower()
    for i, name in enumerate(MONTHS):
        if name.startswith(word[:3]) and (len(word) <= 4 or name == word):
            return f"{AP_MONTHS[i]} {int(m.group(2))}"
    return None


@lru_cache(maxsize=4)
def _chinese_wire(registry: AgencyRegistry) -> re.Pattern:
    names = registry.names_regex()
    return re.compile(
        r"^[ \t\u3000]*(?P<agency>" + names + r")[ \t]*(?:,[ \t]*)?"
        r"(?P<city>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){0,2})[ \t]*(?:,[ \t]*)?(?:on[ \t]+)?(?P<date>" + DATE + r")"
        # the credit that follows 电: "(Reporter Zhou Rui)", "(Xinhua Zhou Rui)", "(Xinhua News Agency)"
        r"(?:,?[ \t]*\d{4})?[ \t]*(?:\((?:by[ \t]+)?(?:reporters?|correspondents?|" + names + r")"
        r"[^()\n]{0,60}\))?"
        r"[ \t]*(?:(?:electric(?:ity)?|telegram|telegraph|dispatch|reports?|news|power)\b)?[ \t]*[.:,]?",
        re.MULTILINE | re.IGNORECASE,
    )


def _first_match(head: str, registry: AgencyRegistry) -> tuple[str, re.Match[str]] | None:
    """The first line's dateline: wire style, else Chinese-wire style, whose pattern (all the
    agency names, a few milliseconds to compile) is only made for a line an agency name may
    open."""
    line_start = 0
    while line_start < len(head):
        for style, pattern in (("wire", _WIRE), ("wire", _WIRE_NO_DATE)):
            m = pattern.match(head, line_start)
            if m:
                return style, m
        if registry.may_open(head, line_start):
            m = _chinese_wire(registry).match(head, line_start)
            if m:
                return "chinese-wire", m
        line_start = head.find("\n", line_start) + 1
        if line_start == 0:
            return None
    return None


def find_dateline(text: str, registry: AgencyRegistry) -> DatelineMatch | None:
    head = text[:SEARCH_CHARS]
    # A dateline opens a line: try the patterns at line starts only, first line first.
    found = _first_match(head, registry)
    if found is None:
        return None
    style, m = found
    groups = m.groupdict()
    end = m.end()
    while end > m.start() and text[end - 1] in " \t":
        end -= 1
    return DatelineMatch(style, m.start("city") if style == "wire" else m.start("agency"), end,
                         groups.get("city"), groups.get("date"), groups.get("agency"), m.start("agency"))
