"""Markers and datelines: wire furniture that a desk removes or rewrites.

"(over)" is 完 (end) mistranslated; "China News Agency, Washington, November 27th."
is the Chinese dateline 中新社华盛顿11月27日电 rendered word for word; "on the 26th"
is 26日 with the month the Chinese reader infers from the dateline.
"""

from __future__ import annotations

import re

from mtcheck.core.datelines import DATE, ap_date
from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule

END = rule(
    "marker.end", "warning", weight=1.5, fix="always",
    message="end-of-story marker left in the copy",
    description="Transmission markers such as \"(End)\", \"(完)\" or \"(over)\" (a mistranslation of 完, "
                "\"end\"), on a line of their own or after the last sentence.",
    suggestion="delete the marker",
    examples=(
        flags("The talks will resume next week.\n(over)\n", fixed="The talks will resume next week.\n"),
        flags("Growth slowed in the third quarter。 (End)"),
        passes("The talks are over (for now), the envoy said."),
    ),
)
CREDIT = rule(
    "marker.credit", "warning", weight=0.3, fix="never",
    message="reporter or editor credit line",
    description="Lines such as \"Responsible editor: ...\" (责任编辑) or \"(Reporter Zhang San)\" carried over "
                "from the source page. A line that opens like one but goes on as a question or a clause is an "
                "interviewer's, and is left alone.",
    suggestion="move the credit to the byline or delete it",
    examples=(
        flags("The talks will resume next week.\nResponsible editor: Li Si\n"),
        passes("The talks will resume next week, an editor at the paper said."),
        passes("Reporter: What do you make of it?\nDr Maruyama: It may be arthritis."),  # an interview
    ),
)
PAGE_FURNITURE = rule(
    "marker.page-furniture", "info", weight=0.0, fix="never",
    message="web-page furniture line",
    description="Plain \"Editor: ...\", \"Source: ...\", \"Photo: ...\" lines copied with the story from its web "
                "page. Worth removing before the copy runs, but no sign of translation: English-language pages of "
                "Chinese media carry them on copy their own editors wrote (\"Editor: huaxia\"), so they carry no "
                "weight in the MT likelihood. These lines used to be marker.credit findings: a config, suppression "
                "or baseline that named that rule for them names this one now.",
    suggestion="delete the line, or move the credit to the byline",
    examples=(
        flags("The talks will resume next week.\nSource: Xinhua\nEditor: huaxia\n"),
        passes("Editor: Recently, my knee has been hurting.\nDr Maruyama: It may be arthritis."),  # an interview
        passes("Editor: It's a complex structure, isn't it?\nDr Maruyama: Yes, it is."),
    ),
)
DATELINE = rule(
    "marker.dateline", "warning", weight=1.0, fix="never",
    message="Chinese-wire dateline rendered word for word",
    description="\"China News Agency, Washington, November 27th.\" is 中新社华盛顿11月27日电; wire style is "
                "\"WASHINGTON, Nov. 27 (CNS) --\".",
    examples=(
        flags("China News Agency, Washington, November 27th. The talks will resume next week."),
        flags("(Dubai 27) The talks will resume next week, officials said."),
        passes("WASHINGTON, Nov. 27 (CNS) -- The talks will resume next week."),
        passes("(Reuters) The talks will resume next week, officials said in Dubai on the 27th floor."),
    ),
)
BARE_ORDINAL = rule(
    "marker.ordinal-date", "warning", weight=0.8, fix="never",
    message="bare ordinal date without a month",
    description="\"on the 26th\" renders 26日, whose month the Chinese reader takes from the dateline; English "
                "names the month or the weekday.",
    suggestion="name the month (\"on Nov. 26\") or the weekday",
    examples=(
        flags("The agreement was signed on the 26th in Beijing."),
        passes("The agreement was signed on Nov. 26 in Beijing, the 26th such deal."),
    ),
)
DATE_SUFFIX = rule(
    "marker.date-suffix", "info", weight=0.0, fix="sometimes",
    message="ordinal suffix on a date",
    description="\"November 27th\": news style writes \"Nov. 27\". Edited copy does it too, so it has no weight "
                "in the rule weights' likelihood; the shipped model reads its rate with the other rules' and fits "
                "what it is worth. A range is rewritten whole (\"December 9th to 10th\": \"Dec. 9 to 10\"); the "
                "name of an event (\"the June 4th Movement\") gets no safe fix: a person decides.",
    examples=(
        flags("The agreement was signed on November 27th in Beijing.",
              fixed="The agreement was signed on Nov. 27 in Beijing."),
        flags("The summit runs from December 9th to 10th online.",
              fixed="The summit runs from Dec. 9 to 10 online."),
        passes("The agreement was signed on Nov. 27 in Beijing."),
    ),
)

