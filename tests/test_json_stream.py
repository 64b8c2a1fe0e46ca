"""`check --format json` is written as documents come, byte for byte the CheckReport it
always printed: what the schema describes, without holding every report until the end."""

import json

import pytest

from mtcheck.models import CheckReport, InputError
from mtcheck.render.json import CheckJsonStream, render_check_json

from conftest import PLAIN

TEXTS = [
    PLAIN,
    "China News Agency, Washington, November 27th. The plan was supported and supported by all.\n(over)\n",
    "Line one said \"yes\".\n\nLine two said “no”，and the the talks ended.\n",
]


@pytest.mark.parametrize("count", [0, 1, 3])
@pytest.mark.parametrize("errors", [[], [InputError(source="bad.txt", message="empty file (no text to check)")]])
def test_streamed_json_is_the_whole_report(checker, count, errors):
    docs = [checker.check(text, f"doc-{i}.txt") for i, text in enumerate(TEXTS[:count])]
    rest = {"errors": errors, "signature": "sig", "suppressed": 2, "baselined": 1, "skipped": ["x.txt"]}
    stream = CheckJsonStream()
    streamed = "".join(stream.document(d) for d in docs) + stream.finish(CheckReport(documents=[], **rest))
    assert streamed == render_check_json(CheckReport(documents=docs, **rest))
    assert len(json.loads(streamed)["documents"]) == count


def test_finish_refuses_documents_twice(checker):
    stream = CheckJsonStream()
    with pytest.raises(ValueError):
        stream.finish(CheckReport(documents=[checker.check(PLAIN)], signature="sig"))


def test_the_json_format_writes_each_document_when_it_is_checked(checker):
    # The renderer returns each document's JSON at once (the CLI writes and flushes it),
    # rather than keeping the reports for the end.
    from mtcheck.render.formats import make_renderer

    renderer = make_renderer("json")
    first = renderer.document(checker.check(TEXTS[1], "a.txt"), TEXTS[1])
    assert first.startswith('{\n  "documents": [\n    {') and '"source": "a.txt"' in first


def test_the_cli_output_is_one_report(cli, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(TEXTS[1], encoding="utf-8")
    b.write_text(PLAIN, encoding="utf-8")
    r = cli("check", "--format", "json", str(a), str(b), str(tmp_path / "missing.txt"))
    report = json.loads(r.out)
    assert [d["source"] for d in report["documents"]] == [str(a), str(b)]
    assert [e["source"] for e in report["errors"]] == [str(tmp_path / "missing.txt")] and r.code == 2


@pytest.mark.parametrize("text", [*TEXTS, "The plan 😀 , “went” ( ahead ) . " * 40])
def test_a_large_document_is_written_in_pieces_that_join_to_its_json(checker, monkeypatch, text):
    # Long lists (findings, sentences) go an item at a time, the rest field by field; the
    # output must not change by a byte. One item is "long" here, to take that path on a
    # short text.
    import mtcheck.render.json as json_render

    doc = checker.check(text, "big.txt")
    whole = CheckJsonStream().document(doc)
    monkeypatch.setattr(json_render, "_ITEMS_AT_ONCE", 0)
    pieces = list(CheckJsonStream().document_pieces(doc))
    assert "".join(pieces) == whole
    assert len(pieces) > len(doc.findings) + len(doc.fluency.sentences)


@pytest.mark.parametrize("items_at_once", [0, 1000])
@pytest.mark.parametrize("text", [*TEXTS, "The plan 😀 , “went” ( ahead ) . " * 40])
def test_a_plain_report_is_written_as_its_model_is(checker, monkeypatch, text, items_at_once):
    # What the pipeline builds (plain classes) is validated a piece at a time as it is written,
    # never as one model: the same bytes as the model's, long lists or not.
    import mtcheck.render.json as json_render
    from mtcheck.models.document import to_model
    from mtcheck.read import Source

    report = checker.check_plain(Source(name="big.txt", text=text))
    whole = CheckJsonStream().document(to_model(report))
    monkeypatch.setattr(json_render, "_ITEMS_AT_ONCE", items_at_once)
    assert "".join(CheckJsonStream().document_pieces(report)) == whole


def test_a_plain_report_with_a_value_its_model_refuses_is_not_written(checker, monkeypatch):
    import pydantic

    import mtcheck.render.json as json_render
    from mtcheck.read import Source

    report = checker.check_plain(Source(name="big.txt", text=TEXTS[1]))
    report.fluency.score = 101.0  # fluency is 0-100
    monkeypatch.setattr(json_render, "_ITEMS_AT_ONCE", 0)
    with pytest.raises(pydantic.ValidationError):
        CheckJsonStream().document(report)
