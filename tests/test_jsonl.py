"""JSONL archives: a document per line, metadata kept, a bad line an error for that line only."""

import json

import pytest

from mtcheck.read import InputProblem, Source
from mtcheck.read.formats import iter_documents, read_documents
from mtcheck.read.jsonl import read_jsonl

MT = "China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported."
PLAIN = "The minister said on Monday that the plan would be put in place by the end of the year."


def write(tmp_path, lines, name="archive.jsonl"):
    path = tmp_path / name
    path.write_bytes(b"".join(line if isinstance(line, bytes) else line.encode("utf-8") for line in lines))
    return path


def items(path, **kw):
    return list(iter_documents(path, **kw))


def test_each_line_is_a_document_with_its_id_text_and_metadata(tmp_path, checker):
    path = write(tmp_path, [
        json.dumps({"id": "cns-1", "text": MT, "date": "2020-11-27", "tags": ["covid"]}) + "\n",
        "\n",  # blank lines are not documents
        json.dumps({"id": 7, "text": PLAIN}) + "\n",
        json.dumps({"text": PLAIN + " Again."}),  # no id, no final newline
    ])
    docs = items(path)
    assert [d.doc_id for d in docs] == ["cns-1", "7", "line 4"]
    assert all(isinstance(d, Source) and d.format == "jsonl" and d.name == str(path) for d in docs)
    assert docs[0].text == MT and docs[0].metadata == {"date": "2020-11-27", "tags": ["covid"]}
    report = checker.check_source(docs[0])
    assert report.doc_id == "cns-1" and report.metadata["date"] == "2020-11-27"
    assert any(f.rule == "repetition.coordinated" for f in report.findings)


@pytest.mark.parametrize("line, reason", [
    ("not json at all", "not valid JSON"),
    ('{"id": "a", "text": "unterminated', "not valid JSON"),
    ('["a", "list"]', "not a JSON object (a JSON array)"),
    ('{"id": "a"}', 'no "text" field'),
    ('{"id": "a", "text": 42}', '"text" is not a string (a JSON number)'),
    ('{"id": "a", "text": null}', '"text" is not a string (a JSON null)'),
    ('{"id": "a", "text": "   "}', 'empty "text"'),
    ('{"id": {"x": 1}, "text": "Some text here."}', '"id" must be a string or a number'),
    ('{"id": "a", "text": "x", "score": NaN}', "NaN is not a JSON number"),
])
def test_a_bad_line_is_an_error_naming_file_and_line_and_the_others_go_on(tmp_path, line, reason):
    good = json.dumps({"id": "ok", "text": PLAIN}) + "\n"
    path = write(tmp_path, [good, line + "\n", good])
    first, bad, last = items(path)
    assert isinstance(first, Source) and isinstance(last, Source)
    assert isinstance(bad, InputProblem)
    assert bad.source == f"{path}:2" and reason in bad.message and "\n" not in str(bad)


def test_invalid_utf8_on_one_line_is_that_lines_error(tmp_path):
    path = write(tmp_path, [json.dumps({"text": PLAIN}) + "\n", b'{"text": "caf\xe9"}\n', json.dumps({"text": PLAIN})])
    kinds = [type(i).__name__ for i in items(path)]
    assert kinds == ["Source", "InputProblem", "Source"]
    assert "not valid UTF-8 (byte 0xe9" in items(path)[1].message


def test_max_bytes_limits_a_line_not_the_file(tmp_path):
    big = json.dumps({"id": "big", "text": "word " * 400}) + "\n"
    small = json.dumps({"id": "small", "text": PLAIN}) + "\n"
    path = write(tmp_path, [small, big, small, small])
    assert path.stat().st_size > 1000
    got = items(path, max_bytes=1000)
    assert [getattr(i, "doc_id", None) for i in got] == ["small", None, "small", "small"]
    assert got[1].source == f"{path}:2" and "too large" in got[1].message


def test_bom_crlf_and_line_separator_inside_a_string(tmp_path):
    text = "First part\u2028second part of the same story, which the minister announced on Monday."
    path = write(tmp_path, [b"\xef\xbb\xbf", json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\r\n",
                            json.dumps({"id": "b", "text": PLAIN}) + "\r\n"])
    docs = items(path)
    assert [d.doc_id for d in docs] == ["a", "b"] and docs[0].text == text
    # The same archive on stdin (decoded whole) reads the same.
    source = Source(name="-", text=path.read_text(encoding="utf-8-sig"))
    assert [(d.doc_id, d.text) for d in read_jsonl(source)] == [(d.doc_id, d.text) for d in docs]


@pytest.mark.parametrize("data, reason", [
    (b"\x00\x01\x02\x03binary", "binary file"),
    ('{"text": "x"}'.encode("utf-16"), "must be UTF-8"),
    (b"\n\n  \n", "empty file"),
])
def test_a_file_that_is_not_jsonl_is_one_problem(tmp_path, data, reason):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(data)
    (problem,) = items(path)
    assert isinstance(problem, InputProblem) and problem.source == str(path) and reason in problem.message


def test_read_documents_raises_at_the_first_bad_line(tmp_path):
    path = write(tmp_path, [json.dumps({"id": "a", "text": PLAIN}) + "\n", "{oops\n"])
    reader = read_documents(path)
    assert next(reader).doc_id == "a"
    with pytest.raises(InputProblem, match=r"archive\.jsonl:2: not valid JSON"):
        next(reader)


def test_missing_file_and_folder(tmp_path):
    (missing,) = items(tmp_path / "none.jsonl")
    assert "no such file" in missing.message
    (tmp_path / "dir.jsonl").mkdir()
    (folder,) = items(tmp_path / "dir.jsonl")
    assert "folder" in folder.message


def test_an_unpaired_surrogate_escape_is_that_lines_error(tmp_path):
    path = write(tmp_path, ['{"id": "a", "text": "Bad \\ud800 text."}\n', '{"id": "b", "text": "x", "k": "\\udc00"}\n',
                            '{"id": "c", "text": "Paired \\ud83d\\udcf0 is fine."}\n'])
    bad, worse, good = items(path)
    assert "surrogate" in bad.message and "surrogate" in worse.message
    assert good.text == "Paired \U0001F4F0 is fine."
