"""NITF and NewsML-G2: story text and metadata from their elements, offsets into the XML,
and XML that cannot read files, fetch URLs or expand without bound."""

import time

import pytest

from mtcheck.read import InputProblem, Source
from mtcheck.read.formats import iter_documents, read_documents
from mtcheck.read.wire import read_newsml, read_nitf

NITF = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nitf SYSTEM "http://127.0.0.1:9/nitf-3-4.dtd">
<nitf>
  <head>
    <title>Page title</title>
    <docdata>
      <doc-id id-string="CNS-2020-1127-001"/>
      <date.issue norm="20201127T080000+0800"/>
    </docdata>
  </head>
  <body>
    <body.head>
      <hedline><hl1>New crown pneumonia &amp; the economy</hl1></hedline>
      <distributor>China News Service</distributor>
      <dateline><location>Beijing</location>, <story.date norm="20201127">November 27</story.date></dateline>
    </body.head>
    <body.content>
      <p>China News Agency, Beijing, November 27th. The new crown pneumonia
         epidemic was supported and supported by the people&nbsp;of the city.</p>
      <block><p>Officials said the measures would <em>continue</em> in an all-round way.</p></block>
      <media><media-caption>A photo caption is not story text.</media-caption></media>
    </body.content>
  </body>
</nitf>
"""

NEWSML = """<?xml version="1.0" encoding="UTF-8"?>
<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">
 <header><sent>2020-11-27T10:00:00Z</sent></header>
 <itemSet>
  <newsItem guid="urn:newsml:example.com:20201127:a1" version="2" standard="NewsML-G2">
   <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:XINHUA"><name>Xinhua</name></provider>
    <versionCreated>2020-11-27T10:00:00Z</versionCreated></itemMeta>
   <contentMeta><headline>China vows reform</headline><dateline>BEIJING, Nov. 27 (Xinhua)</dateline>
    <language tag="en"/></contentMeta>
   <contentSet>
    <inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>
     <body><p>BEIJING, Nov. 27 (Xinhua) -- China will deepen reform in an all-round way, officials said.</p>
     <p>Second <b>paragraph</b>.</p></body></html></inlineXML>
    <inlineXML contenttype="application/nitf+xml"><nitf><body><body.content><p>The same story again.</p></body.content></body></nitf></inlineXML>
   </contentSet>
  </newsItem>
  <newsItem guid="urn:b2"><contentMeta><creditline>CNS</creditline></contentMeta>
   <contentSet><inlineData contenttype="text/plain">First paragraph line
continued here.

Second paragraph here.</inlineData></contentSet></newsItem>
  <newsItem guid="urn:picture"><contentSet><remoteContent href="picture.jpg"/></contentSet></newsItem>
 </itemSet>
