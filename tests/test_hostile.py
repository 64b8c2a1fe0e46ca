"""Hostile and odd input: every shape ends in time with a one-line answer, and nothing unsafe
is read or written.

The shapes are tests/benchmarks/bench_hostile.py's: at a few kilobytes in the default run
(through check, check --format json, fix --diff and the HTTP API), and at full size, as
whole processes against their time and memory budget, in the slow run (pytest -m slow).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import signal
import sqlite3
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from mtcheck.read import InputProblem, decode, read_path
from mtcheck.read.formats import iter_documents
from mtcheck.read.text import UnknownEncoding

from ci_helpers import cached_checkers, write  # noqa: F401  (fixture)
from conftest import PLAIN, REPO

_SPEC = importlib.util.spec_from_file_location("bench_hostile", REPO / "tests" / "benchmarks" / "bench_hostile.py")
assert _SPEC is not None and _SPEC.loader is not None
bench = importlib.util.module_from_spec(_SPEC)
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))  # it imports bench_check beside it
sys.modules["bench_hostile"] = bench
_SPEC.loader.exec_module(bench)

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes and symbolic links")
SHAPES = [s for s in bench.SHAPES if s.command is None and not s.name.startswith("news-")]
SMALL = 0.003  # of the benchmark's sizes: a few kilobytes, the shape is what matters


@contextlib.contextmanager
def within(seconds: int):
    """Fail, instead of hanging the suite, when the block takes longer (a FIFO read would block)."""
    def expired(signum, frame):
        raise TimeoutError(f"took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def one_line_error(result, *needles: str) -> None:
    errors = [line for line in result.err.splitlines() if line.startswith("mtcheck: error:")]
    assert errors and all(any(n in e for e in errors) for n in needles), result.err
    assert "Traceback" not in result.err


# ------------------------------------------------------------------ every shape, small


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_each_shape_through_text_json_and_fix(shape, tmp_path, cli):
    path = write(tmp_path, shape.name + shape.extension, shape.build(SMALL))
    with within(30):
        results = {"text": cli("check", str(path)), "json": cli("check", "--format", "json", str(path))}
        if "fix" in shape.modes:
            results["fix"] = cli("fix", "--diff", str(path))
    for mode, result in results.items():
        assert result.code in (0, 1, 2), (mode, result.err)
        assert "Traceback" not in result.err
        assert "\x1b" not in result.out.replace("\x1b[", "")  # no escape from the input, colour or not
    if results["json"].code != 2 or results["json"].out.strip():
        json.loads(results["json"].out)


@pytest.mark.slow
@pytest.mark.parametrize("shape", [s for s in bench.SHAPES if not s.name.startswith("news-")], ids=lambda s: s.name)
def test_each_shape_at_full_size_within_its_budget(shape, tmp_path, news_seconds):
    """3x ordinary news of the same size in the same mode plus 3 s, 250 MiB, exit 0/1/2."""
    text = shape.build(1.0)
    path = write(tmp_path, shape.name + shape.extension, text)
    other = write(tmp_path, "other" + shape.extension, text.replace("the ", "The "))
    for mode in ("json",) if shape.command else shape.modes:
        budget = 3 * news_seconds[(shape.size_class, "json" if shape.command else mode)] + 3
        seconds, peak, code, killed, stderr = bench.run_one(bench.argv_for(shape, mode, path, other), REPO,
                                                            timeout=budget, mem_cap_mib=bench.MEMORY_BUDGET_MIB)
        assert not killed and code in (0, 1, 2) and "Traceback" not in stderr, (mode, killed, stderr[-400:])
        assert peak <= bench.MEMORY_BUDGET_MIB and seconds <= budget, (mode, seconds, peak)


@pytest.fixture(scope="module")
def news_seconds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("news")
    out = {}
    for shape in (s for s in bench.SHAPES if s.name.startswith("news-")):
        path = write(folder, shape.name + ".txt", shape.build(1.0))
        for mode in bench.MODES:
            out[(shape.size_class, mode)] = bench.run_one(bench.argv_for(shape, mode, path, path), REPO, 600, 4096)[0]
    return out


# ------------------------------------------------------------------ refusals in one line


@POSIX
def test_a_symbolic_link_loop_is_refused_in_one_line_and_the_rest_checked(tmp_path, cli):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    good = write(tmp_path, "good.txt", PLAIN + " The new crown pneumonia spread.\n")
    for command in (("check",), ("fix", "--diff"), ("check", "--format", "json")):
        result = cli(*command, str(loop), str(good))
        assert result.code == 2
        one_line_error(result, "loop.txt: a symbolic link loop")
    report = cli("report", str(tmp_path), "--out", str(tmp_path / "run"), "-j", "1", "-q")
    rows = [json.loads(line) for line in (tmp_path / "run" / "documents.jsonl").read_text().splitlines()]
    assert report.code == 2 and any("symbolic link loop" in r.get("error", "") for r in rows)
    assert any(r.get("source", "").endswith("good.txt") and "error" not in r for r in rows)


@POSIX
def test_named_pipes_are_refused_not_read(tmp_path, cli):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = write(tmp_path, "good.txt", PLAIN + "\n")
    config = tmp_path / "mtcheck.toml"
    os.mkfifo(config)
    with within(20):
        check = cli("check", str(fifo), str(good), "--config", str(good))  # a text file as config: not TOML
        one_line_error(check, "not valid TOML")
        os.unlink(config)
        check = cli("check", str(fifo), str(good))
        assert check.code == 2 and "good.txt" in check.out
        one_line_error(check, "pipe.txt: is a named pipe")
        one_line_error(cli("fix", str(fifo)), "pipe.txt: is a named pipe")
        one_line_error(cli("check", str(good), "--baseline", str(fifo)), "is a named pipe")
        one_line_error(cli("check", str(good), "--pairs", str(fifo)), "is a named pipe")
        os.mkfifo(tmp_path / "pipe.jsonl")
        report = cli("report", str(tmp_path), "--out", str(tmp_path / "run"), "-j", "1", "-q")
    assert report.code == 2
    rows = [json.loads(line) for line in (tmp_path / "run" / "documents.jsonl").read_text().splitlines()]
    assert sum("named pipe" in r.get("error", "") for r in rows) == 2
    assert any(r.get("source", "").endswith("good.txt") and "error" not in r for r in rows)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_devices_and_oversized_option_files_are_refused(tmp_path, cli):
    good = write(tmp_path, "good.txt", PLAIN + "\n")
    with within(20):
        for option in ("--config", "--baseline", "--pairs"):
            one_line_error(cli("check", str(good), option, "/dev/zero"), "/dev/zero", "is a device")
        one_line_error(cli("check", "/dev/zero"), "/dev/zero: is a device")
    big = write(tmp_path, "big.toml", "# padding\n" * 200_000)
    one_line_error(cli("check", str(good), "--config", str(big)), "too large", "for a config file")


def test_json_and_toml_nested_too_deeply_are_one_line_errors(tmp_path, cli):
    good = json.dumps({"id": "good", "text": PLAIN + " The new crown pneumonia spread."})
    deep = '{"id": "deep", "text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    shallow_but_deep = '{"id": "64", "text": "x", "a": ' + "[" * 70 + "]" * 70 + "}"
    archive = write(tmp_path, "archive.jsonl", "\n".join([good, deep, shallow_but_deep, good]) + "\n")
    result = cli("check", "--format", "json", str(archive))
    assert result.code == 2
    one_line_error(result, "archive.jsonl:2: JSON nested deeper than 64 levels", "archive.jsonl:3: JSON nested")
    assert len(json.loads(result.out)["documents"]) == 2  # the records after the deep one are still checked
    report = cli("report", str(archive), "--out", str(tmp_path / "run"), "-j", "1", "-q")
    rows = [json.loads(line) for line in (tmp_path / "run" / "documents.jsonl").read_text().splitlines()]
    assert report.code == 2 and [("error" in r) for r in rows] == [False, True, True, False]
    baseline = write(tmp_path, "baseline.json", "[" * 100_000 + "]" * 100_000)
    one_line_error(cli("check", str(archive), "--baseline", str(baseline)), "baseline.json", "nested too deeply")
    config = write(tmp_path, "mtcheck.toml", "select = " + "[" * 5_000 + "]" * 5_000 + "\n")
    one_line_error(cli("check", str(archive), "--config", str(config)), "mtcheck.toml")


def test_nul_anywhere_is_binary_and_a_legacy_encoding_can_be_named(tmp_path):
    with pytest.raises(InputProblem, match="binary"):
        decode(b"word " * 4000 + b"\x00", "late-nul.txt")
    cp1252 = "The café’s “new crown pneumonia” story — 5 €.\n".encode("cp1252")
    with pytest.raises(InputProblem, match="not valid UTF-8"):
        decode(cp1252, "legacy.txt")
    assert decode(cp1252, "legacy.txt", encoding="cp1252").text.startswith("The café’s “new crown")
    path = write(tmp_path, "legacy.txt", cp1252)
    assert read_path(path, encoding="CP1252").encoding == "cp1252"
    (item,) = iter_documents(path, encoding="cp1252")
    assert not isinstance(item, InputProblem) and "€" in item.text
    with pytest.raises(UnknownEncoding, match="unknown encoding"):
        decode(cp1252, "legacy.txt", encoding="klingon")


def test_control_characters_are_shown_escaped_in_the_text_report(tmp_path, cli):
    path = write(tmp_path, "esc\x1b[2J.txt", "The minister said \x1b]0;pwned\x07 the the plan \x1b[2J , he said.\n")
    result = cli("check", "--color", "always", str(path))
    shown = re.sub(r"\x1b\[[0-9;]*m", "", result.out)  # the report's own colours; the input's [2J is no colour
    assert "\x1b" not in shown and "\x07" not in shown
    assert "␛]0;pwned␇" in result.out and "␛[2J" in result.out
    excerpt = next(line for line in result.out.splitlines() if "pwned" in line)
    caret = result.out.splitlines()[result.out.splitlines().index(excerpt) + 1]
    assert "^" in caret  # the caret line still follows its excerpt


# ------------------------------------------------------------------ report's folder and archive


def test_report_writes_only_into_its_own_folders_and_removes_only_its_own_files(tmp_path, cli):
    story = write(tmp_path / "in", "story.txt", PLAIN + " The new crown pneumonia spread.\n")
    foreign = tmp_path / "site"
    write(foreign, "docs/important.html", "<p>mine</p>")
    result = cli("report", str(story), "--out", str(foreign), "-j", "1", "-q")
    one_line_error(result, "not an mtcheck report folder")
    assert sorted(p.name for p in foreign.rglob("*")) == ["docs", "important.html"]
    run = tmp_path / "run"
    assert cli("report", str(story), "--out", str(run), "-j", "1", "-q").code == 0
    assert (run / ".mtcheck-report").is_file()
    kept = [write(run, "docs/important.html", "<p>mine</p>"), write(run, "docs/.page.html.swp", "editor"),
            write(run, ".index.html.swp", "editor"), write(run, "notes.tmp", "mine")]
    story.write_text(PLAIN + " Changed, so its old page is stale.\n")
    assert cli("report", str(story), "--out", str(run), "-j", "1", "-q").code == 0
    assert all(p.exists() for p in kept)
    assert len([p for p in (run / "docs").iterdir() if len(p.stem) == 24]) == 1  # the stale page went


def test_a_refused_report_leaves_nothing_behind(tmp_path, cli, monkeypatch):
    from mtcheck.batch import engines, run

    def no_engine(*args, **kwargs):
        raise engines.EngineError("the dask engine needs dask.distributed: pip install 'mtcheck[dask]'")

    monkeypatch.setattr(run, "make_engine", no_engine)
    story = write(tmp_path, "story.txt", PLAIN + "\n")
    result = cli("report", str(story), "--out", str(tmp_path / "run"), "--engine", "dask", "-q")
    one_line_error(result, "dask")
    assert not (tmp_path / "run").exists()


@POSIX
def test_report_does_not_follow_links_out_of_the_archive_unless_told(tmp_path, cli):
    secret = write(tmp_path / "private", "secret.txt", "The secret password is swordfish. " + PLAIN + "\n")
    archive = tmp_path / "archive"
    write(archive, "story.txt", PLAIN + "\n")
    (archive / "leak.txt").symlink_to(secret)
    (archive / "inside.txt").symlink_to(archive / "story.txt")
    result = cli("report", str(archive), "--out", str(tmp_path / "run"), "-j", "1", "-q")
    out = tmp_path / "run"
    assert result.code == 2 and "leak.txt: a symbolic link to" in result.err and "outside" in result.err
    published = "".join(p.read_text() for p in out.rglob("*.html")) + (out / "documents.jsonl").read_text()
    assert "swordfish" not in published
    followed = cli("report", str(archive), "--out", str(tmp_path / "run2"), "-j", "1", "-q", "--follow-symlinks")
    assert followed.code == 0 and "swordfish" in "".join(p.read_text() for p in (tmp_path / "run2").rglob("*.html"))


# ------------------------------------------------------------------ fix --write


FIXABLE = PLAIN + " The plan is anti-democratic , he said .\n"


def test_fix_write_refuses_read_only_files(tmp_path, cli):
    path = write(tmp_path, "story.txt", FIXABLE)
    path.chmod(0o444)
    try:
        result = cli("fix", "--write", str(path))
        one_line_error(result, "story.txt: is read-only; not rewritten")
        assert path.read_text() == FIXABLE
    finally:
        path.chmod(0o644)


@POSIX
def test_fix_write_refuses_symbolic_links_unless_told(tmp_path, cli):
    target = write(tmp_path / "elsewhere", "story.txt", FIXABLE)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    one_line_error(cli("fix", "--write", str(link)), "link.txt: is a symbolic link; not rewritten")
    assert target.read_text() == FIXABLE
    assert cli("fix", "--write", "--follow-symlinks", str(link)).code in (0, 1)
    assert link.is_symlink() and "anti-democratic, he said." in target.read_text()


@POSIX
def test_fix_write_keeps_hard_links_mode_and_inode(tmp_path, cli):
    path = write(tmp_path, "story.txt", FIXABLE)
    path.chmod(0o640)
    twin = tmp_path / "twin.txt"
    os.link(path, twin)
    before = path.stat()
    assert cli("fix", "--write", str(path)).code in (0, 1)
    after = path.stat()
    assert after.st_ino == before.st_ino and after.st_nlink == 2 and stat.S_IMODE(after.st_mode) == 0o640
    assert "anti-democratic, he said." in twin.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.txt", "twin.txt"]  # no copy left


@POSIX
def test_fix_write_refuses_a_file_swapped_while_it_was_being_fixed(tmp_path, cli, monkeypatch):
    from mtcheck.fix import apply

    path = write(tmp_path, "story.txt", FIXABLE)
    victim = write(tmp_path, "victim.txt", "do not touch\n")
    real = apply.fix_source

    def swap_then_fix(source, checker, *args):
        stat_before = path.stat()
        path.unlink()
        path.symlink_to(victim)
        os.utime(path, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns), follow_symlinks=False)
        return real(source, checker, *args)

    monkeypatch.setattr(apply, "fix_source", swap_then_fix)
    one_line_error(cli("fix", "--write", str(path)), "story.txt: changed (or was replaced)")
    assert victim.read_text() == "do not touch\n"


def test_fix_refuses_jsonl_before_reading_it(tmp_path, cli):
    archive = tmp_path / "archive.jsonl"
    if hasattr(os, "mkfifo"):
        os.mkfifo(archive)  # reading it would block: the refusal must come first
    else:
        archive.write_text('{"text": "x"}\n')
    with within(20):
        one_line_error(cli("fix", str(archive)), "cannot fix jsonl")


# ------------------------------------------------------------------ the reference index


def test_a_tampered_reference_index_is_rebuilt(tmp_path, cli):
    corpus = write(tmp_path / "corpus", "published.txt", PLAIN + " Officials said the fair drew buyers.\n")
    story = write(tmp_path, "story.txt", PLAIN + "\n")
    assert cli("check", str(story), "--reference-corpus", str(corpus.parent), "-q").code in (0, 1)
    database = corpus.parent / ".mtcheck-index" / "index.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'next_sentence'", (str(2**40),))
        db.commit()
    result = cli("check", str(story), "--reference-corpus", str(corpus.parent), "--format", "json")
    assert result.code in (0, 1) and "is inconsistent" in result.err and "rebuilding" in result.err
    assert json.loads(result.out)["documents"][0]["fluency"]["sentences"][0]["reference"] is not None


# ------------------------------------------------------------------ the server


@pytest.fixture(scope="module")
def hostile_app():
    pytest.importorskip("fastapi")
    from mtcheck.pipeline import Checker
    from mtcheck.web.app import create_app
    from mtcheck.web.settings import ServeSettings

    return create_app(ServeSettings(request_timeout=20), Checker())


@pytest.mark.parametrize("shape", [s for s in SHAPES if s.extension in (".txt", ".md", ".html")],
                         ids=lambda s: s.name)
def test_each_shape_through_the_api_answers_without_a_server_error(hostile_app, shape):
    """/v1/check, /v1/fix and LanguageTool's /v2/check."""
    from fastapi.testclient import TestClient

    text = shape.build(SMALL)
    fmt = {".txt": "text", ".md": "markdown", ".html": "html"}[shape.extension]
    with TestClient(hostile_app) as client:
        for endpoint in ("/v1/check", "/v1/fix"):
            response = client.post(endpoint, json={"text": text, "format": fmt})
            assert response.status_code in (200, 422), (endpoint, response.text[:300])
        if fmt == "text":  # LanguageTool's endpoint takes plain text
            response = client.post("/v2/check", data={"text": text, "language": "en-US"})
            assert response.status_code == 200, response.text[:300]


