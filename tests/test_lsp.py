"""`mtcheck lsp`: a scripted editor session with the server as a child process over stdio
(initialize, didOpen, publishDiagnostics, codeAction, hover, didChange, shutdown, exit), and
the UTF-16 positions LSP requires."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import PLAIN, REPO

pytest.importorskip("pygls", reason="the lsp extra (pygls) is not installed")

from mtcheck.lsp.positions import Position, PositionIndex, code_units

TIMEOUT = 30  # seconds for any one answer; the whole session takes a few


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the child's pipes."""

    def __init__(self, cwd: Path, *args: str):
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen([sys.executable, "-m", "mtcheck", "lsp", "--stdio", *args], cwd=cwd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            self.messages.put(json.loads(stream.read(int(headers["content-length"])).decode("utf-8")))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict | None) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        answer = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def wait(self, matches, timeout: float = TIMEOUT) -> dict:
        for message in self.seen:
            if matches(message):
                self.seen.remove(message)
                return message
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no such message within {timeout}s; stderr: {self.stderr()}")
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if message.get("method") == "client/registerCapability":
                self.send({"id": message["id"], "result": None})
                continue
            if matches(message):
                return message
            self.seen.append(message)

    def diagnostics(self, uri: str, version: int) -> list[dict]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri and m["params"].get("version") == version)
        return message["params"]["diagnostics"]

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode("utf-8", "replace")[-2000:]

    def close(self) -> int:
        try:
            self.request("shutdown", None)
            self.notify("exit", {})
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "strict").mkdir()
    (tmp_path / "strict" / "mtcheck.toml").write_text('ignore = ["calque.term"]\n', encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "mtcheck.toml").write_text("fail_on = 3\n", encoding="utf-8")
    return tmp_path


def _open(client: Client, path: Path, language: str, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": version,
                                                            "text": text}})
    return uri


def _by_rule(diagnostics: list[dict], rule: str) -> dict:
    return next(d for d in diagnostics if d["code"] == rule)


def test_a_scripted_editor_session(workspace):
    client = Client(workspace)
    try:
        init = client.request("initialize", {"processId": os.getpid(), "rootUri": workspace.as_uri(),
                                             "capabilities": {"workspace": {"didChangeWatchedFiles": {
                                                 "dynamicRegistration": True}}}})
        caps = init["capabilities"]
        assert init["serverInfo"]["name"] == "mtcheck"
        assert caps["positionEncoding"] == "utf-16" and caps["hoverProvider"]
        assert "source.fixAll.mtcheck" in caps["codeActionProvider"]["codeActionKinds"]
        client.notify("initialized", {})

        # An astral character (two UTF-16 units) before the finding on the same line.
        line = "Officials in 𠀋 town said new crown pneumonia cases fell."
        text = f"{PLAIN}\n{line}\n"
        uri = _open(client, workspace / "story.txt", "plaintext", text)
        found = client.diagnostics(uri, 1)
        term = _by_rule(found, "calque.term")
        start = line.index("new crown pneumonia")
        assert term["range"] == {"start": {"line": 1, "character": start + 1},
                                 "end": {"line": 1, "character": start + 1 + len("new crown pneumonia")}}
        assert term["severity"] in (1, 2) and term["source"] == "mtcheck" and "COVID-19" in term["message"]

        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": term["range"], "context": {"diagnostics": [term]}})
        quick = next(a for a in actions if a["kind"] == "quickfix")
        assert quick["title"] == "Replace with COVID-19" and quick["isPreferred"]
        (change,) = quick["edit"]["documentChanges"]
        assert change["textDocument"] == {"uri": uri, "version": 1}
        assert change["edits"] == [{"range": term["range"], "newText": "COVID-19"}]
        fix_all = next(a for a in actions if a["kind"] == "source.fixAll.mtcheck")
        assert {"range": term["range"], "newText": "COVID-19"} in fix_all["edit"]["documentChanges"][0]["edits"]

        # Only what the editor asks for (VS Code's fix-all-on-save asks for source.fixAll).
        only = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                    "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]}})
        assert [a["kind"] for a in only] == ["source.fixAll.mtcheck"]

        hovered = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                        "position": term["range"]["start"]})
        assert hovered["contents"]["kind"] == "markdown" and "**calque.term**" in hovered["contents"]["value"]
        assert client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                     "position": {"line": 0, "character": 1}}) is None

        # The editor applies the fix: the next version has no finding left.
        fixed = text.replace("new crown pneumonia", "COVID-19")
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                                 "contentChanges": [{"text": fixed}]})
        assert [d for d in client.diagnostics(uri, 2) if d["code"] == "calque.term"] == []

        # Markdown: ranges point into the file as the editor shows it, markup included.
        md = f"# Health\n\n*Officials* said **new crown pneumonia** cases fell.\n\n{PLAIN}\n"
        md_uri = _open(client, workspace / "story.md", "markdown", md)
        md_term = _by_rule(client.diagnostics(md_uri, 1), "calque.term")
        col = md.splitlines()[2].index("new crown")
        assert md_term["range"]["start"] == {"line": 2, "character": col}

        # HTML, and the folder's config honoured (strict/mtcheck.toml ignores calque.term).
        html = f"<p>Officials said new crown pneumonia cases fell &amp; rose.</p><p>{PLAIN}</p>"
        assert "calque.term" in [d["code"] for d in client.diagnostics(_open(client, workspace / "a.html", "html",
                                                                             html), 1)]
        strict = _open(client, workspace / "strict" / "b.html", "html", html)
        assert "calque.term" not in [d["code"] for d in client.diagnostics(strict, 1)]

        # A broken config is a diagnostic at the top of the document, not a crash.
        (problem,) = client.diagnostics(_open(client, workspace / "broken" / "c.txt", "plaintext", PLAIN), 1)
        assert "mtcheck.toml" in problem["message"] and "fail_on" in problem["message"]
        assert problem["range"]["start"] == {"line": 0, "character": 0}

        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        assert client.diagnostics(uri, None) == []
        assert client.close() == 0
    finally:
        if client.proc.poll() is None:
            client.proc.kill()


def test_positions_count_utf16_units_and_lsp_line_breaks():
    text = "a😀b\r\nc\u2028d\re"
    index = PositionIndex(text)
    assert index.position(text.index("b")) == Position(0, 3)  # the emoji is two UTF-16 units
    assert index.position(text.index("c")) == Position(1, 0)  # \r\n is one break
    assert index.position(text.index("d")) == Position(1, 2)  # U+2028 is no line break in LSP
    assert index.position(text.index("e")) == Position(2, 0)  # a lone \r is
    assert PositionIndex(text, "utf-8").position(text.index("b")) == Position(0, 5)
    assert PositionIndex(text, "utf-32").position(text.index("b")) == Position(0, 2)
    for offset in range(len(text) + 1):
        if text[offset - 1:offset + 1] != "\r\n":
            assert index.offset(index.position(offset)) == offset
    assert index.offset(Position(0, 99)) == text.index("\r")  # past the end of the line: its end
    assert code_units("𠀋", "utf-16") == 2 and code_units("𠀋", "utf-8") == 4