</newsMessage>
"""


def read(tmp_path, xml, name="story.xml"):
    path = tmp_path / name
    path.write_bytes(xml.encode("utf-8") if isinstance(xml, str) else xml)
    return list(iter_documents(path))


def test_nitf_story_text_and_metadata(tmp_path):
    (doc,) = read(tmp_path, NITF)
    assert doc.format == "nitf" and doc.doc_id == "CNS-2020-1127-001"
    assert doc.text == (
        "New crown pneumonia & the economy\n\nBeijing, November 27\n\n"
        "China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported "
        "by the people\u00a0of the city.\n\nOfficials said the measures would continue in an all-round way.\n")
    assert doc.metadata == {"headline": "New crown pneumonia & the economy", "agency": "China News Service",
                            "date": "20201127T080000+0800", "dateline": "Beijing, November 27",
                            "id": "CNS-2020-1127-001"}
    assert doc.file_text == NITF


def test_findings_point_into_the_xml_file(tmp_path, checker):
    (doc,) = read(tmp_path, NITF)
    report = checker.check_source(doc)
    spans = {f.rule: NITF[f.start:f.end] for f in report.findings}
    assert spans["repetition.coordinated"] == "supported and supported"
    assert spans["calque.phrase"] == "in an all-round way"
    # A phrase broken across lines in the XML is found and points at both lines.
    term = next(f for f in report.findings if f.text == "new crown pneumonia epidemic")
    assert NITF[term.start:term.end] == "new crown pneumonia\n         epidemic"
    line = NITF.splitlines()[term.line - 1]
    assert line[term.column - 1:].startswith("new crown pneumonia") and term.end_line == term.line + 1


def test_every_copied_character_maps_to_itself(tmp_path):
    xml = ("<nitf>\r\n<body><body.content><p>Caf\u00e9 &amp; bar &#233;t\u00e9 <![CDATA[<raw> text]]> \u4e2d\u6587 "
           "end.</p>\r\n<p>Line\r\nbreak.</p></body.content></body></nitf>")
    (doc,) = read(tmp_path, xml)
    assert doc.text == "Caf\u00e9 & bar \u00e9t\u00e9 <raw> text \u4e2d\u6587 end.\n\nLine break.\n"
    for i, ch in enumerate(doc.text):
        at = doc.extraction.offsets.to_original(i)
        if ch not in " \n&\u00e9" or (ch == "\u00e9" and i < 4):
            assert xml[at] == ch, (i, ch, at)
    assert xml[doc.extraction.offsets.to_original(doc.text.index("&"))] == "&"  # an entity maps to where it stands


def test_white_space_runs_read_as_one_space_and_every_word_maps_to_itself(tmp_path):
    xml = ("<nitf><body><body.content><p>  Lead  in\n   the\tcopy, <em> one </em>word .  </p>"
           "<p> a b\t \tc </p></body.content></body></nitf>")
    (doc,) = read(tmp_path, xml)
    assert doc.text == "Lead in the copy, one word .\n\na b c\n"
    offsets = doc.extraction.offsets
    for i, ch in enumerate(doc.text):
        if not ch.isspace():
            assert xml[offsets.to_original(i)] == ch, (i, ch)
        elif ch == " ":  # a space stands where the white space it reads began
            assert xml[offsets.to_original(i)] in " \t\n", i


def test_dateline_is_not_repeated_when_the_first_paragraph_opens_with_it(tmp_path):
    xml = ("<nitf><body><body.head><dateline>BEIJING, Nov. 27 (Xinhua)</dateline></body.head><body.content>"
           "<p>BEIJING, Nov. 27 (Xinhua) -- The talks went on.</p></body.content></body></nitf>")
    (doc,) = read(tmp_path, xml)
    assert doc.text == "BEIJING, Nov. 27 (Xinhua) -- The talks went on.\n"


def test_newsml_message_has_a_document_per_item(tmp_path, checker):
    first, second, picture = read(tmp_path, NEWSML)
    assert first.format == "newsml" and first.doc_id == "urn:newsml:example.com:20201127:a1"
    # Only the first of the alternative renditions: the story is not checked twice.
    assert first.text == ("China vows reform\n\nBEIJING, Nov. 27 (Xinhua) -- China will deepen reform in an "
                          "all-round way, officials said.\n\nSecond paragraph.\n")
    assert first.metadata == {"headline": "China vows reform", "agency": "Xinhua", "date": "2020-11-27T10:00:00Z",
                              "dateline": "BEIJING, Nov. 27 (Xinhua)", "id": "urn:newsml:example.com:20201127:a1",
                              "version": "2", "language": "en"}
    assert second.text == "First paragraph line continued here.\n\nSecond paragraph here.\n"
    assert second.metadata["agency"] == "CNS"
    assert isinstance(picture, InputProblem) and "urn:picture" in picture.message
    report = checker.check_source(first)
    phrase = next(f for f in report.findings if f.rule == "calque.phrase")
    assert NEWSML[phrase.start:phrase.end] == "in an all-round way"


def test_a_single_newsml_item_is_a_story(tmp_path):
    item = NEWSML[NEWSML.index("<newsItem"):NEWSML.index("</newsItem>") + len("</newsItem>")]
    item = item.replace("<newsItem ", '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" ', 1)
    (doc,) = read(tmp_path, item)
    assert doc.doc_id == "urn:newsml:example.com:20201127:a1" and doc.text.startswith("China vows reform\n\n")


BOMB = """<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
<nitf><body><body.content><p>&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;</p></body.content></body></nitf>"""


def test_entity_expansion_is_refused(tmp_path):
    t0 = time.perf_counter()
    (problem,) = read(tmp_path, BOMB)
    assert isinstance(problem, InputProblem) and "entity declarations are refused" in problem.message
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE nitf [<!ENTITY secret SYSTEM "file://{path}">]>',
    '<!DOCTYPE nitf [<!ENTITY % secret SYSTEM "file://{path}"> %secret;]>',
])
def test_local_files_are_never_read(tmp_path, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET PASSWORD")
    xml = doctype.format(path=secret) + "<nitf><body><body.content><p>Text &secret; here.</p></body.content></body></nitf>"
    if "%" in doctype:
        xml = xml.replace("&secret;", "")
    got = read(tmp_path, xml)
    assert all(isinstance(i, InputProblem) for i in got)
    assert "TOP SECRET" not in " ".join(str(i) for i in got)


def test_an_external_dtd_is_not_fetched_and_its_entities_are_decoded_or_dropped(tmp_path):
    # NITF names its DTD by URL; nothing listens on port 9, so a fetch would fail or hang.
    t0 = time.perf_counter()
    (doc,) = read(tmp_path, NITF.replace("people&nbsp;of", "people&nbsp;of&unknownentity;"))
    assert "people\u00a0of the city" in doc.text and time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("xml, reason", [
    ("<nitf><body><body.content><p>unclosed</body></nitf>", "not well-formed XML (mismatched tag: line 1"),
    ("<rss><channel><item>x</item></channel></rss>", "neither NITF (<nitf>) nor NewsML-G2"),
    ("<nitf><body><body.content></body.content></body></nitf>", "no story text"),
    ("<p>caf\u00e9 &undefined; here</p>", "undefined entity"),
])
def test_bad_xml_is_one_line_naming_the_file(tmp_path, xml, reason):
    (problem,) = read(tmp_path, xml)
    assert isinstance(problem, InputProblem) and problem.source.endswith("story.xml")
    assert reason in problem.message and "\n" not in str(problem)


def test_format_specific_readers_check_the_root(tmp_path):
    nitf = Source(name="a.xml", text=NITF)
    assert next(read_nitf(nitf)).format == "nitf"
    with pytest.raises(InputProblem, match="not NewsML-G2"):
        list(read_newsml(nitf))
    with pytest.raises(InputProblem, match="not NITF"):
        list(read_nitf(Source(name="b.xml", text=NEWSML)))
    path = tmp_path / "story.nitf"
    path.write_text(NITF)
    assert [d.format for d in read_documents(path)] == ["nitf"]
    other = tmp_path / "story.txt"
    other.write_text(NITF)
    assert [d.doc_id for d in read_documents(other, fmt="wire-xml")] == ["CNS-2020-1127-001"]


def test_deep_nesting_is_refused_not_a_crash(tmp_path):
    (problem,) = read(tmp_path, "<nitf><body><body.content>" + "<div>" * 5000 + "x" + "</div>" * 5000
                      + "</body.content></body></nitf>")
    assert isinstance(problem, InputProblem) and "nested deeper than" in problem.message
