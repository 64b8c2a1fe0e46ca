"""The LanguageTool-compatible endpoint of `mtcheck serve` (/v2/check), tested against
LanguageTool's documented response format (HTTP API v2, apiVersion 1): its JSON shape, its
offsets in UTF-16 code units, form-encoded `text` and `data` requests; and the optional API
token and CORS allow-list."""

from __future__ import annotations

import json
import warnings

import pytest

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")
jsonschema = pytest.importorskip("jsonschema")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from mtcheck.web.app import create_app  # noqa: E402
from mtcheck.web.settings import ServeSettings  # noqa: E402

from conftest import PLAIN  # noqa: E402

# LanguageTool's /v2/check response as its API documentation describes it: the fields a client
# reads, with their types. Written from the documentation, not from mtcheck's own models.
_STRING, _INT = {"type": "string"}, {"type": "integer"}
LANGUAGETOOL_RESPONSE = {
    "type": "object",
    "required": ["software", "language", "matches"],
    "properties": {
        "software": {"type": "object", "required": ["name", "version", "buildDate", "apiVersion"],
                     "properties": {"name": _STRING, "version": _STRING, "buildDate": _STRING, "apiVersion": _INT,
                                    "premium": {"type": "boolean"}, "status": _STRING}},
        "warnings": {"type": "object", "properties": {"incompleteResults": {"type": "boolean"}}},
        "language": {"type": "object", "required": ["name", "code", "detectedLanguage"],
                     "properties": {"name": _STRING, "code": _STRING, "detectedLanguage": {
                         "type": "object", "required": ["name", "code"],
                         "properties": {"name": _STRING, "code": _STRING, "confidence": {"type": "number"}}}}},
        "matches": {"type": "array", "items": {
            "type": "object",
            "required": ["message", "offset", "length", "replacements", "context", "sentence", "rule"],
            "properties": {
                "message": _STRING, "shortMessage": _STRING, "offset": _INT, "length": _INT,
                "replacements": {"type": "array", "items": {"type": "object", "required": ["value"],
                                                            "properties": {"value": _STRING}}},
                "context": {"type": "object", "required": ["text", "offset", "length"],
                            "properties": {"text": _STRING, "offset": _INT, "length": _INT}},
                "sentence": _STRING,
                "type": {"type": "object", "properties": {"typeName": _STRING}},
                "rule": {"type": "object", "required": ["id", "description", "category"],
                         "properties": {"id": _STRING, "subId": _STRING, "description": _STRING,
                                        "issueType": _STRING, "category": {
                                            "type": "object", "required": ["id", "name"],
                                            "properties": {"id": _STRING, "name": _STRING}}}},
            }}},
    },
}
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def client(checker):
    with TestClient(create_app(ServeSettings(), checker)) as c:
        yield c


def _utf16(text: str, offset: int, length: int) -> str:
    """What a Java or JavaScript client sees at [offset, offset + length) of `text`."""
    units = text.encode("utf-16-le")
    return units[2 * offset:2 * (offset + length)].decode("utf-16-le")


def test_check_answers_in_languagetool_shape_with_utf16_offsets(client):
    # Astral characters (two UTF-16 units each) before the finding.
    text = f"📰😀 Officials in 𠀋 said new crown pneumonia cases fell. {PLAIN}"
    response = client.post("/v2/check", data={"text": text, "language": "en-US"})
    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, LANGUAGETOOL_RESPONSE)
    match = next(m for m in body["matches"] if m["rule"]["id"] == "calque.term")
    assert _utf16(text, match["offset"], match["length"]) == "new crown pneumonia"
    assert [r["value"] for r in match["replacements"]] == ["COVID-19"]
    assert match["rule"]["category"] == {"id": "CALQUE", "name": "Calque"}
    assert match["rule"]["issueType"] == "terminology"
    context = match["context"]
    assert _utf16(context["text"], context["offset"], context["length"]) == "new crown pneumonia"
    assert "new crown pneumonia" in match["sentence"]
    assert body["language"]["code"] == "en-US" and body["language"]["detectedLanguage"]["code"] == "en"
    assert body["mtcheck"]["verdict"] in ("human", "post-edited", "machine", "too-short")


def test_annotated_data_offsets_point_into_the_whole_document(client):
    annotation = [{"markup": "<p>"}, {"text": "Officials said "}, {"markup": "<b>"}, {"text": "new crown pneumonia"},
                  {"markup": "</b>"}, {"text": " cases fell."}, {"markup": "</p><p>", "interpretAs": "\n\n"},
                  {"text": PLAIN}, {"markup": "</p>"}]
    whole = "".join(a.get("text", a.get("markup")) for a in annotation)
    response = client.post("/v2/check", data={"data": json.dumps({"annotation": annotation}), "language": "auto"})
    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, LANGUAGETOOL_RESPONSE)
    match = next(m for m in body["matches"] if m["rule"]["id"] == "calque.term")
    assert _utf16(whole, match["offset"], match["length"]) == "new crown pneumonia"
    assert "<" not in match["context"]["text"]  # the context is the text, not the markup