# The marker itself is matched first; that only white space or the end of a sentence
# comes before it on its line is checked in Python (the regex engine can then skip ahead).
# Markers close a line: find the line-final bracket or literal first (the regex engine
# skips ahead to the closing bracket), then check what comes before it in Python.
_END_BRACKETED = re.compile(r"[)）\]】][ \t]*\r?$", re.MULTILINE)  # \r?: "$" does not see CRLF
_END_WORD = re.compile(r"[(（\[【][ \t]*(?:over|end|ends|the end|完|终|終|全文完)[ \t]*\Z", re.IGNORECASE)
_END_LITERAL = re.compile(r"(?:-30-|enditem|ENDITEM|ENDS|###)[ \t]*\r?$", re.MULTILINE)
_END_PRECEDED_BY = re.compile(r"(?:^|[.!?”\"。！？])[ \t\u3000]*\Z", re.MULTILINE)
# "(Dubai 27)" for 迪拜27日电: a city and a bare day in brackets opening a paragraph.
_BARE_DAY_DATELINE = re.compile(r"^[ \t\u3000]*[(（](?P<city>[A-Z][A-Za-z.'’ -]{1,30}?)[ \t]+(?P<day>\d{1,2})"
                                r"(?:st|nd|rd|th)?[)）]", re.MULTILINE)
# Credit lines: "Responsible editor: Li Si" opens its line; "(Reporter Zhang San)" can stand anywhere.
# No two unbounded runs of white space stand side by side: on a long run the engine would try
# every way of sharing it between them.
_CREDIT_LINE = re.compile(
    r"[ \t\u3000]*(?:[(（\[【][ \t]*)?(?:responsible editors?|editors? in charge|editor-in-charge|proofread(?:er|ing)|"
    r"(?:this|the) (?:newspaper|website)'?s? reporters?|reporters?|correspondents?|interns?)[ "
    r"\t]*[:：][^\n]{1,60}?[)）\]】]?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_CREDIT_PAREN = re.compile(
    r"[(（][ \t]*(?:by[ \t]+)?(?:reporters?|correspondents?)(?:[ \t]*[:：])?[ \t]+[A-Z][^()（）\n]{1,50}[)）]",
    re.IGNORECASE,
)
_CREDIT_WORDS = frozenset(("reporter", "reporters", "correspondent", "correspondents"))  # one must be there
# Web-page furniture: a short "Editor: huaxia" or "Source: Xinhua" line of its own.
_FURNITURE_LINE = re.compile(r"^[ \t]*(?:editor|source|photo|photographer)[ \t]*[:：][ \t]*\S[^\n]{0,40}$",
                             re.MULTILINE | re.IGNORECASE)
# What follows "Editor:" in an interview is speech, not a name: a question, or a clause. (Not the
# fragment rules' finite-verb cues: "may", "will" and "said" stand in names a credit gives.)
_SPEECH = re.compile(r"\?|\b(?:is|are|was|were|has|have|had|been|do|does|did|will|would|can|could|should|"
                     r"my|your|our|i|we|you|what|how|why|when|where|which|who)\b|\b(?:it|that|there|he|she|what|who)"
                     r"['’]s\b|['’](?:re|ve|m|ll|d)\b|n['’]t\b", re.IGNORECASE)


def _spoken(line: re.Match[str]) -> bool:
    """Whether a line that opens like a credit ("Editor: ...") goes on as speech: a question or
    a clause ("Editor: Recently, my knee has been hurting."), a speaker's line in an interview."""
    text = line.string
    colon = min((at for at in (text.find(":", line.start(), line.end()), text.find("：", line.start(), line.end()))
                 if at >= 0), default=line.start())
    return _SPEECH.search(text, colon, line.end()) is not None


# Ordinals are rare: find them first, then look at the words before each.
_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th)\b", re.IGNORECASE)
_BARE_BEFORE = re.compile(r"(?<!\w)(?:on|by|since|until|till|before|after|from|to)[ \t]+the[ \t]+\Z", re.IGNORECASE)
_BARE_AFTER = re.compile(
    r"[ \t]*(?:[.,;:!?)]|\r?\n|$)|[ "
    r"\t]+(?:and|or|to|at|in|when|with|local|this|last|next|that|the|a|an|he|she|they|it|we)\b",
    re.IGNORECASE,
)
_SUFFIXED = re.compile(DATE.replace(r"(?:st|nd|rd|th)?", r"(?:st|nd|rd|th)") + r"\b")
_NAME_GOES_ON = re.compile(r"[ \t]+[A-Z][a-z]")  # "June 4th Movement", "May 4th Youth Day"
# "December 9th to 10th", "December 9th-10th": the range's link and its last day
_DATE_RANGE_END = re.compile(r"[ \t]*(?P<link>-|–|—|to|and|through|until|till)[ \t]*(?P<day>\d{1,2})"
                             r"(?P<suffix>st|nd|rd|th)?(?!\w)", re.IGNORECASE)