def test_the_languagetool_endpoint_refuses_json_nested_too_deeply(hostile_app):
    from fastapi.testclient import TestClient

    with TestClient(hostile_app) as client:
        response = client.post("/v2/check", data={"data": "[" * 100_000 + "]" * 100_000, "language": "en-US"})
    assert response.status_code == 400 and "nested too deeply" in response.json()["error"]


def test_work_abandoned_at_the_deadline_stops(checker):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from mtcheck.budget import checkpoint
    from mtcheck.web.app import create_app
    from mtcheck.web.settings import ServeSettings

    app = create_app(ServeSettings(request_timeout=0.3, check_threads=1), checker)
    stopped = threading.Event()

    def endless(request):
        try:
            while True:
                checkpoint()
                time.sleep(0.01)
        finally:
            stopped.set()

    app.state.service.check = endless
    with TestClient(app) as client:
        response = client.post("/v1/check", json={"text": PLAIN})
        assert response.status_code == 503
        assert stopped.wait(2), "the work went on after its request was answered"
        app.state.service.check = lambda request: app.state.service.__class__.check(app.state.service, request)
        assert client.post("/v1/check", json={"text": PLAIN}).status_code == 200  # the one thread is free again


def test_content_length_with_transfer_encoding_is_refused():
    pytest.importorskip("fastapi")
    import asyncio

    from mtcheck.web.middleware import BodyLimit

    reached = []

    async def app(scope, receive, send):
        reached.append(scope)

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/v1/check",
             "headers": [(b"content-length", b"4"), (b"transfer-encoding", b"chunked")]}
    asyncio.run(BodyLimit(app, 1000)(scope, receive, send))
    assert not reached and sent[0]["status"] == 400
    assert b"Content-Length and Transfer-Encoding" in sent[1]["body"]
