"""Markdown and HTML input: prose extracted, findings at the file's own lines and columns."""

import json

import pytest

from mtcheck.read import InputProblem, Source
from mtcheck.read.formats import read_documents
from mtcheck.read.markup import read_html, read_markdown

from ci_helpers import cached_checkers, write  # noqa: F401  (fixture)
from conftest import PLAIN

MARKDOWN = f"""---
title: The new crown pneumonia report
---
# Cases of *new crown pneumonia* fall

The ministry **supported and supported** the plan, [officials](https://example.org) said &amp; added more.
Officials said the new crown pneumonia
epidemic was over.

- A list item about the new crown pneumonia.

> A quote on the new crown pneumonia.

```
the new crown pneumonia in a code block
```

    the new crown pneumonia indented code

Inline `code` and <span>html</span> stay prose. {PLAIN}
"""


def _position(text, needle, nth=0):
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return at, line, column


def _findings(checker, source):
    return checker.check_source(source).findings


def test_markdown_findings_point_into_the_original(checker):
    source = next(read_markdown(Source(name="s.md", text=MARKDOWN)))
    assert "```" not in source.text and "title:" not in source.text and "indented code" not in source.text
    assert "&amp;" not in source.text and "said & added" in source.text and "<span>" not in source.text
    findings = _findings(checker, source)
    calques = [f for f in findings if f.rule == "calque.term"]
    assert len(calques) == 4  # heading, paragraph (across a line break), list item, quote: not code or front matter
    for f in findings:
        if f.rule in ("calque.term", "repetition.coordinated"):
            assert " ".join(MARKDOWN[f.start:f.end].split()) == " ".join(f.text.split())
    heading = calques[0]
    at, line, column = _position(MARKDOWN, "new crown pneumonia", 1)  # the first is in the front matter
    assert (heading.start, heading.line, heading.column) == (at, line, column)
    wrapped = calques[1]
    assert MARKDOWN[wrapped.start:wrapped.end] == "new crown pneumonia\nepidemic"
    assert (wrapped.line, wrapped.end_line) == (7, 8)
    repeat = next(f for f in findings if f.rule == "repetition.coordinated")
    assert MARKDOWN[repeat.start:repeat.end] == "supported and supported"
    assert (repeat.line, repeat.column) == _position(MARKDOWN, "supported and")[1:]


def test_markdown_with_crlf_line_endings(checker):
    text = MARKDOWN.replace("\n", "\r\n")
    source = next(read_markdown(Source(name="s.md", text=text)))
    quote = [f for f in _findings(checker, source) if f.rule == "calque.term"][3]
    # The name takes its article with it ("on the new crown pneumonia" -> "on COVID-19").
    assert text[quote.start:quote.end] == "the new crown pneumonia"
    assert quote.line == 12 and quote.column == len("> A quote on ") + 1


HTML = f"""<!DOCTYPE html>
<html><head><title>new crown pneumonia</title><style>p {{ color: red }}</style>
<script>var s = "new crown pneumonia";</script></head>
<body>
<h1>Officials &amp; the new crown pneumonia</h1>
<p>The ministry
   supported and supported the plan&nbsp;today.<br>The new crown pneumonia epidemic&#8212;over.</p>
<pre>new crown pneumonia in pre</pre>
<p>Caf&eacute; owners said the new crown pneumonia hit trade. {PLAIN}</p>
</body></html>
"""


def test_html_findings_point_into_the_original(checker):
    source = next(read_html(Source(name="s.html", text=HTML)))
    assert "var s" not in source.text and "color" not in source.text and "in pre" not in source.text
    assert "Café owners" in source.text and "Officials & the" in source.text
    assert "The ministry supported" in source.text  # white space collapsed as a browser does
    findings = _findings(checker, source)
    calques = [f for f in findings if f.rule == "calque.term"]
    assert [f.line for f in calques] == [5, 7, 9]  # not the title, script or pre
    for f in calques:  # a span may take the article before a name with it ("the new crown pneumonia")
        assert HTML[f.start:f.end] == f.text and "new crown pneumonia" in f.text
        assert f.column == f.start - HTML.rfind("\n", 0, f.start)
    repeat = next(f for f in findings if f.rule == "repetition.coordinated")
    assert HTML[repeat.start:repeat.end] == "supported and supported" and (repeat.line, repeat.column) == (7, 4)


def test_html_white_space_runs_read_as_one_space_and_every_word_maps_to_itself():
    page = "<p>  Lead  in\n   the\tcopy, <em> one </em>word .  </p><p> a b\f \tc </p>"
    source = next(read_html(Source(name="s.html", text=page)))
    assert source.text == "Lead in the copy, one word .\n\na b c"
    offsets = source.extraction.offsets
    for i, ch in enumerate(source.text):
        if not ch.isspace():
            assert page[offsets.to_original(i)] == ch, (i, ch)
        elif ch == " ":
            assert page[offsets.to_original(i)] in " \t\n\f", i


def test_html_paragraphs_are_separate():
    source = next(read_html(Source(name="s.html", text="<p>One</p><p>Two</p><div>Three<br/>Four</div>")))
    assert source.text == "One\n\nTwo\n\nThree\nFour"


@pytest.mark.parametrize("name, body", [("empty.md", "```\ncode only\n```\n"),
                                        ("empty.html", "<html><script>x()</script></html>")])
def test_markup_without_prose_is_an_input_problem(tmp_path, name, body):
    with pytest.raises(InputProblem) as caught:
        list(read_documents(write(tmp_path, name, body)))
    assert "no prose to check" in str(caught.value)


def test_cli_reads_by_extension_or_input_format(cli, tmp_path):
    md = write(tmp_path, "story.md", MARKDOWN)
    r = cli("check", "--format", "json", str(md))
    doc = json.loads(r.out)["documents"][0]
    assert doc["format"] == "markdown"
    assert all("```" not in MARKDOWN[f["start"]:f["end"]] for f in doc["findings"])
    as_text = write(tmp_path, "story.txt", MARKDOWN)
    forced = json.loads(cli("check", "--format", "json", "--input-format", "markdown", str(as_text)).out)
    assert forced["documents"][0]["format"] == "markdown"
    assert cli("check", "--input-format", "docx", str(as_text)).code == 2
