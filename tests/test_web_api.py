"""The HTTP API of `mtcheck serve`: every endpoint against the library and the CLI, the
limits (413, 408, 503, slow headers), one-line errors, headers, logs, and the command."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the serve extra (uvicorn) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test client) is not installed")

with warnings.catch_warnings():  # newer Starlette prefers `httpx2` and says so at import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from mtcheck.align import Aligner  # noqa: E402
from mtcheck.core.rules import rule_infos  # noqa: E402
from mtcheck.fix.apply import fix_text  # noqa: E402
from mtcheck.models import CheckReport, FixReport, RuleCatalogue  # noqa: E402
from mtcheck.models.align import AlignReport  # noqa: E402
from mtcheck.web.app import create_app  # noqa: E402
from mtcheck.web.settings import ENV_VAR, ServeSettings  # noqa: E402
from mtcheck.web.supervisor import SPREADS_CONNECTIONS  # noqa: E402

from conftest import PLAIN, REPO  # noqa: E402
from web_server import free_port, running_server  # noqa: E402

MT = ("China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported "
      "by the relevant departments . " + PLAIN)
EDITED = "China News Service, Beijing, Nov. 27. The COVID-19 pandemic was supported by the relevant departments. " + PLAIN
XSS = ('<script>alert("x")</script> The relevant person in charge said <img src=x onerror=alert(1)> that '
       '<a href="javascript:alert(2)">the plan</a> would go ahead . ' + PLAIN)


@pytest.fixture(scope="module")
def client(checker):
    app = create_app(ServeSettings(max_body_bytes=200_000), checker)
    with TestClient(app) as c:
        yield c


def error_of(response) -> str:
    """The one-line error a 4xx/5xx carries; fails unless the body is exactly {"error": str}."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]


# ------------------------------------------------------------------ endpoints


def test_check_returns_what_the_cli_prints(client, cli):
    response = client.post("/v1/check", json={"text": MT, "name": "story.txt"})
    assert response.status_code == 200
    report = CheckReport.model_validate(response.json())
    cli_report = CheckReport.model_validate_json(cli("check", "--format", "json", "-", stdin=MT.encode()).out)
    spans = [(f.rule, f.start, f.end, f.text, f.suggestion) for f in report.documents[0].findings]
    assert spans == [(f.rule, f.start, f.end, f.text, f.suggestion) for f in cli_report.documents[0].findings]
    assert {"calque.term", "repetition.coordinated", "punctuation.space-before"} <= {s[0] for s in spans}
    assert report.documents[0].source == "story.txt"
    assert report.signature == cli_report.signature
    assert report.documents[0].provenance.verdict == cli_report.documents[0].provenance.verdict


def test_check_reads_markup_and_many_documents(client):
    md = "# Notice\n\nThe new crown pneumonia epidemic was supported and supported.\n\n" + PLAIN + "\n"
    doc = client.post("/v1/check", json={"text": md, "name": "notice.md"}).json()["documents"][0]
    assert doc["format"] == "markdown"
    term = next(f for f in doc["findings"] if f["rule"] == "calque.term")
    assert md[term["start"]:term["end"]] == term["text"]  # offsets into the Markdown as sent
    jsonl = '{"id": "a", "text": "The new crown pneumonia spread. ' + PLAIN + '"}\n{broken\n'
    report = client.post("/v1/check", json={"text": jsonl, "format": "jsonl"}).json()
    assert len(report["documents"]) == 1 and len(report["errors"]) == 1
    assert "line 2" in report["errors"][0]["message"] or ":2" in report["errors"][0]["source"] + report["errors"][0]["message"]


