"""Properties every reader and `fix` must have, on generated and shipped inputs.

- Offsets land: every finding's [start, end) slices the file to the finding's text. For
  plain text and JSONL exactly; for markup once entities are decoded, escapes dropped and
  white space collapsed, or, for a span that crosses inline markup, with the finding's text
  in the slice in order and the slice beginning and ending where the text does.
- fix settles: fix(fix(x)) == fix(x), and nothing safe is left to fix.

The generated documents are made of pieces of news copy, MT damage (doubled words, spaces
before punctuation, full-width marks, calques) and hostile odds and ends (entities, escapes,
CRLF and CR line ends, combining marks, astral and right-to-left characters, control
characters). Examples are few and small so the suite stays fast; the shapes that take time
are in test_hostile.py's slow tests and tests/benchmarks/bench_hostile.py.
"""

from __future__ import annotations

import codecs
import html
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcheck.fix.apply import fix_source
from mtcheck.read import InputProblem, decode
from mtcheck.read.formats import documents_of, formats

from conftest import REPO

formats()  # the readers register themselves
# Few examples, always the same ones, for the default run; MTCHECK_PROPERTY_EXAMPLES=2000
# (and a random seed) searches far wider.
EXAMPLES = int(os.environ.get("MTCHECK_PROPERTY_EXAMPLES", "40"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WORDS = ("the The minister said on Monday that plan would be put in place by end of year new crown pneumonia "
         "epidemic supported and officials China Xinhua reported talks resume next week in an all-round way "
         "Mr. U.S. Dr. A. B. 1,000,000 26th November 27th (over) Müller Zoë").split()
DAMAGE = [" the the ", " ,", " .", " ;", ",,", ", ,", "!!", "..", "( ", " )", "“ ", " ”", "，", "。", "、", "\u3000",
          "共同富裕", "\" quoted \"", " supported and supported ", "  ", "\t", "(End)", "- -", "--"]
ODD = ["\u0301", "e\u0301", "😀", "𝕋", "👩\u200d👩\u200d👧", "שלום", "مرحبا", "\u202e", "\u200f", "\x1b", "\x07",
       "\u00a0", "\ufeff", "…", "—", "’", "'", "\"", "\\", "&", "<", ">", "*", "_", "`", "[", "]", "#", "|"]
BREAKS = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " "]


def _pieces(extra: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(WORDS).map(lambda w: w + " "), st.sampled_from(DAMAGE), st.sampled_from(ODD),
                      st.sampled_from(BREAKS), st.sampled_from(extra) if extra else st.nothing())
    return st.lists(piece, min_size=1, max_size=60).map("".join)


PLAIN = _pieces([])
MARKDOWN = _pieces(["*", "**", "_", "`code , x`", "[link , text](http://e.com/a,b)", "![img , x](p.png)",
                    "<span>the the</span>", "&amp;", "&copy;", "&#x1F600;", "&nosuch;", "\\*", "\\[", "\n# ",
                    "\n- ", "\n> ", "\n\n    code\n\n", "\n```\nfenced , x\n```\n", "<http://auto.link>", "  \n",
                    "| a , b | c |\n|---|---|\n| the the | x |\n"])
HTML = _pieces(["<p>", "</p>", "<b>", "</b>", "<br>", "<a href='x , y'>", "</a>", "<!-- c , c -->", "&amp;", "&lt;",
                "&#32;", "&nbsp;", "&ampfoo", "&foo-bar", "&#233;", "<script>the the</script>", "<div>", "</div>",
                "<p class='x", "</", "<svg>", "</svg>", "<h1>", "</h1>", "<li>", "<![CDATA[x , y]]>", "&#x1F600;"])
XML_TEXT = _pieces(["&amp;", "&lt;", "&#233;", "&#10;", "<![CDATA[the the , x]]>", "<em>", "</em>", "&nbsp;"])


def _normalised(text: str, fmt: str) -> str:
    if fmt in ("markdown", "html", "nitf", "newsml", "wire-xml"):
        text = html.unescape(text)
    if fmt == "markdown":
        text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return re.sub(r"\s+", " ", text)


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(c in it for c in needle)


def assert_offsets_land(file_text: str, finding, fmt: str) -> None:
    piece = file_text[finding.start:finding.end]
    if fmt in ("text", "jsonl"):
        assert piece == finding.text, (finding.rule, finding.text, piece)
        return
    got, want = _normalised(piece, fmt), re.sub(r"\s+", " ", finding.text)  # the finding's text is decoded
    if got == want:
        return
    # A span across inline markup (`the *the*`): the text is in the slice, in order, end to end.
    assert _subsequence(want, got) and got[:1] == want[:1] and got[-1:] == want[-1:], (finding.rule, finding.text,
                                                                                      piece)


def check_offsets(checker, data: str, name: str, fmt: str) -> None:
    try:
        source = decode(data.encode("utf-8"), name)
        documents = list(documents_of(source, fmt))
    except InputProblem:
        return  # refused whole, in one line: nothing to place
    for document in documents:
        if isinstance(document, InputProblem):
            continue
        report = checker.check_source(document)
        for finding in report.findings:
            assert_offsets_land(document.file_text, finding, fmt)
            line = document.file_text.count("\n", 0, finding.start) + 1
            if "\r" not in document.file_text and fmt != "jsonl":  # a record's findings are on its line
                assert finding.line == line


def _xml_escape(text: str) -> str:
    """Generated XML text: bare & and < escaped, the markup pieces kept."""
    kept = re.split(r"(&amp;|&lt;|&#\d+;|&nbsp;|<!\[CDATA\[[^\]]*\]\]>|</?em>)", text)
    out = []
    for i, part in enumerate(kept):
        if i % 2:
            out.append(part)
        else:
            out.append(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ufeff]", "",
                              part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("]]", "] ]")))
    return "".join(out)


