"""Numbers: separators out of place, what is left when MT regroups a Chinese figure.

Chinese counts in ten-thousands (万): 1,0000 is 10,000 grouped the Chinese way, and
converting 5.17万 by hand gives "5.17,000" for 51,700. A figure written twice without a
break ("3.53.5%") is the same kind of slip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtcheck.core.rules.base import Context, Family, flags, passes, register, rule

MALFORMED = rule(
    "number.malformed", "warning", weight=0.8, fix="never",
    message="malformed number",
    description="A figure whose separators cannot be English: thousands grouped in fours (\"1,0000\", the "
                "Chinese 万), a decimal point before a thousands comma (\"5.17,000\"), or a decimal figure "
                "written twice without a break (\"3.53.5%\").",
    suggestion="check the figure against the source and write it in English style (\"51,700\", \"10,000\")",
    examples=(
        flags("Sales reached 5.17,000 yuan last year."),
        flags("The fund raised 1,0000 yuan."),
        flags("Growth slowed to 3.53.5% in the quarter."),
        passes("Sales reached 51,700 yuan, up 3.5% from 1,000,000.5 a year earlier, in 2021."),
    ),
)

# Candidates: runs of digits with separators inside, found in one pass; each is then judged. (A
# run that follows a digit, "." or "," is left out after the scan, by `figures`: as a lookbehind
# at the start of the pattern, it was tried at every character, three times the scan's time.)
_FIGURE = re.compile(r"\d[\d.,]*\d(?!\d)")
_FOUR_GROUPS = re.compile(r"\d{1,4}(?:,\d{4})+")
_POINT_THEN_COMMA = re.compile(r"\d+\.\d+,\d{3}")
_DOUBLED_DECIMAL = re.compile(r"(\d+\.\d+)\1")
_LONGEST_FIGURE = 40  # a longer run of digits and separators is a table or a code, not a figure


def figures(text: str) -> Iterator[re.Match[str]]:
    r"""Runs of digits with separators inside, not part of a longer run: what
    `(?<![\d.,])\d[\d.,]*\d(?![\d])` finds."""
    for m in _FIGURE.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        if before not in ".," and not before.isdecimal():  # (else the run goes on before it: ".5,000")
            yield m


@register
class Numbers(Family):
    name = "numbers"
    description = "Figures with separators out of place."
    rules = (MALFORMED,)

    def check(self, ctx: Context) -> None:
        if not ctx.wants(MALFORMED):
            return
        text = ctx.doc.text
        for m in figures(text):
            figure = m.group()
            if len(figure) > _LONGEST_FIGURE or ("," not in figure and figure.count(".") != 2):
                continue
            if (_FOUR_GROUPS.fullmatch(figure) or _POINT_THEN_COMMA.fullmatch(figure)
                    or _DOUBLED_DECIMAL.fullmatch(figure)):
                ctx.report(MALFORMED, m.start(), m.end(), message=f"malformed number \"{figure}\"")