def test_fix_applies_safe_fixes_and_one_at_a_time(client, checker):
    response = client.post("/v1/fix", json={"text": MT})
    assert response.status_code == 200
    report = FixReport.model_validate(response.json())
    assert report.text == fix_text(MT, checker).text and report.changed
    assert "China News Service" in report.text and "departments." in report.text

    finding = next(f for f in client.post("/v1/check", json={"text": MT}).json()["documents"][0]["findings"]
                   if f["rule"] == "punctuation.space-before")
    one = client.post("/v1/fix", json={"text": MT, "only": {k: finding[k] for k in ("rule", "start", "end")}}).json()
    assert [a["rules"] for a in one["applied"]] == [["punctuation.space-before"]]
    change = one["applied"][0]
    assert one["text"] == MT[:change["start"]] + change["replacement"] + MT[change["end"]:]
    assert one["text"].startswith("China News Agency")  # the other safe fixes are left alone

    stale = client.post("/v1/fix", json={"text": MT, "only": {"rule": "calque.term", "start": 0, "end": 3}})
    assert stale.status_code == 422 and "has it changed" in error_of(stale)
    assert client.post("/v1/fix", json={"text": MT, "select": ["no.such.rule"]}).status_code == 422


def test_align_matches_the_library(client, checker):
    response = client.post("/v1/align", json={"draft": MT, "reference": EDITED})
    assert response.status_code == 200
    report = AlignReport.model_validate(response.json())
    assert report == Aligner(checker).align_texts(MT, EDITED)
    assert report.editing.fixed["calque.term"] == 2 and report.editing.remaining == {"calque.phrase": 1,
                                                                                     "marker.dateline": 1}
    loose = client.post("/v1/align", json={"draft": MT, "reference": EDITED, "min_similarity": 0.9}).json()
    assert "0.9" in loose["signature"]
    assert client.post("/v1/align", json={"draft": MT, "reference": "   "}).status_code == 422


def test_rules_and_health(client, checker):
    catalogue = RuleCatalogue.model_validate(client.get("/v1/rules").json())
    assert catalogue.rules == rule_infos()
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["signature"] == checker.signature.format()


