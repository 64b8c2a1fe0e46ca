"""The pipeline's plain reports: generated from the pydantic models, never out of step with
them, and read by the renderers exactly as the models are."""

from types import SimpleNamespace

import pytest

from mtcheck.models import DocumentReport, plain
from mtcheck.models import generate as generate_plain
from mtcheck.models.document import to_model
from mtcheck.models.plain_json import plain_json
from mtcheck.read import Source
from mtcheck.render.ci import RunInfo
from mtcheck.render.formats import make_renderer
from mtcheck.render.report_html import render_document_body
from mtcheck.render.text import Style, render_document_text

import golden


def test_plain_py_is_what_the_models_generate():
    assert generate_plain.PLAIN.read_text(encoding="utf-8") == generate_plain.source(), \
        "mtcheck/models/plain.py is out of step with the models: run python -m mtcheck.models.generate"


def test_every_plain_class_has_its_models_fields_in_order():
    for model in generate_plain.models():
        assert getattr(plain, model.__name__).__slots__ == tuple(model.model_fields), model.__name__


@pytest.fixture(scope="module")
def reports(checker):
    """(plain report, model, text) for each golden fixture that is one document."""
    out = []
    for path in sorted(golden.TEXTS.iterdir()):
        if path.suffix in (".txt", ".md") and path.stat().st_size:
            text = path.read_text(encoding="utf-8")
            report = checker.check_plain(Source(name=path.name, text=text))
            out.append((report, checker.check(text, path.name), text))
    return out


def test_a_plain_report_becomes_the_model_checking_gives(reports):
    for report, model, _ in reports:
        assert isinstance(report, plain.DocumentReport)
        assert to_model(report) == model
        assert report.counts.by_severity == model.counts.by_severity
        assert report.counts.by_category == model.counts.by_category
    assert to_model(model) is model  # a model is already one


def test_a_plain_report_serialises_as_its_model_does(checker):
    """`plain_json` serialises without the model, with the model's serializer: byte for byte the
    model's JSON, whole or without some fields (the report store leaves out the document's name),
    for every golden document, whatever its format (JSONL records carry ids and metadata)."""
    from mtcheck.read.formats import iter_documents

    sources = [doc for path in sorted(golden.TEXTS.iterdir()) for doc in iter_documents(path)
               if isinstance(doc, Source)]  # not the empty file
    assert len(sources) >= 10
    for source in sources:
        report = checker.check_plain(source)
        model = to_model(report)
        assert plain_json(report) == model.model_dump_json().encode("utf-8"), report.source
        naming = {"source", "doc_id", "format", "metadata"}
        assert plain_json(report, exclude=naming) == model.model_dump_json(exclude=naming).encode("utf-8"), \
            report.source
    from mtcheck.models import plain_json as module

    assert module._trusted is True, "the plain serializer disagreed with the model: its JSON is not used"


def test_a_plain_report_with_a_value_of_the_wrong_type_is_refused_as_the_model_refuses_it(checker):
    from pydantic import ValidationError

    report = checker.check_plain(Source(name="a.txt", text="The new crown pneumonia is serious. We must act now."))
    report.fluency.sentences[0].score = 100  # an int where a float is: the model's JSON says 100.0
    assert plain_json(report) == to_model(report).model_dump_json().encode("utf-8")
    report.fluency.sentences[0].score = "high"
    with pytest.raises(ValidationError, match="score"):
        plain_json(report)


def test_a_serializer_that_disagrees_with_the_model_is_not_trusted(checker, monkeypatch):
    """Another pydantic could build a serializer of another shape: the first report shows it,
    and the run keeps the model's JSON."""
    from mtcheck.models import plain_json as module

    class Wrong:
        def to_json(self, report, **_):
            return b'{"not":"the model"}'

    monkeypatch.setattr(module, "_plain_serializer", lambda: Wrong())
    monkeypatch.setattr(module, "_trusted", None)
    report = checker.check_plain(Source(name="a.txt", text="The new crown pneumonia is serious. We must act now."))
    expected = to_model(report).model_dump_json().encode("utf-8")
    assert [plain_json(report), plain_json(report)] == [expected, expected]
    assert module._trusted is False


def test_a_core_schema_of_another_shape_leaves_serialising_to_the_model(monkeypatch):
    from mtcheck.models import plain_json as module

    monkeypatch.setattr(module, "DocumentReport", SimpleNamespace(__pydantic_core_schema__={"type": "no-such-schema"}))
    assert module._plain_serializer.__wrapped__() is None


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "junit", "github", "rdjson", "csv", "gitlab"])
def test_every_format_prints_a_plain_report_as_it_prints_the_model(reports, fmt):
    for report, model, text in reports:
        outputs = []
        for doc in (report, model):
            renderer = make_renderer(fmt, Style(color=True, width=72))
            outputs.append(renderer.document(doc, text) + renderer.finish(RunInfo(signature="sig", exit_code=0)))
        assert outputs[0] == outputs[1], f"{fmt} of {report.source}"


def test_pages_and_concise_text_read_either(reports):
    for report, model, text in reports:
        assert render_document_body(report, text) == render_document_body(model, text)
        assert render_document_text(report, text, layout="concise") == render_document_text(model, text,
                                                                                             layout="concise")


def test_the_model_is_still_what_check_returns(checker):
    assert isinstance(checker.check("The minister said so."), DocumentReport)