def nitf(body: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\r\n<!DOCTYPE nitf SYSTEM "nitf.dtd">\r\n<nitf><head><title>T</title>'
            f'</head><body><body.head><hedline><hl1>{_xml_escape(body[:40])}</hl1></hedline></body.head>'
            f"<body.content><p>{_xml_escape(body)}</p>\n<p>{_xml_escape(body[::-1])}</p></body.content></body></nitf>\n")


def newsml(bodies: list[str]) -> str:
    items = "".join(
        f'<newsItem guid="urn:{i}"><contentMeta><headline>{_xml_escape(b[:30])}</headline></contentMeta>'
        f'<contentSet><inlineXML><html><body><p>{_xml_escape(b)}</p></body></html></inlineXML></contentSet></newsItem>'
        for i, b in enumerate(bodies))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
            f"<itemSet>{items}</itemSet></newsMessage>\n")


@PROPERTY
@given(PLAIN)
def test_offsets_land_in_plain_text(checker, text):
    check_offsets(checker, text, "story.txt", "text")


@PROPERTY
@given(MARKDOWN)
def test_offsets_land_in_markdown(checker, text):
    check_offsets(checker, text, "story.md", "markdown")


@PROPERTY
@given(HTML)
def test_offsets_land_in_html(checker, text):
    check_offsets(checker, "<html><body>" + text + "</body></html>", "story.html", "html")


@PROPERTY
@given(XML_TEXT)
def test_offsets_land_in_nitf(checker, text):
    check_offsets(checker, nitf(text), "story.nitf", "nitf")


@PROPERTY
@given(st.lists(XML_TEXT, min_size=1, max_size=4))
def test_offsets_land_in_newsml(checker, texts):
    check_offsets(checker, newsml(texts), "items.xml", "wire-xml")


@PROPERTY
@given(st.lists(PLAIN, min_size=1, max_size=4))
def test_offsets_land_in_jsonl(checker, texts):
    lines = "\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(texts))
    check_offsets(checker, lines, "archive.jsonl", "jsonl")


def shipped() -> list[Path]:
    """The inputs shipped with the repository: example stories and test data."""
    found = sorted((REPO / "reference_pairs" / "examples").glob("*.txt"))
    found += sorted(p for p in (REPO / "tests" / "data").rglob("*")
                    if p.suffix in (".txt", ".md", ".html", ".xml", ".nitf", ".jsonl") and p.is_file())
    return found


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.name)
def test_offsets_land_in_shipped_inputs(checker, path):
    from mtcheck.read.formats import format_of

    check_offsets(checker, path.read_bytes().decode("utf-8", "replace"), path.name, format_of(path))


def settles(checker, text: str, name: str, fmt: str) -> None:
    """Fix the file's bytes, as `mtcheck fix --write` does (a byte-order mark is kept), then
    fix the result again: nothing may change the second time."""
    def fixed(data: bytes) -> bytes | None:
        try:
            documents = list(documents_of(decode(data, name), fmt))
        except InputProblem:
            return None
        bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        return bom + fix_source(documents[0], checker).text.encode("utf-8")

    once = fixed(text.encode("utf-8"))
    if once is None:
        return
    twice = fixed(once)
    # None: the fixed file is refused whole (nothing but "(End)" was in it, or the little left
    # is mostly control characters), so a second fix changes nothing either.
    assert twice is None or twice == once


@PROPERTY
@given(PLAIN)
def test_fix_settles_on_plain_text(checker, text):
    settles(checker, text, "story.txt", "text")


@PROPERTY
@given(MARKDOWN)
def test_fix_settles_on_markdown(checker, text):
    settles(checker, text, "story.md", "markdown")


@PROPERTY
@given(HTML)
def test_fix_settles_on_html(checker, text):
    settles(checker, "<p>" + text + "</p>", "story.html", "html")


@pytest.mark.parametrize("text", [" ," * 32, ", " * 500 + "end.", "word " + ".." * 100, "the " * 300 + ".",
                                  "The minister said , , , ; ; ; : : the plan .\n" * 20])
def test_fix_settles_on_runs(checker, text):
    settles(checker, text, "runs.txt", "text")