def test_extract_decodes_uploads_like_files(client):
    html = b"<html><body><p>The new crown <b>pneumonia</b> &amp; more.</p><script>alert(1)</script></body></html>"
    doc = client.post("/v1/extract?name=story.html", content=html).json()["documents"][0]
    assert doc["format"] == "html" and doc["text"] == "The new crown pneumonia & more."
    utf16 = client.post("/v1/extract?name=story.txt", content="\ufeffCafé au lait.".encode("utf-16-le")).json()
    assert utf16["documents"][0]["text"] == "Café au lait." and utf16["documents"][0]["encoding"] == "utf-16-le"
    latin1 = client.post("/v1/extract?name=story.txt", content="Café au lait.".encode("latin-1"))
    assert latin1.status_code == 422 and "not valid UTF-8 (byte 0xe9 at offset 3)" in error_of(latin1)
    binary = client.post("/v1/extract?name=photo.txt", content=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert binary.status_code == 422 and "binary" in error_of(binary)
    assert client.post("/v1/extract", content=b"  \n").status_code == 422


def test_extract_reads_an_uploaded_word_file_within_the_body_limit(client, tmp_path):
    """The editor's page opens a .docx as it opens a text file: its paragraphs, never its bytes."""
    from test_docx import TEXT, W, docx

    doc = client.post("/v1/extract?name=story.docx", content=docx(tmp_path / "s.docx").read_bytes()).json()
    assert doc["documents"][0]["format"] == "docx" and doc["documents"][0]["text"] == TEXT
    # Its text checked under the file's name (as the page does): the text, not a ZIP archive.
    checked = client.post("/v1/check", json={"text": TEXT, "name": "story.docx"})
    assert checked.status_code == 200, checked.text
    assert any(f["rule"] == "calque.term" for f in checked.json()["documents"][0]["findings"])
    # Unpacked, a part must keep to the request body limit (5 MB here): a ZIP bomb is refused.
    bomb = docx(tmp_path / "bomb.docx", document=f"<w:document {W}><w:body><w:p><w:r><w:t>"
                + "a" * 6_000_000 + "</w:t></w:r></w:p></w:body></w:document>").read_bytes()
    refused = client.post("/v1/extract?name=bomb.docx", content=bomb)
    assert len(bomb) < 50_000 and refused.status_code == 422 and "uncompressed" in error_of(refused)


def test_openapi_document_has_the_models(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name, model in (("CheckReport", CheckReport), ("FixReport", FixReport), ("AlignReport", AlignReport),
                        ("RuleCatalogue", RuleCatalogue)):
        assert set(schemas[name]["properties"]) == set(model.model_fields)
    for name in ("CheckRequest", "FixRequest", "AlignRequest", "DocumentReport", "Finding", "ErrorBody", "Health"):
        assert name in schemas
    check = spec["paths"]["/v1/check"]["post"]
    assert check["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CheckRequest")
    assert check["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CheckReport")
    assert check["responses"]["413"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert {"/v1/check", "/v1/fix", "/v1/align", "/v1/rules", "/v1/extract", "/healthz"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN


# ------------------------------------------------------------------ bad input, limits, errors


@pytest.mark.parametrize("body, content_type, status, says", [
    (b'{"text": ', "application/json", 400, "malformed JSON"),
    (b'{"text": "caf\xe9"}', "application/json", 400, "not UTF-8"),
    (b'{"txt": "x"}', "application/json", 422, "body.text: Field required"),
    (b'{"text": 5}', "application/json", 422, "body.text"),
    (b'{"text": "x"}', "text/plain", 422, "Content-Type: application/json"),
    (b'{"text": "  \\n "}', "application/json", 422, "empty"),
    (b'{"text": "a\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006"}', "application/json", 422, "binary"),
    (b'{"text": "x \\ud800 y"}', "application/json", 422, "lone surrogate U+D800"),
    (b'{"text": "x", "format": "pdf"}', "application/json", 422, "unknown input format"),
    (b'[1, 2]', "application/json", 422, "body"),
])
def test_malformed_requests_get_one_line_4xx(client, body, content_type, status, says):
    response = client.post("/v1/check", content=body, headers={"content-type": content_type})
    assert response.status_code == status
    assert says in error_of(response)


def test_unknown_paths_and_methods(client):
    assert "not found: /v9/check" in error_of(client.get("/v9/check"))
    wrong = client.get("/v1/check")
    assert wrong.status_code == 405 and "POST" in error_of(wrong)


def test_oversized_bodies_get_413_before_they_are_read(client):
    declared = client.post("/v1/check", content=b"x" * 200_001, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "200,001 bytes is over the limit of 200,000" in error_of(declared)

    def chunks():  # no Content-Length: the limit counts the bytes as they stream in
        yield b'{"text": "'
        for _ in range(30):
            yield b"a" * 10_000

    streamed = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "over the limit of 200,000" in error_of(streamed)
    assert client.post("/v1/check", json={"text": MT}).status_code == 200  # and the next request is served


def test_unexpected_errors_are_500_with_the_traceback_in_the_log_only(checker, caplog, monkeypatch):
    app = create_app(ServeSettings(), checker)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.state.service, "check", broken)
    with TestClient(app) as c, caplog.at_level(logging.ERROR, logger="mtcheck.web"):
        response = c.post("/v1/check", json={"text": MT})
    assert response.status_code == 500
    message = error_of(response)
    assert "secret" not in message and "RuntimeError" not in message
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


def test_work_past_the_deadline_gets_503(checker, monkeypatch):
    app = create_app(ServeSettings(request_timeout=0.3), checker)
    monkeypatch.setattr(app.state.service, "check", lambda request: time.sleep(1.5))
    with TestClient(app) as c:
        began = time.monotonic()
        response = c.post("/v1/check", json={"text": MT})
    assert response.status_code == 503 and "within 0.3 seconds" in error_of(response)
    assert time.monotonic() - began < 1.2  # answered at the deadline, not when the work ended


def test_slow_clients_cannot_hold_the_server(checker):
    app = create_app(ServeSettings(request_timeout=0.5), checker)
    with running_server(app, timeout_keep_alive=1) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as body_dribbler:
            body_dribbler.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                  b"Content-Length: 100\r\n\r\n{\"text\": ")
            reply = b""
            while chunk := body_dribbler.recv(4096):  # the server answers, then closes the connection
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 408") and b"request body not received within 0.5 seconds" in reply
        with socket.create_connection(("127.0.0.1", port), timeout=5) as header_dribbler:
            began = time.monotonic()
            header_dribbler.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            assert header_dribbler.recv(4096) == b""  # closed, no request ever reached the app
            assert time.monotonic() - began < 4
        assert httpx.get(url + "/healthz").status_code == 200


def test_requests_beyond_the_concurrency_limit_get_503_at_once(checker, monkeypatch):
    app = create_app(ServeSettings(max_concurrent=1), checker)
    service = app.state.service
    real_check = service.check
    monkeypatch.setattr(service, "check", lambda request: (time.sleep(0.6), real_check(request))[1])
    with running_server(app) as url:
        answers: list[httpx.Response] = []
        first = threading.Thread(target=lambda: answers.append(httpx.post(url + "/v1/check", json={"text": MT})))
        first.start()
        time.sleep(0.2)
        second = httpx.post(url + "/v1/check", json={"text": MT})
        first.join(10)
    assert second.status_code == 503 and "busy: 1 requests in progress" in error_of(second)
    assert answers[0].status_code == 200


def test_a_second_check_thread_lets_a_short_check_pass_a_long_one(checker, monkeypatch):
    """One thread per worker (the default) queues a story behind a long check; two let it through."""
    for threads, short_first in ((1, False), (2, True)):
        app = create_app(ServeSettings(check_threads=threads), checker)
        service = app.state.service
        long_started = threading.Event()
        checked: list[str] = []  # in the order the checks finished, on the server

        def check(request, real=service.check, started=long_started, checked=checked):
            if request.name == "long":  # holds its thread for a second once it has one
                started.set()
                time.sleep(1.0)
            report = real(request)
            checked.append(request.name)
            return report

        monkeypatch.setattr(service, "check", check)
        with running_server(app) as url:
            def send(name: str, url: str = url) -> None:
                assert httpx.post(url + "/v1/check", json={"text": MT, "name": name}, timeout=10).status_code == 200
            long = threading.Thread(target=send, args=("long",))
            long.start()
            assert long_started.wait(10)
            send("short")
            long.join(10)
        assert (checked == ["short", "long"]) == short_first and sorted(checked) == ["long", "short"], (threads, checked)


# ------------------------------------------------------------------ headers, hosts, logs, XSS


def test_every_response_carries_the_security_headers(client):
    for response in (client.get("/"), client.get("/static/app.js"), client.get("/nope"),
                     client.post("/v1/check", content=b"{", headers={"content-type": "application/json"})):
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_is_served_from_the_package_and_builds_no_markup_from_text(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/static/app.js" in page.text and "<script>" not in page.text and "http" not in page.text.replace(
        'http-equiv', '')  # no CDN, no inline script
    script = client.get("/static/app.js").text
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, sink
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/../app.py").status_code == 404  # fixed names only, no file system


def test_xss_text_round_trips_as_data(client):
    report = client.post("/v1/check", json={"text": XSS}).json()
    document = report["documents"][0]
    assert document["characters"] == len(XSS)
    for f in document["findings"]:
        assert XSS[f["start"]:f["end"]] == f["text"]
    fixed = client.post("/v1/fix", json={"text": XSS}).json()["text"]
    for payload in ('<script>alert("x")</script>', "<img src=x onerror=alert(1)>", 'href="javascript:alert(2)"'):
        assert payload in fixed


def test_hosts_other_than_the_servers_are_refused(checker):
    app = create_app(ServeSettings(allowed_hosts=("localhost", "127.0.0.1", "::1")), checker)
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"host": "[::1]:8765"}).status_code == 200
        rebound = c.get("/healthz", headers={"host": "attacker.example:8765"})
    assert rebound.status_code == 400 and "attacker.example" in error_of(rebound)


def test_access_log_is_one_json_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="mtcheck.web.access"):
        client.post("/v1/check", json={"text": MT})
        client.get("/nope")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "mtcheck.web.access"]
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [("POST", "/v1/check", 200), ("GET", "/nope", 404)]
    assert all(x["bytes"] > 0 and x["ms"] >= 0 and x["time"] and x["pid"] == os.getpid() for x in lines)


