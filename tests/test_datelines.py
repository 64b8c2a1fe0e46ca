"""The Chinese-wire dateline pattern (every agency name, milliseconds to compile) is only tried
on a line an agency name may open (`AgencyRegistry.may_open`): the datelines found are those
that trying it on every line finds."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mtcheck.core.agencies import default_registry
from mtcheck.core.datelines import _WIRE, _WIRE_NO_DATE, SEARCH_CHARS, _chinese_wire, _first_match, find_dateline

STORIES = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "wmt21_zhen_docs.jsonl"


def every_line(text: str) -> tuple[str, int, int] | None:
    """(style, start, end) of the first dateline, every pattern tried on every line."""
    head, registry = text[:SEARCH_CHARS], default_registry()
    starts = [0] + [m.end() for m in re.finditer("\n", head) if m.end() < len(head)]
    for at in starts:
        for style, pattern in (("wire", _WIRE), ("wire", _WIRE_NO_DATE), ("chinese-wire", _chinese_wire(registry))):
            m = pattern.match(head, at)
            if m:
                return style, m.start(), m.end()
    return None


def found(text: str) -> tuple[str, int, int] | None:
    """The same, as find_dateline looks for it."""
    first = _first_match(text[:SEARCH_CHARS], default_registry())
    return None if first is None else (first[0], first[1].start(), first[1].end())


def test_a_chinese_wire_dateline_is_found_however_its_agency_is_written():
    opening = "China News Service, Washington, November 27th.\nThe rest of the story.\n"
    for written in (opening, opening.upper(), "\u3000 \t" + opening.lower(), "Headline\n\n" + opening,
                    "“Quoted” headline\n" + opening, "Xinhua News Agency, Beijing, March 3 (reporter Li Wei) "
                    "electricity: the rest.\n"):
        assert found(written) is not None and found(written)[0] == "chinese-wire", written
    assert find_dateline("Nothing here opens with an agency.\nNor here.\n", default_registry()) is None


def test_the_same_datelines_as_trying_every_line():
    rng = random.Random(7)
    names = sorted(default_registry()._by_name)  # (lower-cased)
    texts = []
    if STORIES.is_file():
        with STORIES.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh if line.strip()][::3]
    for _ in range(300):  # agency names, cased any way, at line starts and inside lines
        lines = []
        for _ in range(rng.randint(1, 6)):
            name = rng.choice(names)
            name = rng.choice((name, name.upper(), name.title(), name.replace("s", "\u017f")))
            lines.append(rng.choice(("", " ", "\u3000", "“")) + rng.choice((
                f"{name}, Beijing, May 5th.", f"{name} Shanghai on June 1, 2020 (reporter Wang) electricity:",
                f"The {name} said so.", f"BEIJING, Feb. 4 ({name}) --", name)))
        texts.append("\n".join(lines))
    for text in texts:
        assert found(text) == every_line(text), text[:120]


def test_the_names_pattern_is_the_same_in_every_process():
    """Built from a set of names: the same text whatever order a process iterates the set in, so
    that the regex programs kept for the next run (`mtcheck.regex_cache`) are found again."""
    show = "from mtcheck.core.agencies import default_registry; print(default_registry().names_regex())"
    patterns = {subprocess.run([sys.executable, "-c", show], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(patterns) == 1 and "Xinhua" in patterns.pop()


@pytest.mark.parametrize("opening, city, agency", [
    ("WASHINGTON (AP) — The Senate passed the bill.", "WASHINGTON", "AP"),
    ("RIO DE JANEIRO (AP) — Brazil said on Monday.", "RIO DE JANEIRO", "AP"),
    ("KYIV, Ukraine (Reuters) - Missiles hit the capital.", "KYIV, Ukraine", "Reuters"),
    ("SEATTLE, Wash. (AP) — The council voted.", "SEATTLE, Wash.", "AP"),
    ("BEIJING, Feb. 4 (Xinhua) -- China said on Friday.", "BEIJING", "Xinhua"),
])
def test_a_wire_dateline_names_its_city_as_written(opening, city, agency):
    # The city and its state or country as written, never the space before "(AP)".
    dateline = find_dateline(opening, default_registry())
    assert dateline is not None and dateline.style == "wire"
    assert (dateline.city, dateline.agency) == (city, agency)


@pytest.mark.parametrize("credit", ["(Xinhua Zhou Rui)", "(Xinhua News Agency):", "(Reporter Zhou Rui)",
                                    "(Xinhua Mao Siqian, Bai Yu)"])
def test_the_credit_after_a_chinese_wire_dateline_is_part_of_it(credit):
    # 新华社上海7月26日电（记者周锐）: the credit belongs to the dateline, so the wire-style
    # suggestion replaces it too instead of leaving "(Xinhua Zhou Rui)" behind it
    opening = f"Xinhua News Agency, Shanghai, July 26 {credit} On the 26th, the fair opened.\n"
    dateline = find_dateline(opening, default_registry())
    assert dateline is not None and opening[dateline.start:dateline.end].endswith(credit)