@register
class Markers(Family):
    name = "markers"
    description = "End markers, credit lines, web-page furniture, Chinese-wire datelines, bare ordinal dates."
    rules = (END, CREDIT, PAGE_FURNITURE, DATELINE, BARE_ORDINAL, DATE_SUFFIX)

    @staticmethod
    def _end(ctx: Context, start: int, end: int) -> None:
        marker = ctx.doc.text[start:end]
        ctx.report(END, start, end, message=f"end-of-story marker \"{marker}\" left in the copy",
                   severity=END.severity if "over" not in marker.lower() else "error", fix_safe=True, suggestion="")

    def check(self, ctx: Context) -> None:
        text = ctx.doc.text
        for m in _END_BRACKETED.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            w = _END_WORD.search(text, max(line_start, m.start() - 12), m.start())
            if w is not None and _END_PRECEDED_BY.search(text, line_start, w.start()):
                self._end(ctx, w.start(), m.start() + 1)
        if any(literal in text for literal in ("###", "-30-", "ENDS", "ENDITEM", "enditem")):
            for m in _END_LITERAL.finditer(text):
                line_start = text.rfind("\n", 0, m.start()) + 1
                if _END_PRECEDED_BY.search(text, line_start, m.start()):
                    self._end(ctx, m.start(), m.start() + len(m.group().rstrip(" \t\r")))
        if ":" in text or "：" in text:
            for line_start in ctx.doc.lines.starts:  # a credit line is a line of its own
                credit = _CREDIT_LINE.match(text, line_start)
                if credit:
                    if not _spoken(credit):
                        ctx.report(CREDIT, *_strip_span(text, credit.start(), credit.end()))
                    continue
                web = _FURNITURE_LINE.match(text, line_start)
                if web and not _spoken(web):
                    ctx.report(PAGE_FURNITURE, *_strip_span(text, web.start(), web.end()))
        if not _CREDIT_WORDS.isdisjoint(ctx.tokens.lower.vocab):  # the distinct words, not a lower-cased copy
            for m in _CREDIT_PAREN.finditer(text):
                ctx.report(CREDIT, *_strip_span(text, m.start(), m.end()))
        month = None
        dl = ctx.dateline
        if dl is not None:
            month = (dl.date_normalised or "").split(" ")[0] or None
            if dl.style == "chinese-wire":
                info = ctx.agencies.lookup(dl.agency or "")
                agency = info.short if info else dl.agency
                wire = f"{(dl.city or '').upper()}, {dl.date_normalised or dl.date} ({agency}) --"
                ctx.report(DATELINE, dl.start, dl.end, suggestion=wire)
        if "(" in text or "（" in text:
            for m in _BARE_DAY_DATELINE.finditer(text, 0, 2000):
                city = m.group("city").strip()
                ctx.report(DATELINE, m.start() + len(m.group()) - len(m.group().lstrip(" \t\u3000")), m.end(),
                           message=f"dateline \"{m.group().strip()}\" gives a bare day: the month is missing",
                           suggestion=f"{city.upper()}, <month> {int(m.group('day'))} --")
        for m in _ORDINAL.finditer(text):
            if m.start() and text[m.start() - 1].isalnum():
                continue
            before = _BARE_BEFORE.search(text, max(0, m.start() - 16), m.start())
            if before is not None and _BARE_AFTER.match(text, m.end()):
                day = int(m.group()[:-2])
                preposition = before.group().split()[0]
                suggestion = f"{preposition} {month} {day}" if month else BARE_ORDINAL.suggestion
                ctx.report(BARE_ORDINAL, before.start(), m.end(), suggestion=suggestion)
                continue
            # "November 27th": find the month just before the ordinal.
            d = _SUFFIXED.search(text, max(0, m.start() - 16), m.end())
            if d is None or d.end() != m.end() or (d.start() and text[d.start() - 1].isalnum()):
                continue
            if dl is not None and dl.start <= d.start() < dl.end:
                continue  # the dateline finding already covers it
            ap = ap_date(d.group())
            end, safe = d.end(), ap is not None and _NAME_GOES_ON.match(text, d.end()) is None
            # "December 9th to 10th" is rewritten whole ("Dec. 9 to 10"), its link kept, when its end
            # is surely a day (an ordinal, or after a dash), safely when it comes after the first.
            # "December 9th and 10 delegates" may be no range: rewriting the first date alone is
            # then for a person to judge. So is "June 4 Movement" for the name of an event.
            r = _DATE_RANGE_END.match(text, d.end())
            if r is not None and ap is not None:
                link = r.group("link")
                dash = link in "-–—"
                if r.group("suffix") is None and not dash:
                    safe = False
                else:
                    first, last = int(m.group()[:-2]), int(r.group("day"))  # m: the first date's ordinal
                    end, ap = r.end(), f"{ap}{link if dash else f' {link.lower()} '}{last}"
                    safe = safe and last > first
            ctx.report(DATE_SUFFIX, d.start(), end, suggestion=ap, fix_safe=safe)

def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return start, end
