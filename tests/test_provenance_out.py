"""Provenance out: the verdict as IPTC digital source type in NewsML-G2 and NITF copies and in
JSON-LD, from check and report; and a report's summary posted to a webhook (a server on
127.0.0.1 only)."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from mtcheck.models import Verdict
from mtcheck.publish.provenance import IPTC_SCHEME, ProvenanceError, json_ld, stamp_wire
from mtcheck.read import Source
from mtcheck.read.formats import iter_documents

from conftest import PLAIN
from test_wire import NEWSML, NITF

INSERTED = re.compile(rb'\n? *<(?:digitalSourceType uri|meta name="digitalSourceType" content)="[^"]+"/>')


def _unstamped(data: bytes) -> bytes:
    return INSERTED.sub(b"", data)


def test_newsml_items_each_get_their_own_digital_source_type(tmp_path):
    data = NEWSML.encode()
    stamped = stamp_wire(data, {"urn:newsml:example.com:20201127:a1": Verdict.machine,
                                "urn:b2": Verdict.human}, "newsml")
    text = stamped.decode()
    assert text.count("<digitalSourceType ") == 2  # the picture item had no verdict: untouched
    first = text[text.index("<newsItem"):text.index("</newsItem>")]
    assert f'<digitalSourceType uri="{IPTC_SCHEME}trainedAlgorithmicMedia"/>' in first
    assert f'<digitalSourceType uri="{IPTC_SCHEME}humanEdits"/>' in text.split("urn:b2", 1)[1]
    assert _unstamped(stamped) == data  # nothing else in the file changed
    (tmp_path / "a.xml").write_bytes(data)
    (tmp_path / "b.xml").write_bytes(stamped)
    before = [d.text for d in iter_documents(tmp_path / "a.xml") if isinstance(d, Source)]
    assert len(before) == 2  # the picture item has no text
    assert [d.text for d in iter_documents(tmp_path / "b.xml") if isinstance(d, Source)] == before
    again = stamp_wire(stamped, {"urn:newsml:example.com:20201127:a1": Verdict.post_edited,
                                 "urn:b2": Verdict.human}, "newsml")
    assert again.count(b"<digitalSourceType ") == 2 and b"compositeWithTrainedAlgorithmicMedia" in again
    assert b"trainedAlgorithmicMedia\"" not in again.replace(b"compositeWithTrainedAlgorithmicMedia", b"")


def test_nitf_gets_a_meta_in_its_head_after_the_title(tmp_path):
    data = NITF.encode()
    stamped = stamp_wire(data, {None: Verdict.post_edited}, "nitf").decode()
    head = stamped[stamped.index("<head>"):stamped.index("</head>")]
    assert re.search(r"</title>\n +<meta name=\"digitalSourceType\" content=\"" + re.escape(IPTC_SCHEME)
                     + r"compositeWithTrainedAlgorithmicMedia\"/>\n +<docdata>", head)
    assert _unstamped(stamped.encode()) == data
    with pytest.raises(ProvenanceError, match="not well-formed"):
        stamp_wire(b"<nitf><head>", {None: Verdict.human}, "nitf")


def test_json_ld_names_the_source_type_and_the_verdict():
    from mtcheck import Checker, Options

    doc = Checker(Options(model="rules")).check(  # a short story: the rule weights give it a verdict
        f"China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and "
        f"supported by the relevant departments . {PLAIN}")
    snippet = json_ld(doc)
    assert snippet["@type"] == "NewsArticle" and "https://schema.org" in snippet["@context"]
    assert snippet["digitalSourceType"] == IPTC_SCHEME + {"machine": "trainedAlgorithmicMedia",
                                                          "post-edited": "compositeWithTrainedAlgorithmicMedia",
                                                          "human": "humanEdits"}[doc.provenance.verdict.value]
    assert snippet["mtcheck:verdict"] == doc.provenance.verdict.value
    assert snippet["mtcheck:signature"] == doc.provenance.signature


def test_check_writes_provenance_copies(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "story.nitf").write_text(NITF, encoding="utf-8")
    (tmp_path / "note.txt").write_text(PLAIN + "\n", encoding="utf-8")
    done = cli("check", "--fail-on", "never", "--provenance-out", "out", "--model", "rules", "wire/story.nitf",
               "note.txt")
    assert done.code == 0, done.err
    copy = (tmp_path / "out" / "wire" / "story.nitf").read_bytes()
    assert b'<meta name="digitalSourceType"' in copy and _unstamped(copy) == NITF.encode()
    ld = json.loads((tmp_path / "out" / "wire" / "story.nitf.CNS-2020-1127-001.jsonld").read_text(encoding="utf-8"))
    assert ld["headline"] == "New crown pneumonia & the economy" and ld["digitalSourceType"].startswith(IPTC_SCHEME)
    assert json.loads((tmp_path / "out" / "note.txt.jsonld").read_text(encoding="utf-8"))["mtcheck:verdict"] == "human"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        _Hook.received.append((self.headers["content-type"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook():
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hook.received = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/secret"
    finally:
        server.shutdown()
        server.server_close()


def test_report_posts_a_summary_and_writes_provenance(cli, tmp_path, hook, monkeypatch):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "wire.xml").write_text(NEWSML, encoding="utf-8")
    (archive / "plain.txt").write_text(PLAIN + "\n", encoding="utf-8")
    monkeypatch.setenv("MTCHECK_WEBHOOK_URL", hook)
    done = cli("report", str(archive), "--out", str(tmp_path / "run"), "-j", "1", "-q", "--model", "rules",
               "--provenance-out", str(tmp_path / "prov"))
    assert done.code == 2, done.err  # the picture item is an error row
    ((content_type, message),) = _Hook.received
    assert content_type == "application/json"
    assert message["text"].startswith("mtcheck report: 4 documents (") and "1 could not be checked" in message["text"]
    assert message["blocks"][0]["type"] == "section"
    copies = list((tmp_path / "prov").rglob("wire.xml"))
    assert len(copies) == 1 and copies[0].read_bytes().count(b"<digitalSourceType ") == 2
    assert len(list((tmp_path / "prov").rglob("*.jsonld"))) == 3


def test_a_webhook_that_fails_is_a_warning_not_a_lost_run(cli, tmp_path):
    (tmp_path / "a.txt").write_text(PLAIN + "\n", encoding="utf-8")
    closed = HTTPServer(("127.0.0.1", 0), _Hook)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens there now
    done = cli("report", str(tmp_path / "a.txt"), "--out", str(tmp_path / "run"), "-j", "1", "-q",
               "--webhook", f"http://127.0.0.1:{port}/hook")
    assert done.code == 0 and "warning: summary not posted: webhook at 127.0.0.1 could not be reached" in done.err
    assert (tmp_path / "run" / "run.json").is_file()
    refused = cli("report", str(tmp_path / "a.txt"), "--out", str(tmp_path / "run"), "--webhook", "file:///etc/x")
    assert refused.code == 2 and "http(s)" in refused.err


def test_a_story_too_short_to_judge_claims_no_source_type(check):
    doc = check(PLAIN)
    assert doc.provenance.verdict.value == "too-short"
    snippet = json_ld(doc)
    assert "digitalSourceType" not in snippet and snippet["mtcheck:verdict"] == "too-short"