def test_rule_filters_and_get_requests(client):
    text = f"Officials said new crown pneumonia cases fell and fell. {PLAIN}"
    everything = {m["rule"]["id"] for m in client.get("/v2/check", params={"text": text, "language": "en"})
                  .json()["matches"]}
    assert "calque.term" in everything
    without = client.post("/v2/check", data={"text": text, "language": "en", "disabledRules": "calque.term"}).json()
    assert "calque.term" not in {m["rule"]["id"] for m in without["matches"]}
    only = client.post("/v2/check", data={"text": text, "language": "en", "enabledRules": "calque.term",
                                          "enabledOnly": "true"}).json()
    assert {m["rule"]["id"] for m in only["matches"]} == {"calque.term"}
    other = client.post("/v2/check", data={"text": "Das ist gut.", "language": "de-DE"}).json()
    assert other["matches"] == []  # mtcheck checks English copy only


GERMAN = ("Die Bundesregierung hat am Mittwoch ein neues Gesetz beschlossen. Es soll die Mieten in den grossen "
          "Staedten begrenzen und tritt im Januar in Kraft. Die Opposition kritisierte den Entwurf als unzureichend.")


def test_auto_answers_with_the_language_detected(client):
    # LanguageTool's `auto` answers in the language it detected: a client shows it, and must not
    # be told that German copy was checked as American English
    body = client.post("/v2/check", data={"text": GERMAN, "language": "auto"}).json()
    jsonschema.validate(body, LANGUAGETOOL_RESPONSE)
    assert body["language"]["code"] == body["language"]["detectedLanguage"]["code"] == "de"
    assert body["language"]["name"] == body["language"]["detectedLanguage"]["name"] == "German"
    assert body["matches"] == [] and body["mtcheck"]["verdict"] == "not-english"
    # named English, the same copy is checked as English, and the report says it is not
    named = client.post("/v2/check", data={"text": GERMAN, "language": "en-US"}).json()
    assert named["language"]["code"] == "en-US" and named["language"]["detectedLanguage"]["name"] == "German"
    assert [m["rule"]["id"] for m in named["matches"]] == ["script.not-english"]
    english = client.post("/v2/check", data={"text": PLAIN, "language": "auto"}).json()
    assert english["language"]["code"] == "en-US" and english["language"]["name"] == "English (US)"


def test_bad_requests_are_one_line_400s(client):
    for data, words in (({"text": "x"}, "language"), ({"language": "en"}, "text"),
                        ({"data": "{not json", "language": "en"}, "JSON"),
                        ({"text": "x", "language": "en", "disabledRules": "nosuch.rule"}, "nosuch")):
        response = client.post("/v2/check", data=data)
        assert response.status_code == 400 and words in response.json()["error"], response.text
    assert client.get("/v2/languages").json()[0] == {"name": "English", "code": "en", "longCode": "en"}


def test_api_token_and_cors_allow_list(checker):
    token = "s3cret-token-for-the-newsroom"
    settings = ServeSettings(api_token=token, cors_origins=("https://cms.example.org",))
    with TestClient(create_app(settings, checker)) as client:
        form = {"text": f"New crown pneumonia cases fell. {PLAIN}", "language": "en"}
        assert client.post("/v2/check", data=form).status_code == 401
        assert client.post("/v1/check", json={"text": PLAIN}).status_code == 401
        assert client.post("/v2/check", data=form, headers={"authorization": "Bearer wrong-token-xxxxxxx"}
                           ).status_code == 401
        assert client.post("/v2/check", data=form, headers={"authorization": f"Bearer {token}"}).status_code == 200
        assert client.post("/v2/check", data={**form, "apiKey": token}).status_code == 200  # LanguageTool clients
        assert client.get("/healthz").status_code == 200 and client.get("/").status_code == 200
        preflight = client.options("/v2/check", headers={"origin": "https://cms.example.org",
                                                         "access-control-request-method": "POST",
                                                         "access-control-request-headers": "authorization"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://cms.example.org"
        other = client.options("/v2/check", headers={"origin": "https://evil.example",
                                                     "access-control-request-method": "POST"})
        assert "access-control-allow-origin" not in other.headers
        answered = client.post("/v2/check", data=form, headers={"origin": "https://cms.example.org",
                                                                 "authorization": f"Bearer {token}"})
        assert answered.headers["access-control-allow-origin"] == "https://cms.example.org"
    with TestClient(create_app(ServeSettings(), checker)) as open_server:  # both off by default
        response = open_server.post("/v2/check", data={"text": PLAIN, "language": "en"},
                                    headers={"origin": "https://cms.example.org"})
        assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


def test_serve_refuses_a_bad_origin_or_a_short_token(cli, monkeypatch):
    refused = cli("serve", "--cors-origin", "cms.example.org")
    assert refused.code == 2 and "not an origin" in refused.err
    monkeypatch.setenv("MTCHECK_API_TOKEN", "short")
    refused = cli("serve", "--port", "1")
    assert refused.code == 2 and "MTCHECK_API_TOKEN is too short" in refused.err