# ------------------------------------------------------------------ the command


def test_serve_warns_off_loopback_and_refuses_bad_options(cli):
    result = cli("serve", "--host", "0.0.0.0", "--port", str(free_port()), "--pairs", "no/such/pairs.tsv")
    assert result.code == 2
    assert "warning: listening on 0.0.0.0, not a loopback address" in result.err
    assert "mtcheck: error: no/such/pairs.tsv: no such pairs file or folder" in result.err
    assert cli("serve", "--port", "70000").code == 2
    assert cli("serve", "--check-threads", "0").code == 2


def test_serve_refuses_a_busy_port(cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = cli("serve", "--port", str(taken.getsockname()[1]))
    assert result.code == 2 and "cannot listen on 127.0.0.1" in result.err and "Traceback" not in result.err


def test_serve_without_the_extra_says_how_to_get_it(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = cli("serve")
    assert result.code == 2 and "pip install 'mtcheck[serve]'" in result.err


def test_serve_runs_and_stops_gracefully_on_sigterm(tmp_path):
    port = free_port()
    out, err = tmp_path / "out", tmp_path / "err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen([sys.executable, "-m", "mtcheck", "serve", "--port", str(port)], cwd=REPO,
                                  stdout=stdout, stderr=stderr, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, err.read_text()
                time.sleep(0.1)
            big = MT * 1500  # ~330 KB: still being checked when SIGTERM arrives
            with httpx.Client(timeout=30) as client:
                assert client.get(url + "/").status_code == 200  # the connection the POST will reuse
                results = []
                worker = threading.Thread(target=lambda: results.append(client.post(url + "/v1/check",
                                                                                    json={"text": big})))
                worker.start()
                time.sleep(0.3)
                server.send_signal(signal.SIGTERM)
                worker.join(30)
            assert results and results[0].status_code == 200  # finished, not cut off
            assert server.wait(30) == 0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    logged = [json.loads(line) for line in out.read_text().splitlines() if line.startswith("{")]
    assert {"method": "POST", "path": "/v1/check", "status": 200} in [
        {k: x[k] for k in ("method", "path", "status")} for x in logged]
    assert "Traceback" not in err.read_text() and "serving http://127.0.0.1:" in err.read_text()


# ------------------------------------------------------------------ several workers

needs_reuse_port = pytest.mark.skipif(not SPREADS_CONNECTIONS, reason="a socket per worker needs Linux's SO_REUSEPORT")


@dataclasses.dataclass
class Served:
    """A running `mtcheck serve`: its address, its process, its access log and stderr."""

    port: int
    server: subprocess.Popen
    out: Path
    err: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids_answering(self) -> list[int]:
        """The worker process of each request answered, from the access log, in order."""
        return [json.loads(line)["pid"] for line in self.out.read_text().splitlines() if line.startswith("{")]

    def stderr(self) -> str:
        return self.err.read_text()


@contextlib.contextmanager
def workers_serving(tmp_path, workers: int = 2) -> Iterator[Served]:
    """`mtcheck serve --workers N`, once N worker processes have answered; killed if the test
    leaves it running."""
    port, out, err = free_port(), tmp_path / "out", tmp_path / "err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "mtcheck", "serve", "--port", str(port), "--workers", str(workers)],
            cwd=REPO, stdout=stdout, stderr=stderr, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        served = Served(port, server, out, err)
        try:
            deadline = time.monotonic() + 60
            while len(set(served.pids_answering())) < workers:  # each new connection may reach another worker
                try:
                    httpx.get(served.url + "/healthz", timeout=10)
                except httpx.TransportError:
                    time.sleep(0.1)
                assert served.server.poll() is None and time.monotonic() < deadline, served.stderr()
            yield served
        finally:
            if served.server.poll() is None:
                served.server.kill()  # its workers notice and stop
                served.server.wait()


def is_running(pid: int) -> bool:
    """Whether the process lives (a zombie, ended but not yet reaped, does not)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@needs_reuse_port
def test_every_worker_takes_connections_and_sigterm_stops_them_all(tmp_path):
    with workers_serving(tmp_path) as served:
        workers = set(served.pids_answering())
        # 16 connections open at once, as keep-alive clients hold them: with one socket shared by
        # the workers, the first to wake tends to accept them all.
        connections = [socket.create_connection(("127.0.0.1", served.port), timeout=30) for _ in range(16)]
        for connection in connections:
            connection.sendall(b"GET /v1/rules HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        for connection in connections:
            with connection:
                answer = b"".join(iter(lambda c=connection: c.recv(65536), b""))
            assert answer.startswith(b"HTTP/1.1 200 ")
        burst = served.pids_answering()[-16:]
        assert set(burst) == workers, burst

        big = MT * 1500  # ~330 KB: still being checked when SIGTERM arrives
        with httpx.Client(timeout=30) as client:
            results = []
            request = threading.Thread(
                target=lambda: results.append(client.post(served.url + "/v1/check", json={"text": big})))
            request.start()
            time.sleep(0.5)
            served.server.send_signal(signal.SIGTERM)
            request.join(30)
        assert results and results[0].status_code == 200  # finished, not cut off
        assert served.server.wait(30) == 0
        assert not [pid for pid in workers if is_running(pid)]  # no worker left behind
        assert "Traceback" not in served.stderr()


@needs_reuse_port
def test_a_worker_that_dies_is_replaced_without_refusing_connections(tmp_path):
    with workers_serving(tmp_path) as served:
        first = set(served.pids_answering())
        dead = min(first)
        os.kill(dead, signal.SIGKILL)
        deadline = time.monotonic() + 60
        # Until the successor answers; the connections queued on the dead worker's socket wait for it.
        while not set(served.pids_answering()) - first:
            assert httpx.get(served.url + "/healthz", timeout=30).status_code == 200
            assert served.server.poll() is None and time.monotonic() < deadline, served.stderr()
        workers = (first - {dead}) | (set(served.pids_answering()) - first)
        assert len(workers) == 2 and not is_running(dead)
        assert f"worker process [{dead}] ended (killed by SIGKILL); starting another" in served.stderr()
        served.server.send_signal(signal.SIGTERM)
        assert served.server.wait(30) == 0
        assert not [pid for pid in workers if is_running(pid)]


@needs_reuse_port
def test_a_worker_that_cannot_start_stops_the_server_with_an_error(tmp_path):
    port = free_port()
    serve = ("import sys\n"
             "from mtcheck.web.logs import log_config\n"
             "from mtcheck.web.supervisor import Supervisor, reuse_port_sockets\n"
             f"sockets = reuse_port_sockets('127.0.0.1', {port}, 2)\n"
             f"options = {{'log_config': log_config(), 'host': '127.0.0.1', 'port': {port}}}\n"
             "sys.exit(0 if Supervisor('mtcheck.web.app:app_from_env', options, sockets).run() else 1)\n")
    broken = {**os.environ, ENV_VAR: '{"max_body_bytes": -1}'}  # every worker's app factory raises
    result = subprocess.run([sys.executable, "-c", serve], cwd=REPO, env=broken, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.count("could not build its app") >= 1 and "could not start its app; stopping" in result.stderr


@needs_reuse_port
def test_workers_stop_when_the_server_process_is_killed(tmp_path):
    with workers_serving(tmp_path) as served:
        workers = set(served.pids_answering())
        served.server.kill()
        served.server.wait()
        deadline = time.monotonic() + 30
        while [pid for pid in workers if is_running(pid)]:  # they finish what they have, then end
            assert time.monotonic() < deadline, f"workers left running: {workers}"
            time.sleep(0.1)


@needs_reuse_port
def test_a_workers_connections_send_without_waiting_for_acks():
    """asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections of a socket it
    knows is TCP. The workers' sockets were made without saying so: every response, written
    as headers then body, waited for the client's delayed ACK, some 40 ms a request (with two
    workers, 149 requests/s where one worker alone made 126)."""
    from mtcheck.web.supervisor import reuse_port_sockets

    sock = reuse_port_sockets("127.0.0.1", free_port(), 1)[0]

    async def nodelay_of_an_accepted_connection() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=sock)
        _, client = await asyncio.open_connection(*sock.getsockname()[:2])
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            client.close()
            server.close()
            await server.wait_closed()

    assert asyncio.run(nodelay_of_an_accepted_connection()) != 0
