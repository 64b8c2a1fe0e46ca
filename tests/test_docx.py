"""Word documents (.docx): the text a reader of the page sees, the document's title, author and
date, and archives or XML that are not Word documents, too large unpacked, or hostile."""

import json
import zipfile

import pytest

from mtcheck.read import InputProblem
from mtcheck.read.formats import iter_documents, read_documents

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CORE = ('<?xml version="1.0"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
        '<dc:title>Tea fair opens</dc:title><dc:creator>Zhejiang desk</dc:creator>'
        '<dcterms:created>2021-03-08T08:00:00Z</dcterms:created></cp:coreProperties>')
# What Word writes for a story being edited: tab stops in the paragraph's properties, a tracked
# deletion, insertion and move, a hyperlink field with its instruction, a tab and a line break
# in runs, an empty paragraph, a table cell and a text box.
STORY = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>China News Agency, Hangzhou, March 8th.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">The reporter learned that the </w:t></w:r><w:del w:id="1"><w:r><w:delText>old </w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>new crown pneumonia</w:t></w:r></w:ins><w:r><w:t xml:space="preserve"> epidemic had eased</w:t></w:r><w:moveFrom w:id="3"><w:r><w:t> twice</w:t></w:r></w:moveFrom><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> in the city</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>.</w:t><w:tab/><w:t>(Ends)</w:t></w:r></w:p>
<w:p/>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Exhibitors</w:t><w:br/><w:t>Buyers</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t xml:space="preserve">Sales rose. </w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>A caption in a box.</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>
</w:body></w:document>"""
TEXT = ("China News Agency, Hangzhou, March 8th.\n\n"
        "The reporter learned that the new crown pneumonia epidemic had eased in the city.\t(Ends)\n\n"
        "Exhibitors\nBuyers\n\nA caption in a box.\n\nSales rose. ")


def docx(path, document=STORY, core=CORE, **parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if document is not None:
            z.writestr("word/document.xml", document)
        if core is not None:
            z.writestr("docProps/core.xml", core)
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_the_text_is_what_a_reader_of_the_page_sees(tmp_path):
    (doc,) = read_documents(docx(tmp_path / "story.docx"))
    assert doc.text == TEXT
    assert doc.format == "docx" and doc.file_text == doc.text
    assert doc.metadata == {"title": "Tea fair opens", "author": "Zhejiang desk", "date": "2021-03-08T08:00:00Z"}
    (bare,) = read_documents(docx(tmp_path / "bare.docx", core=None))
    assert bare.text == TEXT and bare.metadata == {}


def test_check_finds_the_calques_of_a_word_file_at_their_paragraph(tmp_path, cli):
    path = docx(tmp_path / "story.docx")
    r = cli("check", "--format", "json", str(path))
    assert r.code == 1
    (report,) = json.loads(r.out)["documents"]
    assert report["format"] == "docx" and report["metadata"]["author"] == "Zhejiang desk"
    found = {(f["rule"], f["text"], f["line"]) for f in report["findings"]}
    assert ("calque.term", "China News Agency", 1) in found
    assert ("calque.phrase", "The reporter learned", 3) in found
    assert not any("twice" in f["text"] or "HYPERLINK" in f["text"] for f in report["findings"])


def test_a_report_over_a_folder_includes_word_files(tmp_path, cli):
    archive = tmp_path / "archive"
    archive.mkdir()
    docx(archive / "story.docx")
    (archive / "notes.txt").write_text("The minister said on Monday that the plan would be put in place.\n")
    r = cli("report", str(archive), "--out", str(tmp_path / "run"), "--quiet")
    assert r.code == 0, r.err
    rows = [json.loads(line) for line in (tmp_path / "run" / "documents.jsonl").read_text().splitlines()]
    assert sorted(row["format"] for row in rows) == ["docx", "text"]


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b""), "empty file (no text to check)"),
    (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "not a Word document (.docx is a ZIP archive"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0 an old .doc or a password-protected file"), "not a Word document"),
    (lambda p: docx(p, document=None), "no word/document.xml"),
    (lambda p: docx(p, document=STORY.replace("</w:body>", "")), "word/document.xml is not well-formed XML"),
    (lambda p: docx(p, document=f"<w:document {W}><w:body><w:p/></w:body></w:document>"), "empty document"),
    (lambda p: docx(p, document='<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'),
     "entity declarations are refused"),
    (lambda p: docx(p, document=f"<w:document {W}>" + "<w:b>" * 300 + "</w:b>" * 300 + "</w:document>"),
     "nested deeper than 200"),
    (lambda p: docx(p, core="<cp:coreProperties>"), "docProps/core.xml is not well-formed XML"),
])
def test_what_is_not_a_readable_word_document_is_one_line_naming_the_file(tmp_path, make, message):
    path = tmp_path / "bad.docx"
    make(path)
    (problem,) = iter_documents(path)
    assert isinstance(problem, InputProblem) and problem.source == str(path)
    assert message in problem.message and "\n" not in str(problem)


def test_a_part_larger_unpacked_than_the_input_limit_is_refused_unread(tmp_path):
    """A ZIP bomb: a few kilobytes that unpack to megabytes."""
    path = docx(tmp_path / "bomb.docx", document=f"<w:document {W}><w:body><w:p><w:r><w:t>"
                + "a" * 3_000_000 + "</w:t></w:r></w:p></w:body></w:document>")
    assert path.stat().st_size < 20_000
    (problem,) = iter_documents(path, max_bytes=1_000_000)
    assert isinstance(problem, InputProblem)
    assert "word/document.xml is over 1,000,000 bytes uncompressed" in problem.message


def test_stdin_reads_a_word_file_by_its_bytes_and_fix_refuses_one(tmp_path, monkeypatch, cli):
    import io
    import sys

    path = docx(tmp_path / "story.docx")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    (doc,) = read_documents("-", fmt="docx")
    assert doc.name == "stdin" and doc.text == TEXT
    r = cli("check", "--encoding", "cp1252", str(path))
    assert r.code == 2 and "--encoding cp1252 does not apply to docx" in r.err
    r = cli("fix", "--write", str(path))
    assert r.code == 2 and "cannot fix docx input in place" in r.err and "Traceback" not in r.err
    assert path.read_bytes().startswith(b"PK")  # untouched


def test_a_damaged_archive_is_one_line_never_a_traceback(tmp_path):
    """Bytes changed or cut anywhere in a Word file (its headers, its deflated streams, its
    directory): a document or a one-line problem, whatever zipfile or zlib raise inside."""
    import random

    from mtcheck.read.docx import docx_documents

    data = docx(tmp_path / "story.docx").read_bytes()
    rng = random.Random(5)
    for _ in range(400):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = bytes(damaged[:rng.randrange(len(damaged))] if rng.random() < 0.2 else damaged)
        try:
            list(docx_documents(cut, "story.docx", 1_000_000))
        except InputProblem as problem:
            assert "\n" not in str(problem) and str(problem).startswith("story.docx: ")


def test_a_reference_corpus_indexes_word_files(tmp_path):
    """Published copy kept as Word files is a reference corpus like any other."""
    from mtcheck.corpus.index import ReferenceIndex

    corpus = tmp_path / "published"
    corpus.mkdir()
    docx(corpus / "fair.docx")
    with ReferenceIndex.open(corpus, warn=lambda _: None) as index:
        match = index.lookup("The reporter learned that the new crown pneumonia epidemic had eased in the city.")
        assert match is not None and match.path == str(corpus / "fair.docx") and match.similarity == 100
